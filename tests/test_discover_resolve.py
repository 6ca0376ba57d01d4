"""Short links to posts: redirects followed by hand, bounded, never past the post URL."""

from __future__ import annotations

import httpx

from archiver.discovery.find import find_embeds
from archiver.discovery.resolve import resolve_embeds, resolve_url
from archiver.models import Embed

STATUS = "https://twitter.com/AggregateOsint/status/1821183329484083200/photo/1"


def client(routes: dict[str, httpx.Response], seen: list[str] | None = None) -> httpx.Client:
    def handler(request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        if seen is not None:
            seen.append(url)
        return routes.get(url, httpx.Response(404))

    return httpx.Client(transport=httpx.MockTransport(handler))


def redirect(location: str, code: int = 301) -> httpx.Response:
    return httpx.Response(code, headers={"Location": location})


def flat(url: str = "https://pic.twitter.com/ukSCQjXCXD") -> Embed:
    return Embed("twitter", None, url, "text", where="text", media_links=(url,), positions=(3,))


def test_pic_twitter_link_resolves_without_fetching_the_post():
    seen: list[str] = []
    with client({"https://pic.twitter.com/ukSCQjXCXD": redirect(STATUS)}, seen) as c:
        [tweet] = resolve_embeds([flat()], c)
    assert (tweet.post_id, tweet.url) == (
        "1821183329484083200",
        "https://twitter.com/AggregateOsint/status/1821183329484083200",
    )
    assert tweet.media_links == ("https://pic.twitter.com/ukSCQjXCXD",)
    assert seen == ["https://pic.twitter.com/ukSCQjXCXD"]


def test_tco_meta_refresh_and_several_hops():
    page = b'<html><head><meta http-equiv="refresh" content="0;URL=https://x.com/a/status/55"></head></html>'
    routes = {
        "https://t.co/abcd1234": redirect("https://t.co/next5678", 302),
        "https://t.co/next5678": httpx.Response(200, content=page, headers={"Content-Type": "text/html"}),
    }
    with client(routes) as c:
        assert resolve_url(c, "https://t.co/abcd1234") == ("twitter", "55", "https://x.com/a/status/55")


def test_tiktok_short_link():
    routes = {
        "https://vm.tiktok.com/ZMabc123/": redirect(
            "https://www.tiktok.com/@scout2015/video/6718335390845095173?_r=1"
        )
    }
    with client(routes) as c:
        assert resolve_url(c, "https://vm.tiktok.com/ZMabc123/") == (
            "tiktok",
            "6718335390845095173",
            "https://www.tiktok.com/@scout2015/video/6718335390845095173",
        )


def test_hops_are_bounded_and_dead_ends_stay_as_found():
    loop = {"https://t.co/loop1111": redirect("https://t.co/loop1111")}
    seen: list[str] = []
    with client(loop, seen) as c:
        assert resolve_url(c, "https://t.co/loop1111", max_hops=3) is None
    assert len(seen) == 3
    with client({"https://pic.twitter.com/ukSCQjXCXD": redirect("https://example.com/elsewhere")}) as c:
        assert resolve_embeds([flat()], c) == [flat()]
    with client({}) as c:  # 404
        assert resolve_embeds([flat()], c) == [flat()]


def test_network_errors_and_spent_budget_leave_embeds_unresolved():
    def broken(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("no route", request=request)

    with httpx.Client(transport=httpx.MockTransport(broken)) as c:
        assert resolve_embeds([flat()], c) == [flat()]
    seen: list[str] = []
    with client({"https://pic.twitter.com/ukSCQjXCXD": redirect(STATUS)}, seen) as c:
        assert resolve_embeds([flat()], c, total_seconds=0) == [flat()]
    assert seen == []


def test_resolved_duplicates_merge_and_ids_are_left_alone():
    known = Embed(
        "twitter",
        "1821183329484083200",
        "https://twitter.com/i/status/1821183329484083200",
        "blockquote",
        positions=(9,),
    )
    seen: list[str] = []
    with client({"https://pic.twitter.com/ukSCQjXCXD": redirect(STATUS)}, seen) as c:
        [merged] = resolve_embeds([flat(), known], c)
    assert merged.source == "blockquote" and merged.positions == (3, 9)
    assert seen == ["https://pic.twitter.com/ukSCQjXCXD"]


def test_an_embed_whose_attribute_holds_only_a_short_link_is_found_and_resolved():
    # TikTok's blockquote with its cite a share link (vm.tiktok.com) and no video id: found as
    # a TikTok embed whose id waits for the link, then resolved like any other short link.
    page = (
        '<p>Story.</p><blockquote class="tiktok-embed" cite="https://vm.tiktok.com/ZMabc123/">'
        '<section><a href="https://www.tiktok.com/@scout2015">@scout2015</a></section></blockquote>'
    )
    [embed] = find_embeds(page.encode(), "https://news.example/story")
    assert (embed.platform, embed.post_id, embed.url) == ("tiktok", None, "https://vm.tiktok.com/ZMabc123/")
    routes = {
        "https://vm.tiktok.com/ZMabc123/": redirect(
            "https://www.tiktok.com/@scout2015/video/6718335390845095173"
        )
    }
    with client(routes) as c:
        [resolved] = resolve_embeds([embed], c)
    assert (resolved.post_id, resolved.source) == ("6718335390845095173", "blockquote")
