"""Accepting a near-miss short answer: preview, apply, idempotence, future attempts, limits."""
from __future__ import annotations

from learnhub.core.types import utcnow
from learnhub.extensions import db
from learnhub.quizzes.accepted import AcceptedResponse
from learnhub.quizzes.attempts import reset_attempts
from tests.support.grading_regrade import (
    ACCEPT,
    accepted_count,
    answer_of,
    audit_count,
    scores,
    sit,
    state_of_everything,
)

NEAR = "上党课"


def _sat(party):
    """Three members gave the near miss (spelled three ways), one the key, one another answer."""
    near = [sit(party(), {"dk": spelling, "tf": True}) for spelling in (NEAR, f"  {NEAR} ", f"{NEAR}\u3000")]
    right = sit(party(), {"dk": "党课", "tf": True})
    other = sit(party(), {"dk": "开会", "tf": True})
    return near, right, other


def test_preview_counts_and_changes_nothing(party, staff_api):
    near, _right, _other = _sat(party)
    before = state_of_everything()
    response = staff_api.api("POST", ACCEPT, {"response": NEAR, "dry_run": True})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["attempts"], body["changed"]) == (3, 3)
    assert {c["attempt"] for c in body["changes"]} == {a.id for a in near}
    change = body["changes"][0]
    assert (change["old_score"], change["new_score"], change["max_score"]) == (1.0, 2.0, 3.0)
    assert (change["old_passed"], change["new_passed"]) == (False, True)
    assert state_of_everything() == before


def test_apply_changes_exactly_those_attempts_once_and_logs_them(party, staff_api):
    near, right, other = _sat(party)
    before = scores()
    body = staff_api.api("POST", ACCEPT, {"response": NEAR, "dry_run": False}).get_json()
    assert (body["attempts"], body["changed"]) == (3, 3)
    after = scores()
    for attempt in near:
        assert after[attempt.id][:3] == (2.0, 66.67, True)  # rescored: score, percent, pass
        assert after[attempt.id][3] == "graded"             # regraded by staff
        assert answer_of(attempt, "dk").fraction == 1.0
    assert after[right.id] == before[right.id] and after[other.id] == before[other.id]
    assert audit_count("grade.accept") == 3 + 1  # one per attempt, one for the accepted response
    assert accepted_count() == 1
    stored = db.session.query(AcceptedResponse).one()
    assert (stored.response, stored.fraction, stored.question_key) == (NEAR, 1.0, "t:dk")
    # Applying twice changes nothing and records nothing new.
    again = staff_api.api("POST", ACCEPT, {"response": f" {NEAR}", "dry_run": False}).get_json()
    assert (again["attempts"], again["changed"], again["changes"]) == (3, 0, [])
    assert scores() == after and audit_count("grade.accept") == 4 and accepted_count() == 1


def test_future_attempts_grade_with_the_accepted_response(party, staff_api):
    assert staff_api.api("POST", ACCEPT, {"response": NEAR, "dry_run": False}).status_code == 200
    later = sit(party(), {"dk": f"{NEAR} ", "tf": True})
    assert answer_of(later, "dk").fraction == 1.0
    assert scores()[later.id][0] == 2.0
    wrong = sit(party(), {"dk": "上党", "tf": True})
    assert answer_of(wrong, "dk").fraction == 0.0


def test_partial_credit_is_raised_never_lowered(party, staff_api):
    attempt = sit(party(), {"dk": NEAR})
    half = staff_api.api("POST", ACCEPT, {"response": NEAR, "fraction": 0.5, "dry_run": False}).get_json()
    assert half["changed"] == 1 and half["changes"][0]["new_score"] == 0.5
    assert (answer_of(attempt, "dk").fraction, answer_of(attempt, "dk").points_awarded) == (0.5, 0.5)
    assert sit(party(), {"dk": NEAR}).score == 0.5  # future attempts get the half too
    full = staff_api.api("POST", ACCEPT, {"response": NEAR, "fraction": 1, "dry_run": False}).get_json()
    assert full["changed"] == 2
    lower = staff_api.api("POST", ACCEPT, {"response": NEAR, "fraction": 0.25, "dry_run": False}).get_json()
    assert lower["changed"] == 0
    assert answer_of(attempt, "dk").fraction == 1.0
    assert db.session.query(AcceptedResponse).one().fraction == 1.0


def test_hand_graded_reset_and_open_attempts_are_left_alone(party, staff_api):
    by_hand = sit(party(), {"dk": NEAR, "tf": True})
    answer = answer_of(by_hand, "dk")
    answer.grader_id, answer.grader_comment = party("staff").id, "Wrong on purpose"
    reset = sit(party(), {"dk": NEAR, "tf": True})
    reset_attempts([reset.id], utcnow())
    open_one = sit(party(), {"dk": NEAR}, submit=False)
    counted = sit(party(), {"dk": NEAR})
    db.session.commit()
    before = scores()
    body = staff_api.api("POST", ACCEPT, {"response": NEAR, "dry_run": False}).get_json()
    assert (body["attempts"], body["changed"]) == (2, 1)  # the hand-graded one counts, unchanged
    assert [c["attempt"] for c in body["changes"]] == [counted.id]
    after = scores()
    for attempt in (by_hand, reset, open_one):
        assert after[attempt.id] == before[attempt.id]
    assert answer_of(by_hand, "dk").fraction == 0.0
    assert answer_of(open_one, "dk").fraction is None


def test_the_untitled_question_is_accepted_by_its_number(party, staff_api):
    attempt = sit(party(), {"capital": "Ｐｅｋｉｎｇ"})  # full-width letters, as typed on a Chinese keyboard
    url = ACCEPT.replace("/questions/1/", "/questions/3/")
    body = staff_api.api("POST", url, {"response": "peking", "dry_run": False}).get_json()
    assert body["changed"] == 1
    assert answer_of(attempt, None).fraction == 1.0


def test_bad_input_is_refused_and_changes_nothing(party, staff_api):
    _sat(party)
    before = state_of_everything()
    cases = [
        (ACCEPT, {"response": NEAR, "fraction": 1.5, "dry_run": False}, 422),
        (ACCEPT, {"response": NEAR, "fraction": 0, "dry_run": False}, 422),
        (ACCEPT, {"response": NEAR, "fraction": "1", "dry_run": False}, 422),
        (ACCEPT, {"response": "", "dry_run": False}, 422),
        (ACCEPT, {"response": "   ", "dry_run": False}, 422),
        (ACCEPT, {"response": "\u3000", "dry_run": False}, 422),  # blank once normalised
        (ACCEPT, {"response": NEAR}, 422),  # dry_run is required
        (ACCEPT, {"response": NEAR, "dry_run": "yes"}, 422),
        (ACCEPT, {"response": ["上党课"], "dry_run": False}, 422),
        (ACCEPT, {"response": NEAR, "fraction": float("nan"), "dry_run": False}, 400),  # not JSON
        (ACCEPT, {"response": NEAR, "fraction": 0.001, "dry_run": False}, 422),
        (ACCEPT, {"response": "x" * 501, "dry_run": False}, 422),
        (ACCEPT.replace("/questions/1/", "/questions/99/"), {"response": NEAR, "dry_run": False}, 404),
        (ACCEPT.replace("/questions/1/", "/questions/0/"), {"response": NEAR, "dry_run": False}, 404),
        (ACCEPT.replace("/questions/1/", "/questions/2/"), {"response": "true", "dry_run": False}, 422),
        (ACCEPT.replace("/party/", "/nope/"), {"response": NEAR, "dry_run": False}, 404),
    ]
    for url, body, status in cases:
        response = staff_api.api("POST", url, body)
        assert response.status_code == status, (url, body, response.get_json())
        assert "error" in response.get_json()
    assert state_of_everything() == before


def test_grading_reads_the_accepted_responses_once_per_attempt(party, staff_api, count_queries):
    staff_api.api("POST", ACCEPT, {"response": NEAR, "dry_run": False})
    staff_api.api("POST", ACCEPT.replace("/questions/1/", "/questions/3/"), {"response": "peking", "dry_run": False})
    with count_queries() as statements:
        attempt = sit(party(), {"dk": NEAR, "capital": "Peking"})
    assert sum("accepted_responses" in s for s in statements) == 1
    assert scores()[attempt.id][0] == 2.0
