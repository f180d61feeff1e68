"""The responses to one question, in words, with their counts (Moodle's response analysis).

Responses arrive as the stored JSON text (the answers' `response`) with the attempt
question's `layout` text: choice options are stored as opaque ids that differ per attempt,
so the layout says which option of the file an id was. Parsing 500,000 layouts would cost
more than the rest of the statistics together, so the option's index is read straight from
the text json.dumps wrote (`"id": "<id>", "index": <n>`), falling back to parsing when
that text is not found (another serializer).
"""
from __future__ import annotations

import json
import re
from collections import Counter

from flask_babel import gettext as _

from ...quizzes.questions import Question

FREE_TEXT_SHOWN = 30   # the most frequent short and numerical responses listed
CHOICE_TYPES = ("single", "multiple")
_INDEX = re.compile(r"\d+")


def option_index(layout_text: str | None, option_json: str) -> int | None:
    """The file index of the option whose id is `option_json` (a JSON string, quotes included)."""
    if not layout_text:
        return None
    found = layout_text.find(f'"id": {option_json}, "index": ')
    if found >= 0:
        match = _INDEX.match(layout_text, found + len(option_json) + 17)
        if match:
            return int(match.group())
    option = json.loads(option_json)
    for entry in json.loads(layout_text).get("options", []):
        if entry.get("id") == option:
            return entry.get("index")
    return None


def _loads(text):
    return None if text is None else json.loads(text)


def _plain(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def response_counts(question: Question, entries: list[tuple]) -> list[tuple[str, int]]:
    """(response in words, count), from grouped rows (option index or None, response text,
    layout text, count) of the attempts that had the question. Choice questions list every
    option, in the file's order, even those nobody chose; free text the most frequent first;
    essays none (long texts)."""
    no_answer = _("(no answer)")
    if question.type in ("essay", "description"):
        return []
    if question.type == "single":
        counts: Counter = Counter()
        for index, response, layout, n in entries:
            if index is None and response not in (None, "null"):
                index = option_index(layout, response)
            counts[index] += n
        rows = [(_plain(choice.text), counts.get(index, 0)) for index, choice in enumerate(question.choices)]
        return rows + ([(no_answer, counts[None])] if counts.get(None) else [])
    if question.type == "multiple":
        counts = Counter()
        for _index, response, layout, n in entries:
            chosen = _loads(response) or []
            counts[tuple(sorted(option_index(layout, json.dumps(option)) for option in chosen))] += n
        rows = [(_plain(choice.text), sum(n for combo, n in counts.items() if index in combo))
                for index, choice in enumerate(question.choices)]
        empty = counts.get((), 0)
        return rows + ([(no_answer, empty)] if empty else [])
    if question.type == "true_false":
        counts = Counter()
        for _index, response, _layout, n in entries:
            counts[_loads(response)] += n
        rows = [(_("True"), counts.get(True, 0)), (_("False"), counts.get(False, 0))]
        return rows + ([(no_answer, counts[None])] if counts.get(None) else [])
    counts = Counter()
    for _index, response, layout, n in entries:
        if question.type == "matching":
            counts[_matching_words(question, _loads(response) or {}, _loads(layout) or {})] += n
            continue
        value = _loads(response)  # short, numerical: the text as typed (trimmed)
        counts[None if value in (None, "") else _plain(f"{value:g}" if isinstance(value, float) else str(value))] += n
    return _most_common(counts, no_answer)


def _matching_words(question: Question, response: dict, layout: dict) -> str | None:
    rights = {o["id"]: question.pairs[o["index"]].right for o in layout.get("right", [])}
    parts = [f"{_plain(question.pairs[o['index']].left, 40)} → {_plain(rights[response[o['id']]], 40)}"
             for o in sorted(layout.get("left", []), key=lambda o: o["index"]) if response.get(o["id"]) in rights]
    return "; ".join(parts) or None


def _most_common(counts: Counter, no_answer: str) -> list[tuple[str, int]]:
    rows = [(text, n) for text, n in counts.most_common() if text is not None][:FREE_TEXT_SHOWN]
    return rows + ([(no_answer, counts[None])] if counts.get(None) else [])
