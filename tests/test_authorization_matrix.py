"""Who may do what, for every route of the app, in one table.

Every route in `app.url_map` (pages and API, `static` aside) must have a row in MATRIX for
each of its methods, giving the expected status per actor. A new route without a row fails
`test_every_route_has_a_row` with "add a row for <endpoint> <method>": a feature adds its
rows together with its routes.

The actors: anonymous, the member who owns the object in question (their attempt), another
member, an instructor, a staff member and an administrator. Unsafe page requests carry a
valid CSRF token and API requests a bearer token, so the table is about authorization, not
CSRF; `test_unsafe_requests_without_csrf_token_are_refused` covers CSRF on its own.

Statuses: an int is that exact status; LOGIN is a 302 to the login page; a plain 302 is a
redirect anywhere else.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from learnhub.auth import services as auth_services
from learnhub.auth.models import User
from learnhub.classes.announcements.services import post_announcement
from learnhub.classes.attendance.codes import NONCE_COOKIE
from learnhub.classes.exams.services import schedule_exam
from learnhub.classes.models import Membership
from learnhub.classes.services import create_class
from learnhub.courses.catalog import get_catalog
from learnhub.courses.index import sync_all
from learnhub.extensions import db
from learnhub.quizzes.models import Answer, Attempt
from tests.support.quizzes import ALL_TYPES_QUIZ
from tests.support.web import PASSWORD, csrf_from, login

LOGIN = "login"  # a 302 to /login
ACTORS = ("anonymous", "member", "other", "instructor", "staff", "admin")
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}

# (endpoint, method): expected status for
#                                                  anonymous member other instructor staff admin
MATRIX = {
    ("health.healthz", "GET"):                      (200,   200,   200,   200,   200,   200),
    ("health.readyz", "GET"):                       (200,   200,   200,   200,   200,   200),
    ("auth.login", "GET"):                          (200,   302,   302,   302,   302,   302),
    ("auth.login", "POST"):                         (200,   302,   302,   302,   302,   302),
    ("auth.logout", "POST"):                        (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN),
    ("auth.account", "GET"):                        (LOGIN, 200,   200,   200,   200,   200),
    ("auth.account", "POST"):                       (LOGIN, 302,   302,   302,   302,   302),
    # The focused first-login page: only an account that must change its password uses it
    # (tests/auth/test_password_change.py); everyone here need not, and is sent on (302).
    ("auth.first_password", "GET"):                 (LOGIN, 302,   302,   302,   302,   302),
    ("auth.first_password", "POST"):                (LOGIN, 302,   302,   302,   302,   302),
    ("admin.users", "GET"):                         (LOGIN, 403,   403,   403,   403,   200),
    ("admin.create_user", "GET"):                   (LOGIN, 403,   403,   403,   403,   200),
    ("admin.create_user", "POST"):                  (LOGIN, 403,   403,   403,   403,   200),
    ("admin.edit_user", "GET"):                     (LOGIN, 403,   403,   403,   403,   200),
    ("admin.change_role", "POST"):                  (LOGIN, 403,   403,   403,   403,   302),
    ("admin.toggle_active", "POST"):                (LOGIN, 403,   403,   403,   403,   302),
    ("admin.reset_password", "POST"):               (LOGIN, 403,   403,   403,   403,   200),
    ("courses.home", "GET"):                        (LOGIN, 200,   200,   200,   200,   200),
    ("courses.course", "GET"):                      (LOGIN, 200,   200,   200,   200,   200),
    ("courses.unit", "GET"):                        (LOGIN, 200,   200,   200,   200,   200),
    ("progress.complete", "POST"):                  (LOGIN, 302,   302,   302,   302,   302),
    ("progress.uncomplete", "POST"):                (LOGIN, 302,   302,   302,   302,   302),
    ("courses.asset", "GET"):                       (LOGIN, 200,   200,   200,   200,   200),
    ("quizzes.intro", "GET"):                       (LOGIN, 200,   200,   200,   200,   200),
    ("quizzes.start", "POST"):                      (LOGIN, 302,   302,   302,   302,   302),
    ("quizzes.attempt_page", "GET"):                (LOGIN, 200,   404,   200,   200,   200),
    ("quizzes.submit", "POST"):                     (LOGIN, 302,   404,   403,   403,   403),
    ("quizzes.my_attempts", "GET"):                 (LOGIN, 200,   200,   200,   200,   200),
    ("quizzes.quiz_attempts", "GET"):               (LOGIN, 403,   403,   200,   200,   200),
    ("quizzes.accommodations", "GET"):              (LOGIN, 403,   403,   403,   200,   200),
    ("quizzes.accommodations", "POST"):             (LOGIN, 403,   403,   403,   302,   302),
    ("api.openapi", "GET"):                         (200,   200,   200,   200,   200,   200),
    ("api.create_token", "POST"):                   (201,   201,   201,   201,   201,   201),
    ("api.revoke_token", "DELETE"):                 (401,   204,   204,   204,   204,   204),
    ("api.me", "GET"):                              (401,   200,   200,   200,   200,   200),
    ("api.change_my_password", "POST"):             (401,   200,   200,   200,   200,   200),
    ("api.list_courses", "GET"):                    (401,   200,   200,   200,   200,   200),
    ("api.get_course", "GET"):                      (401,   200,   200,   200,   200,   200),
    ("api.get_unit", "GET"):                        (401,   200,   200,   200,   200,   200),
    ("api.complete_unit", "POST"):                  (401,   200,   200,   200,   200,   200),
    ("api.uncomplete_unit", "DELETE"):              (401,   200,   200,   200,   200,   200),
    ("api.unit_heartbeat", "POST"):                 (401,   200,   200,   200,   200,   200),
    ("api.get_quiz", "GET"):                        (401,   200,   200,   200,   200,   200),
    ("api.start_attempt", "POST"):                  (401,   200,   201,   201,   201,   201),
    ("api.get_attempt", "GET"):                     (401,   200,   404,   200,   200,   200),
    ("api.save_answer", "PUT"):                     (401,   200,   404,   403,   403,   403),
    ("api.submit_attempt", "POST"):                 (401,   200,   404,   403,   403,   403),
    ("api.record_event", "POST"):                   (401,   200,   404,   403,   403,   403),
    # The party school. The class: staff is its head teacher, instructor its grader, member
    # a member; other is in no class.  anonymous member other instructor staff admin
    ("classes.index", "GET"):                       (LOGIN, 200,   200,   200,   200,   200),
    ("classes.create", "GET"):                      (LOGIN, 403,   403,   403,   200,   200),
    ("classes.create", "POST"):                     (LOGIN, 403,   403,   403,   302,   302),
    ("classes.overview", "GET"):                    (LOGIN, 200,   404,   200,   200,   200),
    ("classes.edit", "GET"):                        (LOGIN, 403,   404,   403,   200,   200),
    ("classes.edit", "POST"):                       (LOGIN, 403,   404,   403,   302,   302),
    ("api.list_classes", "GET"):                    (401,   200,   200,   200,   200,   200),
    ("api.create_class", "POST"):                   (401,   403,   403,   403,   201,   201),
    ("api.get_class", "GET"):                       (401,   200,   404,   200,   200,   200),
    # The roster: staff of the class (head teacher, grader) read it; the head teacher edits
    # records and imports. {member} is the class's member. anonymous member other instructor staff admin
    ("roster.page", "GET"):                         (LOGIN, 403,   404,   200,   200,   200),
    ("roster.export", "GET"):                       (LOGIN, 403,   404,   200,   200,   200),
    ("roster.member", "GET"):                       (LOGIN, 403,   404,   200,   200,   200),
    ("roster.member", "POST"):                      (LOGIN, 403,   404,   403,   302,   302),
    ("roster.import_roster", "GET"):                (LOGIN, 403,   404,   403,   200,   200),
    ("roster.import_roster", "POST"):               (LOGIN, 403,   404,   403,   200,   200),
    ("roster.import_confirm", "POST"):              (LOGIN, 403,   404,   403,   302,   302),
    ("api.get_roster", "GET"):                      (401,   403,   404,   200,   200,   200),
    ("api.update_member", "PATCH"):                 (401,   403,   404,   403,   200,   200),
    ("api.import_roster", "POST"):                  (401,   403,   404,   403,   422,   422),
    # One member at a time (head teacher); {member} gets a new password (members' accounts only).
    # Copy: staff of the class who may create classes (the grader is an instructor: 403).
    ("classes.add_member", "GET"):                  (LOGIN, 403,   404,   403,   200,   200),
    ("classes.add_member", "POST"):                 (LOGIN, 403,   404,   403,   200,   200),
    ("classes.reset_member_password", "POST"):      (LOGIN, 403,   404,   403,   200,   200),
    ("classes.copy", "GET"):                        (LOGIN, 403,   404,   403,   200,   200),
    ("classes.copy", "POST"):                       (LOGIN, 403,   404,   403,   302,   302),
    ("api.add_member", "POST"):                     (401,   403,   404,   403,   201,   201),
    ("api.reset_member_password", "POST"):          (401,   403,   404,   403,   200,   200),
    ("api.copy_class", "POST"):                     (401,   403,   404,   403,   201,   201),
    ("api.roster_template_csv", "GET"):             (401,   403,   404,   403,   200,   200),
    ("api.roster_template_xlsx", "GET"):            (401,   403,   404,   403,   200,   200),
    # Announcements: {announcement} was posted by staff (the head teacher). Delete: the author
    # or head teacher; staff deletes it first, so admin (allowed too) then finds it gone (404).
    ("announcements.index", "GET"):                 (LOGIN, 200,   404,   200,   200,   200),
    ("announcements.create", "GET"):                (LOGIN, 403,   404,   200,   200,   200),
    ("announcements.create", "POST"):               (LOGIN, 403,   404,   302,   302,   302),
    ("announcements.show", "GET"):                  (LOGIN, 200,   404,   200,   200,   200),
    ("announcements.edit", "GET"):                  (LOGIN, 403,   404,   403,   200,   200),
    ("announcements.edit", "POST"):                 (LOGIN, 403,   404,   403,   302,   302),
    ("announcements.delete", "POST"):               (LOGIN, 403,   404,   403,   302,   404),
    ("announcements.receipts", "GET"):              (LOGIN, 403,   404,   200,   200,   200),
    ("announcements.export_unread", "GET"):         (LOGIN, 403,   404,   200,   200,   200),
    ("api.list_announcements", "GET"):              (401,   200,   404,   200,   200,   200),
    ("api.create_announcement", "POST"):            (401,   403,   404,   201,   201,   201),
    ("api.read_announcement", "POST"):              (401,   200,   404,   200,   200,   200),
    ("api.announcement_receipts", "GET"):           (401,   403,   404,   200,   200,   200),    # Attendance: {session} runs now (started 5 min ago); {code} is its current check-in code and
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

    # Scheduled exams: {exam} (quiz mx/exam) was scheduled by staff (the head teacher). Each
    # allowed actor schedules its own quiz mx/new-<actor>; staff cancels {exam} first, so admin
    # (allowed too) then finds it gone (404).
    ("class_exams.index", "GET"):                   (LOGIN, 200,   404,   200,   200,   200),
    ("class_exams.create", "POST"):                 (LOGIN, 403,   404,   403,   302,   302),
    ("class_exams.manage", "GET"):                  (LOGIN, 403,   404,   403,   200,   200),
    ("class_exams.manage", "POST"):                 (LOGIN, 403,   404,   403,   302,   302),
    ("class_exams.override", "POST"):               (LOGIN, 403,   404,   403,   302,   302),
    ("class_exams.reset", "POST"):                  (LOGIN, 403,   404,   403,   302,   302),
    ("class_exams.cancel", "POST"):                 (LOGIN, 403,   404,   403,   302,   404),
    ("api.list_class_exams", "GET"):                (401,   200,   404,   200,   200,   200),
    ("api.create_class_exam", "POST"):              (401,   403,   404,   403,   201,   201),
    ("api.update_class_exam", "PATCH"):             (401,   403,   404,   403,   200,   200),
    ("api.cancel_class_exam", "DELETE"):            (401,   403,   404,   403,   204,   404),
    ("api.list_exam_overrides", "GET"):             (401,   403,   404,   403,   200,   200),
    ("api.set_exam_override", "PUT"):               (401,   403,   404,   403,   200,   200),
    ("api.reset_exam_attempts", "POST"):            (401,   403,   404,   403,   200,   200),
    ("api.my_exams", "GET"):                        (401,   200,   200,   200,   200,   200),
    ("api.list_my_progress", "GET"):                (401,   200,   200,   200,   200,   200),  # own only
    # The staff class progress dashboard: staff of the class (head teacher, grader) only.
    ("class_progress.page", "GET"):                 (LOGIN, 403,   404,   200,   200,   200),
    ("class_progress.export", "GET"):               (LOGIN, 403,   404,   200,   200,   200),
    ("api.get_class_progress", "GET"):              (401,   403,   404,   200,   200,   200),
    # Notifications: everyone logged in has their own list (tests/core/test_notifications.py
    # checks that nobody reads or marks another's).
    ("notifications.index", "GET"):                 (LOGIN, 200,   200,   200,   200,   200),
    ("notifications.read_all", "POST"):             (LOGIN, 302,   302,   302,   302,   302),
    ("api.list_notifications", "GET"):              (401,   200,   200,   200,   200,   200),
    ("api.read_notifications", "POST"):             (401,   200,   200,   200,   200,   200),
}

# Where each endpoint is requested; {placeholders} are filled from the World.
PATHS = {
    "health.healthz": "/healthz",
    "health.readyz": "/readyz",
    "auth.login": "/login",
    "auth.logout": "/logout",
    "auth.account": "/account",
    "auth.first_password": "/account/first-password",
    "admin.users": "/admin/users",
    "admin.create_user": "/admin/users/new",
    "admin.edit_user": "/admin/users/{target}",
    "admin.change_role": "/admin/users/{target}/role",
    "admin.toggle_active": "/admin/users/{target}/active",
    "admin.reset_password": "/admin/users/{target}/reset-password",
    "courses.home": "/",
    "courses.course": "/courses/mx",
    "courses.unit": "/courses/mx/intro",
    "progress.complete": "/courses/mx/manual/complete",
    "progress.uncomplete": "/courses/mx/manual/uncomplete",
    "courses.asset": "/courses/mx/assets/dot.svg",
    "quizzes.intro": "/courses/mx/quizzes/every-type",
    "quizzes.start": "/courses/mx/quizzes/every-type/start",
    "quizzes.attempt_page": "/attempts/{attempt}",
    "quizzes.submit": "/attempts/{attempt}/submit",
    "quizzes.my_attempts": "/my/attempts",
    "quizzes.quiz_attempts": "/courses/mx/quizzes/every-type/attempts",
    "quizzes.accommodations": "/staff/accommodations",
    "api.openapi": "/api/v1/openapi.json",
    "api.create_token": "/api/v1/auth/token",
    "api.revoke_token": "/api/v1/auth/token",
    "api.me": "/api/v1/me",
    "api.change_my_password": "/api/v1/me/password",
    "api.list_courses": "/api/v1/courses",
    "api.get_course": "/api/v1/courses/mx",
    "api.get_unit": "/api/v1/courses/mx/units/intro",
    "api.complete_unit": "/api/v1/courses/mx/units/manual/complete",
    "api.uncomplete_unit": "/api/v1/courses/mx/units/manual/complete",
    "api.unit_heartbeat": "/api/v1/courses/mx/units/intro/heartbeat",
    "api.get_quiz": "/api/v1/courses/mx/quizzes/every-type",
    "api.start_attempt": "/api/v1/courses/mx/quizzes/every-type/attempts",
    "api.get_attempt": "/api/v1/attempts/{attempt}",
    "api.save_answer": "/api/v1/attempts/{attempt}/answers/{question}",
    "api.submit_attempt": "/api/v1/attempts/{attempt}/submit",
    "api.record_event": "/api/v1/attempts/{attempt}/events",
    "classes.index": "/classes",
    "classes.create": "/classes/new",
    "classes.overview": "/classes/{class}",
    "classes.edit": "/classes/{class}/edit",
    "api.list_classes": "/api/v1/classes",
    "api.create_class": "/api/v1/classes",
    "api.get_class": "/api/v1/classes/{class}",
    "roster.page": "/classes/{class}/roster",
    "roster.export": "/classes/{class}/roster.csv",
    "roster.member": "/classes/{class}/members/member",
    "roster.import_roster": "/classes/{class}/roster/import",
    "roster.import_confirm": "/classes/{class}/roster/import/confirm",
    "api.get_roster": "/api/v1/classes/{class}/roster",
    "api.update_member": "/api/v1/classes/{class}/members/member",
    "api.import_roster": "/api/v1/classes/{class}/roster/import",
    "classes.add_member": "/classes/{class}/roster/add",
    "classes.reset_member_password": "/classes/{class}/members/member/password",
    "classes.copy": "/classes/{class}/copy",
    "api.add_member": "/api/v1/classes/{class}/members",
    "api.reset_member_password": "/api/v1/classes/{class}/members/member/password",
    "api.copy_class": "/api/v1/classes/{class}/copy",
    "api.roster_template_csv": "/api/v1/classes/{class}/roster/template.csv",
    "api.roster_template_xlsx": "/api/v1/classes/{class}/roster/template.xlsx",
    "announcements.index": "/classes/{class}/announcements",
    "announcements.create": "/classes/{class}/announcements/new",
    "announcements.show": "/announcements/{announcement}",
    "announcements.edit": "/announcements/{announcement}/edit",
    "announcements.delete": "/announcements/{announcement}/delete",
    "announcements.receipts": "/announcements/{announcement}/receipts",
    "announcements.export_unread": "/announcements/{announcement}/unread.csv",
    "api.list_announcements": "/api/v1/classes/{class}/announcements",
    "api.create_announcement": "/api/v1/classes/{class}/announcements",
    "api.read_announcement": "/api/v1/announcements/{announcement}/read",
    "api.announcement_receipts": "/api/v1/announcements/{announcement}/receipts",    "attendance.sessions": "/classes/{class}/sessions",
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

    "class_exams.index": "/classes/{class}/exams",
    "class_exams.create": "/classes/{class}/exams",
    "class_exams.manage": "/classes/{class}/exams/{exam}",
    "class_exams.override": "/classes/{class}/exams/{exam}/overrides",
    "class_exams.reset": "/classes/{class}/exams/{exam}/resets",
    "class_exams.cancel": "/classes/{class}/exams/{exam}/cancel",
    "api.list_class_exams": "/api/v1/classes/{class}/exams",
    "api.create_class_exam": "/api/v1/classes/{class}/exams",
    "api.update_class_exam": "/api/v1/classes/{class}/exams/{exam}",
    "api.cancel_class_exam": "/api/v1/classes/{class}/exams/{exam}",
    "api.list_exam_overrides": "/api/v1/classes/{class}/exams/{exam}/overrides",
    "api.set_exam_override": "/api/v1/classes/{class}/exams/{exam}/overrides/member",
    "api.reset_exam_attempts": "/api/v1/classes/{class}/exams/{exam}/resets/member",
    "api.my_exams": "/api/v1/me/exams",
    "api.list_my_progress": "/api/v1/progress",
    "class_progress.page": "/classes/{class}/progress",
    "class_progress.export": "/classes/{class}/progress.xlsx",
    "api.get_class_progress": "/api/v1/classes/{class}/progress",
    "notifications.index": "/notifications",
    "notifications.read_all": "/notifications/read",
    "api.list_notifications": "/api/v1/notifications",
    "api.read_notifications": "/api/v1/notifications/read",
}

# What the allowed actors send, so that they get the success the table expects.
FORMS = {
    ("auth.login", "POST"): {"username": "nobody", "password": "wrong-password"},
    ("auth.account", "POST"): {"prefs-display_name": "New name", "prefs-locale": "",
                               "prefs-save_preferences": "Save"},
    ("auth.first_password", "POST"): {"new_password": "taken-over-1", "confirm": "taken-over-1"},
    ("admin.create_user", "POST"): {"username": "newcomer", "display_name": "", "role": "member",
                                    "password": ""},
    ("admin.change_role", "POST"): {"role": "instructor", "change_role": "Change role"},
    ("quizzes.accommodations", "POST"): {"username": "member", "factor": "1.5"},
    ("classes.create", "POST"): {"name": "New class", "code": "NEW-{actor}", "starts_on": "2026-09-01",
                                 "ends_on": "2027-01-15", "status": "planned", "submit": "Save"},
    # No file: the upload form comes back with its error (200); a forged token is refused (302).
    ("roster.member", "POST"): {"stage": "activist", "stage_date": "2026-09-01", "role": "member",
                                "location": "", "department": "Branch of {actor}", "save": "Save"},
    ("roster.import_confirm", "POST"): {"token": "forged-by-{actor}"},
    ("classes.add_member", "POST"): {"display_name": "Added by {actor}", "username": "added-{actor}",
                                     "role": "member", "stage": ""},
    ("classes.copy", "POST"): {"name": "Next term", "code": "COPY-{actor}", "starts_on": "2027-09-01",
                               "ends_on": "2028-01-15"},
    ("classes.edit", "POST"): {"name": "Matrix class", "code": "MX-CLASS", "starts_on": "2026-09-01",
                               "ends_on": "2027-01-15", "status": "running", "submit": "Save"},
    ("announcements.create", "POST"): {"title": "Notice by {actor}", "body": "Text"},
    ("announcements.edit", "POST"): {"title": "Edited by {actor}", "body": "Text"},    ("attendance.create_session", "POST"): {"title": "Session by {actor}", "kind": "lecture",
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

    ("class_exams.create", "POST"): {"quiz": "mx/new-{actor}", "opens_at": "2026-12-01T09:00",
                                     "closes_at": "2026-12-01T11:00", "time_limit_minutes": ""},
    ("class_exams.manage", "POST"): {"window-opens_at": "2026-12-01T09:00", "window-closes_at": "2026-12-01T12:00",
                                     "window-time_limit_minutes": "30"},
    ("class_exams.override", "POST"): {"override-username": "member", "override-extra_attempts": "1",
                                       "override-reason": "Ill on the day"},
    ("class_exams.reset", "POST"): {"reset-username": "member", "reset-reason": "Wrong paper"},
}
JSON = {
    ("api.create_token", "POST"): {"username": "member", "password": PASSWORD},
    ("api.change_my_password", "POST"): {"current": PASSWORD, "new": PASSWORD},
    ("api.update_member", "PATCH"): {"department": "Branch of {actor}"},
    ("api.add_member", "POST"): {"display_name": "Added by {actor}", "username": "api-added-{actor}"},
    ("api.copy_class", "POST"): {"name": "Next term", "code": "API-COPY-{actor}", "starts_on": "2027-09-01",
                                 "ends_on": "2028-01-15"},
    ("api.save_answer", "PUT"): {"response": "{option}"},
    ("api.record_event", "POST"): {"kind": "focus_lost"},
    ("api.unit_heartbeat", "POST"): {"visible_seconds": 30},
    ("api.create_class", "POST"): {"name": "New class", "code": "API-{actor}", "starts_on": "2026-09-01",
                                   "ends_on": "2027-01-15"},
    ("api.create_announcement", "POST"): {"title": "API notice by {actor}", "body": "Text"},    ("api.create_session", "POST"): {"title": "API session by {actor}", "kind": "lecture",
                                     "starts_at": "2026-11-24T19:00:00+08:00", "ends_at": "2026-11-24T21:00:00+08:00"},
    ("api.update_session", "PATCH"): {"place": "Room of {actor}"},
    ("api.check_in", "POST"): {"code": "{code}"},
    ("api.mark_attendance", "PUT"): {"status": "excused", "note": "By {actor}"},
    ("api.mark_attendance_many", "PUT"): {"marks": [{"username": "member", "status": "excused"}]},

    ("api.create_class_exam", "POST"): {"course": "mx", "quiz": "new-{actor}", "opens_at": "2026-12-01T09:00:00+08:00",
                                        "closes_at": "2026-12-01T11:00:00+08:00"},
    ("api.update_class_exam", "PATCH"): {"time_limit_seconds": 600},
    ("api.set_exam_override", "PUT"): {"extra_attempts": 1, "reason": "Ill on the day"},
    ("api.reset_exam_attempts", "POST"): {"reason": "Wrong paper"},
}

CONTENT = {
    "mx/course.md": "---\ntitle: Matrix course\nsummary: S\n---\nText.\n",
    "mx/01-intro.md": "---\ntitle: Intro\ncompletion: view\n---\n## Hi\n",
    "mx/02-manual.md": "---\ntitle: Manual\ncompletion: manual\n---\n## Tick me\n",
    "mx/assets/dot.svg": '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>',
    "mx/quizzes/every-type.gift": ALL_TYPES_QUIZ,
    "mx/quizzes/exam.gift": "---\ntitle: Matrix exam\nkind: exam\n---\n::tf::True? {T}\n",
    "mx/quizzes/new-staff.gift": "::tf::True? {T}\n",
    "mx/quizzes/new-admin.gift": "::tf::True? {T}\n",
}


@dataclass
class World:
    """Real objects for one route's requests: users, the member's attempt, tokens, clients."""
    app: object
    tokens: dict[str, str]
    clients: dict[str, object]      # logged in through the login form (session cookie)
    api_client: object              # no cookies: API requests carry only their bearer token
    csrf: dict[str, str]
    ids: dict[str, object] = field(default_factory=dict)

    def path(self, endpoint: str) -> str:
        return PATHS[endpoint].format(**self.ids)

    def request(self, actor: str, endpoint: str, method: str, csrf: bool = True):
        path = self.path(endpoint)
        if endpoint.startswith("api."):
            headers = {}
            if actor != "anonymous" and endpoint != "api.create_token":
                headers["Authorization"] = f"Bearer {self.tokens[actor]}"
            body = JSON.get((endpoint, method))
            if body is not None:
                body = {k: v.format(actor=actor, **self.ids) if isinstance(v, str) else v
                        for k, v in body.items()}
            return self.api_client.open(path, method=method, json=body, headers=headers)
        data = {k: v.format(actor=actor, **self.ids) if isinstance(v, str) else v
                for k, v in FORMS.get((endpoint, method), {}).items()}
        if method in UNSAFE and csrf:
            data["csrf_token"] = self.csrf[actor]
        return self.clients[actor].open(path, method=method, data=data if method in UNSAFE else None)


@pytest.fixture
def world(make_app, write_content):
    app = make_app(CONTENT_DIR=str(write_content(CONTENT)), RATELIMIT_ENABLED=False)
    with app.app_context():
        sync_all(db.session, get_catalog().tree())
        users = {actor: auth_services.create_user(actor, PASSWORD, role)
                 for actor, role in [("member", "member"), ("other", "member"),
                                     ("instructor", "instructor"), ("staff", "staff"),
                                     ("admin", "admin")]}
        target = auth_services.create_user("target", PASSWORD, "member")
        db.session.commit()
        school_class = create_class(users["staff"], "Matrix class", "MX-CLASS", date(2026, 9, 1),
                                    date(2027, 1, 15), course_slugs=["mx"])
        db.session.add(Membership(class_id=school_class.id, user_id=users["member"].id, role="member"))
        db.session.add(Membership(class_id=school_class.id, user_id=users["instructor"].id, role="grader"))
        db.session.commit()
        tokens = {actor: auth_services.issue_token(user)[0] for actor, user in users.items()}
        db.session.commit()
        ids = {"target": target.id, "class": school_class.id}
        ids.update(matrix_session(users["staff"], school_class))
        ids["announcement"] = post_announcement(users["staff"], school_class, "Matrix notice", "Text").id
        db.session.commit()
        ids["exam"] = schedule_exam(users["staff"], school_class, "mx", "exam",
                                    datetime(2020, 1, 1, tzinfo=timezone.utc),
                                    datetime(2100, 1, 1, tzinfo=timezone.utc)).id
        db.session.commit()
    clients = {actor: app.test_client() for actor in ACTORS}
    for client in clients.values():  # the check-in cookie the scan ticket {ticket} is bound to
        client.set_cookie(NONCE_COOKIE, ids["nonce"], path="/checkin")
    csrf = {"anonymous": csrf_from(clients["anonymous"], "/login")}
    for actor in ACTORS[1:]:
        assert login(clients[actor], actor).status_code == 302
        csrf[actor] = csrf_from(clients[actor], "/account")
    api_client = app.test_client()
    started = api_client.post(PATHS["api.start_attempt"],
                                     headers={"Authorization": f"Bearer {tokens['member']}"})
    assert started.status_code == 201, started.get_data(as_text=True)
    single = next(q for q in started.get_json()["questions"] if q["type"] == "single")
    ids.update(attempt=started.get_json()["id"], question=single["id"],
               option=single["options"][0]["id"])
    with app.app_context():
        yield World(app=app, tokens=tokens, clients=clients,
                    api_client=api_client, csrf=csrf, ids=ids)


def matrix_session(head, school_class) -> dict:
    """A session running now, its current check-in code, and a scan ticket for one nonce."""
    from datetime import datetime, timedelta, timezone

    from learnhub.classes.attendance.codes import code_for, new_nonce, ticket_for
    from learnhub.classes.attendance.sessions import create_session

    now = datetime.now(timezone.utc)
    session = create_session(head, school_class, "Matrix session", "lecture", now - timedelta(minutes=5),
                             now + timedelta(hours=2))
    db.session.commit()
    nonce = new_nonce()
    return {"session": session.id, "code": code_for(session.id, now).code, "nonce": nonce,
            "ticket": ticket_for(session.id, now, nonce)}


def routes(app) -> set[tuple[str, str]]:
    return {(rule.endpoint, method) for rule in app.url_map.iter_rules() if rule.endpoint != "static"
            for method in rule.methods - {"HEAD", "OPTIONS"}}


def outcome(response) -> int | str:
    if response.status_code == 302 and response.headers["Location"].split("?")[0].endswith("/login"):
        return LOGIN
    return response.status_code


def test_every_route_has_a_row(world):
    missing = sorted(routes(world.app) - MATRIX.keys())
    assert not missing, "\n".join(f"add a row for {endpoint} {method}" for endpoint, method in missing)
    stale = sorted(MATRIX.keys() - routes(world.app))
    assert not stale, "\n".join(f"remove the row for {endpoint} {method} (no such route)"
                                for endpoint, method in stale)
    assert all(len(row) == len(ACTORS) for row in MATRIX.values())
    assert {endpoint for endpoint, _ in MATRIX} <= PATHS.keys()


@pytest.mark.parametrize(("endpoint", "method"), sorted(MATRIX), ids=lambda v: v)
def test_authorization_matrix(world, endpoint, method):
    """Each actor's status for one route, on fresh objects (a route's side effects stay in it)."""
    expected = dict(zip(ACTORS, MATRIX[(endpoint, method)], strict=True))
    got = {actor: outcome(world.request(actor, endpoint, method)) for actor in ACTORS}
    assert got == expected, f"{endpoint} {method} {world.path(endpoint)}: got {got}"


def test_unsafe_requests_without_csrf_token_are_refused(world):
    """Every unsafe page form and every unsafe cookie API call without a token: 400, no effect."""
    unsafe = sorted((e, m) for e, m in routes(world.app) if m in UNSAFE)
    assert unsafe
    for endpoint, method in unsafe:
        for actor in ACTORS:
            client = world.clients[actor]
            if endpoint.startswith("api."):
                if endpoint == "api.create_token" or actor == "anonymous":
                    continue  # public (a token in the body is no cookie to ride); 401 without a session
                body = JSON.get((endpoint, method))
                if body is not None:
                    body = {k: v.format(actor=actor, **world.ids) if isinstance(v, str) else v
                            for k, v in body.items()}
                response = client.open(world.path(endpoint), method=method, json=body)
            else:
                response = world.request(actor, endpoint, method, csrf=False)
            assert response.status_code == 400, (endpoint, method, actor, response.status_code)
    # Nothing happened: everyone is still logged in, the attempt is open, the target untouched.
    for actor in ACTORS[1:]:
        assert world.clients[actor].get("/account").status_code == 200, actor
    attempt = db.session.get(Attempt, world.ids["attempt"])
    assert attempt.state == "in_progress"
    assert not db.session.scalars(select(Answer).where(Answer.attempt_id == attempt.id)).all()
    target = db.session.scalar(select(User).where(User.username == "target"))
    assert target.active and target.role == "member"
    assert db.session.scalar(select(User).where(User.username == "newcomer")) is None


def test_no_row_is_written_twice():
    """A repeated key in a dict literal silently replaces the first: each row appears once."""
    import ast
    from pathlib import Path

    tree = ast.parse(Path(__file__).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            keys = [ast.unparse(key) for key in node.keys if key is not None]
            repeated = sorted({key for key in keys if keys.count(key) > 1})
            assert not repeated, f"written twice: {repeated}"
