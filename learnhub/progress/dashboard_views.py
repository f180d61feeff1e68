"""The staff class dashboard page, its CSV/XLSX export and its panel on the class page."""
from __future__ import annotations

import math

from flask import Blueprint, render_template, request
from flask_babel import format_date, format_percent, gettext as _, lazy_gettext as _l, ngettext, pgettext
from flask_login import current_user, login_required
from markupsafe import Markup

from ..classes.loaders import load_class
from ..classes.roster.services import STAGE_LABELS
from ..core import charts
from ..core.exports import table_response
from ..core.permissions import allowed
from ..core.types import utcnow
from . import class_dashboard as rules

bp = Blueprint("class_progress", __name__)
FILTER_KEYS = ("department", "stage", "status", "behind", "sort")
CELL_LABELS = {"complete": _l("Complete"), "started": _l("Started"), "not_started": _l("Not started")}


def status_labels() -> dict[str, str]:
    """A member's status in the class's courses. "In progress" has its own context: a member
    studying is 学习中, not 作答中 (an attempt being answered, the quiz pages' word)."""
    return {"not_started": _("Not started"), "in_progress": pgettext("class progress", "In progress"),
            "complete": _("Complete")}


def _page_number() -> int:
    try:
        return max(1, int(request.args.get("page", "1")))
    except ValueError:
        return 1


def _filter_args(filters: rules.Filters) -> dict[str, str]:
    """The filters actually applied (unknown values dropped), for sort, page and export links."""
    args = {"department": filters.department, "stage": filters.stage, "status": filters.status,
            "behind": {True: "1", False: "0", None: ""}[filters.behind],
            "sort": "" if filters.sort == "username" else filters.sort}
    return {key: value for key, value in args.items() if value}


def _percent(share: float) -> str:
    return format_percent(share, "#,##0%")


def _charts(dashboard: rules.Dashboard) -> tuple[charts.Chart, charts.Chart]:
    everyone = dashboard.everyone
    labels = [f"{n * 10}–{n * 10 + 9}%" for n in range(9)] + ["90–100%"]
    counts = rules.percent_buckets(everyone)
    histogram = charts.histogram(
        "chart-percent", _("Members by progress"),
        _("How many of the class's %(n)d members have completed each share of the required units, "
          "in steps of 10%%.", n=len(everyone)),
        labels, counts, lambda n: ngettext("%(num)d member", "%(num)d members", n))
    school_class = dashboard.school_class
    complete = sum(1 for r in everyone if r.status == "complete")
    curve = charts.step_chart(
        "chart-completion", _("Members complete over the term"),
        _("The share of the class's members who had completed every required unit, by date, from "
          "%(start)s to %(end)s. Today %(done)d of %(n)d are complete.",
          start=format_date(school_class.starts_on), end=format_date(school_class.ends_on),
          done=complete, n=len(everyone)),
        school_class.starts_on, school_class.ends_on, rules.completion_curve(everyone),
        lambda day: format_date(day, "medium"), _percent, today=dashboard.today, today_label=_("Today"))
    return histogram, curve


@bp.route("/classes/<int:class_id>/progress")
@login_required
def page(class_id: int):
    """Members x required units, with percent, study time, scores, attendance (class staff)."""
    school_class = load_class(class_id, "class.staff")
    dashboard = rules.build(school_class, utcnow(), request.args)
    pages = max(1, math.ceil(len(dashboard.rows) / rules.PAGE_SIZE))
    number = min(_page_number(), pages)
    shown = dashboard.rows[(number - 1) * rules.PAGE_SIZE:number * rules.PAGE_SIZE]
    cells = rules.unit_cells(school_class.id, [u.id for u in dashboard.units], [r.user_id for r in shown])
    # The grid's cells as HTML, joined here: 50 members x 60 units through Jinja loops is slow.
    cell_html = {state: Markup('<td class="cell cell-{}"><span class="visually-hidden">{}</span></td>').format(
        state, label) for state, label in CELL_LABELS.items()}
    grid = {r.user_id: Markup("").join(cell_html[cells.get((r.user_id, u.id), "not_started")]
                                       for u in dashboard.units) for r in shown}
    histogram, curve = _charts(dashboard)
    return render_template(
        "progress/class_dashboard.html", school_class=school_class, dashboard=dashboard,
        filters=dashboard.filters, rows=shown, grid=grid, page=number, pages=pages,
        args=_filter_args(dashboard.filters), histogram=histogram, curve=curve,
        status_labels=status_labels(), stages=rules.STAGES,
        statuses=rules.STATUSES, behind_margin=rules.BEHIND_MARGIN)


def export_table(dashboard: rules.Dashboard, cells: dict) -> tuple[list[str], list[list]]:
    """The dashboard's table, every filtered member (all pages), as header and rows."""
    header = [_("Username"), _("Student number"), _("Name"), _("Department or branch"), _("Stage"),
              _("Units completed"),
              _("Required units"), _("Percent"), _("Status"), _("Behind schedule"), _("Study hours"),
              _("Attendance rate")]
    header += [_("Best score: %(quiz)s", quiz=q.title) for q in dashboard.quizzes]
    header += [unit.title for unit in dashboard.units]
    yes, no, statuses = _("yes"), _("no"), status_labels()
    # Not started stays empty: the legend row says so, and empty cells cost nothing to write.
    labels = {"complete": str(CELL_LABELS["complete"]), "started": str(CELL_LABELS["started"])}
    rows = []
    for row in dashboard.rows:
        line = [row.username, row.student_no, row.display_name, row.department,
                str(STAGE_LABELS[row.stage]) if row.stage else None, row.completed, row.total,
                row.percent, statuses[row.status], yes if row.behind else no, row.study_hours,
                None if row.attendance_rate is None else round(row.attendance_rate * 100, 1)]
        line += [row.best_scores.get(q.key) for q in dashboard.quizzes]
        line += [labels.get(cells.get((row.user_id, unit.id))) for unit in dashboard.units]
        rows.append(line)
    return header, rows


@bp.route("/classes/<int:class_id>/progress.<any(csv, xlsx):kind>")
@login_required
def export(class_id: int, kind: str):
    """The same table with the page's filters and sort, all pages, one query for the grid."""
    school_class = load_class(class_id, "class.staff")
    dashboard = rules.build(school_class, utcnow(), request.args)
    cells = rules.unit_cells(school_class.id, [u.id for u in dashboard.units], None)
    header, rows = export_table(dashboard, cells)
    stem = _("progress")  # outside the f-string, where the message extractor finds it
    return table_response(kind, f"{school_class.code}-{stem}", header, rows,
                          sheet_title=_("Progress"))


def class_page_panel(school_class, role):
    """On the class overview: the way to the progress dashboard for the class's staff."""
    if not allowed(current_user, "class.staff", school_class):
        return None
    return Markup(render_template("progress/class_dashboard_panel.html", school_class=school_class))


def init_app(app) -> None:
    from ..core.panels import declare_slot, register_panel

    app.register_blueprint(bp)
    declare_slot(app, "class_dashboard")  # the staff dashboard's head; discussions fills it
    register_panel(app, "class_page", class_page_panel)
