"""Questionnaire Star (问卷星, wjx.cn) plain text, as its 文本导入 feature reads it."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..questions import Choice, Question
from .common import check_letter, join_text, raise_if, split_lines

_WJX_TYPES = {
    "单选题": "single", "单选": "single",
    "多选题": "multiple", "多选": "multiple",
    "判断题": "true_false", "判断": "true_false",
    "填空题": "short", "填空": "short",
}
_WJX_TYPE_NAMES = {
    "single": "single-choice question",
    "multiple": "multiple-choice question",
    "true_false": "true/false question",
    "short": "fill-in-the-blank question",
}
# "1. stem [单选题]" / "2、stem【多选题】*" / "3．stem *[判断题]": the tag is the last
# bracketed group on the line; an optional "*" (required, ignored) next to it.
_WJX_HEADER = re.compile(
    r"^(\d+)\s*[.．、]\s*(.*?)\s*[*＊]?\s*[\[【]\s*([^\[\]【】]+?)\s*[\]】]\s*[*＊]?\s*$")
_WJX_NUMBERED = re.compile(r"^\d+\s*[.．、]\s*(?!\d)\S")  # "1.5亿" is not a number + stem
_WJX_TRAILING_TAG = re.compile(r"[\[【]\s*([^\[\]【】]+?)\s*[\]】]\s*[*＊]?\s*$")
# "一、单选题" / "二．多选题（每题2分）": a section heading between questions, ignored.
_WJX_SECTION = re.compile(r"^[一二三四五六七八九十]+\s*[、.．]")
_WJX_OPTION = re.compile(r"^([A-Z])\s*[.．、]\s*(.*)$")
_WJX_CORRECT = re.compile(r"\s*[(（]\s*正确答案\s*[)）]\s*$")
_WJX_ANSWER = re.compile(r"^(?:正确)?答案\s*[:：]\s*(.*)$")
_WJX_EXPLANATION = re.compile(r"^(?:答案)?解析\s*[:：]\s*(.*)$")
_WJX_ANSWER_SEPARATORS = re.compile(r"[|｜;；]")
# A blank in a fill-in-the-blank stem: a run of underscores, or empty brackets.
_WJX_BLANK = re.compile(r"_{2,}|[(（][\s\u3000]*[)）]")
_BLANK = "_____"

_TRUE_WORDS = ("对", "正确", "是", "√", "✓", "✔")
_FALSE_WORDS = ("错", "错误", "否", "×", "✗", "✘")
_TF_ACCEPTED = "对/错, 正确/错误, 是/否, √/×"


def _tf_value(word: str) -> bool | None:
    word = word.strip()
    if word in _TRUE_WORDS:
        return True
    if word in _FALSE_WORDS:
        return False
    return None


@dataclass
class _WjxOption:
    line: int
    letter: str | None          # None for a bare 对/错 line of a true/false question
    text: str
    correct: bool


@dataclass
class _WjxQuestion:
    line: int
    type: str | None            # None when the tag is unknown (already reported)
    tag: str
    stem: list[str] = field(default_factory=list)
    options: list[_WjxOption] = field(default_factory=list)
    answer: str | None = None
    answer_line: int = 0
    explanation: str | None = None
    explanation_line: int = 0
    state: str = "stem"         # stem -> options -> after (a 答案 or 解析 line was read)
    options_refused: bool = False


def _finish_wjx(q: _WjxQuestion, problems: list[tuple[int, str]]) -> Question | None:
    """Check a question that has been read to its end; the Question, or None if wrong."""
    before = len(problems)
    stem = join_text(q.stem)
    if not stem:
        problems.append((q.line, "question has no text"))
    if q.type is None:
        return None
    name = _WJX_TYPE_NAMES[q.type]
    general_feedback = q.explanation or None
    question = Question(type=q.type, text=stem, line=q.line, text_format="plain",
                        general_feedback=general_feedback)

    if q.type in ("single", "multiple"):
        if q.answer is not None:
            problems.append((q.answer_line, f"a {name} takes no 答案 line: mark each right "
                                            f"option with (正确答案) at the end of its line"))
        for option in q.options:
            if not option.text:
                problems.append((option.line, f"option {option.letter} has no text"))
        if len(q.options) < 2:
            problems.append((q.line, f"question has fewer than two options "
                                     f"(found {len(q.options)})"))
        correct = sum(option.correct for option in q.options)
        if q.options and correct == 0:
            problems.append((q.line, f"{name} has no answer marked correct "
                                     f"(add (正确答案) after the right option)"))
        elif q.type == "single" and correct > 1:
            problems.append((q.line, f"single-choice question has {correct} answers marked "
                                     f"correct (单选题只能有一个正确答案)"))
        if len(problems) > before:
            return None
        if q.type == "single":
            question.choices = [Choice(o.text, 1.0 if o.correct else 0.0) for o in q.options]
        else:
            # Multiple choice, k right options out of n: each right one is worth 1/k and
            # each wrong one -1/(n-k). Grading adds the fractions of the options a member
            # chose and clamps the sum to 0..1 (as Moodle does), so: all right ones and no
            # wrong one = full marks; a missed right one loses 1/k; every wrong choice
            # costs, and ticking every box is worth exactly 0, so guessing all never pays.
            # When every option is right there is nothing to penalise.
            n, k = len(q.options), correct
            right, wrong = 1.0 / k, (-1.0 / (n - k) if n > k else 0.0)
            question.choices = [Choice(o.text, right if o.correct else wrong)
                                for o in q.options]
        return question

    if q.type == "true_false":
        value: bool | None = None
        if q.options and q.answer is not None:
            problems.append((q.answer_line, "true/false question gives its answer twice: "
                                            "mark an option with (正确答案) or write "
                                            "答案：对/错, not both"))
        elif q.answer is not None:
            value = _tf_value(q.answer)
            if value is None:
                problems.append((q.answer_line, f"答案 of a true/false question must be one "
                                                f"of {_TF_ACCEPTED}, got '{q.answer}'"))
        elif not q.options:
            problems.append((q.line, "true/false question has no correct answer marked "
                                     "(write options A、对 / B、错 with (正确答案) after the "
                                     "right one, or a line 答案：对)"))
        else:
            values = []
            for option in q.options:
                option_value = _tf_value(option.text)
                if option_value is None:
                    problems.append((option.line, f"true/false option '{option.text}' is "
                                                  f"not one of {_TF_ACCEPTED}"))
                values.append(option_value)
            if len(q.options) != 2:
                problems.append((q.line, f"true/false question needs exactly two options, "
                                         f"a true one and a false one (found "
                                         f"{len(q.options)})"))
            elif None not in values and values[0] == values[1]:
                problems.append((q.line, "true/false question needs one true option "
                                         "(对) and one false option (错)"))
            correct = [v for option, v in zip(q.options, values, strict=True) if option.correct]
            if not correct:
                problems.append((q.line, "true/false question has no correct answer marked "
                                         "(add (正确答案) after 对 or 错)"))
            elif len(correct) > 1:
                problems.append((q.line, f"true/false question has {len(correct)} answers "
                                         f"marked correct"))
            else:
                value = correct[0]
        if len(problems) > before or value is None:
            return None
        question.true_false = value
        return question

    # Fill in the blank.
    if q.answer is None:
        problems.append((q.line, "fill-in-the-blank question has no 答案 line (add a line "
                                 "答案：<accepted answer>, alternatives separated by | or ；)"))
    else:
        accepted: list[str] = []
        for part in _WJX_ANSWER_SEPARATORS.split(q.answer):
            part = part.strip()
            if part and part not in accepted:
                accepted.append(part)
        if not accepted:
            problems.append((q.answer_line, "答案 line is empty"))
        # Questionnaire Star answers are literal text; `*` is a wildcard in our short answers.
        question.choices = [Choice(answer.replace("*", "\\*"), 1.0) for answer in accepted]
    blanks = len(_WJX_BLANK.findall(stem))
    if blanks > 1:
        problems.append((q.line, f"fill-in-the-blank question has {blanks} blanks; only one "
                                 f"blank per question is supported"))
    elif blanks == 1:
        question.text = _WJX_BLANK.sub(_BLANK, stem)
        question.missing_word = True
    if len(problems) > before:
        return None
    return question


def parse_wjx(text: str) -> list[Question]:
    """Parse Questionnaire Star (问卷星) text into questions; raise QuizFormatError.

    Syntax (each item on its own line; blank lines anywhere are ignored; leading and
    trailing whitespace, full-width spaces included, is ignored):

    * A question line is a number, then ".", "．" or "、", the stem, and a type tag as the
      last thing on the line in [] or 【】: 单选题 (single), 多选题 (multiple), 判断题
      (true_false) or 填空题 (short); 单选/多选/判断/填空 without 题 too. An "*" (or "＊")
      just before or after the tag marks a required question in 问卷星 and is ignored.
      Lines after the question line and before its first option or 答案 line continue
      the stem.
    * An option line is a capital letter, then "、", "." or "．", then the text. Letters
      run A, B, C... in order. A right option ends with (正确答案) or （正确答案）.
    * 单选题: at least two options, exactly one marked. 多选题: at least two options, one
      or more marked (fractions: see `_finish_wjx`).
    * 判断题: either two options 对/错 (or 正确/错误, 是/否, √/×; lettered like "A、对"
      or bare "对"), the right one marked (正确答案); or no options and a line "答案：对".
    * 填空题: a line "答案：text" (or "答案:"); several accepted answers separated by
      "|", "；" or ";". One blank in the stem ("__" or more underscores, or empty brackets
      "（  ）" / "()") becomes "_____" and sets missing_word.
    * An optional line "解析：text" (or "答案解析：") after the options or 答案 line is the
      explanation shown after answering (general_feedback).
    * Text before the first question (a questionnaire title or description) is ignored,
      and so is a section heading between questions: a line starting with a Chinese
      numeral and "、", "." or "．", such as "二、多选题（每题2分）".
    """
    problems: list[tuple[int, str]] = []
    questions: list[Question] = []
    current: _WjxQuestion | None = None

    def finish() -> None:
        if current is not None:
            question = _finish_wjx(current, problems)
            if question is not None:
                questions.append(question)

    for number, raw in enumerate(split_lines(text), start=1):
        line = raw.strip()
        if not line:
            if current is not None and current.state == "stem" and current.stem:
                current.stem.append("")
            continue

        header = _WJX_HEADER.match(line)
        if header:
            finish()
            stem, tag = header.group(2), header.group(3)
            qtype = _WJX_TYPES.get(tag)
            if qtype is None:
                problems.append((number, f"unknown question type tag [{tag}] (use [单选题], "
                                         f"[多选题], [判断题] or [填空题])"))
            current = _WjxQuestion(line=number, type=qtype, tag=tag)
            if stem:
                current.stem.append(stem)
            if _WJX_CORRECT.search(stem):
                problems.append((number, "(正确答案) marker on a question line; it belongs at "
                                         "the end of an option line"))
            continue

        # A question line without its tag or its number is reported, and read as a
        # question of unknown type, so that its options are not reported again.
        untagged = (_WJX_NUMBERED.match(line)
                    and not (current is not None and current.state == "stem"))
        trailing_tag = _WJX_TRAILING_TAG.search(line)
        unnumbered = (trailing_tag and trailing_tag.group(1) in _WJX_TYPES
                      and not _WJX_NUMBERED.match(line))
        if untagged or unnumbered:
            problems.append((number, "question line has no type tag (end it with [单选题], "
                                     "[多选题], [判断题] or [填空题])" if untagged else
                                     "question line has a type tag but no number (write it "
                                     "like '1. 题干[单选题]')"))
            finish()
            current = _WjxQuestion(line=number, type=None, tag="", stem=[line])
            continue

        option = _WJX_OPTION.match(line)
        bare_tf = (current is not None and current.type == "true_false"
                   and _tf_value(_WJX_CORRECT.sub("", line)) is not None)
        if option or bare_tf:
            if option:
                letter, body = option.group(1), option.group(2)
            else:
                letter, body = None, line
            correct = bool(_WJX_CORRECT.search(body))
            body = _WJX_CORRECT.sub("", body).strip()
            if current is None:
                problems.append((number, "option line before any question"))
                continue
            if current.type == "short":
                if not current.options_refused:
                    problems.append((number, "fill-in-the-blank question cannot have options "
                                             "(give the answer as 答案：text)"))
                    current.options_refused = True
                continue
            if current.state == "after":
                problems.append((number, "option line after the 答案/解析 line (options come "
                                         "right after the question line)"))
                continue
            if letter is not None:
                check_letter(letter, [o.letter for o in current.options if o.letter], number, problems)
            current.options.append(_WjxOption(number, letter, body, correct))
            current.state = "options"
            continue

        if _WJX_CORRECT.search(line):
            problems.append((number, "(正确答案) marker on a line that is not an option "
                                     "(options look like 'A、text')"))
            continue

        answer = _WJX_ANSWER.match(line)
        if answer:
            if current is None:
                problems.append((number, "答案 line before any question"))
            elif current.answer is not None:
                problems.append((number, f"second 答案 line (the first is on line "
                                         f"{current.answer_line})"))
            else:
                current.answer, current.answer_line = answer.group(1).strip(), number
                current.state = "after"
            continue

        explanation = _WJX_EXPLANATION.match(line)
        if explanation:
            if current is None:
                problems.append((number, "解析 line before any question"))
            elif current.explanation_line:
                problems.append((number, f"second 解析 line (the first is on line "
                                         f"{current.explanation_line})"))
            else:
                current.explanation = explanation.group(1).strip() or None
                current.explanation_line = number
                current.state = "after"
            continue

        if current is None:
            continue  # a title or description before the first question
        if current.state != "stem" and _WJX_SECTION.match(line):
            continue  # a section heading such as 一、单选题
        if current.state == "stem":
            current.stem.append(line)
        else:
            problems.append((number, f"unexpected text after the options of the question on "
                                     f"line {current.line} (expected an option 'A、text', "
                                     f"答案： or 解析：)"))

    finish()
    raise_if(problems)
    return questions
