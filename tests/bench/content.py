"""The bench's own copy of content/, plus the exam it needs (not the sample quizzes)."""
from __future__ import annotations

import shutil
from pathlib import Path

COURSE = "party-building-online"
EXAM_SLUG = "bench-exam"
EXAM_QUESTIONS = 10
EXAM_FRONT_MATTER = """---
title: Bench exam
kind: exam
time_limit: 30m
grace: 30s
review: score_only
---
"""


def exam_gift(questions: int = EXAM_QUESTIONS) -> str:
    """Single-choice questions only: every save then has a response that is easy to pick."""
    lines = [f"::q{n}::Question {n}? {{=right ~wrong ~other}}\n" for n in range(1, questions + 1)]
    return EXAM_FRONT_MATTER + "\n".join(lines)


def prepare_content(source: Path, workdir: Path) -> Path:
    """Copy `source` (the project's content/) into `workdir`, add the bench exam; returns the copy."""
    root = workdir / "content"
    shutil.copytree(source, root)
    quizzes = root / COURSE / "quizzes"
    quizzes.mkdir(parents=True, exist_ok=True)
    (quizzes / f"{EXAM_SLUG}.gift").write_text(exam_gift(), encoding="utf-8")
    return root
