"""The JSON API: tokens, cookies with CSRF, courses and units, errors, the OpenAPI document."""
from __future__ import annotations

import re

import pytest

from learnhub.api.openapi import document
from tests.support.web import PASSWORD, csrf_from

COURSE = "party-building-online"


@pytest.fixture
def token(client, make_user):
    user = make_user("apiuser")
    response = client.post("/api/v1/auth/token", json={"username": "apiuser", "password": PASSWORD})
    assert response.status_code == 201
    body = response.get_json()
    assert body["expires_at"].endswith("Z")
    return {"Authorization": f"Bearer {body['token']}", "user": user}


def auth(token):
    return {"Authorization": token["Authorization"]}


def test_token_with_bad_credentials_is_401(client, make_user):
    make_user("apiuser")
    response = client.post("/api/v1/auth/token", json={"username": "apiuser", "password": "wrong-pass"})
    assert response.status_code == 401
    assert response.get_json() == {"error": {"code": "invalid_credentials",
                                             "message": "Invalid username or password."}}


@pytest.mark.parametrize("body,status", [(None, 400), ([], 422), ({"username": "x"}, 422),
                                         ({"username": 5, "password": "p"}, 422)])
def test_token_bad_input(client, body, status):
    response = client.post("/api/v1/auth/token", data="not json" if body is None else None,
                           json=body, content_type="application/json")
    assert response.status_code == status
    assert "code" in response.get_json()["error"]


def test_token_is_rate_limited(make_app, make_user):
    app = make_app(LOGIN_RATE_LIMIT="2 per minute")
    client = app.test_client()
    with app.app_context():
        make_user("apiuser")
    for _ in range(2):
        client.post("/api/v1/auth/token", json={"username": "apiuser", "password": "wrong-pass"})
    response = client.post("/api/v1/auth/token", json={"username": "apiuser", "password": PASSWORD})
    assert response.status_code == 429
    assert response.get_json()["error"]["code"] == "rate_limited"


def test_me_with_token_and_without(client, token):
    response = client.get("/api/v1/me", headers=auth(token))
    assert response.get_json() == {"id": token["user"].id, "username": "apiuser",
                                   "display_name": "apiuser", "role": "member", "locale": None}
    assert "Set-Cookie" not in response.headers  # bearer requests do not create sessions
    anonymous = client.get("/api/v1/me")
    assert anonymous.status_code == 401 and anonymous.get_json()["error"]["code"] == "unauthorized"
    bad = client.get("/api/v1/me", headers={"Authorization": "Bearer nonsense"})
    assert bad.status_code == 401 and bad.get_json()["error"]["code"] == "invalid_token"


def test_revoked_token_stops_working(client, token):
    assert client.delete("/api/v1/auth/token", headers=auth(token)).status_code == 204
    assert client.get("/api/v1/me", headers=auth(token)).status_code == 401


def test_token_of_deactivated_user_stops_working(client, token, db):
    token["user"].active = False
    db.session.commit()
    assert client.get("/api/v1/me", headers=auth(token)).status_code == 401


def test_courses_list_with_progress_and_pagination(client, token):
    body = client.get("/api/v1/courses", headers=auth(token)).get_json()
    slugs = [c["slug"] for c in body["items"]]
    assert slugs == [COURSE, "wangluo-dangjian", "how-to-use-learnhub"]
    first = body["items"][0]
    assert first["units_count"] == 6 and first["url"] == f"/courses/{COURSE}"
    assert first["progress"] == {"completed": 0, "total": 6, "percent": 0}
    page1 = client.get("/api/v1/courses?limit=2", headers=auth(token)).get_json()
    assert len(page1["items"]) == 2 and page1["next"]
    page2 = client.get(f"/api/v1/courses?limit=2&cursor={page1['next']}", headers=auth(token)).get_json()
    assert [c["slug"] for c in page2["items"]] == ["how-to-use-learnhub"] and page2["next"] is None


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "limit=x", "cursor=%%%"])
def test_bad_pagination_is_400(client, token, query):
    response = client.get(f"/api/v1/courses?{query}", headers=auth(token))
    assert response.status_code == 400 and "error" in response.get_json()


def test_course_detail_unit_and_resume(client, token):
    unit = client.get(f"/api/v1/courses/{COURSE}/units/problems", headers=auth(token)).get_json()
    assert unit["prev"] == "why-online" and unit["next"] == "learning-platforms"
    assert unit["completed"] is False and unit["completion"] == "view"  # opening is not reading
    assert unit["locked"] is False and unit["missing"] == []
    assert "<script" not in unit["html"] and "<h2" in unit["html"]
    course = client.get(f"/api/v1/courses/{COURSE}", headers=auth(token)).get_json()
    assert [u["slug"] for u in course["units"]][:2] == ["why-online", "problems"]
    assert course["progress"] == {"completed": 0, "total": 6, "percent": 0}
    assert course["resume_unit"] == "problems"  # the unit last opened, not finished
    assert all(u["locked"] is False for u in course["units"])
    client.post(f"/api/v1/courses/{COURSE}/units/summary/complete", headers=auth(token))
    course = client.get(f"/api/v1/courses/{COURSE}", headers=auth(token)).get_json()
    assert course["progress"] == {"completed": 1, "total": 6, "percent": 17}
    assert course["resume_unit"] == "why-online"  # last on the (finished) summary: the first unfinished
    assert course["quizzes"] == [{
        "slug": "check-your-understanding", "title": "Check your understanding", "kind": "practice",
        "url": f"/courses/{COURSE}/quizzes/check-your-understanding"}]
    assert client.get("/api/v1/courses/nope", headers=auth(token)).status_code == 404
    missing = client.get(f"/api/v1/courses/{COURSE}/units/nope", headers=auth(token))
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"


def test_complete_manual_unit_and_409_for_view_unit_not_seen(client, token):
    manual = client.post(f"/api/v1/courses/{COURSE}/units/summary/complete", headers=auth(token))
    assert manual.status_code == 200 and manual.get_json()["completed"] is True
    view_rule = client.post(f"/api/v1/courses/{COURSE}/units/why-online/complete", headers=auth(token))
    assert view_rule.status_code == 409
    assert view_rule.get_json()["error"]["code"] == "completion_rule"


def test_session_cookie_needs_csrf_header_on_unsafe_methods(client, login_as):
    login_as()
    assert client.get("/api/v1/me").status_code == 200
    path = f"/api/v1/courses/{COURSE}/units/summary/complete"
    refused = client.post(path)
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "csrf_failed"
    token = csrf_from(client, "/account")
    assert client.post(path, headers={"X-CSRFToken": token}).status_code == 200


def test_unknown_api_path_and_method_give_json_errors(client, token):
    assert client.get("/api/v1/nothing", headers=auth(token)).get_json()["error"]["code"] == "not_found"
    response = client.put("/api/v1/me", headers=auth(token))
    assert response.status_code == 405 and response.get_json()["error"]["code"] == "method_not_allowed"


def test_openapi_documents_every_api_route(app, client):
    served = client.get("/api/v1/openapi.json").get_json()
    assert served["openapi"].startswith("3.")
    paths = document()["paths"]
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        path = rule.rule.replace("<", "{").replace(">", "}")
        for converter in ("course_slug", "unit_slug", "quiz_slug"):
            path = path.replace("{" + converter + "}", "{" + converter.split("_")[0] + "}")
        path = re.sub(r"\{int:(\w+)\}", r"{\1}", path).replace("{exam_id}", "{exam}")
        # API.md names the first object of a path {id}: /attempts/{id}, /classes/{id}/...
        path = re.sub(r"\{(attempt|class|session|announcement|thread|post|answer|report)_id\}", "{id}", path)
        assert path in paths, f"{rule.rule} is not in the OpenAPI document"
        documented = {m.upper() for m in paths[path]}
        assert rule.methods - {"HEAD", "OPTIONS"} <= documented, (rule.rule, rule.methods, documented)
    assert len(paths) == len({r.rule for r in app.url_map.iter_rules() if r.rule.startswith("/api/v1")})


def test_ids_beyond_32_bits_are_404_for_every_method(app, client, make_user):
    """Never a 405 (werkzeug's answer when a converter refuses) nor a database 500."""
    from learnhub.auth.services import issue_token
    from learnhub.extensions import db

    token = issue_token(make_user())[0]
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    checked = 0
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1") or "<int:" not in rule.rule:
            continue
        path = re.sub(r"<int:\w+>", "2147483648", rule.rule)
        path = re.sub(r"<(?:\w+:)?\w+>", "nobody", path)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = client.open(path, method=method, json={}, headers=headers)
            assert response.status_code in (400, 404, 422), (method, path, response.status_code)
            checked += 1
    assert checked > 20
