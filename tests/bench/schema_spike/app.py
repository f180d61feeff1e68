"""The app with the spike's ports mounted beside /api/v1 (gunicorn tests.bench.schema_spike.app:app).

Under /api/ so bearer tokens authenticate them (learnhub.api.load_user_from_bearer) and
errors are JSON; CSRF-exempt like /api/v1.
"""
from __future__ import annotations

from learnhub import create_app
from learnhub.extensions import csrf

from . import marsh, pyd


def build():
    app = create_app()
    app.register_blueprint(pyd.bp)
    csrf.exempt(pyd.bp)
    marsh.register(app)
    return app


app = build()
