"""The unit page's discussion panel on its fast path: its threads are thread_list's first
page for the unit (one statement, no ORM rows), and its ask box keeps the form's fields, in
the reader's language, with a fresh idempotency key each time."""
from __future__ import annotations

import re

from sqlalchemy import update

from learnhub.discussions.forms import NewThreadForm
from learnhub.discussions.models import BODY_MAX, TITLE_MAX, Post, Thread, ThreadUser
from learnhub.discussions.places import Place
from learnhub.discussions.queries import thread_list
from learnhub.discussions.reading.panels import PANEL_SIZE, unit_threads
from tests.support.discussions import seed_posts, seed_thread


def test_unit_threads_are_thread_lists_first_page_of_the_unit(app, world, db):
    on_unit = [seed_thread(world.ann, course_id=world.course_id, unit_id=world.first_id, title=f"T{n}",
                           kind="question" if n % 2 else "discussion") for n in range(7)]
    seed_thread(world.ann, course_id=world.course_id, unit_id=world.second_id, title="Other unit")
    seed_thread(world.ann, course_id=world.course_id, title="Whole course")
    pinned, hidden, answered, read, partly = on_unit[0], on_unit[6], on_unit[3], on_unit[4], on_unit[5]
    seed_posts(answered, [world.head], 1)
    seed_posts(partly, [world.head], 2)
    db.session.execute(update(Thread).where(Thread.id == pinned.id).values(pinned=True))
    db.session.execute(update(Thread).where(Thread.id == hidden.id).values(hidden=True))
    db.session.execute(update(Post).where(Post.thread_id == answered.id, Post.number == 2).values(accepted=True))
    db.session.add_all([ThreadUser(user_id=world.bob.id, thread_id=read.id, last_read_number=1),
                        ThreadUser(user_id=world.bob.id, thread_id=partly.id, last_read_number=1)])
    db.session.commit()
    place = Place(course_id=world.course_id, unit_id=world.first_id)
    with app.test_request_context():
        for viewer in (world.bob, world.ann):
            fast = unit_threads(viewer, world.course_id, world.first_id)
            assert fast == thread_list(viewer, place, limit=PANEL_SIZE).items
            assert len(fast) == PANEL_SIZE and fast[0].id == pinned.id
            assert hidden.id not in {row.id for row in fast}
        rows = {row.id: row for row in unit_threads(world.bob, world.course_id, world.first_id, limit=10)}
        assert set(rows) == {t.id for t in on_unit} - {hidden.id}
        assert rows[answered.id].answered and not rows[read.id].unread and rows[partly.id].new_posts == 2
        assert [row.title for row in unit_threads(world.bob, world.course_id, world.second_id)] == ["Other unit"]


def _ask_box(html: str) -> str:
    return html[html.index('class="ask-box"'):html.index("</form>", html.index('class="ask-box"'))]


def _key(html: str) -> str:
    return re.search(r'name="client_key" type="hidden" value="([0-9a-f]+)"', html).group(1)


def test_the_ask_box_keeps_the_forms_fields_in_the_readers_language(app, world):
    bob = world.client(world.bob)
    english = [_ask_box(bob.get("/courses/rc/first").get_data(as_text=True)) for _ in range(2)]
    chinese = _ask_box(bob.get("/courses/rc/first", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
                       .get_data(as_text=True))
    again = _ask_box(bob.get("/courses/rc/first").get_data(as_text=True))
    assert '<label for="title">Title</label>' in english[0] and '<label for="body">Text</label>' in english[0]
    assert '<label for="title">标题</label>' in chinese and '<label for="body">正文</label>' in chinese
    assert "就本单元提问" in chinese and "标题" not in again and '<label for="title">Title</label>' in again
    for box in (*english, chinese):
        assert f'maxlength="{TITLE_MAX}" name="title" required' in box
        assert f'maxlength="{BODY_MAX}" name="body" required' in box and 'id="body-hint"' in box
    keys = {_key(box) for box in (*english, chinese, again)}
    assert len(keys) == 4  # a new idempotency key on every page, never the cached one
    with app.test_request_context():
        form = NewThreadForm(formdata=None)
        assert str(form.title()) in english[0] and str(form.body(**{"aria-describedby": "body-hint"})) in english[0]
