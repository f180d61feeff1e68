import pytest

from tests.support.grading_review import KEYED_QUIZ, Review


@pytest.fixture
def review(quiz_app, quiz_content, clock):
    """The keyed quiz scheduled for the class, its staff and members (tests.support.grading_review.Review)."""
    quiz_content("keyed", KEYED_QUIZ)
    return Review(quiz_app)
