"""Courses and units read from content/, their index in the database, and their pages."""


def init_app(app) -> None:
    from ..core.permissions import register_role_policy
    from . import index, views
    from .catalog import ContentCatalog
    from .cli import register_cli

    app.extensions["learnhub_content"] = ContentCatalog(app.config["CONTENT_DIR"],
                                                        app.config["CONTENT_RELOAD_SECONDS"])
    app.register_blueprint(views.bp)
    app.add_template_global(views.course_lang)
    register_cli(app)
    app.before_request(index.reindex_if_changed)
    register_role_policy(app, "course.see_drafts", "instructor")
