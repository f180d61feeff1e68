"""Who may do what, for every route of the app: the authorization matrix's table, one module
per area (tests/test_authorization_matrix.py runs it).

Every route in `app.url_map` (pages and API, `static` aside) must have a row in an area's
ROWS for each of its methods, giving the expected status per actor, and its path in PATHS;
what the allowed actors send goes in FORMS (pages) or JSON (API). A new route without a row
fails `test_every_route_has_a_row` with "add a row for <endpoint> <method>": a feature adds
its rows, in its area's module, together with its routes.

The actors: anonymous, the member who owns the object in question (their attempt), another
member, an instructor, a staff member and an administrator. The party school: staff is the
head teacher of the class, instructor its grader, member a member; other is in no class.

Statuses: an int is that exact status; LOGIN is a 302 to the login page; a plain 302 is a
redirect anywhere else.
"""
from __future__ import annotations

from tests.support.authorization import (
    accounts,
    announcements,
    attendance,
    classes,
    courses,
    discussions_moderation,
    discussions_reading,
    discussions_search,
    discussions_subscriptions,
    discussions_threads,
    exams,
    grading_assignments,
    grading_certificates,
    grading_completion,
    grading_gradebook,
    grading_marking,
    grading_regrade,
    grading_results,
    grading_review,
    grading_statistics,
)
from tests.support.authorization.actors import ACTORS, LOGIN, UNSAFE

AREAS = (accounts, courses, classes, announcements, attendance, exams, grading_results, grading_marking,
         grading_regrade, grading_assignments, grading_gradebook, grading_statistics, grading_completion,
         grading_certificates, grading_review, discussions_threads, discussions_moderation, discussions_reading,
         discussions_subscriptions, discussions_search)


def merged(table: str) -> dict:
    """One area's table joined with the others'; a key in two areas would silently replace one."""
    found: dict = {}
    for area in AREAS:
        entries = getattr(area, table)
        twice = sorted(map(str, entries.keys() & found.keys()))
        if twice:
            raise ValueError(f"{table} of {area.__name__} repeats {twice}")
        found.update(entries)
    return found


MATRIX = merged("ROWS")  # (endpoint, method): expected status per actor, in ACTORS' order
PATHS = merged("PATHS")
FORMS = merged("FORMS")
JSON = merged("JSON")

__all__ = ["ACTORS", "AREAS", "FORMS", "JSON", "LOGIN", "MATRIX", "PATHS", "UNSAFE"]
