"""Helpers for the completion and certificate tests (and the authorization matrix's world)."""
from __future__ import annotations

from dataclasses import dataclass

from learnhub.core.types import utcnow
from learnhub.extensions import db
from learnhub.grading.certificates import services as certificates
from learnhub.grading.completion import services as completion, sources


def matrix_certificate(head, school_class, username: str = "member") -> dict:
    """The member confirmed (overriding: they do not qualify) and given a certificate: its serial."""
    now = utcnow()
    completion.confirm(head, school_class, [username], now, reason="Matrix: confirmed anyway")
    (certificate, _name), = certificates.issue(head, school_class, [username], now)
    db.session.commit()
    return {"certificate": certificate.serial}


@dataclass
class Grade:
    """What gradebook.exam_grades gives per member and exam (the fields completion reads)."""

    percent: float | None
    passed: bool | None
    awaiting: int = 0


class FakeSources:
    """Replaces completion.sources' reads with fixed figures per user id (monkeypatch)."""

    def __init__(self, monkeypatch):
        self.exams: dict[int, dict[int, Grade]] = {}
        self.reflections: dict[int, float] | None = None
        self.rates: dict[int, float | None] = {}
        self.units_total = 0
        self.units_done: dict[int, int] = {}
        self.seconds: dict[int, int] = {}
        self.findings: set[int] = set()
        monkeypatch.setattr(sources, "exam_grades", lambda school_class: self.exams)
        monkeypatch.setattr(sources, "reflection_percents", lambda school_class: self.reflections)
        monkeypatch.setattr(sources, "attendance", lambda class_id, now: self.rates)
        monkeypatch.setattr(sources, "units", lambda school_class: (self.units_total, self.units_done))
        monkeypatch.setattr(sources, "study_time", lambda school_class: self.seconds)
        monkeypatch.setattr(sources, "confirmed_findings", lambda class_id: self.findings)

    def good(self, user, exam_id: int, exam: float = 90.0, reflection: float = 80.0, rate: float = 1.0):
        """A member who meets every threshold."""
        self.exams.setdefault(user.id, {})[exam_id] = Grade(exam, True)
        if self.reflections is None:
            self.reflections = {}
        self.reflections[user.id] = reflection
        self.rates[user.id] = rate
        self.units_done[user.id] = self.units_total
        self.seconds[user.id] = 7200


class CompletionClass:
    """A class (head teacher, grader, members ann and bob, an outsider) with one scheduled exam,
    and the completion sources replaced by `fake` (FakeSources)."""

    def __init__(self, app, make_user, make_class, monkeypatch):
        from datetime import datetime, timezone

        from learnhub.classes.exams.services import schedule_exam

        self.app = app
        self.ann, self.bob = make_user("ann"), make_user("bob")
        self.outsider = make_user("outsider")
        self.grader = make_user("grader", role="instructor")
        self.school_class = make_class(members=[self.ann, self.bob], graders=[self.grader], name="2026 秋季积极分子培训班")
        self.head = self.school_class.head
        self.admin = make_user("root", role="admin")
        self.exam = schedule_exam(self.head, self.school_class, "party-building-online", "check-your-understanding",
                                  datetime(2026, 1, 1, tzinfo=timezone.utc), datetime(2026, 2, 1, tzinfo=timezone.utc))
        db.session.commit()
        self.fake = FakeSources(monkeypatch)
        self.fake.units_total = 3

    @property
    def id(self) -> int:
        return self.school_class.id

    def qualify(self, *users):
        for user in users:
            self.fake.good(user, self.exam.id)

    def client(self, user):
        from tests.support.web import api_client

        return api_client(self.app, user)

    def confirm_and_issue(self, *users):
        now = utcnow()
        names = [u.username for u in users]
        completion.confirm(self.head, self.school_class, names, now, reason="test")
        issued = certificates.issue(self.head, self.school_class, names, now)
        db.session.commit()
        return [c for c, _name in issued]
