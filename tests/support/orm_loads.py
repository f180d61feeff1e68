"""Which ORM objects a request loads: hot paths answer from plain rows, and tests say so."""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from learnhub.extensions import db


@contextmanager
def orm_loads():
    """Collect the class names of the ORM instances loaded inside the block (any model)."""
    loaded: list[str] = []

    def record(target, _context):
        loaded.append(type(target).__name__)

    event.listen(db.Model, "load", record, propagate=True)
    try:
        yield loaded
    finally:
        event.remove(db.Model, "load", record)
