"""`python -m tests.bench.verify FILE`: check the database against what the server acknowledged.

FILE (written by the exam scenario) holds, per attempt, the last response the server
answered 200 to for each question, and the members' ids; optionally ("unanswered") a later
save that was sent but never answered (its connection dropped): the database may hold
either, as the server may have stored it before the answer was lost. Prints a JSON summary as the last
line of stdout, the first problems on stderr, and exits 1 if anything was lost or misgraded.
Run with the server's environment, like seed.py, so the gevent-patched harness never
imports the app.
"""
from __future__ import annotations

import json
import sys

SHOWN = 10  # problems printed in detail; the counts cover all of them


def check(ledger: dict) -> tuple[dict, list[str]]:
    from sqlalchemy import func, select

    from learnhub.extensions import db
    from learnhub.quizzes.models import Answer, Attempt

    summary = {"attempts_checked": 0, "answers_checked": 0, "answers_lost": 0,
               "attempts_not_graded_once": 0, "score_mismatches": 0, "attempts_left_open": 0}
    unanswered = ledger.get("unanswered") or {}
    if unanswered:
        summary["unanswered_saves_stored"] = 0
    problems = []
    for attempt_id, acknowledged in ledger["answers"].items():
        attempt = db.session.get(Attempt, int(attempt_id))
        summary["attempts_checked"] += 1
        if attempt is None:
            summary["attempts_not_graded_once"] += 1
            problems.append(f"attempt {attempt_id}: not in the database")
            continue
        if attempt.state == "in_progress" or attempt.times_graded != 1:
            summary["attempts_not_graded_once"] += 1
            problems.append(f"attempt {attempt_id}: state {attempt.state}, graded {attempt.times_graded}x")
        stored = {a.attempt_question_id: a for a in db.session.scalars(
            select(Answer).where(Answer.attempt_id == attempt.id))}
        points = sum(a.points_awarded or 0.0 for a in stored.values())
        if attempt.score is None or abs(attempt.score - points) > 1e-6:
            summary["score_mismatches"] += 1
            problems.append(f"attempt {attempt_id}: score {attempt.score}, answers sum to {points}")
        for question_id, response in acknowledged.items():
            summary["answers_checked"] += 1
            answer = stored.get(int(question_id))
            late = (unanswered.get(attempt_id) or {}).get(question_id)
            if answer is not None and late is not None and answer.response == late and late != response:
                summary["unanswered_saves_stored"] += 1
            elif answer is None or answer.response != response:
                summary["answers_lost"] += 1
                got = "nothing" if answer is None else repr(answer.response)
                problems.append(f"attempt {attempt_id} question {question_id}: "
                                f"acknowledged {response!r}, stored {got}")
    # A start the client never saw answered could still have opened an attempt.
    summary["attempts_left_open"] = db.session.scalar(
        select(func.count()).select_from(Attempt).where(
            Attempt.user_id.in_(ledger["user_ids"]), Attempt.state == "in_progress")) or 0
    if summary["attempts_left_open"]:
        problems.append(f"{summary['attempts_left_open']} attempt(s) of the bench members still open")
    return summary, problems


def main(check_ledger=check) -> int:
    """Check the ledger named on the command line with `check_ledger` (this module's `check`,
    or the crowd bench's): the first problems to stderr, the summary as JSON; 1 on a problem."""
    from learnhub import create_app

    with open(sys.argv[1], encoding="utf-8") as file:
        ledger = json.load(file)
    with create_app().app_context():
        summary, problems = check_ledger(ledger)
    for problem in problems[:SHOWN]:
        print(problem, file=sys.stderr)
    if len(problems) > SHOWN:
        print(f"... and {len(problems) - SHOWN} more", file=sys.stderr)
    print(json.dumps(summary))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
