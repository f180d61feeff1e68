"""The API for certificates (grading.certificates): declared with api.schema.declare."""
from __future__ import annotations
