"""`flask quizzes import|export|close-overdue`."""
from __future__ import annotations

import re
from pathlib import Path

import click
import yaml
from flask import current_app

from ..core.cli import add_command_group, command
from ..core.types import utcnow
from ..courses.catalog import get_catalog
from ..extensions import db
from .attempts import close_if_overdue, overdue_attempt_ids
from .gift import parse_gift
from .gift_writer import to_gift
from .importers import parse_questions
from .loader import QUIZ_SLUG, load_quiz_file
from .questions import QuizFormatError

FORMATS = ("gift", "aiken", "wjx")


def read_questions(text: str, fmt: str):
    return parse_gift(text) if fmt == "gift" else parse_questions(text, fmt)


def _preview(questions) -> None:
    for number, question in enumerate(questions, start=1):
        first_line = question.text.strip().splitlines()[0] if question.text.strip() else ""
        click.echo(f"  {number:>3}. [{question.type}] {first_line[:70]}")


@command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--course", required=True, help="Course slug (a folder of content/).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="gift", show_default=True)
@click.option("--slug", default=None, help="Quiz slug; default: the file name.")
@click.option("--title", default=None, help="Quiz title; default: from the slug.")
@click.option("--force", is_flag=True, help="Replace an existing quiz file.")
def import_quiz(file: Path, course: str, fmt: str, slug: str | None, title: str | None, force: bool):
    """Convert FILE (GIFT, Aiken or Questionnaire Star text) into content/COURSE/quizzes/SLUG.gift."""
    course_dir = get_catalog().root / course
    if not (course_dir / "course.md").is_file():
        raise click.ClickException(f"No course '{course}' in {get_catalog().root}.")
    slug = slug or re.sub(r"[^a-z0-9-]+", "-", file.stem.lower()).strip("-")
    if not QUIZ_SLUG.match(slug):
        raise click.ClickException(f"'{slug}' is not a valid quiz slug (lowercase letters, digits, '-').")
    target = course_dir / "quizzes" / f"{slug}.gift"
    if target.exists() and not force:
        raise click.ClickException(f"{target} exists; pass --force to replace it.")
    try:
        text = file.read_bytes().decode("utf-8-sig")
        questions = read_questions(text, fmt)
    except UnicodeDecodeError:
        raise click.ClickException(f"{file} is not UTF-8 text.") from None
    except QuizFormatError as error:
        for line, message in error.problems:
            click.echo(f"{file}:{line}: {message}", err=True)
        raise click.ClickException(f"Nothing written: {len(error.problems)} problem(s) in {file}.") from None
    click.echo(f"Read {len(questions)} question(s) from {file}:")
    _preview(questions)
    front = {"title": title or slug.replace("-", " ").capitalize(), "kind": "practice"}
    target.parent.mkdir(exist_ok=True)
    target.write_text("---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False)
                      + "---\n" + to_gift(questions), encoding="utf-8")
    click.echo(f"Wrote {target}")


@command("export")
@click.argument("course")
@click.argument("quiz")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None)
def export_quiz(course: str, quiz: str, output: Path | None):
    """Write quiz QUIZ of COURSE as GIFT (stdout, or --output FILE)."""
    path = get_catalog().root / course / "quizzes" / f"{quiz}.gift"
    if not path.is_file():
        raise click.ClickException(f"No quiz file {path}.")
    parsed, problems = load_quiz_file(path, course, current_app.config["TIMEZONE"])
    if parsed is None:
        for line, message in problems:
            click.echo(f"{path}:{line}: {message}", err=True)
        raise click.ClickException("The quiz has problems; fix them first (flask content check).")
    text = to_gift(list(parsed.questions))
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {len(parsed.questions)} question(s) to {output}", err=True)


@command("close-overdue")
def close_overdue_command():
    """Finalise attempts whose time ran out (safe from cron on several hosts at once)."""
    now = utcnow()
    closed = 0
    for attempt_id in overdue_attempt_ids(now):
        closed += int(close_if_overdue(attempt_id, now))
        db.session.commit()  # one attempt per transaction: row locks are held briefly
    click.echo(f"Closed {closed} overdue attempt(s).")


def register_cli(app) -> None:
    add_command_group(app, "quizzes", "Import, export and maintain quizzes.",
                      (import_quiz, export_quiz, close_overdue_command))
