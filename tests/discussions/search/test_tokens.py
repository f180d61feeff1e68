"""The tokens: bigrams for Chinese, words for the rest, Markdown reduced, bounded."""
from __future__ import annotations

import time

from learnhub.discussions.search.tokens import (
    Term,
    plain_text,
    query_pattern,
    query_terms,
    query_tokens,
    search_text,
    snippet_text,
    tokens,
)


def test_chinese_runs_become_bigrams_and_a_single_character_stays_itself():
    assert tokens("三会一课") == ["三会", "会一", "一课"]
    assert tokens("党") == ["党"]
    assert tokens("主题。党日") == ["主题", "党日"]  # punctuation ends a run


def test_latin_words_are_lower_cased_after_nfkc_and_digits_split_from_chinese():
    assert tokens("Hello ＷＯＲＬＤ１ snake_case") == ["hello", "world1", "snake", "case"]
    assert tokens("2024年学习Python") == ["2024", "年学", "学习", "python"]


def test_markdown_and_urls_are_reduced_to_what_a_reader_sees():
    body = ("# 标题\n**三会一课** see [the docs](https://www.example.com/a?b=c \"t\") and https://gov.cn/x.html\n"
            "![图片说明](/static/a.png) <b>bold</b> &amp; <!-- note -->\n```python\ncode_here()\n```")
    text = search_text(None, body)
    assert "三会 会一 一课" in text
    assert "the docs" in text and "example" not in text and "gov cn" in text  # a link by its text
    assert "https" not in text and "www" not in text and "static" not in text and "png" not in text
    assert "图片 片说 说明" in text and "bold" in text and " b " not in f" {text} "
    assert "python" not in text and "code here" in text and "amp" not in text


def test_the_title_comes_first_on_post_one():
    assert search_text("主题党日", "Body") == "主题 题党 党日 body"
    assert search_text(None, "") == ""


def test_query_terms_mark_a_trailing_single_character_as_a_prefix():
    assert query_terms("2024年") == [Term("2024"), Term("年", prefix=True)]
    assert query_terms("年2024") == [Term("年"), Term("2024")]
    assert query_terms("党") == [Term("党")]
    assert query_tokens("两学一做") == ["两学", "学一", "一做"]


def test_query_syntax_characters_are_not_tokens():
    assert query_tokens('"三会" OR NEAR(x*, y) -z :col ^a') == ["三会", "or", "near", "x", "y", "z", "col", "a"]
    assert query_tokens('"*-:()') == []


def test_snippet_text_and_pattern():
    assert snippet_text("# 标题\n- 条目 **加粗** snake_case _em_") == "标题 条目 加粗 snake_case em"
    assert query_pattern("三会一课 制度").search("坚持三会一课，制度") is not None
    assert query_pattern("***") is None


def test_bounded_work_on_hostile_text():
    for body in ("[[[[(" * 4000, "[a](" * 5000, "<!--" * 5000, "<a " * 7000, "_a" * 10000, "三" * 20000,
                 "http://" * 3000, "a" * 20000):
        started = time.perf_counter()
        search_text("t", body)
        snippet_text(body)
        assert time.perf_counter() - started < 0.5, body[:10]
    assert len(tokens("三" * 50_000)) == 20_200  # cut at TEXT_MAX characters
    assert tokens("a" * 101 + " b") == ["b"]  # a word over WORD_MAX is left out
    assert plain_text("x" * 30_000) == "x" * 20_201
