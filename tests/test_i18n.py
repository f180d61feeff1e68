"""English and Simplified Chinese, chosen by the user's setting or Accept-Language."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale

from learnhub.config import PROJECT_ROOT
from learnhub.core.i18n import datetime_formatter
from tests.support.i18n import CATALOG


@pytest.mark.parametrize("header", ["zh-CN", "zh-CN,zh;q=0.9,en;q=0.8", "zh", "zh-TW"])
def test_accept_language_chinese_shows_chinese(client, header):
    page = client.get("/login", headers={"Accept-Language": header}).get_data(as_text=True)
    assert "<h1>登录</h1>" in page and 'lang="zh-CN"' in page


def test_english_is_the_default(client):
    page = client.get("/login", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "<h1>Log in</h1>" in page and 'lang="en"' in page


def test_user_setting_beats_accept_language(client, login_as, db):
    user = login_as()
    user.locale = "zh_CN"
    db.session.commit()
    page = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "我的课程" in page


def test_chinese_catalog_is_complete():
    catalog = read_po(CATALOG.open("rb"))
    missing = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
    assert missing == []
    assert len(catalog) > 50


def test_every_source_message_is_in_the_catalog(tmp_path):
    """Re-extract from the code: a new string without a translation fails here."""
    from babel.messages.frontend import CommandLineInterface

    pot = tmp_path / "messages.pot"
    CommandLineInterface().run(["pybabel", "-q", "extract", "-F", str(PROJECT_ROOT / "babel.cfg"),
                                "-k", "_l", "-k", "lazy_gettext", "-k", "pgettext:1c,2", "-o", str(pot), str(PROJECT_ROOT)])
    extracted = {(m.context, m.id) for m in read_po(pot.open("rb")) if m.id}
    translated = {(m.context, m.id) for m in read_po(CATALOG.open("rb")) if m.id and m.string}
    assert len(extracted) > 50
    assert extracted - translated == set()


def test_times_are_shown_in_the_configured_time_zone(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        with force_locale("en"):
            rendered = app.jinja_env.filters["datetime"](datetime(2026, 1, 1, 0, 30, tzinfo=timezone.utc), "short")
    assert "8:30" in rendered  # Asia/Shanghai is UTC+8


def test_a_datetime_formatter_writes_what_the_filter_writes(app):
    """datetime_formatter (a page with a time per row) looks the locale up once and keeps the
    texts; what it writes is the `datetime` filter's text, in both languages and every format."""
    moments = [datetime(2026, 1, 1, 0, 30, tzinfo=timezone.utc) + timedelta(hours=7 * n, minutes=n) for n in range(30)]
    moments.append(datetime(2026, 6, 1, 23, 59))  # naive: taken as UTC, as the filter does
    with app.test_request_context():
        for locale in ("en", "zh_CN"):
            with force_locale(locale):
                for fmt in ("short", "medium", "long", "full", "yyyy-MM-dd HH:mm"):
                    formatter = datetime_formatter(fmt)
                    expected = [app.jinja_env.filters["datetime"](moment, fmt) for moment in moments]
                    assert [formatter(moment) for moment in moments] == expected
                    assert [formatter(moment) for moment in moments] == expected  # kept, the same
                    assert formatter(None) == ""
        with force_locale("zh_CN"):
            assert datetime_formatter("short")(moments[0]) == "2026/1/1 08:30"
