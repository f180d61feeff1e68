"""Labels people read: the time zone by its everyday name, and what staff with no class can do."""
from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale, gettext

from learnhub.core.times import zone_label
from tests.support.i18n import CATALOG
from tests.support.web import login

EXPLAINS_A_CLASS = "A class brings members together for a term"


@pytest.mark.parametrize("zone", [None, "Asia/Shanghai", ZoneInfo("Asia/Shanghai"), "PRC"])
def test_the_site_zone_is_beijing_time_in_english(app, zone):
    with app.test_request_context(), force_locale("en"):
        assert zone_label(zone) == "Beijing time"


def test_the_site_zone_is_named_in_chinese_too(app):
    with app.test_request_context(), force_locale("zh_CN"):
        label = zone_label()
        assert label == gettext("Beijing time") and "Asia/" not in label
    # Once the lead merges this helper's strings into the catalog, the name is 北京时间.
    if any(m.id == "Beijing time" and m.string for m in read_po(CATALOG.open("rb"))):
        assert label == "北京时间"


def test_an_unfamiliar_zone_keeps_its_own_name(app):
    with app.test_request_context(), force_locale("zh_CN"):
        assert zone_label("Europe/Paris") == "Europe/Paris"
        assert zone_label(ZoneInfo("America/New_York")) == "America/New_York"


def test_pages_label_times_beijing_time_not_the_zone_id(app, client, make_user, make_class):
    head = make_user(role="staff")
    school_class = make_class(head=head)
    assert login(client, head.username).status_code == 302
    for url in (f"/classes/{school_class.id}/exams", f"/classes/{school_class.id}/sessions/new"):
        page = client.get(url, headers={"Accept-Language": "en"}).get_data(as_text=True)
        assert "All times are in Beijing time." in page, url
        assert "Asia/Shanghai" not in page, url


def page(client, url: str) -> str:
    response = client.get(url, headers={"Accept-Language": "en"})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_staff_with_no_class_are_shown_how_to_create_one(client, login_as):
    login_as("staff")
    home = page(client, "/")
    assert 'id="home-start-a-class"' in home and EXPLAINS_A_CLASS in home
    assert 'href="/classes/new">Create a class</a>' in home
    assert "You have not started a course yet" not in home
    assert "lists the courses a class can study" in home
    classes = page(client, "/classes")
    assert EXPLAINS_A_CLASS in classes and 'href="/classes/new"' in classes
    assert "You are not in any class yet" not in classes


def test_a_member_with_no_class_is_not_offered_to_create_one(client, login_as):
    login_as("member")
    home = page(client, "/")
    assert 'id="home-start-a-class"' not in home and "/classes/new" not in home
    assert EXPLAINS_A_CLASS not in home
    assert "You have not started a course yet" in home
    classes = page(client, "/classes")
    assert "You are not in any class yet" in classes and "/classes/new" not in classes


def test_staff_who_run_a_class_see_it_not_the_invitation(app, client, make_user, make_class):
    head = make_user(role="staff")
    make_class(head=head, name="Autumn activists")
    assert login(client, head.username).status_code == 302
    home = page(client, "/")
    assert 'id="home-classes-i-run"' in home and "Autumn activists" in home
    assert 'id="home-start-a-class"' not in home
