"""Quiz files: content/<course>/quizzes/<slug>.gift = optional front matter + GIFT questions."""
from __future__ import annotations

import hashlib
import re
import threading
from dataclasses import dataclass, replace
from pathlib import Path

import yaml
from flask import current_app

from ..courses.catalog import get_catalog
from ..courses.loader import Problem
from .gift import parse_gift
from .questions import Question, QuizFormatError
from .settings import QuizSettings, settings_from_meta

QUIZ_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


@dataclass(frozen=True)
class QuizFile:
    course_slug: str
    slug: str
    path: Path
    settings: QuizSettings
    questions: tuple[Question, ...]     # with points and manual review applied
    checksum: str

    @property
    def gradable(self) -> list[Question]:
        return [q for q in self.questions if q.type != "description"]


def _front_matter(text: str) -> tuple[dict, str, int, list[tuple[int, str]]]:
    """(meta, body, first body line, problems). Front matter is optional for quizzes."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, text, 1, []
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        return {}, "", 1, [(1, "front matter is not closed by a '---' line")]
    try:
        meta = yaml.safe_load("\n".join(lines[1:end])) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        return {}, "", 1, [((mark.line + 2) if mark else 1, f"front matter is not valid YAML: {error}")]
    if not isinstance(meta, dict):
        return {}, "", 1, [(2, "front matter must be a mapping of keys to values")]
    return meta, "\n".join(lines[end + 1:]), end + 2, []


def _key_line(text: str, key: str) -> int:
    match = re.search(rf"^{re.escape(key)}\s*:", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def _apply_settings(questions: list[Question], settings: QuizSettings) -> list[Question]:
    applied = []
    for question in questions:
        points = settings.points
        if isinstance(points, dict):
            points = points.get(question.title or "", 1.0)
        if question.type == "description":
            points = 0.0
        manual = question.manual or (question.title in settings.manual_review)
        applied.append(replace(question, points=float(points), manual=manual))
    return applied


def _consistency(questions: list[Question], settings: QuizSettings, text: str) -> list[tuple[int, str]]:
    problems = []
    gradable = [q for q in questions if q.type != "description"]
    if not gradable:
        problems.append((1, "the quiz has no questions to answer"))
    titles = {q.title for q in questions if q.title}
    names = list(settings.manual_review) + (list(settings.points) if isinstance(settings.points, dict) else [])
    for title in names:
        if title not in titles:
            problems.append((_key_line(text, "manual_review" if title in settings.manual_review else "points"),
                             f"no question titled '{title}'"))
    draw = settings.draw
    if isinstance(draw, int) and draw > len(gradable):
        problems.append((_key_line(text, "draw"), f"'draw: {draw}' but the quiz has {len(gradable)} questions"))
    if isinstance(draw, dict):
        for category, count in draw.items():
            available = sum(1 for q in gradable if q.category == category)
            if count > available:
                problems.append((_key_line(text, "draw"),
                                 f"'draw' asks {count} from category '{category}', which has {available}"))
    return problems


def load_quiz_file(path: Path, course_slug: str, tz: str) -> tuple[QuizFile | None, list[tuple[int, str]]]:
    """Parse one quiz file; (None, problems) when anything is wrong."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8").lstrip("\ufeff")
    except UnicodeDecodeError as error:
        return None, [(raw.count(b"\n", 0, error.start) + 1, "invalid UTF-8 (save the file as UTF-8)")]
    meta, body, first_line, problems = _front_matter(text)
    if problems:
        return None, problems
    meta.setdefault("title", path.stem.replace("-", " ").capitalize())
    settings, errors = settings_from_meta(meta, tz)
    problems = [(_key_line(text, key), message) for key, message in errors]
    try:
        questions = parse_gift(body, first_line)
    except QuizFormatError as error:
        problems.extend(error.problems)
        questions = []
    if settings is not None and not problems:
        questions = _apply_settings(questions, settings)
        problems.extend(_consistency(questions, settings, text))
    if problems or settings is None:
        return None, sorted(problems)
    quiz = QuizFile(course_slug=course_slug, slug=path.stem, path=path, settings=settings,
                    questions=tuple(questions), checksum=hashlib.sha256(raw).hexdigest())
    return quiz, []


def quiz_warnings(path: Path) -> list[tuple[int, str]]:
    """What `content check` points out in a quiz file that still loads."""
    text = path.read_bytes().decode("utf-8", errors="replace").lstrip("\ufeff")
    meta = _front_matter(text)[0]
    if meta.get("shuffle_options") is False:
        kind = "an exam" if meta.get("kind") == "exam" else "a quiz"
        return [(_key_line(text, "shuffle_options"),
                 f"'shuffle_options: false' shows {kind}'s options in file order, and GIFT "
                 "puts the right answer where the author wrote it (often first)")]
    return []


def quiz_paths(course_dir: Path) -> list[Path]:
    folder = course_dir / "quizzes"
    return sorted(folder.glob("*.gift")) if folder.is_dir() else []


def check_quizzes(tree) -> list[Problem]:
    """`flask content check` hook: every quiz file of every course (errors, then warnings)."""
    tz = current_app.config.get("TIMEZONE", "Asia/Shanghai")
    problems = []
    for course_slug in tree.courses:
        for path in quiz_paths(tree.root / course_slug):
            name = path.relative_to(tree.root).as_posix()
            if not QUIZ_SLUG.match(path.stem):
                problems.append(Problem(name, 1, "quiz file names are a lowercase slug + .gift"))
                continue
            _quiz, found = load_quiz_file(path, course_slug, tz)
            problems.extend(Problem(name, line, message) for line, message in found)
            problems.extend(Problem(name, line, message, warning=True)
                            for line, message in quiz_warnings(path))
    return problems


class QuizCatalog:
    """Parsed quiz files per process, re-read when a file's size or mtime changes."""

    def __init__(self):
        self._lock = threading.Lock()
        self._cache: dict[Path, tuple[tuple, QuizFile | None]] = {}

    def get(self, course_slug: str, slug: str) -> QuizFile | None:
        if not QUIZ_SLUG.match(slug) or not QUIZ_SLUG.match(course_slug):
            return None
        path = get_catalog().root / course_slug / "quizzes" / f"{slug}.gift"
        try:
            stat = path.stat()
        except FileNotFoundError:
            return None
        key = (stat.st_mtime_ns, stat.st_size)
        cached = self._cache.get(path)
        if cached is None or cached[0] != key:
            quiz, _problems = load_quiz_file(path, course_slug, current_app.config["TIMEZONE"])
            with self._lock:
                self._cache[path] = (key, quiz)  # a quiz with errors is not served
            return quiz
        return cached[1]

    def for_course(self, course_slug: str) -> list[QuizFile]:
        folder = get_catalog().root / course_slug
        quizzes = (self.get(course_slug, path.stem) for path in quiz_paths(folder))
        return [q for q in quizzes if q is not None]


def get_quiz_catalog() -> QuizCatalog:
    return current_app.extensions.setdefault("learnhub_quizzes", QuizCatalog())
