"""The post boxes (reading.boxes): a kept box serves every reader with the same key and only
them (the relation to the post, moderation, language, the page's window), each reader's own
CSRF token goes into a kept box; the URL patterns are url_for's URLs; the kept boxes are
bounded. And the thread page's reply form (threads.presenters.reply_fields): WTForms' own HTML."""
from __future__ import annotations

import re

import pytest
from flask import url_for
from flask_babel import force_locale
from sqlalchemy import update

from learnhub.core.kept import KEEP_MAX_CHARS, KeptRenders
from learnhub.core.notifications import site_path
from learnhub.discussions.forms import ReplyForm
from learnhub.discussions.models import Post
from learnhub.discussions.reading.boxes import KEPT, UrlPattern
from learnhub.discussions.threads.presenters import reply_fields
from tests.support.discussions import post_id, seed_posts, seed_thread
from tests.support.web import CSRF_INPUT


def _box(html: str, number: int) -> str:
    start = html.index(f'id="post-{number}"')
    return html[start:html.index("</article>", start)]


def test_each_reader_sees_their_own_box_of_the_same_post(world, db):
    """ann's post seen by ann (edit), bob (report), the head (hide), in turn and again: a box
    kept for one reader is never another's."""
    thread = seed_thread(world.ann, class_id=world.class_a.id, title="Whose box")
    seed_posts(thread, [world.ann, world.bob], 3)
    db.session.commit()
    clients = {name: world.client(getattr(world, name)) for name in ("ann", "bob", "head")}
    for _round in range(2):
        for name, client in clients.items():
            box = _box(client.get(f"/threads/{thread.id}").get_data(as_text=True), 2)  # ann's reply
            assert ("Edit post 2" in box) == (name in ("ann", "head"))
            assert ("/report" in box) == (name != "ann")
            assert ("Reason for hiding" in box) == (name == "head")
            live = _box(client.get(f"/threads/{thread.id}/live?after=1").get_json()["html"], 2)  # no actions
            assert ("/edit" in live) == (name == "ann") and ("/report" in live) == (name != "ann")


def test_a_kept_box_carries_the_readers_own_csrf_token(world, db, make_user):
    """Two moderators of a course thread see the same boxes (hide forms), each with their own
    token: the one the rest of their page carries."""
    instructors = [make_user(f"teach{n}", role="instructor") for n in (1, 2)]
    thread = seed_thread(world.ann, course_id=world.course_id, title="Tokens")
    seed_posts(thread, [world.bob], 4)
    db.session.commit()
    tokens = []
    for _round in range(2):
        for user in instructors:
            page = world.client(user).get(f"/threads/{thread.id}").get_data(as_text=True)
            found = set(CSRF_INPUT.findall(page)) | set(re.findall(r'name="csrf_token" value="([^"]+)"', page))
            assert len(found) == 1 and "Reason for hiding" in page, found
            tokens.append(found.pop())
    assert len(set(tokens)) == 4  # a fresh login each time, never a kept one's


def test_the_box_follows_the_language_and_the_window(world, db):
    thread = seed_thread(world.ann, class_id=world.class_a.id, title="Windows")
    seed_posts(thread, [world.bob], 25)
    first = post_id(db, thread, 1)
    db.session.execute(update(Post).where(Post.thread_id == thread.id, Post.number == 3).values(quote_post_id=first))
    db.session.commit()
    bob = world.client(world.bob)
    english = _box(bob.get(f"/threads/{thread.id}?after=0").get_data(as_text=True), 3)
    chinese = _box(bob.get(f"/threads/{thread.id}?after=0", headers={"Accept-Language": "zh-CN"})
                   .get_data(as_text=True), 3)
    assert "Quoting #1" in english and "引用第 1 楼" in chinese
    assert 'href="#post-1"' in english  # post 1 is on this page
    later = _box(bob.get(f"/threads/{thread.id}?after=2").get_data(as_text=True), 3)
    assert f'href="/posts/{first}"' in later  # post 1 is not: its link
    assert f"after=0&amp;quote={post_id(db, thread, 3)}" in english
    assert f"after=2&amp;quote={post_id(db, thread, 3)}" in later


def test_url_patterns_are_url_fors_urls(app):
    with app.test_request_context("/", base_url="http://localhost/lh/"):
        quote = UrlPattern("discussions.thread", ("after", "quote"), thread_id=12, _anchor="reply")
        for after, post in ((0, 1), (19, 2_147_483_647), (5, 40)):
            assert quote(after, post) == url_for("discussions.thread", thread_id=12, after=after, quote=post,
                                                 _anchor="reply")
        assert quote(0, 1).startswith("/lh/threads/12?")
        edit = UrlPattern("discussions.edit_post", ("post_id",))
        assert edit(77) == url_for("discussions.edit_post", post_id=77)
        api_link = UrlPattern("discussions.goto_post", ("post_id",), build=site_path)  # the API's: no mount point
        assert api_link(77) == site_path("discussions.goto_post", post_id=77) == "/posts/77"
        with pytest.raises(ValueError):
            edit("7 or 1")  # digits only: nothing of a value is left unquoted


def test_kept_boxes_drop_the_least_recently_used():
    kept = KeptRenders(size=2)
    kept.put("a", "A")
    kept.put("b", "B")
    assert kept.get("a") == "A"  # now b is the oldest
    kept.put("c", "C")
    assert (kept.get("a"), kept.get("b"), kept.get("c")) == ("A", None, "C")


def test_a_long_box_is_rendered_each_time_not_kept(world, db):
    thread = seed_thread(world.ann, class_id=world.class_a.id, title="Long", body="short " * 10)
    seed_posts(thread, [world.bob], 1, body="long " * (KEEP_MAX_CHARS // 4))
    db.session.commit()
    bob = world.client(world.bob)
    kept = len(KEPT)
    pages = [bob.get(f"/threads/{thread.id}?after=0").get_data(as_text=True) for _ in range(2)]
    assert len(KEPT) == min(kept + 1, 512)  # post 1's box only
    # The token is timestamped, so two requests a second apart differ there only.
    boxes = [re.sub(r'name="csrf_token" value="[^"]+"', "TOKEN", _box(page, 2)) for page in pages]
    assert boxes[0] == boxes[1] and "long long" in boxes[1] and "TOKEN" in boxes[1]


def test_the_reply_fields_are_wtforms_own(app):
    """A blank form's text box and button are kept per language; what they are is what
    WTForms renders, and a refused form shows its own text and errors."""
    module = app.jinja_env.get_template("discussions/_reply_fields.html").module
    for locale in ("en", "zh_CN"):
        with app.test_request_context("/threads/1"), force_locale(locale):
            form = ReplyForm()
            assert reply_fields(form) == module.reply_fields(form)
            assert reply_fields(ReplyForm()) == module.reply_fields(form)  # kept, the same
    with app.test_request_context("/threads/1", method="POST", data={"body": "x" * 20_001}):
        refused = ReplyForm()
        assert not refused.validate()
        html = reply_fields(refused)
        assert 'aria-invalid="true"' in html and "x" * 20_001 in html


def test_the_reply_forms_hidden_inputs_are_its_hidden_fields(world, db, app):
    """thread.html writes the reply form's hidden inputs itself: they must be the form's."""
    thread = seed_thread(world.ann, class_id=world.class_a.id, title="Hidden fields")
    db.session.commit()
    page = world.client(world.bob).get(f"/threads/{thread.id}?quote={post_id(db, thread, 1)}").get_data(as_text=True)
    form_html = page[page.index('<section class="reply-box"'):]
    written = re.findall(r'<input id="(\w+)" name="\1" type="hidden" value="[^"]*">', form_html)
    with app.test_request_context():
        hidden = [field.name for field in ReplyForm() if getattr(field.widget, "input_type", None) == "hidden"]
    assert written == hidden
    assert f'name="quote" type="hidden" value="{post_id(db, thread, 1)}"' in form_html
