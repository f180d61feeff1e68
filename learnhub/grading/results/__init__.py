"""Class exam results: every member's status and score, exports, results release."""


def init_app(app) -> None:
    """Filled in by this part: its models, blueprint, policies, panels."""
