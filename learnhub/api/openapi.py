"""GET /api/v1/openapi.json: the OpenAPI document, written from the endpoints' declarations
(api/schema.py's @declare; api/document.py writes the paths and schemas, OpenAPI 3.0)."""
from __future__ import annotations

from flask import current_app

from . import bp
from .document import generate
from .schema import Out, declare


def document() -> dict:
    """The document of the current app, built once per app (it follows from the code alone)."""
    app = current_app._get_current_object()
    cached = app.extensions.get("learnhub.openapi")
    if cached is None:
        paths, schemas = generate(app)
        cached = app.extensions["learnhub.openapi"] = {
            "openapi": "3.0.3",
            "info": {"title": "LearnHub API", "version": "1"},
            "components": {
                "schemas": dict(sorted(schemas.items())),
                "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"},
                                    "session": {"type": "apiKey", "in": "cookie", "name": "session"}},
            },
            "security": [{"bearer": []}, {"session": []}],
            "paths": dict(sorted(paths.items())),
        }
    return cached


class OpenApiDocument(Out):
    """OpenAPI 3 document"""

    openapi: str
    info: dict[str, str]
    components: dict[str, dict]
    security: list[dict[str, list[str]]]
    paths: dict[str, dict]


@bp.get("/openapi.json")
@declare("This document", responses={200: OpenApiDocument}, public=True, tags=("meta",))
def openapi():
    return document()
