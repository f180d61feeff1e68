"""The search page (GET /search?q=) and the API (GET /api/v1/search?q=)."""
from __future__ import annotations

from learnhub.discussions.models import Post
from learnhub.extensions import db


def _posts(thread) -> list[int]:
    return [p.id for p in db.session.query(Post).filter_by(thread_id=thread.id).order_by(Post.id.desc())]


def test_the_page_groups_results_by_thread_and_marks_the_match(world):
    first = world.thread(world.alice, world.unit, "学习心得 <i>x</i>", "我们支部坚持三会一课制度。")
    world.reply(world.alice, first, "三会一课<script>alert(1)</script> 1 <b 2")
    second = world.thread(world.alice, world.in_a, "班级讨论", "三会一课的安排")
    world.thread(world.bob, world.in_b, "B 班", "三会一课 in class B")
    client = world.page_client(world.alice)
    page = client.get("/search?q=三会一课", headers={"Accept-Language": "zh-CN"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert html.count('<li class="card">') == 2  # two threads, three posts
    assert html.count("<mark>三会一课</mark>") == 3
    assert "<script>alert" not in html and "1 &lt;b 2" in html and "&lt;i&gt;x&lt;/i&gt;" in html
    assert f'href="/threads/{first.id}"' in html and f'href="/threads/{second.id}"' in html
    assert "B 班" not in html and "in class B" not in html
    assert f'href="/posts/{_posts(first)[0]}"' in html


def test_the_page_without_a_query_shows_the_box_and_with_no_match_says_so(world):
    client = world.page_client(world.alice)
    empty = client.get("/search")
    assert empty.status_code == 200 and 'name="q"' in empty.get_data(as_text=True)
    assert 'class="card"' not in empty.get_data(as_text=True)
    none = client.get("/search?q=主题党日")
    assert none.status_code == 200 and "主题党日" in none.get_data(as_text=True)
    assert "<mark>" not in none.get_data(as_text=True)


def test_the_page_refuses_a_long_query_beside_the_box(world):
    client = world.page_client(world.alice)
    response = client.get("/search?q=" + "x" * 101)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'class="field-error"' in html and 'aria-invalid="true"' in html


def test_the_page_is_paged_by_after(world):
    thread = world.thread(world.alice, world.course, "分页", "主题党日 0")
    for n in range(3):
        world.reply(world.alice, thread, f"主题党日 {n + 1}")
    client = world.page_client(world.alice)
    html = client.get("/search?q=主题党日&limit=3").get_data(as_text=True)
    assert html.count("<mark>") == 3 and 'rel="next"' in html
    after = html.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    more = client.get(after).get_data(as_text=True)
    assert more.count("<mark>") == 1 and 'rel="next"' not in more


def test_anonymous_visitors_are_sent_to_log_in(world):
    response = world.app.test_client().get("/search?q=x")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert world.app.test_client().get("/api/v1/search?q=x").status_code == 401


def test_the_api_lists_hits_with_a_cursor(world):
    thread = world.thread(world.alice, world.unit, "两学一做", "深入开展“两学一做”学习教育")
    world.reply(world.alice, thread, "继续两学一做")
    world.thread(world.bob, world.in_b, "B", "两学一做 B")
    api = world.api(world.alice)
    body = api.get("/api/v1/search?q=两学一做&limit=1").get_json()
    (hit,) = body["items"]
    newest = _posts(thread)[0]
    assert hit["kind"] == "post" and hit["post_id"] == newest and hit["thread_id"] == thread.id
    assert hit["number"] == 2 and hit["title"] == "两学一做" and hit["author"]["username"] == "alice"
    assert hit["snippet"] == "继续两学一做" and hit["snippet_html"] == "继续<mark>两学一做</mark>"
    assert hit["url"] == f"/posts/{newest}" and hit["created_at"].endswith("Z")
    rest = api.get(f"/api/v1/search?q=两学一做&limit=1&cursor={body['next']}").get_json()
    assert [h["number"] for h in rest["items"]] == [1] and rest["next"] is None


def test_the_api_refuses_bad_queries_clearly(world):
    api = world.api(world.alice)
    for path in ("/api/v1/search", "/api/v1/search?q=", "/api/v1/search?q=%20%20", "/api/v1/search?q=" + "x" * 101,
                 "/api/v1/search?q=" + "三" * 40):
        response = api.get(path)
        assert response.status_code == 422, path
        assert response.get_json()["error"]["code"] == "invalid_field" and "q" in response.get_json()["error"]["fields"]
    assert api.get("/api/v1/search?q=abc&cursor=nonsense").status_code == 400
    assert api.get("/api/v1/search?q=abc&limit=0").status_code == 400
    assert api.get('/api/v1/search?q="*OR(:-').get_json() == {"items": [], "next": None}
