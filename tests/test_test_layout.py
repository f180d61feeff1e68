"""Guardrail for the suite's own shape: no test module imports another test module (or a
conftest.py), and what tests share lives in tests/support/ (DESIGN.md, Testing rules)."""
from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
# Runnable tools with their own modules, not helpers of the test modules.
TOOLS = {"bench", "faults", "fuzz"}


def is_test_module(dotted: str) -> bool:
    last = dotted.rsplit(".", 1)[-1]
    return dotted.split(".")[0] == "tests" and (last.startswith("test_") or last == "conftest")


def imported_modules(path: Path, root: Path) -> list[str]:
    """Every module `path` imports (relative imports resolved against its package under `root`)."""
    package = ".".join(path.relative_to(root.parent).with_suffix("").parts[:-1])
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[:len(package.split(".")) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            found.append(module)
            # `from tests.classes import test_exams` names a module, not an attribute.
            found += [f"{module}.{alias.name}" for alias in node.names]
    return found


def cross_imports(root: Path) -> list[str]:
    return [f"{path.relative_to(root.parent)} imports {module}"
            for path in sorted(root.rglob("*.py"))
            for module in imported_modules(path, root) if is_test_module(module)]


def stray_helpers(root: Path) -> list[str]:
    """Modules that are neither tests, conftest.py, package markers, nor in support/ or a tool."""
    return [str(path.relative_to(root.parent)) for path in sorted(root.rglob("*.py"))
            if not (path.name.startswith("test_") or path.name in ("conftest.py", "__init__.py"))
            and path.relative_to(root).parts[0] not in TOOLS | {"support"}]


def test_no_test_module_imports_another():
    assert cross_imports(TESTS) == []


def test_shared_helpers_live_in_tests_support():
    assert stray_helpers(TESTS) == []


def test_the_checks_catch_what_they_forbid(tmp_path):
    root = tmp_path / "tests"
    files = {
        "classes/test_exams.py": "from .test_rules import T0\nfrom ..conftest import login\n",
        "classes/test_more.py": "def test_x():\n    from tests.classes import test_exams\n",
        "quizzes/test_quiz.py": "import tests.classes.test_exams\nfrom tests.support.web import login\n",
        "quizzes/helpers.py": "X = 1\n",
        "support/web.py": "from learnhub import create_app\n",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    assert cross_imports(root) == [
        "tests/classes/test_exams.py imports tests.classes.test_rules",
        "tests/classes/test_exams.py imports tests.conftest",
        "tests/classes/test_more.py imports tests.classes.test_exams",
        "tests/quizzes/test_quiz.py imports tests.classes.test_exams",
    ]
    assert stray_helpers(root) == ["tests/quizzes/helpers.py"]
