"""Course content files for tests that write their own content tree."""
from __future__ import annotations


def course_file(title="Course", draft=False, order=1):
    return f"---\ntitle: {title}\nsummary: About {title}\norder: {order}\ndraft: {str(draft).lower()}\n---\nDescription.\n"


def unit_file(title, completion="view", draft=False, body="## Part\n\nText.\n"):
    return (f"---\ntitle: {title}\nsummary: S\nestimated_minutes: 5\ncompletion: {completion}\n"
            f"draft: {str(draft).lower()}\n---\n{body}")
