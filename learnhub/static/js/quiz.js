// The timed quiz page: server-clock countdown, autosave through the JSON API, answers kept
// in localStorage until the server acknowledges them, auto-submit at zero, integrity signals.
// Without JavaScript the page is a plain form that submits every answer at once.
(function () {
  "use strict";

  const root = document.getElementById("quiz");
  if (!root) return;
  const form = document.getElementById("attempt-form");
  const attemptId = root.dataset.attemptId;
  const api = root.dataset.api; // /api/v1/attempts/<id>
  const csrf = form.querySelector("input[name=csrf_token]").value;
  const storageKey = "learnhub-attempt-" + attemptId;
  const msg = (name) => root.dataset["msg" + name] || "";
  const statusEl = document.getElementById("save-status");
  const announcer = document.getElementById("timer-announcer");
  const timerEl = document.getElementById("timer");
  const offset = Date.parse(root.dataset.serverNow) - Date.now(); // server time - device time

  // ---- local copy of answers not yet acknowledged --------------------------------------
  let pending = {}; // question id -> {response, version}
  let version = 0;
  let retryDelay = 1000;
  let flushing = false;
  let closed = false;
  let invalidMessage = "";

  function loadPending() {
    try { return JSON.parse(localStorage.getItem(storageKey) || "{}"); } catch (e) { return {}; }
  }
  function storePending() {
    try {
      if (Object.keys(pending).length) localStorage.setItem(storageKey, JSON.stringify(pending));
      else localStorage.removeItem(storageKey);
    } catch (e) { /* storage full or disabled: the server copy still counts */ }
  }
  function setStatus(text, state) {
    statusEl.textContent = text;
    statusEl.dataset.state = state;
  }

  // ---- reading and writing a question's answer in the page -------------------------------
  const questions = Array.from(form.querySelectorAll("fieldset.question[data-question-id]"))
    .filter((el) => el.dataset.type !== "description");

  function fieldset(qid) { return form.querySelector('fieldset[data-question-id="' + qid + '"]'); }

  function readResponse(el) {
    const name = "q-" + el.dataset.questionId;
    switch (el.dataset.type) {
      case "single": {
        const checked = el.querySelector("input[name='" + name + "']:checked");
        return checked ? checked.value : null;
      }
      case "multiple":
        return Array.from(el.querySelectorAll("input[name='" + name + "']:checked")).map((i) => i.value);
      case "true_false": {
        const checked = el.querySelector("input[name='" + name + "']:checked");
        return checked ? checked.value === "true" : null;
      }
      case "matching": {
        const pairs = {};
        el.querySelectorAll("select").forEach((s) => {
          if (s.value) pairs[s.name.slice(name.length + 1)] = s.value;
        });
        return pairs;
      }
      case "numerical": {
        const value = el.querySelector(".text-answer").value.trim();
        return value === "" ? null : value;
      }
      default:
        return el.querySelector(".text-answer").value;
    }
  }

  function writeResponse(el, response) {
    const name = "q-" + el.dataset.questionId;
    switch (el.dataset.type) {
      case "single":
      case "true_false":
        el.querySelectorAll("input[name='" + name + "']").forEach((i) => {
          i.checked = response !== null && i.value === String(response);
        });
        break;
      case "multiple":
        el.querySelectorAll("input[name='" + name + "']").forEach((i) => {
          i.checked = Array.isArray(response) && response.includes(i.value);
        });
        break;
      case "matching":
        el.querySelectorAll("select").forEach((s) => {
          s.value = (response && response[s.name.slice(name.length + 1)]) || "";
        });
        break;
      default:
        el.querySelector(".text-answer").value = response === null ? "" : response;
    }
  }

  function isAnswered(el) {
    const r = readResponse(el);
    if (r === null || r === "") return false;
    if (Array.isArray(r)) return r.length > 0;
    if (typeof r === "object") return Object.keys(r).length > 0;
    return true;
  }

  // ---- saving ------------------------------------------------------------------------------
  function queue(el) {
    if (closed) return;
    version += 1;
    // `at` is the server's clock: on reopen, an answer saved later elsewhere wins over this one.
    pending[el.dataset.questionId] = { response: readResponse(el), version: version, at: Date.now() + offset };
    storePending();
    refreshNavigator();
    setStatus(msg("Saving"), "saving");
    scheduleFlush(0);
  }

  let flushTimer = null;
  function scheduleFlush(delay) {
    clearTimeout(flushTimer);
    flushTimer = setTimeout(flush, delay);
  }

  class SaveError extends Error {
    constructor(message, state) { super(message); this.state = state; }
  }

  async function saveOne(qid, entry) {
    const response = await fetch(api + "/answers/" + qid, {
      method: "PUT",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ response: entry.response }),
    });
    if (response.status === 409) { onClosed(); return "closed"; }
    if (response.status === 422) {
      const body = await response.json().catch(() => null);
      invalidMessage = (body && body.error && body.error.message) || "";
      return "invalid";
    }
    if (response.status === 401 || response.status === 400) {
      // Logged out, or the session changed: retrying alone cannot help; the answers stay here.
      throw new SaveError("HTTP " + response.status, "auth");
    }
    if (!response.ok) throw new SaveError("HTTP " + response.status, "retrying");
    return "saved";
  }

  async function flush() {
    if (flushing || closed) return;
    flushing = true;
    try {
      let invalid = false;
      for (const [qid, entry] of Object.entries(pending)) {
        const outcome = await saveOne(qid, entry);
        if (outcome === "closed") return;
        const el = fieldset(qid);
        if (el) el.classList.toggle("invalid-answer", outcome === "invalid");
        invalid = invalid || outcome === "invalid";
        // Only forget it if it was not changed again while the request was in flight.
        if (pending[qid] && pending[qid].version === entry.version) delete pending[qid];
      }
      storePending();
      retryDelay = 1000;
      if (Object.keys(pending).length) scheduleFlush(0);
      else if (invalid) setStatus(msg("Invalid") + " " + invalidMessage, "invalid");
      else if (!form.querySelector(".invalid-answer")) setStatus(msg("Saved"), "saved");
    } catch (error) {
      const state = error.state || "retrying";
      const text = state === "auth" ? msg("Auth") : navigator.onLine === false ? msg("Offline") : msg("Retrying");
      setStatus(text, state === "auth" ? "auth" : "retrying");
      scheduleFlush(retryDelay);
      retryDelay = Math.min(retryDelay * 2, 10000);
    } finally {
      flushing = false;
      notifySettled();
    }
  }

  function onClosed() {
    closed = true;
    pending = {};
    storePending();
    setStatus(msg("Closed"), "closed");
    notifySettled();
    window.location.reload();
  }

  // Settled: every answer given so far is acknowledged by the server (saved, or refused as
  // invalid), or the server has closed the attempt. A submit waits for this, however long
  // the save takes: a submit that overtook a save would close the attempt without it.
  let settledWaiters = [];
  function isSettled() { return closed || (!flushing && !Object.keys(pending).length); }
  function notifySettled() {
    if (!isSettled()) return;
    const waiters = settledWaiters;
    settledWaiters = [];
    waiters.forEach((resolve) => resolve());
  }
  function whenSettled() {
    return isSettled() ? Promise.resolve() : new Promise((resolve) => settledWaiters.push(resolve));
  }

  let textTimers = {};
  form.addEventListener("change", (event) => {
    const el = event.target.closest("fieldset.question");
    if (el) queue(el);
  });
  form.addEventListener("input", (event) => {
    const el = event.target.closest("fieldset.question");
    if (!el || !event.target.classList.contains("text-answer")) return;
    const qid = el.dataset.questionId;
    clearTimeout(textTimers[qid]);
    textTimers[qid] = setTimeout(() => { delete textTimers[qid]; queue(el); }, 600);
  });
  window.addEventListener("online", () => scheduleFlush(0));

  // ---- navigator, flags, one question per screen --------------------------------------------
  const flagsKey = storageKey + "-flags";
  let flags = {};
  try { flags = JSON.parse(localStorage.getItem(flagsKey) || "{}"); } catch (e) { flags = {}; }

  function refreshNavigator() {
    let unanswered = 0;
    questions.forEach((el) => {
      const qid = el.dataset.questionId;
      const link = root.querySelector('[data-nav="' + qid + '"]');
      const answered = isAnswered(el);
      if (!answered) unanswered += 1;
      if (link) {
        link.classList.toggle("answered", answered);
        link.classList.toggle("flagged", !!flags[qid]);
        // What the colours say, for assistive technology: "Question 3, answered, flagged".
        const states = [msg(answered ? "NavAnswered" : "NavUnanswered")];
        if (flags[qid]) states.push(msg("NavFlagged"));
        link.setAttribute("aria-label", link.dataset.label + ", " + states.join(", "));
      }
      const flag = el.querySelector("[data-flag]");
      if (flag) flag.setAttribute("aria-pressed", flags[qid] ? "true" : "false");
    });
    const note = document.getElementById("unanswered");
    note.textContent = unanswered ? msg("Unanswered").replace("{n}", unanswered) : "";
  }

  form.querySelectorAll("[data-flag]").forEach((button) => {
    button.hidden = false;
    button.addEventListener("click", () => {
      const qid = button.dataset.flag;
      flags[qid] = !flags[qid];
      try { localStorage.setItem(flagsKey, JSON.stringify(flags)); } catch (e) { /* ignore */ }
      refreshNavigator();
    });
  });

  let current = 0;
  const onePerPage = root.dataset.layout === "one_per_page";
  function show(index) {
    if (!onePerPage) return;
    current = Math.max(0, Math.min(index, questions.length - 1));
    questions.forEach((el, i) => { el.hidden = i !== current; });
    document.getElementById("prev-question").disabled = current === 0;
    document.getElementById("next-question").disabled = current === questions.length - 1;
    root.querySelectorAll("[data-nav]").forEach((link) => {
      if (link.dataset.nav === questions[current].dataset.questionId) link.setAttribute("aria-current", "step");
      else link.removeAttribute("aria-current");
    });
  }
  // Moving to another question takes focus to its legend, so a screen reader reads the new
  // question (and focus never drops to the page when Next disables itself on the last one).
  function go(index) {
    show(index);
    questions[current].querySelector("legend").focus();
  }
  if (onePerPage) {
    form.querySelector(".pager-buttons").hidden = false;
    document.getElementById("prev-question").addEventListener("click", () => go(current - 1));
    document.getElementById("next-question").addEventListener("click", () => go(current + 1));
    root.querySelectorAll("[data-nav]").forEach((link) => {
      link.addEventListener("click", (event) => {
        event.preventDefault();
        go(questions.findIndex((el) => el.dataset.questionId === link.dataset.nav));
      });
    });
    questions.forEach((el) => el.querySelector("legend").setAttribute("tabindex", "-1"));
    show(0);
  }

  // ---- submitting ----------------------------------------------------------------------------
  // Through the API, not the form: a form from a stale tab would overwrite newer answers.
  let submitting = false;
  async function submitNow(by) {
    if (submitting || closed) return;
    submitting = true;
    // Text still inside its typing pause counts as given: queue it now.
    Object.keys(textTimers).forEach((qid) => {
      clearTimeout(textTimers[qid]);
      delete textTimers[qid];
      const el = fieldset(qid);
      if (el) queue(el);
    });
    if (!isSettled()) {
      // No time cap: the server stops taking saves at the deadline + grace and answers a
      // late one with 409, which closes the attempt here too. Failed saves keep retrying
      // (their status shows), and the answers stay in localStorage meanwhile.
      setStatus(msg("Finishing") || msg("Saving"), "saving");
      if (!flushing) { retryDelay = 1000; scheduleFlush(0); }
      await whenSettled();
    }
    if (closed) return; // the server closed the attempt: the reloaded page shows the result
    try {
      const response = await fetch(api + "/submit?by=" + by, {
        method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": csrf },
      });
      if (!response.ok && response.status !== 409) throw new Error("HTTP " + response.status);
      closed = true;
      window.location.reload(); // the attempt page now shows the result
    } catch (error) {
      // Offline: answers stay on the device; try again (the server closes the attempt at
      // the deadline + grace with what it has, whatever happens here).
      submitting = false;
      setStatus(msg("Retrying"), "retrying");
      setTimeout(() => submitNow(by), 2000);
    }
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (submitting) return; // already waiting for the last saves, then submitting
    const unanswered = questions.filter((el) => !isAnswered(el)).length;
    const question = unanswered ? msg("Unanswered").replace("{n}", unanswered) + "\n" : "";
    if (window.confirm(question + msg("Confirm"))) submitNow("member");
  });
  // Enter in a one-line answer must not submit the whole exam (phones' Go key does that).
  form.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && event.target.matches("input.text-answer")) event.preventDefault();
  });

  // ---- the countdown, on the server's clock ----------------------------------------------------
  const deadline = root.dataset.deadline ? Date.parse(root.dataset.deadline) : null;
  const announced = {};
  function announce(key, text) {
    if (announced[key]) return;
    announced[key] = true;
    announcer.textContent = text;
  }
  function format(ms) {
    const total = Math.max(0, Math.ceil(ms / 1000));
    const h = Math.floor(total / 3600), m = Math.floor((total % 3600) / 60), s = total % 60;
    const mmss = String(m).padStart(2, "0") + ":" + String(s).padStart(2, "0");
    return h ? h + ":" + mmss : mmss;
  }
  // The 5- and 1-minute warnings are said when the clock crosses them; a member who opens
  // the page with less time left hears what is actually left instead (not "5 minutes left"
  // with 69 s to go).
  let firstTick = true;
  function tick() {
    const left = deadline - (Date.now() + offset);
    timerEl.textContent = format(left);
    timerEl.classList.toggle("timer-warning", left <= 5 * 60 * 1000);
    if (firstTick) {
      firstTick = false;
      if (left <= 5 * 60 * 1000 && left > 0) {
        announced.five = true;
        announced.one = left <= 60 * 1000;
        announce("left", msg("Left").replace("{time}", format(left)));
      }
    }
    if (left <= 5 * 60 * 1000 && left > 60 * 1000) announce("five", msg("Five"));
    if (left <= 60 * 1000 && left > 0) announce("one", msg("One"));
    if (left <= 0) {
      announce("end", msg("End"));
      clearInterval(clock);
      submitNow("timer");
    }
  }
  let clock = null;
  if (deadline) {
    clock = setInterval(tick, 250);
    tick();
  }

  // ---- integrity signals: evidence for staff, never a penalty ---------------------------------
  function report(kind, qid) {
    if (closed || submitting) return;
    fetch(api + "/events", {
      method: "POST",
      credentials: "same-origin",
      keepalive: true,
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(qid ? { kind: kind, question_id: Number(qid) } : { kind: kind }),
    }).then((r) => (r.ok ? r.json() : null)).then((body) => {
      if (body && body.warn) {
        const warning = document.getElementById("focus-warning");
        warning.textContent = msg("Focus");
        warning.hidden = false;
      }
    }).catch(() => { /* offline: nothing to record it with */ });
  }
  document.addEventListener("visibilitychange", () => { if (document.hidden) report("hidden"); });
  window.addEventListener("blur", () => {
    setTimeout(() => { if (!document.hidden) report("focus_lost"); }, 100);
  });
  form.addEventListener("paste", (event) => {
    const el = event.target.closest("fieldset.question");
    if (el && event.target.classList.contains("text-answer")) report("paste", el.dataset.questionId);
  });

  // ---- on open: answers left unsent last time go first -------------------------------------------
  pending = loadPending();
  Object.entries(pending).forEach(([qid, entry]) => {
    const el = fieldset(qid);
    const savedAt = el && el.dataset.savedAt ? Date.parse(el.dataset.savedAt) : 0;
    if (!el || savedAt >= (entry.at || 0)) { delete pending[qid]; return; } // the server has newer
    writeResponse(el, entry.response);
    version = Math.max(version, entry.version || 0);
  });
  storePending();
  refreshNavigator();
  if (Object.keys(pending).length) {
    setStatus(msg("Saving"), "saving");
    scheduleFlush(0);
  }
})();
