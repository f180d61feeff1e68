"""Helpers shared by the importers: line splitting, option letters, error collection."""
from __future__ import annotations

import re

from ..questions import QuizFormatError


def split_lines(text: str) -> list[str]:
    """The file's lines, without a leading BOM and with any line ending.

    (str.splitlines would also split at form feeds, U+2028 and others, and the line
    numbers in messages would then not match the author's editor.)
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def join_text(parts: list[str]) -> str:
    """Lines of a multi-line stem: one line each, a blank line kept as a paragraph break."""
    text = "\n".join(parts).strip()
    return re.sub(r"\n{3,}", "\n\n", text)


def next_letter(previous: str | None) -> str:
    """The letter expected after `previous` (A first): a gap or a repeat is reported once."""
    return "A" if previous is None else chr(ord(previous) + 1)


def raise_if(problems: list[tuple[int, str]]) -> None:
    if problems:
        problems.sort(key=lambda p: p[0])  # stable: problems of one line keep their order
        raise QuizFormatError(problems)


def check_letter(letter: str, letters: list[str], number: int, problems: list[tuple[int, str]]) -> None:
    """Option letters run A, B, C... once each: report a repeat or a gap on this line."""
    expected = next_letter(letters[-1] if letters else None)
    if letter in letters:
        problems.append((number, f"option letter {letter} appears twice"))
    elif letter != expected:
        problems.append((number, f"option letter {letter} is out of sequence (expected {expected})"))
