"""/api/v1 scheduled exams: a class's exams, per-member overrides and resets, and /me/exams."""
from __future__ import annotations

from flask import jsonify, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..classes.exams import services as exam_rules
from ..classes.exams.loaders import load_exam
from ..classes.loaders import load_class
from ..core.api import ApiError, json_body, page_of, page_params
from ..core.permissions import allowed
from ..core.times import parse_iso
from ..core.types import utcnow
from ..extensions import db
from ..quizzes.presenters import iso
from . import bp

NO_VALUE = object()


def parse_datetime(data: dict, field: str, required: bool = True):
    """An ISO 8601 time with an offset (`Z` is fine); a time without one is refused."""
    value = data.get(field, NO_VALUE)
    if value is NO_VALUE or value is None:
        if required:
            raise ApiError(422, "invalid_field", _("'%(field)s' is required.", field=field))
        return None
    moment = parse_iso(value, field)  # out of range (years MIN_YEAR..MAX_YEAR): 422 invalid_field
    if moment is not None:
        return moment
    raise ApiError(422, "invalid_field",
                   _("'%(field)s' must be a time with its offset, like 2026-12-01T09:00:00+08:00.", field=field))


def _optional_int(data: dict, field: str, default=None):
    value = data.get(field, default)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        raise ApiError(422, "invalid_field", _("'%(field)s' must be a whole number.", field=field))
    return value


def _optional_bool(data: dict, field: str, default):
    value = data.get(field, default)
    if value is not default and not isinstance(value, bool):
        raise ApiError(422, "invalid_field", _("'%(field)s' must be true or false.", field=field))
    return value


def exam_item(item: exam_rules.MemberExam, my_status: str | None) -> dict:
    course_slug = item.course.slug if item.course else None
    return {
        "id": item.exam.id, "course": course_slug, "quiz": item.quiz_slug, "title": item.title,
        "opens_at": iso(item.opens_at), "closes_at": iso(item.closes_at),
        "time_limit_seconds": item.time_limit_seconds, "extra_attempts": item.extra_attempts,
        "override": item.override_id is not None, "my_status": my_status,
        "requires_courses_complete": item.exam.requires_courses_complete,
        "class": {"id": item.class_id, "name": item.class_name,
                  "url": url_for("classes.overview", class_id=item.class_id)},
        "url": url_for("quizzes.intro", course_slug=course_slug, quiz_slug=item.quiz_slug)
        if course_slug else None,
    }


def _staff_item(school_class, exam) -> dict:
    item = next(i for i in exam_rules.class_exams(school_class) if i.exam.id == exam.id)
    return exam_item(item, None)


@bp.get("/classes/<int:class_id>/exams")
def list_class_exams(class_id: int):
    """Members get their own schedule (override applied) and my_status; staff the class's."""
    school_class = load_class(class_id)
    offset, limit = page_params()
    if allowed(current_user, "class.member", school_class):
        items = [exam_item(i, i.my_status) for i in exam_rules.member_exams(current_user, utcnow(), school_class)]
    else:
        items = [exam_item(i, None) for i in exam_rules.class_exams(school_class)]
    return jsonify(page_of(items, offset, limit))


@bp.post("/classes/<int:class_id>/exams")
def create_class_exam(class_id: int):
    school_class = load_class(class_id, "class.manage")
    data = json_body()
    course, quiz = data.get("course"), data.get("quiz")
    if not isinstance(course, str) or not isinstance(quiz, str):
        raise ApiError(422, "invalid_field", _("'course' and 'quiz' are the slugs of a quiz of the class's courses."))
    exam = exam_rules.schedule_exam(current_user, school_class, course, quiz,
                                    parse_datetime(data, "opens_at"), parse_datetime(data, "closes_at"),
                                    _optional_int(data, "time_limit_seconds"),
                                    _optional_bool(data, "requires_courses_complete", False))
    db.session.commit()
    return jsonify(_staff_item(school_class, exam)), 201


@bp.patch("/classes/<int:class_id>/exams/<int:exam_id>")
def update_class_exam(class_id: int, exam_id: int):
    exam, school_class = load_exam(class_id, exam_id, "class.manage")
    data = json_body()
    opens_at = parse_datetime(data, "opens_at", required=False) or exam.opens_at
    closes_at = parse_datetime(data, "closes_at", required=False) or exam.closes_at
    limit = _optional_int(data, "time_limit_seconds") if "time_limit_seconds" in data else exam.time_limit_seconds
    exam_rules.update_exam(current_user, school_class, exam, opens_at, closes_at, limit,
                           _optional_bool(data, "requires_courses_complete", None))
    db.session.commit()
    return jsonify(_staff_item(school_class, exam))


@bp.delete("/classes/<int:class_id>/exams/<int:exam_id>")
def cancel_class_exam(class_id: int, exam_id: int):
    exam, school_class = load_exam(class_id, exam_id, "class.manage")
    exam_rules.cancel_exam(current_user, school_class, exam)
    db.session.commit()
    return "", 204


def override_body(override, username: str) -> dict:
    return {"username": username, "opens_at": iso(override.opens_at), "closes_at": iso(override.closes_at),
            "time_limit_seconds": override.time_limit_seconds, "extra_attempts": override.extra_attempts,
            "reason": override.reason}


@bp.get("/classes/<int:class_id>/exams/<int:exam_id>/overrides")
def list_exam_overrides(class_id: int, exam_id: int):
    exam, school_class = load_exam(class_id, exam_id, "class.manage")
    offset, limit = page_params()
    return jsonify(page_of([override_body(o, name) for o, name in exam_rules.exam_overrides(exam)],
                           offset, limit))


@bp.put("/classes/<int:class_id>/exams/<int:exam_id>/overrides/<username>")
def set_exam_override(class_id: int, exam_id: int, username: str):
    exam, school_class = load_exam(class_id, exam_id, "class.manage")
    member = exam_rules.class_member(school_class, username)
    data = json_body()
    override = exam_rules.set_override(
        current_user, school_class, exam, member,
        opens_at=parse_datetime(data, "opens_at", required=False),
        closes_at=parse_datetime(data, "closes_at", required=False),
        time_limit_seconds=_optional_int(data, "time_limit_seconds"),
        extra_attempts=_optional_int(data, "extra_attempts", 0), reason=data.get("reason"))
    db.session.commit()
    return jsonify(override_body(override, member.username))


@bp.post("/classes/<int:class_id>/exams/<int:exam_id>/resets/<username>")
def reset_exam_attempts(class_id: int, exam_id: int, username: str):
    exam, school_class = load_exam(class_id, exam_id, "class.manage")
    member = exam_rules.class_member(school_class, username)
    data = json_body()
    ids = exam_rules.reset_attempts(current_user, school_class, exam, member, data.get("reason"), utcnow())
    db.session.commit()
    return jsonify({"username": member.username, "reset": len(ids), "attempts": ids})


@bp.get("/me/exams")
def my_exams():
    offset, limit = page_params()
    items = exam_rules.member_exams(current_user, utcnow())
    return jsonify(page_of([exam_item(i, i.my_status) for i in items], offset, limit))
