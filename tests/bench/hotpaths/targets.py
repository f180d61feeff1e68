"""The hot paths as wrk targets, from the seeded world (world.py) and the running server.

Who asks: the bench member (a member of the crowd's class) with a bearer token or a session
cookie from the real login form; the crowd's members, each with a token, for what a member does
once (starting the exam, checking in); the staff member who heads the dashboard's and the
results' classes; the crowd's head teacher for the check-in code.
"""
from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime, timezone

import requests

from ..content import COURSE, EXAM_SLUG
from ..login import USER_AGENT, session_cookie
from ..server import ServerError
from ..wrk import Target, conditional

UNIT_SLUG = "why-online"
START_PATH = f"/api/v1/courses/{COURSE}/quizzes/{EXAM_SLUG}/attempts"
CODE_MAX_SECONDS = 25  # a check-in code is taken for 15-30 s: a window fits in a fresh one
CODE_MARGIN_SECONDS = 3


@dataclass(frozen=True)
class Sizes:
    crowd: int  # members who start the exam and check in, each once (an eighth for warm-ups)
    attempts: int  # open attempts the saves rotate over
    dashboard_members: int
    dashboard_units: int
    results_members: int
    results_questions: int
    replies: int  # the thread's
    notifications: int  # the bench member's
    checkin_code: str  # "short": the typed 6 digits with the session; "qr": the scanned code

    def world_args(self, member: str) -> dict:
        return {"crowd": self.crowd + self.attempts, "dashboard_members": self.dashboard_members,
                "dashboard_units": self.dashboard_units, "results_members": self.results_members,
                "results_questions": self.results_questions, "replies": self.replies,
                "notifications": self.notifications, "course": COURSE, "unit": UNIT_SLUG,
                "exam": EXAM_SLUG, "member": member}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "User-Agent": USER_AGENT}


JSON_HEADERS = {"Content-Type": "application/json", "User-Agent": USER_AGENT}


# --- autosave: members' own open attempts ------------------------------------------------------

def start_attempt(base_url: str, token: str, exam: int) -> dict:
    response = requests.post(base_url + START_PATH, json={"exam": exam}, headers=bearer(token), timeout=60)
    if response.status_code not in (200, 201):
        raise ServerError(f"starting the bench exam answered {response.status_code}: {response.text[:300]}")
    return response.json()


def saves_rotation(base_url: str, tokens: list[str], exam: int) -> tuple[dict, ...]:
    """Every (attempt, choice question) of the members' open attempts, ordered so that
    consecutive requests go to different attempts, each with its option ids as bodies."""
    with ThreadPoolExecutor(4) as pool:
        attempts = list(pool.map(lambda token: (token, start_attempt(base_url, token, exam)), tokens))
    per_attempt = []
    for token, attempt in attempts:
        per_attempt.append([
            {"path": f"/api/v1/attempts/{attempt['id']}/answers/{question['id']}",
             "auth": f"Bearer {token}",
             "bodies": [json.dumps({"response": option["id"]}) for option in question["options"]]}
            for question in attempt["questions"] if len(question.get("options") or ()) >= 2])
    depth = max(len(entries) for entries in per_attempt)
    return tuple(entries[n] for n in range(depth) for entries in per_attempt if n < len(entries))


# --- what a member does once ---------------------------------------------------------------------

def once_each(tokens: list[str], path: str) -> tuple[dict, ...]:
    return tuple({"path": path, "auth": f"Bearer {token}"} for token in tokens)


def checkin_refresher(base_url: str, world: dict, kind: str, window: int):
    """Before each run: the session's current code, fetched as the crowd's head teacher; when it
    would expire within the run, the next one (a code is taken for its 15 s and the next 15 s)."""
    path = f"/api/v1/sessions/{world['session']}/code"

    def current() -> dict:
        response = requests.get(base_url + path, headers=bearer(world["head_token"]), timeout=60)
        if response.status_code != 200:
            raise ServerError(f"GET {path} answered {response.status_code}: {response.text[:300]}")
        return response.json()

    def seconds_until(moment: str) -> float:
        return (datetime.fromisoformat(moment.replace("Z", "+00:00")) - datetime.now(timezone.utc)).total_seconds()

    def refresh(target: Target) -> Target:
        code = current()
        if seconds_until(code["expires_at"]) < window + CODE_MARGIN_SECONDS:
            time.sleep(max(0.0, seconds_until(code["rotates_at"])) + 0.2)
            code = current()
        body = {"session": world["session"], "code": code["short_code"]} if kind == "short" else {"code": code["code"]}
        return replace(target, body=json.dumps(body))

    return refresh


# --- the series ----------------------------------------------------------------------------------

def hot_path_targets(base_url: str, world: dict, sizes: Sizes, seconds: int) -> list[Target]:
    """/healthz, the hot paths, /healthz again (the ratios' base is the mean of both)."""
    member = bearer(world["member_token"])
    cookie = {"Cookie": f"session={session_cookie(base_url)}", "User-Agent": USER_AGENT}
    staff = bearer(world["staff_token"])
    tokens = world["crowd_tokens"]
    saving, crowd = tokens[:sizes.attempts], tokens[sizes.attempts:]
    warm = max(20, len(crowd) // 8)
    crowd_warm, crowd_measured = crowd[:warm], crowd[warm:]
    print(f"Starting {len(saving)} attempts for the saves ...", flush=True)
    saves = saves_rotation(base_url, saving, world["exam"])
    checkin_window = min(seconds, CODE_MAX_SECONDS)
    once = {"once": True, "method": "POST"}
    return [
        Target("healthz", "GET /healthz", "/healthz", {}),
        Target("unit_api", "unit API (member, bearer)", f"/api/v1/courses/{COURSE}/units/{UNIT_SLUG}", member,
               goal=0.70),
        Target("unit_page", "unit page (member, session cookie)", f"/courses/{COURSE}/{UNIT_SLUG}", cookie,
               goal=0.60),
        Target("autosave", f"autosave PUT ({sizes.attempts} attempts, in turn)", saves[0]["path"], JSON_HEADERS,
               method="PUT", rotation=saves, goal=0.50),
        Target("exam_start", "exam start POST (a member each)", START_PATH, JSON_HEADERS,
               body=json.dumps({"exam": world["exam"]}), rotation=once_each(crowd_measured, START_PATH),
               warmup_rotation=once_each(crowd_warm, START_PATH), expect=(201,), goal=0.30, **once),
        Target("checkin", f"check-in POST ({sizes.checkin_code} code, a member each)", "/api/v1/checkin",
               JSON_HEADERS, rotation=once_each(crowd_measured, "/api/v1/checkin"),
               warmup_rotation=once_each(crowd_warm, "/api/v1/checkin"), goal=0.50, max_seconds=CODE_MAX_SECONDS,
               refresh=checkin_refresher(base_url, world, sizes.checkin_code, checkin_window), **once),
        Target("thread_page", f"thread page ({sizes.replies} replies, member cookie)", f"/threads/{world['thread']}",
               cookie, goal=0.40),
        conditional(base_url, Target("notifications_304", "notifications, If-None-Match: 304 (bearer)",
                                     "/api/v1/notifications", member, goal=0.80)),
        Target("dashboard", f"class progress API ({sizes.dashboard_members} members, limit 100)",
               f"/api/v1/classes/{world['dashboard_class']}/progress?limit=100", staff),
        Target("results", f"exam results API ({sizes.results_members} members, limit 100)",
               f"/api/v1/classes/{world['results_class']}/exams/{world['results_exam']}/results?limit=100", staff),
        Target("healthz_end", "GET /healthz (again, at the end)", "/healthz", {}),
    ]
