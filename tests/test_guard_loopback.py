"""The network guard on loopback: an article names an "internal" service through every way in.

The internal service is a site on 127.0.0.1 that counts every connection it accepts. The
article (served by the offline world at https://news.example/story, the one URL the user names)
names it through an embed (a Mastodon instance on it), an iframe embed and a plain iframe (its
address in decimal), its own image that redirects there, a tweet whose media are there (one
directly, one by a redirect), a flattened tweet whose short link redirects there, a post whose
view redirects there, and a post whose rendered view loads from it (an image, an image through
a redirect, a fetch to 127.1, a WebSocket). A second source redirects there, and a watched feed
lists an entry there (and javascript: and data: links). The browser's redirect hops are the
ones Playwright's routing never sees: the guard's relay does (capture/relay.py).

With the guard on, the service receives nothing, each refusal is recorded with its reason and
shown in the summary. With --allow-private-network every one of those paths reaches it.
"""

from __future__ import annotations

import asyncio
import copy
import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from loopback import LocalSite, LoopbackProxy

from archiver import cli as cli_module
from archiver import console, platforms
from archiver.capture import browser
from archiver.capture.capturer import Capturer, PostCapture
from archiver.cli import cli
from archiver.fetch import make_async_client
from archiver.flows import run as cron
from archiver.flows.archive import archive_sources
from archiver.settings import Settings
from offline_world import OfflineWorld, Response
from offline_world.twitter import FIXTURES
from storage import Store

pytestmark = pytest.mark.browser

STORY = "https://news.example/story"
MOVED = "https://news.example/moved"
FEED = "https://news.example/feed.xml"
FIXTURE_TWEET = "1821185274147889728"
GUARD_TWEET = "1821185274147880042"  # the fixture tweet, its media moved inside
OTHER_TWEET = "1821209936655409728"  # where the short link leads, once allowed
INSTAGRAM = "C-Xy12abcD"
MOVED_VIEW = "C-Xy12abcE"  # a post whose view redirects inside
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


@dataclass
class Scene:
    internal: LocalSite
    world: OfflineWorld
    base: str  # http://127.0.0.1:PORT

    @property
    def paths(self) -> set[str]:
        """The paths the internal service was asked for (without their queries)."""
        return {path.split("?", 1)[0] for _, path, _ in self.internal.requests}


def _status(sid: str, base: str, user: str) -> str:
    return json.dumps(
        {
            "id": sid,
            "url": f"{base}/@{user}/{sid}",
            "account": {"acct": user, "username": user, "display_name": user.title()},
            "content": "<p>an internal status</p>",
            "created_at": "2024-08-07T10:00:00.000Z",
            "media_attachments": [],
        }
    )


def _serve_internal(site: LocalSite) -> None:
    """What the internal service answers (only ever asked with the guard off)."""
    base = site.url
    view = '<!doctype html><div class="status"><p>an internal status</p></div>'
    for sid, user in (("1", "editor"), ("7", "nova")):
        site.add(f"/@{user}/{sid}/embed", view)
        site.add(f"/api/v1/statuses/{sid}", _status(sid, base, user), "application/json")
    site.add("/view", '<!doctype html><div class="EmbeddedMedia"><p>an internal post</p></div>')
    for path in ("/frame", "/story", "/entry", "/xhr"):
        site.add(path, f"<!doctype html><title>internal {path}</title><p>internal</p>")
    for path in ("/article-hop.png", "/hop.png", "/pixel.png", "/media2.jpg", "/media?format=jpg&name=orig"):
        site.add(path, PNG, "image/png")
    site.add(
        "/short", b"", status=301, headers={"Location": f"https://x.com/AggregateOsint/status/{OTHER_TWEET}"}
    )


def _article(base: str, port: int) -> str:
    return f"""<!doctype html><html><head><title>Guarded</title>
<link rel="canonical" href="{STORY}"></head><body><article>
<blockquote class="mastodon-embed" data-embed-url="{base}/@editor/1/embed">
 <a href="{base}/@editor/1">Post by @editor</a></blockquote>
<iframe src="http://localhost:{port}/@nova/7/embed" class="mastodon-embed"></iframe>
<iframe src="http://2130706433:{port}/frame"></iframe>
<img src="https://img.example/article-hop.png" alt="">
<blockquote class="twitter-tweet"><p>A tweet.</p>&mdash; OSINT Aggregator (@AggregateOsint)
<a href="https://twitter.com/AggregateOsint/status/{GUARD_TWEET}">August 7, 2024</a></blockquote>
<p>Words. pic.twitter.com/GuardTest1 — OSINT Aggregator (@AggregateOsint) August 7, 2024</p>
<blockquote class="instagram-media" data-instgrm-permalink="https://www.instagram.com/p/{INSTAGRAM}/"
 data-instgrm-version="14"><a href="https://www.instagram.com/p/{INSTAGRAM}/">View this post</a></blockquote>
<blockquote class="instagram-media" data-instgrm-permalink="https://www.instagram.com/p/{MOVED_VIEW}/"
 data-instgrm-version="14"><a href="https://www.instagram.com/p/{MOVED_VIEW}/">View this post</a></blockquote>
</article></body></html>"""


def _post_view(base: str, port: int) -> str:
    """Instagram's view of the post, loading from the internal service as it renders."""
    return f"""<!doctype html><html><body><div class="EmbeddedMedia"><p>A post.</p>
<img src="{base}/pixel.png" alt=""><img src="https://img.example/hop.png" alt=""></div>
<script>
fetch("http://127.1:{port}/xhr").catch(() => null);
try {{ new WebSocket("ws://127.0.0.1:{port}/ws"); }} catch (e) {{}}
</script></body></html>"""


FEED_XML = """<?xml version="1.0"?><rss version="2.0"><channel><title>Guarded feed</title>
<link>https://news.example/</link>
<item><title>inside</title><link>{base}/entry</link></item>
<item><title>script</title><link>javascript:alert(document.domain)</link></item>
<item><title>data</title><link>data:text/html,hello</link></item>
</channel></rss>"""


@pytest.fixture
def scene() -> Iterator[Scene]:
    with LocalSite() as internal:
        _serve_internal(internal)
        base, port = internal.url, internal.port
        world = OfflineWorld(hang_seconds=2)
        world.add(STORY, Response.html(_article(base, port)))
        world.add(MOVED, Response.redirect(f"{base}/story", 302))
        world.add(FEED, Response.make(FEED_XML.format(base=base), "application/rss+xml"))
        world.add("https://img.example/article-hop.png", Response.redirect(f"{base}/article-hop.png", 302))
        world.add("https://img.example/hop.png", Response.redirect(f"{base}/hop.png", 302))
        world.add("https://pic.twitter.com/GuardTest1", Response.redirect(f"{base}/short", 301))
        tweet = copy.deepcopy(
            json.loads((FIXTURES / f"tweet-result-{FIXTURE_TWEET}.json").read_text(encoding="utf-8"))
        )
        tweet["id_str"] = GUARD_TWEET
        tweet["mediaDetails"][0]["media_url_https"] = f"{base}/media.jpg"
        tweet["mediaDetails"][1]["media_url_https"] = "https://pbs.twimg.com/media/GuardHop.jpg"
        world.twitter.add_tweet(tweet)
        world.add("https://pbs.twimg.com/media/GuardHop", Response.redirect(f"{base}/media2.jpg", 302))
        instagram = platforms.get("instagram")
        world.add(instagram.view_url(INSTAGRAM), Response.html(_post_view(base, port)))
        world.add(instagram.view_url(MOVED_VIEW), Response.redirect(f"{base}/view", 302))
        yield Scene(internal, world, base)


def settings_for(home: Path, browser_path: str, allow_private_network: bool = False) -> Settings:
    return Settings(
        home=home,
        browser=browser_path,
        page_timeout=8,
        capture_timeout=30,
        host_delay=0,
        allow_private_network=allow_private_network,
    )


class _Output:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def info(self, line: str) -> None:
        self.lines.append(line)

    change = error = info


def _run_feed(settings: Settings, scene: Scene) -> _Output:
    """A watched feed, looked at by `archiver run` (its entries are archived)."""
    with Store.open(settings.home) as store:
        store.add_watch(FEED, "feed")
    output = _Output()
    options = cron.RunOptions(None, None, False, None)
    asyncio.run(cron.scheduled_run(settings, options, scene.world.network(), output))
    return output


def test_the_guard_keeps_every_path_away_from_the_internal_service(
    scene: Scene, home: Path, browser_path: str, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = settings_for(home, browser_path)
    with Store.open(home) as store:
        story, moved = asyncio.run(
            archive_sources([STORY, MOVED], settings, store, network=scene.world.network())
        )
    fed = _run_feed(settings, scene)

    assert scene.internal.requests == [] and scene.internal.connections == 0
    base, port = scene.base, scene.internal.port
    posts = {(p.platform, p.post_id): p for p in story.posts}
    hint = "; --allow-private-network allows it"
    embed = posts["mastodon", f"127.0.0.1:{port}/@editor/1"]
    assert embed.status == "failed"
    assert embed.error == f"refused: {base}/@editor/1/embed is a loopback address (127.0.0.1){hint}"
    framed = posts["mastodon", f"localhost:{port}/@nova/7"]
    assert (
        framed.error == f"refused: http://localhost:{port}/@nova/7/embed names this machine (localhost){hint}"
    )
    tweet = posts["twitter", GUARD_TWEET]
    assert tweet.status == "live"
    media = [line for line in tweet.missing if line.startswith("media ")]
    assert any(f"refused: {base}/media?format=jpg" in line for line in media), tweet.missing
    assert any(f"refused: {base}/media2.jpg is a loopback address" in line for line in media), tweet.missing
    flattened = next(p for p in story.posts if p.post_id is None)
    assert flattened.status == "unresolved"
    shown = posts["instagram", INSTAGRAM]
    assert shown.status == "live"
    refused = [line for line in shown.missing if line.startswith("refused: ")]
    assert f"refused: {base}/pixel.png is a loopback address (127.0.0.1){hint}" in refused
    assert f"refused: {base}/hop.png is a loopback address (127.0.0.1){hint}" in refused  # a redirect hop
    redirected = posts["instagram", MOVED_VIEW]  # the browser's own redirect hop
    assert redirected.status == "failed"
    assert redirected.error == f"refused: {base}/view is a loopback address (127.0.0.1){hint}"
    assert moved.error == f"refused: {base}/story is a loopback address (127.0.0.1){hint}"
    assert story.screenshot_error is None  # a refused iframe is no failed screenshot

    assert any(
        f"article {base}/entry: refused: {base}/entry is a loopback address" in line for line in fed.lines
    )
    with Store.open(home) as store:
        entry = store.get_article(f"{base}/entry")
        assert entry is not None and entry["status"] == "failed"
        assert [e["url"] for e in store.pending_entries()] == [f"{base}/entry"]  # no javascript:, data:

    console.print_summary([story, moved], home)
    printed = capsys.readouterr()  # a post's refusal in the table; an article not archived, on stderr
    assert f"refused: {base}/@editor/1/embed" in printed.out and f"refused: {base}/story" in printed.err


def test_allow_private_network_lets_every_path_through(
    scene: Scene, home: Path, browser_path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli_module, "_network", lambda offline: scene.world.network())
    # Chromium's own Local Network Access checks refuse a public page's requests to loopback
    # (with no proxy it sees where they go): off here, so that what reaches the internal service
    # is all the network guard's doing.
    flags = tuple(
        flag + ",LocalNetworkAccessChecks" if flag.startswith("--disable-features=") else flag
        for flag in browser.CLOSED_NETWORK_FLAGS
    )
    monkeypatch.setattr(browser, "CLOSED_NETWORK_FLAGS", flags)
    args = ["archive", "--home", str(home), "--browser", browser_path, "--page-timeout", "8", "--json"]
    result = CliRunner().invoke(cli, [*args, "--allow-private-network", STORY, MOVED])
    assert result.exit_code in (0, 3), result.output
    summary = json.loads(result.stdout)
    story, moved = summary["articles"]
    assert moved["error"] is None and moved["title"] == "internal /story"
    by_id = {p["post_id"]: p for p in story["posts"]}
    port = scene.internal.port
    assert by_id[f"127.0.0.1:{port}/@editor/1"]["status"] == "live"
    assert by_id[f"localhost:{port}/@nova/7"]["status"] == "live"
    assert by_id[MOVED_VIEW]["status"] == "live"
    assert OTHER_TWEET in by_id  # the short link resolved, through the internal service
    assert not any("refused" in line for p in story["posts"] for line in p["missing"])

    _run_feed(settings_for(home, browser_path, allow_private_network=True), scene)

    assert scene.paths >= {
        "/@editor/1/embed",  # an embed's instance
        "/api/v1/statuses/1",
        "/@nova/7/embed",  # an iframe embed
        "/frame",  # a plain iframe
        "/article-hop.png",  # the article's image, through a redirect
        "/media",  # a media URL
        "/media2.jpg",  # a media URL's redirect
        "/short",  # a short link's redirect
        "/view",  # a post view's redirect
        "/pixel.png",  # subresources of a rendered post
        "/hop.png",
        "/xhr",
        "/ws",
        "/story",  # an article's redirect
        "/entry",  # a feed entry
    }, sorted(scene.paths)


def test_behind_a_proxy_of_the_users_the_browser_is_checked_by_its_routes(
    scene: Scene, home: Path, browser_path: str, loopback_proxy: LoopbackProxy
) -> None:
    """With a proxy carrying the browser's traffic there is no relay: each request is checked
    in the context's routes (the proxy here would reach loopback). Redirect hops are not seen
    there (Playwright continues them itself): that path is left out."""
    base, port = scene.base, scene.internal.port
    view = f"""<!doctype html><div class="EmbeddedMedia"><p>A post.</p>
<img src="{base}/pixel.png" alt=""></div>
<script>fetch("http://127.1:{port}/xhr").catch(() => null);</script>"""
    scene.world.add(platforms.get("instagram").view_url(INSTAGRAM), Response.html(view))
    settings = replace(settings_for(home, browser_path), proxy=loopback_proxy.url)

    async def capture() -> PostCapture:
        async with (
            make_async_client(settings, scene.world.transport()) as client,
            Capturer(settings, client, install_routes=scene.world.install) as capturer,
        ):
            return await capturer.capture_post("instagram", INSTAGRAM)

    captured = asyncio.run(capture())
    assert scene.internal.requests == [] and scene.internal.connections == 0
    assert captured.status == "live"
    hint = "; --allow-private-network allows it"
    assert f"refused: {base}/pixel.png is a loopback address (127.0.0.1){hint}" in captured.missing
    assert f"refused: http://127.0.0.1:{port}/xhr is a loopback address (127.0.0.1){hint}" in captured.missing
