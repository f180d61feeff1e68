"""The discussion panels on the unit, class, home, course and staff dashboard pages: present
for those who may read, absent otherwise; the ask box (absent on a locked unit); the unread
markers; the staff's unanswered count."""
from __future__ import annotations

import re

from learnhub.discussions.models import Thread, ThreadUser
from tests.support.discussions import seed_posts, seed_thread


def page(client, path):
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def test_unit_page_lists_the_units_threads_and_the_ask_box(world, db):
    for i in range(7):
        seed_thread(world.ann, course_id=world.course_id, unit_id=world.first_id, title=f"Unit thread {i}")
    seed_thread(world.ann, course_id=world.course_id, unit_id=world.second_id, title="On the second unit")
    db.session.commit()
    html = page(world.client(world.bob), "/courses/rc/first")
    assert 'id="unit-discussions"' in html
    assert html.count('class="thread-item') == 5 and "Unit thread 6" in html and "Unit thread 1" not in html
    assert "On the second unit" not in html
    assert 'action="/courses/rc/threads/new?unit=first"' in html
    assert 'name="kind" value="question"' in html and 'name="unit" value="first"' in html
    assert 'name="csrf_token"' in html and 'name="client_key"' in html
    assert 'name="title"' in html and 'name="body"' in html


def test_the_ask_box_posts_a_question_on_the_unit(world, db):
    bob = world.client(world.bob)
    html = page(bob, "/courses/rc/first")
    key = (re.search(r'name="client_key"[^>]*value="([^"]+)"', html)
           or re.search(r'value="([^"]+)"[^>]*name="client_key"', html))
    response = bob.post("/courses/rc/threads/new?unit=first", data={
        "csrf_token": bob.csrf, "client_key": key.group(1), "kind": "question", "unit": "first",
        "title": "What does it mean?", "body": "Please explain."})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    thread = db.session.query(Thread).filter_by(title="What does it mean?").one()
    assert (thread.kind, thread.unit_id, thread.course_id) == ("question", world.first_id, world.course_id)


def test_a_locked_unit_has_no_ask_box(world, db):
    seed_thread(world.ann, course_id=world.course_id, unit_id=world.second_id, title="About the second")
    db.session.commit()
    html = page(world.client(world.bob), "/courses/rc/second")
    assert "Ask a question about this unit" not in html and 'name="kind"' not in html


def test_class_page_lists_threads_with_unread_markers(world, db):
    read = seed_thread(world.ann, class_id=world.class_a.id, title="Read already")
    partly = seed_thread(world.ann, class_id=world.class_a.id, title="Partly read")
    seed_posts(partly, [world.ann], 2)
    seed_thread(world.ann, class_id=world.class_a.id, title="Never opened")
    seed_thread(world.carl, class_id=world.class_b.id, title="Class B's")
    db.session.add_all([ThreadUser(user_id=world.bob.id, thread_id=read.id, last_read_number=1),
                        ThreadUser(user_id=world.bob.id, thread_id=partly.id, last_read_number=1)])
    db.session.commit()
    html = page(world.client(world.bob), f"/classes/{world.class_a.id}")
    assert 'id="class-discussions"' in html and "Class B&#39;s" not in html and "Class B's" not in html
    assert "2 new" in html and "Unread" in html
    assert f'href="/classes/{world.class_a.id}/threads"' in html
    html_b = page(world.client(world.carl), f"/classes/{world.class_b.id}")
    assert "Class B" in html_b and "Read already" not in html_b


def test_home_page_lists_unread_replies(world, db):
    followed = seed_thread(world.ann, class_id=world.class_a.id, title="Followed thread")
    db.session.add(ThreadUser(user_id=world.bob.id, thread_id=followed.id, following=True, last_read_number=1))
    seed_posts(followed, [world.ann], 3)
    db.session.commit()
    assert 'id="home-unread-threads"' in page(world.client(world.bob), "/")
    assert "Followed thread" in page(world.client(world.bob), "/")
    assert 'id="home-unread-threads"' not in page(world.client(world.ann), "/")  # nothing unread followed


def test_staff_dashboard_counts_unanswered_questions(world, db):
    seed_thread(world.ann, class_id=world.class_a.id, kind="question", title="Q1")
    answered = seed_thread(world.ann, class_id=world.class_a.id, kind="question", title="Q2")
    seed_posts(answered, [world.head], 1)
    db.session.commit()
    html = page(world.client(world.head), f"/classes/{world.class_a.id}/progress")
    assert "1 unanswered question" in html and f'href="/classes/{world.class_a.id}/threads"' in html
    member = world.client(world.bob).get(f"/classes/{world.class_a.id}/progress")
    assert member.status_code in (403, 404) and "unanswered" not in member.get_data(as_text=True)


def test_course_page_links_to_its_discussions(world, db):
    seed_thread(world.ann, course_id=world.course_id, unit_id=world.first_id)
    seed_thread(world.ann, course_id=world.course_id)
    db.session.commit()
    html = page(world.client(world.bob), "/courses/rc")
    assert 'id="course-discussions"' in html and 'href="/courses/rc/threads"' in html
    assert "2 threads" in html and "2 unread" in html
