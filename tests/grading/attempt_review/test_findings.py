"""Issue 13, items 2 and 9: staff of the class confirm an integrity finding on an attempt (a
reason required, audited) and may withdraw it (a reason, audited); completion reads the
members with a standing finding through confirmed_findings(class_id)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from learnhub.auth.models import User
from learnhub.core.audit import AuditEntry
from learnhub.extensions import db
from learnhub.grading.attempt_review.models import IntegrityFinding
from learnhub.grading.attempt_review.services import confirmed_findings
from tests.support.web import api_client


def _record(client, attempt_id, reason="Answers copied from a phone"):
    return client.post(f"/attempts/{attempt_id}/findings",
                       data={"csrf_token": client.csrf, "finding-reason": reason})


def _withdraw(client, attempt_id, reason="It was someone else's phone"):
    return client.post(f"/attempts/{attempt_id}/findings/withdraw",
                       data={"csrf_token": client.csrf, "withdraw-reason": reason})


def _audits(action):
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_the_grader_records_and_the_head_teacher_withdraws_both_audited(review):
    attempt = review.sit()
    ann_id, class_id = review.users["ann"].id, review.school_class.id
    assert confirmed_findings(class_id) == set()
    recorded = _record(review.client("grader"), attempt["id"])
    assert recorded.status_code == 302 and recorded.headers["Location"].endswith("#integrity")
    assert confirmed_findings(class_id) == {ann_id}
    assert confirmed_findings(review.other_class.id) == set()
    [entry] = _audits("integrity.finding")
    assert entry.actor_id == review.users["grader"].id and entry.target_id == attempt["id"]
    assert entry.data["reason"] == "Answers copied from a phone" and entry.data["member"] == ann_id
    page = review.client("head").get(f"/attempts/{attempt['id']}").get_data(as_text=True)
    assert "Confirmed integrity finding" in page and "Answers copied from a phone" in page
    # One standing finding at a time.
    again = _record(review.client("head"), attempt["id"], "Again")
    assert again.status_code == 409 and "already stands" in again.get_data(as_text=True)
    withdrawn = _withdraw(review.client("head"), attempt["id"])
    assert withdrawn.status_code == 302
    assert confirmed_findings(class_id) == set()
    [entry] = _audits("integrity.withdraw")
    assert entry.actor_id == review.users["head"].id and entry.data["reason"] == "It was someone else's phone"
    finding = db.session.scalar(select(IntegrityFinding))
    assert finding.withdrawn_at is not None and finding.reason == "Answers copied from a phone"
    # The history stays on the page; a new finding may be recorded after a withdrawal.
    page = review.client("head").get(f"/attempts/{attempt['id']}").get_data(as_text=True)
    assert "Withdrawn by head" in page and "It was someone else" in page
    assert _record(review.client("head"), attempt["id"], "Seen again").status_code == 302
    assert confirmed_findings(class_id) == {ann_id}


@pytest.mark.parametrize("reason", ["", "   ", "x" * 2001])
def test_a_reason_is_required_and_bounded(review, reason):
    attempt = review.sit()
    response = _record(review.client("head"), attempt["id"], reason)
    assert response.status_code == 422 and "field-error" in response.get_data(as_text=True)
    assert db.session.scalar(select(IntegrityFinding)) is None and not _audits("integrity.finding")
    assert _record(review.client("head"), attempt["id"]).status_code == 302
    response = _withdraw(review.client("head"), attempt["id"], reason)
    assert response.status_code == 422
    assert db.session.scalar(select(IntegrityFinding)).withdrawn_at is None and not _audits("integrity.withdraw")


def test_withdrawing_when_nothing_stands_is_404(review):
    attempt = review.sit()
    assert _withdraw(review.client("head"), attempt["id"]).status_code == 404
    assert not _audits("integrity.withdraw")


@pytest.mark.parametrize("who", ["ann", "bob", "otherhead"])
def test_who_may_not_record_or_withdraw(review, who):
    attempt = review.sit()
    assert _record(review.client("head"), attempt["id"]).status_code == 302
    # The other class's head teacher with only a class role (not the school's staff).
    db.session.get(User, review.users["otherhead"].id).role = "member"
    db.session.commit()
    client = api_client(review.app, review.users[who])
    expected = 403 if who == "ann" else 404   # the member sees her attempt; the others do not
    assert _record(client, attempt["id"], "Mine").status_code == expected
    assert _withdraw(client, attempt["id"]).status_code == expected
    assert len(db.session.scalars(select(IntegrityFinding)).all()) == 1
    assert confirmed_findings(review.school_class.id) == {review.users["ann"].id}


def test_a_grader_of_the_class_with_a_global_instructor_role_may_judge_but_the_member_never_sees_it(review):
    attempt = review.sit()
    assert _record(review.client("grader"), attempt["id"]).status_code == 302
    html = review.client("ann").get(f"/attempts/{attempt['id']}").get_data(as_text=True)
    assert "finding" not in html.lower()
    # Findings outside the class's exams do not count for the class.
    assert confirmed_findings(review.other_class.id) == set()


def test_without_csrf_nothing_is_recorded(review):
    attempt = review.sit()
    client = review.client("head")
    response = client.post(f"/attempts/{attempt['id']}/findings", data={"finding-reason": "x"})
    assert response.status_code == 400 and db.session.scalar(select(IntegrityFinding)) is None
