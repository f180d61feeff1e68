"""BENCH_* settings read from the environment (the list is in __init__.py)."""
from __future__ import annotations

import os


def env_number(name: str, default: float) -> float:
    value = os.environ.get(name)
    try:
        return float(value) if value else default
    except ValueError:
        raise SystemExit(f"{name} must be a number, not {value!r}") from None
