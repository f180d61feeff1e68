"""Accepting a near-miss response and regrading after a key is fixed: preview, then apply."""


def init_app(app) -> None:
    """Filled in by this part: its models, blueprint, policies, panels."""
