"""`python -m tests.bench.crowd.verify FILE`: the crowd's database check.

FILE: {"classes": [class ids], "exams": [exam ids], "answers": {attempt: {question: the last
response answered 200}}, "unanswered": {attempt: {question: a later save never answered}}}. tests/bench/verify.py's check (every acknowledged answer stored,
every attempt closed and graded exactly once, its score the sum of its answers, none of the
members' attempts left open), plus: each member of the classes has exactly one attempt under
its class's exam, and each of those attempts is one the client saw started (a start whose
answer was lost would show here). Run with the server's environment; prints a JSON summary
as the last line, the first problems on stderr, and exits 1 if there are any.
"""
from __future__ import annotations

import sys

from .. import verify
from ..verify import check


def crowd_check(ledger: dict) -> tuple[dict, list[str]]:
    from sqlalchemy import func, select

    from learnhub.classes.exams.models import ClassExam
    from learnhub.classes.exams.services import exam_key
    from learnhub.classes.models import Membership
    from learnhub.extensions import db
    from learnhub.quizzes.models import Attempt

    user_ids = list(db.session.scalars(select(Membership.user_id).where(
        Membership.class_id.in_(ledger["classes"]), Membership.role == "member")))
    summary, problems = check({"user_ids": user_ids, "answers": ledger["answers"],
                               "unanswered": ledger.get("unanswered") or {}})
    summary["members"] = len(user_ids)
    keys = [exam_key(db.session.get(ClassExam, exam_id)) for exam_id in ledger["exams"]]
    per_member = dict(db.session.execute(
        select(Membership.user_id, func.count(Attempt.id))
        .outerjoin(Attempt, (Attempt.user_id == Membership.user_id) & Attempt.schedule_key.in_(keys))
        .where(Membership.class_id.in_(ledger["classes"]), Membership.role == "member")
        .group_by(Membership.user_id)).all())
    summary["members_without_attempt"] = sum(1 for n in per_member.values() if n == 0)
    summary["members_with_several_attempts"] = sum(1 for n in per_member.values() if n > 1)
    stored = set(db.session.scalars(select(Attempt.id).where(Attempt.schedule_key.in_(keys))))
    seen = {int(attempt_id) for attempt_id in ledger["answers"]}
    summary["attempts_never_seen_started"] = len(stored - seen)
    for name in ("members_without_attempt", "members_with_several_attempts", "attempts_never_seen_started"):
        if summary[name]:
            problems.append(f"{summary[name]} {name.replace('_', ' ')}")
    return summary, problems


def main() -> int:
    return verify.main(crowd_check)


if __name__ == "__main__":
    sys.exit(main())
