"""A head teacher previews a roster in the browser: the error rows come first, counted and
highlighted (roster.css is loaded on the import page); then the slips print several to a page."""
from __future__ import annotations

from datetime import date

from learnhub.auth import services as auth_services
from learnhub.classes.services import create_class
from learnhub.extensions import db

PASSWORD = "browser-pass-1"
# A teacher's list: 姓名, 学号, 手机, no username column. Rows 4 and 6 are wrong.
ROSTER = ("姓名,学号,手机\n张三,2025001,13800000001\n李四,2025002,13800000002\n"
          ",2025003,\n王五,2025004,\n赵六,2025001,\n钱七,2025006,\n")


def open_import_page(server, page) -> None:
    with server.app.app_context():
        head = auth_services.create_user("head", PASSWORD, "staff", "Head Teacher")
        db.session.commit()
        school_class = create_class(head, "Activists 2026", "ACT-26", date(2026, 9, 1), date(2027, 1, 15))
        db.session.commit()
        class_id = school_class.id
    page.goto(f"{server.url}/login")
    page.locator("input[name=username]").fill("head")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form [type=submit]").first.click()
    page.wait_for_url(f"{server.url}/")
    page.goto(f"{server.url}/classes/{class_id}/roster/import")


def upload(page, text: str) -> None:
    page.set_input_files("input[type=file]", files=[{"name": "花名册.csv", "mimeType": "text/csv",
                                                     "buffer": text.encode("utf-8")}])
    page.get_by_role("button", name="Preview").click()
    page.wait_for_load_state()


def background(locator) -> str:
    return locator.evaluate("el => getComputedStyle(el).backgroundColor")


def test_the_preview_shows_error_rows_first_and_highlighted(live_server, phone_page):
    page = phone_page
    open_import_page(live_server, page)
    upload(page, ROSTER)
    assert page.get_by_role("alert").filter(has_text="2 rows have errors").is_visible()
    rows = page.locator("table.roster-preview tbody tr")
    assert rows.count() == 6
    # The rows as the file numbers them: the two errors (4, 6) first, then the others in order.
    assert [rows.nth(i).locator("td").first.inner_text() for i in range(6)] == ["4", "6", "2", "3", "5", "7"]
    assert [rows.nth(i).get_attribute("class") for i in range(6)] == ["roster-error"] * 2 + [None] * 4
    error_cell, plain_cell = rows.nth(0).locator("td").first, rows.nth(2).locator("td").first
    assert background(error_cell) not in (background(plain_cell), "rgba(0, 0, 0, 0)")
    assert background(rows.nth(1).locator("td").nth(3)) == background(error_cell)
    assert "Missing field: 姓名" in rows.nth(0).inner_text()
    assert "the same 学号 as row 2" in rows.nth(1).inner_text()
    assert page.get_by_role("button", name="Import these members").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # the table scrolls inside itself
    assert page.evaluate("window.__cspViolations") == [] and page.console_errors == []


def test_the_slips_print_several_to_an_a4_page(live_server, phone_page):
    page = phone_page
    open_import_page(live_server, page)
    rows = "".join(f"学员{n},2025{n:03d},\n" for n in range(1, 13))
    upload(page, "姓名,学号,手机\n" + rows)
    page.get_by_role("button", name="Import these members").click()
    page.wait_for_load_state()
    slips = page.locator("li.slip")
    assert slips.count() == 12
    assert "/login" in slips.first.locator(".slip-url").inner_text()
    assert slips.first.evaluate("el => getComputedStyle(el).borderTopStyle") == "dashed"
    # On a 360 px phone one slip per line, inside the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.emulate_media(media="print")
    assert page.locator(".site-header").evaluate("el => getComputedStyle(el).display") == "none"
    first, second = slips.nth(0).bounding_box(), slips.nth(1).bounding_box()
    assert abs(first["y"] - second["y"]) < 1 and second["x"] > first["x"]  # two side by side
    pdf = page.pdf(format="A4")
    pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
    assert 1 <= pages <= 3, pages  # 12 slips: several to a page, none cut in two
