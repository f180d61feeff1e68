"""The exam scenario: many members take one timed exam at once, then the database is checked.

Phase "exam" is the realistic part: BENCH_EXAM_USERS members start within a few seconds,
save an answer every 2-4 s, BENCH_EXAM_SAVES times, and submit. Phase "save throughput"
is the capacity part: BENCH_USERS members (as many as the /healthz baseline) save back to
back for BENCH_SECONDS, so its req/s compares with /healthz's. Then verify.py checks that
every acknowledged save is in the submitted attempt and every attempt was graded once.
"""
from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

import gevent
from locust.env import Environment

from .exam_users import Ledger, Member, exam_takers, save_loop
from .options import env_number
from .runner import MAX_SPAWN_RATE, Result, Snapshot, named_result, window_result
from .server import PROJECT_ROOT, BenchServer, ServerError

if TYPE_CHECKING:
    from .scenarios import Context

PHASE_TIMEOUT = 120.0  # seconds for all members to submit (or all to start, in the loop)
ROWS = (("POST", "start", "start"), ("PUT", "save", "save"), ("POST", "submit", "submit"))


@dataclass
class ExamOutcome:
    users: int
    saves_per_user: int
    phase: list[Result]  # start, save and submit, as the members' exam went
    throughput: Result  # saves back to back with BENCH_USERS users: its ratio is the goal
    verification: dict
    problems: list[str] = field(default_factory=list)  # anything that fails the bench
    server_log: str = ""  # gunicorn's output (tracebacks) when something failed

    def failures(self) -> int:
        return sum(r.failures for r in self.phase) + self.throughput.failures

    def failed(self) -> bool:
        return bool(self.failures() or self.problems)


def run_exam(ctx: Context, users: int, seconds: float) -> ExamOutcome:
    takers = int(env_number("BENCH_EXAM_USERS", 300))
    saves = int(env_number("BENCH_EXAM_SAVES", 5))
    members = seed(ctx.server, takers + users)
    exam_ledger = Ledger([m["token"] for m in members[:takers]])
    loop_ledger = Ledger([m["token"] for m in members[takers:]])

    print(f"Running exam: {takers} members, {saves} saves each, then submit ...", flush=True)
    phase, problems = exam_phase(ctx.server.base_url, exam_ledger, takers, saves)

    print(f"Running exam saves back to back: {users} members for {seconds:g} s ...", flush=True)
    throughput, loop_problems = save_throughput(ctx.server.base_url, loop_ledger, users, seconds)
    problems += loop_problems

    print("Checking the database ...", flush=True)
    ledger_file = ctx.server.workdir / "acknowledged.json"
    ledger_file.write_text(json.dumps({
        "user_ids": [m["id"] for m in members],
        "answers": {**exam_ledger.answers, **loop_ledger.answers}}))
    verification, verify_problems = verify(ctx.server, ledger_file)
    outcome = ExamOutcome(takers, saves, phase, throughput, verification, problems + verify_problems)
    if outcome.failed():
        outcome.server_log = ctx.server.log_tail(60)  # the temp dir goes when the server stops
    return outcome


def exam_phase(base_url: str, ledger: Ledger, takers: int, saves: int) -> tuple[list[Result], list[str]]:
    """Until every member has submitted (or PHASE_TIMEOUT): all of it counts, ramp-up too."""
    began = Snapshot(0, {})
    env = start_users(exam_takers(ledger, saves), base_url, takers)
    try:
        wait_for(lambda: ledger.finished >= takers, PHASE_TIMEOUT)
        ended = Snapshot(0, {})
        rows = [named_result(env, method, name, f"exam: {label}", takers) for method, name, label in ROWS]
        for result in rows:  # locust's CPU over the whole phase, shared by its three rows
            result.generator_cpu_percent = round(100 * (ended.cpu - began.cpu) / (ended.at - began.at), 1)
        return rows, user_problems(env, "exam", ledger, takers)
    finally:
        env.runner.quit()


def save_throughput(base_url: str, ledger: Ledger, users: int, seconds: float) -> tuple[Result, list[str]]:
    """Measure saves only between "every member has an attempt" and the stop signal."""
    env = start_users(save_loop(ledger), base_url, users)
    try:
        wait_for(lambda: ledger.started + ledger.finished >= users, PHASE_TIMEOUT)
        entry = env.stats.get("save", "PUT")
        before = Snapshot.of(entry)
        gevent.sleep(seconds)
        after = Snapshot.of(entry)
        ledger.stop = True
        wait_for(lambda: ledger.finished >= users, PHASE_TIMEOUT)
        result = window_result(env, "exam_save_loop", "exam: saves back to back", users, before, after)
        return result, user_problems(env, "saves back to back", ledger, users)
    finally:
        env.runner.quit()


def start_users(user_class: type[Member], host: str, count: int) -> Environment:
    env = Environment(user_classes=[user_class], host=host)
    env.create_local_runner().start(count, spawn_rate=min(count, MAX_SPAWN_RATE))
    return env


def wait_for(done: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not done() and time.monotonic() < deadline:
        gevent.sleep(0.2)


def user_problems(env: Environment, phase: str, ledger: Ledger, count: int) -> list[str]:
    """Members that never submitted, and exceptions in the user code (bench bugs)."""
    problems = [f"{phase}: {count - ledger.submitted} of {count} members never submitted"] \
        if ledger.submitted < count else []
    problems += [f"{phase}: {exc['count']} x exception: {exc['msg']}" for exc in env.runner.exceptions.values()]
    return problems


def subprocess_json(server: BenchServer, module: str, *args: str) -> tuple[object, subprocess.CompletedProcess]:
    """Run `python -m module` with the server's env (not in this gevent-patched process)."""
    result = subprocess.run([sys.executable, "-m", module, *args], cwd=PROJECT_ROOT, env=server.env,
                            capture_output=True, text=True)
    lines = result.stdout.strip().splitlines()
    try:
        return json.loads(lines[-1]), result
    except (IndexError, json.JSONDecodeError):
        return None, result


def seed(server: BenchServer, count: int) -> list[dict]:
    members, result = subprocess_json(server, "tests.bench.seed", str(count))
    if result.returncode != 0 or not isinstance(members, list) or len(members) != count:
        raise ServerError(f"seeding {count} members failed:\n{result.stderr[-2000:]}")
    return members


def verify(server: BenchServer, ledger_file) -> tuple[dict, list[str]]:
    summary, result = subprocess_json(server, "tests.bench.verify", str(ledger_file))
    details = [line for line in result.stderr.splitlines() if line.strip()]
    if not isinstance(summary, dict):
        return {}, [f"verify.py failed ({result.returncode}):", *details[-20:]]
    return summary, [f"verify: {line}" for line in details] if result.returncode else []
