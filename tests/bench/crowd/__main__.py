"""`python -m tests.bench.crowd`: the exam crowd (settings and what it checks: __init__.py)."""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from ..content import COURSE, EXAM_SLUG
from ..server import PROJECT_ROOT, BenchServer, ServerError, flask_cli
from .load import Settings, drive, load_average, raise_open_files_limit, split_crowd
from .overdue import MINUTES as OVERDUE_MINUTES, Closers, LateGroup, start_and_leave
from .report import error_count, figures, merge, print_report

DEFAULT_REDIS = "redis://127.0.0.1:6379/15"
KEEP_ALIVE_S = 300  # longer than any member's pause: a closed idle connection would lose its member


def server_settings(settings: Settings) -> dict[str, str]:
    env = {"GUNICORN_WORKER_CLASS": "gevent", "WEB_CONCURRENCY": "2",
           "GUNICORN_CMD_ARGS": f"--keep-alive {KEEP_ALIVE_S}"}
    if settings.instances > 1:  # the rate limits every host must share
        redis_url = os.environ.get("BENCH_REDIS_URL") or DEFAULT_REDIS
        env.update({"REDIS_URL": redis_url, "RATELIMIT_STORAGE_URI": redis_url})
    return env


def refuse_unshareable(settings: Settings) -> str | None:
    """Why these settings cannot run, or None."""
    database = os.environ.get("BENCH_DATABASE_URL") or ""
    if settings.instances > 1 and not database.startswith(("postgresql", "postgres:")):
        return ("CROWD_INSTANCES > 1 needs BENCH_DATABASE_URL=postgresql://... (a throwaway database): "
                "several hosts cannot share one SQLite file")
    if settings.instances > 1:
        redis_url = urlsplit(os.environ.get("BENCH_REDIS_URL") or DEFAULT_REDIS)
        try:
            socket.create_connection((redis_url.hostname, redis_url.port or 6379), timeout=2).close()
        except OSError as error:
            return f"Redis at {redis_url.hostname}:{redis_url.port or 6379} is not reachable ({error})"
    if shutil.which("wrk") is None:
        return "wrk is not installed; install it with `apt-get install wrk` (Debian/Ubuntu)"
    return None


def seed_crowd(server: BenchServer, members: int, code: str, minutes: int) -> tuple[dict, list[str]]:
    tokens_file = server.workdir / f"{code}.tokens"
    result = flask_cli(server.env, "bench", "seed-crowd", "--members", str(members), "--tokens", str(tokens_file),
                       "--class-code", code, "--course", COURSE, "--quiz", EXAM_SLUG, "--minutes", str(minutes),
                       cwd=server.app_root)
    if result.returncode != 0:
        raise ServerError(f"flask bench seed-crowd failed:\n{result.stderr[-2000:]}{result.stdout[-500:]}")
    return json.loads(result.stdout.strip().splitlines()[-1]), tokens_file.read_text().split()


def verify(server: BenchServer, crowd: dict, late: LateGroup, ledger: dict,
           unanswered: dict) -> tuple[dict, list[str]]:
    ledger_file = server.workdir / "acknowledged.json"
    ledger_file.write_text(json.dumps({
        "classes": [crowd["class"]] + ([late.class_id] if late.class_id else []),
        "exams": [crowd["exam"]] + ([late.exam_id] if late.exam_id else []),
        "answers": {**ledger, **late.attempts}, "unanswered": unanswered}))
    result = subprocess.run(
        [sys.executable, "-m", "tests.bench.crowd.verify", str(ledger_file)], cwd=PROJECT_ROOT,
        env=server.env, capture_output=True, text=True)
    details = [line for line in result.stderr.splitlines() if line.strip()]
    try:
        summary = json.loads(result.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        return {}, [f"the database check failed ({result.returncode}):", *details[-20:]]
    return summary, [f"database: {line}" for line in details] if result.returncode else []


def worker_timeouts(server: BenchServer, instances: int) -> list[str]:
    """gunicorn kills a worker whose heartbeat stalls past its timeout (30 s): a gevent worker
    with more ready requests than it can run in that time starves its heartbeat greenlet."""
    found = []
    for instance in range(instances):
        log = server.log_path(instance).read_text(errors="replace")
        if count := log.count("WORKER TIMEOUT"):
            found.append(f"instance {instance + 1}: gunicorn killed {count} worker(s) whose heartbeat "
                         "stalled past its timeout (WORKER TIMEOUT); their connections dropped")
    return found


def run(server: BenchServer, settings: Settings) -> tuple[dict, dict, dict, list[str]]:
    code = f"CROWD-{int(time.time()) % 1_000_000:06d}"
    print(f"Seeding {settings.members} members (class {code}) and {settings.overdue} with a "
          f"{OVERDUE_MINUTES}-minute exam ...", flush=True)
    crowd, tokens = seed_crowd(server, settings.members, code, 30)
    late = LateGroup()
    if settings.overdue:
        late_crowd, late_tokens = seed_crowd(server, settings.overdue, code + "-LATE", OVERDUE_MINUTES)
        late = start_and_leave(server.base_urls, late_crowd, late_tokens)
    closers = Closers(server.env, hosts=max(2, settings.instances))
    runs = split_crowd(tokens, server.base_urls, server.workdir)
    window_start = time.time() + settings.connect_seconds
    print(f"Running the crowd: {settings.members} connections over {len(runs)} wrk process(es); the start "
          f"window opens in {settings.connect_seconds:.0f} s, saves go on for {settings.save_seconds:g} s ...",
          flush=True)
    closers.start_during(settings, window_start)
    results = drive(runs, settings, crowd, window_start)
    print("The crowd has finished; closing the late attempts once more, then checking the database ...", flush=True)
    closers.finish(late)
    crowd_results = merge(results)
    figs = figures(crowd_results, settings.members, window_start, settings.window)
    verification, problems = verify(server, crowd, late, crowd_results["ledger"], crowd_results["unanswered"])
    problems = worker_timeouts(server, settings.instances) + late.problems + closers.problems(late) + problems
    return figs, verification, closers.summary(late, window_start), problems


def main() -> int:
    settings = Settings.from_env()
    if reason := refuse_unshareable(settings):
        print(f"bench-crowd: {reason}", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # a killed make still stops gunicorn
    files = raise_open_files_limit()
    if files < settings.members // settings.instances + 100:
        print(f"bench-crowd: only {files} open files allowed; raise `ulimit -n`", file=sys.stderr)
        return 2
    about = {"instances": settings.instances, "window": settings.window, "save_seconds": settings.save_seconds,
             "seed": settings.seed, "cores": os.cpu_count(),
             "database": (os.environ.get("BENCH_DATABASE_URL") or "sqlite").split(":", 1)[0],
             "load_average": {"start": load_average()}}
    print(f"Preparing a throwaway database and {settings.instances} gunicorn instance(s) ...", flush=True)
    try:
        with BenchServer(extra_env=server_settings(settings), instances=settings.instances) as server:
            try:
                figs, verification, closers, problems = run(server, settings)
            except (ServerError, RuntimeError) as error:
                raise ServerError(f"{error}\n--- gunicorn log (last lines) ---\n{server.log_tail(40)}") from None
            if problems or error_count(figs):
                for instance in range(settings.instances):
                    print(f"--- gunicorn log, instance {instance + 1} ---\n{server.log_tail(30, instance)}",
                          file=sys.stderr)
    except ServerError as error:
        print(f"bench-crowd: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("bench-crowd: interrupted; the servers and wrk were stopped", file=sys.stderr)
        return 130
    about["load_average"]["end"] = load_average()
    print_report(figs, about, verification, closers, problems)
    path = Path(os.environ.get("CROWD_RESULTS") or PROJECT_ROOT / "bench-results" / "crowd.json")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({**about, "figures": figs, "verification": verification, "close_overdue": closers,
                                "problems": problems}, indent=2) + "\n", encoding="utf-8")
    print(f"\nWritten to {path}")
    return 1 if problems or error_count(figs) else 0


if __name__ == "__main__":
    sys.exit(main())
