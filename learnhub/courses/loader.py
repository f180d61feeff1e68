"""Reads content/ into memory and reports every problem with its file and line.

Layout: content/<course>/course.md and content/<course>/<NN>-<slug>.md, each with YAML
front matter between `---` lines. Assets live in content/<course>/assets/, quizzes in
content/<course>/quizzes/<slug>.gift.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

COURSE_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
UNIT_FILE = re.compile(r"^(\d{1,3})-([a-z0-9][a-z0-9-]{0,63})\.md$")
RESERVED_UNIT_SLUGS = {"assets", "quizzes", "threads", "complete"}
COMPLETION_RULES = ("view", "manual", "quiz")
COURSE_KEYS = {"title": str, "summary": str, "order": int, "draft": bool, "lang": str}
# The languages a course may declare (`lang:`), those the site speaks. Unset: any language.
COURSE_LANGUAGES = ("en", "zh")
UNIT_KEYS = {"title": str, "summary": str, "order": int, "estimated_minutes": int,
             "completion": str, "quiz": str, "draft": bool, "requires": list, "dwell_seconds": int}
# A prerequisite: a unit of the same course by slug, or one of its quizzes as `quiz:slug`.
REQUIREMENT = re.compile(r"^(quiz:)?[a-z0-9][a-z0-9-]{0,63}$")
# [text](target) and ![alt](target), plus reference definitions `[id]: target`.
INLINE_LINK = re.compile(r"(!?)\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE_LINK = re.compile(r"^\s{0,3}\[(?!\^)[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$")
SAFE_SCHEMES = ("http:", "https:", "mailto:")


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str
    warning: bool = False      # pointed out, but the file is served and the check passes

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {'warning: ' if self.warning else ''}{self.message}"


@dataclass
class CourseFile:
    slug: str
    path: Path
    title: str
    summary: str
    order: int
    draft: bool
    body: str
    checksum: str
    order_line: int | None = None  # where `order:` was written, for duplicate reports
    lang: str | None = None        # one of COURSE_LANGUAGES; None: for readers of any language


@dataclass
class UnitFile:
    course_slug: str
    slug: str
    path: Path
    title: str
    summary: str
    order: int
    estimated_minutes: int | None
    completion: str
    quiz: str | None
    draft: bool
    body: str
    checksum: str
    requires: tuple[str, ...] = ()
    dwell_seconds: int | None = None   # overrides the default share of estimated_minutes


@dataclass
class ContentTree:
    root: Path
    courses: dict[str, CourseFile] = field(default_factory=dict)
    units: dict[str, list[UnitFile]] = field(default_factory=dict)  # by course, in order
    problems: list[Problem] = field(default_factory=list)

    def unit(self, course_slug: str, unit_slug: str) -> UnitFile | None:
        return next((u for u in self.units.get(course_slug, []) if u.slug == unit_slug), None)


class _FileReport:
    """Collects problems for one file, with paths relative to content/."""

    def __init__(self, tree: ContentTree, path: Path):
        self.tree = tree
        self.name = path.relative_to(tree.root).as_posix()

    def add(self, line: int, message: str) -> None:
        self.tree.problems.append(Problem(self.name, line, message))


def _read_text(path: Path, report: _FileReport) -> tuple[str, str] | None:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        report.add(raw.count(b"\n", 0, error.start) + 1, "invalid UTF-8 (save the file as UTF-8)")
        return None
    return text.lstrip("\ufeff"), hashlib.sha256(raw).hexdigest()


def split_front_matter(text: str, report: _FileReport) -> tuple[dict, str, int] | None:
    """(metadata, body, line where the body starts) or None after reporting a problem."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        report.add(1, "missing front matter: the file must start with a '---' line")
        return None
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        report.add(1, "front matter is not closed by a '---' line")
        return None
    try:
        meta = yaml.safe_load("\n".join(lines[1:end])) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        report.add(line, f"front matter is not valid YAML: {getattr(error, 'problem', error)}")
        return None
    if not isinstance(meta, dict):
        report.add(2, "front matter must be a mapping of keys to values")
        return None
    return meta, "\n".join(lines[end + 1:]), end + 2


def _key_line(text: str, key: str) -> int:
    match = re.search(rf"^{re.escape(key)}\s*:", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def parse_requires(value) -> tuple[tuple[str, ...], str | None]:
    """`requires:` front matter (units and quizzes) → (entries, error message or None)."""
    if value is None:
        return (), None
    if not isinstance(value, list) or not all(isinstance(v, str) and REQUIREMENT.match(v) for v in value):
        return (), ("'requires' must be a list of unit slugs and quiz:slug entries "
                    "(e.g. [why-online, quiz:final])")
    return tuple(dict.fromkeys(value)), None  # repeated entries once, order kept


def _check_keys(meta: dict, allowed: dict, text: str, report: _FileReport) -> bool:
    ok = True
    for key, value in meta.items():
        if key not in allowed:
            report.add(_key_line(text, str(key)), f"unknown front matter key '{key}' "
                       f"(allowed: {', '.join(sorted(allowed))})")
            ok = False
            continue
        expected = allowed[key]
        # bool is an int in Python: refuse `order: true`.
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            report.add(_key_line(text, key), f"'{key}' must be {expected.__name__}, not {value!r}")
            ok = False
    if not isinstance(meta.get("title"), str) or not meta.get("title", "").strip():
        if "title" not in meta:
            report.add(1, "front matter needs a 'title'")
        ok = False
    return ok


def resolve_link(root: Path, course_dir: Path, target: str) -> tuple[str, Path | None]:
    """Classify a link target: ('external'|'anchor'|'absolute'|'unsafe'|'escape'|'local', path)."""
    lowered = target.lower()
    if target.startswith("#"):
        return "anchor", None
    if re.match(r"^[a-z][a-z0-9+.-]*:", lowered):
        return ("external", None) if lowered.startswith(SAFE_SCHEMES) else ("unsafe", None)
    if target.startswith("/"):
        return "absolute", None
    relative = target.split("#", 1)[0].split("?", 1)[0]
    resolved = (course_dir / relative).resolve()
    if not resolved.is_relative_to(root.resolve()):
        return "escape", resolved
    return "local", resolved


def _check_links(body: str, first_line: int, course_dir: Path, report: _FileReport) -> None:
    root = report.tree.root
    for offset, line in enumerate(body.split("\n")):
        targets = [(m.group(1) == "!", m.group(2)) for m in INLINE_LINK.finditer(line)]
        reference = REFERENCE_LINK.match(line)
        if reference:
            targets.append((False, reference.group(1)))
        for is_image, target in targets:
            kind, resolved = resolve_link(root, course_dir, target)
            what = "image" if is_image else "link"
            number = first_line + offset
            if kind == "unsafe":
                report.add(number, f"{what} '{target}' uses a scheme that is not allowed "
                           "(use http, https or mailto)")
            elif kind == "escape":
                report.add(number, f"{what} '{target}' points outside content/")
            elif kind == "local" and not resolved.is_file():
                report.add(number, f"broken {what}: '{target}' does not exist")


def _load_course(course_dir: Path, tree: ContentTree) -> None:
    slug = course_dir.name
    course_md = course_dir / "course.md"
    report = _FileReport(tree, course_md if course_md.exists() else course_dir)
    if not COURSE_SLUG.match(slug):
        report.add(1, f"course folder name '{slug}' must be lowercase letters, digits and '-'")
        return
    if not course_md.is_file():
        report.add(1, "course folder has no course.md")
        return
    read = _read_text(course_md, report)
    parsed = split_front_matter(read[0], report) if read else None
    if parsed is None:
        return
    meta, body, body_line = parsed
    if not _check_keys(meta, COURSE_KEYS, read[0], report):
        return
    lang = meta.get("lang")
    if lang is not None and lang not in COURSE_LANGUAGES:
        report.add(_key_line(read[0], "lang"),
                   f"'lang' must be one of {', '.join(COURSE_LANGUAGES)} (or left out), not {lang!r}")
        return
    _check_links(body, body_line, course_dir, report)
    tree.courses[slug] = CourseFile(
        slug=slug, path=course_md, title=meta["title"].strip(),
        summary=(meta.get("summary") or "").strip(), order=meta.get("order", 1000),
        draft=meta.get("draft", False), body=body, checksum=read[1],
        order_line=_key_line(read[0], "order") if "order" in meta else None, lang=lang,
    )
    tree.units[slug] = _load_units(course_dir, tree)


def _unit_from_meta(course_dir: Path, path: Path, number: int, slug: str, meta: dict,
                    body: str, body_line: int, checksum: str, text: str,
                    report: _FileReport) -> UnitFile | None:
    completion = meta.get("completion", "view")
    quiz = meta.get("quiz")
    ok = True
    if completion not in COMPLETION_RULES:
        report.add(_key_line(text, "completion"),
                   f"'completion' must be one of {', '.join(COMPLETION_RULES)}, not {completion!r}")
        ok = False
    elif completion == "quiz" and not quiz:
        report.add(_key_line(text, "completion"), "'completion: quiz' needs a 'quiz:' slug")
        ok = False
    elif quiz and completion != "quiz":
        report.add(_key_line(text, "quiz"), "'quiz' is only used with 'completion: quiz'")
        ok = False
    if quiz and not (course_dir / "quizzes" / f"{quiz}.gift").is_file():
        report.add(_key_line(text, "quiz"), f"quiz '{quiz}' not found (expected quizzes/{quiz}.gift)")
        ok = False
    minutes = meta.get("estimated_minutes")
    if minutes is not None and not 0 < minutes <= 600:
        report.add(_key_line(text, "estimated_minutes"), "'estimated_minutes' must be 1 to 600")
        ok = False
    dwell = meta.get("dwell_seconds")
    if dwell is not None and not 1 <= dwell <= 3600:
        report.add(_key_line(text, "dwell_seconds"), "'dwell_seconds' must be 1 to 3600")
        ok = False
    requires, problem = parse_requires(meta.get("requires"))
    if problem:
        report.add(_key_line(text, "requires"), problem)
        ok = False
    elif slug in requires:
        report.add(_key_line(text, "requires"), f"unit '{slug}' cannot require itself")
        ok = False
    _check_links(body, body_line, course_dir, report)
    if not ok:
        return None
    return UnitFile(
        course_slug=course_dir.name, slug=slug, path=path, title=meta["title"].strip(),
        summary=(meta.get("summary") or "").strip(), order=meta.get("order", number),
        estimated_minutes=minutes, completion=completion, quiz=quiz,
        draft=meta.get("draft", False), body=body, checksum=checksum, requires=requires,
        dwell_seconds=dwell,
    )


def _load_units(course_dir: Path, tree: ContentTree) -> list[UnitFile]:
    units: list[UnitFile] = []
    seen_slugs: dict[str, str] = {}
    seen_orders: dict[int, str] = {}
    for path in sorted(course_dir.glob("*.md")):
        if path.name == "course.md":
            continue
        report = _FileReport(tree, path)
        match = UNIT_FILE.match(path.name)
        if not match:
            report.add(1, "unit file names look like NN-slug.md (lowercase slug)")
            continue
        number, slug = int(match.group(1)), match.group(2)
        if slug in RESERVED_UNIT_SLUGS:
            report.add(1, f"'{slug}' is a reserved name; rename the unit")
            continue
        read = _read_text(path, report)
        parsed = split_front_matter(read[0], report) if read else None
        if parsed is None:
            continue
        meta, body, body_line = parsed
        if not _check_keys(meta, UNIT_KEYS, read[0], report):
            continue
        unit = _unit_from_meta(course_dir, path, number, slug, meta, body, body_line,
                               read[1], read[0], report)
        if unit is None:
            continue
        if slug in seen_slugs:
            report.add(1, f"duplicate unit slug '{slug}' (also {seen_slugs[slug]})")
            continue
        if unit.order in seen_orders:
            report.add(_key_line(read[0], "order"),
                       f"duplicate unit order {unit.order} (also {seen_orders[unit.order]})")
            continue
        seen_slugs[slug] = path.name
        seen_orders[unit.order] = path.name
        units.append(unit)
    units.sort(key=lambda u: (u.order, u.slug))
    return units


def load_tree(root: Path | str) -> ContentTree:
    """Read every course under `root`. Problems are collected, never raised."""
    root = Path(root)
    tree = ContentTree(root=root)
    if not root.is_dir():
        tree.problems.append(Problem(str(root), 1, "content folder does not exist"))
        return tree
    for course_dir in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        _load_course(course_dir, tree)
    orders: dict[int, str] = {}
    for course in sorted(tree.courses.values(), key=lambda c: c.slug):
        if course.order_line is None:
            continue
        if course.order in orders:
            tree.problems.append(Problem(course.path.relative_to(root).as_posix(), course.order_line,
                                         f"duplicate course order {course.order} (also {orders[course.order]})"))
        orders.setdefault(course.order, course.slug)
    return tree


def content_signature(root: Path | str) -> tuple:
    """Cheap fingerprint of content/ (names, sizes, mtimes) to notice edits without a restart."""
    entries = []
    for path in Path(root).rglob("*"):
        if path.suffix in {".md", ".gift"} and path.is_file():
            stat = path.stat()
            entries.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(sorted(entries))
