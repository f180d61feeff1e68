"""The API for assignments (grading.assignments): declared with api.schema.declare."""
from __future__ import annotations
