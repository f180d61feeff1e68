"""Bad text and bad JSON at the edge: NUL, unpaired surrogates, absurd nesting, non-UTF-8.

Each is refused with a 4xx (422 `invalid_text`, 400 `invalid_json`), never a 500, and
changes nothing.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from learnhub.auth.models import User
from learnhub.quizzes.models import Answer
from tests.support.web import PASSWORD, csrf_from, login

QUIZ = "/api/v1/courses/qc/quizzes/every-type"
LONE_SURROGATE_JSON = '"\\ud800"'  # as a client would send it: a JSON escape


def error_code(response) -> str:
    return response.get_json()["error"]["code"]


def raw_json(client, method: str, path: str, text: str | bytes, **headers):
    return client.open(path, method=method, data=text, content_type="application/json",
                       headers=headers)


# ---- the helper ---------------------------------------------------------------------------

def test_text_helper_finds_nul_and_unpaired_surrogates_at_any_depth():
    from learnhub.core.text import invalid_text_path, is_valid_text, require_valid_text

    assert is_valid_text("普通 text\twith\nnewlines 😀")
    assert not is_valid_text("a\x00b") and not is_valid_text("\ud800") and not is_valid_text("x\udfff")
    deep = {"a": [1, {"b": ["ok", {"c": "bad\x00"}]}]}
    assert invalid_text_path(deep) == "a.1.b.1.c"
    assert invalid_text_path({"\ud800": 1}) == "body"  # a bad key is found too
    assert invalid_text_path({"a": ["fine", 2, None, True]}) is None
    nested = current = []
    for _ in range(10_000):  # no recursion: any depth is fine
        current.append([])
        current = current[0]
    current.append("\ud800")
    assert invalid_text_path(nested) is not None
    with pytest.raises(Exception) as caught:
        require_valid_text("x\x00", "username")
    assert caught.value.status == 422 and caught.value.code == "invalid_text"


# ---- quiz answers -------------------------------------------------------------------------

@pytest.fixture
def started(quiz_client, clock):
    response = quiz_client.api("POST", QUIZ + "/attempts")
    assert response.status_code == 201
    attempt = response.get_json()
    attempt["by_type"] = {q["type"]: q for q in attempt["questions"]}
    return attempt


def put_raw(client, attempt, question, response_json: str):
    return raw_json(client, "PUT", f"/api/v1/attempts/{attempt['id']}/answers/{question['id']}",
                    '{"response": %s}' % response_json, **{"X-CSRFToken": client.csrf})


@pytest.mark.parametrize("kind,response_json", [
    ("short", LONE_SURROGATE_JSON), ("essay", LONE_SURROGATE_JSON), ("essay", '"a\\u0000b"'),
    ("short", '"\\udfff tail"'), ("single", LONE_SURROGATE_JSON), ("multiple", f"[{LONE_SURROGATE_JSON}]"),
    ("matching", '{"\\ud800": null}'), ("matching", '{"x": "\\u0000"}'), ("numerical", '"3\\u0000"'),
])
def test_bad_text_in_an_answer_is_422_and_saves_nothing(quiz_client, started, db, kind, response_json):
    response = put_raw(quiz_client, started, started["by_type"][kind], response_json)
    assert response.status_code == 422
    assert error_code(response) == "invalid_text"
    assert db.session.scalars(select(Answer)).all() == []
    # The attempt page and the API still work for the member.
    assert quiz_client.get(f"/attempts/{started['id']}").status_code == 200
    assert quiz_client.get(f"/api/v1/attempts/{started['id']}").status_code == 200


def test_quiz_type_refuses_bad_text_even_without_the_api(quiz_app):
    from learnhub.quizzes.types import InvalidResponse, question_type

    class Question:
        type = "essay"

    essay = question_type(Question())
    with quiz_app.test_request_context():
        assert essay.validate({}, "fine 中文") == "fine 中文"
        for bad in ("\ud800", "a\x00"):
            with pytest.raises(InvalidResponse):
                essay.validate({}, bad)


def test_nul_in_the_attempt_form_is_refused_and_saves_nothing(quiz_client, started, db):
    essay = started["by_type"]["essay"]
    page = quiz_client.get(f"/attempts/{started['id']}")
    token = csrf_from(quiz_client, f"/attempts/{started['id']}")
    assert page.status_code == 200
    response = quiz_client.post(f"/attempts/{started['id']}/submit",
                                data={"csrf_token": token, f"q-{essay['id']}": "text\x00more"})
    assert response.status_code == 422
    assert db.session.scalars(select(Answer)).all() == []
    assert quiz_client.get(f"/api/v1/attempts/{started['id']}").get_json()["state"] == "in_progress"


# ---- accounts: login, token, display names, admin -------------------------------------------

@pytest.mark.parametrize("body", [
    '{"username": "a\\u0000b", "password": "x"}',
    '{"username": "apiuser", "password": "pw\\u0000"}',
    '{"username": "\\ud800", "password": "x"}',
    '{"username": "apiuser", "password": "x", "extra": [{"deep": {"\\udc00": 1}}]}',
])
def test_token_with_bad_text_is_422(client, make_user, body):
    make_user("apiuser")
    response = raw_json(client, "POST", "/api/v1/auth/token", body)
    assert response.status_code == 422
    assert error_code(response) == "invalid_text"


def test_login_form_with_nul_is_refused(client, make_user):
    make_user("member1")
    token = csrf_from(client, "/login")
    response = client.post("/login", data={"username": "member\x001", "password": PASSWORD,
                                           "csrf_token": token})
    assert response.status_code == 422
    assert client.get("/account").status_code == 302  # not logged in


def test_display_name_with_nul_is_refused_and_unchanged(client, login_as, db):
    user = login_as()
    token = csrf_from(client, "/account")
    response = client.post("/account", data={"prefs-display_name": "New\x00Name", "prefs-locale": "",
                                             "prefs-save_preferences": "1", "csrf_token": token})
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(User, user.id).display_name == user.username


def test_admin_create_user_with_nul_is_refused_and_creates_nothing(client, login_as, db):
    login_as("admin")
    token = csrf_from(client, "/admin/users/new")
    before = db.session.scalar(select(User.id).where(User.username == "newbie"))
    response = client.post("/admin/users/new", data={
        "username": "newbie", "display_name": "Bad\x00Name", "role": "member",
        "password": "long-enough-1", "csrf_token": token})
    assert response.status_code == 422
    assert before is None and db.session.scalar(select(User).where(User.username == "newbie")) is None


def test_admin_user_search_with_nul_is_422(client, login_as):
    login_as("admin")
    assert client.get("/admin/users?q=a%00b").status_code == 422
    assert client.get("/admin/users?q=ab").status_code == 200


def test_nul_in_a_path_segment_or_query_string_is_422(client, make_user):
    make_user("apiuser")
    token = client.post("/api/v1/auth/token", json={"username": "apiuser", "password": PASSWORD})
    headers = {"Authorization": f"Bearer {token.get_json()['token']}"}
    response = client.get("/api/v1/courses/a%00b", headers=headers)
    assert response.status_code == 422 and error_code(response) == "invalid_text"
    response = client.get("/api/v1/courses?cursor=%00", headers=headers)
    assert response.status_code == 422 and error_code(response) == "invalid_text"
    login(client, "apiuser")
    assert client.get("/courses/a%00b").status_code == 422


# ---- unparsable bodies ----------------------------------------------------------------------

DEEP = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize("body", [
    DEEP, '{"a": ' * 50_000 + "1" + "}" * 50_000,
    '{"username": "apiuser", "password": "x", "n": NaN}',
    '{"username": "apiuser", "password": "x"}'.encode("utf-16"),
    b'{"username": "\xff\xfe", "password": "x"}',
    '{"username": "apiuser", "password": "x", "a": ' + "[" * 70 + "]" * 70 + "}",  # deeper than any API shape
])
def test_unparsable_token_body_is_400_before_authentication(client, make_user, body):
    make_user("apiuser")
    response = raw_json(client, "POST", "/api/v1/auth/token", body)
    assert response.status_code == 400
    assert error_code(response) == "invalid_json"


def test_deep_json_on_an_authenticated_endpoint_is_400(quiz_client, started):
    short = started["by_type"]["short"]
    response = raw_json(quiz_client, "PUT", f"/api/v1/attempts/{started['id']}/answers/{short['id']}",
                        DEEP, **{"X-CSRFToken": quiz_client.csrf})
    assert response.status_code == 400 and error_code(response) == "invalid_json"
    unauthenticated = raw_json(quiz_client.application.test_client(), "PUT",
                               f"/api/v1/attempts/{started['id']}/answers/{short['id']}", DEEP)
    assert unauthenticated.status_code == 401


def test_deep_json_posted_to_the_login_page_is_not_a_500(client):
    # (The CSRF check already ran before the limiter's key function here; kept as a guard.)
    response = raw_json(client, "POST", "/login", DEEP)
    assert response.status_code == 400  # no CSRF token: refused like any bad form post


def test_ordinary_json_still_works(client, make_user):
    make_user("apiuser")
    response = client.post("/api/v1/auth/token", json={"username": "apiuser", "password": PASSWORD,
                                                       "note": {"nested": ["中文", "😀"]}})
    assert response.status_code == 201
