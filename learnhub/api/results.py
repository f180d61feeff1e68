"""The API for results (grading.results): declared with api.schema.declare."""
from __future__ import annotations
