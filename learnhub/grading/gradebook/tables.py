"""The gradebook as a table: the page's sort orders and the CSV/XLSX export (page and API)."""
from __future__ import annotations

from flask_babel import gettext as _

from ...core.exports import table_response
from .services import Gradebook, GradebookRow

SORTS = ("rank", "student_no", "name", "username")


def sorted_rows(book: Gradebook, sort: str) -> list[GradebookRow]:
    """The rows by rank (the service's order: unranked last), student number (none last),
    display name or username."""
    if sort == "student_no":
        return sorted(book.rows, key=lambda r: (r.student_no is None, r.student_no or "", r.username))
    if sort == "name":
        return sorted(book.rows, key=lambda r: (r.display_name.casefold(), r.username))
    if sort == "username":
        return sorted(book.rows, key=lambda r: r.username)
    return list(book.rows)


def exam_result(grade) -> str:
    """A grade in words: passed, not passed, awaiting grading (empty without a grade)."""
    if grade is None:
        return ""
    if not grade.graded:
        return _("Awaiting grading")
    return _("Passed") if grade.passed else _("Not passed")


def export_table(book: Gradebook) -> tuple[list[str], list[list]]:
    """Header and rows, ranked order: rank, 学号, name, username; per exam its score, percent,
    result and time in seconds; per assignment its points; the total and the total time."""
    header = [_("Rank"), _("Student number"), _("Name"), _("Username")]
    for item in book.exams:
        header += [_("%(exam)s: score", exam=item.title), _("%(exam)s: percent", exam=item.title),
                   _("%(exam)s: result", exam=item.title), _("%(exam)s: time (seconds)", exam=item.title)]
    header += [_("%(assignment)s: points", assignment=a.title) for a in book.assignments]
    header += [_("Total of exam percents"), _("Total time (seconds)")]
    rows = []
    for row in book.rows:
        line = [row.rank, row.student_no, row.display_name, row.username]
        for item in book.exams:
            grade = row.exams.get(item.exam.id)
            line += ([None] * 4 if grade is None
                     else [grade.score, grade.percent, exam_result(grade), grade.seconds])
        for assignment in book.assignments:
            submission = row.submissions.get(assignment.id)
            if submission is None:
                line.append(None)
            else:
                line.append(submission.points if submission.points is not None else _("Awaiting grading"))
        line += [row.total, row.seconds]
        rows.append(line)
    return header, rows


def export_response(book: Gradebook, kind: str):
    header, rows = export_table(book)
    stem = _("gradebook")  # outside the f-string, where the message extractor finds it
    return table_response(kind, f"{book.school_class.code}-{stem}", header, rows, sheet_title=_("Gradebook"))
