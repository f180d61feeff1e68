"""POST /api/v1/threads/{id}/read, the mark-all-read API and pages: who may, bad input that
changes nothing, and class B's member getting 404."""
from __future__ import annotations

from learnhub.discussions.models import ThreadUser
from tests.support.discussions import seed_posts, seed_thread


def recorded(db, user, thread):
    db.session.expire_all()
    row = db.session.get(ThreadUser, (user.id, thread.id))
    return row.last_read_number if row else None


def test_read_a_thread_through_the_api(world, db):
    thread = seed_thread(world.ann, class_id=world.class_a.id)
    seed_posts(thread, [world.ann], 3)
    db.session.commit()
    bob = world.client(world.bob)
    response = bob.api("POST", f"/api/v1/threads/{thread.id}/read", {"number": 2})
    assert response.status_code == 200
    assert response.get_json() == {"thread_id": thread.id, "last_read_number": 2, "unread": True}
    lower = bob.api("POST", f"/api/v1/threads/{thread.id}/read", {"number": 1}).get_json()
    assert lower["last_read_number"] == 2
    done = bob.api("POST", f"/api/v1/threads/{thread.id}/read", {"number": 4}).get_json()
    assert done == {"thread_id": thread.id, "last_read_number": 4, "unread": False}


def test_read_refusals_change_nothing(world, db, client):
    thread = seed_thread(world.ann, class_id=world.class_a.id)
    db.session.commit()
    bob, carl = world.client(world.bob), world.client(world.carl)
    for bad in ({"number": -1}, {"number": "2"}, {}, {"number": 2**40}, {"number": True}):
        response = bob.api("POST", f"/api/v1/threads/{thread.id}/read", bad)
        assert response.status_code == 422, bad
        assert response.get_json()["error"]["code"] == "invalid_field"
    assert carl.api("POST", f"/api/v1/threads/{thread.id}/read", {"number": 1}).status_code == 404
    assert client.post(f"/api/v1/threads/{thread.id}/read", json={"number": 1}).status_code == 401
    no_csrf = bob.post(f"/api/v1/threads/{thread.id}/read", json={"number": 1})
    assert no_csrf.status_code in (400, 403)
    assert recorded(db, world.bob, thread) is None and recorded(db, world.carl, thread) is None


def test_mark_a_class_read_through_the_api(world, db):
    threads = [seed_thread(world.ann, class_id=world.class_a.id, title=f"T{i}") for i in range(2)]
    db.session.commit()
    bob = world.client(world.bob)
    assert bob.api("POST", f"/api/v1/classes/{world.class_a.id}/threads/read").get_json() == {"marked": 2}
    assert all(recorded(db, world.bob, t) == 1 for t in threads)
    assert bob.api("POST", f"/api/v1/classes/{world.class_a.id}/threads/read").get_json() == {"marked": 0}
    carl = world.client(world.carl)
    assert carl.api("POST", f"/api/v1/classes/{world.class_a.id}/threads/read").status_code == 404
    assert recorded(db, world.carl, threads[0]) is None


def test_mark_a_course_or_unit_read_through_the_api(world, db):
    on_first = seed_thread(world.ann, course_id=world.course_id, unit_id=world.first_id)
    on_course = seed_thread(world.ann, course_id=world.course_id)
    db.session.commit()
    carl = world.client(world.carl)  # any reader of the course
    assert carl.api("POST", "/api/v1/courses/rc/threads/read?unit=first").get_json() == {"marked": 1}
    assert recorded(db, world.carl, on_course) is None
    assert carl.api("POST", "/api/v1/courses/rc/threads/read").get_json() == {"marked": 1}
    assert carl.api("POST", "/api/v1/courses/nope/threads/read").status_code == 404
    assert carl.api("POST", "/api/v1/courses/rc/threads/read?unit=nope").status_code == 404
    assert recorded(db, world.carl, on_first) == 1


def test_mark_all_read_pages(world, db, app):
    thread = seed_thread(world.ann, class_id=world.class_a.id)
    course_thread = seed_thread(world.ann, course_id=world.course_id, unit_id=world.first_id)
    db.session.commit()
    bob = world.client(world.bob)
    token = bob.csrf
    response = bob.post(f"/classes/{world.class_a.id}/threads/read", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/classes/{world.class_a.id}/threads")
    assert recorded(db, world.bob, thread) == 1
    response = bob.post("/courses/rc/threads/read?unit=first", data={"csrf_token": token})
    assert response.status_code == 302 and "unit=first" in response.headers["Location"]
    assert recorded(db, world.bob, course_thread) == 1


def test_mark_all_read_pages_refuse(world, db, client):
    thread = seed_thread(world.ann, class_id=world.class_a.id)
    db.session.commit()
    bob, carl = world.client(world.bob), world.client(world.carl)
    assert bob.post(f"/classes/{world.class_a.id}/threads/read", data={}).status_code == 400  # no CSRF
    assert carl.post(f"/classes/{world.class_a.id}/threads/read",
                     data={"csrf_token": carl.csrf}).status_code == 404
    assert client.post(f"/classes/{world.class_a.id}/threads/read").status_code in (302, 400)
    assert recorded(db, world.bob, thread) is None and recorded(db, world.carl, thread) is None


def test_the_lists_carry_the_mark_all_read_button(world, db):
    seed_thread(world.ann, class_id=world.class_a.id)
    seed_thread(world.ann, course_id=world.course_id, unit_id=world.first_id)
    db.session.commit()
    bob = world.client(world.bob)
    html = bob.get(f"/classes/{world.class_a.id}/threads").get_data(as_text=True)
    assert f'action="/classes/{world.class_a.id}/threads/read"' in html and 'name="csrf_token"' in html
    html = bob.get("/courses/rc/threads?unit=first").get_data(as_text=True)
    assert 'action="/courses/rc/threads/read?unit=first"' in html
    html = bob.get("/courses/rc/threads").get_data(as_text=True)
    assert 'action="/courses/rc/threads/read"' in html
