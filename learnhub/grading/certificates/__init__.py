"""Completion certificates (结业证书): issue, print, public verification, revocation."""


def init_app(app) -> None:
    """Filled in by this part: its models, blueprint, policies, panels."""
