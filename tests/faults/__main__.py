"""`python -m tests.faults`: members save answers while a worker dies and the database restarts."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time

import requests

from tests.bench import server as bench_server
from tests.bench.server import PROJECT_ROOT, BenchServer, ServerError

from . import chaos
from .client import Member, Stats, Window
from .serverlog import summarise, unhandled_errors
from .slow_clients import SlowClients


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def seed_members(server: BenchServer, count: int) -> list[dict]:
    """N members with a token each, through tests/bench/seed.py (the server's environment)."""
    result = subprocess.run([sys.executable, "-m", "tests.bench.seed", str(count)], cwd=PROJECT_ROOT,
                            env=server.env, capture_output=True, text=True)
    if result.returncode != 0:
        raise ServerError(f"seeding members failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def verify(server: BenchServer, members: list[Member], user_ids: list[int]) -> dict:
    """tests/bench/verify.py against what the members were acknowledged."""
    ledger = {"answers": {str(m.attempt_id): m.ledger() for m in members if m.attempt_id},
              "user_ids": user_ids}
    path = server.workdir / "ledger.json"
    path.write_text(json.dumps(ledger), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "tests.bench.verify", str(path)], cwd=PROJECT_ROOT,
                            env=server.env, capture_output=True, text=True)
    if result.stderr.strip():
        print(result.stderr.rstrip(), file=sys.stderr)
    try:
        return json.loads(result.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        raise ServerError(f"verify.py failed:\n{result.stdout}{result.stderr}") from None


def wait_ready(base_url: str, timeout: float = 60.0) -> float | None:
    """Seconds until /readyz answers 200 (the database is back for the app), None if never."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            if requests.get(f"{base_url}/readyz", timeout=5).status_code == 200:
                return time.monotonic() - started
        except requests.RequestException:
            pass
        time.sleep(0.2)
    return None


def run(server: BenchServer, count: int, seconds: float, workers: int, outage_seconds: float,
        restart_database: bool, slow_clients: SlowClients,
        stalls: list[str]) -> tuple[Stats, list[Member], list[int], list[str]]:
    rows = seed_members(server, count)
    stats, outage, stop = Stats(), Window(), threading.Event()
    members = [Member(server.base_url, row["token"], stats, outage, stop, seed=row["id"])
               for row in rows]
    master = server.process.pid
    notes = []
    for member in members:
        member.start()
    began = time.monotonic()
    time.sleep(seconds * 0.25)
    victim, running = chaos.kill_a_worker(master)
    replaced = chaos.wait_for_workers(master, workers, gone=victim)
    notes.append(f"t={time.monotonic() - began:.0f}s SIGKILLed worker {victim} "
                 f"({'caught running' if running else 'idle'}); workers now {replaced}")
    probe = slow_clients.probe(server.base_url)
    notes.append(f"t={time.monotonic() - began:.0f}s /healthz with {slow_clients.idle_count} idle and "
                 f"{slow_clients.slow_count} slow connections open: {len(probe.answered)} answered "
                 f"(slowest {probe.slowest or 0:.2f} s), {len(probe.failures)} not answered within 5 s")
    stalls.extend(probe.failures)
    if restart_database:
        time.sleep(max(0.0, began + seconds * 0.5 - time.monotonic()))
        outage.start = time.monotonic()
        try:
            chaos.postgres_outage(outage_seconds)
        finally:
            recovered = wait_ready(server.base_url)
            outage.end = time.monotonic()
        notes.append(f"t={outage.start - began:.0f}s PostgreSQL stopped for {outage_seconds:g} s; "
                     + (f"the app was ready {recovered:.1f} s after the restart" if recovered is not None
                        else "the app did NOT become ready again within 60 s"))
    time.sleep(max(0.0, began + seconds - time.monotonic()))
    stop.set()
    for member in members:
        member.join(timeout=300)
    return stats, members, [row["id"] for row in rows], notes


def main() -> int:
    count = env_int("FAULTS_MEMBERS", 40)
    seconds = env_int("FAULTS_SECONDS", 40)
    workers = env_int("FAULTS_WORKERS", 3)
    idle, slow = env_int("FAULTS_IDLE_CLIENTS", 200), env_int("FAULTS_SLOW_CLIENTS", 100)
    outage_seconds = float(os.environ.get("FAULTS_OUTAGE_SECONDS") or 5)
    database_url = os.environ.get("FAULTS_DATABASE_URL", "")
    restart_database = chaos.is_local_postgres(database_url)
    if database_url and not restart_database:
        print("faults: not a local PostgreSQL: the database is not restarted", file=sys.stderr)
    bench_server.WORKERS = workers  # BenchServer starts gunicorn with this many workers
    server = BenchServer()
    stalls: list[str] = []  # /healthz requests not answered while idle and slow clients were open
    # Production wants shared rate-limit storage (Redis); the members never log in here.
    server.env.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    if database_url:
        server.env["DATABASE_URL"] = database_url
    kind = database_url.split(":", 1)[0] if database_url else "sqlite (temp file)"
    print(f"Fault run on {kind}: {count} members for {seconds} s, gunicorn with {workers} workers",
          flush=True)
    try:
        with server, SlowClients("127.0.0.1", server.port, idle=idle, slow=slow) as slow_clients:
            stats, members, user_ids, notes = run(server, count, seconds, workers, outage_seconds,
                                                  restart_database, slow_clients, stalls)
            summary = verify(server, members, user_ids)
            errors = unhandled_errors(server._log_path.read_text(errors="replace"))
    except (ServerError, RuntimeError) as error:
        print(f"faults: {error}", file=sys.stderr)
        return 2
    for note in notes:
        print(note)
    if not restart_database:
        print("no database restart (SQLite, or not a local PostgreSQL)")
    stuck = [m for m in members if m.is_alive()]
    failed = [m.error for m in members if m.error]
    unverifiable = sum(len(m.uncertain) for m in members)
    graded_once = summary["attempts_checked"] - summary["attempts_not_graded_once"]
    figures = [
        ("saves sent", stats.saves_sent), ("acknowledged", stats.acknowledged),
        ("503s", stats.unavailable), ("connection errors", stats.connection_errors),
        ("500s", stats.server_errors), ("500s during the outage", stats.server_errors_in_outage),
        ("other answers", dict(stats.unexpected) or 0), ("requests given up", stats.given_up),
        ("answers checked", summary["answers_checked"]), ("lost", summary["answers_lost"]),
        ("unverifiable (last save unanswered)", unverifiable),
        ("attempts", summary["attempts_checked"]), ("graded once", graded_once),
        ("score mismatches", summary["score_mismatches"]),
        ("attempts left open", summary["attempts_left_open"]),
        ("members who could not finish", len(failed) + len(stuck)),
        ("/healthz stalled by idle/slow clients", len(stalls)),
    ]
    width = max(len(name) for name, _ in figures)
    for name, value in figures:
        print(f"  {name:<{width}}  {value}")
    if errors:
        print(f"The server logged {len(errors)} unhandled error(s):")
        for line in summarise(errors):
            print(f"  {line}")
    for error in sorted(set(failed))[:10]:
        print(f"  member: {error}", file=sys.stderr)
    bad = (summary["answers_lost"] or stats.server_errors or graded_once != len(members)
           or summary["attempts_not_graded_once"] or summary["score_mismatches"]
           or summary["attempts_left_open"] or stats.unexpected or failed or stuck or stalls)
    if bad:
        print("faults: FAILED (loss, 500s, attempts not graded once, stalls or unexpected answers above)",
              file=sys.stderr)
        return 1
    print("faults: no acknowledged answer lost, no 500, every attempt graded once, "
          "no stall behind idle or slow clients")
    return 0


if __name__ == "__main__":
    sys.exit(main())
