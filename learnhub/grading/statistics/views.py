"""The statistics page of a quiz: test figures explained, a score histogram, the questions."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _, ngettext
from flask_login import current_user, login_required

from ...core import charts
from ...quizzes.attempts import find_quiz_row
from ...quizzes.loaders import load_quiz
from . import calculator, services
from .access import statistics_scope

bp = Blueprint("grading_statistics", __name__)

# Moodle's hints: a discrimination index below 20 % or an efficiency below 30 % is weak;
# a facility below 5 % or above 95 % hardly tells members apart.
LOW_INDEX, LOW_EFFICIENCY, HARD, EASY = 20, 30, 5, 95


def which_labels() -> dict[str, str]:
    return {"first": _("First attempts"), "highest": _("Highest-scoring attempts"),
            "last": _("Last attempts"), "all": _("All attempts")}


def type_labels() -> dict[str, str]:
    return {"single": _("Single choice"), "multiple": _("Multiple answers"), "true_false": _("True/false"),
            "short": _("Short answer"), "numerical": _("Numerical"), "matching": _("Matching"),
            "essay": _("Essay")}


def figure_rows(figures: calculator.TestFigures) -> list[tuple[str, float | None, str, str]]:
    """(name, value, unit, what it means in plain words) for the test figures table."""
    return [
        (_("Attempts"), figures.count, "", _("How many attempts these figures are over.")),
        (_("Mean"), figures.mean, "%", _("The average score, in percent of the maximum.")),
        (_("Median"), figures.median, "%", _("Half of the attempts scored this or less, half this or more.")),
        (_("Standard deviation"), figures.sd, "%",
         _("How spread out the scores are: about two thirds of them lie within this of the mean.")),
        (_("Skewness"), figures.skewness, "",
         _("Below 0: most scores are high with a tail of low ones; above 0: the reverse. Between -1 and 1 is usual.")),
        (_("Kurtosis"), figures.kurtosis, "",
         _("Above 0: scores bunch in the middle with a few far out; below 0: they are spread flat.")),
        (_("Coefficient of internal consistency"), figures.cic, "%",
         _("Whether the questions measure the same thing (like Cronbach's alpha): above %(good)d%% is "
           "good, below %(weak)d%% is weak.", good=75, weak=64)),
        (_("Error ratio"), figures.error_ratio, "%",
         _("The share of the spread in scores that is down to chance rather than real differences: "
           "below %(good)d%% is good.", good=50)),
        (_("Standard error"), figures.standard_error, "%",
         _("How far a member's score may be from their true level by chance: about twice this either way.")),
    ]


def question_notes(question: services.QuestionStatistics) -> list[str]:
    """What a highlighted question's figures mean for the question (empty when they look fine)."""
    notes = []
    index, efficiency, facility = (question.discrimination_index, question.discriminative_efficiency,
                                   question.facility)
    if facility is not None and facility > EASY:
        notes.append(_("Almost everyone got it right: it does not tell members apart."))
    elif facility is not None and facility < HARD:
        notes.append(_("Almost nobody got it right: check the key, or whether it was taught."))
    if index is not None and index < 0:
        notes.append(_("Negative discrimination: strong members got it wrong more often than weak ones — "
                       "check the key."))
    elif (index is not None and index < LOW_INDEX) or (efficiency is not None and efficiency < LOW_EFFICIENCY):
        notes.append(_("Low discrimination: it hardly separates stronger from weaker members; consider "
                       "rewording it or its wrong options."))
    return notes


def histogram(stats: services.QuizStatistics) -> charts.Chart:
    labels = [f"{n * 10}–{n * 10 + 9}%" for n in range(9)] + ["90–100%"]
    return charts.histogram(
        "chart-scores", _("Scores"),
        _("How many of the %(n)d attempts scored in each band of 10 percentage points.", n=stats.attempts_count),
        labels, calculator.bucket_counts(stats.percents),
        lambda n: ngettext("%(num)d attempt", "%(num)d attempts", n))


def parse_arguments(args, grading: str) -> tuple[str, int | None]:
    """(?attempts=, ?class=) for the page: anything else than their values is a 400."""
    which = args.get("attempts") or services.default_which(grading)
    if which not in services.WHICH:
        abort(400)
    raw = (args.get("class") or "").strip()
    if raw and not (raw.isdigit() and len(raw) < 11):
        abort(400)
    return which, int(raw) if raw else None


@bp.route("/courses/<course_slug>/quizzes/<quiz_slug>/statistics")
@login_required
def page(course_slug: str, quiz_slug: str):
    found = load_quiz(course_slug, quiz_slug)
    which, class_id = parse_arguments(request.args, found.quiz.settings.grading)
    row = find_quiz_row(found.course, found.quiz.slug)
    scope = statistics_scope(current_user, row, class_id)
    if row is None:
        stats = services.empty_statistics(which)
    else:
        stats = services.quiz_statistics(row, which, scope.schedule_keys, found.quiz)
    questions = [(q, question_notes(q)) for q in stats.questions]
    return render_template(
        "grading/statistics/quiz.html", course=found.course, quiz=found.quiz, stats=stats, scope=scope,
        which=which, which_labels=which_labels(), type_labels=type_labels(), rows=figure_rows(stats.figures),
        questions=questions, chart=histogram(stats) if stats.attempts_count else None,
        flagged=sum(1 for _q, notes in questions if notes))
