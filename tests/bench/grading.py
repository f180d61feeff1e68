"""`python -m tests.bench.grading` (make bench-grading): grading's pages on a big class.

Seeds, with bulk Core inserts (not the ORM per row), a class of 10,000 members with a
scheduled exam of 50 single-choice questions and one graded attempt each (500,000 answers),
then times on a gunicorn server, logged in as staff: the quiz's statistics page and API and,
once it exists, the exam's results XLSX export. Prints the median of a few runs beside the
goal (statistics under 2 s, export under 5 s). A benchmark prints figures; it asserts nothing.

SQLite by default (a throwaway file); BENCH_DATABASE_URL=postgresql://... runs it on that
database (best an empty one: a database seeded before is reused as it is).
BENCH_GRADING_MEMBERS (10000), BENCH_GRADING_QUESTIONS (50), BENCH_GRADING_RUNS (3) change it.
"""
from __future__ import annotations

import math
import os
import random
import secrets
import statistics
import sys
import time
from datetime import date, datetime, timedelta, timezone

import requests

from .content import COURSE
from .login import USER_AGENT, csrf_token
from .options import env_number
from .server import BenchServer, ServerError, ensure_account

QUIZ_SLUG = "bench-statistics"
CLASS_CODE = "BENCH-GRADING"
STAFF, STAFF_PASSWORD = "benchstaff", "bench-staff-password-1"
BATCH = 5000
GOALS = {"statistics": 2.0, "export": 5.0}


def quiz_gift(questions: int) -> str:
    """An exam of single-choice questions with stems of a realistic length."""
    front = "---\ntitle: Bench statistics exam\nkind: exam\ngrading: highest\nreview: score_only\n---\n"
    stem = "下列关于党的基层组织工作的说法，哪一项符合《中国共产党章程》的规定？请在认真阅读后作答。"
    body = [f"::b{n:02d}::{n}. {stem} {{=正确的说法 {n} ~错误的说法 {n}A ~错误的说法 {n}B ~错误的说法 {n}C}}\n"
            for n in range(1, questions + 1)]
    return front + "\n".join(body)


# ---- seeding ---------------------------------------------------------------------------------

def _insert(connection, table, rows: list[dict]) -> None:
    for start in range(0, len(rows), BATCH):
        connection.execute(table.insert(), rows[start:start + BATCH])


def _next_id(connection, table) -> int:
    from sqlalchemy import func, select
    return (connection.execute(select(func.max(table.c.id))).scalar() or 0) + 1


def seed(members: int, questions: int, code: str = CLASS_CODE, prefix: str = "gm") -> dict:
    """The class `code`, its exam and one graded attempt per member (usernames `prefix`00001...);
    returns the ids to request."""
    from sqlalchemy import select

    from learnhub.auth.models import User
    from learnhub.auth.services import get_user_by_username
    from learnhub.classes.exams.services import exam_key, schedule_exam
    from learnhub.classes.models import Membership, SchoolClass
    from learnhub.classes.services import create_class
    from learnhub.courses.index import content_index
    from learnhub.extensions import db
    from learnhub.quizzes.attempts import quiz_row
    from learnhub.quizzes.loader import get_quiz_catalog
    from learnhub.quizzes.models import Answer, Attempt, AttemptQuestion
    from learnhub.quizzes.types import question_type

    existing = db.session.scalar(select(SchoolClass).where(SchoolClass.code == code))
    if existing is not None:
        from learnhub.classes.exams.models import ClassExam
        exam = db.session.scalar(select(ClassExam).where(ClassExam.class_id == existing.id))
        print("The bench class is there already: reusing it.", flush=True)
        return {"class": existing.id, "exam": exam.id}
    staff = get_user_by_username(STAFF)
    course = content_index().course(COURSE)
    quiz = get_quiz_catalog().get(COURSE, QUIZ_SLUG)
    row = quiz_row(course, quiz)
    school_class = create_class(staff, "Bench grading class", code, date(2026, 9, 1), date(2027, 1, 15),
                                course_slugs=[COURSE])
    now = datetime.now(timezone.utc)
    exam = schedule_exam(staff, school_class, COURSE, QUIZ_SLUG, now - timedelta(days=2), now - timedelta(days=1))
    db.session.commit()
    key = exam_key(exam)
    connection = db.session.connection()
    started = time.perf_counter()
    password_hash = staff.password_hash  # nobody logs in as the members
    first_user = _next_id(connection, User.__table__)
    user_ids = list(range(first_user, first_user + members))
    _insert(connection, User.__table__, [
        {"id": uid, "username": f"{prefix}{n:05d}", "display_name": f"成员{n:05d}", "password_hash": password_hash,
         "role": "member", "active": True, "must_change_password": False, "time_factor": 1.0}
        for n, uid in enumerate(user_ids, start=1)])
    _insert(connection, Membership.__table__, [
        {"class_id": school_class.id, "user_id": uid, "role": "member", "student_no": f"2026{n:05d}",
         "enrolled_at": now} for n, uid in enumerate(user_ids, start=1)])
    rng = random.Random(13)
    gradable = [q for q in quiz.questions if q.type != "description"]
    difficulty = [rng.uniform(-1.5, 1.5) for _ in gradable]
    snapshots = [q.to_dict() for q in gradable]
    next_attempt = _next_id(connection, Attempt.__table__)
    next_question = _next_id(connection, AttemptQuestion.__table__)
    next_answer = _next_id(connection, Answer.__table__)
    settings = {"title": quiz.settings.title, "kind": "exam", "review": "score_only", "pass_percent": 60,
                "layout": "all", "focus_warning": None, "grading": "highest", "time_limit": None,
                "closes_at": None}
    for start in range(0, members, 1000):
        attempts, attempt_questions, answers = [], [], []
        for uid in user_ids[start:start + 1000]:
            ability = rng.gauss(0, 1)
            attempt_id, next_attempt = next_attempt, next_attempt + 1
            score = 0.0
            for position, (question, snapshot) in enumerate(zip(gradable, snapshots, strict=True), start=1):
                layout = question_type(question).layout(question, rng, True)
                right = rng.random() < 1 / (1 + math.exp(difficulty[position - 1] - ability))
                options = layout["options"]
                chosen = next(o for o in options if (o["index"] == 0) == right) if right else \
                    rng.choice([o for o in options if o["index"] != 0])
                fraction = 1.0 if right else 0.0
                score += fraction * question.points
                attempt_questions.append({"id": next_question, "attempt_id": attempt_id, "position": position,
                                          "points": question.points, "snapshot": snapshot, "layout": layout})
                answers.append({"id": next_answer, "attempt_id": attempt_id, "attempt_question_id": next_question,
                                "response": chosen["id"], "saved_at": now, "fraction": fraction,
                                "points_awarded": fraction * question.points})
                next_question += 1
                next_answer += 1
            max_score = float(sum(q.points for q in gradable))
            percent = round(100 * score / max_score, 2)
            attempts.append({
                "id": attempt_id, "quiz_id": row.id, "user_id": uid, "number": 1, "state": "submitted",
                "seed": secrets.randbits(31), "quiz_checksum": quiz.checksum, "settings": settings,
                "started_at": now - timedelta(days=2), "submitted_at": now - timedelta(days=2, minutes=-30),
                "finished_by": "member", "score": score, "max_score": max_score, "percent": percent,
                "passed": percent >= 60, "times_graded": 1, "schedule_key": key, "grace_seconds": 30})
        _insert(connection, Attempt.__table__, attempts)
        _insert(connection, AttemptQuestion.__table__, attempt_questions)
        _insert(connection, Answer.__table__, answers)
        db.session.commit()
        connection = db.session.connection()
        print(f"  {min(start + 1000, members)} of {members} attempts seeded ({time.perf_counter() - started:.0f} s)", flush=True)
    if db.engine.dialect.name == "postgresql":
        db.session.execute(db.text("ANALYZE"))
        db.session.commit()
    return {"class": school_class.id, "exam": exam.id}


def seed_in_process(env: dict, members: int, questions: int) -> dict:
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        from learnhub import create_app
        with create_app().app_context():
            return seed(members, questions)
    finally:
        os.environ.clear()
        os.environ.update(saved)


# ---- timing ----------------------------------------------------------------------------------

def staff_session(base_url: str) -> requests.Session:
    http = requests.Session()
    http.headers["User-Agent"] = USER_AGENT
    page = http.get(f"{base_url}/login", timeout=10)
    form = {"username": STAFF, "password": STAFF_PASSWORD, "csrf_token": csrf_token(page.text)}
    response = http.post(f"{base_url}/login", data=form, allow_redirects=False, timeout=10)
    if response.status_code != 302:
        raise ServerError(f"staff login answered {response.status_code}")
    return http


def timed(http: requests.Session, url: str, runs: int) -> tuple[float | None, int]:
    """(median seconds, last status) of `runs` GETs after one warm-up; None if one failed."""
    times, status = [], 0
    for attempt in range(runs + 1):
        started = time.perf_counter()
        response = http.get(url, timeout=300)
        elapsed = time.perf_counter() - started
        status = response.status_code
        if status != 200:
            return None, status
        if attempt:  # the first request warms the worker (imports, caches, the database's pages)
            times.append(elapsed)
    return statistics.median(times), status


class GradingBench(BenchServer):
    """The bench server with the statistics exam in its content and the class seeded before start."""

    def __init__(self, members: int, questions: int):
        super().__init__()
        self.members, self.questions = members, questions
        self.ids: dict = {}

    def add_content(self, root) -> None:
        (root / COURSE / "quizzes" / f"{QUIZ_SLUG}.gift").write_text(quiz_gift(self.questions), encoding="utf-8")

    def seed(self) -> None:
        ensure_account(self.env, STAFF, "staff", STAFF_PASSWORD, self.app_root)
        print(f"Seeding {self.members} graded attempts of {self.questions} questions ...", flush=True)
        self.ids = seed_in_process(self.env, self.members, self.questions)


def main() -> int:
    members = int(env_number("BENCH_GRADING_MEMBERS", 10_000))
    questions = int(env_number("BENCH_GRADING_QUESTIONS", 50))
    runs = int(env_number("BENCH_GRADING_RUNS", 3))
    database = (os.environ.get("BENCH_DATABASE_URL") or "sqlite").split(":", 1)[0]
    try:
        with GradingBench(members, questions) as server:
            http = staff_session(server.base_url)
            base = f"{server.base_url}/courses/{COURSE}/quizzes/{QUIZ_SLUG}/statistics"
            api = f"{server.base_url}/api/v1/courses/{COURSE}/quizzes/{QUIZ_SLUG}/statistics"
            export = f"{server.base_url}/classes/{server.ids['class']}/exams/{server.ids['exam']}/results.xlsx"
            rows = [
                ("statistics page (highest)", base, "statistics"),
                ("statistics page (all)", base + "?attempts=all", "statistics"),
                ("statistics page (one class)", f"{base}?class={server.ids['class']}", "statistics"),
                ("statistics API (all)", api + "?attempts=all", "statistics"),
                ("results XLSX export", export, "export"),
            ]
            print(f"\nGrading bench on {database}: {members} attempts x {questions} questions, "
                  f"median of {runs} runs (after a warm-up)")
            for label, url, goal in rows:
                seconds, status = timed(http, url, runs)
                if seconds is None:
                    print(f"  {label:32} HTTP {status}" + (" (not built yet)" if status == 404 else ""))
                    continue
                verdict = "ok" if seconds < GOALS[goal] else "over the goal"
                print(f"  {label:32} {seconds:6.2f} s   goal < {GOALS[goal]:.0f} s: {verdict}")
    except ServerError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("bench: interrupted; the server was stopped", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
