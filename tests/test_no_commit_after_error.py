"""Guardrail: nothing commits after an error (DESIGN: writes are transactional).

A view that commits inside an `except` block, or commits and then raises, keeps part of a
refused request. What must survive a refusal (an expired attempt's finalisation) is its
own step, committed on the normal path before the operation that may refuse.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "learnhub"


def _is_commit(node: ast.AST) -> bool:
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "commit")


def commits_after_errors(source: str) -> list[tuple[int, str]]:
    """(line, what) of every commit inside an except block, or followed by a raise in the
    same block."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ExceptHandler):
            found += [(inner.lineno, "commit inside except") for inner in ast.walk(node) if _is_commit(inner)]
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            if not isinstance(block, list):
                continue
            commit_line = None
            for statement in block:
                if isinstance(statement, ast.Expr) and _is_commit(statement.value):
                    commit_line = statement.lineno
                elif isinstance(statement, ast.Raise) and commit_line is not None:
                    found.append((commit_line, "commit, then raise"))
    return sorted(set(found))


@pytest.mark.parametrize("source,expected", [
    ("try:\n    f()\nexcept E:\n    db.session.commit()\n    flash(e)\n", [(4, "commit inside except")]),
    ("if late:\n    db.session.commit()\n    raise Closed()\n", [(2, "commit, then raise")]),
    ("try:\n    f()\nexcept E:\n    db.session.rollback()\nelse:\n    db.session.commit()\n", []),
    ("if f(x):\n    db.session.commit()\ng()\ndb.session.commit()\n", []),
])
def test_the_scan_finds_what_it_should(source, expected):
    assert commits_after_errors(source) == expected


def test_no_module_commits_after_an_error():
    offenders = [f"{path.relative_to(PACKAGE.parent)}:{line}: {what}"
                 for path in sorted(PACKAGE.rglob("*.py"))
                 for line, what in commits_after_errors(path.read_text(encoding="utf-8"))]
    assert offenders == []
