// An open thread's live replies: polls GET /threads/<id>/live?after=<last number> every
// LIVE_POLL_SECONDS (the page's data-poll-seconds) with If-None-Match, so an unchanged thread
// costs the server a 304 and one small query. New posts (HTML rendered by the server) are
// appended to the thread page's posts (#posts) and announced in the status line;
// the reader's place is recorded (POST /api/v1/threads/<id>/read) and the header's badge is
// asked to poll at once (a reply may have come with a mention). Polling pauses while the tab
// is hidden and resumes, with one poll at once, when it is shown. Plain ES2017, no build step:
// it runs in WeChat's in-app browser.
(function () {
  "use strict";

  const root = document.getElementById("thread-live");
  const posts = document.getElementById("posts");  // the thread page's posts (discussions/thread.html)
  if (!root || !posts || !window.fetch) return;
  const status = document.querySelector("[data-live-status]");
  const POLL_MS = Math.max(Number(root.dataset.pollSeconds) || 10, 0.2) * 1000;
  let last = Number(root.dataset.last) || 0;
  let etag = null;
  let timer = null;
  let busy = false;

  function announce(added) {
    if (!status || !added) return;
    status.textContent = added === 1 ? root.dataset.labelOne
                                     : root.dataset.labelMany.replace("{n}", String(added));
  }

  function append(html) {
    const holder = document.createElement("div");
    holder.innerHTML = html;  // rendered and sanitised by the server (the thread page's own boxes)
    let added = 0;
    while (holder.firstElementChild) {
      const node = holder.firstElementChild;
      if (node.id && document.getElementById(node.id)) {
        holder.removeChild(node);  // already shown (e.g. the member's own reply after its redirect)
        continue;
      }
      posts.appendChild(node);
      added += 1;
    }
    return added;
  }

  function markRead() {
    fetch(root.dataset.readUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": root.dataset.csrf },
      body: JSON.stringify({ number: last }),
    }).catch(function () { /* the next visit records it */ });
  }

  function received(body) {
    if (!body || typeof body.last !== "number") return false;
    const added = body.html ? append(body.html) : 0;
    if (body.last > last) {
      last = body.last;
      root.dataset.last = String(last);
    }
    if (added) {
      announce(added);
      markRead();
      document.dispatchEvent(new Event("learnhub:poll-notifications"));
    }
    return body.more === true;
  }

  function poll() {
    if (busy || document.visibilityState !== "visible") return;
    busy = true;
    const headers = { "Accept": "application/json" };
    if (etag) headers["If-None-Match"] = etag;
    const url = root.dataset.liveUrl + "?after=" + encodeURIComponent(String(last));
    let again = false;
    // no-store: the browser's cache must not answer in our place (we send If-None-Match ourselves)
    fetch(url, { headers: headers, credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        const type = response.headers.get("Content-Type") || "";
        if (response.status === 304 || !response.ok || type.indexOf("json") === -1) return null;
        etag = response.headers.get("ETag");
        return response.json();
      })
      .then(function (body) { again = received(body); })
      .catch(function () { /* offline: the next poll tries again */ })
      .then(function () {
        busy = false;
        if (again) { etag = null; poll(); }  // more new posts than one answer carries
      });
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
  if (document.visibilityState === "visible") start();
})();
