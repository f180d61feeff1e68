"""Load an assignment or a submission and its class for the current user (see classes.loaders):
404 outside the class, 403 without `action`."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ...classes.loaders import class_for
from ...classes.models import SchoolClass
from ...classes.services import get_class
from .models import Assignment, Submission
from .services import get_assignment, get_submission


def load_assignment(assignment_id: int, action: str = "class.view") -> tuple[Assignment, SchoolClass]:
    assignment = get_assignment(assignment_id)
    school_class = get_class(assignment.class_id) if assignment is not None else None
    return assignment, class_for(school_class, action, _l("No assignment %(id)s.", id=assignment_id))


def load_submission(submission_id: int, action: str = "class.staff") -> tuple[Submission, Assignment, SchoolClass]:
    submission = get_submission(submission_id)
    assignment = get_assignment(submission.assignment_id) if submission is not None else None
    school_class = get_class(assignment.class_id) if assignment is not None else None
    return submission, assignment, class_for(school_class, action, _l("No submission %(id)s.", id=submission_id))
