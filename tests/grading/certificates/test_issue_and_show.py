"""Issuing certificates (confirmed members only, one live certificate each), serials, the
printable certificate page and who may open it, the member's link on the class page."""
from __future__ import annotations

import re

from sqlalchemy import select

from learnhub.core.audit import AuditEntry
from learnhub.core.types import utcnow
from learnhub.extensions import db
from learnhub.grading.certificates import services as certificates
from learnhub.grading.certificates.models import Certificate
from learnhub.grading.completion import services as completion

SERIAL = re.compile(r"^LH-\d{4}(-[0-9ABCDEFGHJKMNPQRSTVWXYZ]{4}){4}$")


def all_certificates() -> list[Certificate]:
    db.session.expire_all()
    return list(db.session.scalars(select(Certificate).order_by(Certificate.id)))


def test_serials_are_readable_random_and_unique():
    serials = {certificates.new_serial(2026) for _ in range(2000)}
    assert len(serials) == 2000
    assert all(SERIAL.match(s) for s in serials)
    # 16 characters of a 32-letter alphabet: 80 bits, from secrets.
    assert len(next(iter(serials)).replace("-", "")[6:]) == 16


def test_serial_typed_loosely_is_found(cc):
    cert, = cc.confirm_and_issue(cc.ann)
    typed = " " + cert.serial.lower().replace("0", "o").replace("1", "l") + " "
    assert certificates.find(typed).id == cert.id
    assert certificates.find("LH-2026-XXXX") is None and certificates.find(None) is None


def test_issue_only_for_confirmed_members(cc):
    cc.qualify(cc.ann, cc.bob)
    completion.confirm(cc.head, cc.school_class, ["ann"], utcnow())
    db.session.commit()
    client = cc.client(cc.head)
    refused = client.api("POST", f"/api/v1/classes/{cc.id}/certificates", {"usernames": ["ann", "bob"]})
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "not_confirmed"
    assert "bob" in refused.get_json()["error"]["message"]
    assert all_certificates() == []  # not even ann's
    unknown = client.api("POST", f"/api/v1/classes/{cc.id}/certificates", {"usernames": ["outsider"]})
    assert unknown.status_code == 422 and all_certificates() == []
    page = client.post(f"/classes/{cc.id}/certificates", data={"pick-usernames": ["bob"], "csrf_token": client.csrf})
    assert page.status_code == 422 and all_certificates() == []
    issued = client.api("POST", f"/api/v1/classes/{cc.id}/certificates", {"usernames": ["ann"]})
    assert issued.status_code == 201
    item, = issued.get_json()["certificates"]
    assert item["username"] == "ann" and SERIAL.match(item["serial"])
    assert item["url"] == f"/certificates/{item['serial']}"
    cert, = all_certificates()
    assert (cert.user_id, cert.class_name, cert.holder_name, cert.study_seconds) == (
        cc.ann.id, "2026 秋季积极分子培训班", cc.ann.display_name or "ann", 7200)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "certificate.issue"))
    assert entry.actor_id == cc.head.id and entry.data["serial"] == cert.serial


def test_issuing_again_returns_the_live_certificate(cc):
    first, = cc.confirm_and_issue(cc.ann)
    client = cc.client(cc.head)
    again = client.api("POST", f"/api/v1/classes/{cc.id}/certificates", {"usernames": ["ann"]})
    assert again.status_code == 201 and again.get_json()["certificates"][0]["serial"] == first.serial
    assert client.post(f"/classes/{cc.id}/certificates",
                       data={"pick-usernames": ["ann"], "csrf_token": client.csrf}).status_code == 302
    assert len(all_certificates()) == 1
    # After a revocation a new certificate (a new serial) may be issued.
    certificates.revoke(cc.head, all_certificates()[0], "Wrong name", utcnow())
    db.session.commit()
    renewed = client.api("POST", f"/api/v1/classes/{cc.id}/certificates", {"usernames": ["ann"]})
    assert renewed.get_json()["certificates"][0]["serial"] != first.serial
    assert [c.valid for c in all_certificates()] == [False, True]


def test_only_the_head_teacher_issues(cc):
    cc.qualify(cc.ann)
    completion.confirm(cc.head, cc.school_class, ["ann"], utcnow())
    db.session.commit()
    for user, status in ((cc.grader, 403), (cc.ann, 403), (cc.outsider, 404)):
        client = cc.client(user)
        assert client.api("POST", f"/api/v1/classes/{cc.id}/certificates", {"usernames": ["ann"]}).status_code == status
        assert client.post(f"/classes/{cc.id}/certificates",
                           data={"pick-usernames": ["ann"], "csrf_token": client.csrf}).status_code == status
    assert all_certificates() == []


def test_certificate_page_for_the_holder_and_class_staff(cc):
    cc.qualify(cc.ann)  # 7,200 s of study
    cert, = cc.confirm_and_issue(cc.ann)
    url = f"/certificates/{cert.serial}"
    for user in (cc.ann, cc.head, cc.grader, cc.admin):
        assert cc.client(user).get(url).status_code == 200, user.username
    for user in (cc.bob, cc.outsider):
        assert cc.client(user).get(url).status_code == 404, user.username
    assert cc.client(cc.ann).get("/certificates/LH-2026-AAAA-AAAA-AAAA-AAAA").status_code == 404
    text = cc.client(cc.ann).get(url).get_data(as_text=True)
    assert "Certificate of completion" in text and "2026 秋季积极分子培训班" in text and cert.serial in text
    assert "<svg" in text and "qr-code" in text  # the verification QR code, inline
    assert f"/verify/{cert.serial}" in text and "css/certificate.css" in text
    assert "Study hours" in text and ">2.0<" in text
    assert 'name="reason"' not in text  # the holder cannot revoke
    assert 'name="reason"' in cc.client(cc.head).get(url).get_data(as_text=True)


def test_print_stylesheet_is_one_a4_landscape_page_without_navigation(app):
    css = app.test_client().get("/static/css/certificate.css").get_data(as_text=True)
    printing = css[css.index("@media print"):]
    assert "size: A4 landscape" in printing
    assert ".site-header" in printing and ".no-print" in printing and "display: none" in printing
    assert "break-inside: avoid" in printing


def test_member_sees_their_certificate_on_the_class_page(cc):
    assert "/certificates/" not in cc.client(cc.ann).get(f"/classes/{cc.id}").get_data(as_text=True)
    cert, = cc.confirm_and_issue(cc.ann)
    assert f"/certificates/{cert.serial}" in cc.client(cc.ann).get(f"/classes/{cc.id}").get_data(as_text=True)
    assert f"/certificates/{cert.serial}" not in cc.client(cc.bob).get(f"/classes/{cc.id}").get_data(as_text=True)


def test_completion_page_links_issued_certificates(cc):
    cert, = cc.confirm_and_issue(cc.ann)
    text = cc.client(cc.head).get(f"/classes/{cc.id}/completion").get_data(as_text=True)
    assert f"/certificates/{cert.serial}" in text and "Confirmed anyway: test" in text
