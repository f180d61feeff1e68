"""Final grades and completion: a class's rules, who qualifies and why, the staff's confirmation.

The final grade is the weighted mean of the parts the class has: the final exam's percent
(by the quiz's grading method), the mean percent of its reflection (心得体会) assignments and
the attendance rate. A part the class does not have (no exam scheduled, no reflection
assignment, no session started, or the member excused from all) is left out and the other
weights count in proportion. The thresholds each give a reason in words when not met.
Functions take explicit arguments and flush; the caller commits.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l, lazy_ngettext
from sqlalchemy import select

from ...auth.models import User
from ...auth.services import normalise_username
from ...classes.exams.models import ClassExam
from ...classes.models import SchoolClass
from ...classes.services import ensure_writable
from ...core.audit import audit
from ...core.database import savepoint
from ...core.errors import DomainError, FieldError
from ...extensions import db
from . import sources
from .models import DEFAULTS, CompletionConfirmation, CompletionRules

WEIGHTS = ("weight_exam", "weight_reflection", "weight_attendance")
PERCENTS = ("min_attendance", "pass_mark")
SWITCHES = ("require_units", "require_exam_pass", "block_on_findings")
REASON_MAX = 1000
MAX_USERNAMES = 500


class CompletionError(DomainError):
    status, code = 422, "invalid_completion"


# ---- the rules ------------------------------------------------------------------------------

def class_rules(school_class: SchoolClass) -> CompletionRules:
    """The class's rules; the defaults (a row not yet stored: saving the rules stores it)
    until the head teacher first saves them."""
    rules = db.session.scalar(select(CompletionRules).where(CompletionRules.class_id == school_class.id))
    return rules if rules is not None else CompletionRules(class_id=school_class.id, **DEFAULTS)


def class_exam_choices(school_class: SchoolClass) -> list[tuple[int, str]]:
    """(exam id, quiz title) of the class's scheduled exams, closing last first."""
    from ...quizzes.models import Quiz

    rows = db.session.execute(select(ClassExam.id, Quiz.title).join(Quiz, Quiz.id == ClassExam.quiz_id)
                              .where(ClassExam.class_id == school_class.id)
                              .order_by(ClassExam.closes_at.desc(), ClassExam.id.desc())).all()
    return [(exam_id, title) for exam_id, title in rows]


def final_exam(school_class: SchoolClass, rules: CompletionRules) -> ClassExam | None:
    """The exam chosen as final, else the class's exam closing last (None: no exam)."""
    if rules.final_exam_id is not None:
        exam = db.session.get(ClassExam, rules.final_exam_id)
        if exam is not None and exam.class_id == school_class.id:
            return exam
    return db.session.scalar(select(ClassExam).where(ClassExam.class_id == school_class.id)
                             .order_by(ClassExam.closes_at.desc(), ClassExam.id.desc()).limit(1))


def _whole_percent(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise FieldError(name, _l("A whole number from 0 to 100."))
    return value


def update_rules(actor: User, school_class: SchoolClass, values: dict) -> CompletionRules:
    """Change the rules: `values` may hold the weights, min_attendance, pass_mark, the three
    switches and final_exam_id (None: the exam closing last). Checked before anything changes:
    weights and percents are whole numbers 0..100 and the weights sum to 100."""
    ensure_writable(school_class)
    rules = class_rules(school_class)
    new = {name: getattr(rules, name) for name in (*WEIGHTS, *PERCENTS, *SWITCHES, "final_exam_id")}
    for name in (*WEIGHTS, *PERCENTS):
        if name in values:
            new[name] = _whole_percent(name, values[name])
    for name in SWITCHES:
        if name in values:
            if not isinstance(values[name], bool):
                raise FieldError(name, _l("true or false."))
            new[name] = values[name]
    if "final_exam_id" in values:
        exam_id = values["final_exam_id"]
        if exam_id is not None and exam_id not in {i for i, _t in class_exam_choices(school_class)}:
            raise FieldError("final_exam_id", _l("Choose one of the class's scheduled exams."))
        new["final_exam_id"] = exam_id
    total = sum(new[name] for name in WEIGHTS)
    if total != 100:
        raise CompletionError(422, "weights_sum", _l(
            "The weights must add up to 100 (they add up to %(total)d).", total=total))
    old = {name: getattr(rules, name) for name in new}
    for name, value in new.items():
        setattr(rules, name, value)
    if rules.id is None:
        with savepoint(db.session, CompletionError(409, "conflict", _l("Someone else just saved the rules: reload."))):
            db.session.add(rules)
            db.session.flush()
    audit(actor, "completion.rules", rules, class_id=school_class.id, old=old, new=new)
    db.session.flush()
    return rules


# ---- who qualifies -------------------------------------------------------------------------

@dataclass
class MemberCompletion:
    user_id: int
    username: str
    display_name: str
    student_no: str | None
    exam_percent: float | None = None
    exam_passed: bool | None = None
    exam_awaiting: bool = False  # attempts at the final exam wait for manual grading
    reflection_percent: float | None = None
    attendance_rate: float | None = None  # 0..1
    units_done: int = 0
    units_total: int = 0
    study_seconds: int = 0
    finding: bool = False
    final_grade: float | None = None
    reasons: list = field(default_factory=list)
    confirmation: CompletionConfirmation | None = None

    @property
    def qualifies(self) -> bool:
        return not self.reasons

    @property
    def confirmed(self) -> bool:
        return self.confirmation is not None


@dataclass
class ClassCompletion:
    school_class: SchoolClass
    rules: CompletionRules
    final_exam: ClassExam | None
    has_reflections: bool
    rows: list[MemberCompletion]

    def row(self, username: str) -> MemberCompletion | None:
        return next((r for r in self.rows if r.username == username), None)


def final_grade(rules, exam_percent, reflection_percent, attendance_rate) -> float | None:
    """The weighted mean over the parts present (None: a part the class does not have)."""
    parts = [(rules.weight_exam, exam_percent), (rules.weight_reflection, reflection_percent),
             (rules.weight_attendance, None if attendance_rate is None else 100.0 * attendance_rate)]
    present = [(weight, value) for weight, value in parts if value is not None and weight > 0]
    total = sum(weight for weight, _value in present)
    if not total:
        return None
    return round(sum(weight * value for weight, value in present) / total, 1)


def reasons_for(rules, row: MemberCompletion, has_exam: bool) -> list:
    """Why the member does not qualify, in words (empty: they qualify)."""
    reasons = []
    rate = row.attendance_rate
    if rate is not None and 100 * rate < rules.min_attendance:
        reasons.append(_l("Attendance %(rate)s%%, below %(min)s%%", rate=_percent(100 * rate),
                          min=rules.min_attendance))
    missing = row.units_total - row.units_done
    if rules.require_units and missing > 0:
        reasons.append(lazy_ngettext("%(num)d required unit not complete", "%(num)d required units not complete",
                                     missing))
    if rules.require_exam_pass and has_exam and not row.exam_passed:
        if row.exam_percent is not None:
            reasons.append(_l("Final exam not passed"))
        else:
            reasons.append(_l("Final exam awaiting grading") if row.exam_awaiting else _l("Final exam not taken"))
    if row.final_grade is None:
        reasons.append(_l("No final grade yet"))
    elif row.final_grade < rules.pass_mark:
        reasons.append(_l("Final grade %(grade)s, below the pass mark %(mark)s", grade=_percent(row.final_grade),
                          mark=rules.pass_mark))
    if rules.block_on_findings and row.finding:
        reasons.append(_l("An exam integrity finding confirmed by staff"))
    return reasons


def _percent(value: float) -> str:
    rounded = round(value, 1)
    return str(int(rounded)) if rounded == int(rounded) else str(rounded)


def class_completion(school_class: SchoolClass, now: datetime) -> ClassCompletion:
    """Every member's final grade, whether they qualify and why not; a fixed number of
    queries whatever the class's size."""
    rules = class_rules(school_class)
    exam = final_exam(school_class, rules)
    members = sources.members(school_class)
    grades = (sources.exam_grades(school_class) or {}) if exam is not None else {}
    reflections = sources.reflection_percents(school_class)
    rates = sources.attendance(school_class.id, now)
    units_total, units_done = sources.units(school_class)
    seconds = sources.study_time(school_class)
    findings = sources.confirmed_findings(school_class.id)
    confirmations = {c.user_id: c for c in db.session.scalars(
        select(CompletionConfirmation).where(CompletionConfirmation.class_id == school_class.id))}
    rows = []
    for user_id, username, display_name, _department, _stage, student_no in members:
        grade = grades.get(user_id, {}).get(exam.id) if exam is not None else None
        percent = getattr(grade, "percent", None)
        row = MemberCompletion(
            user_id, username, display_name, student_no,
            exam_percent=None if percent is None else float(percent),
            exam_passed=bool(getattr(grade, "passed", False)) if grade is not None else None,
            exam_awaiting=bool(getattr(grade, "awaiting", 0)),
            reflection_percent=None if reflections is None else round(reflections.get(user_id, 0.0), 1),
            attendance_rate=rates.get(user_id), units_done=units_done.get(user_id, 0), units_total=units_total,
            study_seconds=seconds.get(user_id, 0), finding=user_id in findings,
            confirmation=confirmations.get(user_id))
        exam_part = None if exam is None else (row.exam_percent or 0.0)
        row.final_grade = final_grade(rules, exam_part, row.reflection_percent, row.attendance_rate)
        row.reasons = reasons_for(rules, row, exam is not None)
        rows.append(row)
    rows.sort(key=lambda r: r.username)
    return ClassCompletion(school_class, rules, exam, reflections is not None, rows)


# ---- confirmation ---------------------------------------------------------------------------

def _clean_usernames(usernames) -> list[str]:
    if not isinstance(usernames, (list, tuple)) or not usernames:
        raise FieldError("usernames", _l("Choose at least one member."))
    if len(usernames) > MAX_USERNAMES:
        raise FieldError("usernames", _l("At most %(n)d members at once.", n=MAX_USERNAMES))
    cleaned = []
    for name in usernames:
        if not isinstance(name, str) or not name.strip():
            raise FieldError("usernames", _l("Usernames are non-empty strings."))
        key = normalise_username(name)[:64]
        if key not in cleaned:
            cleaned.append(key)
    return cleaned


def chosen_rows(completion: ClassCompletion, usernames) -> list[MemberCompletion]:
    """The rows of the usernames given, or 422 unknown_member naming those not in the class."""
    names = _clean_usernames(usernames)
    rows = [completion.row(name) for name in names]
    unknown = [name for name, row in zip(names, rows, strict=True) if row is None]
    if unknown:
        raise CompletionError(422, "unknown_member", _l("Not members of this class: %(names)s.",
                                                        names=", ".join(unknown)[:300]))
    return rows


def confirm(actor: User, school_class: SchoolClass, usernames, now: datetime,
            reason: str | None = None) -> list[CompletionConfirmation]:
    """Confirm that these members completed the class. Members who do not qualify are
    refused (409 not_qualified, nothing recorded) unless a reason is given: the head teacher
    overrides the rules, and the reason is kept with the confirmation and in the audit log.
    Already-confirmed members stay as they were (idempotent)."""
    ensure_writable(school_class)
    reason = reason.strip() if isinstance(reason, str) else None
    if reason and len(reason) > REASON_MAX:
        raise FieldError("reason", _l("The reason is longer than %(n)d characters.", n=REASON_MAX))
    completion = class_completion(school_class, now)
    rows = chosen_rows(completion, usernames)
    refused = [r.username for r in rows if not r.qualifies and not r.confirmed]
    if refused and not reason:
        raise CompletionError(409, "not_qualified", _l(
            "These members do not qualify: %(names)s. Give a reason to confirm them anyway.",
            names=", ".join(refused)[:300]))
    confirmed = []
    for row in rows:
        if row.confirmation is not None:
            confirmed.append(row.confirmation)
            continue
        override = reason if not row.qualifies else None
        confirmation = CompletionConfirmation(class_id=school_class.id, user_id=row.user_id,
                                              final_grade=row.final_grade, override_reason=override,
                                              confirmed_by_id=actor.id, confirmed_at=now)
        with savepoint(db.session, CompletionError(409, "conflict", _l("Someone else just confirmed: reload."))):
            db.session.add(confirmation)
            db.session.flush()
        audit(actor, "completion.confirm", confirmation, class_id=school_class.id, username=row.username,
              final_grade=row.final_grade, qualifies=row.qualifies, reasons=[str(r) for r in row.reasons],
              reason=override)
        row.confirmation = confirmation
        confirmed.append(confirmation)
    db.session.flush()
    return confirmed


def confirmation_for(class_id: int, user_id: int) -> CompletionConfirmation | None:
    return db.session.scalar(select(CompletionConfirmation).where(
        CompletionConfirmation.class_id == class_id, CompletionConfirmation.user_id == user_id))
