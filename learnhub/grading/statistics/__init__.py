"""Quiz statistics with Moodle's definitions: test and question figures, histogram."""


def init_app(app) -> None:
    """Filled in by this part: its models, blueprint, policies, panels."""
