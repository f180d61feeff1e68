"""The staff class dashboard fits a 1366 px laptop and a phone (issue 11, item 17): the wide
members x units grid scrolls inside its own box, never the page sideways, and its header row
and name column stay in view while it scrolls."""
from __future__ import annotations

import pytest

from learnhub.auth import services as auth_services
from learnhub.extensions import db
from learnhub.progress.seed_demo import seed_class

PASSWORD = "browser-pass-1"
# Where the name cell, a cell beside it and the header sit against the grid's box.
GEOMETRY = """() => {
  const box = document.querySelector('.grid-wrap').getBoundingClientRect();
  const row = document.querySelector('.progress-grid tbody tr');
  const head = document.querySelector('.progress-grid thead th');
  return {
    box: {left: box.left, top: box.top},
    name: row.querySelector('th').getBoundingClientRect().left,
    beside: row.querySelector('td').getBoundingClientRect().left,
    head: head.getBoundingClientRect().top,
  };
}"""


@pytest.fixture
def seeded(make_app, write_content):
    """A class of 60 members and a course of 40 units (a grid far wider than a laptop)."""
    content = str(write_content({}))
    app = make_app(CONTENT_DIR=content)
    with app.app_context():
        head = auth_services.create_user("head", PASSWORD, "staff")
        db.session.commit()
        class_id = seed_class("WIDE-1", 60, 40, head, seed=3)["class"]
        db.session.commit()
    return content, class_id


@pytest.mark.parametrize("width,height", [(1366, 768), (390, 844)], ids=["laptop", "phone"])
def test_grid_scrolls_in_its_box_with_header_and_names_fixed(serve, browser, seeded, width, height):
    content, class_id = seeded
    server = serve(CONTENT_DIR=content)
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{server.url}/login?next=/classes/{class_id}/progress")
    page.fill("input[name=username]", "head")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form [type=submit]").last.click()
    page.wait_for_url(f"**/classes/{class_id}/progress")

    page_width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert page_width[0] <= page_width[1], page_width          # the page never scrolls sideways
    grid = page.locator(".grid-wrap")
    assert grid.evaluate("el => el.scrollWidth > el.clientWidth + 500")   # the grid does, inside

    before = page.evaluate(GEOMETRY)
    grid.evaluate("el => { el.scrollLeft = 600; el.scrollTop = 300; }")
    page.wait_for_timeout(100)
    after = page.evaluate(GEOMETRY)
    assert after["box"] == before["box"]
    assert abs(after["name"] - before["name"]) < 1              # the name column stays
    assert after["beside"] < before["beside"] - 500             # the rest scrolls under it
    assert abs(after["head"] - before["head"]) < 1              # and so does the header row
    context.close()
