"""Courses and units read from content/, their index in the database, and their pages."""

COURSE_SLOTS = ("home_page", "home_courses", "course_page", "course_progress", "course_unit_item",
                "unit_progress", "unit_completion", "unit_page")


def init_app(app) -> None:
    from ..core.panels import declare_slot
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
    # The home, course and unit pages' slots (templates/courses/); higher features fill them.
    for slot in COURSE_SLOTS:
        declare_slot(app, slot)
