"""Manual grading by question: the queue, blind grading, versions, the audit of grade changes."""


def init_app(app) -> None:
    """Filled in by this part: its models, blueprint, policies, panels."""
