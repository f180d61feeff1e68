"""Extension points for "show something here": a lower page asks for the panels of a slot.

A higher feature registers `panel(**context) -> Markup | str` for a slot in its init_app
(the quizzes list on the course page, later a class banner or the threads). The page
renders `{% for html in panels('course_page', course=view.course) %}{{ html }}{% endfor %}`.
"""
from __future__ import annotations

from flask import current_app
from markupsafe import Markup

PANELS_KEY = "learnhub_panels"


def register_panel(app, slot: str, panel) -> None:
    app.extensions.setdefault(PANELS_KEY, {}).setdefault(slot, []).append(panel)


def panels(slot: str, **context) -> list[Markup]:
    rendered = []
    for panel in current_app.extensions.get(PANELS_KEY, {}).get(slot, []):
        html = panel(**context)
        if html:
            rendered.append(Markup(html))
    return rendered


def init_app(app) -> None:
    app.jinja_env.globals["panels"] = panels
