"""Importers for question files written in formats other than GIFT.

* Aiken (Moodle's one-right-answer multiple-choice format), `parse_aiken`.
* Questionnaire Star (问卷星, wjx.cn) plain text as used by its 文本导入 feature,
  `parse_wjx`.

Both parsers are strict: they read the whole file, collect every problem as
(line, message) and raise `QuizFormatError` if there is any, so a file is imported
completely or not at all. Lines are numbered from 1, as an editor shows them; a UTF-8
BOM and CRLF / CR line endings are accepted.
"""
from __future__ import annotations

from ..questions import Question
from .aiken import parse_aiken
from .wjx import parse_wjx

__all__ = ["parse_aiken", "parse_wjx", "parse_questions"]

_PARSERS = {"aiken": parse_aiken, "wjx": parse_wjx}


def parse_questions(text: str, fmt: str) -> list[Question]:
    """Parse `text` in format `fmt` ("aiken" or "wjx"); ValueError for another format."""
    try:
        parser = _PARSERS[fmt]
    except (KeyError, TypeError):
        raise ValueError(f"unknown question format {fmt!r} (known: "
                         f"{', '.join(sorted(_PARSERS))})") from None
    return parser(text)

