"""Who sees what on the thread pages, keyset paging of posts, opening at the first unread
post, the XSS corpus on the rendered page, and the thread page's constant statement count."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import select, update

from learnhub.discussions.models import Post, ThreadUser
from learnhub.discussions.posting import services as posting
from learnhub.discussions.queries import PAGE_SIZE
from tests.support.discussions import seed_posts, seed_thread
from tests.support.orm_loads import orm_loads


def _post_id(db, thread, number):
    return db.session.scalar(select(Post.id).where(Post.thread_id == thread.id, Post.number == number))


def _numbers(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<article class="post[^"]*"\s+id="post-(\d+)"', html)]


def test_class_b_threads_are_404_to_class_a(forum, db):
    thread = seed_thread(forum.outsider, class_id=forum.other_class.id, title="Class B only")
    post_id = _post_id(db, thread, 1)
    db.session.commit()
    member = forum.client(forum.member)
    klass = forum.other_class.id
    for url in (f"/classes/{klass}/threads", f"/classes/{klass}/threads/new", f"/threads/{thread.id}",
                f"/posts/{post_id}", f"/posts/{post_id}/edit", f"/posts/{post_id}/history"):
        response = member.get(url)
        assert response.status_code == 404, url
        assert "Class B only" not in response.get_data(as_text=True)
    for url in (f"/threads/{thread.id}/posts", f"/posts/{post_id}/delete", f"/posts/{post_id}/accept",
                f"/classes/{klass}/threads/new"):
        response = forum.post_form(member, "/account", url, {"body": "x", "title": "x"})
        assert response.status_code == 404, url
    assert db.session.scalar(select(Post.body).where(Post.id == post_id)) == "First post"
    assert forum.client(forum.outsider).get(f"/threads/{thread.id}").status_code == 200


def test_hidden_post_shown_as_hidden_to_members_and_with_text_to_moderators(forum, db):
    thread = seed_thread(forum.member, class_id=forum.klass.id)
    seed_posts(thread, [forum.reader], 1, body="Rude words")
    db.session.execute(update(Post).where(Post.number == 2, Post.thread_id == thread.id)
                       .values(hidden=True, hidden_reason="Off topic"))
    db.session.commit()
    member_page = forum.client(forum.member).get(f"/threads/{thread.id}").get_data(as_text=True)
    assert "Rude words" not in member_page and "Off topic" not in member_page
    assert "hidden by a moderator" in member_page
    head_page = forum.client(forum.head).get(f"/threads/{thread.id}").get_data(as_text=True)
    assert "Rude words" in head_page and "Off topic" in head_page


def test_posts_page_by_keyset_earlier_and_later(forum, db):
    thread = seed_thread(forum.member, course_id=forum.course.course_id)
    seed_posts(thread, [forum.reader], 2 * PAGE_SIZE + 4)  # 45 posts
    db.session.commit()
    client = forum.client(forum.instructor)
    first = client.get(f"/threads/{thread.id}").get_data(as_text=True)  # a first visit: from post 1
    assert _numbers(first) == list(range(1, PAGE_SIZE + 1))
    later = re.search(r'href="([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
    second = client.get(later).get_data(as_text=True)
    assert _numbers(second) == list(range(PAGE_SIZE + 1, 2 * PAGE_SIZE + 1))
    earlier = re.search(r'href="([^"]+)" rel="prev"', second).group(1).replace("&amp;", "&")
    assert _numbers(client.get(earlier).get_data(as_text=True)) == list(range(1, PAGE_SIZE + 1))
    last = client.get(f"/threads/{thread.id}?after={2 * PAGE_SIZE}").get_data(as_text=True)
    assert _numbers(last) == [41, 42, 43, 44, 45] and 'rel="next"' not in last
    for bad in ("after=-1", "after=x", "before=1e3", "after=" + "9" * 30):
        assert client.get(f"/threads/{thread.id}?{bad}").status_code == 400, bad


def test_returning_reader_opens_at_the_first_unread_post(forum, db):
    thread = seed_thread(forum.member, course_id=forum.course.course_id)
    seed_posts(thread, [forum.member], 99)  # 100 posts
    db.session.add(ThreadUser(user_id=forum.reader.id, thread_id=thread.id, last_read_number=57))
    db.session.commit()
    reader = forum.client(forum.reader)
    page = reader.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert _numbers(page)[0] == 58 and "New since your last visit" in page
    assert 'rel="prev"' in page
    db.session.expire_all()
    assert db.session.get(ThreadUser, (forum.reader.id, thread.id)).last_read_number == 57 + PAGE_SIZE
    # Having read it all, the reader opens at the thread's last page.
    db.session.execute(update(ThreadUser).values(last_read_number=100))
    db.session.commit()
    assert _numbers(reader.get(f"/threads/{thread.id}").get_data(as_text=True)) == list(range(81, 101))


XSS = ["<script>alert('x')</script>", "[click](javascript:alert(1))", '<img src="x" onerror="alert(1)">',
       "<svg onload=alert(1)></svg>", '<iframe src="https://evil.example"></iframe>',
       '"><script>alert(1)</script>', "<style>body{display:none}</style>", "[x][e]\n\n[e]: javascript:alert(1)"]


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def _assert_inert(html: str) -> None:
    parser = _Elements()
    parser.feed(html)
    for tag, attrs in parser.found:
        assert tag not in {"iframe", "style", "object", "embed"}, tag  # (the layout has its own svg icons)
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        assert "javascript:" not in (attrs.get("href") or "").lower(), attrs
        if tag == "script":
            assert attrs.get("src", "").startswith("/static/"), attrs  # only the app's own scripts


@pytest.mark.parametrize("payload", XSS)
def test_xss_in_titles_posts_and_quotes_is_inert(forum, db, payload):
    thread, _ = posting.create_thread(forum.member, forum.course, payload[:200], payload)
    first = _post_id(db, thread, 1)
    posting.reply(forum.reader, thread, payload, quote_post_id=first)
    db.session.commit()
    client = forum.client(forum.instructor)
    for url in (f"/threads/{thread.id}", f"/threads/{thread.id}?quote={first}", "/courses/party-building-online/threads",
                f"/posts/{first}/edit", f"/posts/{first}/history"):
        html = client.get(url).get_data(as_text=True)
        _assert_inert(html)


# The page's own statements (the login's and the layout's are theirs): the thread with its class
# and the reader's place, the reader's role in the class, the posts, the reading recorded.
_THREAD_PAGE_TABLES = re.compile(r"\b(threads|thread_users|posts|class_memberships|classes)\b")


@pytest.mark.parametrize("viewer", ["reader", "head"])
def test_thread_page_statements_do_not_grow_with_the_posts(forum, db, count_queries, viewer):
    """10 posts or 1,000 (quotes, edits, a hidden and a deleted post among them), the thread
    page issues the same statements, whether opened from the start or at the first unread:
    four of its own for a class thread (the thread, its class and the reader's place in one)."""
    counts = []
    for size in (10, 1000):
        thread = seed_thread(forum.member, class_id=forum.klass.id)
        seed_posts(thread, [forum.member, forum.reader, forum.head], size - 1)
        first = _post_id(db, thread, 1)
        db.session.execute(update(Post).where(Post.thread_id == thread.id, Post.number.in_([3, 6]))
                           .values(quote_post_id=first, edited_at=Post.created_at))
        db.session.execute(update(Post).where(Post.thread_id == thread.id, Post.number == 4).values(hidden=True))
        db.session.execute(update(Post).where(Post.thread_id == thread.id, Post.number == 5)
                           .values(deleted_at=Post.created_at))
        db.session.commit()
        url = f"/threads/{thread.id}"
        client = forum.client(getattr(forum, viewer))
        client.get(url)  # warm: the first visit creates the reader's place
        db.session.execute(update(ThreadUser).where(ThreadUser.thread_id == thread.id).values(last_read_number=2))
        db.session.commit()
        with count_queries() as statements:
            assert client.get(url).status_code == 200
        counts.append(len(statements))
        own = [s for s in statements if _THREAD_PAGE_TABLES.search(s)]
        assert len(own) == 4, own
    assert counts[0] == counts[1], counts


def test_the_live_poll_reads_the_thread_with_its_class_in_one_statement(forum, db, count_queries):
    """A class thread's poll: the thread and its class, the reader's role, the new posts."""
    thread = seed_thread(forum.member, class_id=forum.klass.id)
    seed_posts(thread, [forum.member, forum.head], 8)
    db.session.commit()
    url = f"/threads/{thread.id}/live?after=3"
    client = forum.client(forum.reader)
    with count_queries() as statements:
        answer = client.get(url)
    assert answer.status_code == 200 and _numbers(answer.get_json()["html"]) == [4, 5, 6, 7, 8, 9]
    own = [s for s in statements if _THREAD_PAGE_TABLES.search(s)]
    assert len(own) == 3, own
    with count_queries() as statements:  # unchanged: a 304 without the posts
        assert client.get(url, headers={"If-None-Match": answer.headers["ETag"]}).status_code == 304
    assert len([s for s in statements if _THREAD_PAGE_TABLES.search(s)]) == 2


@pytest.mark.parametrize("place", ["class", "course"])
def test_reading_paths_load_no_orm_object(forum, db, place):
    """The thread page, its live poll (200 and 304) and the API's GET read plain rows: the
    thread, its class, the reader's place and the posts (quotes and a hidden post among them)."""
    where = {"class_id": forum.klass.id} if place == "class" else {"course_id": forum.course.course_id}
    thread = seed_thread(forum.member, **where)
    seed_posts(thread, [forum.member, forum.reader], 6)
    db.session.execute(update(Post).where(Post.thread_id == thread.id, Post.number == 3)
                       .values(quote_post_id=_post_id(db, thread, 1)))
    db.session.execute(update(Post).where(Post.thread_id == thread.id, Post.number == 4).values(hidden=True))
    db.session.commit()
    urls = [f"/threads/{thread.id}", f"/threads/{thread.id}", f"/threads/{thread.id}/live?after=2",
            f"/api/v1/threads/{thread.id}"]
    client = forum.client(forum.reader)
    with orm_loads() as loaded:
        answers = [client.get(url) for url in urls]
        etag = answers[2].headers["ETag"]
        answers.append(client.get(urls[2], headers={"If-None-Match": etag}))
    assert [a.status_code for a in answers] == [200, 200, 200, 200, 304]
    assert loaded == []


def test_reading_a_thread_again_with_nothing_new_writes_nothing(forum, db, count_queries):
    thread = seed_thread(forum.member, class_id=forum.klass.id)
    seed_posts(thread, [forum.member, forum.reader], 5)
    db.session.commit()
    client = forum.client(forum.reader)
    client.get(f"/threads/{thread.id}")  # the first visit records the place
    writes = ("INSERT", "UPDATE", "DELETE")
    with count_queries() as statements:
        assert client.get(f"/threads/{thread.id}").status_code == 200
    assert [s for s in statements if s.lstrip().upper().startswith(writes)] == []
    seed_posts(thread, [forum.member], 1)
    db.session.commit()
    with count_queries() as statements:
        assert client.get(f"/threads/{thread.id}").status_code == 200
    assert len([s for s in statements if s.lstrip().upper().startswith(writes)]) == 1  # the new place
    assert db.session.scalar(select(ThreadUser.last_read_number).where(
        ThreadUser.thread_id == thread.id, ThreadUser.user_id == forum.reader.id)) == 7
