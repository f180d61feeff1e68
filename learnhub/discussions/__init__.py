"""Discussions: threads on courses, units and classes, posts, moderation, unread tracking,
subscriptions and mentions, search. One sub-package per part; discussions sits above
grading, below the API (DESIGN.md).

- `models`, `places`, `policies`, `loaders`: what every part shares.
- `posting`: writing threads and posts (edit window, revisions, soft delete, accepted answer,
  rate limit, idempotency key).
- `threads`: the pages (thread lists of a course, a unit, a class; the thread page; forms).
- `reading`: unread tracking, live updates (conditional polling), the panels on the unit,
  class, home and class-dashboard pages.
- `moderation`: pin, lock, hide, move, reports and their queue; every action audited.
- `subscriptions`: following threads, reply and mention notifications, report notices.
- `search`: Chinese-aware search on SQLite (FTS5) and PostgreSQL (tsvector).
"""


def init_app(app) -> None:
    from . import models, moderation, policies, posting, reading, search, subscriptions, threads  # noqa: F401  (models: tables known to the metadata)

    policies.register(app)
    for part in (posting, threads, reading, moderation, subscriptions, search):
        part.init_app(app)
