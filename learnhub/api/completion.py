"""The API for completion (grading.completion): declared with api.schema.declare."""
from __future__ import annotations
