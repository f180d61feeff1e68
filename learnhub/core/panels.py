"""Extension points for "show something here": a lower page asks for the panels of a slot.

The feature that owns a page declares its slots in its init_app (`declare_slot`); a higher
feature registers `panel(**context) -> Markup | str` for a slot in its own init_app (the
quizzes list on the course page, later a class banner or the threads). The page renders
`{% for html in panels('course_page', course=view.course) %}{{ html }}{% endfor %}`.
A panel that is the same for every reader with the same values renders through
core.kept.render_kept (kept in memory, the reader's CSRF token put in afterwards).
Filling or asking for an undeclared slot raises, as an unknown permission action does:
a typo must not silently show nothing.
"""
from __future__ import annotations

from flask import current_app
from markupsafe import Markup

PANELS_KEY = "learnhub_panels"


def _slots(app) -> dict[str, list]:
    return app.extensions.setdefault(PANELS_KEY, {})


def declare_slot(app, slot: str) -> None:
    slots = _slots(app)
    if slot in slots:
        raise ValueError(f"panel slot {slot!r} is declared twice")  # two pages, one name
    slots[slot] = []


def register_panel(app, slot: str, panel, order: int = 100) -> None:
    """`order`: lower first; equal orders keep the order they were registered in (lowest
    feature first). A panel that belongs at the end of a page whatever comes later takes more."""
    slots = _slots(app)
    if slot not in slots:
        raise KeyError(f"no panel slot {slot!r} declared (declare it in the page's init_app, first)")
    slots[slot].append((order, panel))
    slots[slot].sort(key=lambda entry: entry[0])  # stable: equal orders keep registration order


def panels(slot: str, **context) -> list[Markup]:
    slot_panels = _slots(current_app).get(slot)
    if slot_panels is None:
        raise KeyError(f"no panel slot {slot!r} declared")
    rendered = []
    for _order, panel in slot_panels:
        html = panel(**context)
        if html:
            rendered.append(Markup(html))
    return rendered


def init_app(app) -> None:
    app.jinja_env.globals["panels"] = panels
