"""The API for marking (grading.marking): declared with api.schema.declare."""
from __future__ import annotations
