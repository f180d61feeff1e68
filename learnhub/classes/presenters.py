"""Classes as the API shows them."""
from __future__ import annotations

from flask import url_for

from . import services
from .models import SchoolClass


def class_summary(school_class: SchoolClass, role: str | None, members_count: int) -> dict:
    return {"id": school_class.id, "name": school_class.name, "code": school_class.code,
            "status": school_class.status, "starts_on": school_class.starts_on.isoformat(),
            "ends_on": school_class.ends_on.isoformat(), "role": role,
            "members_count": members_count,
            "url": url_for("classes.overview", class_id=school_class.id)}


def class_detail(user, school_class: SchoolClass) -> dict:
    rows = {row.school_class.id: row for row in services.classes_for(user)}
    row = rows.get(school_class.id)
    body = class_summary(school_class, services.caller_role(user, school_class),
                         row.members_count if row else 0)
    body.update({
        "description": school_class.description,
        "courses": [{"slug": c.slug, "title": c.title, "url": url_for("courses.course", course_slug=c.slug)}
                    for c in services.class_courses(school_class)],
        "staff": [{"username": s.username, "display_name": s.display_name, "role": s.role}
                  for s in services.class_staff(school_class)],
    })
    return body
