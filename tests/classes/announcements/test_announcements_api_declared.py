"""The announcements API as declared (api/announcements.py): keyset pages, pinned first then
newest, that neither repeat nor skip one posted before the cursor; what the model refuses."""
from __future__ import annotations

from learnhub.classes.announcements.models import Announcement
from tests.support.factories import announce, count
from tests.support.web import signed_in


def test_announcements_are_paged_pinned_first_then_newest(app, db, make_class, make_user, clock):
    member = make_user()
    school_class = make_class(members=[member])
    announce(school_class, "Rules", pinned=True)
    for title in ("Old", "Middle", "New"):
        clock.advance(minutes=1)
        announce(school_class, title)
    db.session.commit()
    client = signed_in(app, member)
    url = f"/api/v1/classes/{school_class.id}/announcements?limit=2"
    first = client.get(url).get_json()
    assert [i["title"] for i in first["items"]] == ["Rules", "New"] and first["next"]
    assert first["items"][1]["published_at"].endswith("Z") and first["items"][1]["read_at"] is None
    clock.advance(minutes=1)
    announce(school_class, "Newest")  # before the cursor: neither repeated nor skipping one
    db.session.commit()
    rest = client.get(f"{url}&cursor={first['next']}").get_json()
    assert [i["title"] for i in rest["items"]] == ["Middle", "Old"] and rest["next"] is None
    assert client.get(f"{url}&cursor=garbage!").status_code == 400
    assert client.get(f"/api/v1/classes/{school_class.id}/announcements?limit=0").status_code == 400


def test_a_bad_announcement_names_every_field_at_fault(app, db, make_class):
    school_class = make_class()
    head = signed_in(app, school_class.head)
    response = head.post(f"/api/v1/classes/{school_class.id}/announcements", headers=head.headers,
                         json={"title": "   ", "body": 5, "pinned": "yes"})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid_field" and set(error["fields"]) == {"title", "body", "pinned"}
    missing = head.post(f"/api/v1/classes/{school_class.id}/announcements", headers=head.headers,
                        json={"title": "T"})
    assert set(missing.get_json()["error"]["fields"]) == {"body"}
    assert count(Announcement) == 0
    posted = head.post(f"/api/v1/classes/{school_class.id}/announcements", headers=head.headers,
                       json={"title": "T", "body": ""})
    assert posted.status_code == 201 and posted.get_json()["pinned"] is False
