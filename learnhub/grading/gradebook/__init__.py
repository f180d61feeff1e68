"""The class gradebook: members x exams and assignments, grading methods, ranking, export."""


def init_app(app) -> None:
    """Filled in by this part: its models, blueprint, policies, panels."""
