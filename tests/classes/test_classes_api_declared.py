"""The classes and roster API as declared (api/classes.py, api/roster.py): keyset pages that
neither repeat nor skip a row added before the cursor, and what the models now refuse."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from learnhub.classes.models import Membership
from tests.support.web import api_login


def _all_pages(client, url: str, headers, key: str = "code", cursor: str | None = None) -> list[str]:
    """`key` of every item from `cursor` (None: the first page) to the last page."""
    seen = []
    for _page in range(50):
        joiner = "&" if "?" in url else "?"
        response = client.get(url + (f"{joiner}cursor={cursor}" if cursor else ""), headers=headers)
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        seen += [item[key] for item in body["items"]]
        cursor = body["next"]
        if cursor is None:
            return seen
    raise AssertionError(f"no last page: {url}")


def test_the_class_list_is_paged_by_keyset_newest_term_first(client, make_class, make_user):
    head = make_user(role="staff")
    for n, month in enumerate((3, 9, 9, 1)):
        make_class(head=head, code=f"T{n}", starts_on=date(2026, month, 1), ends_on=date(2027, 6, 30))
    headers = api_login(client, head)
    first = client.get("/api/v1/classes?limit=2", headers=headers).get_json()
    assert [item["code"] for item in first["items"]] == ["T2", "T1"] and first["next"]
    # A class of a newer term, added before the cursor, neither repeats nor shifts the rest.
    make_class(head=head, code="T9", starts_on=date(2026, 10, 1), ends_on=date(2027, 6, 30))
    rest = client.get(f"/api/v1/classes?limit=2&cursor={first['next']}", headers=headers).get_json()
    assert [item["code"] for item in rest["items"]] == ["T0", "T3"] and rest["next"] is None
    assert rest["items"][0]["starts_on"] == "2026-03-01" and rest["items"][0]["role"] == "head_teacher"
    assert _all_pages(client, "/api/v1/classes?limit=1", headers) == ["T9", "T2", "T1", "T0", "T3"]


def test_the_roster_is_paged_by_keyset_under_any_sort(client, make_class, make_user, db):
    members = [make_user(f"p{n:02d}") for n in range(7)]
    school_class = make_class(members=members)
    for n, user in enumerate(members):
        db.session.scalar(select(Membership).where(Membership.class_id == school_class.id,
                                                   Membership.user_id == user.id)).student_no = f"{n % 3}-{n}"
    db.session.commit()
    headers = api_login(client, school_class.head)
    url = f"/api/v1/classes/{school_class.id}/roster?role=member&limit=3"
    assert _all_pages(client, url, headers, "username") == [u.username for u in members]
    by_number = _all_pages(client, url + "&sort=-student_no", headers, "student_no")
    assert by_number == sorted(by_number, reverse=True) and len(by_number) == 7
    first = client.get(url, headers=headers).get_json()
    client.post(f"/api/v1/classes/{school_class.id}/members", headers=headers,
                json={"display_name": "Early", "username": "p00a"})  # sorts before the cursor
    rest = _all_pages(client, url, headers, "username", cursor=first["next"])
    assert rest == [u.username for u in members[3:]]
    # A cursor belongs to its sort.
    other = client.get(url + f"&sort=display_name&cursor={first['next']}", headers=headers)
    assert other.status_code == 400 and other.get_json()["error"]["code"] == "invalid_cursor"


@pytest.mark.parametrize("query, field", [("stage=leader", "stage"), ("limit=0", None), ("limit=x", None)])
def test_bad_roster_filters_are_refused(client, make_class, query, field):
    school_class = make_class()
    headers = api_login(client, school_class.head)
    response = client.get(f"/api/v1/classes/{school_class.id}/roster?{query}", headers=headers)
    error = response.get_json()["error"]
    if field:
        assert response.status_code == 422 and error["code"] == "invalid_field" and set(error["fields"]) == {field}
    else:
        assert response.status_code == 400 and error["code"] == "invalid_limit"


@pytest.mark.parametrize("body, fields", [
    ({"name": "N", "code": "X1", "starts_on": "20260901", "ends_on": "2027-01-15"}, {"starts_on"}),
    ({"name": "N", "code": "X1", "starts_on": "2026-09-01", "ends_on": 20270115}, {"ends_on"}),
    ({"name": 5, "code": " ", "starts_on": "2026-09-01", "ends_on": "2027-01-15"}, {"name", "code"}),
    ({"name": "N", "code": "X1", "starts_on": "2026-09-01", "ends_on": "2027-01-15", "courses": "pbo"}, {"courses"}),
    ({"name": "N", "code": "X1", "starts_on": "2026-09-01", "ends_on": "2027-01-15", "description": 1},
     {"description"}),
])
def test_a_new_class_names_every_field_the_model_refuses(client, make_user, body, fields):
    headers = api_login(client, make_user(role="staff"))
    response = client.post("/api/v1/classes", headers=headers, json=body)
    assert response.status_code == 422, response.get_json()
    assert set(response.get_json()["error"]["fields"]) == fields


def test_a_member_change_names_every_field_and_a_null_stage_or_role_is_refused(client, make_class, make_user):
    school_class = make_class(members=[make_user("rec")])
    headers = api_login(client, school_class.head)
    url = f"/api/v1/classes/{school_class.id}/members/rec"
    response = client.patch(url, json={"stage": None, "role": None, "department": 7, "x": 1}, headers=headers)
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"stage", "role", "department", "x"}
    cleared = client.patch(url, json={"stage": "activist", "stage_date": None, "department": None}, headers=headers)
    assert cleared.status_code == 200, cleared.get_json()
    assert (cleared.get_json()["stage"], cleared.get_json()["stage_date"]) == ("activist", None)
    # A body at fault is named before the member is looked up.
    assert client.patch(f"/api/v1/classes/{school_class.id}/members/nobody", json={"stage": "x"},
                        headers=headers).status_code == 422
    assert client.patch(f"/api/v1/classes/{school_class.id}/members/nobody", json={"stage": "activist"},
                        headers=headers).status_code == 404


def test_an_import_without_its_file_names_the_field(client, make_class):
    school_class = make_class()
    headers = api_login(client, school_class.head)
    response = client.post(f"/api/v1/classes/{school_class.id}/roster/import?dry_run=1", data={},
                           headers=headers, content_type="multipart/form-data")
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"file"}
