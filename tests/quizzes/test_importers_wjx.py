"""The Questionnaire Star (问卷星) importer: what it accepts, and every way it refuses."""
from __future__ import annotations

import pytest

from learnhub.quizzes.importers import parse_wjx
from learnhub.quizzes.questions import Question
from tests.support.importers import WJX_SAMPLE, assert_problems, fractions, problems_of


def test_wjx_sample_every_type():
    single, single2, multiple, true_false, short = parse_wjx(WJX_SAMPLE)

    assert single.type == "single" and single.line == 5
    assert single.text == "中国共产党的根本宗旨是（ ）"  # a choice stem keeps its brackets
    assert [c.text for c in single.choices] == [
        "全心全意为人民服务", "实现共产主义", "建设社会主义现代化强国", "坚持党的领导"]
    assert fractions(single) == [1.0, 0.0, 0.0, 0.0]
    assert single.general_feedback == "见《中国共产党章程》总纲。"
    assert single.text_format == "plain"

    assert single2.line == 12 and single2.text == "中国共产党的最高理想和最终目标是"
    assert fractions(single2) == [1.0, 0.0, 0.0]
    assert single2.general_feedback is None

    assert multiple.type == "multiple" and multiple.line == 18
    assert multiple.text == "党的纪律主要包括"
    assert [c.text for c in multiple.choices] == ["政治纪律", "组织纪律", "休假纪律", "群众纪律"]

    assert true_false.type == "true_false" and true_false.line == 25
    assert true_false.true_false is True
    assert true_false.text == "中国共产党成立于1921年。"

    assert short.type == "short" and short.line == 30
    assert short.text == "党的最高领导机关，是党的全国代表大会和它所产生的_____。"
    assert short.missing_word is True
    assert [(c.text, c.fraction) for c in short.choices] == [
        ("中央委员会", 1.0), ("党中央", 1.0), ("中共中央", 1.0)]
    assert short.general_feedback == "党章第十条。"


def _score(question: Question, chosen: set[int]) -> float:
    """How grading is meant to use the fractions: sum of the chosen ones, clamped to 0..1."""
    return min(1.0, max(0.0, sum(question.choices[i].fraction for i in chosen)))


def test_wjx_multiple_fractions_reward_right_and_penalise_guessing():
    multiple = parse_wjx(WJX_SAMPLE)[2]
    right, wrong = {0, 1, 3}, {2}
    assert _score(multiple, right) == pytest.approx(1.0)
    assert _score(multiple, right | wrong) < 1.0
    assert _score(multiple, set(range(4))) == pytest.approx(0.0)
    assert 0.0 < _score(multiple, {0, 1}) < 1.0       # a missed right option: partial
    assert all(multiple.choices[i].fraction > 0 for i in right)
    assert all(multiple.choices[i].fraction < 0 for i in wrong)


@pytest.mark.parametrize("n, k", [(4, 1), (4, 2), (5, 3), (6, 5), (3, 3)])
def test_wjx_multiple_fractions_for_any_count(n, k):
    lines = ["1. 选出正确的[多选题]"]
    for i in range(n):
        lines.append(f"{chr(65 + i)}、选项{i}" + ("(正确答案)" if i < k else ""))
    [question] = parse_wjx("\n".join(lines))
    assert _score(question, set(range(k))) == pytest.approx(1.0)
    if k < n:
        assert _score(question, set(range(n))) == pytest.approx(0.0)
        assert _score(question, set(range(k)) | {k}) < 1.0


@pytest.mark.parametrize("true_word, false_word", [
    ("对", "错"), ("正确", "错误"), ("是", "否"), ("√", "×")])
@pytest.mark.parametrize("right_is_true", [True, False])
def test_wjx_true_false_words(true_word, false_word, right_is_true):
    mark_true = "(正确答案)" if right_is_true else ""
    mark_false = "" if right_is_true else "（正确答案）"
    text = f"1.入党誓词是在党旗下宣读的。[判断题]\nA、{true_word}{mark_true}\nB、{false_word}{mark_false}\n"
    [question] = parse_wjx(text)
    assert question.type == "true_false"
    assert question.true_false is right_is_true
    assert question.choices == []


def test_wjx_true_false_false_option_first_and_bare_options():
    [a, b] = parse_wjx("1.预备党员有表决权。[判断题]\nA、错(正确答案)\nB、对\n"
                       "2.党员必须履行党员义务。[判断题]\n对（正确答案）\n错\n")
    assert a.true_false is False
    assert b.true_false is True and b.line == 4


@pytest.mark.parametrize("answer, value", [("对", True), ("错", False), ("正确", True),
                                           ("×", False)])
def test_wjx_true_false_answer_line(answer, value):
    [question] = parse_wjx(f"1.党的基层组织是党的战斗堡垒。[判断题]\n答案：{answer}\n解析：党章第五章。\n")
    assert question.true_false is value
    assert question.general_feedback == "党章第五章。"


@pytest.mark.parametrize("stem, expected", [
    ("党的根本组织原则是（  ）。", "党的根本组织原则是_____。"),
    ("党的根本组织原则是()。", "党的根本组织原则是_____。"),
    ("党的根本组织原则是（\u3000）。", "党的根本组织原则是_____。"),
    ("党的根本组织原则是__。", "党的根本组织原则是_____。"),
])
def test_wjx_short_blank_normalised(stem, expected):
    [question] = parse_wjx(f"1.{stem}[填空题]\n答案:民主集中制\n")
    assert question.text == expected
    assert question.missing_word is True
    assert [c.text for c in question.choices] == ["民主集中制"]


def test_wjx_short_without_blank_and_answer_separators():
    [question] = parse_wjx("1.党的根本组织原则[填空题]\n答案： 民主集中制 ; 民主集中 ｜民主集中制\n")
    assert question.text == "党的根本组织原则"
    assert question.missing_word is False
    assert [c.text for c in question.choices] == ["民主集中制", "民主集中"]  # duplicates once
    assert fractions(question) == [1.0, 1.0]


def test_wjx_multiline_stem():
    text = ("1. 阅读下面的材料：\n"
            "“不忘初心，牢记使命。”\n"
            "这句话出自哪次大会的报告？[单选题]\n"   # tag on the first line only
            "A、党的十九大(正确答案)\n"
            "B、党的十八大\n")
    # The tag belongs on the numbered line; the stem may continue on the lines below it.
    found = problems_of(parse_wjx, text)
    assert [line for line, _ in found] == [1, 3]
    assert "question line has no type tag" in found[0][1]
    assert "type tag but no number" in found[1][1]
    text = ("1. 阅读下面的材料，回答问题。[单选题]\n"
            "“不忘初心，牢记使命。”\n"
            "这句话出自哪次大会的报告？\n"
            "A、党的十九大(正确答案)\n"
            "B、党的十八大\n")
    [question] = parse_wjx(text)
    assert question.text == "阅读下面的材料，回答问题。\n“不忘初心，牢记使命。”\n这句话出自哪次大会的报告？"
    assert question.line == 1


def test_wjx_bom_and_crlf():
    text = "\ufeff" + WJX_SAMPLE.split("一、单选题\n", 1)[1].replace("\n", "\r\n")
    questions = parse_wjx(text)
    assert [q.line for q in questions] == [1, 8, 14, 21, 26]
    assert questions[0].text == "中国共产党的根本宗旨是（ ）"
    assert all("\r" not in c.text for q in questions for c in q.choices)
    assert questions[4].choices[-1].text == "中共中央"


def test_wjx_bom_on_the_first_question_line():
    [question] = parse_wjx("\ufeff1.党的性质[填空题]\r\n答案：先锋队\r\n")
    assert question.line == 1 and question.text == "党的性质"


def test_wjx_short_tag_forms_and_whitespace():
    text = ("  1 ．党员的权利[多选] \n  A 、 表决权（ 正确答案 ）\n　B、选举权(正确答案)\n C.义务\n"
            "2.党员[单选]\nA.x(正确答案)\nB.y\n")
    multiple, single = parse_wjx(text)
    assert multiple.type == "multiple" and multiple.text == "党员的权利"
    assert [c.text for c in multiple.choices] == ["表决权", "选举权", "义务"]
    assert single.type == "single"


# Each error case: the text, and the (line, message fragment) problems expected.
WJX_ERRORS = {
    "single with two marked": (
        "1.中国共产党的根本宗旨是[单选题]\nA、全心全意为人民服务(正确答案)\nB、实现共产主义(正确答案)\n",
        [(1, "single-choice question has 2 answers marked correct")]),
    "single with none marked": (
        "1.中国共产党的根本宗旨是[单选题]\nA、全心全意为人民服务\nB、实现共产主义\n",
        [(1, "single-choice question has no answer marked correct")]),
    "multiple with none marked": (
        "1.党的纪律包括[多选题]\nA、政治纪律\nB、组织纪律\n",
        [(1, "multiple-choice question has no answer marked correct")]),
    "option before any question": (
        "A、全心全意为人民服务(正确答案)\n1.宗旨[单选题]\nA、x(正确答案)\nB、y\n",
        [(1, "option line before any question")]),
    "fewer than two options": (
        "1.宗旨[单选题]\nA、全心全意为人民服务(正确答案)\n",
        [(1, "question has fewer than two options (found 1)")]),
    "no options at all": (
        "1.宗旨[多选题]\n解析：无\n",
        [(1, "question has fewer than two options (found 0)")]),
    "unknown tag": (
        "1.将下列会议按时间排序[排序题]\nA、遵义会议\nB、古田会议\n",
        [(1, "unknown question type tag [排序题]")]),
    "true/false none marked": (
        "1.中国共产党成立于1921年。[判断题]\nA、对\nB、错\n",
        [(1, "true/false question has no correct answer marked")]),
    "true/false nothing at all": (
        "1.中国共产党成立于1921年。[判断题]\n",
        [(1, "true/false question has no correct answer marked")]),
    "true/false both marked": (
        "1.中国共产党成立于1921年。[判断题]\nA、对(正确答案)\nB、错(正确答案)\n",
        [(1, "true/false question has 2 answers marked correct")]),
    "true/false unknown word": (
        "1.中国共产党成立于1921年。[判断题]\nA、对(正确答案)\nB、不确定\n",
        [(3, "true/false option '不确定' is not one of")]),
    "true/false two true words": (
        "1.中国共产党成立于1921年。[判断题]\nA、对(正确答案)\nB、正确\n",
        [(1, "needs one true option (对) and one false option (错)")]),
    "true/false three options": (
        "1.中国共产党成立于1921年。[判断题]\nA、对(正确答案)\nB、错\nC、是\n",
        [(1, "true/false question needs exactly two options")]),
    "true/false bad answer line": (
        "1.中国共产党成立于1921年。[判断题]\n答案：可能\n",
        [(2, "答案 of a true/false question must be one of")]),
    "true/false answer given twice": (
        "1.中国共产党成立于1921年。[判断题]\nA、对(正确答案)\nB、错\n答案：对\n",
        [(4, "gives its answer twice")]),
    "short without answer": (
        "1.党的最高理想是实现____。[填空题]\n",
        [(1, "fill-in-the-blank question has no 答案 line")]),
    "short with empty answer": (
        "1.党的最高理想是实现____。[填空题]\n答案：| ；\n",
        [(2, "答案 line is empty")]),
    "short with options": (
        "1.党的最高理想是实现____。[填空题]\nA、共产主义\nB、社会主义\n答案：共产主义\n",
        [(2, "fill-in-the-blank question cannot have options")]),
    "short with two blanks": (
        "1.____是党的最高理想，____是党的根本宗旨。[填空题]\n答案：共产主义\n",
        [(1, "fill-in-the-blank question has 2 blanks")]),
    "answer line on a choice question": (
        "1.宗旨[单选题]\nA、x\nB、y\n答案：A\n",
        [(1, "single-choice question has no answer marked correct"),
         (4, "takes no 答案 line")]),
    "numbered line without tag": (
        "1.宗旨[单选题]\nA、x(正确答案)\nB、y\n2.党的性质是什么\nA、先锋队(正确答案)\nB、其他\n",
        [(4, "question line has no type tag")]),
    "numbered line without tag before any question": (
        "1.党的性质是什么\n",
        [(1, "question line has no type tag")]),
    "tag without number": (
        "党的性质是什么[单选题]\nA、x(正确答案)\nB、y\n",
        [(1, "type tag but no number")]),
    "letter out of sequence": (
        "1.宗旨[单选题]\nA、x(正确答案)\nC、y\n",
        [(3, "option letter C is out of sequence (expected B)")]),
    "option with no text": (
        "1.宗旨[单选题]\nA、x(正确答案)\nB、\n",
        [(3, "option B has no text")]),
    "option after explanation": (
        "1.宗旨[单选题]\nA、x(正确答案)\nB、y\n解析：略\nC、z\n",
        [(5, "option line after the 答案/解析 line")]),
    "text after the options": (
        "1.宗旨[单选题]\nA、x(正确答案)\nB、y\n这一行是多余的\n",
        [(4, "unexpected text after the options of the question on line 1")]),
    "marker on a line that is not an option": (
        "1.宗旨[单选题]\n全心全意为人民服务(正确答案)\nA、x(正确答案)\nB、y\n",
        [(2, "(正确答案) marker on a line that is not an option")]),
    "marker on the question line": (
        "1.宗旨(正确答案)[单选题]\nA、x(正确答案)\nB、y\n",
        [(1, "(正确答案) marker on a question line")]),
    "two answer lines": (
        "1.党的性质[填空题]\n答案：先锋队\n答案：工人阶级先锋队\n",
        [(3, "second 答案 line (the first is on line 2)")]),
    "two explanation lines": (
        "1.党的性质[填空题]\n答案：先锋队\n解析：一\n解析：二\n",
        [(4, "second 解析 line (the first is on line 3)")]),
    "question without text": (
        "1.[单选题]\nA、x(正确答案)\nB、y\n",
        [(1, "question has no text")]),
    "answer before any question": (
        "答案：对\n", [(1, "答案 line before any question")]),
    "explanation before any question": (
        "解析：略\n", [(1, "解析 line before any question")]),
}


@pytest.mark.parametrize("text, expected", WJX_ERRORS.values(), ids=WJX_ERRORS.keys())
def test_wjx_errors(text, expected):
    assert_problems(parse_wjx, text, expected)


def test_wjx_collects_all_problems_across_questions_and_returns_nothing():
    text = WJX_SAMPLE + (
        "6.党的组织原则[单选题]\n"               # line 33
        "A、民主集中制(正确答案)\n"
        "B、集体领导(正确答案)\n"
        "7.将下列事件排序[排序题]\n"             # line 36
        "A、南昌起义\n"
        "B、遵义会议\n"
        "8.中国共产党的性质[判断题]\n"           # line 39
        "A、对\n"
        "B、错\n")
    found = problems_of(parse_wjx, text)
    assert [line for line, _ in found] == [33, 36, 39]
    assert "single-choice question has 2 answers marked correct" in found[0][1]
    assert "unknown question type tag [排序题]" in found[1][1]
    assert "true/false question has no correct answer marked" in found[2][1]


def test_wjx_problem_lines_count_crlf_and_bom_correctly():
    text = "\ufeff1.宗旨[单选题]\r\nA、x(正确答案)\r\n\r\nB、y(正确答案)\r\n2.a[判断题]\r\nA、对\r\nB、错\r\n"
    found = problems_of(parse_wjx, text)
    assert [line for line, _ in found] == [1, 5]


def test_wjx_empty_or_title_only():
    assert parse_wjx("") == []
    assert parse_wjx("党史知识测试\n本问卷共10题\n") == []



def test_wjx_star_in_an_answer_is_literal_not_a_wildcard():
    from learnhub.quizzes.types import question_type

    [question] = parse_wjx("1.乘号是哪个符号[填空题]\n答案：*\n")
    assert [c.text for c in question.choices] == ["\\*"]
    kind = question_type(question)
    assert kind.grade(question, {}, "*") == 1.0
    assert kind.grade(question, {}, "x") == 0.0
