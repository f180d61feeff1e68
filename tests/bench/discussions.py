"""`python -m tests.bench.discussions` (`make bench-discussions`, part of `make bench`): discussions
under load, on gunicorn with 2 sync workers and a throwaway database (as wrk.py).

Seeds (direct inserts, tests/support/discussions_bench.py) a course thread of 5,000 replies, an
empty thread and 50 members with API tokens, then:

  reading   wrk (`-t2 -c32 -d6s --latency`) on the thread page (first page, a page deep in the
            thread by ?after=), the API's GET /api/v1/threads/{id} (first and deep page), as
            the logged-in bench member; requests/s, p50/p95/p99 and the ratio to /healthz
            (the mean of a run before and one after the others)
  the poll  wrk on GET /threads/{id}/live?after=<last> and on the API's GET, both with the
            If-None-Match of an unchanged thread: every answer must be 304
  posting   the 50 members reply to one thread at once for a few seconds (a thread each, an
            Idempotency-Key per request); then some acknowledged requests are sent again with
            their key and some keys twice at once (a double submit): each must answer the same
            post. Then the database: every acknowledged post stored once, numbers 1..N with no
            gap or repeat, no post nobody sent, the thread's counters right.

The server runs with DISCUSSION_POST_RATE_LIMIT set high: the per-member limit is not measured.
Prints a table, writes bench-results/discussions.json. Never fails on timings: exits 1 when a
post was lost or duplicated, or an answer was other than the expected 2xx / 304.

Environment: WRK_SECONDS (6), WRK_CONNECTIONS (32), WRK_THREADS (2), WRK_WARMUP (1), and
  BENCH_DISCUSSION_REPLIES (5000)  replies of the long thread
  BENCH_DISCUSSION_MEMBERS (50)    members posting at once
  BENCH_DISCUSSION_SECONDS (5)     how long they post
  BENCH_DISCUSSION_ONLY            comma-separated parts to run (page_first, page_deep, api_first,
                                   api_deep, poll_live, poll_api, posting; default all; /healthz always)
  BENCH_DATABASE_URL               a throwaway PostgreSQL database instead of a temp SQLite file
"""
from __future__ import annotations

import os
import shutil
import signal
import statistics
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from .content import COURSE
from .login import USER_AGENT, LoginError, session_cookie
from .options import env_number
from .server import BENCH_USERNAME, PROJECT_ROOT, BenchServer, ServerError
from .wrk import Settings, Target, checkout, conditional, failed, load_average, measure, print_table, save_json

RESULTS_PATH = PROJECT_ROOT / "bench-results" / "discussions.json"
SERVER_ENV = {"GUNICORN_WORKER_CLASS": "sync", "WEB_CONCURRENCY": "2",
              "DISCUSSION_POST_RATE_LIMIT": "1000000 per minute"}
REPLAYS = 50  # acknowledged requests sent again with their key
PAIRS = 20    # keys sent twice at the same moment


# --- the server and its database ------------------------------------------------------------

def app_for(env: dict[str, str]):
    """The app in this process, configured as the server is (to seed and to check)."""
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        from learnhub import create_app
        return create_app()
    finally:
        os.environ.clear()
        os.environ.update(saved)


class DiscussionBench(BenchServer):
    """The wrk server (2 sync workers), its database seeded before it starts."""

    def __init__(self, replies: int, members: int) -> None:
        super().__init__(extra_env=SERVER_ENV)
        self.replies, self.members = replies, members
        self.ids: dict = {}
        self.app = None

    def seed(self) -> None:
        self.app = app_for(self.env)
        print(f"Seeding a thread of {self.replies} replies and {self.members} members ...", flush=True)
        from tests.support import discussions_bench
        self.ids = self.in_app(discussions_bench.seed, COURSE, BENCH_USERNAME, self.replies, self.members)
        self.ids["reader_token"] = self.in_app(discussions_bench.reader_token, BENCH_USERNAME)

    def in_app(self, function, *args):
        with self.app.app_context():
            return function(*args)


# --- wrk -----------------------------------------------------------------------------------

def targets(server: DiscussionBench) -> list[Target]:
    base, ids = server.base_url, server.ids
    page = {"Cookie": f"session={session_cookie(base)}", "User-Agent": USER_AGENT}
    api = {"Authorization": f"Bearer {ids['reader_token']}"}
    thread, deep = ids["long_thread"], max(0, ids["highest"] - 100)
    size = f"{ids['highest']:,} posts"
    return [
        Target("healthz", "GET /healthz", "/healthz", {}),
        Target("page_first", f"thread page, first page ({size})", f"/threads/{thread}?after=0", page),
        Target("page_deep", f"thread page, ?after={deep}", f"/threads/{thread}?after={deep}", page),
        Target("api_first", "GET /api/v1/threads/{id}, first page", f"/api/v1/threads/{thread}", api),
        Target("api_deep", f"GET /api/v1/threads/{{id}}?after={deep}", f"/api/v1/threads/{thread}?after={deep}", api),
        Target("poll_live", "live poll, If-None-Match (page)", f"/threads/{thread}/live?after={ids['highest']}",
               page, expect=(304,)),
        Target("poll_api", "GET /api/v1/threads/{id}, If-None-Match", f"/api/v1/threads/{thread}", api, expect=(304,)),
        Target("healthz_end", "GET /healthz (again, at the end)", "/healthz", {}),
    ]


def chosen(name: str) -> bool:
    only = {n.strip() for n in os.environ.get("BENCH_DISCUSSION_ONLY", "").split(",") if n.strip()}
    return not only or name in only or name.startswith("healthz")


def measure_reading(server: DiscussionBench, settings: Settings) -> list[dict]:
    # The polls ask with the ETag of the thread's 200: it does not change while it is read.
    chosen_targets = [conditional(server.base_url, t) if t.expect == (304,) else t
                      for t in targets(server) if chosen(t.name)]
    return measure(server.base_url, chosen_targets, settings, server.workdir)


# --- 50 members posting at once ------------------------------------------------------------

def send(http: requests.Session, url: str, member_id: int, key: str, body: str) -> dict:
    started = time.perf_counter()
    record = {"member": member_id, "key": key, "body": body, "status": None, "id": None, "error": ""}
    try:
        response = http.post(url, json={"body": body}, headers={"Idempotency-Key": key}, timeout=60)
    except requests.RequestException as error:
        record["error"] = f"no answer: {error.__class__.__name__}"
    else:
        record["status"] = response.status_code
        if 200 <= response.status_code < 300:
            record["id"] = response.json().get("id")
        else:
            record["error"] = f"{response.status_code} {response.text[:200]}"
    record["seconds"] = time.perf_counter() - started
    return record


def member_session(member: dict) -> requests.Session:
    http = requests.Session()
    http.headers.update({"Authorization": f"Bearer {member['token']}", "User-Agent": USER_AGENT})
    return http


def post_until(url: str, member: dict, deadline: float, records: list) -> None:
    http, count = member_session(member), 0
    while time.monotonic() < deadline:
        count += 1
        body = f"成员 {member['id']} 的第 {count} 条回复：大家同时发帖，一条也不能丢。"
        records.append(send(http, url, member["id"], uuid.uuid4().hex, body))


def double_submit(url: str, member: dict) -> list[dict]:
    """The same key sent twice at the same moment (a double-clicked button, a retried call)."""
    key, body = uuid.uuid4().hex, f"成员 {member['id']} 点了两次提交。"
    barrier = threading.Barrier(2)

    def one(_):
        http = member_session(member)
        barrier.wait()
        return send(http, url, member["id"], key, body)
    with ThreadPoolExecutor(2) as pool:
        return list(pool.map(one, range(2)))


def percentiles(seconds: list[float]) -> dict:
    if len(seconds) < 2:
        return {}
    cuts = statistics.quantiles(seconds, n=100, method="inclusive")
    return {"p50": round(cuts[49] * 1000, 1), "p95": round(cuts[94] * 1000, 1), "p99": round(cuts[98] * 1000, 1)}


def post_at_once(server: DiscussionBench, seconds: float) -> dict:
    from tests.support.discussions_bench import check_posts

    members, thread = server.ids["members"], server.ids["busy_thread"]
    url = f"{server.base_url}/api/v1/threads/{thread}/posts"
    records: list[dict] = []
    print(f"{len(members)} members posting to one thread at once for {seconds:g} s ...", flush=True)
    started = time.monotonic()
    with ThreadPoolExecutor(len(members)) as pool:
        list(pool.map(lambda m: post_until(url, m, started + seconds, records), members))
    elapsed = time.monotonic() - started
    acked = [r for r in records if r["id"] is not None]
    by_member = {m["id"]: m for m in members}
    # Sent again with their key: the same post, no new one.
    firsts = list({r["member"]: r for r in reversed(acked)}.values())[:REPLAYS]
    with ThreadPoolExecutor(10) as pool:
        replays = list(pool.map(lambda r: send(member_session(by_member[r["member"]]), url, r["member"],
                                               r["key"], r["body"]), firsts))
    replay_differs = sum(1 for r, again in zip(firsts, replays, strict=True) if again["id"] != r["id"])
    pairs = [double_submit(url, member) for member in members[:PAIRS]]
    pair_differs = sum(1 for a, b in pairs if a["id"] is None or a["id"] != b["id"])
    every = records + replays + [r for pair in pairs for r in pair]
    acknowledged = {(r["member"], r["key"]): r["id"] for r in every if r["id"] is not None}
    sent = {(r["member"], r["key"]) for r in every}
    check = server.in_app(check_posts, thread, acknowledged, sent)
    failures = [r for r in every if r["id"] is None]
    return {
        "members": len(members), "seconds": round(elapsed, 2), "requests": len(records),
        "acknowledged": len(acked), "posts_per_second": round(len(acked) / elapsed, 1) if elapsed else None,
        "latency_ms": percentiles([r["seconds"] for r in records]),
        "failed_answers": len(failures), "first_failure": failures[0]["error"] if failures else "",
        "replays": len(replays), "replays_not_same_post": replay_differs,
        "double_submits": len(pairs), "double_submits_not_one_post": pair_differs,
        "database": check.as_json(), "database_failed": check.failed(),
    }


def posting_failed(outcome: dict) -> bool:
    return bool(outcome["database_failed"] or outcome["failed_answers"] or outcome["replays_not_same_post"]
                or outcome["double_submits_not_one_post"])


# --- report --------------------------------------------------------------------------------

def print_report(results: list[dict], posting: dict | None, about: dict) -> None:
    print_table(results, about, "Discussions")
    if posting:
        print_posting(posting)


def print_posting(p: dict) -> None:
    db, latency = p["database"], p["latency_ms"]
    print(f"\n{p['members']} members posting at once for {p['seconds']} s: {p['acknowledged']} of {p['requests']} "
          f"replies acknowledged ({p['posts_per_second']}/s), latency p50 {latency.get('p50')} ms, "
          f"p95 {latency.get('p95')} ms, p99 {latency.get('p99')} ms; answers not 2xx: {p['failed_answers']}")
    print(f"sent again with the same key: {p['replays']} ({p['replays_not_same_post']} not the same post); "
          f"the same key twice at once: {p['double_submits']} ({p['double_submits_not_one_post']} not one post)")
    print(f"database: {db['stored']} posts stored (first post included), {db['acknowledged']} acknowledged keys; "
          f"lost {db['lost']}, duplicated {db['duplicated']}, gaps in the numbers {db['gaps']}, "
          f"posts nobody sent {db['unexpected']}, unanswered but stored {db['unacknowledged_stored']}"
          f"{'; counters wrong: ' + '; '.join(db['counters_wrong']) if db['counters_wrong'] else ''}")
    if p["first_failure"]:
        print(f"posting: first answer not 2xx: {p['first_failure']}", file=sys.stderr)


def main() -> int:
    if shutil.which("wrk") is None:
        print("bench-discussions: wrk is not installed; install it with `apt-get install wrk`", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # a killed make still stops gunicorn
    settings = Settings.from_env()
    replies = int(env_number("BENCH_DISCUSSION_REPLIES", 5000))
    members = int(env_number("BENCH_DISCUSSION_MEMBERS", 50))
    post_seconds = env_number("BENCH_DISCUSSION_SECONDS", 5)
    about = {**checkout(PROJECT_ROOT), "database": (os.environ.get("BENCH_DATABASE_URL") or "sqlite").split(":", 1)[0],
             "workers": int(SERVER_ENV["WEB_CONCURRENCY"]), "worker_class": SERVER_ENV["GUNICORN_WORKER_CLASS"],
             "threads": settings.threads, "connections": settings.connections, "seconds": settings.seconds,
             "replies": replies, "members": members}
    load_start = load_average()
    print("Preparing a throwaway database and starting gunicorn ...", flush=True)
    try:
        with DiscussionBench(replies, members) as server:
            try:
                results = measure_reading(server, settings)
                posting = post_at_once(server, post_seconds) if chosen("posting") else None
            except ServerError as error:  # the log goes with the server's temp dir
                raise ServerError(f"{error}\n--- gunicorn log (last lines) ---\n{server.log_tail()}") from None
    except (ServerError, LoginError) as error:
        print(f"bench-discussions: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("bench-discussions: interrupted; the server was stopped", file=sys.stderr)
        return 130
    about["load_average"] = {"start": load_start, "end": load_average()}
    print_report(results, posting, about)
    save_json(Path(os.environ.get("BENCH_DISCUSSION_RESULTS") or RESULTS_PATH),
              {**about, "reading": results, "posting": posting})
    if failed(results) or (posting and posting_failed(posting)):
        print("bench-discussions: posts were lost or duplicated, or answers were not the expected "
              "2xx / 304 (see above)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
