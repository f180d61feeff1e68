"""Discussion objects for tests, written straight to the tables (fast, and independent of the
posting service under test): `seed_thread` and `seed_posts`, and the authorization matrix's
objects (`matrix_discussions`). Tests of the rules go through the services or the HTTP API."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import insert

from learnhub.core.markdown import render_member_markdown
from learnhub.core.types import utcnow
from learnhub.courses.models import Course, Unit
from learnhub.discussions.models import Post, PostReport, Thread
from learnhub.discussions.search.tokens import search_text
from learnhub.extensions import db


def seed_thread(author, *, course_id=None, unit_id=None, class_id=None, title="A thread",
                body="First post", kind="discussion") -> Thread:
    """A thread with its first post (number 1), flushed."""
    now = utcnow()
    thread = Thread(course_id=course_id, unit_id=unit_id, class_id=class_id, author_id=author.id, kind=kind,
                    title=title, highest_number=1, replies_count=0, created_at=now, last_posted_at=now,
                    last_poster_id=author.id)
    db.session.add(thread)
    db.session.flush()
    db.session.add(Post(thread_id=thread.id, number=1, author_id=author.id, body=body,
                        body_html=render_member_markdown(body), excerpt=body[:200], created_at=now,
                        search_text=search_text(title, body)))
    db.session.flush()
    return thread


def seed_posts(thread: Thread, authors, count: int, body="Reply {n}") -> None:
    """`count` replies after the thread's last post, authors taken in turn; one INSERT."""
    start = thread.highest_number
    now = utcnow()
    rows = []
    for i in range(count):
        number = start + i + 1
        text = body.format(n=number)
        author = authors[i % len(authors)]
        rows.append({"thread_id": thread.id, "number": number, "author_id": author.id, "body": text,
                     "body_html": render_member_markdown(text), "excerpt": text[:200], "accepted": False,
                     "hidden": False, "search_text": search_text(None, text), "created_at": now + timedelta(microseconds=i)})
    if rows:
        db.session.execute(insert(Post), rows)
    thread.highest_number = start + count
    thread.replies_count += count
    thread.last_posted_at = rows[-1]["created_at"] if rows else thread.last_posted_at
    db.session.flush()


# The real course and unit most discussion tests post in.
COURSE, UNIT = "party-building-online", "why-online"


def post_id(db, thread, number: int) -> int:
    """The id of a thread's post by its number."""
    return db.session.query(Post.id).filter_by(thread_id=thread.id, number=number).scalar()


def course_ids(slug: str, unit_slug: str | None = None) -> tuple[int, int | None]:
    course = db.session.query(Course).filter_by(slug=slug).one()
    unit = db.session.query(Unit).filter_by(course_id=course.id, slug=unit_slug).one() if unit_slug else None
    return course.id, unit.id if unit else None


def matrix_discussions(users: dict, target, school_class) -> dict:
    """The matrix's threads (course "mx", its unit "intro", the class) and posts:
    - {thread}: the member's question thread on the unit, with {post} its first post,
      {reply} target's reply (number 2) and {member_reply} the member's (number 3), which
      target reported ({report});
    - {class_thread}: the member's thread in the class, {class_post} its first post.
    """
    course_id, unit_id = course_ids("mx", "intro")
    member = users["member"]
    thread = seed_thread(member, course_id=course_id, unit_id=unit_id, title="Matrix question",
                         body="How do I?", kind="question")
    seed_posts(thread, [target], 1, body="Target's reply {n}")
    seed_posts(thread, [member], 1, body="Member's reply {n}")
    class_thread = seed_thread(member, class_id=school_class.id, title="Class thread", body="For the class")
    db.session.commit()
    posts = dict(db.session.query(Post.number, Post.id).filter_by(thread_id=thread.id).all())
    class_post = db.session.query(Post.id).filter_by(thread_id=class_thread.id, number=1).scalar()
    report = PostReport(post_id=posts[3], reporter_id=target.id, reason="Off topic")
    db.session.add(report)
    db.session.commit()
    return {"thread": thread.id, "post": posts[1], "reply": posts[2], "member_reply": posts[3],
            "class_thread": class_thread.id, "class_post": class_post, "course": "mx", "unit": "intro",
            "report": report.id}


def a11y_discussions(app) -> dict:
    """The accessibility audit's threads (tests/support/a11y_site.py): on the a11y course's unit
    "only" a question by the learner with replies by the head teacher and the learner (one
    quoting, one reported), and a thread in the class. Ids: {a11y_thread}, {a11y_post} (the
    head teacher's reply), {a11y_class_thread}."""
    from sqlalchemy import select

    from learnhub.auth.models import User
    from learnhub.classes.models import SchoolClass

    with app.app_context():
        learner = db.session.scalar(select(User).where(User.username == "learner"))
        head = db.session.scalar(select(User).where(User.username == "staffer"))
        school_class = db.session.scalar(select(SchoolClass).where(SchoolClass.code == "A11Y-2026"))
        course_id, unit_id = course_ids("a11y", "only")
        thread = seed_thread(learner, course_id=course_id, unit_id=unit_id, kind="question",
                             title="“三会一课”指的是哪三会？", body="学习了本单元，想确认一下**三会一课**的具体内容。")
        seed_posts(thread, [head], 1, body="支部党员大会、支部委员会、党小组会，以及按时上好党课。")
        seed_posts(thread, [learner], 1, body="谢谢老师！@staffer")
        class_thread = seed_thread(head, class_id=school_class.id, title="第三次集中学习的安排",
                                   body="- 时间：周五 19:00\n- 地点：图书馆 301")
        post_id = db.session.scalar(select(Post.id).where(Post.thread_id == thread.id, Post.number == 2))
        db.session.add(PostReport(post_id=post_id, reporter_id=learner.id, reason="Off topic (a11y sample)"))
        db.session.commit()
        return {"a11y_thread": thread.id, "a11y_post": post_id, "a11y_class_thread": class_thread.id}
