"""`@username` mentions in a post's Markdown: a small, bounded scanner (no rendering).

What counts: `@` followed by a name as learnhub.auth allows it (auth.services.USERNAME_PATTERN:
a letter or digit, then letters, digits, `_`, `.`, `-`; matched case-insensitively, as the
names are stored lower-case), not preceded by a letter, digit or `_.-/@+` (so e-mail
addresses and paths are not mentions), outside code: fenced blocks (``` or ~~~), indented
code blocks (after a blank line, not inside a list) and inline code spans. Lines quoted
with `>` do not mention either (as Discourse: a quote's mentions were sent with the
original). At most MAX_MENTIONS distinct names per post; the scan is linear in the text.
"""
from __future__ import annotations

import re
from bisect import bisect_right

MAX_MENTIONS = 10

_MENTION = re.compile(r"@([A-Za-z0-9][A-Za-z0-9_.\-]{1,63})")
_NOT_BEFORE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-/@+")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_LIST_ITEM = re.compile(r"^ {0,3}(?:[-*+]|\d{1,9}[.)])\s")
_QUOTE = re.compile(r"^ {0,3}>")
_BACKTICKS = re.compile(r"`+")


def _indent(line: str) -> int:
    stripped = line.lstrip(" \t")
    prefix = line[:len(line) - len(stripped)]
    return prefix.count(" ") + 4 * prefix.count("\t")


def _prose_lines(markdown: str):
    """The lines that are neither code blocks nor quotes, with blank lines kept."""
    fence = None  # the opening fence's character and length while inside a fenced block
    previous_blank, in_list, in_code = True, False, False
    for line in markdown.splitlines():
        blank = not line.strip()
        if fence is not None:
            closing = _FENCE.match(line)
            if closing and closing.group(1)[0] == fence[0] and len(closing.group(1)) >= fence[1] \
                    and not line.strip().lstrip(fence[0]):
                fence = None
            continue
        opening = _FENCE.match(line)
        if opening:
            fence = (opening.group(1)[0], len(opening.group(1)))
            previous_blank = in_code = False
            continue
        if blank:
            previous_blank = True
            yield ""
            continue
        if _indent(line) >= 4 and not in_list and (previous_blank or in_code):
            in_code, previous_blank = True, False
            continue
        in_code = False
        if previous_blank:  # a new block starts: is it a list?
            in_list = bool(_LIST_ITEM.match(line))
        elif _LIST_ITEM.match(line):
            in_list = True
        previous_blank = False
        if _QUOTE.match(line):
            continue
        yield line


def _code_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each inline code span: a run of n backticks up to the next run of
    exactly n (an unmatched run is literal text). Runs are looked up by length, so this
    stays O(r log r) in the number of runs however they are arranged."""
    runs = [(m.start(), m.end()) for m in _BACKTICKS.finditer(text)]
    by_length: dict[int, list[int]] = {}
    for index, (start, end) in enumerate(runs):
        by_length.setdefault(end - start, []).append(index)
    spans, index = [], 0
    while index < len(runs):
        start, end = runs[index]
        same = by_length[end - start]
        position = bisect_right(same, index)
        if position < len(same):
            closing = same[position]
            spans.append((start, runs[closing][1]))
            index = closing + 1
        else:
            index += 1
    return spans


def mentioned_names(markdown: str, limit: int = MAX_MENTIONS) -> list[list[str]]:
    """The distinct names mentioned, in order, at most `limit`. Each entry lists the name's
    readings, longest first: `@li.` at a sentence's end may be the user `li.` or `li`."""
    text = "\n".join(_prose_lines(markdown or ""))
    spans = _code_spans(text)
    found: dict[str, list[str]] = {}
    span = 0
    for match in _MENTION.finditer(text):
        at = match.start()
        while span < len(spans) and spans[span][1] <= at:
            span += 1
        if span < len(spans) and spans[span][0] <= at:
            continue  # inside a code span
        if at > 0 and text[at - 1] in _NOT_BEFORE:
            continue
        name = match.group(1).lower()
        readings = [name]
        trimmed = name.rstrip(".-_")
        if trimmed != name and len(trimmed) >= 2:
            readings.append(trimmed)
        if name in found:
            continue  # (`@li.` and `@li` may both be here: the ids are distinct once resolved)
        found[name] = readings
        if len(found) >= limit:
            break
    return list(found.values())
