"""Load a class's scheduled exam for the current user (see classes.loaders)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ...core.errors import NotFound
from ..loaders import load_class
from ..models import SchoolClass
from .models import ClassExam
from .services import get_exam


def load_exam(class_id: int, exam_id: int, action: str = "class.view") -> tuple[ClassExam, SchoolClass]:
    """(exam, class): the class first (404 outside it, 403 without `action`), then its exam
    (404 when the class has no such exam)."""
    school_class = load_class(class_id, action)
    exam = get_exam(school_class, exam_id)
    if exam is None:
        raise NotFound(_l("No exam %(id)s in this class.", id=exam_id))
    return exam, school_class
