"""Reads Moodle GIFT question files into `Question`s (gift_writer.py writes them back).

The rules follow Moodle's question/format/gift/format.php; where Moodle silently guesses,
this parser reports a problem instead:
- a numerical answer that is not a number (Moodle turns it into a catch-all wildcard);
- an answer without its `=`/`~` marker (so `{true}`, which Moodle takes for a short answer
  "true", is refused rather than read as true/false), `{...}` inside an answer block, a
  second answer block, a `#` inside a matching pair, a choice question with no right answer;
- in a numerical question, a `~` catch-all that is not the last answer, has a value, or
  comes twice (Moodle would read what follows it as its feedback).
As in Moodle, true/false is only T, TRUE, F or FALSE (capitals); a numerical `~#feedback`
is the 0-credit answer for any other response (stored with no bounds, see NumericAnswer);
a short answer's `*` is a wildcard for any run of characters (`\\*` in the file is a literal
`*`), applied when grading, not here. Other differences: `=%50%` is a weighted `=` in a
choice question (Moodle keeps "%50%" in the text), escapes are resolved in category names.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal

from learnhub.quizzes.questions import TEXT_FORMATS, Choice, MatchPair, NumericAnswer, Question, QuizFormatError

BLANK = "_____"                      # where a missing-word answer block stood in the text
CATEGORY = "$CATEGORY:"
FORMAT_TAG = re.compile(r"\[(%s)\]" % "|".join(TEXT_FORMATS))
TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}

# Escaped characters are swapped for private-use characters before any splitting, so a
# `\=` is never taken for a marker; they become real characters again in the final texts.
_HIDDEN = {char: chr(0xE000 + i) for i, char in enumerate("\\~=#{}:n")}
_ESCAPE = re.compile(r"\\([\\~=#{}:n])")
_REVEAL = str.maketrans({hidden: "\n" if char == "n" else char for char, hidden in _HIDDEN.items()})
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_WEIGHT = re.compile(r"\s*%([^%\n]*)%")


def parse_gift(text: str, first_line: int = 1) -> list[Question]:
    """Parse GIFT `text` whose first line is line `first_line` of its file.

    Raises QuizFormatError listing every problem found, each with its file line.
    """
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    questions: list[Question] = []
    problems: list[tuple[int, str]] = []
    category = None
    for block in _blocks(text, first_line):
        category = block.take_categories(category)
        if not block.lines:
            continue
        question = _QuestionReader(block, problems).read()
        if question is not None:
            question.category = category
            questions.append(question)
    if problems:
        raise QuizFormatError(sorted(problems, key=lambda problem: problem[0]))
    return questions


@dataclass
class _Block:
    """The lines of one question (comments dropped, escapes hidden) and their file lines."""

    lines: list[str]
    numbers: list[int]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def line_at(self, pos: int) -> int:
        return self.numbers[self.text.count("\n", 0, pos)]

    def take_categories(self, category: str | None) -> str | None:
        # Moodle wants `$CATEGORY:` alone in its block; we also accept it just above a question.
        while self.lines and self.lines[0].strip().startswith(CATEGORY):
            category = _reveal(self.lines[0].strip()[len(CATEGORY):]).strip() or None
            del self.lines[0], self.numbers[0]
        return category


def _blocks(text: str, first_line: int):
    """Yield the blank-line separated blocks of `text`; `//` comment lines don't separate."""
    block = _Block([], [])
    for number, line in enumerate(text.split("\n"), start=first_line):
        if line.strip().startswith("//"):
            continue
        if line.strip():
            block.lines.append(_ESCAPE.sub(lambda m: _HIDDEN[m.group(1)], line))
            block.numbers.append(number)
        elif block.lines:
            yield block
            block = _Block([], [])
    if block.lines:
        yield block


def _reveal(text: str) -> str:
    return text.translate(_REVEAL)


def _split_tag(text: str) -> tuple[str | None, str]:
    """A known `[format]` tag at the start of `text`; an unknown one stays part of the text."""
    text = text.strip()
    match = FORMAT_TAG.match(text)
    return (match.group(1), text[match.end():]) if match else (None, text)


def _clean(text: str) -> str:
    """The final form of an answer or feedback text: tag dropped, escapes resolved, trimmed."""
    return _reveal(_split_tag(text)[1]).strip()


def _decimal(text: str) -> Decimal | None:
    # Decimal keeps "3.14" - "0.01" exactly 3.13, and weights like 33.33333% exact.
    text = text.strip()
    return Decimal(text) if _NUMBER.fullmatch(text) else None


@dataclass
class _Answer:
    marker: str        # "=" or "~"
    raw: str           # the text after the marker, escapes still hidden
    pos: int           # offset of the marker in the block text, for messages


class _QuestionReader:
    """Parses one block into a Question, appending (line, message) to `problems`."""

    def __init__(self, block: _Block, problems: list[tuple[int, str]]):
        self.block = block
        self.text = block.text
        self.problems = problems
        self.failed = False

    def error(self, pos: int, message: str) -> None:
        self.problems.append((self.block.line_at(pos), message))
        self.failed = True

    def read(self) -> Question | None:
        title, start = self._title()
        if start is None:
            return None
        span = self._answer_span(start)
        if span is False:
            return None
        question = self._stem(title, start, span)
        if span is not None:
            self._answers(question, span)
        if not question.text:
            self.error(start, "the question has no text")
        return None if self.failed else question

    def _title(self) -> tuple[str | None, int | None]:
        body = self.text.lstrip()
        start = len(self.text) - len(body)
        if not body.startswith("::"):
            return None, start
        end = body.find("::", 2)
        if end < 0:
            self.error(start, "the title's closing '::' is missing")
            return None, None
        return _reveal(body[2:end]).strip() or None, start + end + 2

    def _answer_span(self, start: int) -> tuple[int, int] | None | bool:
        """(open, close) of the answer block, None if there is none, False on brace errors."""
        spans, opened, ok = [], None, True
        for pos in range(start, len(self.text)):
            char = self.text[pos]
            if char == "{" and opened is not None:
                self.error(pos, "a '{' inside an answer block (is the one before never closed?)")
                ok = False
            elif char == "{":
                opened = pos
            elif char == "}" and opened is None:
                self.error(pos, "a '}' without a matching '{'")
                ok = False
            elif char == "}":
                spans.append((opened, pos))
                opened = None
        if opened is not None:
            self.error(opened, "unbalanced braces: '{' is never closed")
            ok = False
        if len(spans) > 1:
            self.error(spans[1][0], "a question can have only one answer block")
            ok = False
        if not ok:
            return False
        return spans[0] if spans else None

    def _stem(self, title: str | None, start: int, span: tuple[int, int] | None) -> Question:
        stem, missing_word = self.text[start:], False
        if span is not None:
            before, after = self.text[start:span[0]], self.text[span[1] + 1:]
            # As in Moodle: text after the block (the missing word format) leaves a blank.
            missing_word = bool(_reveal(after).strip())
            stem = before + BLANK + after if missing_word else before
        text_format, stem = _split_tag(stem)
        return Question(type="description", text=_reveal(stem).strip(), line=self.block.numbers[0],
                        title=title, text_format=text_format or "moodle",
                        missing_word=missing_word)

    def _answers(self, question: Question, span: tuple[int, int]) -> None:
        body, offset = self.text[span[0] + 1:span[1]], span[0] + 1
        general = body.rfind("####")
        if general >= 0:
            question.general_feedback = _clean(body[general + 4:]) or None
            body = body[:general]
        stripped = body.strip()
        if not stripped:
            question.type, question.manual = "essay", True
        elif stripped.startswith("#"):
            self._numerical(question, body, offset)
        elif "~" in stripped:
            self._choices(question, body, offset)
        elif "=" in stripped and "->" in stripped:
            self._matching(question, body, offset)
        elif stripped.split("#", 1)[0].strip() in TRUE_FALSE:  # case-sensitive, as in Moodle
            self._true_false(question, body)
        else:
            self._short(question, body, offset)

    # -- the answer texts -------------------------------------------------------------

    def _split(self, body: str, offset: int, markers: str) -> tuple[str, list[_Answer]]:
        """The text before the first marker, and each marked answer."""
        found = list(re.finditer(f"[{markers}]", body))
        lead = body[:found[0].start()] if found else body
        answers = []
        for i, match in enumerate(found):
            end = found[i + 1].start() if i + 1 < len(found) else len(body)
            answers.append(_Answer(match.group(), body[match.end():end], offset + match.start()))
        return lead, answers

    def _refuse_lead(self, lead: str, offset: int, markers: str) -> None:
        # Moodle quietly takes such text as an answer; it is usually a forgotten marker.
        if lead.strip():
            pos = offset + len(lead) - len(lead.lstrip())
            self.error(pos, f"answer '{_reveal(lead).strip()}' must start with {markers}")

    def _weight(self, answer: _Answer, default: float) -> tuple[float, str]:
        """The fraction given by a leading `%n%` (or `default`), and the rest of the text."""
        match = _WEIGHT.match(answer.raw)
        if not match:
            return default, answer.raw
        percent = _decimal(match.group(1))
        if percent is None:
            self.error(answer.pos, f"answer weight '%{_reveal(match.group(1))}%' is not a number")
            return default, answer.raw[match.end():]
        if not -100 <= percent <= 100:
            self.error(answer.pos, f"answer weight {match.group(1).strip()}% is outside -100..100")
        return float(percent / 100), answer.raw[match.end():]

    def _text_and_feedback(self, answer: _Answer, raw: str) -> tuple[str, str | None]:
        text, _, feedback = raw.partition("#")
        text = _clean(text)
        if not text:
            self.error(answer.pos, "an answer has no text")
        return text, _clean(feedback) or None

    # -- one method per kind of answer block --------------------------------------------

    def _choices(self, question: Question, body: str, offset: int) -> None:
        lead, answers = self._split(body, offset, "=~")
        self._refuse_lead(lead, offset, "'=' or '~'")
        for answer in answers:
            fraction, raw = self._weight(answer, 1.0 if answer.marker == "=" else 0.0)
            text, feedback = self._text_and_feedback(answer, raw)
            question.choices.append(Choice(text, fraction, feedback))
        # Moodle's rule: with no `=` answer, the choices are check boxes ("multiple answers").
        question.type = "single" if any(a.marker == "=" for a in answers) else "multiple"
        if len(answers) < 2:
            self.error(offset - 1, "a multiple-choice question needs at least two choices")
        elif not any(choice.fraction > 0 for choice in question.choices):
            self.error(offset - 1, "a multiple-choice question needs at least one right answer")

    def _short(self, question: Question, body: str, offset: int) -> None:
        question.type = "short"
        lead, answers = self._split(body, offset, "=")
        word = _reveal(lead.split("#", 1)[0]).strip()
        if not answers and word.upper() in TRUE_FALSE:
            # Moodle's true/false check is case-sensitive: {true} or {t} is a short answer
            # whose one accepted answer is that word, and it imports as Moodle reads it.
            text, feedback = self._text_and_feedback(lead, lead)
            question.choices.append(Choice(text, 1.0, feedback))
            return
        self._refuse_lead(lead, offset, "'='")
        for answer in answers:
            fraction, raw = self._weight(answer, 1.0)
            text, feedback = self._text_and_feedback(answer, raw)
            question.choices.append(Choice(text, fraction, feedback))

    def _true_false(self, question: Question, body: str) -> None:
        # Moodle's order: {T#feedback for a wrong answer#feedback for a right answer}.
        parts = [_clean(part) or None for part in body.split("#", 2)] + [None, None]
        answer, wrong, right = TRUE_FALSE[parts[0]], parts[1], parts[2]
        question.type, question.true_false = "true_false", answer
        question.feedback_true = right if answer else wrong
        question.feedback_false = wrong if answer else right

    def _matching(self, question: Question, body: str, offset: int) -> None:
        question.type = "matching"
        lead, answers = self._split(body, offset, "=")
        self._refuse_lead(lead, offset, "'='")
        pairs = [self._pair(answer) for answer in answers]
        question.pairs = [pair for pair in pairs if pair is not None]
        # Pairs with an empty left side are only distractors. A broken pair already has
        # its own message: counting the pairs then would only add noise.
        if None not in pairs and len([pair for pair in pairs if pair.left]) < 2:
            self.error(offset - 1, "a matching question needs at least two pairs")

    def _pair(self, answer: _Answer) -> MatchPair | None:
        if "#" in answer.raw:
            self.error(answer.pos, "a matching pair cannot have feedback ('#')")
        elif "->" not in answer.raw:
            self.error(answer.pos, f"matching pair '{_clean(answer.raw)}' has no '->'")
        else:
            left, right = (_clean(side) for side in answer.raw.split("->", 1))
            if right:
                return MatchPair(left, right)
            self.error(answer.pos, "a matching pair has nothing right of '->'")
        return None

    def _numerical(self, question: Question, body: str, offset: int) -> None:
        question.type = "numerical"
        brace = offset - 1
        skip = body.index("#") + 1
        body, offset = body[skip:], offset + skip
        catch_all = None
        tilde = body.find("~")
        if tilde >= 0:                   # {#=3 ~#feedback for any other answer}
            catch_all = self._catch_all(body[tilde + 1:], offset + tilde)
            body = body[:tilde]
        lead, answers = self._split(body, offset, "=")
        if lead.strip():                 # {#3.14:0.01}: one answer without its `=`
            answers.insert(0, _Answer("=", lead, offset))
        if not answers:
            self.error(brace, "a numerical question needs an answer")
        for answer in answers:
            fraction, raw = self._weight(answer, 1.0)
            text, feedback = self._text_and_feedback(answer, raw)
            bounds = self._bounds(answer, text) if text else None
            if bounds:
                question.numeric.append(NumericAnswer(*bounds, fraction, feedback))
        if catch_all is not None:
            question.numeric.append(catch_all)

    def _catch_all(self, rest: str, pos: int) -> NumericAnswer | None:
        """Moodle's `~#feedback`: 0 credit for any response no `=` answer matches."""
        following = re.search("[=~]", rest)
        if following:
            what = ("can have only one '~' answer" if following.group() == "~"
                    else "must have its '~' answer (for any other response) last")
            self.error(pos + 1 + following.start(),
                       f"a numerical question {what} (escape a '=' or '~' in its feedback "
                       "as '\\=' or '\\~')")
            return None
        value, _, feedback = rest.partition("#")
        if value.strip():
            self.error(pos, f"the '~' answer takes no value or weight ('{_reveal(value).strip()}'), "
                            "only '#' and its feedback")
            return None
        return NumericAnswer(None, None, 0.0, _clean(feedback) or None)

    def _bounds(self, answer: _Answer, text: str) -> tuple[float, float] | None:
        """low and high of `a..b`, `value:tolerance` or `value`."""
        if text.find("..") > 0:
            low, high = (self._number(answer, part, "numerical answer")
                         for part in text.split("..", 1))
            if low is not None and high is not None and low > high:
                self.error(answer.pos, f"range '{text}' starts above its end")
                return None
        elif text.find(":") > 0:
            value_text, tolerance_text = text.split(":", 1)
            value = self._number(answer, value_text, "numerical answer")
            tolerance = self._number(answer, tolerance_text, "tolerance")
            if tolerance is not None and tolerance < 0:
                self.error(answer.pos, f"tolerance '{tolerance_text.strip()}' is negative")
                return None
            if value is None or tolerance is None:
                return None
            low, high = value - tolerance, value + tolerance
        else:
            low = high = self._number(answer, text, "numerical answer")
        if low is None or high is None:
            return None
        return float(low), float(high)

    def _number(self, answer: _Answer, text: str, what: str) -> Decimal | None:
        number = _decimal(text)
        if number is None:
            self.error(answer.pos, f"{what} '{text.strip()}' is not a number")
        elif math.isinf(float(number)):
            self.error(answer.pos, f"{what} '{text.strip()}' is too large")
            return None
        return number
