import pytest

from learnhub.auth import services as auth_services
from learnhub.extensions import db
from tests.support.grading_regrade import PARTY_QUIZ, SLUG
from tests.support.web import PASSWORD, api_client


@pytest.fixture
def party(quiz_app, quiz_content):
    """The short-answer quiz in the quiz course, and a function making members."""
    quiz_content(SLUG, PARTY_QUIZ)
    names = iter(range(1, 1000))

    def member(role: str = "member"):
        user = auth_services.create_user(f"m{next(names)}", PASSWORD, role)
        db.session.commit()
        return user

    return member


@pytest.fixture
def staff_api(quiz_app, party):
    """An API client of a global staff user."""
    return api_client(quiz_app, party("staff"))
