"""Integrity findings (record, withdraw, who has one standing in a class) and the user agent
in words. Services take explicit arguments and flush; the views commit."""
from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache

from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy import select
from ua_parser import parse as parse_user_agent

from ...auth.models import User
from ...classes.exams.models import ClassExam
from ...classes.exams.services import exam_key
from ...core.audit import audit
from ...core.database import savepoint
from ...core.errors import DomainError, FieldError
from ...extensions import db
from ...quizzes.models import Attempt
from .models import IntegrityFinding

REASON_MAX = 2000


# ---- the user agent in words ---------------------------------------------------------------------

# In-app browsers the parser names by the engine they embed (Android WeChat reads as "Chrome
# Mobile WebView"): the app is what staff recognise. Each is (pattern, key of APP_NAMES).
IN_APP = ((re.compile(r"wxwork/(\d+)\.(\d+)"), "WeCom"),      # WeCom (企业微信) says MicroMessenger too
          (re.compile(r"MicroMessenger/(\d+)\.(\d+)"), "WeChat"),
          (re.compile(r"DingTalk/(\d+)\.(\d+)"), "DingTalk"))
APP_NAMES = {"WeChat": _l("WeChat"), "WeCom": _l("WeCom"), "DingTalk": _l("DingTalk")}
BROWSER_NAMES = {"WeChat Browser": "WeChat", "Chrome Mobile WebView": "Android WebView"}
OS_NAMES = {"Mac OS X": "macOS"}
GENERIC_BRANDS = {None, "", "Generic", "Generic_Android", "Generic_Inettv", "Apple"}


def _device(ua: str, result) -> str | None:
    device, os = result.device, result.os
    if device is not None and device.brand == "Apple" and device.family in ("iPhone", "iPad", "iPod", "Mac"):
        return device.family
    if os is None:
        return None
    name = OS_NAMES.get(os.family, os.family)
    if "HarmonyOS" in ua or "OpenHarmony" in ua:
        name = "HarmonyOS"
    brand = device.brand if device is not None else None
    return name if brand in GENERIC_BRANDS else f"{name} ({brand})"


def _browser(ua: str, result) -> tuple[str, str] | None:
    """(name, version): an app's name is a key of APP_NAMES (translated when shown)."""
    for pattern, name in IN_APP:
        found = pattern.search(ua)
        if found:
            return name, f"{found.group(1)}.{found.group(2)}"
    agent = result.user_agent
    if agent is None:
        return None
    return BROWSER_NAMES.get(agent.family, agent.family), agent.major or ""


@lru_cache(maxsize=2048)
def _describe(ua: str) -> tuple[str | None, tuple[str, str] | None]:
    result = parse_user_agent(ua)
    return _device(ua, result), _browser(ua, result)


def describe_user_agent(ua: str | None) -> str:
    """A User-Agent header in words, e.g. "iPhone · WeChat 8.0", "Windows · Chrome 131"
    (ua-parser's rules, with in-app browsers named by their app, in the reader's language);
    "" when there was none."""
    if not ua or not ua.strip():
        return ""
    device, browser = _describe(ua[:1000])
    parts = [device] if device else []
    if browser is not None:
        name, version = browser
        parts.append(f"{APP_NAMES.get(name, name)} {version}".strip())
    return " · ".join(parts) if parts else _("Unknown browser")


# ---- integrity findings ----------------------------------------------------------------------------

class FindingError(DomainError):
    status, code = 409, "finding_exists"


def _reason(value, field: str) -> str:
    text = (value or "").strip() if isinstance(value, str) else ""
    if not text:
        raise FieldError(field, _l("Give the reason."))
    if len(text) > REASON_MAX:
        raise FieldError(field, _l("The reason is at most %(n)d characters.", n=REASON_MAX))
    return text


def standing_finding(attempt: Attempt) -> IntegrityFinding | None:
    return db.session.scalar(select(IntegrityFinding).where(
        IntegrityFinding.attempt_id == attempt.id, IntegrityFinding.withdrawn_at.is_(None)))


def attempt_findings(attempt: Attempt) -> list[tuple[IntegrityFinding, str | None, str | None]]:
    """Every finding on the attempt, newest first, with who recorded and who withdrew it."""
    recorder, withdrawer = db.aliased(User), db.aliased(User)
    return [tuple(row) for row in db.session.execute(
        select(IntegrityFinding, recorder.display_name, withdrawer.display_name)
        .outerjoin(recorder, recorder.id == IntegrityFinding.recorded_by_id)
        .outerjoin(withdrawer, withdrawer.id == IntegrityFinding.withdrawn_by_id)
        .where(IntegrityFinding.attempt_id == attempt.id)
        .order_by(IntegrityFinding.recorded_at.desc(), IntegrityFinding.id.desc()))]


def record_finding(actor: User, attempt: Attempt, reason, now: datetime) -> IntegrityFinding:
    """Confirm an integrity finding on the attempt (409 `finding_exists` when one stands). An
    attempt still in progress may have one too: an invigilator may see it happen."""
    reason = _reason(reason, "reason")
    if standing_finding(attempt) is not None:
        raise FindingError(_l("A finding already stands on this attempt."))
    finding = IntegrityFinding(attempt_id=attempt.id, reason=reason, recorded_by_id=actor.id, recorded_at=now)
    with savepoint(db.session, FindingError(_l("A finding already stands on this attempt."))):
        db.session.add(finding)
        db.session.flush()
    audit(actor, "integrity.finding", attempt, finding=finding.id, member=attempt.user_id, reason=reason)
    db.session.flush()
    return finding


def withdraw_finding(actor: User, attempt: Attempt, finding_id: int, reason, now: datetime) -> IntegrityFinding:
    """Withdraw the standing finding (404 when there is no such standing finding on the attempt)."""
    reason = _reason(reason, "reason")
    finding = db.session.get(IntegrityFinding, finding_id)
    if finding is None or finding.attempt_id != attempt.id or finding.withdrawn_at is not None:
        raise DomainError(404, "not_found", _l("No standing finding %(id)d on this attempt.", id=finding_id))
    finding.withdrawn_at, finding.withdrawn_by_id, finding.withdraw_reason = now, actor.id, reason
    audit(actor, "integrity.withdraw", attempt, finding=finding.id, member=attempt.user_id, reason=reason)
    db.session.flush()
    return finding


def confirmed_findings(class_id: int) -> set[int]:
    """User ids with a standing (not withdrawn) finding on an attempt made under one of the
    class's exams. Two queries, whatever the class's size."""
    exams = db.session.scalars(select(ClassExam).where(ClassExam.class_id == class_id)).all()
    keys = [exam_key(exam) for exam in exams]
    if not keys:
        return set()
    return set(db.session.scalars(
        select(Attempt.user_id).join(IntegrityFinding, IntegrityFinding.attempt_id == Attempt.id)
        .where(Attempt.schedule_key.in_(keys), IntegrityFinding.withdrawn_at.is_(None)).distinct()))
