"""The check-in scenario: a class of members checks in against rotating codes, then the
database is checked.

BENCH_CHECKIN_USERS members (default 300) of one class arrive within BENCH_CHECKIN_SECONDS
(default 20 s, an even spawn rate) while one staff screen polls the current code every 2 s,
as the QR page does. Each member POSTs /api/v1/checkin once with the code on the screen (a
410 code_expired, a code that rotated on its way, is scanned again). Then the database
must hold exactly one record per member, each present or late, and nothing else.

Also `python -m tests.bench.checkin seed N` and `... verify FILE`, run as subprocesses with
the server's environment (the gevent-patched harness never imports the app), like seed.py
and verify.py. Locust is imported only by the scenario functions for the same reason.
"""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .scenarios import Context

USERNAME = "checkin{:04d}"
HEAD = "checkinhead"
POLL_SECONDS = 2.0
PHASE_TIMEOUT = 90.0


@dataclass
class Board:
    """What the simulated screen and phones share (greenlets switch only on I/O: no locks)."""
    tokens: list[str]
    code: str | None = None
    checked_in: int = 0
    finished: int = 0
    rescans: int = 0  # 410 code_expired answered, scanned again
    statuses: dict[str, int] = field(default_factory=dict)
    done: bool = False


@dataclass
class CheckinOutcome:
    members: int
    arrival_seconds: float
    rows: list  # Result rows: check-in POSTs, code GETs
    verification: dict
    rescans: int
    problems: list[str] = field(default_factory=list)
    server_log: str = ""

    def failed(self) -> bool:
        return bool(self.problems or any(r.failures for r in self.rows))

    def print_report(self) -> None:
        from .report import print_rows

        print(f"\nCheck-in: {self.members} members of one class check in within {self.arrival_seconds:g} s "
              f"against codes rotating every 15 s (one screen polls every {POLL_SECONDS:g} s).")
        print_rows(self.rows)
        v = self.verification
        print(f"check-in rows: req/s over the busy span at the members' arrival pace (offered load, not "
              f"capacity); {self.rescans} rescans after a code rotated on its way (410).")
        if v:
            print(f"Verification: {v['members']} members, {v['records']} records, present exactly once: "
                  f"{v['present_once']}; missing: {v['missing']}; duplicates: {v['duplicates']}; "
                  f"statuses: {v['statuses']}.")
        for problem in self.problems:
            print(f"FAILED {problem}", file=sys.stderr)

    def as_json(self) -> dict:
        from dataclasses import asdict

        return {"members": self.members, "arrival_seconds": self.arrival_seconds,
                "rows": [asdict(r) for r in self.rows], "verification": self.verification,
                "rescans": self.rescans, "problems": self.problems}


# ---- the scenario (in the harness process: locust and gevent) -----------------------------------

def run_checkin(ctx: Context, users: int, seconds: float) -> CheckinOutcome:
    from locust.env import Environment

    from .exam import subprocess_json, wait_for
    from .options import env_number
    from .runner import Snapshot, named_result
    from .server import ServerError

    count = int(env_number("BENCH_CHECKIN_USERS", 300))
    arrival = env_number("BENCH_CHECKIN_SECONDS", 20)
    seeded, result = subprocess_json(ctx.server, "tests.bench.checkin", "seed", str(count))
    if result.returncode != 0 or not isinstance(seeded, dict):
        raise ServerError(f"seeding the check-in class failed:\n{result.stderr[-2000:]}")
    board = Board([m["token"] for m in seeded["members"]])
    screen, phone = user_classes(board, seeded["session_id"], seeded["head_token"])

    print(f"Running check-in: {count} members within {arrival:g} s ...", flush=True)
    env = Environment(user_classes=[screen, phone], host=ctx.server.base_url)
    runner = env.create_local_runner()
    began = Snapshot(0, {})
    runner.start(count + 1, spawn_rate=count / arrival)
    try:
        wait_for(lambda: board.finished >= count, PHASE_TIMEOUT + arrival)
        ended = Snapshot(0, {})
        board.done = True
        rows = [named_result(env, "POST", "checkin", "check-in: POST /api/v1/checkin", count),
                named_result(env, "GET", "code", "check-in: staff screen GET code", 1)]
        for row in rows:  # locust's CPU over the whole phase
            row.generator_cpu_percent = round(100 * (ended.cpu - began.cpu) / (ended.at - began.at), 1)
        problems = [f"check-in: {exc['count']} x exception: {exc['msg']}" for exc in runner.exceptions.values()]
    finally:
        runner.quit()
    if board.checked_in < count:
        problems.append(f"check-in: {count - board.checked_in} of {count} members were not checked in "
                        f"(answers: {board.statuses})")

    print("Checking the database ...", flush=True)
    ledger = ctx.server.workdir / "checkin.json"
    ledger.write_text(json.dumps({"session_id": seeded["session_id"],
                                  "user_ids": [m["id"] for m in seeded["members"]]}))
    verification, result = subprocess_json(ctx.server, "tests.bench.checkin", "verify", str(ledger))
    if not isinstance(verification, dict):
        problems.append(f"verify failed ({result.returncode}): {result.stderr[-1000:]}")
        verification = {}
    elif result.returncode:
        problems += [f"verify: {line}" for line in result.stderr.splitlines() if line.strip()]
    outcome = CheckinOutcome(count, arrival, rows, verification, board.rescans, problems)
    if outcome.failed():
        outcome.server_log = ctx.server.log_tail(60)
    return outcome


def user_classes(board: Board, session_id: int, head_token: str):
    from locust import FastHttpUser, constant, task
    from locust.exception import StopUser

    from .exam_users import check
    from .login import USER_AGENT

    class Screen(FastHttpUser):
        """The staff QR page: the current code every POLL_SECONDS."""
        fixed_count = 1
        wait_time = constant(POLL_SECONDS)

        def on_start(self) -> None:
            self.headers = {"Authorization": f"Bearer {head_token}", "User-Agent": USER_AGENT}
            self.poll()

        @task
        def poll(self) -> None:
            if board.done:
                raise StopUser()
            with self.client.get(f"/api/v1/sessions/{session_id}/code", headers=self.headers, name="code",
                                 catch_response=True) as response:
                if check(response, 200):
                    board.code = response.json()["code"]

    class Phone(FastHttpUser):
        """A member scanning the screen once (again if the code rotated on its way)."""
        wait_time = constant(0)

        def on_start(self) -> None:
            self.headers = {"Authorization": f"Bearer {board.tokens.pop()}", "User-Agent": USER_AGENT}
            self.done = False

        @task
        def scan(self) -> None:
            import gevent

            # A member who is done stays (idle) until the phase ends: locust replaces users
            # that stop while it is still spawning, and there is one token per member.
            while self.done and not board.done:
                gevent.sleep(0.5)
            if self.done:
                raise StopUser()
            while board.code is None:
                gevent.sleep(0.1)
            with self.client.post("/api/v1/checkin", json={"code": board.code}, headers=self.headers,
                                  name="checkin", catch_response=True) as response:
                key = str(response.status_code)
                board.statuses[key] = board.statuses.get(key, 0) + 1
                if response.status_code == 410:
                    response.success()  # the code rotated between the screen and us: scan again
                    board.rescans += 1
                    gevent.sleep(0.5)
                    return
                if check(response, 200):
                    board.checked_in += 1
            board.finished += 1
            self.done = True

    return Screen, Phone


# ---- seeding and verifying (subprocesses with the server's environment) -----------------------------

def seed(count: int) -> dict:
    from datetime import date, datetime, timedelta, timezone

    from sqlalchemy import select

    from learnhub.auth.models import User
    from learnhub.auth.services import create_user, get_user_by_username, issue_token
    from learnhub.classes.attendance.sessions import create_session
    from learnhub.classes.models import Membership, SchoolClass
    from learnhub.classes.services import create_class
    from learnhub.extensions import db

    head = get_user_by_username(HEAD) or create_user(HEAD, "bench-head-password-1", "staff")
    db.session.flush()
    code = f"BENCH-{datetime.now(timezone.utc):%H%M%S}"
    school_class = db.session.scalar(select(SchoolClass).where(SchoolClass.code == code)) or create_class(
        head, "Bench check-in class", code, date(2026, 1, 1), date(2030, 1, 1))
    users, shared_hash = [], None
    for number in range(1, count + 1):
        name = USERNAME.format(number)
        user = get_user_by_username(name)
        if user is None and shared_hash is None:
            user = create_user(name, "bench-member-password-1", "member")
        elif user is None:  # hashing 300 passwords takes seconds; nobody logs in with them
            user = User(username=name, display_name=name, password_hash=shared_hash, role="member")
            db.session.add(user)
        shared_hash = shared_hash or user.password_hash
        users.append(user)
    db.session.flush()
    for user in users:
        db.session.add(Membership(class_id=school_class.id, user_id=user.id, role="member"))
    now = datetime.now(timezone.utc)
    session = create_session(head, school_class, "Bench lecture", "lecture", now - timedelta(minutes=1),
                             now + timedelta(hours=2))
    tokens = [issue_token(user)[0] for user in users]
    head_token = issue_token(head)[0]
    db.session.commit()
    return {"session_id": session.id, "head_token": head_token,
            "members": [{"id": user.id, "token": token} for user, token in zip(users, tokens, strict=True)]}


def verify(ledger: dict) -> tuple[dict, list[str]]:
    from sqlalchemy import func, select

    from learnhub.classes.attendance.models import AttendanceRecord
    from learnhub.extensions import db

    wanted = set(ledger["user_ids"])
    rows = db.session.execute(select(AttendanceRecord.user_id, AttendanceRecord.status, AttendanceRecord.method)
                              .where(AttendanceRecord.session_id == ledger["session_id"])).all()
    per_user: dict[int, int] = {}
    for user_id, _status, _method in rows:
        per_user[user_id] = per_user.get(user_id, 0) + 1
    statuses = dict(db.session.execute(
        select(AttendanceRecord.status, func.count()).where(AttendanceRecord.session_id == ledger["session_id"])
        .group_by(AttendanceRecord.status)).all())
    missing = sorted(wanted - set(per_user))
    duplicates = sum(1 for n in per_user.values() if n > 1)
    strangers = sorted(set(per_user) - wanted)
    not_attended = sum(1 for _u, status, method in rows if status not in ("present", "late") or method != "qr")
    summary = {"members": len(wanted), "records": len(rows), "missing": len(missing), "duplicates": duplicates,
               "strangers": len(strangers), "statuses": statuses,
               "present_once": len(wanted) - len(missing) - duplicates}
    problems = []
    if missing:
        problems.append(f"{len(missing)} member(s) have no record, e.g. user ids {missing[:5]}")
    if duplicates or strangers or not_attended:
        problems.append(f"{duplicates} duplicated, {len(strangers)} unexpected, {not_attended} not present/late by qr")
    return summary, problems


def main() -> int:
    from learnhub import create_app

    command, argument = sys.argv[1], sys.argv[2]
    with create_app().app_context():
        if command == "seed":
            print(json.dumps(seed(int(argument))))
            return 0
        with open(argument, encoding="utf-8") as file:
            summary, problems = verify(json.load(file))
    for problem in problems:
        print(problem, file=sys.stderr)
    print(json.dumps(summary))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
