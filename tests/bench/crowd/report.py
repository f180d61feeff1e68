"""The crowd's figures from the wrk scripts' results: per kind of request, the start window, goals."""
from __future__ import annotations

import math

KINDS = ("open", "start", "save", "submit")
START_P99_GOAL_MS = 2000
SAVE_P99_GOAL_MS = 500
# The last presses come at the very end of the window: their own answer may follow it by
# up to the start p99 goal and the member still "started within the window".
WINDOW_SLACK_S = START_P99_GOAL_MS / 1000


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile (what a reader expects of a p99: 99 % were at most this)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def as_dict(value) -> dict:
    """Lua's JSON writes an empty table as []."""
    return value if isinstance(value, dict) else {}


def merge(results: list[dict]) -> dict:
    """Every wrk process's threads, in one crowd."""
    threads = [thread for result in results for thread in result["threads"] if thread]
    silent = sum(1 for result in results for thread in result["threads"] if not thread)
    kinds = {}
    for name in KINDS:
        parts = [thread["kinds"][name] for thread in threads]
        statuses: dict[str, int] = {}
        for part in parts:
            for status, count in as_dict(part["statuses"]).items():
                statuses[status] = statuses.get(status, 0) + count
        sent = [p["first_sent"] for p in parts if p["first_sent"]]
        finished = [p["last_done"] for p in parts if p["last_done"]]
        kinds[name] = {"latencies_ms": [x for p in parts for x in p["latencies_ms"]],
                       "sent_s": [x for p in parts for x in p["sent_s"]],
                       "ok": sum(p["ok"] for p in parts), "errors": sum(p["errors"] for p in parts),
                       "statuses": statuses, "first_errors": [e for p in parts for e in p["first_errors"]],
                       "first_sent": min(sent, default=0), "last_done": max(finished, default=0)}
    socket_errors: dict[str, int] = {}
    for result in results:
        for name, count in as_dict(result["socket_errors"]).items():
            if name != "status" and count:  # status: wrk's count of 4xx/5xx, the kinds' errors say which
                socket_errors[name] = socket_errors.get(name, 0) + count
    return {
        "silent_threads": silent,  # never published: every connection waited on an answer
        "kinds": kinds,
        "ledger": {attempt: as_dict(answers) for t in threads for attempt, answers in as_dict(t["ledger"]).items()},
        "unanswered": {attempt: as_dict(answers) for t in threads
                       for attempt, answers in as_dict(t.get("unanswered")).items()},
        "attempts": {m: a for t in threads for m, a in as_dict(t["attempts"]).items()},
        "started_at": [s for t in threads for s in as_dict(t["started_at"]).values()],
        "submitted": sum(t["submitted"] for t in threads),
        "failed": sum(t["failed"] for t in threads),
        "unattributed": sum(t["unattributed"] for t in threads),
        "first_unattributed": [e for t in threads for e in t["first_unattributed"]],
        "idle_requests": sum(t["idle_requests"] for t in threads),
        "socket_errors": socket_errors,
    }


def kind_figures(kind: dict) -> dict:
    latencies = kind["latencies_ms"]
    span = kind["last_done"] - kind["first_sent"]
    return {"count": len(latencies), "ok": kind["ok"], "errors": kind["errors"],
            "throughput_per_s": round(len(latencies) / span, 1) if span > 0 else None,
            "p50_ms": _round(percentile(latencies, 50)), "p99_ms": _round(percentile(latencies, 99)),
            "max_ms": _round(max(latencies, default=None)), "statuses": kind["statuses"],
            "first_errors": kind["first_errors"][:5]}


def timeline(crowd: dict, bucket_s: float = 10) -> list[dict]:
    """Per `bucket_s` seconds (by when each request was sent, from the window's opening):
    how many of each kind were answered and their p99, to see when the time went."""
    buckets: dict[int, dict[str, list[float]]] = {}
    for name in KINDS:
        kind = crowd["kinds"][name]
        for sent, latency in zip(kind["sent_s"], kind["latencies_ms"], strict=True):
            buckets.setdefault(math.floor(sent / bucket_s), {}).setdefault(name, []).append(latency)
    return [{"from_s": number * bucket_s,
             **{name: {"count": len(values), "p99_ms": _round(percentile(values, 99))}
                for name, values in sorted(kinds.items())}}
            for number, kinds in sorted(buckets.items())]


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def figures(crowd: dict, members: int, window_start: float, window: float) -> dict:
    kinds = {name: kind_figures(crowd["kinds"][name]) for name in KINDS}
    started = crowd["started_at"]
    last_start = max(started, default=None)
    last_open = crowd["kinds"]["open"]["last_done"] or None
    window_end = window_start + window + WINDOW_SLACK_S
    return {
        "members": members, "kinds": kinds, "started": len(started), "silent_threads": crowd["silent_threads"],
        "started_by_window_end": sum(1 for s in started if s <= window_start + window),
        "last_start_after_window_opened_s": None if last_start is None else round(last_start - window_start, 2),
        "last_open_after_window_opened_s": None if last_open is None else round(last_open - window_start, 2),
        "all_started_in_window": len(started) == members and last_start is not None
        and last_start <= window_end,
        "submitted": crowd["submitted"], "gave_up": crowd["failed"],
        "unattributed_answers": crowd["unattributed"], "first_unattributed": crowd["first_unattributed"][:5],
        "socket_errors": crowd["socket_errors"], "timeline": timeline(crowd),
    }


def error_count(figs: dict) -> int:
    return (sum(k["errors"] for k in figs["kinds"].values()) + figs["unattributed_answers"]
            + sum(figs["socket_errors"].values()) + (figs["members"] - figs["submitted"]) + figs["silent_threads"])


def goals(figs: dict) -> list[tuple[str, bool]]:
    start_p99, save_p99 = figs["kinds"]["start"]["p99_ms"], figs["kinds"]["save"]["p99_ms"]
    return [
        (f"start p99 < {START_P99_GOAL_MS} ms", start_p99 is not None and start_p99 < START_P99_GOAL_MS),
        (f"save p99 < {SAVE_P99_GOAL_MS} ms", save_p99 is not None and save_p99 < SAVE_P99_GOAL_MS),
        (f"every member started within the window (answered by its end + {WINDOW_SLACK_S:g} s)",
         figs["all_started_in_window"]),
        ("0 errors", error_count(figs) == 0),
    ]


def _ms(value) -> str:
    return "-" if value is None else f"{value:.0f}" if value >= 100 else f"{value:.1f}"


def print_report(figs: dict, about: dict, verification: dict, closers: dict, problems: list[str]) -> None:
    print(f"\nExam crowd: {figs['members']} members, {about['instances']} instance(s) x gunicorn "
          f"2 gevent workers, {about['database']} | window {about['window']:g} s from +0, saves for "
          f"{about['save_seconds']:g} s every 5-10 s | seed {about['seed']}\n"
          f"load average (1, 5, 15 min) at the start {about['load_average']['start']}, "
          f"at the end {about['load_average']['end']} ({about['cores']} cores)")
    header = f"{'kind':<8} {'count':>7} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'errors':>7}"
    print(header + "\n" + "-" * len(header))
    for name, kind in figs["kinds"].items():
        rate = "-" if kind["throughput_per_s"] is None else f"{kind['throughput_per_s']:.0f}"
        print(f"{name:<8} {kind['count']:>7} {rate:>8} {_ms(kind['p50_ms']):>8} {_ms(kind['p99_ms']):>8} "
              f"{_ms(kind['max_ms']):>8} {kind['errors']:>7}")
    print(f"started: {figs['started']} of {figs['members']} ({figs['started_by_window_end']} answered by the "
          f"window's end); the last start answered at +{figs['last_start_after_window_opened_s']} s, "
          f"the last exam page at {figs['last_open_after_window_opened_s']:+} s"
          if figs["last_open_after_window_opened_s"] is not None else "started: none")
    if (figs["last_open_after_window_opened_s"] or 0) > 0:
        print("  (some members opened the exam page after the window opened: CROWD_CONNECT_SECONDS is short "
              "for this machine, their starts came late)")
    print(f"submitted: {figs['submitted']}, gave up: {figs['gave_up']}, answers nobody could be matched to: "
          f"{figs['unattributed_answers']}, socket errors: {figs['socket_errors'] or 'none'}"
          + (f", wrk threads that never published their results: {figs['silent_threads']}"
             if figs["silent_threads"] else ""))
    print("timeline (s after the window opened: requests sent then, answered, p99 ms):")
    for bucket in figs["timeline"]:
        print(f"  {bucket['from_s']:>+5.0f} s  " + "  ".join(
            f"{name} {bucket[name]['count']} p99 {_ms(bucket[name]['p99_ms'])}" for name in KINDS if name in bucket))
    print(f"database check: {verification}")
    print(f"close-overdue: {closers['rounds']} round(s), {closers['hosts_at_once']} at once each, closed "
          f"{closers['closed']} of the {closers['overdue_attempts']} attempts that fell due "
          f"(per round: {closers['closed_per_round']}, at {closers['rounds_at_s']} s)")
    for name, kind in figs["kinds"].items():
        for error in kind["first_errors"]:
            print(f"  {name} error: {error}")
    for answer in figs["first_unattributed"]:
        print(f"  unmatched answer: {answer}")
    print("goals (not a pass/fail of the bench):")
    for label, met in goals(figs):
        print(f"  {'MET   ' if met else 'MISSED'} {label}")
    for problem in problems:
        print(f"PROBLEM: {problem}")
