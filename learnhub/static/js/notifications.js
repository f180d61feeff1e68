// The header's notification badge: polls GET /api/v1/notifications?limit=1 every
// NOTIFICATIONS_POLL_SECONDS (the bell's data-poll-seconds, ~30 s) with If-None-Match, so an
// unchanged list costs the server a 304 and one small query. Polling pauses while the tab is
// hidden and resumes (with one poll at once) when it is shown again. Another script may ask
// for a poll at once with the "learnhub:poll-notifications" event (an open thread's new reply).
(function () {
  "use strict";

  const bell = document.querySelector("[data-notification-bell]");
  if (!bell || !window.fetch) return;
  const count = bell.querySelector("[data-notification-count]");
  const url = bell.dataset.pollUrl;
  const POLL_MS = Math.max(Number(bell.dataset.pollSeconds) || 30, 0.2) * 1000;
  let etag = null;
  let timer = null;
  let busy = false;

  function show(unread) {
    count.textContent = unread > 99 ? "99+" : String(unread);
    count.hidden = unread === 0;
    bell.setAttribute("aria-label", unread ? bell.dataset.labelSome.replace("{n}", unread)
                                           : bell.dataset.labelNone);
  }

  function poll() {
    if (busy || document.visibilityState !== "visible") return;
    busy = true;
    const headers = { "Accept": "application/json" };
    if (etag) headers["If-None-Match"] = etag;
    // no-store: the browser's cache must not answer in our place (we send If-None-Match ourselves)
    fetch(url, { headers: headers, credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (response.status === 304 || !response.ok) return null; // unchanged, or try next time
        etag = response.headers.get("ETag");
        return response.json();
      })
      .then(function (body) { if (body) show(body.unread_count); })
      .catch(function () { /* offline: the next poll tries again */ })
      .then(function () { busy = false; });
  }

  function start() {
    if (timer === null) timer = window.setInterval(poll, POLL_MS);
  }

  function stop() {
    if (timer !== null) window.clearInterval(timer);
    timer = null;
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { poll(); start(); } else { stop(); }
  });
  document.addEventListener("learnhub:poll-notifications", poll);
  if (document.visibilityState === "visible") start();
})();
