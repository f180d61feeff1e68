// The unit page's study-time heartbeat (POST .../heartbeat {"visible_seconds", "reached_end"}).
// Time counts only while the page is visible (Page Visibility API) and the member interacted
// within the last few minutes: a hidden or idle page adds nothing. A beat goes every ~30 s,
// once when the page is hidden, and once when the member scrolls to the unit's end; from then
// on every beat says the end was reached (the server counts it only once a third of the dwell
// time is credited), until the unit is complete. When the
// server says the unit is complete, the tick and the progress bar update without a reload.
(function () {
  "use strict";

  const root = document.getElementById("unit-heartbeat");
  if (!root || !window.fetch) return;
  const BEAT_MS = (Number(root.dataset.beatSeconds) || 30) * 1000;
  const IDLE_MS = 3 * 60 * 1000;     // no interaction for this long: idle, nothing counts
  const TICK_MS = 1000;
  const url = root.dataset.url;
  const csrf = root.dataset.csrf;
  let completed = root.dataset.completed === "true";
  let activeMs = 0;                  // visible and active time not yet reported
  let lastInteraction = Date.now();
  let lastTick = Date.now();
  let scrolled = false;
  let reachedEnd = false;
  let endSent = false;               // the beat that reports the end at once (then every beat)
  let sending = false;

  function visible() { return document.visibilityState === "visible"; }
  function active(now) { return now - lastInteraction < IDLE_MS; }

  // Count time in small steps, only the steps where the page is visible and active.
  function tick() {
    const now = Date.now();
    const step = Math.min(now - lastTick, 5 * TICK_MS); // a sleeping device adds no jump
    lastTick = now;
    if (visible() && active(now)) activeMs += step;
  }

  function showCompleted(body) {
    completed = true;
    const section = document.querySelector("[data-completion]");
    if (section) {
      const rule = section.querySelector("[data-view-rule]");
      if (rule) rule.hidden = true;
      const done = section.querySelector("[data-done-message]");
      if (done) done.hidden = false;
    }
    if (body.progress) {
      document.querySelectorAll("[data-progress-bar]").forEach(function (bar) {
        bar.value = body.progress.percent;
        bar.textContent = body.progress.percent + "%";
      });
    }
    if (body.progress_text) {
      document.querySelectorAll("[data-progress-text]").forEach(function (el) {
        el.textContent = body.progress_text;
      });
    }
  }

  function beat(final) {
    tick();
    const seconds = Math.floor(activeMs / 1000);
    const end = reachedEnd && !completed;
    if (sending || (seconds < 1 && !(end && !endSent))) return;
    activeMs -= seconds * 1000;
    const payload = JSON.stringify({ visible_seconds: seconds, reached_end: end });
    if (end) endSent = true;
    sending = !final;
    fetch(url, {
      method: "POST", credentials: "same-origin", keepalive: !!final,
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: payload,
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (body) {
      if (body && body.completed && !completed) showCompleted(body);
    }).catch(function () { /* offline: this beat's time is lost, which is the safe side */ })
      .finally(function () { sending = false; });
  }

  ["pointerdown", "keydown", "scroll", "touchstart", "mousemove", "wheel"].forEach(function (name) {
    window.addEventListener(name, function () {
      tick();
      lastInteraction = Date.now();
      if (name === "scroll" || name === "wheel" || name === "touchstart") scrolled = true;
    }, { passive: true });
  });

  // The end of the unit: reached when the marker after the text is seen after a scroll (a
  // short unit that fits the screen is read by its dwell time, not by being opened).
  // A jump past it (the End key, a fling down to the discussion below the unit) never makes
  // the marker intersect, so a scroll also counts once the marker is above the screen's bottom.
  const end = document.querySelector("[data-unit-end]");
  function endReached() {
    if (reachedEnd || !scrolled || !visible()) return;
    reachedEnd = true;
    if (!completed) beat(false);
  }
  if (end && "IntersectionObserver" in window) {
    new IntersectionObserver(function (entries) {
      if (entries.some(function (e) { return e.isIntersecting; })) endReached();
    }).observe(end);
  }
  if (end) {
    window.addEventListener("scroll", function () {
      if (end.getBoundingClientRect().top < window.innerHeight) endReached();
    }, { passive: true });
  }

  document.addEventListener("visibilitychange", function () {
    if (visible()) { lastTick = Date.now(); lastInteraction = Date.now(); }
    else beat(true);   // what was counted before hiding; nothing counts while hidden
  });
  window.addEventListener("pagehide", function () { beat(true); });
  setInterval(tick, TICK_MS);
  setInterval(function () { if (visible()) beat(false); }, BEAT_MS);
}());
