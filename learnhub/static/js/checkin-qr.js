// The staff check-in screen: every few seconds ask the server for the current QR code (it
// rotates every 15 s) and the present count, and swap them in without reloading the page.
(function () {
  "use strict";
  const root = document.getElementById("qr-screen");
  if (!root) return;
  const box = document.getElementById("qr-code");
  const closed = document.getElementById("qr-closed");
  const offline = document.getElementById("qr-offline");
  const present = document.getElementById("present-count");
  const members = document.getElementById("members-count");
  const POLL_MS = 3000;
  let timer = null;

  function show(state) {
    box.hidden = !state.open;
    closed.hidden = !!state.open;
    if (state.open && state.code !== root.dataset.code) {
      // The server renders the SVG (segno); it holds only a path, no script or style.
      box.innerHTML = state.svg;
      root.dataset.code = state.code;
      root.dataset.url = state.url;
    }
    present.textContent = String(state.present_count);
    members.textContent = String(state.members_count);
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
        offline.hidden = true;
        show(state);
        schedule(nextDelay(state));
      })
      .catch(() => {
        offline.hidden = false;
        schedule(POLL_MS);
      });
  }

  function schedule(delay) {
    clearTimeout(timer);
    timer = setTimeout(poll, delay);
  }

  schedule(POLL_MS);
})();
