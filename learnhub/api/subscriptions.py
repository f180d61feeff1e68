"""/api/v1 discussions: following a thread (API.md, Discussions). The same rules as the pages:
whoever may read the thread may follow it; an unfollow stays when they post again."""
from __future__ import annotations

from flask_login import current_user
from pydantic import Field

from ..discussions.loaders import load_thread
from ..discussions.subscriptions import services
from ..extensions import db
from . import bp
from .schema import Out, declare

TAGS = ("discussions",)


class Following(Out):
    """Following"""

    following: bool = Field(description="whether the caller now follows the thread (replies notify them)")


@bp.post("/threads/<int:thread_id>/follow")
@declare("Follow the thread: its replies notify the caller (idempotent)",
         responses={200: Following}, errors=(404,), tags=TAGS)
def follow_thread(thread_id: int):
    thread = load_thread(thread_id)
    services.follow(current_user, thread)
    db.session.commit()
    return {"following": True}


@bp.delete("/threads/<int:thread_id>/follow")
@declare("Stop following the thread; posting in it again does not follow it again (idempotent)",
         responses={200: Following}, errors=(404,), tags=TAGS)
def unfollow_thread(thread_id: int):
    thread = load_thread(thread_id)
    services.unfollow(current_user, thread)
    db.session.commit()
    return {"following": False}
