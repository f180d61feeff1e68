"""`flask discussions reindex` recomputes every post's search_text, in batches."""
from __future__ import annotations

from sqlalchemy import update

from learnhub.discussions.models import Post
from learnhub.discussions.search.services import search
from learnhub.discussions.search.tokens import search_text
from learnhub.extensions import db


def test_reindex_restores_the_tokens_and_the_index(world):
    thread = world.thread(world.alice, world.course, "主题党日", "我们支部坚持三会一课制度")
    for n in range(4):
        world.reply(world.alice, thread, f"第 {n} 条：两学一做")
    db.session.execute(update(Post).values(search_text="stale"))  # as before a tokenizer change
    db.session.commit()
    assert search(world.alice, "三会一课").items == [] and len(search(world.alice, "stale").items) == 5

    result = world.app.test_cli_runner().invoke(args=["discussions", "reindex", "--batch", "2"])
    assert result.exit_code == 0, result.output
    assert "5 posts read, 5 search texts changed" in result.output
    db.session.expire_all()
    first = db.session.query(Post).filter_by(thread_id=thread.id, number=1).one()
    assert first.search_text == search_text("主题党日", first.body)
    assert [r.number for r in search(world.alice, "三会一课").items] == [1]
    assert [r.number for r in search(world.alice, "主题党日").items] == [1]  # the title, on post 1
    assert len(search(world.alice, "两学一做").items) == 4 and search(world.alice, "stale").items == []

    again = world.app.test_cli_runner().invoke(args=["discussions", "reindex"])
    assert "5 posts read, 0 search texts changed" in again.output
