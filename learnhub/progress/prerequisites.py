"""Prerequisites: `requires: [unit-slug, quiz:slug]` in a unit's or a quiz's front matter.

A requirement is a unit of the same course (completed) or a quiz of the same course (a
passed attempt that was not reset). Locks are worked out per course in at most two
queries, whatever the number of units. Instructors (who may see drafts) are never locked
out: they need to read what they wrote.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import render_template, url_for
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import select

from ..courses.index import CourseEntry, UnitEntry, content_index
from ..courses.loader import Problem, parse_requires
from ..courses.models import UnitProgress
from ..courses.services import can_see_drafts
from ..extensions import db
from ..quizzes.loader import _front_matter, _key_line, get_quiz_catalog, quiz_paths
from ..quizzes.models import Attempt, Quiz

QUIZ_PREFIX = "quiz:"


@dataclass(frozen=True)
class Missing:
    """One requirement still to meet."""

    kind: str      # unit | quiz
    slug: str
    title: str
    url: str

    def as_dict(self) -> dict:
        return {"kind": self.kind, "slug": self.slug, "title": self.title, "url": self.url}


@dataclass
class Lock:
    missing: list[Missing] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.missing)

    @property
    def message(self) -> str:
        return str(_l("Complete first: %(items)s.", items=", ".join(m.title for m in self.missing)))

    @property
    def html(self) -> Markup:
        return Markup(render_template("progress/_locked.html", lock=self))


class CourseGate:
    """What one member has done in one course, enough to answer 'is X locked?'."""

    def __init__(self, course: CourseEntry, completed_unit_ids: set[int], passed_quizzes: set[str]):
        self.course = course
        self.units = {u.slug: u for u in content_index().units.get(course.id, [])}
        self.completed = completed_unit_ids
        self.passed = passed_quizzes

    def lock(self, requires) -> Lock:
        missing = []
        for entry in requires or ():
            if entry.startswith(QUIZ_PREFIX):
                slug = entry[len(QUIZ_PREFIX):]
                if slug not in self.passed:
                    quiz = get_quiz_catalog().get(self.course.slug, slug)
                    missing.append(Missing("quiz", slug, quiz.settings.title if quiz else slug,
                                           url_for("quizzes.intro", course_slug=self.course.slug,
                                                   quiz_slug=slug)))
            else:
                unit = self.units.get(entry)
                if unit is None or unit.id not in self.completed:
                    missing.append(Missing("unit", entry, unit.title if unit else entry,
                                           url_for("courses.unit", course_slug=self.course.slug,
                                                   unit_slug=entry)))
        return Lock(missing)


def _needs_quizzes(requires_lists) -> bool:
    return any(e.startswith(QUIZ_PREFIX) for requires in requires_lists for e in requires or ())


def passed_quiz_slugs(user_id: int, course_id: int) -> set[str]:
    return set(db.session.scalars(select(Quiz.slug).join(Attempt, Attempt.quiz_id == Quiz.id).where(
        Attempt.user_id == user_id, Quiz.course_id == course_id, Attempt.passed.is_(True),
        Attempt.reset_at.is_(None)).distinct()))


def completed_unit_ids(user_id: int, course_id: int) -> set[int]:
    ids = [u.id for u in content_index().units.get(course_id, [])]
    if not ids:
        return set()
    return set(db.session.scalars(select(UnitProgress.unit_id).where(
        UnitProgress.user_id == user_id, UnitProgress.unit_id.in_(ids),
        UnitProgress.completed_at.is_not(None))))


def course_gate(user, course: CourseEntry, requires_lists, progress: dict | None = None) -> CourseGate | None:
    """The member's gate for these requirements, or None when nothing can be locked
    (no requirement at all, or an instructor): then no query is made."""
    if not any(requires_lists) or can_see_drafts(user):
        return None
    if progress is not None:
        completed = {unit_id for unit_id, row in progress.items() if row.completed_at}
    else:
        completed = completed_unit_ids(user.id, course.id)
    passed = passed_quiz_slugs(user.id, course.id) if _needs_quizzes(requires_lists) else set()
    return CourseGate(course, completed, passed)


def unit_lock(user, unit: UnitEntry, course: CourseEntry | None = None,
              progress: dict | None = None) -> Lock:
    """What the member still needs before `unit` opens (an empty, falsy Lock: nothing)."""
    course = course or content_index().course_by_id(unit.course_id)
    gate = course_gate(user, course, [unit.requires], progress)
    return gate.lock(unit.requires) if gate else Lock()


def unit_locks(user, course: CourseEntry, units: list[UnitEntry], progress: dict | None = None) -> dict[int, Lock]:
    """Locks of many units of a course at once (for the course page and the API)."""
    gate = course_gate(user, course, [u.requires for u in units], progress)
    return {u.id: (gate.lock(u.requires) if gate else Lock()) for u in units}


def quiz_lock(user, course: CourseEntry, quiz, _exam: int | None = None, _schedules=None) -> Lock | None:
    """The quiz gate (registered with quizzes): None when the quiz may be started (the
    quiz's own `requires:` hold whichever class exam it is taken under)."""
    gate = course_gate(user, course, [quiz.settings.requires])
    lock = gate.lock(quiz.settings.requires) if gate else None
    return lock or None


def unit_gate(user, view):
    """The unit page's gate (registered with courses): the locked notice, or None."""
    lock = unit_lock(user, view.unit, view.course, view.progress)
    return lock.html if lock else None


# ---- `content check`: requirements that point nowhere or go round in a circle ------------------

def _quiz_requires(tree, course_slug: str) -> dict[str, tuple[list[str], str, int]]:
    """quiz slug -> (requires, file name, line) read from the files' front matter."""
    found = {}
    for path in quiz_paths(tree.root / course_slug):
        text = path.read_bytes().decode("utf-8", errors="replace").lstrip("\ufeff")
        meta = _front_matter(text)[0]
        requires, problem = parse_requires(meta.get("requires"))
        if not problem:  # a malformed list is the quiz check's to report
            found[path.stem] = (list(requires), path.relative_to(tree.root).as_posix(),
                                _key_line(text, "requires"))
    return found


def check_requires(tree) -> list[Problem]:
    """Every `requires:` entry names a unit or quiz of the same course, and none makes a cycle."""
    problems = []
    for course_slug in tree.courses:
        units = {u.slug: u for u in tree.units.get(course_slug, [])}
        quizzes = _quiz_requires(tree, course_slug)
        quiz_files = {p.stem for p in quiz_paths(tree.root / course_slug)}
        graph: dict[str, list[str]] = {}
        where: dict[str, tuple[str, int]] = {}
        for slug, unit in units.items():
            name = unit.path.relative_to(tree.root).as_posix()
            line = _key_line(unit.path.read_text(encoding="utf-8", errors="replace"), "requires")
            graph[slug], where[slug] = list(unit.requires), (name, line)
        for slug, (requires, name, line) in quizzes.items():
            graph[QUIZ_PREFIX + slug], where[QUIZ_PREFIX + slug] = requires, (name, line)
        for node, requires in graph.items():
            name, line = where[node]
            for entry in requires:
                target = entry[len(QUIZ_PREFIX):] if entry.startswith(QUIZ_PREFIX) else entry
                exists = target in quiz_files if entry.startswith(QUIZ_PREFIX) else target in units
                if not exists:
                    kind = "quiz" if entry.startswith(QUIZ_PREFIX) else "unit"
                    problems.append(Problem(name, line, f"requires {kind} '{target}', which does "
                                            f"not exist in course '{course_slug}'"))
        for cycle in _cycles(graph):
            name, line = where[cycle[0]]
            problems.append(Problem(name, line, "requires make a cycle: " + " -> ".join(cycle + [cycle[0]])))
    return problems


def _cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """Each cycle once (depth-first search, reported from the node where it was found)."""
    state: dict[str, int] = {}   # 1 = on the current path, 2 = done
    path: list[str] = []
    cycles = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for target in graph.get(node, []):
            if target not in graph:
                continue
            if state.get(target) == 1:
                cycles.append(path[path.index(target):])
            elif target not in state:
                visit(target)
        path.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return cycles
