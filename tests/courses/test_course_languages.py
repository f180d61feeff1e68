"""Courses in the member's language: `lang:` in course.md orders the catalog for each reader.

The reader's language is their setting, else the browser's; courses in it and courses that
declare no language come first, the rest under "Other languages".
"""
from __future__ import annotations

import re

import pytest

from learnhub.auth.services import create_user
from learnhub.courses.catalog import get_catalog
from learnhub.courses.index import sync_all
from tests.support.web import PASSWORD, login


def course(title: str, order: int, lang: str | None) -> str:
    line = f"lang: {lang}\n" if lang else ""
    return f"---\ntitle: {title}\nsummary: About {title}\norder: {order}\n{line}---\nText.\n"


UNIT = "---\ntitle: Only unit\n---\n## Part\n\nText.\n"


@pytest.fixture
def lang_app(make_app, write_content, db):
    root = write_content({
        "english/course.md": course("English course", 1, "en"), "english/01-a.md": UNIT,
        "chinese/course.md": course("Chinese course", 2, "zh"), "chinese/01-a.md": UNIT,
        "anyone/course.md": course("Course for anyone", 3, None), "anyone/01-a.md": UNIT,
    })
    app = make_app(CONTENT_DIR=str(root))
    with app.app_context():
        sync_all(db.session, get_catalog().tree())
        db.session.commit()
        yield app


def reader(app, db, locale: str | None, name: str):
    user = create_user(name, PASSWORD, "member")
    user.locale = locale
    db.session.commit()
    client = app.test_client()
    assert login(client, name).status_code == 302
    return client


def catalog_of(page: str) -> tuple[list[str], list[str]]:
    """(course titles before "Other languages", titles under it) in the catalog section."""
    section = re.search(r'<section aria-labelledby="catalog">(.*?)</section>', page, re.S).group(1)
    yours, _, others = section.partition('<details class="other-languages"')
    titles = lambda html: re.findall(r'<h3><a href="/courses/[^"]+"(?: lang="[^"]+")?>([^<]+)</a>', html)  # noqa: E731
    return titles(yours), titles(others)


@pytest.mark.parametrize("locale,yours,others", [
    ("en", ["English course", "Course for anyone"], ["Chinese course"]),
    ("zh_CN", ["Chinese course", "Course for anyone"], ["English course"]),
])
def test_the_catalog_shows_the_members_language_first(lang_app, db, locale, yours, others):
    page = reader(lang_app, db, locale, f"reader-{locale}").get("/", headers={"Accept-Language": "fr"})
    assert page.status_code == 200
    assert catalog_of(page.get_data(as_text=True)) == (yours, others)


@pytest.mark.parametrize("header,first", [("zh-CN,zh;q=0.9", "Chinese course"), ("en-GB", "English course")])
def test_without_a_setting_the_browsers_language_decides(lang_app, db, header, first):
    page = reader(lang_app, db, None, "no-setting").get("/", headers={"Accept-Language": header})
    yours, _others = catalog_of(page.get_data(as_text=True))
    assert yours[0] == first


def test_other_languages_are_folded_under_their_heading(lang_app, db):
    page = reader(lang_app, db, "en", "folded").get("/").get_data(as_text=True)
    details = re.search(r'<details class="other-languages">\s*<summary>([^<]+)</summary>(.*?)</details>',
                        page, re.S)
    assert details, "no closed Other languages section"
    assert details.group(1).strip() == "Other languages (1)"
    # The card says its language, and marks the course's own words for screen readers.
    assert 'href="/courses/chinese" lang="zh-CN">Chinese course</a>' in details.group(2)
    assert '<p lang="zh-CN">About Chinese course</p>' in details.group(2) and "· Chinese" in details.group(2)


def test_no_other_languages_section_when_every_course_is_in_the_readers(make_app, write_content, db):
    root = write_content({"a/course.md": course("A", 1, "en"), "b/course.md": course("B", 2, None)})
    app = make_app(CONTENT_DIR=str(root))
    with app.app_context():
        page = reader(app, db, "en", "only-english").get("/").get_data(as_text=True)
    assert "other-languages" not in page and catalog_of(page) == (["A", "B"], [])


def test_the_section_is_open_when_nothing_is_in_the_readers_language(make_app, write_content, db):
    root = write_content({"a/course.md": course("Only Chinese", 1, "zh")})
    app = make_app(CONTENT_DIR=str(root))
    with app.app_context():
        page = reader(app, db, "en", "nothing-mine").get("/").get_data(as_text=True)
    assert '<details class="other-languages" open>' in page and catalog_of(page) == ([], ["Only Chinese"])


def test_the_api_course_list_carries_the_language(lang_app, db):
    client = reader(lang_app, db, "en", "api-reader")
    items = client.get("/api/v1/courses").get_json()["items"]
    assert {item["slug"]: item["lang"] for item in items} == {"english": "en", "chinese": "zh", "anyone": None}


def test_the_openapi_document_names_the_language(client):
    schema = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]["CourseItem"]
    assert schema["properties"]["lang"]["enum"] == ["en", "zh"]


def test_course_and_unit_pages_mark_the_courses_own_words_with_its_language(lang_app, db):
    """A Chinese course on an English page (and the reverse) is read aloud in its language;
    the page's labels stay in the page's."""
    client = reader(lang_app, db, "en", "page-reader")
    course_page = client.get("/courses/chinese").get_data(as_text=True)
    assert '<h1><span lang="zh-CN">Chinese course</span>' in course_page
    assert '<div class="prose" lang="zh-CN">' in course_page and 'lang="zh-CN">Only unit</a>' in course_page
    unit_page = client.get("/courses/chinese/a").get_data(as_text=True)
    assert '<h1><span lang="zh-CN">Only unit</span>' in unit_page and '<div class="prose" lang="zh-CN">' in unit_page
    anyone = client.get("/courses/anyone/a").get_data(as_text=True)
    assert '<div class="prose">' in anyone and 'lang="zh-CN"' not in anyone
