"""The public verification (page and API: valid, revoked is not valid, unknown, nothing else,
rate limited) and revocation (who may, the reason, the audit log)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from learnhub.core.audit import AuditEntry
from learnhub.extensions import db
from learnhub.grading.certificates.models import Certificate

UNKNOWN = "LH-2026-ZZZZ-ZZZZ-ZZZZ-ZZZZ"


def test_public_api_says_valid_and_nothing_else(cc, app):
    cert, = cc.confirm_and_issue(cc.ann)
    response = app.test_client().get(f"/api/v1/certificates/{cert.serial}")  # no login
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"valid", "holder", "class", "issued_on"}
    assert body["valid"] is True and body["holder"] == (cc.ann.display_name or "ann")
    assert body["class"] == "2026 秋季积极分子培训班"
    assert date.fromisoformat(body["issued_on"])


def test_public_verify_page(cc, app):
    cert, = cc.confirm_and_issue(cc.ann)
    page = app.test_client().get(f"/verify/{cert.serial}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "This certificate is valid." in text and "2026 秋季积极分子培训班" in text
    assert "7200" not in text and "student" not in text.lower()


def test_unknown_serial_is_404(app, cc):
    client = app.test_client()
    response = client.get(f"/api/v1/certificates/{UNKNOWN}")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "unknown_certificate"
    assert client.get("/api/v1/certificates/not-a-serial").status_code == 404
    page = client.get(f"/verify/{UNKNOWN}")
    assert page.status_code == 404 and "No certificate has this serial number." in page.get_data(as_text=True)


def test_revoked_certificate_verifies_as_not_valid(cc, app):
    cert, = cc.confirm_and_issue(cc.ann)
    client = cc.client(cc.head)
    response = client.post(f"/certificates/{cert.serial}/revoke",
                           data={"reason": "Integrity finding after the fact", "csrf_token": client.csrf})
    assert response.status_code == 302
    public = app.test_client()
    body = public.get(f"/api/v1/certificates/{cert.serial}").get_json()
    assert body["valid"] is False and set(body) == {"valid", "holder", "class", "issued_on"}
    assert "not valid" in public.get(f"/verify/{cert.serial}").get_data(as_text=True)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "certificate.revoke"))
    assert entry.actor_id == cc.head.id and entry.data["reason"] == "Integrity finding after the fact"
    assert entry.data["serial"] == cert.serial
    assert "was revoked" in cc.client(cc.ann).get(f"/certificates/{cert.serial}").get_data(as_text=True)


def test_revoke_needs_a_reason_and_happens_once(cc):
    cert, = cc.confirm_and_issue(cc.ann)
    client = cc.client(cc.head)
    url = f"/api/v1/certificates/{cert.serial}/revoke"
    assert client.api("POST", url, {"reason": "  "}).status_code == 422
    assert client.api("POST", url, {}).status_code == 422
    assert client.post(f"/certificates/{cert.serial}/revoke", data={"reason": "", "csrf_token": client.csrf}).status_code == 422
    db.session.expire_all()
    assert db.session.get(Certificate, cert.id).valid
    done = client.api("POST", url, {"reason": "Wrong person"})
    assert done.status_code == 200 and done.get_json()["valid"] is False
    again = client.api("POST", url, {"reason": "Again"})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_revoked"
    assert db.session.scalars(select(AuditEntry).where(AuditEntry.action == "certificate.revoke")).all().__len__() == 1


def test_only_the_head_teacher_revokes(cc):
    cert, = cc.confirm_and_issue(cc.ann)
    for user, status in ((cc.ann, 403), (cc.grader, 403), (cc.bob, 404), (cc.outsider, 404)):
        client = cc.client(user)
        assert client.api("POST", f"/api/v1/certificates/{cert.serial}/revoke",
                          {"reason": "x"}).status_code == status, user.username
        assert client.post(f"/certificates/{cert.serial}/revoke",
                           data={"reason": "x", "csrf_token": client.csrf}).status_code == status
    db.session.expire_all()
    assert db.session.get(Certificate, cert.id).valid
    assert cc.client(cc.admin).api("POST", f"/api/v1/certificates/{cert.serial}/revoke",
                                   {"reason": "Admin"}).status_code == 200


def test_public_lookup_is_rate_limited(make_app):
    app = make_app(CERTIFICATE_VERIFY_RATE_LIMIT="3 per minute")
    client = app.test_client()
    statuses = [client.get(f"/api/v1/certificates/{UNKNOWN}").status_code for _ in range(2)]
    statuses += [client.get(f"/verify/{UNKNOWN}").status_code for _ in range(2)]  # one budget for both
    assert statuses == [404, 404, 404, 429]
    limited = client.get(f"/api/v1/certificates/{UNKNOWN}")
    assert limited.status_code == 429 and limited.get_json()["error"]["code"] == "rate_limited"


def test_lookup_form_goes_to_the_verification(cc, app):
    cert, = cc.confirm_and_issue(cc.ann)
    client = app.test_client()
    form = client.get("/verify")
    assert form.status_code == 200 and 'name="serial"' in form.get_data(as_text=True)
    typed = client.get("/verify", query_string={"serial": " " + cert.serial.lower() + " "})
    assert typed.status_code == 302 and typed.headers["Location"].endswith(f"/verify/{cert.serial}")
    unknown = client.get("/verify", query_string={"serial": "nonsense"}, follow_redirects=True)
    assert unknown.status_code == 404
