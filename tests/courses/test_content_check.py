"""`flask content check`: every kind of problem, named with its file and line."""
from __future__ import annotations

import pytest

from learnhub.courses.loader import load_tree

COURSE = "---\ntitle: A course\nsummary: S\norder: 1\n---\nDescription.\n"


def unit(body: str = "## Hello\n\nText.\n", **meta) -> str:
    meta = {"title": "A unit", **meta}
    lines = "".join(f"{key}: {value}\n" for key, value in meta.items())
    return f"---\n{lines}---\n{body}"


def problems_for(write_content, files: dict) -> list[str]:
    root = write_content({"c/course.md": COURSE, **files})
    return [str(p) for p in load_tree(root).problems]


@pytest.mark.parametrize("files,expected", [
    ({"c/01-a.md": unit(colour="red")}, "c/01-a.md:3: unknown front matter key 'colour'"),
    ({"c/01-a.md": unit(estimated_minutes="ten")}, "c/01-a.md:3: 'estimated_minutes' must be int"),
    ({"c/01-a.md": "---\ntitle: [unclosed\n---\n"}, "c/01-a.md:2: front matter is not valid YAML"),
    ({"c/01-a.md": "no front matter\n"}, "c/01-a.md:1: missing front matter"),
    ({"c/01-a.md": "---\ntitle: x\n"}, "c/01-a.md:1: front matter is not closed"),
    ({"c/01-a.md": "---\nsummary: x\n---\n"}, "c/01-a.md:1: front matter needs a 'title'"),
    ({"c/01-a.md": unit(completion="sometimes")}, "c/01-a.md:3: 'completion' must be one of"),
    ({"c/01-a.md": unit(completion="quiz")}, "c/01-a.md:3: 'completion: quiz' needs a 'quiz:' slug"),
    ({"c/01-a.md": unit(completion="quiz", quiz="final")},
     "c/01-a.md:4: quiz 'final' not found (expected quizzes/final.gift)"),
    ({"c/01-a.md": unit(), "c/02-a.md": unit()}, "c/02-a.md:1: duplicate unit slug 'a'"),
    ({"c/01-a.md": unit(), "c/02-b.md": unit(order=1)}, "c/02-b.md:3: duplicate unit order 1"),
    ({"c/01-a.md": unit("## H\n\nSee [b](02-missing.md).\n")},
     "c/01-a.md:6: broken link: '02-missing.md' does not exist"),
    ({"c/01-a.md": unit("## H\n\n\n![pic](assets/none.png)\n")},
     "c/01-a.md:7: broken image: 'assets/none.png' does not exist"),
    ({"c/01-a.md": unit("[x](../../etc/passwd)\n")}, "c/01-a.md:4: link '../../etc/passwd' points outside content/"),
    ({"c/01-a.md": unit("[x](javascript:alert(1))\n")}, "c/01-a.md:4: link 'javascript:alert"),
    ({"c/01-a.md": unit("[ref]: missing.md\n")}, "c/01-a.md:4: broken link: 'missing.md' does not exist"),
    ({"c/01-a.md": b"---\ntitle: x\n---\n\xff\xfe broken\n"}, "c/01-a.md:4: invalid UTF-8"),
    ({"c/intro.md": unit()}, "c/intro.md:1: unit file names look like NN-slug.md"),
    ({"c/01-assets.md": unit()}, "c/01-assets.md:1: 'assets' is a reserved name"),
    ({"c/01-a.md": unit(order="true")}, "c/01-a.md:3: 'order' must be int"),
])
def test_each_problem_kind_names_file_and_line(write_content, files, expected):
    problems = problems_for(write_content, files)
    assert any(p.startswith(expected) for p in problems), problems


def test_course_problems(write_content):
    root = write_content({
        "Bad_Name/course.md": COURSE,
        "nocourse/01-a.md": unit(),
        "one/course.md": COURSE,
        "two/course.md": COURSE,
    })
    problems = [str(p) for p in load_tree(root).problems]
    assert any("Bad_Name" in p and "must be lowercase" in p for p in problems)
    assert "nocourse:1: course folder has no course.md" in problems
    assert "two/course.md:4: duplicate course order 1 (also one)" in problems


def test_valid_links_anchors_and_footnotes_pass(write_content):
    body = ("## H\n\n[next](02-b.md) [top](#h) [site](https://example.org) [mail](mailto:a@b.c)\n"
            "![pic](assets/p.svg) [other course](../d/01-x.md)\n\nA note[^1].\n\n[^1]: Footnote text.\n")
    root = write_content({
        "c/course.md": COURSE, "c/01-a.md": unit(body), "c/02-b.md": unit(),
        "c/assets/p.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
        "d/course.md": COURSE.replace("order: 1", "order: 2"), "d/01-x.md": unit(),
    })
    tree = load_tree(root)
    assert tree.problems == []
    assert [u.slug for u in tree.units["c"]] == ["a", "b"]


def test_cli_check_exits_1_and_prints_path_line_message(make_app, write_content):
    root = write_content({"c/course.md": COURSE, "c/01-a.md": unit(colour="red")})
    app = make_app(CONTENT_DIR=str(root))
    result = app.test_cli_runner().invoke(args=["content", "check"])
    assert result.exit_code == 1
    assert "c/01-a.md:3: unknown front matter key 'colour'" in result.output


def test_cli_check_passes_on_the_shipped_content(app):
    result = app.test_cli_runner().invoke(args=["content", "check"])
    assert result.exit_code == 0, result.output
    assert "OK: 3 courses" in result.output


def test_shipped_content_has_both_languages_and_enough_units(app):
    from learnhub.config import PROJECT_ROOT

    tree = load_tree(PROJECT_ROOT / "content")
    big = [slug for slug, units in tree.units.items() if len(units) >= 5]
    assert len(big) >= 2
    assert any("网络" in tree.courses[slug].title for slug in big)
    for slug in big:
        for unit_file in tree.units[slug]:
            assert "|---" in unit_file.body.replace(" ", "") or "|:--" in unit_file.body
            assert "![" in unit_file.body and "## " in unit_file.body


@pytest.mark.parametrize("value,line", [("fr", "'lang' must be one of en, zh (or left out), not 'fr'"),
                                        ("zh-CN", "'lang' must be one of en, zh (or left out), not 'zh-CN'"),
                                        ("7", "'lang' must be str, not 7")])
def test_a_course_language_not_known_is_an_error_line(make_app, write_content, value, line):
    root = write_content({"c/course.md": COURSE.replace("order: 1\n", f"order: 1\nlang: {value}\n")})
    assert f"c/course.md:5: {line}" in [str(p) for p in load_tree(root).problems]
    result = make_app(CONTENT_DIR=str(root)).test_cli_runner().invoke(args=["content", "check"])
    assert result.exit_code == 1 and f"c/course.md:5: {line}" in result.output


def test_a_course_language_is_optional(write_content):
    root = write_content({"c/course.md": COURSE, "d/course.md": "---\ntitle: D\nlang: zh\n---\n"})
    tree = load_tree(root)
    assert tree.problems == []
    assert (tree.courses["c"].lang, tree.courses["d"].lang) == (None, "zh")


def test_shipped_courses_declare_their_language(app):
    from learnhub.config import PROJECT_ROOT

    tree = load_tree(PROJECT_ROOT / "content")
    assert {slug: c.lang for slug, c in tree.courses.items()} == {
        "how-to-use-learnhub": "en", "party-building-online": "en", "wangluo-dangjian": "zh"}
