"""What every port shares with today's endpoints: loading, the services, the commit."""
from __future__ import annotations

from flask import request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from learnhub.classes.loaders import load_class
from learnhub.core.api import ApiError, page_of, page_params
from learnhub.core.types import utcnow
from learnhub.extensions import db
from learnhub.progress import class_dashboard as rules
from learnhub.quizzes import attempts as attempt_rules, services


def require_user():
    if not current_user.is_authenticated:
        raise ApiError(401, "unauthorized", _l("Log in or send 'Authorization: Bearer <token>'."))


def save(attempt_id: int, question_id: int, response):
    """The autosave's service calls, as learnhub/api/quizzes.py save_answer makes them."""
    require_user()
    try:
        sheet = services.find_answer_sheet(current_user, attempt_id, question_id)
    except services.NotYours:
        raise ApiError(403, "forbidden", "not yours") from None
    if sheet is None:
        raise ApiError(404, "not_found", "no such question")
    try:
        saved_at = attempt_rules.save_to_sheet(current_user, sheet, question_id, response, utcnow())
    except attempt_rules.QuizError:
        db.session.commit()
        raise
    db.session.commit()
    return saved_at


def dashboard_page(class_id: int):
    """The dashboard API's rows (MemberRow objects) for one page, as class_progress.py does."""
    require_user()
    school_class = load_class(class_id, "class.staff")
    offset, limit = page_params()
    dashboard = rules.build(school_class, utcnow(), request.args, strict=True)
    return page_of(dashboard.rows, offset, limit)
