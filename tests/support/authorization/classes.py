"""The authorization matrix for classes, their roster and members, and the class progress dashboard
(tests/support/authorization/__init__.py explains the table)."""
from __future__ import annotations

from tests.support.authorization.actors import LOGIN

# (endpoint, method): expected status for
#                                                  anonymous member other instructor staff admin
ROWS = {
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
    # The staff class progress dashboard: staff of the class (head teacher, grader) only.
    ("class_progress.page", "GET"):                 (LOGIN, 403,   404,   200,   200,   200),
    ("class_progress.export", "GET"):               (LOGIN, 403,   404,   200,   200,   200),
    ("api.get_class_progress", "GET"):              (401,   403,   404,   200,   200,   200),
}

# Where each endpoint is requested; {placeholders} are filled from the World.
PATHS = {
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
    "class_progress.page": "/classes/{class}/progress",
    "class_progress.export": "/classes/{class}/progress.xlsx",
    "api.get_class_progress": "/api/v1/classes/{class}/progress",
}

# What the allowed actors send (page forms, API JSON bodies), so that they get the success
# the table expects.
FORMS = {
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
}
JSON = {
    ("api.update_member", "PATCH"): {"department": "Branch of {actor}"},
    ("api.add_member", "POST"): {"display_name": "Added by {actor}", "username": "api-added-{actor}"},
    ("api.copy_class", "POST"): {"name": "Next term", "code": "API-COPY-{actor}", "starts_on": "2027-09-01",
                                 "ends_on": "2028-01-15"},
    ("api.create_class", "POST"): {"name": "New class", "code": "API-{actor}", "starts_on": "2026-09-01",
                                   "ends_on": "2027-01-15"},
}
