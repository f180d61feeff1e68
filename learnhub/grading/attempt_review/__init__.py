"""Staff's view of an attempt: names, keys, points, save times, the integrity record in words."""


def init_app(app) -> None:
    """Filled in by this part: its models, blueprint, policies, panels."""
