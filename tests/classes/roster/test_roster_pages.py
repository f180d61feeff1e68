"""The roster page paged by keyset (`?after=`): a member added before the cursor neither
repeats nor skips a row, the filters and sort survive the "next" link, the exports hold
every row, and the query count does not grow with the page."""
from __future__ import annotations

import csv
import io

from openpyxl import load_workbook
from sqlalchemy import select

from learnhub.auth.models import User
from learnhub.classes.models import Membership
from tests.support.factories import enrol
from tests.support.pages import next_link
from tests.support.web import api_login


def shown(page: str, usernames) -> list[str]:
    """The usernames of `usernames` on the page, in the page's order."""
    # By the link's place: a bare "u2" may also stand in a random token (CSRF, nonce) above it.
    return sorted((name for name in usernames if f">{name}</a>" in page), key=lambda name: page.index(f">{name}</a>"))


def test_a_member_added_before_the_cursor_neither_repeats_nor_skips_a_row(client, db, make_class, make_user):
    names = [f"m{n:02d}" for n in range(0, 10, 2)]  # m00, m02 ... m08
    school_class = make_class(members=[make_user(name) for name in names])
    api_login(client, school_class.head)
    first = client.get(f"/classes/{school_class.id}/roster?role=member&limit=3").get_data(as_text=True)
    assert shown(first, names) == ["m00", "m02", "m04"]
    enrol(school_class, make_user("m01"))  # sorts before the cursor (m04)
    db.session.commit()
    rest = client.get(next_link(first)).get_data(as_text=True)
    assert shown(rest, [*names, "m01"]) == ["m06", "m08"] and next_link(rest) is None
    assert 'rel="next"' not in rest and "First page" in rest


def test_filters_and_sort_survive_the_next_link(client, db, make_class, make_user):
    school_class = make_class(members=[make_user(f"u{n}") for n in range(6)])
    for membership in db.session.scalars(select(Membership).where(Membership.class_id == school_class.id,
                                                                      Membership.role == "member")):
        membership.department = "North" if membership.user_id % 2 else "South"
        membership.stage = "activist"
    db.session.commit()
    north = sorted(db.session.scalars(select(User.username).join(Membership, Membership.user_id == User.id).where(
        Membership.class_id == school_class.id, Membership.department == "North")), reverse=True)
    api_login(client, school_class.head)
    first = client.get(f"/classes/{school_class.id}/roster",
                       query_string={"q": "u", "stage": "activist", "department": "North",
                                     "sort": "-username", "limit": 2}).get_data(as_text=True)
    link = next_link(first)
    for part in ("q=u", "stage=activist", "department=North", "sort=-username", "limit=2", "after="):
        assert part in link, (part, link)
    pages, page = [first], first
    while next_link(page):
        page = client.get(next_link(page)).get_data(as_text=True)
        pages.append(page)
    every = [name for page in pages for name in shown(page, [f"u{n}" for n in range(6)])]
    assert every == north and len(pages) == 2
    assert "1–2 of 3" in first and "3–3 of 3" in pages[1]


def test_a_cursor_of_another_sort_is_refused(client, make_class, make_user):
    school_class = make_class(members=[make_user() for _ in range(3)])
    api_login(client, school_class.head)
    first = client.get(f"/classes/{school_class.id}/roster?limit=1&sort=-username").get_data(as_text=True)
    cursor = next_link(first).split("after=")[1]
    assert client.get(f"/classes/{school_class.id}/roster?limit=1&sort=username&after={cursor}").status_code == 400


def test_the_exports_hold_every_row_whatever_the_page(client, make_class, make_user):
    school_class = make_class(members=[make_user(f"x{n:03d}") for n in range(105)])
    api_login(client, school_class.head)
    page = client.get(f"/classes/{school_class.id}/roster?role=member").get_data(as_text=True)
    assert len(shown(page, [f"x{n:03d}" for n in range(105)])) == 100 and next_link(page)
    after = next_link(page).split("after=")[1]
    exported = client.get(f"/classes/{school_class.id}/roster.csv?role=member&after={after}&limit=1")
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    assert [row[0] for row in rows[1:]] == [f"x{n:03d}" for n in range(105)]
    xlsx = client.get(f"/classes/{school_class.id}/roster.xlsx?role=member&after={after}")
    assert len(list(load_workbook(io.BytesIO(xlsx.data)).active.values)) == 106
