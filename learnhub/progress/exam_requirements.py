"""A class's exam can require the class's courses to be complete (issue: prerequisites).

Registered as a quiz gate: the quiz engine asks it before an attempt starts and on the
quiz page; it finds the schedule the member gets (the classes feature's provider) and,
when that exam asks for it, which of the class's courses the member has not completed.
"""
from __future__ import annotations

from flask import url_for

from ..classes.models import SchoolClass
from ..classes.services import class_courses
from ..core.types import utcnow
from ..courses.index import CourseEntry
from ..courses.services import can_see_drafts
from ..extensions import db
from ..quizzes.attempts import find_quiz_ref
from ..quizzes.schedule import schedule_for, shown_schedule
from .prerequisites import Lock, Missing
from .services import course_progress_for


def class_exam_lock(user, course: CourseEntry, quiz, exam: int | None = None,
                    schedules: list | None = None) -> Lock | None:
    """`exam`: the class exam the member named; another class's exam never locks it. `schedules`:
    the member's schedules at the quiz as the start read them (None: read them here)."""
    if can_see_drafts(user):
        return None  # instructors and admins are never locked out (as with prerequisites)
    if schedules is None:  # no ORM row: every start asks
        schedule = schedule_for(user, find_quiz_ref(course, quiz.slug), utcnow(), exam)
    else:
        schedule = shown_schedule(schedules, utcnow(), exam)
    # The provider read whether the exam requires its class's courses (`owner`) complete.
    if (schedule is None or schedule.source != "class_exam" or schedule.source_id is None
            or not schedule.requires_complete):
        return None
    courses = class_courses(db.session.get(SchoolClass, schedule.owner["id"]))
    progress = course_progress_for(user, courses)
    missing = [Missing("course", c.slug, c.title, url_for("courses.course", course_slug=c.slug))
               for c in courses if not progress[c.id].complete]
    return Lock(missing) if missing else None
