// The staff check-in screen: every few seconds ask the server for the current QR code (it
// rotates every 15 s), its 6-digit short code and the present count, and swap them in
// without reloading the page. The count is a live region: it is written only when it
// changes, so a screen reader hears each new check-in once and nothing in between.
(function () {
  "use strict";
  const root = document.getElementById("qr-screen");
  if (!root) return;
  const box = document.getElementById("qr-code");
  const closed = document.getElementById("qr-closed");
  const offline = document.getElementById("qr-offline");
  const present = document.getElementById("present-count");
  const members = document.getElementById("members-count");
  const shortCode = document.getElementById("short-code");
  const whenOpen = [box, document.getElementById("qr-instructions"), document.getElementById("qr-typed")];
  const fullscreen = document.getElementById("qr-fullscreen");
  const POLL_MS = 3000;
  let timer = null;

  function setText(element, value) {
    const text = String(value);
    if (element.textContent !== text) element.textContent = text;
  }

  function show(state) {
    whenOpen.forEach((element) => { element.hidden = !state.open; });
    closed.hidden = !!state.open;
    if (state.open && state.code !== root.dataset.code) {
      // The server renders the SVG (segno); it holds only a path, no script or style.
      box.innerHTML = state.svg;
      root.dataset.code = state.code;
      root.dataset.url = state.url;
      shortCode.dataset.code = state.short_code;
      setText(shortCode, state.short_code.slice(0, 3) + " " + state.short_code.slice(3));
    }
    setText(present, state.present_count);
    setText(members, state.members_count);
  }

  function nextDelay(state) {
    // Poll every few seconds, and right after a rotation so the new code shows at once.
    if (!state.open || !state.rotates_at) return POLL_MS;
    const untilRotation = Date.parse(state.rotates_at) - Date.now() + 200;
    return Math.max(500, Math.min(POLL_MS, untilRotation));
  }

  function poll() {
    fetch(root.dataset.stateUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then((response) => {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then((state) => {
        if (!offline.hidden) offline.hidden = true;
        show(state);
        schedule(nextDelay(state));
      })
      .catch(() => {
        if (offline.hidden) offline.hidden = false;
        schedule(POLL_MS);
      });
  }

  function schedule(delay) {
    clearTimeout(timer);
    timer = setTimeout(poll, delay);
  }

  if (fullscreen && document.fullscreenEnabled) {
    fullscreen.hidden = false;
    fullscreen.addEventListener("click", () => {
      if (document.fullscreenElement) document.exitFullscreen();
      else document.documentElement.requestFullscreen();
    });
  }

  schedule(POLL_MS);
})();
