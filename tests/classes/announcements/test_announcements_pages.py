"""The class's announcements list page paged by keyset (`?after=`, pinned first then newest):
one posted between two pages neither repeats nor skips a row; the class page's panel shows
the first page and goes on to the list; the query count does not grow."""
from __future__ import annotations

import re

from learnhub.classes.announcements import services as rules
from tests.support.pages import next_link
from tests.support.web import signed_in

TITLE = re.compile(r">(?:<strong>)?(Notice \d+)<")


def titles(page: str) -> list[str]:
    return TITLE.findall(page)


def post_notices(db, clock, school_class, numbers, pinned=False):
    for n in numbers:
        clock.advance(minutes=1)
        rules.post_announcement(school_class.head, school_class, f"Notice {n}", "", pinned=pinned)
    db.session.commit()


def test_one_posted_between_two_pages_neither_repeats_nor_skips_a_row(app, db, clock, make_user, make_class):
    member = make_user()
    school_class = make_class(members=[member])
    post_notices(db, clock, school_class, range(5))
    reader = signed_in(app, member)
    first = reader.get(f"/classes/{school_class.id}/announcements?limit=2").get_data(as_text=True)
    assert titles(first) == ["Notice 4", "Notice 3"]
    post_notices(db, clock, school_class, [5])            # newest: before the cursor
    post_notices(db, clock, school_class, [6], pinned=True)  # pinned: first of all
    second = reader.get(next_link(first)).get_data(as_text=True)
    assert titles(second) == ["Notice 2", "Notice 1"] and "limit=2" in next_link(second)
    last = reader.get(next_link(second)).get_data(as_text=True)
    assert titles(last) == ["Notice 0"] and next_link(last) is None and "First page" in last
    again = reader.get(f"/classes/{school_class.id}/announcements?limit=2").get_data(as_text=True)
    assert titles(again) == ["Notice 6", "Notice 5"]


def test_the_class_page_shows_the_first_page_and_goes_on_to_the_list(app, db, clock, make_user, make_class):
    member, outsider = make_user(), make_user()
    school_class = make_class(members=[member])
    post_notices(db, clock, school_class, range(22))
    reader = signed_in(app, member)
    overview = reader.get(f"/classes/{school_class.id}").get_data(as_text=True)
    assert titles(overview) == [f"Notice {n}" for n in range(21, 1, -1)]
    rest = reader.get(next_link(overview)).get_data(as_text=True)
    assert titles(rest) == ["Notice 1", "Notice 0"] and next_link(rest) is None
    assert signed_in(app, outsider).get(f"/classes/{school_class.id}/announcements").status_code == 404
    assert reader.get(f"/classes/{school_class.id}/announcements?after=nonsense").status_code == 400


def test_the_list_page_query_count_does_not_grow(app, db, clock, make_user, make_class, count_queries):
    member = make_user()
    school_class = make_class(members=[member])
    post_notices(db, clock, school_class, range(2))
    reader = signed_in(app, member)
    path = f"/classes/{school_class.id}/announcements"
    reader.get(path)
    with count_queries() as few:
        assert reader.get(path).status_code == 200
    post_notices(db, clock, school_class, range(2, 30))
    rules.mark_read(member, rules.announcements_for(member, school_class)[3].announcement)
    db.session.commit()
    reader.get(path)  # the sign-in's last-seen write after the clock moved, as before `few`
    with count_queries() as many:
        page = reader.get(path).get_data(as_text=True)
    assert len(titles(page)) == 20 and next_link(page)
    assert len(many) == len(few), "\n".join(s[:90] for s in many)
