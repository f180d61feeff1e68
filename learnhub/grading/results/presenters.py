"""How exam results read: status labels, the export table (headers in the reader's language),
the API's items. Shared by the page, its downloads and the API."""
from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _

from ...classes.exams.services import class_exams
from ...core.exports import table_response
from ...core.times import utc_to_form
from ...core.types import utcnow
from . import services
from .services import ResultRow


def status_labels() -> dict[str, str]:
    return {"not_started": _("Not started"), "in_progress": _("In progress"), "submitted": _("Submitted"),
            "needs_grading": _("Needs grading"), "graded": _("Graded")}


def filter_labels() -> dict[str, str]:
    return {"all": _("All"), "not_started": _("Not started"), "failed": _("Not passed"),
            "needs_grading": _("Needs grading")}


def duration(seconds: int | None) -> str:
    """12:05 (minutes:seconds), 1:02:03 past an hour; empty without a time."""
    if seconds is None:
        return ""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def export_header() -> list[str]:
    return [_("Student number"), _("Name"), _("Username"), _("Status"), _("Score"), _("Maximum"),
            _("Percent"), _("Passed"), _("Time taken (seconds)"), _("Attempts"), _("Submitted at")]


# Characters per column (学号 and names fit; the status in Chinese is short).
EXPORT_WIDTHS = [14, 16, 16, 12, 8, 8, 8, 8, 12, 8, 20]


def export_rows(rows: list[ResultRow]) -> list[list]:
    labels = status_labels()
    yes_no = {True: _("Yes"), False: _("No"), None: ""}
    return [[r.student_no, r.display_name, r.username, labels[r.status], r.score, r.max_score, r.percent,
             yes_no[r.passed], r.seconds, r.attempts,
             utc_to_form(r.submitted_at).strftime("%Y-%m-%d %H:%M:%S") if r.submitted_at else ""]
            for r in rows]


def api_item(row: ResultRow) -> dict:
    return {"username": row.username, "display_name": row.display_name, "student_no": row.student_no,
            "status": row.status, "score": row.score, "max_score": row.max_score, "percent": row.percent,
            "passed": row.passed, "seconds": row.seconds, "attempts": row.attempts, "attempt": row.attempt_id,
            "submitted_at": row.submitted_at,
            "url": url_for("quizzes.attempt_page", attempt_id=row.attempt_id) if row.attempt_id else None}


def export_response(school_class, exam, kind: str):
    """The results as CSV or XLSX (headers in the reader's language; 学号 first)."""
    rows = services.exam_results(school_class, exam, utcnow())
    word = _("results")  # outside the f-string, where the message extractor finds it
    item = next(i for i in class_exams(school_class) if i.exam.id == exam.id)
    stem = f"{school_class.code}-{item.quiz_slug}-{word}"
    return table_response(kind, stem, export_header(), export_rows(rows), sheet_title=_("Results"),
                          widths=EXPORT_WIDTHS)
