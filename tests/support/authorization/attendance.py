"""The authorization matrix for attendance: sessions, marks, minutes and check-in
(tests/support/authorization/__init__.py explains the table)."""
from __future__ import annotations

from tests.support.authorization.actors import LOGIN

# (endpoint, method): expected status for
#                                                  anonymous member other instructor staff admin
ROWS = {
    # Attendance: {session} runs now (started 5 min ago); {code} is its current check-in code and
    # {ticket} a scan ticket bound to every client's check-in cookie. Only a member checks in.
    ("attendance.sessions", "GET"):                 (LOGIN, 200,   404,   200,   200,   200),
    ("attendance.create_session", "GET"):           (LOGIN, 403,   404,   200,   200,   200),
    ("attendance.create_session", "POST"):          (LOGIN, 403,   404,   302,   302,   302),
    ("attendance.session_page", "GET"):             (LOGIN, 200,   404,   200,   200,   200),
    ("attendance.edit_session", "GET"):             (LOGIN, 403,   404,   200,   200,   200),
    ("attendance.edit_session", "POST"):            (LOGIN, 403,   404,   302,   302,   302),
    ("attendance.mark", "POST"):                    (LOGIN, 403,   404,   302,   302,   302),
    ("attendance.mark_many", "POST"):               (LOGIN, 403,   404,   302,   302,   302),
    ("attendance.sign_in_sheet", "GET"):            (LOGIN, 403,   404,   200,   200,   200),
    ("attendance.minutes", "GET"):                  (LOGIN, 403,   404,   403,   200,   200),
    ("attendance.minutes", "POST"):                 (LOGIN, 403,   404,   403,   302,   302),
    ("attendance.export", "GET"):                   (LOGIN, 403,   404,   200,   200,   200),
    ("attendance.qr_page", "GET"):                  (LOGIN, 403,   404,   200,   200,   200),
    ("attendance.qr_state_json", "GET"):            (LOGIN, 403,   404,   200,   200,   200),
    ("attendance.checkin_page", "GET"):             (LOGIN, 200,   403,   403,   403,   403),
    ("attendance.checkin", "POST"):                 (LOGIN, 200,   403,   403,   403,   403),
    # The typed-code page offers only the caller's own sessions taking check-ins: others see none.
    ("attendance.checkin_by_code", "GET"):          (LOGIN, 200,   200,   200,   200,   200),
    ("attendance.checkin_by_code", "POST"):         (LOGIN, 200,   200,   200,   200,   200),
    ("api.list_sessions", "GET"):                   (401,   200,   404,   200,   200,   200),
    ("api.create_session", "POST"):                 (401,   403,   404,   201,   201,   201),
    ("api.get_session", "GET"):                     (401,   200,   404,   200,   200,   200),
    ("api.update_session", "PATCH"):                (401,   403,   404,   200,   200,   200),
    ("api.get_code", "GET"):                        (401,   403,   404,   200,   200,   200),
    ("api.check_in", "POST"):                       (401,   200,   403,   403,   403,   403),
    ("api.list_attendance", "GET"):                 (401,   403,   404,   200,   200,   200),
    ("api.mark_attendance", "PUT"):                 (401,   403,   404,   200,   200,   200),
    ("api.mark_attendance_many", "PUT"):            (401,   403,   404,   200,   200,   200),
}

# Where each endpoint is requested; {placeholders} are filled from the World.
PATHS = {
    "attendance.sessions": "/classes/{class}/sessions",
    "attendance.create_session": "/classes/{class}/sessions/new",
    "attendance.session_page": "/sessions/{session}",
    "attendance.edit_session": "/sessions/{session}/edit",
    "attendance.mark": "/sessions/{session}/attendance",
    "attendance.mark_many": "/sessions/{session}/attendance/many",
    "attendance.sign_in_sheet": "/sessions/{session}/sign-in-sheet",
    "attendance.checkin_by_code": "/checkin/code",
    "attendance.minutes": "/sessions/{session}/minutes",
    "attendance.export": "/sessions/{session}/attendance.csv",
    "attendance.qr_page": "/sessions/{session}/qr",
    "attendance.qr_state_json": "/sessions/{session}/qr/state",
    "attendance.checkin_page": "/checkin?c={code}",
    "attendance.checkin": "/checkin",
    "api.list_sessions": "/api/v1/classes/{class}/sessions",
    "api.create_session": "/api/v1/classes/{class}/sessions",
    "api.get_session": "/api/v1/sessions/{session}",
    "api.update_session": "/api/v1/sessions/{session}",
    "api.get_code": "/api/v1/sessions/{session}/code",
    "api.check_in": "/api/v1/checkin",
    "api.list_attendance": "/api/v1/sessions/{session}/attendance",
    "api.mark_attendance": "/api/v1/sessions/{session}/attendance/member",
    "api.mark_attendance_many": "/api/v1/sessions/{session}/attendance",
}

# What the allowed actors send (page forms, API JSON bodies), so that they get the success
# the table expects.
FORMS = {
    ("attendance.create_session", "POST"): {"title": "Session by {actor}", "kind": "lecture",
                                            "starts_at": "2026-11-24T19:00", "ends_at": "2026-11-24T21:00",
                                            "late_after_minutes": "10"},
    ("attendance.edit_session", "POST"): {"title": "Edited by {actor}", "kind": "meeting",
                                          "starts_at": "2026-11-24T19:00", "ends_at": "2026-11-24T21:00",
                                          "late_after_minutes": "5"},
    ("attendance.mark", "POST"): {"username": "member", "status": "excused", "note": "By {actor}"},
    ("attendance.mark_many", "POST"): {"usernames": "member", "status": "excused", "note": "By {actor}"},
    ("attendance.checkin_by_code", "POST"): {"session": "{session}", "code": "000000"},
    ("attendance.minutes", "POST"): {"minutes": "Minutes by {actor}"},
    ("attendance.checkin", "POST"): {"ticket": "{ticket}"},
}
JSON = {
    ("api.create_session", "POST"): {"title": "API session by {actor}", "kind": "lecture",
                                     "starts_at": "2026-11-24T19:00:00+08:00", "ends_at": "2026-11-24T21:00:00+08:00"},
    ("api.update_session", "PATCH"): {"place": "Room of {actor}"},
    ("api.check_in", "POST"): {"code": "{code}"},
    ("api.mark_attendance", "PUT"): {"status": "excused", "note": "By {actor}"},
    ("api.mark_attendance_many", "PUT"): {"marks": [{"username": "member", "status": "excused"}]},
}
