"""The message extractor reads string literals passed to _() and friends: one written inside
an f-string is never extracted, so it stays English in every language (export file names
came out as '2026S-ACT-progress.xlsx' on a Chinese page)."""
from __future__ import annotations

import ast

from learnhub.config import PROJECT_ROOT

GETTEXT_NAMES = {"_", "_l", "gettext", "lazy_gettext", "ngettext", "pgettext"}


def _gettext_calls_in_fstrings(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            for inner in ast.walk(node):
                if (isinstance(inner, ast.Call) and isinstance(inner.func, ast.Name)
                        and inner.func.id in GETTEXT_NAMES):
                    yield inner.lineno


def test_no_gettext_call_inside_an_fstring():
    found = []
    for path in sorted((PROJECT_ROOT / "learnhub").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        found += [f"{path.relative_to(PROJECT_ROOT)}:{line}" for line in _gettext_calls_in_fstrings(tree)]
    assert found == []
