"""Embeds a plain DOM walk does not see: consent wrappers, raw text, templates and page data."""

from __future__ import annotations

import base64
import html
import json

from archiver.discovery.find import find_embeds
from archiver.models import Embed

INSTAGRAM = (
    '<blockquote class="instagram-media" data-instgrm-permalink="https://www.instagram.com/p/B63DdKjgavx/'
    '?utm_source=ig_embed&amp;utm_campaign=loading" '
    'data-instgrm-version="14"><a href="https://www.instagram.com'
    '/p/B63DdKjgavx/">View this post on Instagram</a></blockquote>'
    '<script async src="//www.instagram.com/embed.js">'
    "</script>"
)
TWEET = (
    '<blockquote class="twitter-tweet"><p lang="en" dir="ltr">Hello</p>&mdash; Amnesty (@amnesty) '
    '<a href="https://twitter.com/amnesty/status/1455512589295816707?ref_src=twsrc%5Etfw">'
    "November 2, 2021</a>"
    '</blockquote><script async src="https://platform.twitter.com/widgets.js" charset="utf-8"></script>'
)


def page(body: str) -> bytes:
    return f"<html><head><title>t</title></head><body><article>{body}</article></body></html>".encode()


def where(embeds: list[Embed]) -> list[tuple[str | None, str, str]]:
    return [(e.post_id, e.source, e.where) for e in embeds]


def test_entity_escaped_markup_in_an_attribute():
    body = f'<script data-role="consent-template" data-content="{html.escape(INSTAGRAM)}"></script>'
    assert where(find_embeds(page(body))) == [("B63DdKjgavx", "blockquote", "attribute")]


def test_lazy_iframe_kept_in_an_attribute():
    frame = '<iframe src="https://www.facebook.com/plugins/video.php?href=https%3A%2F%2Fwww.facebook.com%2Fjusticiatv%2Fvideos%2F1661762744185332%2F&show_text=true"></iframe>'
    body = f'<div class="lazy-iframe" data-type="iframe" data-iframe="{html.escape(frame)}"></div>'
    assert where(find_embeds(page(body))) == [("1661762744185332", "iframe", "attribute")]


def test_textarea_privacy_wrapper():
    body = f'<div class="third-party"><textarea hidden>{html.escape(TWEET)}</textarea></div>'
    [tweet] = find_embeds(page(body))
    assert (tweet.post_id, tweet.where, tweet.author_handle) == ("1455512589295816707", "textarea", "amnesty")


def test_noscript_as_markup_and_as_text():
    body = (
        '<div class="lazy" data-placeholder="1"><noscript>'
        '<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ">'
        "</iframe></noscript></div>"
        f"<noscript>{html.escape(INSTAGRAM)}</noscript>"
    )
    assert where(find_embeds(page(body))) == [
        ("dQw4w9WgXcQ", "iframe", "noscript"),
        ("B63DdKjgavx", "blockquote", "noscript"),
    ]


def test_template_and_script_templates():
    body = (
        '<template id="consent"><blockquote class="tiktok-embed" '
        'cite="https://www.tiktok.com/@scout2015/video/'
        '6718335390845095173" data-video-id="6718335390845095173"><section></section></blockquote></template>'
        '<script type="text/template"><iframe '
        'src="https://player.vimeo.com/video/76979871"></iframe></script>'
    )
    assert where(find_embeds(page(body))) == [
        ("6718335390845095173", "blockquote", "template"),
        ("76979871", "iframe", "template"),
    ]


def test_placeholders_that_carry_only_a_post_url():
    body = (
        '<div class="embed-consent" data-embed-url="https://twitter.com/jack/status/20">Load Twitter?</div>'
        '<figure class="wp-block-embed is-provider-youtube"><div class="wp-block-embed__wrapper">\n'
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ\n</div></figure>"
        '<figure class="media"><oembed url="https://vimeo.com/76979871"></oembed></figure>'
        '<div class="social-embed" data-embed-type="instagram" data-embed-id="CI4vzvdnMGG"></div>'
    )
    assert where(find_embeds(page(body))) == [
        ("20", "widget", "dom"),
        ("dQw4w9WgXcQ", "widget", "dom"),
        ("76979871", "widget", "dom"),
        ("CI4vzvdnMGG", "widget", "dom"),
    ]


def _js(value: object) -> str:
    return json.dumps(value).replace("<", "\\u003c")


def _next_data(article_html: str, related_html: str) -> str:
    data = {
        "props": {
            "pageProps": {"article": {"body": article_html}, "relatedArticles": [{"body": related_html}]}
        }
    }
    # as frameworks write it: "<" escaped, so no "</script>" in the data ends the element
    return f'<script id="__NEXT_DATA__" type="application/json">{_js(data)}</script>'


def test_json_page_data_counts_when_the_page_shows_nothing_itself():
    other = (
        '<blockquote class="twitter-tweet"><a href="https://twitter.com/other/status/999">x</a></blockquote>'
    )
    body = '<div id="__next"></div>' + _next_data(f"<p>Story</p>{TWEET}", other)
    [tweet] = find_embeds(page(body))
    assert (tweet.post_id, tweet.where, tweet.author_handle) == ("1455512589295816707", "script", "amnesty")


def test_json_page_data_is_ignored_when_the_page_shows_its_embeds():
    """The repeated embed is one post; another article's post in the same data is not this one's."""
    other = (
        '<blockquote class="twitter-tweet"><a href="https://twitter.com/other/status/999">x</a></blockquote>'
    )
    state = _js({"content": {"html": other}})
    body = TWEET + f"<script>window.__STATE__ = {state};</script>" + _next_data(TWEET, other)
    assert where(find_embeds(page(body))) == [("1455512589295816707", "blockquote", "dom")]


def test_js_escaped_markup_in_a_script_string():
    escaped = json.dumps(TWEET).replace("<", "\\u003c").replace("/", "\\/")
    body = f"<div id=app></div><script>var tc_app_data = {{bad json: {escaped}, }};</script>"
    [tweet] = find_embeds(page(body))
    assert (tweet.post_id, tweet.where) == ("1455512589295816707", "script")


def test_same_post_in_dom_and_hidden_place_is_one_item_with_both_positions():
    body = f"{TWEET}\n<p>More.</p>\n<textarea hidden>{html.escape(TWEET)}</textarea>"
    [tweet] = find_embeds(page(body))
    assert tweet.where == "dom"
    assert tweet.positions == (1, 3)


SITE = "https://news.example"


def test_page_data_names_which_article_each_body_belongs_to():
    """Like a CMS's app data: this article and homepage teasers, each with its canonical URL."""
    other = (
        '<blockquote class="twitter-tweet"><a href="https://twitter.com/other/status/999">x</a></blockquote>'
    )
    video = '<iframe src="https://www.youtube.com/embed/XbPJPXZKM5o"></iframe>'
    data = {
        "feature_islands": {
            "homepage": [
                {"canonical_url": f"{SITE}/2023/05/10/everything-announced/", "content": other},
                {"link": f"{SITE}/2023/05/11/another/", "content": {"rendered": video}},
            ]
        },
        "entities": {"posts": [{"canonical_url": f"{SITE}/2023/05/05/this-story/", "content": TWEET}]},
    }
    head = f'<link rel="canonical" href="{SITE}/2023/05/05/this-story/">'
    body = f"<div id=root></div><script>var app_data = {_js(data)};</script>"
    page_bytes = f"<html><head>{head}</head><body>{body}</body></html>".encode()
    assert where(find_embeds(page_bytes)) == [("1455512589295816707", "blockquote", "script")]


def test_an_oembed_object_names_its_post_not_an_article():
    oembed = {"type": "rich", "url": "https://twitter.com/amnesty/status/1455512589295816707", "html": TWEET}
    data = {"story": {"canonical_url": "/politics/this-story", "content_elements": [{"raw_oembed": oembed}]}}
    head = '<link rel="canonical" href="https://news.example/politics/this-story">'
    body = f'<div id=root></div><script type="application/json">{_js(data)}</script>'
    page_bytes = f"<html><head>{head}</head><body>{body}</body></html>".encode()
    assert where(find_embeds(page_bytes)) == [("1455512589295816707", "blockquote", "script")]


def test_base64_encoded_embed_code_of_consent_plugins():
    encoded = base64.b64encode(TWEET.encode()).decode()
    body = (
        f'<div class="privacy-embed-preview privacy-embed-twitter" data-html="{encoded}"></div>\n'
        f'<div class="borlabs-hide"><script type="text/template">{encoded}</script></div>'
    )
    [tweet] = find_embeds(page(body))
    assert (tweet.post_id, tweet.where, tweet.positions) == ("1455512589295816707", "attribute", (1, 2))
    image = base64.b64encode(b"\x89PNG\r\n\x1a\n" + bytes(100)).decode()
    assert find_embeds(page(f'<div data-image="{image}"></div>')) == []


def test_page_data_naming_this_page_counts_even_beside_the_dom():
    """The article's own data may hold an embed its server-side markup left for later."""
    later = (
        '<blockquote class="twitter-tweet"><a href="https://twitter.com/late/status/777">x</a></blockquote>'
    )
    data = {"post": {"slug": "this-story", "body": f"<p>a</p>{TWEET}<p>b</p>{later}"}}
    head = f'<link rel="canonical" href="{SITE}/2023/05/05/this-story/">'
    body = f"{TWEET}\n<script>window.__DATA__ = {_js(data)};</script>"
    page_bytes = f"<html><head>{head}</head><body>{body}</body></html>".encode()
    assert where(find_embeds(page_bytes)) == [
        ("1455512589295816707", "blockquote", "dom"),
        ("777", "blockquote", "script"),
    ]


def test_base64_embed_code_on_an_element_that_says_nothing_else():
    """A consent blocker's content attribute (as Borlabs Cookie writes it): no "embed" in any name.
    Only elements looked at for another reason had their base64 attributes decoded."""
    encoded = base64.b64encode(INSTAGRAM.encode()).decode()
    body = f'<div class="_brlbs-content-blocker"><div data-borlabs-cookie-content="{encoded}"></div></div>'
    assert where(find_embeds(page(body))) == [("B63DdKjgavx", "blockquote", "attribute")]
