"""Integrity findings through the API: POST /api/v1/attempts/{id}/findings (record) and
.../findings/withdraw, with the staff page's permissions, audit and refusals."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from learnhub.core.audit import AuditEntry
from learnhub.extensions import db
from learnhub.grading.attempt_review.models import IntegrityFinding
from learnhub.grading.attempt_review.services import confirmed_findings
from tests.support.web import api_client


def _record(client, attempt_id, reason="Answers copied from a phone"):
    return client.api("POST", f"/api/v1/attempts/{attempt_id}/findings", {"reason": reason})


def _withdraw(client, attempt_id, reason="It was someone else's phone"):
    return client.api("POST", f"/api/v1/attempts/{attempt_id}/findings/withdraw", {"reason": reason})


def _audits(action):
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_record_then_409_then_withdraw_then_404_all_audited(review):
    attempt = review.sit()
    grader, head = api_client(review.app, review.users["grader"]), api_client(review.app, review.users["head"])
    recorded = _record(grader, attempt["id"])
    assert recorded.status_code == 201, recorded.get_json()
    body = recorded.get_json()
    finding = db.session.scalar(select(IntegrityFinding))
    assert body == {"id": finding.id, "reason": "Answers copied from a phone",
                    "recorded_at": body["recorded_at"], "recorded_by_id": review.users["grader"].id}
    assert body["recorded_at"].endswith("Z")
    [entry] = _audits("integrity.finding")
    assert entry.actor_id == review.users["grader"].id and entry.target_id == attempt["id"]
    assert confirmed_findings(review.school_class.id) == {review.users["ann"].id}

    again = _record(head, attempt["id"], "Again")
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "finding_exists"
    assert len(db.session.scalars(select(IntegrityFinding)).all()) == 1 and len(_audits("integrity.finding")) == 1

    withdrawn = _withdraw(head, attempt["id"])
    assert withdrawn.status_code == 200, withdrawn.get_json()
    assert withdrawn.get_json()["id"] == finding.id and withdrawn.get_json()["withdrawn_at"].endswith("Z")
    [entry] = _audits("integrity.withdraw")
    assert entry.actor_id == review.users["head"].id and entry.data["reason"] == "It was someone else's phone"
    assert confirmed_findings(review.school_class.id) == set()

    none = _withdraw(head, attempt["id"])
    assert none.status_code == 404 and none.get_json()["error"]["code"] == "not_found"
    assert len(_audits("integrity.withdraw")) == 1


@pytest.mark.parametrize("reason", ["", "   ", "x" * 2001, 5, None])
def test_a_bad_reason_is_422_and_changes_nothing(review, reason):
    attempt = review.sit()
    head = api_client(review.app, review.users["head"])
    response = _record(head, attempt["id"], reason)
    assert response.status_code == 422 and "reason" in response.get_json()["error"]["fields"]
    assert db.session.scalar(select(IntegrityFinding)) is None and not _audits("integrity.finding")
    assert _record(head, attempt["id"]).status_code == 201
    response = _withdraw(head, attempt["id"], reason)
    assert response.status_code == 422 and "reason" in response.get_json()["error"]["fields"]
    assert db.session.scalar(select(IntegrityFinding)).withdrawn_at is None and not _audits("integrity.withdraw")


@pytest.mark.parametrize(("who", "expected"), [("ann", 403), ("bob", 404), (None, 401)])
def test_a_member_an_outsider_and_anonymous_may_not(review, who, expected):
    attempt = review.sit()
    assert _record(api_client(review.app, review.users["head"]), attempt["id"]).status_code == 201
    if who is None:
        client = review.app.test_client()
        client.api = lambda method, path, json=None: client.open(path, method=method, json=json)
    else:
        client = api_client(review.app, review.users[who])
    assert _record(client, attempt["id"], "Mine").status_code == expected
    assert _withdraw(client, attempt["id"]).status_code == expected
    assert _record(client, 999999, "Mine").status_code == (401 if who is None else 404)
    [finding] = db.session.scalars(select(IntegrityFinding)).all()
    assert finding.withdrawn_at is None and len(_audits("integrity.finding")) == 1
    assert not _audits("integrity.withdraw")
