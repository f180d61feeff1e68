"""The rendered-unit cache: a unit file copied into another course renders for that course."""
from __future__ import annotations

from learnhub.auth.services import create_user
from learnhub.courses.catalog import ContentCatalog
from tests.support.web import PASSWORD, login

UNIT = ("---\ntitle: Shared\nsummary: S\n---\n## Part\n\n![diagram](assets/d.svg) "
        "[next](02-next.md#part) [course](course.md)\n")
SVG = "<svg xmlns='http://www.w3.org/2000/svg'/>"


def course(title: str, order: int) -> str:
    return f"---\ntitle: {title}\nsummary: S\norder: {order}\n---\nText.\n"


def copied_course(write_content):
    files = {}
    for order, slug in enumerate(("alpha", "beta"), start=1):
        files.update({f"{slug}/course.md": course(slug, order), f"{slug}/01-shared.md": UNIT,
                      f"{slug}/02-next.md": UNIT.replace("Shared", "Next"),
                      f"{slug}/assets/d.svg": SVG})
    return write_content(files)


def test_each_copy_of_a_unit_links_to_its_own_course(write_content):
    catalog = ContentCatalog(copied_course(write_content))
    units = {slug: catalog.tree().units[slug][0] for slug in ("alpha", "beta")}
    assert units["alpha"].checksum == units["beta"].checksum   # the very same file
    for slug in ("alpha", "beta", "alpha"):                     # cached after the first time
        html = catalog.render(slug, units[slug].body, units[slug].checksum).html
        other = "beta" if slug == "alpha" else "alpha"
        assert f'src="/courses/{slug}/assets/d.svg"' in html, html
        assert f'href="/courses/{slug}/next#' in html and f'href="/courses/{slug}"' in html, html
        assert f"/courses/{other}" not in html, html


def test_a_checksum_never_serves_another_text(write_content):
    catalog = ContentCatalog(copied_course(write_content))
    assert "First" in catalog.render("alpha", "First text.", "same").html
    assert "Second" in catalog.render("alpha", "Second text.", "same").html


def test_both_unit_pages_show_their_own_course(make_app, write_content, db):
    app = make_app(CONTENT_DIR=str(copied_course(write_content)))
    client = app.test_client()
    with app.app_context():
        create_user("reader", PASSWORD, "member")
        db.session.commit()
    assert login(client, "reader").status_code == 302
    for slug, other in (("alpha", "beta"), ("beta", "alpha")):
        page = client.get(f"/courses/{slug}/shared").get_data(as_text=True)
        assert f'src="/courses/{slug}/assets/d.svg"' in page
        assert f'src="/courses/{other}/assets/d.svg"' not in page
