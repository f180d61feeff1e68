"""Moodle's Aiken format: one-right-answer multiple-choice questions."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..questions import Choice, Question
from .common import check_letter, join_text, raise_if, split_lines

# Aiken
# --------------------------------------------------------------------------------------
#
#     What is the capital of France?        <- question text; may continue on more lines
#     A. Berlin                             <- options: a capital letter, "." or ")",
#     B) Paris                                 whitespace, the text; A, B, C... in order
#     C. Madrid
#     ANSWER: B                             <- the one right letter
#
# As in Moodle (question/format/aiken/format.php): an option line is a capital letter,
# "." or ")", then the text; "ANSWER:" ends the question. Moodle keeps the question text
# on one line; here every line before the first option belongs to the text (Moodle would
# start a new question at each one and drop the unfinished ones). We are stricter than
# Moodle where it silently drops or mis-grades a question: the space after "A." is
# required (as its help text says), letters must run A, B, C... without gaps (ANSWER maps
# a letter to a position), ANSWER must name exactly one existing letter, and a question
# needs at least two options. "ANSWER" may be written in any case; the letter too.

_AIKEN_OPTION = re.compile(r"^([A-Z])[.)](?:\s+(.*))?$")
_AIKEN_OPTION_NO_SPACE = re.compile(r"^[A-Z][.)]\S")
_AIKEN_ANSWER = re.compile(r"^ANSWER\s*[:：](.*)$", re.IGNORECASE)


@dataclass
class _AikenQuestion:
    line: int
    text: list[str] = field(default_factory=list)
    options: list[tuple[str, str]] = field(default_factory=list)  # (letter, text)


def parse_aiken(text: str) -> list[Question]:
    """Parse Moodle Aiken text into single-choice questions; raise QuizFormatError."""
    problems: list[tuple[int, str]] = []
    questions: list[Question] = []
    current: _AikenQuestion | None = None
    seen_question = False

    def unfinished(q: _AikenQuestion, where: int, before: str) -> None:
        if q.options:
            problems.append((where, f"the question on line {q.line} has no ANSWER line "
                                    f"{before} (end each question with 'ANSWER: <letter>')"))
        else:
            problems.append((where, f"the question on line {q.line} has no options and no "
                                    f"ANSWER line {before}"))

    for number, raw in enumerate(split_lines(text), start=1):
        line = raw.strip()
        if not line:
            if current is not None and not current.options and current.text:
                current.text.append("")  # a paragraph break inside the question text
            continue

        answer = _AIKEN_ANSWER.match(line)
        if answer:
            if current is None:
                problems.append((number, "ANSWER line before any question" if not seen_question
                                 else "ANSWER line outside a question (each question has "
                                      "one ANSWER line, after its options)"))
                continue
            q, current = current, None
            value = answer.group(1).strip()
            if len(q.options) < 2:
                hint = ""
                if any(_AIKEN_OPTION_NO_SPACE.match(part) for part in q.text):
                    hint = "; an option needs a space after its 'A.' or 'A)'"
                problems.append((q.line, f"question has fewer than two options "
                                         f"(found {len(q.options)}{hint})"))
                continue
            if not value:
                problems.append((number, "ANSWER line names no letter"))
                continue
            if not re.fullmatch(r"[A-Za-z]", value):
                problems.append((number, f"ANSWER must name exactly one option letter, got "
                                         f"'{value}' (Aiken questions have one right answer)"))
                continue
            letter = value.upper()
            letters = [opt_letter for opt_letter, _ in q.options]
            if letter not in letters:
                problems.append((number, f"ANSWER names letter {letter} but there is no "
                                         f"option {letter}"))
                continue
            questions.append(Question(
                type="single",
                text=join_text(q.text),
                line=q.line,
                text_format="plain",
                choices=[Choice(text=opt_text, fraction=1.0 if opt_letter == letter else 0.0)
                         for opt_letter, opt_text in q.options],
            ))
            continue

        option = _AIKEN_OPTION.match(line)
        if option:
            if current is None:
                problems.append((number, "option line before any question" if not seen_question
                                 else "option line after the ANSWER line (options come "
                                      "before ANSWER)"))
                continue
            letter, opt_text = option.group(1), (option.group(2) or "").strip()
            check_letter(letter, [opt_letter for opt_letter, _ in current.options], number, problems)
            if not opt_text:
                problems.append((number, f"option {letter} has no text"))
            current.options.append((letter, opt_text))
            continue

        # Any other line is question text: of the current question while no option has
        # been read, otherwise the start of a new question.
        if current is not None and current.options:
            hint = ""
            if _AIKEN_OPTION_NO_SPACE.match(line):
                hint = f" (an option needs a space after '{line[:2]}')"
            unfinished(current, number, f"before this line{hint}")
            current = None
        if current is None:
            current = _AikenQuestion(line=number)
            seen_question = True
        current.text.append(line)

    if current is not None:
        unfinished(current, current.line, "(the file ends first)")

    raise_if(problems)
    return questions


# --------------------------------------------------------------------------------------
# Questionnaire Star (问卷星, wjx.cn) text
# --------------------------------------------------------------------------------------
#
#     1. 中国共产党的根本宗旨是（ ）[单选题]
#     A、全心全意为人民服务(正确答案)
#     B、实现共产主义
#     解析：党章总纲。
#
#     2、党的纪律包括[多选题]*
#     A. 政治纪律（正确答案）
#     B．组织纪律（正确答案）
#     C. 休假纪律
#
#     3.中国共产党成立于1921年。【判断题】
#     A、对(正确答案)
#     B、错
#
#     4.党的最高理想和最终目标是实现____。[填空题]
#     答案：共产主义|共产主义社会
#
# See `parse_wjx` for the full rules.
