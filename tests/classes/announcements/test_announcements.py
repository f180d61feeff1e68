"""Announcements: who posts, reads, edits and deletes; read receipts; the unread export."""
from __future__ import annotations

import csv as csv_module
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from learnhub.classes.announcements import services as rules
from learnhub.classes.announcements.models import Announcement, AnnouncementRead
from learnhub.core.audit import AuditEntry
from learnhub.core.database import add_or_get
from tests.support.factories import count
from tests.support.web import csrf_from, signed_in


def post(client, class_id, **body):
    return client.post(f"/api/v1/classes/{class_id}/announcements", headers=client.headers,
                       json={"title": "Meeting moved", "body": "See you **Friday**.", **body})


@pytest.fixture
def school(app, make_user, make_class):
    """A class with two members and a grader, and a second class with its own member."""
    members = [make_user(), make_user()]
    grader = make_user(role="staff")
    a = make_class(members=members, graders=[grader])
    outsider = make_user()
    b = make_class(members=[outsider])
    return type("School", (), {"a": a, "b": b, "members": members, "grader": grader,
                               "outsider": outsider, "head": a.head})


def test_staff_post_members_read_once_and_receipts_say_who(app, db, school):
    head = signed_in(app, school.head)
    created = post(head, school.a.id, pinned=True)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["title"] == "Meeting moved" and body["pinned"] is True
    assert "<strong>Friday</strong>" in body["body_html"]
    assert body["author"]["username"] == school.head.username
    assert body["url"] == f"/announcements/{body['id']}"

    reader = signed_in(app, school.members[0])
    listed = reader.get(f"/api/v1/classes/{school.a.id}/announcements").get_json()["items"]
    assert [(i["id"], i["read"]) for i in listed] == [(body["id"], False)]
    assert set(listed[0]) >= {"id", "title", "body_html", "published_at", "author", "read"}
    first = reader.post(f"/api/v1/announcements/{body['id']}/read", headers=reader.headers)
    again = reader.post(f"/api/v1/announcements/{body['id']}/read", headers=reader.headers)
    assert first.status_code == again.status_code == 200
    assert first.get_json()["read_at"] == again.get_json()["read_at"]
    assert count(AnnouncementRead) == 1
    assert reader.get(f"/api/v1/classes/{school.a.id}/announcements").get_json()["items"][0]["read"] is True

    receipts = head.get(f"/api/v1/announcements/{body['id']}/receipts").get_json()
    assert [r["username"] for r in receipts["read"]] == [school.members[0].username]
    assert receipts["read"][0]["read_at"] == first.get_json()["read_at"]
    assert receipts["unread"] == [{"username": school.members[1].username,
                                   "display_name": school.members[1].display_name}]


def test_opening_the_page_marks_it_read_once(app, db, school):
    announcement = rules.post_announcement(school.head, school.a, "Welcome", "Hello")
    db.session.commit()
    reader = signed_in(app, school.members[0])
    assert reader.get(f"/announcements/{announcement.id}").status_code == 200
    assert reader.get(f"/announcements/{announcement.id}").status_code == 200
    assert db.session.scalars(select(AnnouncementRead.user_id)).all() == [school.members[0].id]


def test_a_concurrent_second_receipt_is_found_not_an_error(app, db, school):
    announcement = rules.post_announcement(school.head, school.a, "Welcome", "Hello")
    first = rules.mark_read(school.members[0], announcement)
    db.session.commit()
    # What the losing request of a race does: its insert hits the unique row, it reads the winner's.
    row, created = add_or_get(db.session, AnnouncementRead(announcement_id=announcement.id,
                                                           user_id=school.members[0].id),
                              lambda: rules.mark_read(school.members[0], announcement))
    assert (row.id, created) == (first.id, False)
    db.session.commit()
    assert count(AnnouncementRead) == 1


def test_outsiders_members_and_other_graders_are_refused(app, db, make_user, make_class, school):
    announcement = rules.post_announcement(school.head, school.a, "For class A", "Text")
    db.session.commit()
    outsider = signed_in(app, school.outsider)      # a member of class B
    assert outsider.get(f"/api/v1/classes/{school.a.id}/announcements").status_code == 404
    assert outsider.post(f"/api/v1/announcements/{announcement.id}/read",
                         headers=outsider.headers).status_code == 404
    assert outsider.get(f"/announcements/{announcement.id}").status_code == 404
    assert "For class A" not in outsider.get("/").get_data(as_text=True)

    grader = signed_in(app, school.grader)          # grader of A only
    assert post(grader, school.a.id).status_code == 201
    assert post(grader, school.b.id).status_code == 404
    assert grader.get(f"/classes/{school.b.id}/announcements/new").status_code == 404

    member = signed_in(app, school.members[0])
    assert post(member, school.a.id).status_code == 403
    assert member.get(f"/classes/{school.a.id}/announcements/new").status_code == 403
    assert member.get(f"/api/v1/announcements/{announcement.id}/receipts").status_code == 403
    assert member.get(f"/announcements/{announcement.id}/receipts").status_code == 403
    assert member.get(f"/announcements/{announcement.id}/unread.csv").status_code == 403
    assert member.get(f"/announcements/{announcement.id}/edit").status_code == 403
    assert count(Announcement) == 2  # the head's and the grader's, nothing else
    assert count(AnnouncementRead) == 0


def test_author_or_head_teacher_edit_and_delete(app, db, make_user, school):
    other_grader = make_user(role="staff")
    from learnhub.classes.models import Membership
    db.session.add(Membership(class_id=school.a.id, user_id=other_grader.id, role="grader"))
    db.session.commit()
    grader = signed_in(app, school.grader)
    announcement_id = post(grader, school.a.id).get_json()["id"]
    page = f"/announcements/{announcement_id}/edit"

    stranger = signed_in(app, other_grader)          # staff of the class, not the author
    assert stranger.get(page).status_code == 403
    assert stranger.post(f"/announcements/{announcement_id}/delete",
                         data={"csrf_token": csrf_from(stranger, "/account")}).status_code == 403

    token = csrf_from(grader, page)
    saved = grader.post(page, data={"csrf_token": token, "title": "Moved again", "body": "Monday",
                                    "pinned": "y"})
    assert saved.status_code == 302
    db.session.expire_all()
    announcement = db.session.get(Announcement, announcement_id)
    assert (announcement.title, announcement.body, announcement.pinned) == ("Moved again", "Monday", True)

    rules.mark_read(school.members[0], announcement)
    db.session.commit()
    head = signed_in(app, school.head)
    token = csrf_from(head, f"/announcements/{announcement_id}")
    assert head.post(f"/announcements/{announcement_id}/delete", data={"csrf_token": token}).status_code == 302
    db.session.expire_all()
    assert count(Announcement) == 0 and count(AnnouncementRead) == 0
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "announcement.delete"))
    assert entry.actor_id == school.head.id and entry.data["title"] == "Moved again"


def test_markdown_is_sanitised(app, db, school):
    head = signed_in(app, school.head)
    created = post(head, school.a.id, body='<script>alert(1)</script> [x](javascript:alert(2)) **ok**')
    html = created.get_json()["body_html"]
    assert "<script" not in html and "&lt;script&gt;" in html
    assert "javascript:" not in html and "<strong>ok</strong>" in html
    page = signed_in(app, school.members[0]).get(f"/announcements/{created.get_json()['id']}")
    assert "<script>alert(1)" not in page.get_data(as_text=True)


@pytest.mark.parametrize("body", [
    {"title": ""},
    {"title": "   "},
    {"title": "x" * 201},
    {"title": None},
    {"body": "x" * 20_001},
    {"body": 5},
    {"body": None},
    {"title": "nul\u0000"},
    {"body": "nul\u0000 in the body"},
    {"pinned": "yes"},
])
def test_bad_api_input_is_422_and_writes_nothing(app, db, school, body):
    response = post(signed_in(app, school.head), school.a.id, **body)
    assert response.status_code == 422, response.get_json()
    assert count(Announcement) == 0


@pytest.mark.parametrize("form, status", [
    ({"title": "", "body": "Text"}, 200),
    ({"title": "x" * 201, "body": "Text"}, 200),
    ({"title": "Fine", "body": "x" * 20_001}, 200),
    ({"title": "nul\u0000", "body": "Text"}, 422),
])
def test_bad_page_input_shows_errors_and_writes_nothing(app, db, school, form, status):
    head = signed_in(app, school.head)
    page = f"/classes/{school.a.id}/announcements/new"
    response = head.post(page, data={"csrf_token": csrf_from(head, page), **form})
    assert response.status_code == status
    if status == 200:
        assert "field-error" in response.get_data(as_text=True)
    assert count(Announcement) == 0


def test_archived_class_refuses_writes(app, db, school):
    announcement = rules.post_announcement(school.head, school.a, "Before", "Text")
    school.a.status = "archived"
    db.session.commit()
    head = signed_in(app, school.head)
    refused = post(head, school.a.id)
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "class_archived"
    assert head.get(f"/classes/{school.a.id}/announcements/new").status_code == 409
    assert head.get(f"/announcements/{announcement.id}/edit").status_code == 409
    token = csrf_from(head, "/account")
    assert head.post(f"/announcements/{announcement.id}/delete", data={"csrf_token": token}).status_code == 409
    reader = signed_in(app, school.members[0])
    assert reader.post(f"/api/v1/announcements/{announcement.id}/read", headers=reader.headers).status_code == 409
    assert reader.get(f"/announcements/{announcement.id}").status_code == 200  # still readable
    assert count(Announcement) == 1 and count(AnnouncementRead) == 0


def test_pinned_first_then_newest(app, db, clock, school):
    old_pinned = rules.post_announcement(school.head, school.a, "Rules", "", pinned=True)
    clock.advance(hours=1)
    older = rules.post_announcement(school.head, school.a, "Older", "")
    clock.advance(hours=1)
    newer = rules.post_announcement(school.head, school.a, "Newer", "")
    db.session.commit()
    reader = signed_in(app, school.members[0])
    items = reader.get(f"/api/v1/classes/{school.a.id}/announcements").get_json()["items"]
    assert [i["id"] for i in items] == [old_pinned.id, newer.id, older.id]
    page = reader.get(f"/classes/{school.a.id}").get_data(as_text=True)
    assert page.index("Rules") < page.index("Newer") < page.index("Older")


def test_receipts_page_and_unread_export(app, db, make_user, school):
    school.members[1].display_name = "=HYPERLINK(\"x\")"   # a name a spreadsheet would run
    announcement = rules.post_announcement(school.head, school.a, "Read me", "")
    rules.mark_read(school.members[0], announcement)
    rules.mark_read(school.head, announcement)  # staff's own reads are not members' receipts
    db.session.commit()
    head = signed_in(app, school.head)
    page = head.get(f"/announcements/{announcement.id}/receipts").get_data(as_text=True)
    assert "1 of 2 members" in page and school.members[0].username in page

    csv = head.get(f"/announcements/{announcement.id}/unread.csv")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    rows = list(csv_module.reader(io.StringIO(csv.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:2] == ["Username", "Name"]
    assert [r[:2] for r in rows[1:]] == [[school.members[1].username, "'=HYPERLINK(\"x\")"]]

    xlsx = head.get(f"/announcements/{announcement.id}/unread.xlsx")
    rows = list(load_workbook(io.BytesIO(xlsx.data)).active.values)
    assert [r[0] for r in rows[1:]] == [school.members[1].username]
    assert head.get(f"/announcements/{announcement.id}/unread.pdf").status_code == 404


def test_list_query_count_does_not_grow(app, db, make_user, count_queries, school):
    rules.post_announcement(school.head, school.a, "One", "")
    db.session.commit()
    reader = signed_in(app, school.members[0])
    head = signed_in(app, school.head)
    path, class_page = f"/api/v1/classes/{school.a.id}/announcements", f"/classes/{school.a.id}"
    reader.get(path), head.get(class_page)
    with count_queries() as few_api:
        assert reader.get(path).status_code == 200
    with count_queries() as few_page:
        assert head.get(class_page).status_code == 200

    from learnhub.classes.models import Membership
    crowd = [make_user() for _ in range(12)]
    db.session.add_all(Membership(class_id=school.a.id, user_id=u.id, role="member") for u in crowd)
    for n in range(8):
        a = rules.post_announcement(school.head, school.a, f"Notice {n}", f"**{n}**", pinned=n % 3 == 0)
        for user in crowd[:n]:
            rules.mark_read(user, a)
        rules.mark_read(school.members[0], a)
    db.session.commit()
    with count_queries() as many_api:
        items = reader.get(path).get_json()["items"]
    with count_queries() as many_page:
        assert head.get(class_page).status_code == 200
    assert len(items) == 9 and len(many_api) == len(few_api), (few_api, many_api)
    assert len(many_page) == len(few_page), (few_page, many_page)
    receipts_path = f"/api/v1/announcements/{items[0]['id']}/receipts"
    with count_queries() as receipts_queries:
        assert head.get(receipts_path).status_code == 200
    assert len(receipts_queries) <= len(few_api) + 1


def test_edit_keeps_published_time(app, db, clock, school):
    announcement = rules.post_announcement(school.head, school.a, "Title", "Body")
    db.session.commit()
    published = announcement.published_at
    clock.advance(minutes=5)
    rules.update_announcement(school.a, announcement, "New title", "Body", False)
    db.session.commit()
    assert announcement.published_at == published
    assert announcement.updated_at - published == timedelta(minutes=5)


def test_concurrent_reads_make_one_receipt(app, db, school):
    """Eight requests opening it at once (SQLite file or PostgreSQL): one row, no error."""
    from learnhub.auth.models import User
    from tests.support.threads import run_in_threads

    announcement_id = rules.post_announcement(school.head, school.a, "Now", "").id
    user_id = school.members[0].id
    db.session.commit()

    def read():
        receipt = rules.mark_read(db.session.get(User, user_id), rules.get_announcement(announcement_id))
        receipt_id = receipt.id
        db.session.commit()
        return receipt_id

    ids = run_in_threads(app, read)
    assert len(ids) == 8 and len(set(ids)) == 1
    assert count(AnnouncementRead) == 1


# ---- issue 11: bounded Markdown, "edited", lists after text, the preview -----------------------

PATHOLOGICAL_BODIES = ["1. " * 1000, "[" * 19000, ">" * 5000, "- a\n" + "\n".join("    " * d + "- a" for d in range(1, 80))]


@pytest.mark.parametrize("body", PATHOLOGICAL_BODIES, ids=["list markers", "brackets", "quotes", "indented lists"])
def test_a_body_over_the_renderer_bounds_is_refused_by_the_api_and_stored_nowhere(app, db, school, body):
    from tests.support.threads import BOUND, within

    head = signed_in(app, school.head)
    response = within(BOUND, post, head, school.a.id, body=body)
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "invalid_field" and list(error["fields"]) == ["body"]
    assert error["message"].startswith("'body' ")
    assert count(Announcement) == 0


@pytest.mark.parametrize("body", PATHOLOGICAL_BODIES[:2], ids=["list markers", "brackets"])
def test_a_body_over_the_renderer_bounds_is_a_form_error_on_the_pages(app, db, school, body):
    from tests.support.threads import BOUND, within

    announcement = rules.post_announcement(school.head, school.a, "Kept", "Kept text")
    db.session.commit()
    head = signed_in(app, school.head)
    for page in (f"/classes/{school.a.id}/announcements/new", f"/announcements/{announcement.id}/edit"):
        response = within(BOUND, head.post, page, data={"csrf_token": csrf_from(head, page), "title": "New",
                                                        "body": body})
        assert response.status_code == 200 and "flash-error" in response.get_data(as_text=True)
        assert "&#39;body&#39;" in response.get_data(as_text=True)
    db.session.expire_all()
    assert count(Announcement) == 1
    assert (announcement.title, announcement.body) == ("Kept", "Kept text")


def test_a_stored_body_over_the_bounds_shows_escaped_with_a_200(app, db, school):
    """A row written before the check (or straight into the database) breaks no page."""
    from tests.support.threads import BOUND, within

    now = rules.utcnow()
    db.session.add_all([Announcement(class_id=school.a.id, title="Bad list", body="1. " * 1000 + "<b>x</b>",
                                     author_id=school.head.id, published_at=now),
                        Announcement(class_id=school.a.id, title="Bad brackets", body="[" * 19000,
                                     author_id=school.head.id, published_at=now)])
    db.session.commit()
    reader = signed_in(app, school.members[0])
    listed = within(BOUND, reader.get, f"/api/v1/classes/{school.a.id}/announcements")
    assert listed.status_code == 200
    html = {item["title"]: item["body_html"] for item in listed.get_json()["items"]}
    assert html["Bad list"] == "<p>" + "1. " * 999 + "1. &lt;b&gt;x&lt;/b&gt;</p>"
    assert html["Bad brackets"] == "<p>" + "[" * 19000 + "</p>"
    assert within(BOUND, reader.get, f"/classes/{school.a.id}").status_code == 200
    for item in listed.get_json()["items"]:
        page = within(BOUND, reader.get, item["url"])
        assert page.status_code == 200 and item["body_html"] in page.get_data(as_text=True)


def test_a_list_typed_right_under_a_line_renders_as_a_list(app, db, school):
    head = signed_in(app, school.head)
    created = post(head, school.a.id, body="要求：\n1. 准时\n2. 带笔记本\n\n备注：\n- 带笔")
    html = created.get_json()["body_html"]
    assert "<p>要求：</p>\n<ol>\n<li>准时</li>\n<li>带笔记本" in html and "<li>带笔</li>" in html


def test_an_announcement_never_edited_does_not_say_edited(app, db, school):
    """Real clock (no `clock` fixture): posting used to stamp updated_at a few µs after published_at."""
    head = signed_in(app, school.head)
    created = post(head, school.a.id).get_json()
    stored = db.session.get(Announcement, created["id"])
    assert stored.updated_at == stored.published_at
    page = signed_in(app, school.members[0]).get(created["url"]).get_data(as_text=True)
    assert "edited" not in page


def test_edited_shows_after_a_real_edit_only(app, db, clock, school):
    announcement = rules.post_announcement(school.head, school.a, "Title", "Body")
    legacy = Announcement(class_id=school.a.id, title="Old row", body="", author_id=school.head.id,
                          published_at=clock.now, updated_at=clock.now + timedelta(microseconds=40))
    db.session.add(legacy)
    db.session.commit()
    reader = signed_in(app, school.members[0])
    assert "edited" not in reader.get(f"/announcements/{legacy.id}").get_data(as_text=True)
    clock.advance(minutes=5)
    rules.update_announcement(school.a, announcement, "Title", "Body, corrected", False)
    db.session.commit()
    assert rules.edited_at(announcement) == clock.now
    assert "edited" in reader.get(f"/announcements/{announcement.id}").get_data(as_text=True)


def test_preview_shows_the_rendered_text_and_stores_nothing(app, db, school):
    head = signed_in(app, school.head)
    page = f"/classes/{school.a.id}/announcements/new"
    form = {"csrf_token": csrf_from(head, page), "title": "Meeting", "pinned": "y",
            "body": "要求：\n1. 准时\n2. **带笔记本**\n<script>alert(1)</script>", "preview": "Preview"}
    response = head.post(page, data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="announcement-preview"' in html
    assert "<li><strong>带笔记本</strong>" in html and "<script>alert(1)" not in html
    assert 'formaction="/classes/%d/announcements/new#announcement-preview"' % school.a.id in html
    assert "准时" in html.split('id="body"')[1]            # the text stays in the form to go on editing
    assert count(Announcement) == 0

    no_title = head.post(page, data={**form, "title": ""}).get_data(as_text=True)   # the title can wait
    assert 'id="announcement-preview"' in no_title and "field-error" in no_title
    refused = head.post(page, data={**form, "body": "1. " * 1000}).get_data(as_text=True)
    assert 'id="announcement-preview"' not in refused and "&#39;body&#39;" in refused
    assert head.post(page, data={**form, "csrf_token": "forged"}).status_code == 400
    assert count(Announcement) == 0

    published = head.post(page, data={key: value for key, value in form.items() if key != "preview"})
    assert published.status_code == 302 and count(Announcement) == 1


def test_preview_on_the_edit_page_changes_nothing_and_is_staff_only(app, db, school):
    announcement = rules.post_announcement(school.head, school.a, "Title", "Body")
    db.session.commit()
    page = f"/announcements/{announcement.id}/edit"
    head = signed_in(app, school.head)
    response = head.post(page, data={"csrf_token": csrf_from(head, page), "title": "Changed",
                                     "body": "- new", "preview": "Preview"})
    assert response.status_code == 200 and "<li>new</li>" in response.get_data(as_text=True)
    db.session.expire_all()
    assert (announcement.title, announcement.body) == ("Title", "Body")

    member = signed_in(app, school.members[0])
    token = csrf_from(member, "/account")
    for url in (page, f"/classes/{school.a.id}/announcements/new"):
        assert member.post(url, data={"csrf_token": token, "title": "x", "body": "x",
                                      "preview": "Preview"}).status_code == 403
