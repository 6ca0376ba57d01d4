"""Markup nested deeper than libxml2 reads (2,048 levels): what is in and after it is found."""

from __future__ import annotations

import html

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


YT = '<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ"></iframe>'
FB = '<div class="fb-post" data-href="https://www.facebook.com/justiciatv/videos/1661762744185332/"></div>'
AMP = f'<amp-twitter width="375" height="472" data-tweetid="{AFTER[:-1]}5"></amp-twitter>'


def around(middle: str) -> str:
    return f"<html><body>{tweet(BEFORE)}{middle}{tweet(AFTER)}</body></html>"


@pytest.mark.parametrize(
    ("middle", "inside"),
    [
        # embeds at several depths of one deep subtree of classed wrappers
        (
            "".join(f'<div class="level-{n}">' + (YT if n in (1000, 2500, 4000) else "") for n in range(5000))
            + "</div>" * 5000,
            ("youtube", "dQw4w9WgXcQ"),
        ),
        # a placeholder that carries its post in a data attribute, deep inside classed wrappers
        ('<div class="w">' * 2600 + FB + "</div>" * 2600, ("facebook", "1661762744185332")),
        # a custom element deep inside bare ones
        ("<div>" * 4000 + AMP + "</div>" * 4000, ("twitter", AFTER[:-1] + "5")),
        # embed-like containers nested deeper than the limit, the frame at the bottom
        ('<blockquote class="q">' * 2500 + YT + "</blockquote>" * 2500, ("youtube", "dQw4w9WgXcQ")),
        # deep lists, deep formatting, deep tables of classed cells
        ("<ul><li>" * 3000 + YT + "</li></ul>" * 3000, ("youtube", "dQw4w9WgXcQ")),
        ("<b><i><font>" * 1500 + YT + "</font></i></b>" * 1500, ("youtube", "dQw4w9WgXcQ")),
        (
            '<table class="t"><tr><td class="c">' * 1200 + YT + "</td></tr></table>" * 1200,
            ("youtube", "dQw4w9WgXcQ"),
        ),
        # deep markup kept hidden: in a template, and escaped in an attribute
        ("<template>" + "<div>" * 3000 + YT + "</div>" * 3000 + "</template>", ("youtube", "dQw4w9WgXcQ")),
        (
            '<div data-content="' + html.escape("<div>" * 3000 + YT + "</div>" * 3000) + '"></div>',
            ("youtube", "dQw4w9WgXcQ"),
        ),
        # far deeper than the limit
        ("<div>" * 100_000 + YT + "</div>" * 100_000, ("youtube", "dQw4w9WgXcQ")),
    ],
    ids=[
        "iframes at depths",
        "data placeholder",
        "custom element",
        "nested quotes",
        "lists",
        "formatting",
        "classed tables",
        "template",
        "attribute",
        "100,000 divs",
    ],
)
def test_embeds_in_any_deep_shape_and_after_it_are_found(middle: str, inside: tuple[str, str]) -> None:
    found = find_embeds(around(middle).encode(), "https://news.example/a", content_type="text/html")
    assert [(e.platform, e.post_id) for e in found] == [("twitter", BEFORE), inside, ("twitter", AFTER)]
