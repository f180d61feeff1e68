"""Tokens for search, made the same way for what is indexed and for what is asked.

Chinese has no spaces between words, and neither FTS5's tokenizer nor PostgreSQL's `simple`
parser splits it, so Python does, the same on both databases: a run of CJK characters
becomes its overlapping character bigrams (三会一课 → 三会 会一 一课; a one-character run stays
that character), any other run of letters and digits one lower-cased word (NFKC first, so
full-width ＡＢＣ１ is abc1). A phrase is then the run of its tokens in order, whether the
text around it is a longer run (我们支部坚持三会一课制度) or not. Markdown is reduced to its
text first: link and image syntax to the words shown, a URL to its host, tags dropped.

`search_text` is what `posts.search_text` holds (space-separated tokens; the indexes split
on spaces). `query_terms` is the query side: the same tokens, and which one may match as a
prefix (see its docstring). Work is bounded: a text is cut at `TEXT_MAX` characters, a word
longer than `WORD_MAX` is left out (PostgreSQL refuses to index one over 2,047 bytes).
"""
from __future__ import annotations

import html
import re
import unicodedata
from typing import NamedTuple

from ..models import BODY_MAX, TITLE_MAX

TEXT_MAX = BODY_MAX + TITLE_MAX + 1
WORD_MAX = 100

# Han (with extension A, the supplementary planes and compatibility ideographs), the
# iteration and zero marks 々〆〇, kana and Hangul syllables: split into bigrams.
_CJK = "\u3005-\u3007\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f"
_RUN = re.compile(f"([{_CJK}]+)|([^\\W_{_CJK}]+)")

# Markdown and HTML reduced to the words a reader sees. Every repeat is bounded, so no
# input makes these scan more than a few hundred characters from each starting point.
_FENCE = re.compile(r"^[ \t]{0,3}(?:`{3,}|~{3,})[^\n]{0,200}$", re.MULTILINE)
_LINK = re.compile(r"!?\[([^\[\]\n]{0,500}+)\]\([^()\s]{0,2000}+(?:\s[^()\n]{0,200}+)?\)")
_REFERENCE = re.compile(r"^[ \t]{0,3}\[[^\]\n]{1,500}\]:[^\n]{0,2000}$", re.MULTILINE)
_URL = re.compile(r"<?(?:https?|ftp)://(?:www\.)?([^\s/?#<>()\[\]\"']{1,253})[^\s<>()\[\]\"']{0,2000}>?",
                  re.IGNORECASE)
_TAG = re.compile(r"</?[A-Za-z][^<>\n]{0,500}+>|<!--[^<>]{0,500}-->")
# What is left of Markdown's syntax in a snippet shown to a reader.
_MARKS = re.compile(r"^[ \t]{0,3}(?:#{1,6}|>|[-*+]|\d{1,9}[.)])[ \t]+|[*~`]+|(?<!\w)_+|_+(?!\w)",
                    re.MULTILINE)


class Term(NamedTuple):
    text: str
    prefix: bool = False  # matches any token starting with `text`


def plain_text(markdown: str) -> str:
    """The words of a Markdown text as a reader sees them (links by their text, URLs by their
    host, no tags), for tokens and for result snippets."""
    text = markdown[:TEXT_MAX]
    text = _FENCE.sub(" ", text)
    text = _REFERENCE.sub(" ", text)
    text = _LINK.sub(lambda m: f" {m.group(1)} ", text)
    text = _URL.sub(lambda m: f" {m.group(1)} ", text)
    text = _TAG.sub(" ", text)
    return html.unescape(text)


def _runs(text: str):
    """(run, is_cjk) of a normalised, lower-cased text."""
    text = unicodedata.normalize("NFKC", text[:TEXT_MAX]).lower()
    for match in _RUN.finditer(text):
        if match.group(1):
            yield match.group(1), True
        elif len(match.group(2)) <= WORD_MAX:
            yield match.group(2), False


def _bigrams(run: str) -> list[str]:
    return [run] if len(run) == 1 else [run[i:i + 2] for i in range(len(run) - 1)]


def tokens(text: str) -> list[str]:
    found: list[str] = []
    for run, cjk in _runs(text):
        if cjk:
            found.extend(_bigrams(run))
        else:
            found.append(run)
    return found


def search_text(title: str | None, body: str) -> str:
    """The `posts.search_text` of a post (post 1 passes its thread's title too)."""
    parts = [] if title is None else tokens(title)
    parts.extend(tokens(plain_text(body)))
    return " ".join(parts)


def query_terms(q: str) -> list[Term]:
    """The query's tokens as a phrase. A one-character CJK run at the end of a longer query
    (2024年) may be the start of a bigram in the text (2024年的 → 2024 年的), so it matches
    as a prefix; elsewhere it is the text's one-character run itself. (One case is missed:
    such a run first in the query, after more CJK in the text — 年2024 in 新年2024.)"""
    runs = list(_runs(plain_text(q)))
    terms: list[Term] = []
    for i, (run, cjk) in enumerate(runs):
        if not cjk:
            terms.append(Term(run))
        elif len(run) == 1:
            terms.append(Term(run, prefix=i == len(runs) - 1 and len(runs) > 1))
        else:
            terms.extend(Term(bigram) for bigram in _bigrams(run))
    return terms


def query_tokens(q: str) -> list[str]:
    """The tokens of a query (what search_text would make of the same text)."""
    return [term.text for term in query_terms(q)]


def query_pattern(q: str) -> re.Pattern | None:
    """A regular expression finding the query's words in plain text (for snippets): its runs
    in order, with only separators (no letters or digits) between them."""
    runs = [re.escape(run) for run, _cjk in _runs(plain_text(q))]
    if not runs:
        return None
    return re.compile(r"[\W_]{0,20}".join(runs), re.IGNORECASE)


def snippet_text(markdown: str) -> str:
    """A post's text for a snippet: plain, Markdown marks dropped, spaces collapsed. Not
    NFKC-normalised as tokens are: a reader sees their own punctuation (，not ,)."""
    return " ".join(_MARKS.sub("", plain_text(markdown)).split())
