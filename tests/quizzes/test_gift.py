"""The GIFT parser and writer: every construct, every error with its line, round trips."""
from __future__ import annotations

import dataclasses

import pytest

from learnhub.quizzes.gift import parse_gift
from learnhub.quizzes.gift_writer import to_gift
from learnhub.quizzes.questions import Choice, MatchPair, NumericAnswer, Question, QuizFormatError


def one(text: str) -> Question:
    questions = parse_gift(text)
    assert len(questions) == 1, questions
    return questions[0]


def problems(text: str, first_line: int = 1) -> list[tuple[int, str]]:
    with pytest.raises(QuizFormatError) as raised:
        parse_gift(text, first_line)
    return raised.value.problems


def without_lines(questions: list[Question]) -> list[Question]:
    return [dataclasses.replace(question, line=0) for question in questions]


# -- question types ---------------------------------------------------------------------

def test_single_choice():
    q = one("Who's buried in Grant's tomb?{~Grant ~Jefferson =no one}")
    assert q.type == "single"
    assert q.text == "Who's buried in Grant's tomb?"
    assert q.choices == [Choice("Grant", 0.0), Choice("Jefferson", 0.0), Choice("no one", 1.0)]
    assert (q.title, q.text_format, q.category, q.points) == (None, "moodle", None, 1.0)
    assert not q.missing_word and not q.manual and q.line == 1


def test_weights_may_be_decimal_or_negative():
    q = one("Pick one.{=%100%a ~%33.33333%b ~%-100%c ~%0%d}")
    assert q.type == "single"
    assert [c.fraction for c in q.choices] == [1.0, 0.3333333, -1.0, 0.0]


def test_several_positive_weights_and_no_equals_make_multiple_answers():
    q = one("Which are prime?{~%50%2 ~%50%3 ~%-100%4}")
    assert q.type == "multiple"
    assert [(c.text, c.fraction) for c in q.choices] == [("2", 0.5), ("3", 0.5), ("4", -1.0)]


def test_moodle_rule_an_equals_answer_keeps_a_choice_question_single():
    # Moodle decides by the `=`: a partial-credit choice does not turn it into check boxes...
    assert one("Q{=right ~%50%almost ~wrong}").type == "single"
    # ...and without any `=` it is "multiple answers", even with one 100% choice.
    assert one("Q{~%100%right ~%-100%wrong}").type == "multiple"


@pytest.mark.parametrize("word, right", [("T", True), ("TRUE", True), ("F", False),
                                         ("FALSE", False)])
def test_true_false(word, right):
    q = one(f"Grant is buried in Grant's tomb.{{{word}}}")
    assert q.type == "true_false"
    assert q.true_false is right
    assert q.text == "Grant is buried in Grant's tomb."
    assert q.feedback_true is None and q.feedback_false is None and q.choices == []


def test_true_false_feedback_follows_moodle_order():
    # Moodle's own test: the first text is for a wrong answer, the second for a right one.
    q = one("42 is the Absolute Answer.{FALSE#42 is the Ultimate Answer.#You gave the right answer.}")
    assert q.true_false is False
    assert q.feedback_true == "42 is the Ultimate Answer."
    assert q.feedback_false == "You gave the right answer."
    q = one("The sky is blue.{T#No, look up.#Yes.}")
    assert q.true_false is True
    assert (q.feedback_true, q.feedback_false) == ("Yes.", "No, look up.")


def test_short_answer():
    q = one("What is China's capital?{=Beijing =Peking}")
    assert q.type == "short"
    assert q.choices == [Choice("Beijing", 1.0), Choice("Peking", 1.0)]


def test_short_answer_with_weights_and_feedback():
    q = one("Capital?{=%100%Beijing#Right. =%50%Peking#An old name.}")
    assert q.type == "short"
    assert q.choices == [Choice("Beijing", 1.0, "Right."), Choice("Peking", 0.5, "An old name.")]


def test_numerical_value_and_tolerance():
    q = one("What is pi to two places?{#3.14:0.01}")
    assert q.type == "numerical"
    # Computed in decimal, so the bounds are the floats 3.13 and 3.15 themselves.
    assert q.numeric == [NumericAnswer(3.13, 3.15, 1.0, None)]


def test_numerical_range_exact_and_negative():
    assert one("Q{#1..5}").numeric == [NumericAnswer(1.0, 5.0)]
    assert one("Q{#3}").numeric == [NumericAnswer(3.0, 3.0)]
    assert one("Q{#-5..-1}").numeric == [NumericAnswer(-5.0, -1.0)]
    assert one("Q{#-3:0.5}").numeric == [NumericAnswer(-3.5, -2.5)]
    assert one("Q{#1.5e3}").numeric == [NumericAnswer(1500.0, 1500.0)]


def test_numerical_with_several_weighted_answers():
    q = one("When was Ulysses S. Grant born?{#\n"
            "    =1822:0 #Correct!\n"
            "    =%50%1822:2 #Close.\n"
            "}")
    assert q.type == "numerical"
    assert q.numeric == [NumericAnswer(1822.0, 1822.0, 1.0, "Correct!"),
                         NumericAnswer(1820.0, 1824.0, 0.5, "Close.")]


def test_matching_with_a_distractor():
    q = one("Match the capitals.{=Canada -> Ottawa =Italy->Rome =Japan -> Tokyo = -> Paris}")
    assert q.type == "matching"
    assert q.pairs == [MatchPair("Canada", "Ottawa"), MatchPair("Italy", "Rome"),
                       MatchPair("Japan", "Tokyo"), MatchPair("", "Paris")]
    assert q.choices == []


def test_essay():
    q = one("Write about the Long March.{}")
    assert (q.type, q.manual, q.text) == ("essay", True, "Write about the Long March.")
    q = one("Write a poem.{####Any form will do.}")
    assert (q.type, q.manual, q.general_feedback) == ("essay", True, "Any form will do.")


def test_missing_word():
    q = one("Mao was born in {=Hunan ~Jiangxi} province.")
    assert q.type == "single"
    assert q.missing_word is True
    assert q.text == "Mao was born in _____ province."
    assert q.choices == [Choice("Hunan", 1.0), Choice("Jiangxi", 0.0)]


def test_answers_after_the_text_leave_no_blank():
    q = one("Mao was born in which province? {=Hunan ~Jiangxi}")
    assert (q.missing_word, q.text) == (False, "Mao was born in which province?")


def test_description():
    q = one("::Intro::The next questions are about 1921.")
    assert (q.type, q.title, q.text) == ("description", "Intro", "The next questions are about 1921.")
    assert q.choices == [] and not q.manual


def test_title_and_feedback():
    q = one("::Grant:: Who's buried in Grant's tomb?{\n"
            "  =no one#Right, it's a mausoleum.\n"
            "  ~Grant#He is entombed, not buried.\n"
            "  ####Read the question carefully.\n"
            "}")
    assert q.title == "Grant"
    assert q.text == "Who's buried in Grant's tomb?"
    assert q.choices == [Choice("no one", 1.0, "Right, it's a mausoleum."),
                         Choice("Grant", 0.0, "He is entombed, not buried.")]
    assert q.general_feedback == "Read the question carefully."


def test_escapes_are_resolved():
    q = one(r"::A\:B::Is 1 \= 1 \{really\} \#\~ C\:\\dir\nnext line?{=yes\~sure ~no\#\=}")
    assert q.title == "A:B"
    assert q.text == "Is 1 = 1 {really} #~ C:\\dir\nnext line?"
    assert [c.text for c in q.choices] == ["yes~sure", "no#="]
    assert q.choices[1].feedback is None


def test_format_tags():
    assert one("[markdown]**Bold** claim.{T}").text_format == "markdown"
    q = one("::T::[html]<b>Bold</b> claim.{T}")
    assert (q.text_format, q.text) == ("html", "<b>Bold</b> claim.")
    assert one("[plain]Plain.{T}").text_format == "plain"
    assert one("[moodle]Moodle.{T}").text_format == "moodle"


def test_unknown_format_tag_stays_in_the_text():
    q = one("[foo] Odd tag.{T}")
    assert (q.text_format, q.text) == ("moodle", "[foo] Odd tag.")


def test_answer_and_feedback_tags_are_dropped():
    q = one("[html]Q{=[html]<b>a</b>#[plain]fine ~[foo]b####[markdown]*gen*}")
    assert q.choices == [Choice("<b>a</b>", 1.0, "fine"), Choice("[foo]b", 0.0)]
    assert q.general_feedback == "*gen*"


def test_chinese_text():
    q = one("中国共产党第一次全国代表大会在{=上海 ~北京 ~广州}召开。")
    assert q.type == "single" and q.missing_word
    assert q.text == "中国共产党第一次全国代表大会在_____召开。"
    assert q.choices == [Choice("上海", 1.0), Choice("北京", 0.0), Choice("广州", 0.0)]


def test_comments_categories_and_line_numbers():
    text = ("// A comment before anything.\n"          # 1
            "$CATEGORY: 党史/建党\n"                    # 2
            "\n"                                        # 3
            "// The first question.\n"                  # 4
            "First?{T}\n"                               # 5
            "\n"                                        # 6
            "\n"                                        # 7
            "Second,\n"                                 # 8
            "   //an indented comment is still a comment\n"  # 9
            "continued.{F}\n"                           # 10
            "\n"                                        # 11
            "$CATEGORY: 党史/长征\n"                    # 12
            "Third, right under its category.{T}\n")    # 13
    questions = parse_gift(text)
    assert [(q.line, q.category, q.text) for q in questions] == [
        (5, "党史/建党", "First?"),
        (8, "党史/建党", "Second,\ncontinued."),
        (13, "党史/长征", "Third, right under its category."),
    ]


def test_first_line_offsets_question_lines():
    questions = parse_gift("One?{T}\n\nTwo?{F}", first_line=7)
    assert [q.line for q in questions] == [7, 9]


def test_crlf_line_endings():
    questions = parse_gift("One?{\r\n=a\r\n~b\r\n}\r\n\r\nTwo?{T}\r\n")
    assert [q.type for q in questions] == ["single", "true_false"]
    assert questions[0].choices[1] == Choice("b", 0.0)


def test_empty_text_gives_no_questions():
    assert parse_gift("") == []
    assert parse_gift("// only a comment\n\n$CATEGORY: x\n") == []


# -- errors -----------------------------------------------------------------------------

def test_unclosed_brace():
    assert problems("Good.{T}\n\nWhich?{\n=a\n~b\n") == [(3, "unbalanced braces: '{' is never closed")]


def test_lone_closing_brace():
    assert problems("Good.{T}\n\nWhich?\n=a ~b}\n") == [(4, "a '}' without a matching '{'")]


def test_brace_inside_an_answer_block():
    assert problems("Q{=a ~b\n\nR {=c ~d {=e}") == [
        (1, "unbalanced braces: '{' is never closed"),
        (3, "a '{' inside an answer block (is the one before never closed?)"),
    ]


def test_two_answer_blocks():
    assert problems("Q{T} and\n{F}") == [(2, "a question can have only one answer block")]


def test_numerical_with_a_non_number():
    assert problems("Good.{T}\n\nPi?{#abc}") == [(3, "numerical answer 'abc' is not a number")]
    assert problems("Pi?{#3,14}") == [(1, "numerical answer '3,14' is not a number")]
    assert problems("Pi?{#3.14:x}") == [(1, "tolerance 'x' is not a number")]
    assert problems("Pi?{#1..b}") == [(1, "numerical answer 'b' is not a number")]
    assert problems("Pi?{#nan}") == [(1, "numerical answer 'nan' is not a number")]
    assert problems("Pi?{#1e999}") == [(1, "numerical answer '1e999' is too large")]


def test_numerical_other_errors():
    assert problems("Q{#5..1}") == [(1, "range '5..1' starts above its end")]
    assert problems("Q{#3:-1}") == [(1, "tolerance '-1' is negative")]
    assert problems("Q{#}") == [(1, "a numerical question needs an answer")]


def test_fewer_than_two_choices():
    assert problems("One?{T}\n\nOnly?\n{~%100%lonely}") == [
        (4, "a multiple-choice question needs at least two choices")]


def test_choice_question_without_a_right_answer():
    assert problems("Q{~a ~b}") == [(1, "a multiple-choice question needs at least one right answer")]


def test_matching_with_one_pair():
    assert problems("Match.{\n=a -> 1\n}") == [(1, "a matching question needs at least two pairs")]
    # A distractor does not count as a second pair.
    assert problems("Match.{=a -> 1 = -> 2}") == [(1, "a matching question needs at least two pairs")]


def test_matching_pair_errors():
    assert problems("M{\n=a -> 1\n=b\n=c -> 3}") == [(3, "matching pair 'b' has no '->'")]
    assert problems("M{=a -> 1 =b -> 2#nice}") == [(1, "a matching pair cannot have feedback ('#')")]
    assert problems("M{=a -> 1 =b -> }") == [(1, "a matching pair has nothing right of '->'")]


def test_empty_answer_text():
    assert problems("Q{\n=a\n~\n~c}") == [(3, "an answer has no text")]
    assert problems("Q{=#only feedback ~b}") == [(1, "an answer has no text")]


def test_weight_outside_range_or_not_a_number():
    assert problems("Q{=a\n~%150%b}") == [(2, "answer weight 150% is outside -100..100")]
    assert problems("Q{=a ~%-101%b}") == [(1, "answer weight -101% is outside -100..100")]
    assert problems("Q{=a ~%half%b}") == [(1, "answer weight '%half%' is not a number")]


def test_answer_without_its_marker():
    # Moodle would take {Beijing} as a short answer; a forgotten `=` is the likelier story.
    assert problems("Capital?{Beijing}") == [(1, "answer 'Beijing' must start with '='")]
    assert problems("Q{a ~b =c}") == [(1, "answer 'a' must start with '=' or '~'")]


def test_question_without_text_or_unclosed_title():
    assert problems("::Only a title::") == [(1, "the question has no text")]
    assert problems("::Title Q?{T}") == [(1, "the title's closing '::' is missing")]


def test_all_problems_are_reported_in_line_order_with_file_lines():
    text = ("Pi?{#abc}\n"                     # 1 (file line 11)
            "\n"
            "Which?{~%100%only}\n"            # 3 (13)
            "\n"
            "Fine.{T}\n"
            "\n"
            "Open {=a ~b\n")                  # 7 (17)
    with pytest.raises(QuizFormatError) as raised:
        parse_gift(text, first_line=11)
    assert raised.value.problems == [
        (11, "numerical answer 'abc' is not a number"),
        (13, "a multiple-choice question needs at least two choices"),
        (17, "unbalanced braces: '{' is never closed"),
    ]
    assert "line 13: a multiple-choice question needs at least two choices" in str(raised.value)


# -- writing and round trips ------------------------------------------------------------

RICH_SAMPLE = r"""// A sample with every question type.
$CATEGORY: $course$/top/党史

::Founding::[markdown]中国共产党第一次全国代表大会在 **哪里** 召开？{
  =上海#对。 会议后来转移到嘉兴南湖。
  ~北京#不对。
  ~%-50%广州#不对，并且扣分。
  ####[markdown]参见 *第一章*。
}

Mao was born in {=Hunan ~%25%Jiangxi ~Guangdong} province.

::Primes:: Which are prime? {~%50%2 ~%50%3 ~%-33.33333%4 ~%-66.66667%9#Nine is 3 × 3.}

::TF::The Long March began in 1934.{TRUE#No, it was 1934.#Yes.####It ended in 1935.}

Grant is buried in Grant's tomb.{F}

$CATEGORY: $course$/top/Numbers

What is China's capital? {=Beijing#Right =%50%Peking#An old name. ####Since 1949.}

What is pi? {#3.14159:0.0005}

In which year was the CPC founded? {#
  =1921#Right.
  =%50%1919..1923#Close.
}

Match the events. {
  =中共一大 -> 1921
  =遵义会议 -> 1935
  = -> 1949
  ####Dates matter.
}

::Essay::[html]<p>Describe the Long March.</p>{####Grade by the rubric.}

[plain]Read the following questions carefully.

Special \{characters\} \= \~ \# \: \\ and a\nnew line? {=a \= b ~c \~ d#e \# f ~%0%%50% off}

[moodle][html] is plain text here. {T#[moodle][plain] feedback starting with a tag}
"""


def test_rich_sample_parses_every_type():
    questions = parse_gift(RICH_SAMPLE)
    assert [q.type for q in questions] == [
        "single", "single", "multiple", "true_false", "true_false", "short", "numerical",
        "numerical", "matching", "essay", "description", "single", "true_false"]
    assert [q.category for q in questions] == ["$course$/top/党史"] * 5 + ["$course$/top/Numbers"] * 8
    special = questions[11]
    assert special.text == "Special {characters} = ~ # : \\ and a\nnew line?"
    assert special.choices == [Choice("a = b", 1.0), Choice("c ~ d", 0.0, "e # f"), Choice("%50% off", 0.0)]
    assert questions[12].text == "[html] is plain text here."
    assert questions[12].feedback_false == "[plain] feedback starting with a tag"


def test_round_trip_of_the_rich_sample():
    questions = parse_gift(RICH_SAMPLE)
    written = to_gift(questions)
    assert without_lines(parse_gift(written)) == without_lines(questions)
    # Writing again gives the same text: the writer is stable.
    assert to_gift(parse_gift(written)) == written


def test_writer_output():
    questions = parse_gift(RICH_SAMPLE)
    written = to_gift(questions)
    assert written.count("$CATEGORY:") == 2
    assert "::Essay::[html]<p>Describe the Long March.</p> {####Grade by the rubric.}" in written
    assert "Mao was born in {=Hunan ~%25%Jiangxi ~Guangdong} province." in written
    assert r"Special \{characters\} \= \~ \# \: \\ and a\nnew line?" in written
    assert "{TRUE#No, it was 1934.#Yes. ####It ended in 1935.}" in written


def test_round_trip_of_questions_built_in_code():
    questions = [
        Question("single", "1/3?", line=0, title="Thirds", category="A",
                 choices=[Choice("a", 1 / 3), Choice("b", 2 / 3, "fb: {x}"), Choice("c", -0.1)]),
        Question("single", "All right?", line=0, category="A",
                 choices=[Choice("yes", 1.0), Choice("sure", 1.0)]),
        Question("multiple", "Pick", line=0, text_format="markdown",
                 choices=[Choice("%x", 1.0), Choice("y", 0.0), Choice("[html]z", -1.0)]),
        Question("numerical", "Sum?", line=0, category="B",
                 numeric=[NumericAnswer(0.1 + 0.2, 0.30000000000000004 + 1e-9, 0.75, "ok"),
                          NumericAnswer(-1e20, 1e-7, 0.1)]),
        Question("true_false", "False?", line=0, true_false=False, feedback_true="wrong"),
        Question("true_false", "True?", line=0, true_false=True, feedback_true="right"),
        Question("essay", "//not a comment", line=0, manual=True),
        Question("short", "$CATEGORY: not a category", line=0,
                 choices=[Choice("T", 1.0), Choice("TRUE", 0.2)]),
        Question("matching", "::not a title::", line=0, text_format="html",
                 pairs=[MatchPair("a", "b -> c"), MatchPair("d", "[plain]e"), MatchPair("", "f")]),
    ]
    assert without_lines(parse_gift(to_gift(questions))) == without_lines(questions)


def test_writer_refuses_what_gift_cannot_hold():
    with pytest.raises(ValueError, match="matching"):
        to_gift([Question("short", "Q", line=3, choices=[Choice("a -> b", 1.0)])])
    with pytest.raises(ValueError, match="line 4"):
        to_gift([Question("matching", "Q", line=4, pairs=[MatchPair("a -> b", "c"), MatchPair("d", "e")])])
    with pytest.raises(ValueError, match="missing-word"):
        to_gift([Question("single", "No blank here", line=1, missing_word=True,
                          choices=[Choice("a", 1.0), Choice("b")])])
    with pytest.raises(ValueError):
        to_gift([Question("numerical", "Q", line=1, numeric=[NumericAnswer(float("-inf"), 1.0)])])
