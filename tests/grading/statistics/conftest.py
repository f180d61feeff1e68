"""Fixtures of the statistics tests: the stats quiz on quiz_app and a few people."""
from __future__ import annotations

import pytest

from learnhub.auth import services as auth_services
from learnhub.extensions import db
from tests.support.grading_statistics import STATS_QUIZ, quiz_parts
from tests.support.web import PASSWORD, api_client


@pytest.fixture
def stats(quiz_app, quiz_content):
    """The quiz `stats` (its row and file), `.user(name, role)` and `.client(user)`."""
    quiz_content("stats", STATS_QUIZ)
    from learnhub.courses.catalog import get_catalog
    from learnhub.courses.index import sync_all

    sync_all(db.session, get_catalog().tree())
    row, quiz = quiz_parts()
    db.session.commit()

    class Stats:
        url = "/api/v1/courses/qc/quizzes/stats/statistics"
        page = "/courses/qc/quizzes/stats/statistics"

        def __init__(self):
            self.row, self.quiz = row, quiz
            self.app = quiz_app
            self._n = 0

        def user(self, name=None, role="member"):
            self._n += 1
            user = auth_services.create_user(name or f"m{self._n}", PASSWORD, role)
            db.session.flush()
            return user

        def client(self, user):
            db.session.commit()
            return api_client(quiz_app, user)

    return Stats()
