"""Liveness and readiness probes."""
from flask import Blueprint
from sqlalchemy import text

from .extensions import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """Alive: no database, no session. The benchmark's ceiling."""
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}


@bp.get("/readyz")
def readyz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any database failure means not ready
        return "database unavailable", 503, {"Content-Type": "text/plain; charset=utf-8"}
    return "ready", 200, {"Content-Type": "text/plain; charset=utf-8"}


def init_app(app) -> None:
    app.register_blueprint(bp)
