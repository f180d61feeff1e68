"""Werkzeug compiles two URL builders per route (Python source, `compile()`) whenever an app
is created: about half a second for LearnHub's 240 routes, paid again for every test's app
(thousands per run) though a test builds few URLs. In the tests, each builder is compiled on
its first use instead. The builders and what they build are werkzeug's own."""
from __future__ import annotations

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
