"""Markup nested deeper than libxml2 reads (2,048 levels): what is in and after it is found."""

from __future__ import annotations

import pytest

from archiver.discovery import flatten
from archiver.discovery.find import find_embeds

BEFORE, AFTER = "1821185274147889728", "1821209936655409728"
INSIDE = (
    '<blockquote class="instagram-media" data-instgrm-permalink="https://www.instagram.com/p/C-Xy12abcD/">'
)


def tweet(tweet_id: str) -> str:
    return (
        f'<blockquote class="twitter-tweet"><a href="https://twitter.com/x/status/{tweet_id}">t</a>'
        "</blockquote>"
    )


@pytest.mark.parametrize(
    ("opening", "closing"),
    [
        ("<div>", "</div>"),
        ('<div class="wrap">', "</div>"),
        ("<span><b>", "</b></span>"),
        ("<blockquote>", "</blockquote>"),
        ("<table><tr><td>", "</td></tr></table>"),
        ("<div>", ""),  # never closed
    ],
)
@pytest.mark.parametrize("levels", [2_100, 6_000])
def test_embeds_inside_and_after_a_deep_subtree_are_found(opening: str, closing: str, levels: int) -> None:
    page = (
        f"<html><body>{tweet(BEFORE)}{opening * levels}{INSIDE}</blockquote>{closing * levels}"
        f"{tweet(AFTER)}</body></html>"
    )
    found = find_embeds(page.encode(), "https://news.example/a", content_type="text/html")
    assert [(e.platform, e.post_id) for e in found] == [
        ("twitter", BEFORE),
        ("instagram", "C-Xy12abcD"),
        ("twitter", AFTER),
    ]


def test_a_shallow_page_is_not_rewritten() -> None:
    page = f"<html><body>{'<div>' * 100}{tweet(BEFORE)}{'</div>' * 100}</body></html>"
    found = find_embeds(page.encode(), "https://news.example/a", content_type="text/html")
    assert [e.post_id for e in found] == [BEFORE]


def test_flattening_keeps_text_entities_comments_and_lines() -> None:
    deep = "<div>\n" * 3000 + "<p>caf&eacute; &#233; <!-- note --></p>" + "</div>" * 3000
    flat = flatten.flatten(deep)
    assert flat.count("\n") == deep.count("\n")
    assert "caf&eacute; &#233; <!-- note -->" in flat  # the bare <p> this deep is dropped, not its text
    assert flat.count("<div>") == flatten.BARE_DEPTH == flat.count("</div>")


def test_the_depth_limit_is_told_from_the_parsers_log() -> None:
    assert flatten.too_deep(["Excessive depth in document: 2048, use XML_PARSE_HUGE option"])
    assert not flatten.too_deep(["Tag nav invalid"])
