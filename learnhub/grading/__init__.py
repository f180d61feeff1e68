"""Results and grading: class exam results and release, staff's view of an attempt, manual
grading by question, accepted responses and regrades, written assignments, the gradebook,
quiz statistics, final grades and completion, certificates. One sub-package per part;
grading sits above classes and progress and below discussions (DESIGN.md)."""


def init_app(app) -> None:
    from . import (
        assignments,
        attempt_review,
        certificates,
        completion,
        gradebook,
        marking,
        regrade,
        results,
        statistics,
    )

    for part in (results, attempt_review, marking, regrade, assignments, gradebook, statistics,
                 completion, certificates):
        part.init_app(app)
