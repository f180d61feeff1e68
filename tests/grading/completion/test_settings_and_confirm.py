"""The rules page and API (validation changes nothing), confirming members (who may, the
override with a reason, the audit log), and the completion list (page and API)."""
from __future__ import annotations

from sqlalchemy import select

from learnhub.core.audit import AuditEntry
from learnhub.core.types import utcnow
from learnhub.extensions import db
from learnhub.grading.completion import services as completion
from learnhub.grading.completion.models import CompletionConfirmation, CompletionRules

RULES_FORM = {"weight_exam": "60", "weight_reflection": "30", "weight_attendance": "10", "min_attendance": "80",
              "pass_mark": "65", "final_exam": "", "require_units": "y", "require_exam_pass": "y"}


def stored_rules(cc):
    db.session.expire_all()
    return db.session.scalar(select(CompletionRules).where(CompletionRules.class_id == cc.id))


def confirmations(cc) -> dict[int, CompletionConfirmation]:
    db.session.expire_all()
    return {c.user_id: c for c in db.session.scalars(select(CompletionConfirmation)
                                                   .where(CompletionConfirmation.class_id == cc.id))}


# ---- the rules --------------------------------------------------------------------------------

def test_head_teacher_saves_the_rules_on_the_page(cc):
    client = cc.client(cc.head)
    page = client.get(f"/classes/{cc.id}/completion/settings")
    assert page.status_code == 200 and 'value="70"' in page.get_data(as_text=True)
    response = client.post(f"/classes/{cc.id}/completion/settings", data={**RULES_FORM, "csrf_token": client.csrf})
    assert response.status_code == 302
    rules = stored_rules(cc)
    assert (rules.weight_exam, rules.weight_reflection, rules.pass_mark, rules.min_attendance) == (60, 30, 65, 80)
    assert rules.block_on_findings is False  # an unticked box
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "completion.rules"))
    assert entry.actor_id == cc.head.id and entry.data["new"]["pass_mark"] == 65


def test_weights_not_adding_up_to_100_change_nothing(cc):
    client = cc.client(cc.head)
    response = client.post(f"/classes/{cc.id}/completion/settings",
                           data={**RULES_FORM, "weight_exam": "50", "csrf_token": client.csrf})
    assert response.status_code == 422
    assert "add up to 100 (they add up to 90)" in response.get_data(as_text=True)
    assert stored_rules(cc) is None


def test_negative_or_over_100_is_a_field_error(cc):
    client = cc.client(cc.head)
    for name, value in (("weight_exam", "-10"), ("pass_mark", "101"), ("min_attendance", "abc")):
        response = client.post(f"/classes/{cc.id}/completion/settings",
                               data={**RULES_FORM, name: value, "csrf_token": client.csrf})
        assert response.status_code == 422, name
        assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert stored_rules(cc) is None


def test_rules_api_validates_and_changes_nothing_on_error(cc):
    client = cc.client(cc.head)
    url = f"/api/v1/classes/{cc.id}/completion/rules"
    assert client.get(url).get_json()["weight_exam"] == 70
    bad = client.api("PATCH", url, {"weight_exam": 80})
    assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "weights_sum"
    negative = client.api("PATCH", url, {"weight_exam": -5, "weight_reflection": 95})
    assert negative.status_code == 422 and "weight_exam" in negative.get_json()["error"]["fields"]
    other_exam = client.api("PATCH", url, {"final_exam": 99999})
    assert other_exam.status_code == 422 and "final_exam_id" in other_exam.get_json()["error"]["fields"]
    assert stored_rules(cc) is None
    ok = client.api("PATCH", url, {"weight_exam": 60, "weight_attendance": 20, "final_exam": cc.exam.id})
    assert ok.status_code == 200, ok.get_json()
    body = ok.get_json()
    assert (body["weight_exam"], body["weight_attendance"], body["final_exam"]) == (60, 20, cc.exam.id)
    assert stored_rules(cc).weight_attendance == 20


def test_grader_and_member_may_not_change_the_rules(cc):
    for user in (cc.grader, cc.ann):
        client = cc.client(user)
        assert client.get(f"/classes/{cc.id}/completion/settings").status_code == 403
        response = client.post(f"/classes/{cc.id}/completion/settings", data={**RULES_FORM, "csrf_token": client.csrf})
        assert response.status_code == 403
        assert client.api("PATCH", f"/api/v1/classes/{cc.id}/completion/rules", {"pass_mark": 10}).status_code == 403
    assert cc.client(cc.outsider).get(f"/classes/{cc.id}/completion/settings").status_code == 404
    assert stored_rules(cc) is None


# ---- who qualifies ----------------------------------------------------------------------------

def test_staff_see_who_qualifies_and_why_not(cc):
    cc.qualify(cc.ann)
    cc.fake.rates[cc.bob.id] = 0.6
    for user in (cc.head, cc.grader, cc.admin):
        page = cc.client(user).get(f"/classes/{cc.id}/completion")
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        assert "Attendance 60%, below 75%" in text and "Final exam not taken" in text
    # The grader sees it but gets no confirm form.
    assert 'name="pick-usernames"' not in cc.client(cc.grader).get(f"/classes/{cc.id}/completion").get_data(as_text=True)
    assert 'name="pick-usernames"' in cc.client(cc.head).get(f"/classes/{cc.id}/completion").get_data(as_text=True)


def test_members_and_outsiders_do_not_see_the_completion_list(cc):
    assert cc.client(cc.ann).get(f"/classes/{cc.id}/completion").status_code == 403
    assert cc.client(cc.ann).get(f"/api/v1/classes/{cc.id}/completion").status_code == 403
    assert cc.client(cc.outsider).get(f"/classes/{cc.id}/completion").status_code == 404
    assert cc.client(cc.outsider).get(f"/api/v1/classes/{cc.id}/completion").status_code == 404


def test_completion_api_items(cc):
    cc.qualify(cc.ann)
    response = cc.client(cc.grader).get(f"/api/v1/classes/{cc.id}/completion?limit=1")
    body = response.get_json()
    assert response.status_code == 200 and body["next"]
    ann = body["items"][0]
    assert {"username", "qualifies", "final_grade", "reasons", "confirmed"} <= ann.keys()
    assert (ann["username"], ann["qualifies"], ann["final_grade"], ann["reasons"], ann["confirmed"]) == \
        ("ann", True, 90.0 * 0.7 + 16 + 10, [], False)
    bob = cc.client(cc.grader).get(f"/api/v1/classes/{cc.id}/completion?cursor={body['next']}").get_json()
    assert bob["items"][0]["username"] == "bob" and not bob["items"][0]["qualifies"]
    assert "3 required units not complete" in bob["items"][0]["reasons"]


# ---- confirmation -----------------------------------------------------------------------------

def test_head_teacher_confirms_qualifying_members(cc):
    cc.qualify(cc.ann)
    client = cc.client(cc.head)
    response = client.post(f"/classes/{cc.id}/completion/confirm",
                           data={"pick-usernames": ["ann"], "csrf_token": client.csrf})
    assert response.status_code == 302
    found = confirmations(cc)
    assert set(found) == {cc.ann.id}
    assert found[cc.ann.id].confirmed_by_id == cc.head.id and found[cc.ann.id].override_reason is None
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "completion.confirm"))
    assert entry.actor_id == cc.head.id and entry.data["username"] == "ann" and entry.data["qualifies"] is True
    # Again: nothing changes, no second row.
    assert client.post(f"/classes/{cc.id}/completion/confirm",
                       data={"pick-usernames": ["ann"], "csrf_token": client.csrf}).status_code == 302
    assert len(confirmations(cc)) == 1


def test_a_member_who_does_not_qualify_needs_a_reason(cc):
    cc.qualify(cc.ann)
    client = cc.client(cc.head)
    refused = client.post(f"/classes/{cc.id}/completion/confirm",
                          data={"pick-usernames": ["ann", "bob"], "csrf_token": client.csrf})
    assert refused.status_code == 422 and "do not qualify: bob" in refused.get_data(as_text=True)
    assert confirmations(cc) == {}  # not even ann: all or nothing
    api = client.api("POST", f"/api/v1/classes/{cc.id}/completion/confirm", {"usernames": ["bob"]})
    assert api.status_code == 409 and api.get_json()["error"]["code"] == "not_qualified"
    assert confirmations(cc) == {}
    done = client.api("POST", f"/api/v1/classes/{cc.id}/completion/confirm",
                      {"usernames": ["bob", "ann"], "reason": "Made up the sessions in writing"})
    assert done.status_code == 200 and done.get_json() == {"confirmed": ["bob", "ann"]}
    found = confirmations(cc)
    assert found[cc.bob.id].override_reason == "Made up the sessions in writing"
    assert found[cc.ann.id].override_reason is None  # ann qualified: no override
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "completion.confirm",
                                                       AuditEntry.data["username"].as_string() == "bob"))
    assert entry.data["reason"] == "Made up the sessions in writing" and entry.data["qualifies"] is False


def test_confirm_refuses_bad_input(cc):
    client = cc.client(cc.head)
    url = f"/api/v1/classes/{cc.id}/completion/confirm"
    assert client.api("POST", url, {"usernames": []}).status_code == 422
    assert client.api("POST", url, {"usernames": "ann"}).status_code == 422
    unknown = client.api("POST", url, {"usernames": ["outsider"], "reason": "x"})
    assert unknown.status_code == 422 and unknown.get_json()["error"]["code"] == "unknown_member"
    assert client.post(f"/classes/{cc.id}/completion/confirm",
                       data={"pick-usernames": ["outsider"], "csrf_token": client.csrf}).status_code == 422
    assert confirmations(cc) == {}


def test_only_the_head_teacher_confirms(cc):
    cc.qualify(cc.ann)
    for user in (cc.grader, cc.ann):
        client = cc.client(user)
        assert client.post(f"/classes/{cc.id}/completion/confirm",
                           data={"pick-usernames": ["ann"], "csrf_token": client.csrf}).status_code == 403
        assert client.api("POST", f"/api/v1/classes/{cc.id}/completion/confirm",
                          {"usernames": ["ann"]}).status_code == 403
    client = cc.client(cc.outsider)
    assert client.api("POST", f"/api/v1/classes/{cc.id}/completion/confirm", {"usernames": ["ann"]}).status_code == 404
    assert confirmations(cc) == {}
    admin = cc.client(cc.admin)
    assert admin.api("POST", f"/api/v1/classes/{cc.id}/completion/confirm", {"usernames": ["ann"]}).status_code == 200
    assert set(confirmations(cc)) == {cc.ann.id}


def test_confirmed_state_shows_in_the_list(cc):
    cc.qualify(cc.ann)
    completion.confirm(cc.head, cc.school_class, ["ann"], utcnow())
    db.session.commit()
    items = cc.client(cc.head).get(f"/api/v1/classes/{cc.id}/completion").get_json()["items"]
    assert [(i["username"], i["confirmed"]) for i in items] == [("ann", True), ("bob", False)]


def test_class_page_links_staff_to_completion(cc):
    assert f"/classes/{cc.id}/completion" in cc.client(cc.head).get(f"/classes/{cc.id}").get_data(as_text=True)
    assert f"/classes/{cc.id}/completion\"" not in cc.client(cc.ann).get(f"/classes/{cc.id}").get_data(as_text=True)
