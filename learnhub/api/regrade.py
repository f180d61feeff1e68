"""The API for regrade (grading.regrade): declared with api.schema.declare."""
from __future__ import annotations
