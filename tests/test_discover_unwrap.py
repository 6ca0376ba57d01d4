"""Class 2: a post URL inside another URL (oEmbed proxies, consent services, embed services),
percent-encoded once or twice, or in base64, nested any number of times the generators make."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archiver.discovery import unwrap
from archiver.discovery.find import find_embeds
from archiver.platforms import PLATFORMS

# (platform, post URL, post id) of every registered platform's examples.
POSTS = [(p.name, url, post_id) for p in PLATFORMS for url, post_id in p.examples]
# Outer services, each a URL that takes a parameter (all are embed endpoints, none a button).
OUTER = [
    "https://graph.facebook.com/v18.0/instagram_oembed?access_token=1|abc&",
    "https://api.embed.ly/1/oembed?key=k&maxwidth=500&",
    "https://consent.example.org/embed/frame?lang=de&",
    "https://embed.example.net/oembed/proxy?",
    "https://www.example.com/embed-privacy/?type=social&",
]
NAMES = ["url", "u", "src", "href", "link", "data", "q"]


def percent(text: str) -> str:
    return quote(text, safe="")


def b64(text: str, urlsafe: bool, padded: bool) -> str:
    raw = (base64.urlsafe_b64encode if urlsafe else base64.b64encode)(text.encode()).decode()
    return raw if padded else raw.rstrip("=")


ENCODINGS: dict[str, Callable[[str], str]] = {
    "percent": percent,
    "percent twice": lambda t: percent(percent(t)),
    "base64": lambda t: b64(t, False, True),
    "base64 unpadded": lambda t: b64(t, False, False),
    "base64 urlsafe": lambda t: b64(t, True, True),
    "base64 urlsafe unpadded": lambda t: b64(t, True, False),
    "base64 of percent": lambda t: b64(percent(t), True, False),
}
# One level of nesting: an outer service, a parameter name, an encoding.
level = st.tuples(st.sampled_from(OUTER), st.sampled_from(NAMES), st.sampled_from(sorted(ENCODINGS)))


def nest(url: str, levels: list[tuple[str, str, str]]) -> str:
    for outer, name, encoding in levels:
        url = f"{outer}{name}={ENCODINGS[encoding](url)}"
    return url


def page(body: str) -> bytes:
    return f"<html><body><article><p>Text.</p>{body}</article></body></html>".encode()


def found(body: str) -> list[tuple[str, str | None]]:
    return [(e.platform, e.post_id) for e in find_embeds(page(body))]


PLACES: dict[str, Callable[[str], str]] = {
    "iframe src": lambda outer: f'<iframe src="{outer}" width="500"></iframe>',
    "lazy data-src": lambda outer: f'<div class="consent-box" data-src="{outer}"></div>',
    "data-* config": lambda outer: (
        f"<div class=\"x\" data-config='{json.dumps({'embed': {'src': outer}})}'></div>"
    ),
    "script JSON": lambda outer: f"<script>var cfg = {json.dumps({'blocks': [{'oembed': outer}]})};</script>",
}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(POSTS), st.lists(level, min_size=1, max_size=3), st.sampled_from(sorted(PLACES)))
def test_a_nested_post_url_is_found_wherever_the_outer_url_stands(
    post: tuple[str, str, str], levels: list[tuple[str, str, str]], place: str
) -> None:
    platform, url, post_id = post
    outer = nest(url, levels)
    assert found(PLACES[place](outer.replace("&", "&amp;").replace('"', "&quot;"))) == [(platform, post_id)]


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(POSTS), st.lists(level, min_size=1, max_size=4))
def test_inner_urls_reach_the_innermost_url(
    post: tuple[str, str, str], levels: list[tuple[str, str, str]]
) -> None:
    _platform, url, _post_id = post
    assert url in list(unwrap.inner_urls(nest(url, levels)))


JUNK = st.text(alphabet=st.sampled_from("aHR0cDovL%2F3A=&?#/+_-.:ABCxyz019 "), max_size=300)


@settings(max_examples=200, deadline=None)
@given(JUNK, st.lists(level, max_size=3), st.sampled_from(sorted(PLACES)))
def test_junk_never_crashes_and_never_is_a_post(
    junk: str, levels: list[tuple[str, str, str]], place: str
) -> None:
    outer = nest(junk, levels)
    assert list(unwrap.inner_urls(junk)) is not None
    assert found(PLACES[place](outer.replace("&", "&amp;").replace('"', "&quot;"))) == []


def test_depth_and_length_are_bounded() -> None:
    url = "https://www.instagram.com/p/B63DdKjgavx/"
    too_deep = nest(url, [(OUTER[0], "url", "percent")] * (unwrap.MAX_STEPS + 2))
    assert url not in list(unwrap.inner_urls(too_deep))
    huge = "https://embed.example.net/oembed?x=" + "a" * unwrap.MAX_CHARS + "&url=" + percent(url)
    assert url not in list(unwrap.inner_urls(huge))


def test_a_share_button_names_what_it_shares_not_what_it_shows() -> None:
    tweet = "https://twitter.com/a/status/1821183329484083200"
    body = f'<iframe src="https://www.facebook.com/plugins/share_button.php?href={percent(tweet)}"></iframe>'
    assert found(body) == []


def test_a_link_shim_is_a_link_to_the_post_it_carries() -> None:
    tweet = "https://twitter.com/a/status/1821183329484083200"
    body = f'<p>See <a href="https://l.facebook.com/l.php?u={percent(tweet)}&amp;h=AT0">this</a>.</p>'
    [link] = find_embeds(page(body), links=True)
    assert (link.platform, link.post_id, link.source, link.url) == (
        "twitter",
        "1821183329484083200",
        "link",
        tweet,
    )
    assert find_embeds(page(body)) == []  # a link is no embed


def test_an_id_after_a_blob_long_query_parameter_is_found() -> None:
    """widgets.js writes a rendered tweet's iframe with a kilobyte of base64 `features` before
    `id=`: farther than the platforms' patterns read a query (QUERY_REACH). A second look
    without the blob finds it, in an iframe and in a link alike; a blob alone names nothing."""
    import base64
    import json

    from archiver.discovery.find import find_embeds
    from archiver.platforms.base import QUERY_REACH

    features = base64.b64encode(json.dumps({f"tfw_{i}": {"bucket": "on"} for i in range(40)}).encode())
    assert len(features) > QUERY_REACH
    src = (
        "https://platform.twitter.com/embed/Tweet.html?dnt=false&embedId=twitter-widget-0"
        f"&features={features.decode()}&frame=false&id=1792922041437598094&lang=en"
    )
    found = find_embeds(f'<p>Text.</p><iframe src="{src}"></iframe>', base_url="https://news.example/a")
    assert [(e.platform, e.post_id) for e in found] == [("twitter", "1792922041437598094")]
    blob_only = src.replace("&id=1792922041437598094", "")
    assert find_embeds(f'<iframe src="{blob_only}"></iframe>', base_url="https://news.example/a") == []
