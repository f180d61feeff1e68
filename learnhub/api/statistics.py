"""The API for statistics (grading.statistics): declared with api.schema.declare."""
from __future__ import annotations
