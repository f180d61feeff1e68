import pytest

from tests.support.grading_marking import ESSAY_EXAM, Marking


@pytest.fixture
def marking(quiz_app, quiz_content, clock):
    quiz_content("essay", ESSAY_EXAM)
    return Marking(quiz_app)
