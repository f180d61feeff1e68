"""Written assignments (心得体会, 思想汇报): drafts, submission, late marks, grading."""


def init_app(app) -> None:
    from . import models  # noqa: F401  (tables known to the metadata)
