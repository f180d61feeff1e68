"""How much work a Markdown text may cost the renderer: checked before it runs, and while.

Python-Markdown recurses once per level of nested lists and quotes (a thousand levels, e.g.
`"1. " * 1000`, exhaust Python's stack), and some of its scanners are quadratic in the
length of a paragraph: each unclosed `[` sends the link scanner to the paragraph's end
(`"[" * 19000` runs for minutes), each `](` to its `)`, and each heading, rule or definition
inside a block splits it and has the rest tested again. Fenced blocks each cost a search of the
whole text and a highlighter run, which no deadline can interrupt.

`problem()` measures those in one linear pass and names the first bound a text exceeds:
the services refuse such a text when it is written. `watch()` arms a deadline on one
Markdown instance, checked before every block test and inline match (the steps its slow
loops are made of), so a text that slips past the count still stops in bounded time;
core.markdown then shows it as escaped text.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Limits:
    max_chars: int
    max_depth: int          # lists, quotes and 4-space indents stacked on one line
    max_scan: int           # characters the scanners may walk again, summed over the text
    max_fences: int         # fenced code blocks
    max_abbreviations: int  # `*[HTML]: ...` definitions: each joins one regex run over every text
    max_tags: int           # tags in the HTML produced, which the sanitiser then parses
    seconds: float          # wall-clock budget of one conversion (before the sanitiser)


# What staff and members write (announcements, class descriptions, minutes, posts). A
# realistic 45,000-character text renders in about 0.4 s, scans 21,000 and has 5,000 tags;
# the sanitiser takes about 0.1 ms per tag.
MEMBER = Limits(max_chars=50_000, max_depth=12, max_scan=200_000, max_fences=200,
                max_abbreviations=100, max_tags=12_000, seconds=3.0)
# Course units and quiz texts (files an author maintains; rendered once, then cached).
AUTHOR = Limits(max_chars=300_000, max_depth=20, max_scan=2_000_000, max_fences=1_000,
                max_abbreviations=1_000, max_tags=40_000, seconds=5.0)


class RenderTimeout(Exception):
    """A render ran past its deadline."""


# ---- the pre-scan ----------------------------------------------------------------------------

# Python-Markdown's fences start at the line's first column; only a closed one is code.
_FENCE = re.compile(r"(`{3,}|~{3,})")
_WHITESPACE = re.compile(r"[ \t]*")
_MARKER = re.compile(r"(?:[*+-]|\d{1,9}[.)])(?=[ \t]|$)")
_RULE = re.compile(r"[ ]{0,3}(?:(?:-[ ]*){3,}|(?:\*[ ]*){3,}|(?:_[ ]*){3,})$")
# Lines that split their block (headings, rules, setext underlines, definitions): the rest
# of the block is tested again after each.
_SPLITS_BLOCK = re.compile(r"[ ]{0,3}(?:#|:[ ]|=+[ ]*$|(?:[-*_][ ]*){3,}$)")
_ABBREVIATION = re.compile(r"[*]\[[^\]]*\][ ]?:")
_BRACKETS = re.compile(r"\\.|[\[\]()]", re.DOTALL)


def _depth(line: str) -> int:
    """Containers stacked at the start of a line: each `>` and list marker, and each 4 columns
    of indent before one (indent before plain text is code or a continuation: no nesting)."""
    if _RULE.match(line):
        return 0
    depth, at, end = 0, 0, len(line)
    while at < end:
        spaces = _WHITESPACE.match(line, at)
        indent = (spaces.end() - at + 3 * spaces.group().count("\t")) // 4
        at = spaces.end()
        if at < end and line[at] == ">":
            depth, at = depth + indent + 1, at + 1
            continue
        marker = _MARKER.match(line, at)
        if marker is None:
            break
        depth, at = depth + indent + 1, marker.end()
    return depth


def _scan_cost(block: str) -> int:
    """What the link scanners walk in one block: from each `[` to its `]` (or the block's end
    when none closes it), and from each `(` right after a `]` to its `)` (or the end)."""
    cost, brackets, parens, closed_at = 0, [], [], -2
    for match in _BRACKETS.finditer(block):
        char, at = match.group(), match.start()
        if char == "[":
            brackets.append(at)
        elif char == "]":
            if brackets:
                cost += at - brackets.pop()
            closed_at = at
        elif char == "(":
            parens.append((at, at == closed_at + 1))
        elif char == ")" and parens:
            start, after_bracket = parens.pop()
            if after_bracket:
                cost += at - start
    end = len(block)
    return (cost + sum(end - at for at in brackets)
            + sum(end - at for at, after_bracket in parens if after_bracket))


def _fenced(lines: list[str]) -> tuple[set[int], int]:
    """The indexes of lines inside closed fenced blocks (fences included), and how many blocks."""
    inside: set[int] = set()
    blocks, opened, fence = 0, None, ""
    for index, line in enumerate(lines):
        if opened is None:
            found = _FENCE.match(line)
            if found:
                opened, fence = index, found.group()
        elif line.rstrip(" ") == fence:
            inside.update(range(opened, index + 1))
            blocks, opened = blocks + 1, None
    return inside, blocks


@dataclass(frozen=True)
class Figures:
    depth: int      # the deepest line
    scan: int       # characters walked again by the link scanners and block splits
    fences: int
    abbreviations: int


def measure(text: str) -> Figures:
    """The pre-scan's figures for `text`, in one pass over its lines."""
    lines = text.split("\n")
    code, fences = _fenced(lines)
    depth = scan = abbreviations = length = 0   # length: of the block so far, newlines included
    block: list[str] = []
    splits: list[int] = []      # where, in the block, a heading or rule line starts

    def close_block():
        nonlocal scan, length
        if block:
            joined = "\n".join(block)
            scan += _scan_cost(joined) + sum(len(joined) - at for at in splits)
            block.clear()
            splits.clear()
            length = 0

    for index, line in enumerate(lines):
        if index in code or not line.strip():
            close_block()
            continue
        depth = max(depth, _depth(line))
        abbreviations += _ABBREVIATION.match(line) is not None
        if _SPLITS_BLOCK.match(line):
            splits.append(length)
        block.append(line)
        length += len(line) + 1
    close_block()
    return Figures(depth=depth, scan=scan, fences=fences, abbreviations=abbreviations)


def exceeded(text: str, limits: Limits) -> str | None:
    """The first bound `text` exceeds ("chars", "depth", "scan", "fences", "abbreviations"), or None."""
    if len(text) > limits.max_chars:
        return "chars"
    figures = measure(text)
    for bound, value, most in (("depth", figures.depth, limits.max_depth),
                               ("scan", figures.scan, limits.max_scan),
                               ("fences", figures.fences, limits.max_fences),
                               ("abbreviations", figures.abbreviations, limits.max_abbreviations)):
        if value > most:
            return bound
    return None


def problem(text: str, limits: Limits, field: str):
    """None when `text` is within `limits`, else a (lazy) message naming `field` and the bound."""
    bound = exceeded(text, limits)
    if bound == "chars":
        return _l("'%(field)s' is longer than %(n)d characters.", field=field, n=limits.max_chars)
    if bound == "depth":
        return _l("'%(field)s' nests lists, quotes or indents more than %(n)d levels deep.",
                  field=field, n=limits.max_depth)
    if bound == "scan":
        return _l("'%(field)s' is too hard to format: too many unclosed brackets “[” or “(”, or "
                  "headings without blank lines around them. Close the brackets (or write \\[) "
                  "and put blank lines between paragraphs.", field=field)
    if bound == "fences":
        return _l("'%(field)s' has more than %(n)d code blocks.", field=field, n=limits.max_fences)
    if bound == "abbreviations":
        return _l("'%(field)s' defines more than %(n)d abbreviations.", field=field,
                  n=limits.max_abbreviations)
    return None


# ---- the deadline ----------------------------------------------------------------------------

def _checked(step, deadline: float):
    def step_before_deadline(*args):
        if time.monotonic() > deadline:
            raise RenderTimeout
        return step(*args)
    return step_before_deadline


def watch(md, seconds: float):
    """Arm a deadline `seconds` from now on a fresh Markdown instance: every block test and
    inline match checks it first (one clock read each) and raises RenderTimeout past it."""
    deadline = time.monotonic() + seconds
    for processor in md.parser.blockprocessors:
        processor.test = _checked(processor.test, deadline)
    for pattern in md.inlinePatterns:
        pattern.handleMatch = _checked(pattern.handleMatch, deadline)
    return md
