"""Writes `Question`s as Moodle GIFT text that gift.parse_gift reads back unchanged.

Round trip means equal in every field except `line` (and `points`, and `manual` outside
essays, which GIFT cannot hold). Texts are kept as the parser leaves them: trimmed, with
None (not "") for a missing title, category or feedback. What GIFT cannot express at all
raises ValueError rather than writing something that would read back differently.
"""
from __future__ import annotations

import math
from decimal import Decimal

from learnhub.quizzes.gift import BLANK, CATEGORY, FORMAT_TAG
from learnhub.quizzes.questions import Choice, Question

_ESCAPES = str.maketrans({"\\": "\\\\", "~": "\\~", "=": "\\=", "#": "\\#", "{": "\\{",
                          "}": "\\}", ":": "\\:", "\n": "\\n"})


def to_gift(questions: list[Question]) -> str:
    """GIFT text for `questions`, with a `$CATEGORY:` line wherever the category changes."""
    parts, category = [], None
    for question in questions:
        if (question.category or None) != category:
            category = question.category or None
            parts.append(f"{CATEGORY} {_escape(category or '')}".rstrip())
        try:
            parts.append(_question(question))
        except ValueError as error:
            raise ValueError(f"question at line {question.line}: {error}") from None
    return "\n\n".join(parts) + "\n" if parts else ""


def _escape(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").translate(_ESCAPES)


def _inner(text: str, text_format: str) -> str:
    """An answer or feedback text; a leading literal tag is shielded by a real one."""
    tag = f"[{text_format}]" if FORMAT_TAG.match(text) else ""
    return tag + _escape(text)


def _feedback(text: str | None, text_format: str) -> str:
    return f"#{_inner(text, text_format)}" if text else ""


def _question(question: Question) -> str:
    head = f"::{_escape(question.title)}::" if question.title else ""
    text = question.text
    # A tag is needed for another format, and shields text that starts like a tag or a comment.
    if question.text_format != "moodle" or FORMAT_TAG.match(text) or text.startswith("//"):
        head += f"[{question.text_format}]"
    if question.type == "description":
        if question.general_feedback or question.missing_word:
            raise ValueError("a description cannot have general feedback or a blank")
        return head + _escape(text)
    inline = question.missing_word or question.type in ("true_false", "essay")
    block = _answer_block(question, inline)
    if not question.missing_word:
        return f"{head}{_escape(text)} {block}"
    before, blank, after = text.partition(BLANK)
    if not blank or not after.strip():
        raise ValueError(f"a missing-word text needs '{BLANK}' followed by more text")
    return f"{head}{_escape(before)}{block}{_escape(after)}"


def _answer_block(question: Question, inline: bool) -> str:
    """`{...}`: one answer a line, or all on one line inside a missing-word text."""
    fmt, opener = question.text_format, "{"
    if question.type == "essay":
        answers = []
    elif question.type == "true_false":
        answers = [_true_false(question)]
    elif question.type in ("single", "multiple"):
        answers = [mark + _inner(c.text, fmt) + _feedback(c.feedback, fmt)
                   for mark, c in zip(_choice_marks(question), question.choices, strict=True)]
    elif question.type == "short":
        answers = [_short_answer(choice, fmt) for choice in question.choices]
    elif question.type == "numerical":
        opener = "{#"
        answers = _numerical(question)
    elif question.type == "matching":
        answers = [_pair(pair.left, pair.right, fmt) for pair in question.pairs]
    else:
        raise ValueError(f"unknown question type '{question.type}'")
    if question.general_feedback:
        answers.append("####" + _inner(question.general_feedback, fmt))
    if inline or len(answers) < 2:
        return opener + " ".join(answers) + "}"
    return opener + "\n" + "\n".join(answers) + "\n}"


def _true_false(question: Question) -> str:
    if question.true_false is None:
        raise ValueError("a true/false question needs its right answer")
    # Moodle's order: the first feedback is for a wrong answer, the second for a right one.
    if question.true_false:
        word, right, wrong = "TRUE", question.feedback_true, question.feedback_false
    else:
        word, right, wrong = "FALSE", question.feedback_false, question.feedback_true
    fmt = question.text_format
    if right:
        return f"{word}#{_inner(wrong or '', fmt)}#{_inner(right, fmt)}"
    return word + _feedback(wrong, fmt)


def _numerical(question: Question) -> list[str]:
    """`=value` answers, then Moodle's `~#feedback` catch-all, which must come last."""
    fmt, answers = question.text_format, []
    for i, answer in enumerate(question.numeric):
        if answer.low is None and answer.high is None:
            if i != len(question.numeric) - 1:
                raise ValueError("a numerical catch-all answer (no bounds) must be the last one")
            if answer.fraction != 0.0:
                raise ValueError("a numerical catch-all answer (no bounds) gives no credit in GIFT")
            answers.append("~" + _feedback(answer.feedback, fmt))
        elif answer.low is None or answer.high is None:
            raise ValueError("a numerical answer needs both bounds, or neither for a catch-all")
        else:
            answers.append(_weighted("=", answer.fraction, "") + _range(answer.low, answer.high)
                           + _feedback(answer.feedback, fmt))
    if not any(answer.startswith("=") for answer in answers):
        raise ValueError("a numerical question needs an answer besides the catch-all")
    return answers


def _choice_marks(question: Question) -> list[str]:
    """`=`, `~` or a weighted mark for each choice, so that the type reads back the same.

    The parser makes a question "single" when some answer has `=`, and takes a block
    without `~` for short answers: a single question needs both marks.
    """
    choices = question.choices
    if question.type == "multiple":
        return [_weighted("~", c.fraction, c.text, default=0.0) for c in choices]
    right = [i for i, c in enumerate(choices) if c.fraction == 1.0]
    if not right and choices:
        right = [max(range(len(choices)), key=lambda i: choices[i].fraction)]
    if len(right) == len(choices):
        right = right[:-1]
    return [_weighted("=" if i in right else "~", c.fraction, c.text,
                      default=1.0 if i in right else 0.0) for i, c in enumerate(choices)]


def _short_answer(choice: Choice, text_format: str) -> str:
    if "->" in choice.text or "->" in (choice.feedback or ""):
        raise ValueError("a short answer with '->' would read back as a matching question")
    return _weighted("=", choice.fraction, choice.text) + _inner(choice.text, text_format) \
        + _feedback(choice.feedback, text_format)


def _pair(left: str, right: str, text_format: str) -> str:
    if "->" in left:
        raise ValueError("the left side of a matching pair cannot contain '->'")
    return f"={_inner(left, text_format)} -> {_inner(right, text_format)}"


def _weighted(mark: str, fraction: float, text: str, default: float = 1.0) -> str:
    """`mark`, with `%n%` when the fraction is not the mark's default or the text starts with %."""
    if fraction == default and not text.startswith("%"):
        return mark
    return f"{mark}%{_plain(Decimal(repr(fraction)) * 100)}%"


def _range(low: float, high: float) -> str:
    # `low..high` gives back exactly the same floats; `value:tolerance` might not.
    return _number(low) if low == high else f"{_number(low)}..{_number(high)}"


def _number(value: float) -> str:
    if not math.isfinite(value):
        raise ValueError(f"a numerical answer cannot be {value}")
    return _plain(Decimal(repr(value)))


def _plain(number: Decimal) -> str:
    """`number` without exponent or trailing zeros: 50, 33.33333, -0.5."""
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "0") else text
