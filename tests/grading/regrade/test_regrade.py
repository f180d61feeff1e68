"""Regrading after a key fix: preview, apply from the snapshots, idempotent, logged; what it leaves."""
from __future__ import annotations

from learnhub.courses.catalog import get_catalog
from learnhub.courses.index import sync_all
from learnhub.extensions import db
from tests.support.grading_regrade import (
    ACCEPT,
    PARTY_QUIZ,
    REGRADE,
    SLUG,
    answer_of,
    audit_count,
    scores,
    sit,
    state_of_everything,
)


def fix_the_file(quiz_content, text: str) -> None:
    """What an instructor does: edit the quiz file, then `content sync`."""
    quiz_content(SLUG, text)
    sync_all(db.session, get_catalog().tree())
    db.session.commit()


FIXED = PARTY_QUIZ.replace("{=党课}", "{=上党课 =%50%党课}").replace("{T}", "{F}")


def test_preview_then_apply_with_the_fixed_keys(party, staff_api, quiz_content):
    near = sit(party(), {"dk": "上党课", "tf": True, "capital": "Beijing"})
    key = sit(party(), {"dk": "党课", "tf": False, "capital": "Beijing"})
    same = sit(party(), {"dk": "开会", "tf": True, "capital": "Beijing"})
    fix_the_file(quiz_content, FIXED)
    before = state_of_everything()
    preview = staff_api.api("POST", REGRADE, {"dry_run": True}).get_json()
    assert preview["attempts"] == 3
    changes = {c["attempt"]: (c["old_score"], c["new_score"]) for c in preview["changes"]}
    # near: dk 0 -> 1, tf 1 -> 0; key: dk 1 -> 0.5, tf 0 -> 1; same: tf 1 -> 0.
    assert changes == {key.id: (2.0, 2.5), same.id: (2.0, 1.0)}
    assert state_of_everything() == before
    applied = staff_api.api("POST", REGRADE, {"dry_run": False}).get_json()
    assert {c["attempt"]: (c["old_score"], c["new_score"]) for c in applied["changes"]} == changes
    after = scores()
    assert after[key.id][:3] == (2.5, 83.33, True) and after[key.id][3] == "graded"
    assert after[same.id][:3] == (1.0, 33.33, False)
    assert after[near.id][0] == 2.0
    assert answer_of(near, "dk").fraction == 1.0 and answer_of(near, "tf").fraction == 0.0
    db.session.refresh(key)
    snapshot = next(q.snapshot for q in key.questions if q.snapshot["title"] == "dk")
    assert [c["text"] for c in snapshot["choices"]] == ["上党课", "党课"]
    assert snapshot["text"] == "党员应当定期参加什么？"  # the rest of the snapshot is kept
    logged = audit_count("grade.regrade")
    assert logged == 3  # every attempt had its stored keys brought up to date
    again = staff_api.api("POST", REGRADE, {"dry_run": False}).get_json()
    assert (again["attempts"], again["changed"]) == (3, 0)
    assert scores() == after and audit_count("grade.regrade") == logged


def test_hand_graded_answers_and_removed_questions_are_left_alone(party, staff_api, quiz_content):
    by_hand = sit(party(), {"dk": "党课", "tf": True, "capital": "Peking"})
    answer = answer_of(by_hand, "dk")
    answer.grader_id = party("staff").id
    db.session.commit()
    # dk's key changes, the untitled question is gone from the file (its text changed).
    fix_the_file(quiz_content, PARTY_QUIZ.replace("{=党课}", "{=上党课}")
                 .replace("What is the capital of China? {=Beijing}", "What is the capital? {=Beijing =Peking}"))
    body = staff_api.api("POST", REGRADE, {"dry_run": False}).get_json()
    assert body["changed"] == 0
    assert answer_of(by_hand, "dk").fraction == 1.0
    assert answer_of(by_hand, None).fraction == 0.0
    db.session.refresh(by_hand)
    untitled = next(q.snapshot for q in by_hand.questions if q.snapshot["title"] is None)
    assert untitled["choices"][0]["text"] == "Beijing" and len(untitled["choices"]) == 1


def test_open_and_reset_attempts_are_not_regraded(party, staff_api, quiz_content):
    from learnhub.core.types import utcnow
    from learnhub.quizzes.attempts import reset_attempts

    reset = sit(party(), {"dk": "上党课"})
    reset_attempts([reset.id], utcnow())
    open_one = sit(party(), {"dk": "上党课"}, submit=False)
    db.session.commit()
    fix_the_file(quiz_content, FIXED)
    before = scores()
    body = staff_api.api("POST", REGRADE, {"dry_run": False}).get_json()
    assert (body["attempts"], body["changed"]) == (0, 0)
    assert scores() == before
    assert answer_of(reset, "dk").fraction == 0.0 and answer_of(open_one, "dk").fraction is None


def test_accepted_responses_still_count_after_a_key_fix(party, staff_api, quiz_content):
    attempt = sit(party(), {"dk": "上党课"})
    assert staff_api.api("POST", ACCEPT, {"response": "上党课", "dry_run": False}).get_json()["changed"] == 1
    fix_the_file(quiz_content, PARTY_QUIZ.replace("{=党课}", "{=党的课}"))
    body = staff_api.api("POST", REGRADE, {"dry_run": False}).get_json()
    assert body["changed"] == 0
    assert answer_of(attempt, "dk").fraction == 1.0
