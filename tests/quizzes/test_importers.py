"""Importers in general: parse_questions picks the format's parser, and what any parser
returns survives a snapshot. Each format's own tests: test_importers_aiken.py,
test_importers_wjx.py, test_gift.py."""
from __future__ import annotations

import pytest

from learnhub.quizzes.importers import parse_aiken, parse_questions, parse_wjx
from learnhub.quizzes.questions import Question, QuizFormatError
from tests.support.importers import AIKEN_SAMPLE, WJX_SAMPLE


def test_parse_questions_dispatches():
    assert parse_questions(AIKEN_SAMPLE, "aiken") == parse_aiken(AIKEN_SAMPLE)
    assert parse_questions(WJX_SAMPLE, "wjx") == parse_wjx(WJX_SAMPLE)
    with pytest.raises(QuizFormatError):
        parse_questions("Q?\nA. x\nANSWER: A\n", "aiken")


@pytest.mark.parametrize("fmt", ["gift", "moodle-xml", "", "AIKENX"])
def test_parse_questions_unknown_format(fmt):
    with pytest.raises(ValueError, match="unknown question format"):
        parse_questions(AIKEN_SAMPLE, fmt)


def test_parsed_questions_survive_a_snapshot_round_trip():
    for question in parse_wjx(WJX_SAMPLE) + parse_aiken(AIKEN_SAMPLE):
        assert Question.from_dict(question.to_dict()) == question
