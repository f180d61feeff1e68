"""The authorization matrix for grading's staff view of an attempt: its export and integrity
findings (tests/support/authorization/__init__.py explains the table). The staff page itself is
the attempt page's row (quizzes.attempt_page, in courses.py): who sees it is unchanged, what
they see is the staff view for everyone but the member."""
from __future__ import annotations

from tests.support.authorization.actors import LOGIN

# {attempt} is the member's every-type attempt (in progress, under no class exam): the school's
# reviewers (instructor and staff by global role) and admins see it; the member may read it but
# not export it or judge it; findings are for staff of its exam's class, the school's staff and
# admins (the instructor here grades the class but the attempt is under no exam of it). Staff
# records a finding first, so admin then finds one standing (409); no finding stands to withdraw.
#                                                  anonymous member other instructor staff admin
ROWS = {
    ("attempt_review.export", "GET"):               (LOGIN, 403,   404,   200,   200,   200),
    ("attempt_review.record", "POST"):              (LOGIN, 403,   404,   403,   302,   409),
    ("attempt_review.withdraw", "POST"):            (LOGIN, 403,   404,   403,   404,   404),
    # Every member's responses to the class's {exam}: the class's staff (grader and head teacher).
    ("attempt_review.exam_responses_export", "GET"): (LOGIN, 403,  404,   200,   200,   200),
    # The API of findings: as the page (staff records, then admin finds it standing: 409).
    ("api.record_attempt_finding", "POST"):         (401,   403,   404,   403,   201,   409),
    ("api.withdraw_attempt_finding", "POST"):       (401,   403,   404,   403,   404,   404),
}

# Where each endpoint is requested; {placeholders} are filled from the World.
PATHS = {
    "attempt_review.export": "/attempts/{attempt}/export.xlsx",
    "attempt_review.record": "/attempts/{attempt}/findings",
    "attempt_review.withdraw": "/attempts/{attempt}/findings/withdraw",
    "attempt_review.exam_responses_export": "/classes/{class}/exams/{exam}/responses.xlsx",
    "api.record_attempt_finding": "/api/v1/attempts/{attempt}/findings",
    "api.withdraw_attempt_finding": "/api/v1/attempts/{attempt}/findings/withdraw",
}
FORMS = {
    ("attempt_review.record", "POST"): {"finding-reason": "Answers copied from a phone ({actor} saw it)"},
    ("attempt_review.withdraw", "POST"): {"withdraw-reason": "Mistaken identity"},
}
JSON = {
    ("api.record_attempt_finding", "POST"): {"reason": "Answers copied from a phone ({actor} saw it)"},
    ("api.withdraw_attempt_finding", "POST"): {"reason": "Mistaken identity"},
}
