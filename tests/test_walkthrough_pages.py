"""What a head teacher's walk through the pages found (issue 11): a member's record offers the
password reset, which ends the member's sessions, as a secondary button, not as the page's
main action over the record form."""
from __future__ import annotations

import re

from .conftest import login


def test_the_password_reset_is_not_the_records_main_button(client, make_class, make_user, db):
    member = make_user("calm")
    school_class = make_class(members=[member])
    assert login(client, school_class.head.username).status_code == 302
    page = client.get(f"/classes/{school_class.id}/members/calm").get_data(as_text=True)
    form = re.search(r'<form[^>]*action="[^"]*/members/calm/password".*?</form>', page, re.S).group(0)
    assert re.search(r'<button type="submit" class="button secondary">', form), form
