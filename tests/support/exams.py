"""Scheduled exams in tests: an exam quiz and a class of named people who schedule, override,
start and submit through the API."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from learnhub.auth import services as auth_services
from learnhub.classes.services import create_class
from learnhub.extensions import db

from .factories import enrol
from .quizzes import T0
from .web import PASSWORD, api_client

EXAM_QUIZ = "---\ntitle: Final exam\nkind: exam\nattempts: 1\ntime_limit: 30m\n---\n::tf::True? {T}\n"


def z(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


class People:
    """A class on the quiz course `qc` with a head teacher, a grader and two members; an
    outsider who is head teacher of another class. `.client(name)` is logged in as them."""

    def __init__(self, app):
        self.app = app
        self.users = {name: auth_services.create_user(name, PASSWORD, role) for name, role in [
            ("head", "staff"), ("grader", "instructor"), ("ann", "member"), ("bob", "member"),
            ("otherhead", "staff"), ("boss", "admin")]}
        db.session.commit()
        self.school_class = create_class(self.users["head"], "Activists 2026", "ACT-26",
                                         date(2026, 9, 1), date(2027, 1, 15), course_slugs=["qc"])
        for name, role in (("grader", "grader"), ("ann", "member"), ("bob", "member")):
            enrol(self.school_class, self.users[name], role)
        self.other_class = create_class(self.users["otherhead"], "Other", "OTHER-26",
                                        date(2026, 9, 1), date(2027, 1, 15), course_slugs=["qc"])
        db.session.commit()
        self._clients = {}

    def client(self, name: str):
        if name not in self._clients:
            self._clients[name] = api_client(self.app, self.users[name])
        return self._clients[name]

    def later(self, clock, **delta):
        """Move the clock past the session lifetime: log everyone in again."""
        clock.advance(**delta)
        self._clients.clear()

    @property
    def exams_url(self) -> str:
        return f"/api/v1/classes/{self.school_class.id}/exams"

    def schedule(self, quiz="final", opens=T0, closes=T0 + timedelta(hours=2), **extra):
        response = self.client("head").api("POST", self.exams_url, {
            "course": "qc", "quiz": quiz, "opens_at": z(opens), "closes_at": z(closes), **extra})
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def override(self, exam_id, username="ann", **body):
        return self.client("head").api(
            "PUT", f"{self.exams_url}/{exam_id}/overrides/{username}", {"reason": "Ill on the day", **body})

    def start(self, name="ann", quiz="final"):
        return self.client(name).api("POST", f"/api/v1/courses/qc/quizzes/{quiz}/attempts")

    def submit(self, name, attempt_id):
        response = self.client(name).api("POST", f"/api/v1/attempts/{attempt_id}/submit")
        assert response.status_code == 200
        return response.get_json()
