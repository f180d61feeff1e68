"""A class's exam can require the class's courses to be complete (issue: prerequisites).

Registered as a quiz gate: the quiz engine asks it before an attempt starts and on the
quiz page; it finds the schedule the member gets (the classes feature's provider) and,
when that exam asks for it, which of the class's courses the member has not completed.
"""
from __future__ import annotations

from flask import url_for

from ..classes.exams.schedules import requiring_class
from ..classes.models import SchoolClass
from ..classes.services import class_courses
from ..core.types import utcnow
from ..courses.index import CourseEntry
from ..courses.services import can_see_drafts
from ..extensions import db
from ..quizzes.attempts import find_quiz_ref
from ..quizzes.schedule import schedule_for
from .prerequisites import Lock, Missing
from .services import course_progress_for


def class_exam_lock(user, course: CourseEntry, quiz, exam: int | None = None) -> Lock | None:
    """`exam`: the class exam the member named; another class's exam never locks it."""
    if can_see_drafts(user):
        return None  # instructors and admins are never locked out (as with prerequisites)
    schedule = schedule_for(user, find_quiz_ref(course, quiz.slug), utcnow(), exam)  # no ORM row: every start asks
    if schedule is None or schedule.source != "class_exam" or schedule.source_id is None:
        return None
    class_id = requiring_class(schedule.source_id)
    if class_id is None:
        return None
    courses = class_courses(db.session.get(SchoolClass, class_id))
    progress = course_progress_for(user, courses)
    missing = [Missing("course", c.slug, c.title, url_for("courses.course", course_slug=c.slug))
               for c in courses if not progress[c.id].complete]
    return Lock(missing) if missing else None
