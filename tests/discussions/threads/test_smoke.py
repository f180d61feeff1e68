from tests.support.discussions import seed_posts, seed_thread


def test_pages_render(forum, db):
    thread = seed_thread(forum.member, course_id=forum.unit.course_id, unit_id=forum.unit.unit_id, title="T")
    seed_posts(thread, [forum.reader], 3)
    db.session.commit()
    c = forum.client(forum.member)
    for url in ["/courses/party-building-online/threads", "/courses/party-building-online/threads?unit=why-online",
                f"/classes/{forum.klass.id}/threads", f"/threads/{thread.id}",
                "/courses/party-building-online/threads/new", f"/classes/{forum.klass.id}/threads/new"]:
        r = c.get(url)
        assert r.status_code == 200, (url, r.get_data(as_text=True)[:3000])
