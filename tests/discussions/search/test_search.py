"""search(viewer, q): phrases inside sentences, the short-query fallback, who sees what,
hidden and deleted posts, query syntax typed by members, the bounds. Run on SQLite and on
PostgreSQL (TEST_DATABASE_URL): the same function asks FTS5 or the tsvector index."""
from __future__ import annotations

import pytest

from learnhub.core.errors import FieldError
from learnhub.discussions.moderation import services as moderation
from learnhub.discussions.posting import services as posting
from learnhub.discussions.search.services import search
from learnhub.extensions import db


def found(viewer, q, **kwargs) -> list[int]:
    return [r.post_id for r in search(viewer, q, **kwargs).items]


@pytest.fixture
def party(world):
    """Posts in the open course by alice, with the party terms inside longer sentences."""
    t = world.thread(world.alice, world.unit, "学习心得", "我们支部坚持三会一课制度，每月开展主题党日活动。")
    world.p_first = db.session.query(posting.Post.id).filter_by(thread_id=t.id, number=1).scalar()
    world.p_two = world.reply(world.bob, t, "深入开展“两学一做”学习教育，我们都在学习。").id
    world.p_english = world.reply(world.alice, t, "今天学习了Markdown语法，还有 LearnHub 的用法。").id
    world.p_break = world.reply(world.alice, t, "主题。党日分开写；三会一 课").id
    world.thread_id = t.id
    return world


@pytest.mark.parametrize("phrase", ["三会一课", "两学一做", "主题党日", "支部坚持三会一课制度"])
def test_a_chinese_phrase_inside_a_sentence_is_found(party, phrase):
    results = search(party.alice, phrase).items
    assert [r.post_id for r in results] in ([party.p_first], [party.p_two])
    (result,) = results
    assert result.match == phrase and phrase in result.snippet
    assert result.url == f"/posts/{result.post_id}" and result.thread_id == party.thread_id
    assert result.author_username in ("alice", "bob") and result.title == "学习心得"


def test_an_english_word_in_a_mixed_sentence(party):
    assert found(party.alice, "markdown") == [party.p_english]
    assert found(party.alice, "LearnHub") == [party.p_english]
    assert found(party.alice, "学习了Markdown") == [party.p_english]
    assert found(party.alice, "learn") == []  # whole words, not prefixes


def test_no_match_across_a_run_break(party):
    # "主题。党日" and "三会一 课" in p_break hold the characters but not the phrase.
    assert party.p_break not in found(party.alice, "主题党日")
    assert party.p_break not in found(party.alice, "三会一课")
    assert found(party.alice, "党日分开") == [party.p_break]


def test_the_title_is_searched_on_the_first_post(party):
    assert found(party.alice, "学习心得") == [party.p_first]


def test_a_trailing_single_character_matches_the_start_of_a_longer_run(party):
    thread = party.thread(party.alice, party.course, "Plan", "计划于2024年的秋季完成")
    assert found(party.alice, "2024年") == [db.session.query(posting.Post.id).filter_by(
        thread_id=thread.id).scalar()]


def test_one_or_two_characters_are_a_substring_match(party):
    assert found(party.alice, "党") == [party.p_break, party.p_first]
    assert found(party.alice, "课制") == [party.p_first]  # inside a run: no bigram token needed
    assert found(party.alice, "心得") == [party.p_first]  # in the title only
    assert found(party.alice, "md") == []
    assert found(party.alice, "MA") == [party.p_english]  # case-insensitive on both databases


def test_like_wildcards_in_a_short_query_are_literal(party):
    post = party.reply(party.alice, db.session.get(posting.Thread, party.thread_id), "完成率 100% 了")
    assert found(party.alice, "%") == [post.id]
    assert found(party.alice, "_") == []
    assert found(party.alice, "0%") == [post.id]


@pytest.mark.parametrize("q", ['"', '""', '"三会一课', "三会一课*", "* OR *", "主题 OR 党日", "NEAR(主题 党日)",
                               "-三会一课", "search_text:三会", "(三会一课)", "三会' OR 1=1 --", "a:b", "^x",
                               "'三会一课'", "\\三会一课", "三会 & 一课 | x", "!!!", "<->", "x:*"])
def test_query_syntax_typed_by_members_is_harmless(party, q):
    results = found(party.alice, q)  # never an error from the database
    assert set(results) <= {party.p_first, party.p_two, party.p_english, party.p_break}
    if "三会一课" in q:
        assert party.p_first in results


def test_the_bounds(party):
    for q in ("", "   ", "x" * 101, "三" * 40, "a\x00b"):
        with pytest.raises(FieldError) as refused:
            search(party.alice, q)
        assert refused.value.field == "q"
    assert found(party.alice, " 三会一课 ") == [party.p_first]
    assert found(party.alice, "三" * 33) == []  # 32 bigrams: the most a phrase may have
    assert found(party.alice, "x" * 100) == []


def test_members_of_class_a_never_see_class_b(world):
    secret_a = world.thread(world.head, world.in_a, "A 班安排", "本周五三会一课集中学习")
    secret_b = world.thread(world.head, world.in_b, "B 班安排", "本周六三会一课集中学习")
    a_post, b_post = ([p.id for p in db.session.query(posting.Post).filter_by(thread_id=t.id)]
                      for t in (secret_a, secret_b))
    assert found(world.alice, "三会一课") == a_post
    assert found(world.bob, "三会一课") == b_post
    assert found(world.loner, "三会一课") == [] and found(world.teacher, "三会一课") == []
    assert found(world.head, "三会一课") == b_post + a_post  # staff of both
    assert found(world.boss, "三会一课") == b_post + a_post  # admins: every class
    assert found(world.alice, "周六") == [] and found(world.alice, "B") == []  # the fallback too


def test_a_draft_course_is_searched_only_by_those_who_see_drafts(world):
    thread = world.thread(world.teacher, world.secret, "草稿课程", "尚未发布的主题党日内容")
    post = [p.id for p in db.session.query(posting.Post).filter_by(thread_id=thread.id)]
    for member in (world.alice, world.loner):
        assert found(member, "主题党日") == [] and found(member, "草稿") == []
    assert found(world.teacher, "主题党日") == post
    assert found(world.boss, "主题党日") == post


def test_hidden_and_deleted_posts_and_hidden_threads_are_never_found(party):
    thread = db.session.get(posting.Thread, party.thread_id)
    moderation.set_post_hidden(party.teacher, db.session.get(posting.Post, party.p_two), thread, True, "spam")
    posting.delete_post(party.alice, db.session.get(posting.Post, party.p_english), thread)
    db.session.commit()
    for viewer in (party.alice, party.teacher, party.boss):  # moderators too: search shows what readers see
        assert found(viewer, "两学一做") == [] and found(viewer, "markdown") == []
        assert found(viewer, "三会一课") == [party.p_first]
    moderation.set_thread_hidden(party.teacher, thread, True, "off topic")
    db.session.commit()
    assert found(party.boss, "三会一课") == [] and found(party.boss, "党") == []


def test_keyset_pages_newest_first(world):
    thread = world.thread(world.alice, world.course, "分页", "主题党日 0")
    ids = [world.reply(world.alice, thread, f"第 {n} 次主题党日").id for n in range(1, 6)]
    first = search(world.alice, "主题党日", limit=2)
    assert [r.post_id for r in first.items] == ids[::-1][:2] and first.next
    second = search(world.alice, "主题党日", limit=2, cursor=first.next)
    assert [r.post_id for r in second.items] == ids[::-1][2:4]
    world.reply(world.alice, thread, "新的主题党日")  # newer: does not shift the pages after
    third = search(world.alice, "主题党日", limit=2, cursor=second.next)
    assert len(third.items) == 2 and third.items[0].post_id == ids[0] and third.next is None


def test_the_snippet_marks_the_match_and_escapes_the_text(world):
    body = "<script>alert(1)</script> " + "前文" * 40 + "坚持**三会一课**制度 & <b>更多</b>" + "后文" * 100
    world.thread(world.alice, world.course, "XSS <img src=x>", body)
    (result,) = search(world.alice, "三会一课").items
    html = str(result.snippet_html)
    assert "<mark>三会一课</mark>" in html and "<script" not in html and "<b>" not in html
    assert result.snippet.startswith("…") and result.snippet.endswith("…") and "**" not in result.snippet
    assert len(result.snippet) < 220
