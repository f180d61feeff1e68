"""What every test's new app would compile again, compiled once per test process.

Each test builds its own app (thousands per run), and a new app starts cold:
- werkzeug compiles two URL builders per route (Python source, `compile()`) when the app is
  created, about half a second for LearnHub's 240 routes, though a test builds few URLs:
  here each builder is compiled on its first use;
- Jinja compiles every template the test renders, a third of a second for a page test:
  here the apps share one in-memory bytecode cache (Jinja checks each template's source
  checksum, so an edited template is compiled again).
What is built and rendered is werkzeug's and Jinja's own; only when it is compiled changes.
"""
from __future__ import annotations

from jinja2 import BytecodeCache
from werkzeug.routing.rules import Rule


def compile_url_builders_on_first_use() -> None:
    original = getattr(Rule, "_compile_builder", None)
    if original is None or getattr(original, "lazy", False):  # another werkzeug, or done already
        return

    def lazy_builder(self, append_unknown: bool = True):
        compiled = None

        def build(rule, *args, **kwargs):
            nonlocal compiled
            if compiled is None:
                compiled = original(rule, append_unknown)
            return compiled(rule, *args, **kwargs)

        return build

    lazy_builder.lazy = True
    Rule._compile_builder = lazy_builder


class SharedTemplateCache(BytecodeCache):
    """Compiled templates kept in memory for every app of the process."""

    def __init__(self) -> None:
        self._compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        compiled = self._compiled.get(bucket.key)
        if compiled is not None:
            bucket.bytecode_from_string(compiled)  # ignored when the source's checksum changed

    def dump_bytecode(self, bucket) -> None:
        self._compiled[bucket.key] = bucket.bytecode_to_string()


TEMPLATES = SharedTemplateCache()


def share_compiled_templates(app) -> None:
    app.jinja_env.bytecode_cache = TEMPLATES
