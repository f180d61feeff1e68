"""Courses and units read from content/, their index in the database, and their pages."""


def init_app(app) -> None:
    from ..core.permissions import register_role_policy
    from . import index, views
    from .catalog import ContentCatalog
    from .cli import content_cli

    app.extensions["learnhub_content"] = ContentCatalog(app.config["CONTENT_DIR"],
                                                        app.config["CONTENT_RELOAD_SECONDS"])
    app.register_blueprint(views.bp)
    app.add_template_global(views.course_lang)
    app.cli.add_command(content_cli)
    app.before_request(index.reindex_if_changed)
    register_role_policy(app, "course.see_drafts", "instructor")
