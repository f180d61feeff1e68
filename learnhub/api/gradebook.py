"""The API for gradebook (grading.gradebook): declared with api.schema.declare."""
from __future__ import annotations
