"""Written assignments (心得体会, 思想汇报): drafts, submission, late marks, grading."""


def init_app(app) -> None:
    from ...core.panels import register_panel
    from ..marking.services import register_queue_source
    from . import models, queue, views  # noqa: F401  (models: tables known to the metadata)

    app.register_blueprint(views.bp)
    register_panel(app, "class_page", views.class_page_panel)
    register_queue_source(app, queue.pending_submissions)
