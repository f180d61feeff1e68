"""`flask bench seed-crowd --members N --tokens FILE`: a whole class sitting an exam open now.

For load generators that act as a college at its final exam (tests/bench/crowd): N member
accounts enrolled in a new running class, a quiz of one course scheduled for that class as
an exam that is open now, one API token per member written to FILE (one a line, in member
order) and `{"class", "exam", "course", "quiz", "members"}` printed as JSON on stdout.

Accounts, enrolments and tokens go in with one bulk INSERT each, the accounts sharing one
random password hash (nobody logs in with it; hashing thousands of passwords takes minutes),
so 3,000 members take seconds. The class and the exam go through the classes' services,
with their checks and audit rows; a fresh --class-code makes a fresh crowd on the same database.
"""
from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import click
from sqlalchemy import insert, select, text

from .auth.models import User
from .auth.services import create_user, hash_password, issue_tokens
from .classes.exams.services import schedule_exam
from .classes.models import Membership
from .classes.services import CODE_PATTERN, create_class
from .core.cli import add_command_group, command
from .core.errors import DomainError
from .core.types import utcnow
from .extensions import db

DEFAULT_COURSE = "wangluo-dangjian"  # the sample content's course with an exam
DEFAULT_QUIZ = "final-exam"
MAX_MEMBERS = 100_000
LOOKUP_BATCH = 500  # usernames per IN (...): bound parameters stay few on every database
SEEDED_TABLES = ("users", "class_memberships", "api_tokens")


class CrowdError(click.ClickException):
    """A crowd that cannot be made as asked; the message says why (exit status 1)."""


@dataclass(frozen=True)
class Crowd:
    class_id: int
    exam_id: int
    course: str
    quiz: str
    tokens: list[str]

    def summary(self) -> dict:
        return {"class": self.class_id, "exam": self.exam_id, "course": self.course,
                "quiz": self.quiz, "members": len(self.tokens)}


def member_usernames(code: str, count: int) -> list[str]:
    prefix = code.lower()
    width = max(5, len(str(count)))
    return [f"{prefix}-m{n:0{width}d}" for n in range(1, count + 1)]


def _user_ids(usernames: list[str]) -> list[int]:
    """The ids of `usernames`, in their order."""
    ids: dict[str, int] = {}
    for start in range(0, len(usernames), LOOKUP_BATCH):
        batch = usernames[start:start + LOOKUP_BATCH]
        ids.update(db.session.execute(select(User.username, User.id).where(User.username.in_(batch))).all())
    return [ids[name] for name in usernames]


def _refuse_taken_names(head_name: str, usernames: list[str]) -> None:
    taken = db.session.scalar(select(User.username).where(User.username.in_([head_name, usernames[0]])))
    if taken:
        raise CrowdError(f"an account named {taken} exists already: choose another --class-code")


def seed_crowd(code: str, members: int, course: str, quiz: str, minutes: int) -> Crowd:
    """The class CODE with `members` new members and an exam of course/quiz open for `minutes`
    from now (its time limit as long); flushes, the caller commits."""
    if not CODE_PATTERN.match(code):  # any such code, lower-cased, begins valid usernames
        raise CrowdError(f"--class-code {code[:40]!r}: 2-32 letters, digits, '-' or '_', "
                         "starting with a letter or digit")
    head_name = f"{code.lower()}-head"
    usernames = member_usernames(code, members)
    _refuse_taken_names(head_name, usernames)
    head = create_user(head_name, secrets.token_urlsafe(24), "staff", f"Head teacher of {code}")
    now = utcnow()
    school_class = create_class(head, f"Exam crowd {code}", code, now.date(), now.date() + timedelta(days=30),
                                course_slugs=[course], status="running")
    exam = schedule_exam(head, school_class, course, quiz, opens_at=now - timedelta(minutes=1),
                         closes_at=now + timedelta(minutes=minutes), time_limit_seconds=minutes * 60)

    shared_hash = hash_password(secrets.token_urlsafe(24))
    db.session.execute(insert(User), [
        {"username": name, "display_name": f"Crowd member {n}", "password_hash": shared_hash, "role": "member"}
        for n, name in enumerate(usernames, 1)])
    user_ids = _user_ids(usernames)
    db.session.execute(insert(Membership), [
        {"class_id": school_class.id, "user_id": user_id, "role": "member"} for user_id in user_ids])
    tokens = issue_tokens(user_ids)
    db.session.flush()
    return Crowd(school_class.id, exam.id, course, quiz, tokens)


@command("seed-crowd")
@click.option("--members", type=click.IntRange(1, MAX_MEMBERS), required=True, help="How many members.")
@click.option("--tokens", "tokens_file", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the members' API tokens, one a line.")
@click.option("--class-code", default=None,
              help="The new class's code (default: CROWD- and random letters); members are CODE-m00001...")
@click.option("--course", default=DEFAULT_COURSE, show_default=True, help="The course whose quiz is the exam.")
@click.option("--quiz", default=DEFAULT_QUIZ, show_default=True, help="The quiz scheduled as the exam.")
@click.option("--minutes", default=30, show_default=True, type=click.IntRange(1, 24 * 60),
              help="How long the exam stays open from now, and its time limit.")
def seed_crowd_command(members: int, tokens_file: Path, class_code: str | None, course: str, quiz: str,
                       minutes: int):
    """A new class of MEMBERS members with an exam open now, and a token per member (benchmarks)."""
    code = class_code or f"CROWD-{secrets.token_hex(4).upper()}"
    try:
        crowd = seed_crowd(code, members, course, quiz, minutes)
    except DomainError as error:
        db.session.rollback()
        raise CrowdError(str(error)) from None
    except CrowdError:
        db.session.rollback()
        raise
    try:
        tokens_file.write_text("".join(token + "\n" for token in crowd.tokens), encoding="ascii")
    except OSError as error:
        db.session.rollback()
        raise CrowdError(f"cannot write {tokens_file}: {error.strerror}") from None
    db.session.commit()
    # Fresh planner statistics: right after a bulk load PostgreSQL still thinks the tables are tiny.
    for table in SEEDED_TABLES:
        db.session.execute(text(f"ANALYZE {table}"))
    db.session.commit()
    click.echo(json.dumps(crowd.summary()))


def register_cli(app) -> None:
    add_command_group(app, "bench", "Data for load tests.", (seed_crowd_command,))
