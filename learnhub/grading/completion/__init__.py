"""Final grades and completion: weights, thresholds, who qualifies and why, confirmation."""


def init_app(app) -> None:
    """Filled in by this part: its models, blueprint, policies, panels."""
