"""The @mention scanner: names as auth allows them, outside code and quotes, bounded."""
from __future__ import annotations

import time

from learnhub.discussions.subscriptions.mentions import MAX_MENTIONS, mentioned_names


def names(text):
    return [readings[0] for readings in mentioned_names(text)]


def test_names_in_prose_lower_cased_in_order_once():
    assert names("Hi @Alice, ask @bob_2 and @ALICE again") == ["alice", "bob_2"]
    assert names("谢谢老师@staffer！也问问（@li-ming）") == ["staffer", "li-ming"]


def test_a_sentence_end_gives_both_readings():
    assert mentioned_names("Thanks @li.") == [["li.", "li"]]


def test_not_mentions_addresses_paths_and_short_names():
    assert names("mail a@b.com or x@yz, see /users/@me, @a, @@twice, @-dash, @_under") == []


def test_not_in_code_spans_fences_indented_code_or_quotes():
    text = ("`@inline` and ``a ` @double`` are code\n"
            "```\n@fenced\n```\n"
            "~~~~python\n@tilde\n~~~\nstill @fenced_too\n~~~~\n"
            "\n    @indented code\n\n"
            "> @quoted\n"
            "real @mention")
    assert names(text) == ["mention"]


def test_an_unclosed_backtick_is_text_and_list_continuations_are_prose():
    assert names("a ` lonely @one") == ["one"]
    assert names("- item\n\n    continued @two") == ["two"]


def test_at_most_ten_distinct():
    text = " ".join(f"@user{i}" for i in range(30))
    found = names(text)
    assert len(found) == MAX_MENTIONS and found[0] == "user0"


def test_bounded_on_hostile_text():
    text = "`" * 5000 + " ".join("`" * n for n in range(1, 400)) + "@x" * 5000
    started = time.perf_counter()
    mentioned_names(text)
    assert time.perf_counter() - started < 1
