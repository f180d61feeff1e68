"""`flask --app wsgi classes ...`: the party school's commands (each area adds its own)."""
from __future__ import annotations

from flask.cli import AppGroup

classes_cli = AppGroup("classes", help="Party school classes: rosters and more.")
