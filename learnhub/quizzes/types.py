"""The question types registry: layout, public view, response checks, grading, review.

Each type answers the same questions, so attempts, the API and the pages never branch on
the type themselves. Nothing in `public` reveals which option is right.
"""
from __future__ import annotations

import math
import random
import re
import secrets
import unicodedata
from abc import ABC, abstractmethod
from functools import lru_cache

from flask_babel import lazy_gettext as _l
from markupsafe import escape

from ..core.markdown import render_markdown, sanitize
from ..core.text import is_valid_text
from .questions import Question

MAX_TEXT_RESPONSE = 20_000


class InvalidResponse(ValueError):
    """The response does not have the shape the question type needs."""

    def __init__(self, message):
        super().__init__(str(message))


@lru_cache(maxsize=4096)
def render_text(text: str, text_format: str) -> str:
    """Question and feedback text to safe HTML, per its GIFT format tag."""
    if text_format == "html":
        return sanitize(text)
    if text_format == "plain":
        return str(escape(text)).replace("\n", "<br>")
    return render_markdown(text).html  # markdown, and Moodle's auto-format read as Markdown


def _opaque_ids(count: int) -> list[str]:
    """Random option ids from the OS, not from the attempt's seeded shuffle: nothing about
    them can be worked back to the options' order in the file. (One draw for all of them:
    a crowd starting an exam draws thousands.)"""
    ids: list[str] = []
    while len(ids) < count:
        drawn = secrets.token_hex(4 * (count - len(ids)))
        for start in range(0, len(drawn), 8):
            if drawn[start:start + 8] not in ids:
                ids.append(drawn[start:start + 8])
    return ids


def _normalise_text(value: str) -> str:
    """Compare answers as people mean them: full-width letters (Chinese keyboards) = ASCII."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", value).strip()).casefold()


_WILDCARDS = re.compile(r"(?<!\\)\*+")   # a run of `*` not preceded by a backslash


@lru_cache(maxsize=4096)
def short_answer_pattern(answer: str) -> re.Pattern:
    """Moodle's short-answer matching: `*` stands for any characters (none included),
    `\\*` is a literal asterisk; otherwise compared as `_normalise_text` does."""
    bits = [bit.replace("\\*", "*") for bit in _WILDCARDS.split(answer)]
    normalised = [re.sub(r"\s+", " ", unicodedata.normalize("NFKC", bit)).casefold() for bit in bits]
    normalised[0], normalised[-1] = normalised[0].lstrip(), normalised[-1].rstrip()
    return re.compile(".*".join(re.escape(bit) for bit in normalised), re.DOTALL)


def short_answer_display(answer: str) -> str:
    """An accepted answer as a person reads it: `\\*` shown as the `*` it stands for."""
    return answer.replace("\\*", "*")


AMBIGUOUS_NUMBER = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$|,.*\.|\..*,")


class QuestionType(ABC):
    """Defaults shared by the simple types; subclasses override what differs."""

    name = ""

    def layout(self, question: Question, rng: random.Random, shuffle: bool) -> dict:
        return {}

    def public(self, question: Question, layout: dict) -> dict:
        return {}

    @abstractmethod
    def validate(self, layout: dict, response):
        """The response in canonical form, or InvalidResponse. Its shape depends on the type
        and the attempt's layout only, never on the question's text or keys: the autosave
        checks it from what it keeps of an attempt (quizzes.autosave), not the question."""

    @abstractmethod
    def grade(self, question: Question, layout: dict, response) -> float | None:
        """The fraction earned, 0..1; None when staff must grade it."""

    def correct_response(self, question: Question, layout: dict):
        return None

    def answer_feedback(self, question: Question, layout: dict, response) -> str | None:
        return None


class ChoiceType(QuestionType, ABC):
    """single and multiple: options with opaque ids in a (possibly shuffled) order."""

    def layout(self, question, rng, shuffle):
        order = list(range(len(question.choices)))
        if shuffle:
            rng.shuffle(order)
        ids = _opaque_ids(len(order))
        return {"options": [{"id": i, "index": n} for i, n in zip(ids, order, strict=True)]}

    def public(self, question, layout):
        return {"options": [{"id": o["id"], "text_html": render_text(question.choices[o["index"]].text,
                                                                      question.text_format)}
                            for o in layout["options"]]}

    def _index(self, layout) -> dict[str, int]:
        return {o["id"]: o["index"] for o in layout["options"]}


class SingleType(ChoiceType):
    name = "single"

    def validate(self, layout, response):
        if response is None:
            return None
        if not isinstance(response, str) or response not in self._index(layout):
            raise InvalidResponse(_l("a single-choice answer is one option id"))
        return response

    def grade(self, question, layout, response):
        if response is None:
            return 0.0
        return max(0.0, question.choices[self._index(layout)[response]].fraction)

    def correct_response(self, question, layout):
        best = max(question.choices, key=lambda c: c.fraction)
        return next(o["id"] for o in layout["options"] if question.choices[o["index"]] is best)

    def answer_feedback(self, question, layout, response):
        if response is None:
            return None
        return question.choices[self._index(layout)[response]].feedback


class MultipleType(ChoiceType):
    name = "multiple"

    def validate(self, layout, response):
        if response is None:
            return []
        index = self._index(layout)
        if (not isinstance(response, list) or not all(isinstance(r, str) and r in index for r in response)
                or len(set(response)) != len(response)):
            raise InvalidResponse(_l("a multiple-answer response is a list of distinct option ids"))
        return response

    def grade(self, question, layout, response):
        index = self._index(layout)
        total = sum(question.choices[index[r]].fraction for r in response or [])
        return min(1.0, max(0.0, total))  # penalties floor at 0 per question

    def correct_response(self, question, layout):
        return [o["id"] for o in layout["options"] if question.choices[o["index"]].fraction > 0]

    def answer_feedback(self, question, layout, response):
        index = self._index(layout)
        texts = [question.choices[index[r]].feedback for r in response or []]
        return "\n\n".join(t for t in texts if t) or None


class TrueFalseType(QuestionType):
    name = "true_false"

    def validate(self, layout, response):
        if response is not None and not isinstance(response, bool):
            raise InvalidResponse(_l("a true/false answer is true or false"))
        return response

    def grade(self, question, layout, response):
        return 1.0 if response is not None and response == question.true_false else 0.0

    def correct_response(self, question, layout):
        return question.true_false

    def answer_feedback(self, question, layout, response):
        if response is None:
            return None
        return question.feedback_true if response else question.feedback_false


class TextType(QuestionType, ABC):
    """short and essay: free text."""

    def validate(self, layout, response):
        if response is None:
            return None
        if not isinstance(response, str):
            raise InvalidResponse(_l("this answer is a string"))
        if len(response) > MAX_TEXT_RESPONSE:
            raise InvalidResponse(_l("answers are at most %(n)d characters", n=MAX_TEXT_RESPONSE))
        if not is_valid_text(response):
            raise InvalidResponse(_l("answers cannot contain NUL characters or unpaired surrogates"))
        return response


class MatchedAnswers(ABC):
    """Types graded by the accepted answers a response matches (short, numerical):
    the best match scores, and its feedback is the one shown."""

    @abstractmethod
    def _matches(self, question, response) -> list:
        """The accepted answers (Choice or NumericAnswer) the response matches."""

    def grade(self, question, layout, response):
        return max([max(0.0, m.fraction) for m in self._matches(question, response)], default=0.0)

    def answer_feedback(self, question, layout, response):
        matches = self._matches(question, response)
        return max(matches, key=lambda m: m.fraction).feedback if matches else None


class ShortType(MatchedAnswers, TextType):
    name = "short"

    def _matches(self, question, response):
        given = _normalise_text(response or "")
        if not given:
            return []
        return [c for c in question.choices if short_answer_pattern(c.text).fullmatch(given)]

    def correct_response(self, question, layout):
        # Among the best answers, one without a wildcard reads as an answer ("Beijing",
        # not "*" or "Bei*").
        best = max(c.fraction for c in question.choices)
        tops = [c for c in question.choices if c.fraction == best]
        plain = [c for c in tops if not _WILDCARDS.search(c.text)]
        return short_answer_display((plain or tops)[0].text)


class EssayType(TextType):
    name = "essay"

    def grade(self, question, layout, response):
        return None  # staff grade it


class NumericalType(MatchedAnswers, QuestionType):
    name = "numerical"

    def validate(self, layout, response):
        if response is None or response == "":
            return None
        if isinstance(response, bool):
            raise InvalidResponse(_l("a numerical answer is a number"))
        text = unicodedata.normalize("NFKC", str(response)).strip().replace(" ", "")
        if AMBIGUOUS_NUMBER.search(text):
            # "1,000" could mean a thousand or one: ask for it without separators.
            raise InvalidResponse(_l("write the number without thousands separators"))
        try:
            value = float(text.replace(",", "."))
        except ValueError:
            raise InvalidResponse(_l("a numerical answer is a number")) from None
        if not math.isfinite(value):
            raise InvalidResponse(_l("a numerical answer is a finite number"))
        return value

    def _matches(self, question, response):
        if response is None:
            return []
        matched = [a for a in question.numeric if a.low is not None and a.low <= response <= a.high]
        # Moodle's `~` catch-all (no bounds) answers whatever no other answer matched.
        return matched or [a for a in question.numeric if a.low is None]

    def correct_response(self, question, layout):
        best = max((a for a in question.numeric if a.low is not None), key=lambda a: a.fraction)
        # The midpoint of 3.13..3.15 is 3.1399999999999997 in binary: show what the author wrote.
        return float(f"{(best.low + best.high) / 2:.12g}")


class MatchingType(QuestionType):
    name = "matching"

    def layout(self, question, rng, shuffle):
        lefts = [i for i, pair in enumerate(question.pairs) if pair.left]
        rights: list[int] = []
        for i, pair in enumerate(question.pairs):  # one right option per distinct text
            if all(question.pairs[j].right != pair.right for j in rights):
                rights.append(i)
        if shuffle:
            rng.shuffle(lefts)
        rng.shuffle(rights)  # always: the order would otherwise give the pairs away
        left_ids = _opaque_ids(len(lefts) + len(rights))  # the rights' ids follow the lefts'
        return {"left": [{"id": i, "index": n} for i, n in zip(left_ids, lefts, strict=False)],
                "right": [{"id": i, "index": n} for i, n in zip(left_ids[len(lefts):], rights, strict=True)]}

    def public(self, question, layout):
        fmt = question.text_format
        return {"options": {
            "left": [{"id": o["id"], "text_html": render_text(question.pairs[o["index"]].left, fmt)}
                     for o in layout["left"]],
            "right": [{"id": o["id"], "text_html": render_text(question.pairs[o["index"]].right, fmt)}
                      for o in layout["right"]]}}

    def validate(self, layout, response):
        if response is None:
            return {}
        lefts = {o["id"] for o in layout["left"]}
        rights = {o["id"] for o in layout["right"]}
        if not isinstance(response, dict) or not all(
                k in lefts and (v is None or (isinstance(v, str) and v in rights))
                for k, v in response.items()):
            raise InvalidResponse(_l("a matching answer maps left ids to right ids"))
        return {k: v for k, v in response.items() if v is not None}

    def grade(self, question, layout, response):
        right_text = {o["id"]: question.pairs[o["index"]].right for o in layout["right"]}
        lefts = layout["left"]
        right = sum(1 for o in lefts if right_text.get((response or {}).get(o["id"]))
                    == question.pairs[o["index"]].right)
        return right / len(lefts) if lefts else 0.0

    def correct_response(self, question, layout):
        by_text = {question.pairs[o["index"]].right: o["id"] for o in layout["right"]}
        return {o["id"]: by_text[question.pairs[o["index"]].right] for o in layout["left"]}


class DescriptionType(QuestionType):
    name = "description"

    def validate(self, layout, response):
        raise InvalidResponse(_l("a description takes no answer"))

    def grade(self, question, layout, response):
        return None


REGISTRY: dict[str, QuestionType] = {t.name: t for t in (
    SingleType(), MultipleType(), TrueFalseType(), ShortType(), EssayType(), NumericalType(),
    MatchingType(), DescriptionType())}


def question_type(question: Question) -> QuestionType:
    return REGISTRY[question.type]
