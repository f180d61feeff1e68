"""What a head teacher's walk through the pages found (issue 11): a member's record offers the
password reset, which ends the member's sessions, as a secondary button, not as the page's
main action over the record form."""
from __future__ import annotations

import re

from tests.support.web import login


def test_the_password_reset_is_not_the_records_main_button(client, make_class, make_user, db):
    member = make_user("calm")
    school_class = make_class(members=[member])
    assert login(client, school_class.head.username).status_code == 302
    page = client.get(f"/classes/{school_class.id}/members/calm").get_data(as_text=True)
    form = re.search(r'<form[^>]*action="[^"]*/members/calm/password".*?</form>', page, re.S).group(0)
    assert re.search(r'<button type="submit" class="button secondary">', form), form


def test_a_fields_hint_is_shown_and_tied_to_its_input(client, make_class, db):
    """Forms wrote hints (what an empty username does, the code's pattern) that no page showed."""
    school_class = make_class()
    assert login(client, school_class.head.username).status_code == 302
    page = client.get(f"/classes/{school_class.id}/roster/add").get_data(as_text=True)
    assert re.search(r'<input[^>]*aria-describedby="username-hint"[^>]*id="username"', page) or \
        re.search(r'<input[^>]*id="username"[^>]*aria-describedby="username-hint"', page), page
    assert re.search(r'<p class="hint" id="username-hint">[^<]+</p>', page)
    errors = client.post(f"/classes/{school_class.id}/roster/add",
                         data={"csrf_token": re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
                               .group(1), "display_name": "", "username": ""}).get_data(as_text=True)
    assert 'aria-describedby="display_name-error"' in errors and 'id="username-hint"' in errors


def test_the_announcement_form_shows_its_markdown_hint_once(client, make_class, db):
    school_class = make_class()
    assert login(client, school_class.head.username).status_code == 302
    page = client.get(f"/classes/{school_class.id}/announcements/new").get_data(as_text=True)
    assert page.count('id="body-hint"') == 1 and 'aria-describedby="body-hint"' in page
