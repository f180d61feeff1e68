"""Written assignments (心得体会, 思想汇报): drafts, submission, late marks, grading."""


def init_app(app) -> None:
    """Filled in by this part: its models, blueprint, policies, panels."""
