"""Members' images only from this site: a path here stays an <img> (lazily loaded), any other
image source is only a link to it, so no member's text makes readers fetch from elsewhere."""
from __future__ import annotations

from html.parser import HTMLParser

import pytest

from learnhub.core.markdown import is_site_path, render_member_markdown, sanitize_member


def tags(html: str) -> list[tuple[str, dict]]:
    found = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, dict(attrs)))

    Parser().feed(html)
    return found


def test_an_image_of_this_site_is_shown_lazily_with_its_alt():
    html = render_member_markdown('![党徽](/static/img/emblem.png "标题")')
    assert tags(html) == [("p", {}), ("img", {"alt": "党徽", "loading": "lazy", "src": "/static/img/emblem.png",
                                              "title": "标题"})]


@pytest.mark.parametrize("src", [
    "https://evil.example/p.png", "http://evil.example/p.png", "//evil.example/p.png", "assets/x.png",
    "data:image/png;base64,AAAA", "javascript:alert(1)", "/\\evil.example/p.png",
])
def test_any_other_image_is_a_link_to_it(src):
    html = render_member_markdown(f"![pic]({src})")
    assert "<img" not in html, html
    links = [attrs for tag, attrs in tags(html) if tag == "a"]
    assert all(attrs.get("rel") == "nofollow ugc noopener" for attrs in links if "href" in attrs)
    assert all(not attrs.get("href", "").lower().startswith(("javascript", "data")) for attrs in links)


@pytest.mark.parametrize("src,ok", [
    ("/static/a.png", True), ("/files/7/a.png", True), ("//evil.example", False), ("/\\evil.example", False),
    ("/\t/evil.example", False), ("/a b", False), ("a.png", False), ("", False), (None, False),
    ("https://example.org/a.png", False),
])
def test_what_counts_as_a_path_of_this_site(src, ok):
    assert is_site_path(src) is ok


def test_the_cleaner_drops_a_foreign_src_and_every_handler_even_if_markdown_let_one_through():
    html = sanitize_member('<img src="https://evil.example/x.png" onerror="alert(1)" alt="a">'
                           '<img src="/ok.png" onload="alert(2)" class="c" id="i">')
    found = tags(html)
    assert found == [("img", {"alt": "a"}), ("img", {"src": "/ok.png"})], html


def test_essays_and_other_member_text_share_the_rule():
    from learnhub.core.markdown import render_user_markdown

    assert render_user_markdown("![a](/x.png)") == render_member_markdown("![a](/x.png)")
    assert "<img" not in render_user_markdown("![a](https://evil.example/x.png)")
