// The assignment writing page: the draft autosaved through the JSON API 1.5 s after typing
// stops, a copy kept in localStorage until the server acknowledges it (sent again when the
// connection returns, or on the next visit), a live character count against the minimum,
// and Submit through the API. Without JavaScript the page is a plain form (Save draft, Submit).
(function () {
  "use strict";

  const root = document.getElementById("assignment");
  if (!root) return;
  const form = document.getElementById("write-form");
  const textarea = form.querySelector("textarea[name=body]");
  const csrf = form.querySelector("input[name=csrf_token]").value;
  const api = root.dataset.api; // /api/v1/assignments/<id>/submission
  const autosave = root.dataset.autosave === "1";
  const minLength = Number(root.dataset.minLength || 0);
  const storageKey = "learnhub-assignment-" + root.dataset.assignmentId + "-" + root.dataset.userId;
  const msg = (name) => root.dataset["msg" + name] || "";
  const statusEl = document.getElementById("save-status");
  const countEl = document.getElementById("char-count");
  const errorEl = document.getElementById("write-error");
  const DEBOUNCE = 1500;

  function setStatus(text, state) {
    statusEl.textContent = text;
    statusEl.dataset.state = state;
  }
  function showError(text) {
    errorEl.textContent = text || "";
    errorEl.hidden = !text;
  }

  // ---- the character count: whitespace is not counted (as on the server) ----------------------
  function length(text) { return Array.from(text.replace(/\s/g, "")).length; }
  function refreshCount() {
    const n = length(textarea.value);
    countEl.textContent = minLength
      ? msg("CountMin").replace("{n}", n).replace("{min}", minLength)
      : msg("Count").replace("{n}", n);
    countEl.classList.toggle("below-minimum", minLength > 0 && n < minLength);
  }

  // ---- the local copy ---------------------------------------------------------------------------
  // {body, at}: the text not yet acknowledged by the server and when it was typed.
  function loadLocal() {
    try { return JSON.parse(localStorage.getItem(storageKey) || "null"); } catch (e) { return null; }
  }
  function storeLocal(body) {
    try { localStorage.setItem(storageKey, JSON.stringify({ body: body, at: Date.now() })); } catch (e) { /* full or off */ }
  }
  function clearLocal(body) {
    try {
      const local = loadLocal();
      if (local && local.body === body) localStorage.removeItem(storageKey);
    } catch (e) { /* ignore */ }
  }

  // ---- saving -------------------------------------------------------------------------------------
  let timer = null;
  let saving = false;
  let again = false;
  let retryDelay = 2000;
  let closed = false;

  function clock() {
    const now = new Date();
    return String(now.getHours()).padStart(2, "0") + ":" + String(now.getMinutes()).padStart(2, "0");
  }

  async function put(body, submit) {
    return fetch(api, {
      method: "PUT",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ body: body, submit: submit }),
    });
  }

  async function save() {
    clearTimeout(timer);
    if (closed) return;
    if (saving) { again = true; return; }
    saving = true;
    const body = textarea.value;
    setStatus(msg("Saving"), "saving");
    try {
      const response = await put(body, false);
      if (response.ok) {
        clearLocal(body);
        retryDelay = 2000;
        showError("");
        setStatus(msg("Saved").replace("{time}", clock()), "saved");
      } else if (response.status === 409) {
        closed = true; // submitted or graded elsewhere: the page must be reloaded
        setStatus(msg("Closed"), "closed");
      } else if (response.status === 422 || response.status === 413) {
        const answer = await response.json().catch(() => null);
        showError((answer && answer.error && answer.error.message) || "");
        setStatus("", "invalid");
      } else if (response.status === 401 || response.status === 400) {
        setStatus(msg("Auth"), "auth");
      } else {
        throw new Error("HTTP " + response.status);
      }
    } catch (error) {
      // Offline or the server did not answer: the text stays on this device; try again.
      setStatus(navigator.onLine === false ? msg("Offline") : msg("Retrying"), "offline");
      timer = setTimeout(save, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 30000);
    } finally {
      saving = false;
      if (again) { again = false; save(); }
    }
  }

  textarea.addEventListener("input", () => {
    refreshCount();
    if (!autosave || closed) return;
    storeLocal(textarea.value);
    clearTimeout(timer);
    timer = setTimeout(save, DEBOUNCE);
  });
  window.addEventListener("online", () => { if (autosave && loadLocal()) save(); });

  // ---- submitting -----------------------------------------------------------------------------------
  let submitting = false;
  form.addEventListener("submit", async (event) => {
    const submitter = event.submitter;
    const isSubmit = submitter && submitter.name === "submit";
    if (!autosave && !isSubmit) return;
    event.preventDefault();
    if (!isSubmit) { save(); return; } // "Save draft": save now
    if (submitting || !window.confirm(msg("Confirm"))) return;
    submitting = true;
    clearTimeout(timer);
    const body = textarea.value;
    storeLocal(body);
    try {
      const response = await put(body, true);
      if (response.ok) {
        try { localStorage.removeItem(storageKey); } catch (e) { /* ignore */ }
        window.location.reload();
        return;
      }
      const answer = await response.json().catch(() => null);
      showError((answer && answer.error && answer.error.message) || ("HTTP " + response.status));
      if (response.status === 401 || response.status === 400) setStatus(msg("Auth"), "auth");
    } catch (error) {
      setStatus(msg("Offline"), "offline");
    } finally {
      submitting = false;
    }
  });

  // ---- on open: a text left unsent last time wins over an older server copy ---------------------------
  refreshCount();
  if (autosave) {
    const local = loadLocal();
    const savedAt = root.dataset.savedAt ? Date.parse(root.dataset.savedAt) : 0;
    if (local && typeof local.body === "string") {
      if (local.body !== textarea.value && (local.at || 0) > savedAt) {
        textarea.value = local.body;
        refreshCount();
        save();
      } else {
        localStorage.removeItem(storageKey); // the server has this text, or a newer one
      }
    }
  }
})();
