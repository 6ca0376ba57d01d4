"""The offline world: one fixture table answering the HTTP client and the browser alike."""

from __future__ import annotations

import asyncio
import contextlib
import http.server
import json
import re
import struct
import threading
import time
import zlib
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import httpx
import pytest
from shared_support import shared_path

from archiver import platforms
from archiver.errors import PostGone
from archiver.models import PostData
from archiver.platforms.base import Platform
from archiver.platforms.twitter import data_url
from offline_world import OfflineWorld, Request, Response, TwitterWorld, World

if TYPE_CHECKING:
    from playwright.async_api import Page

AGGREGATE = "1821185274147889728"
NEXTA = "1821209936655409728"


@pytest.fixture
def world() -> OfflineWorld:
    return OfflineWorld(hang_seconds=5)


@pytest.fixture
def client(world: OfflineWorld) -> Iterator[httpx.Client]:
    with httpx.Client(transport=world.transport(), timeout=2) as c:
        yield c


def test_syndication_answers_fixture_tweets(client: httpx.Client) -> None:
    response = client.get(data_url(AGGREGATE))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.json()["user"]["screen_name"] == "AggregateOsint"


def test_syndication_refuses_a_wrong_token_and_404s_unknown_ids(client: httpx.Client) -> None:
    wrong = f"https://cdn.syndication.twimg.com/tweet-result?id={AGGREGATE}&token=abc&lang=en"
    assert client.get(wrong).status_code == 400
    assert client.get(data_url("1234567890123456789")).status_code == 404


def test_tombstone_empty_and_removal_flip_the_answer(world: OfflineWorld, client: httpx.Client) -> None:
    world.twitter.tombstone(AGGREGATE)
    body = client.get(data_url(AGGREGATE)).json()
    assert body["__typename"] == "TweetTombstone"
    assert "deleted" in body["tombstone"]["text"]["text"]
    world.twitter.empty(AGGREGATE)
    assert client.get(data_url(AGGREGATE)).json() == {}
    world.twitter.remove(AGGREGATE)
    assert client.get(data_url(AGGREGATE)).status_code == 404


def test_unknown_hosts_fail_fast_like_a_dead_network(client: httpx.Client) -> None:
    # At once: a world that waited would end in the client's ReadTimeout, not a ConnectError.
    with pytest.raises(httpx.ConnectError):
        client.get("https://news.example/article")


def test_known_host_unknown_path_is_404(client: httpx.Client) -> None:
    assert client.get("https://platform.twitter.com/nothing-here").status_code == 404


def test_hang_waits_for_the_clients_own_timeout() -> None:
    world = OfflineWorld(hang_seconds=60)
    world.hang("https://pbs.twimg.com/media/slow.jpg")
    with httpx.Client(transport=world.transport(), timeout=0.3) as c:
        started = time.monotonic()
        with pytest.raises(httpx.ReadTimeout):
            c.get("https://pbs.twimg.com/media/slow.jpg?name=small")
        # A hang guard, not a speed target: the client's 0.3 s, not the world's 60 s.
        assert time.monotonic() - started < 30

    async def async_get() -> None:
        async with httpx.AsyncClient(transport=world.transport(), timeout=0.3) as ac:
            await ac.get("https://pbs.twimg.com/media/slow.jpg")

    with pytest.raises(httpx.ReadTimeout):
        asyncio.run(async_get())


def test_add_replaces_an_answer_and_handlers_see_requests(world: OfflineWorld, client: httpx.Client) -> None:
    world.add("https://pbs.twimg.com/media/a.jpg", Response.make(b"tiny", "image/jpeg"))
    assert client.get("https://pbs.twimg.com/media/a.jpg?format=jpg&name=orig").content == b"tiny"
    seen: list[Request] = []

    def handler(request: Request) -> Response:
        seen.append(request)
        return Response.json({"n": len(seen)})

    world.add("https://news.example/api", handler)
    assert client.post("https://news.example/api", content=b"x").json() == {"n": 1}
    assert seen[0].method == "POST" and seen[0].body == b"x" and seen[0].client == "http"
    assert world.count("news.example/api") == 1
    assert world.count(host="pbs.twimg.com", client="http") == 1


def test_media_hosts_serve_real_images_and_videos(client: httpx.Client) -> None:
    jpeg = client.get("https://pbs.twimg.com/media/GUYk3xFWoAAq1Zs?format=jpg&name=orig")
    assert jpeg.headers["content-type"] == "image/jpeg"
    assert jpeg.content[:3] == b"\xff\xd8\xff" and jpeg.content[-2:] == b"\xff\xd9"
    png = client.get("https://pbs.twimg.com/card_img/1/x?format=png&name=2048x2048")
    data = png.content
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    idat_len = struct.unpack(">I", data[33:37])[0]
    rows = zlib.decompress(data[41 : 41 + idat_len])
    assert len(rows) == height * (1 + 3 * width)
    video = client.get("https://video.twimg.com/ext_tw_video/1/pu/vid/avc1/1280x720/x.mp4?tag=12")
    assert video.headers["content-type"] == "video/mp4"
    assert video.content[4:8] == b"ftyp" and b"mdat" in video.content


def test_short_links_redirect_to_the_tweets(client: httpx.Client) -> None:
    for host in ("t.co", "pic.twitter.com"):
        response = client.get(f"https://{host}/ukSCQjXCXD")
        assert response.status_code == 301
        assert (
            response.headers["location"] == f"https://twitter.com/AggregateOsint/status/{AGGREGATE}/photo/1"
        )
    followed = client.get("https://t.co/gX4jujMqtn", follow_redirects=True)
    assert followed.status_code == 200 and "NEXTA" in followed.text
    assert client.get("https://t.co/unknown1").status_code == 404


def test_oembed_has_the_real_shape(client: httpx.Client) -> None:
    url = f"https://twitter.com/nexta_tv/status/{NEXTA}"
    answer = client.get("https://publish.twitter.com/oembed", params={"url": url}).json()
    assert answer["author_name"] == "NEXTA"
    assert 'class="twitter-tweet"' in answer["html"]
    shape = shared_path("shapes/twitter_oembed_publish.twitter.com.json")  # last: skips only this check
    assert set(json.loads(shape.read_text())["response"]) == set(answer)


# Every platform of the registry, walked: its examples' views, its data, and each way it says
# that a post is gone. Nothing here names a platform the world stands in for generically.


def served(world: OfflineWorld, platform: Platform) -> list[str]:
    """The platform's example posts that the world serves: those whose view is on a host it
    knows (a Mastodon post on an instance it has never heard of is not); for Twitter, which the
    world emulates from its own fixtures, the live tweets it has."""
    if platform.name == world.twitter.platform:
        return [tweet_id for tweet_id in world.twitter.tweets if world.twitter.live(tweet_id)]
    posts: list[str] = []
    for _, post_id in platform.examples:
        if post_id not in posts and urlsplit(platform.view_url(post_id)).hostname in world.hosts:
            posts.append(post_id)
    return posts


REGISTRY = [p.name for p in platforms.PLATFORMS if p.retired is None]  # a retired one has no view
WITH_DATA = [p.name for p in platforms.PLATFORMS if p.fetch_data is not None]
# Twitter's tweets are TwitterWorld's (tombstone, empty, remove: tested above); every other
# platform's data is world.data's, by an emulation of its own or as its module declares.
IN_DATA_WORLD = [name for name in WITH_DATA if name != TwitterWorld.platform]


@pytest.mark.parametrize("name", REGISTRY)
def test_every_platforms_examples_have_views_and_images_in_the_world(
    world: OfflineWorld, client: httpx.Client, name: str
) -> None:
    platform = platforms.get(name)
    posts = served(world, platform)
    assert posts, f"the world serves no example of {name}: give it examples (and a stand_in)"
    for post_id in posts:
        page = client.get(platform.view_url(post_id))
        assert page.status_code == 200, post_id
        # A drawn view names its image in its script; Telegram's view is its widget (data.py).
        image = re.search(r'"image": "([^"]+)"|<img\s[^>]*src="([^"]+)"', page.text)
        if name != TwitterWorld.platform:  # its images come from its data: see above
            assert image is not None, post_id
            assert client.get(image[1] or image[2]).content[:2] == b"\xff\xd8", post_id


def fetch_data(world: OfflineWorld, platform: str, post_id: str) -> PostData:
    async def run() -> PostData:
        fetch = platforms.get(platform).fetch_data
        assert fetch is not None
        async with httpx.AsyncClient(transport=world.transport(), timeout=2) as client:
            return await fetch(client, post_id)

    return asyncio.run(run())


def gone_status(world: OfflineWorld, platform: str, post_id: str) -> str:
    with pytest.raises(PostGone) as gone:
        fetch_data(world, platform, post_id)
    return gone.value.status


@pytest.mark.parametrize("name", WITH_DATA)
def test_every_platforms_data_comes_back_live_for_each_example(world: OfflineWorld, name: str) -> None:
    platform = platforms.get(name)
    for post_id in served(world, platform):
        data = fetch_data(world, name, post_id)
        assert (data.platform, data.post_id) == (name, post_id)
        assert platform.match(data.url) and post_id.rpartition("/")[2] in data.url, data.url
        assert data.text and data.author_handle and data.raw, post_id
    assert world.count(client="http") >= 1 and all(r.client == "http" for r in world.requests)


@pytest.mark.parametrize("name", IN_DATA_WORLD)
def test_every_way_a_platform_says_a_post_is_gone_comes_back_as_that_status(
    world: OfflineWorld, name: str
) -> None:
    post_id = served(world, platforms.get(name))[0]
    statuses = world.data.statuses(name)
    assert statuses, f"{name}: the world can say none of its posts is gone"
    for status in statuses:
        world.data.gone(name, post_id, status)
        assert gone_status(world, name, post_id) == status
        world.data.live(name, post_id)
        assert fetch_data(world, name, post_id).post_id == post_id


@pytest.mark.parametrize("name", IN_DATA_WORLD)
def test_edit_changes_what_the_post_says(world: OfflineWorld, name: str) -> None:
    post_id = served(world, platforms.get(name))[0]
    before = fetch_data(world, name, post_id)
    world.data.edit(name, post_id, text="Corrected: the vote is on Tuesday.\nSorry.")
    after = fetch_data(world, name, post_id)
    assert after.text != before.text and after.text is not None
    assert after.text.endswith("Corrected: the vote is on Tuesday.\nSorry.")
    assert after.post_id == post_id and after.author_handle == before.author_handle
    if name in ("mastodon", "reddit"):  # the emulations that mark an edit, as the platforms do
        assert after.extra["edited_at"]
    if name == "telegram":
        assert after.extra["edited"] is True
    world.data.live(name, post_id)
    assert fetch_data(world, name, post_id).text == before.text


# The world's own emulations (data.py): what their platforms really do beyond live and gone.

GARGRON = "mastodon.social/@Gargron/109318821117356215"


def test_the_data_names_the_author_its_id_names(world: OfflineWorld) -> None:
    assert fetch_data(world, "telegram", "durov/43").author_handle == "durov"
    handle = fetch_data(world, "bluesky", "jay.bsky.team/3laa6xmdcmk2a")
    assert handle.author_handle == "jay.bsky.team" and handle.extra["did"].startswith("did:plc:")
    did = f"{handle.extra['did']}/3laa6xmdcmk2a"
    assert fetch_data(world, "bluesky", did).author_handle == "jay.bsky.team"
    world.data.live("mastodon", GARGRON)  # its API names no user: a control tells the world who wrote it
    data = fetch_data(world, "mastodon", GARGRON)
    assert data.author_handle == "Gargron@mastodon.social"
    assert data.url == "https://mastodon.social/@Gargron/109318821117356215"


def test_gone_takes_a_post_url_and_refuses_what_a_platform_cannot_say(world: OfflineWorld) -> None:
    world.data.gone("youtube", "https://youtu.be/dQw4w9WgXcQ?t=3", "protected")
    assert gone_status(world, "youtube", "dQw4w9WgXcQ") == "protected"
    with pytest.raises(ValueError, match="mastodon has no way of saying a post is 'protected'"):
        world.data.gone("mastodon", GARGRON, "protected")
    with pytest.raises(ValueError, match="instagram has no way of saying a post is 'deleted'"):
        world.data.gone("instagram", "C-Xy12abcD")  # Meta's box never says which: "unavailable"
    with pytest.raises(ValueError, match="not a vimeo post"):
        world.data.edit("vimeo", "not a video", text="x")


def test_a_suspension_takes_the_whole_account(world: OfflineWorld) -> None:
    did = "did:plc:z72i7hdynmk6r22z27h6tvur"
    world.data.gone("bluesky", f"{did}/3laa6xmdcmk2a", "suspended")
    assert gone_status(world, "bluesky", f"{did}/3kother2post") == "suspended"
    assert fetch_data(world, "bluesky", "did:plc:someoneelse0000000000000/3laa6xmdcmk2a").text
    other = "mastodon.social/@Gargron/109318821117356999"
    world.data.edit("mastodon", other, text="mine too")  # the world now knows Gargron wrote it
    world.data.gone("mastodon", GARGRON, "suspended")
    assert gone_status(world, "mastodon", other) == "suspended"
    view = platforms.get("mastodon").view_url(other)
    with httpx.Client(transport=world.transport()) as client:
        assert '"gone": "suspended"' in client.get(view).text


def test_a_comment_and_its_thread_are_two_posts(world: OfflineWorld) -> None:
    world.data.gone("reddit", "1emx3ab/lgz9x0k", "unavailable")
    assert gone_status(world, "reddit", "1emx3ab/lgz9x0k") == "unavailable"
    assert fetch_data(world, "reddit", "1emx3ab").text
    world.data.gone("reddit", "1emx3ab", "deleted")
    assert gone_status(world, "reddit", "1emx3ab") == "deleted"


def test_the_embed_views_follow_the_data(world: OfflineWorld, client: httpx.Client) -> None:
    youtube = platforms.get("youtube").view_url("dQw4w9WgXcQ")
    assert '"gone": null' in client.get(youtube).text
    world.data.edit("youtube", "dQw4w9WgXcQ", text="A new title")
    assert '"text": "A new title"' in client.get(youtube).text
    world.data.gone("youtube", "dQw4w9WgXcQ", "deleted")
    assert '"gone": "deleted"' in client.get(youtube).text
    world.data.gone("telegram", "durov/43", "protected")
    widget = client.get(platforms.get("telegram").view_url("durov/43")).text
    assert '<div class="tgme_widget_message_error">Channel is private</div>' in widget
    mastodon = platforms.get("mastodon").view_url("fosstodon.org/@linux/112063219463431427")
    assert client.get(mastodon).status_code == 200  # every well-known instance has its views


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"served from loopback"
        self.send_response(200)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_loopback_passes_through_to_the_real_network(client: httpx.Client) -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        assert client.get(f"http://127.0.0.1:{server.server_port}/").text == "served from loopback"

        async def async_get() -> str:
            async with httpx.AsyncClient(transport=World().transport()) as ac:
                return (await ac.get(f"http://localhost:{server.server_port}/")).text

        assert asyncio.run(async_get()) == "served from loopback"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.asynccontextmanager
async def world_page(world: OfflineWorld) -> AsyncIterator[Page]:
    """A page of a real Chromium whose every request the world answers."""
    from playwright.async_api import async_playwright

    from archiver.capture.browser import context_options, launch
    from archiver.settings import Settings

    settings = Settings()
    async with async_playwright() as pw:
        browser, _ = await launch(pw, settings)
        try:
            context = await browser.new_context(**context_options(settings))
            await world.install(context)
            yield await context.new_page()
        finally:
            await browser.close()


@pytest.mark.browser
def test_browser_renders_the_embed_view_through_the_world() -> None:
    from playwright.async_api import Error as PlaywrightError

    world = OfflineWorld(hang_seconds=5)
    world.twitter.tombstone(NEXTA)

    async def run() -> dict[str, object]:
        async with world_page(world) as page:
            await page.goto(f"https://platform.twitter.com/embed/Tweet.html?id={AGGREGATE}")
            await page.wait_for_selector("article img[alt^='Ukrainian soldiers']")
            await page.wait_for_load_state("networkidle")
            loaded = await page.eval_on_selector_all("article img", "imgs => imgs.map(i => i.naturalWidth)")
            text = await page.inner_text("article")
            await page.goto(f"https://platform.twitter.com/embed/Tweet.html?id={NEXTA}")
            tomb = await (await page.wait_for_selector(".tombstone")).inner_text()
            try:
                await page.goto("https://unknown.example/")
                error = ""
            except PlaywrightError as exc:
                error = str(exc)
            return {
                "loaded": loaded,
                "text": text,
                "tomb": tomb,
                "error": error,
            }

    result = asyncio.run(run())
    assert result["loaded"] == [96, 640, 640]  # avatar and both photos decoded
    assert "These two pictures shows over a dozen POWs" in str(result["text"])
    assert "@AggregateOsint" in str(result["text"])
    assert "deleted" in str(result["tomb"])
    assert "ERR_INTERNET_DISCONNECTED" in str(result["error"])  # at once: a hang would time out
    assert world.count("cdn.syndication.twimg.com/tweet-result", client="browser") == 2


@pytest.mark.browser
def test_every_platforms_view_renders_its_render_selector() -> None:
    world = OfflineWorld(hang_seconds=5)
    views = {
        (platform, platform.view_url(post_id))
        for platform in platforms.PLATFORMS
        for post_id in served(world, platform)
    }

    async def run() -> dict[str, tuple[int | None, bool]]:
        seen: dict[str, tuple[int | None, bool]] = {}
        async with world_page(world) as page:
            for platform, url in sorted(views, key=lambda view: view[1]):
                response = await page.goto(url)
                rendered = True
                if platform.render_selector:
                    found = await page.wait_for_selector(
                        platform.render_selector, state="visible", timeout=5000
                    )
                    rendered = found is not None
                seen[url] = (response.status if response else None, rendered)
        return seen

    seen = asyncio.run(run())
    assert {platform.name for platform, _ in views} == set(REGISTRY)
    assert {url: status for url, (status, _) in seen.items() if status != 200} == {}
    assert [url for url, (_, rendered) in seen.items() if not rendered] == []
