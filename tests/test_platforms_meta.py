"""Instagram, Threads and Facebook: Meta's oEmbed and the embed views, read as Meta's own word.

The parsers are tested on real pages (offline_world/fixtures/meta/; fixtures/SOURCES.tsv); fetch_data
through the offline world with the product's own HTTP client (make_async_client: its Credentials
transport adds meta_access_token, or refuses to send without one); a gone Instagram post
through a whole archive run in Chromium.
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import httpx
import pytest

from archiver import platforms
from archiver.errors import CaptureError, PostGone
from archiver.fetch import make_async_client, needs_meta_token
from archiver.flows.archive import archive_sources
from archiver.models import PostData, content_hash
from archiver.platforms import facebook, instagram, meta, threads
from archiver.settings import Settings
from offline_world import OfflineWorld, Request, Response, files
from storage import Store

TOKEN = "EAAB-offline-world-token-7f3a9c"
POSTS = {
    "instagram": "BNpLF8LD0GD",
    "threads": "C8Fr0YgS0Bt",
    "facebook": "https://www.facebook.com/justiciatv/videos/1661762744185332/",
}
IDS = {"instagram": "BNpLF8LD0GD", "threads": "C8Fr0YgS0Bt", "facebook": "1661762744185332"}
OEMBED_HOSTS = {
    "instagram": "graph.facebook.com",
    "threads": "graph.threads.net",
    "facebook": "graph.facebook.com",
}


def page(name: str) -> str:
    return files.fixture(f"meta/{name}").decode("utf-8")


def fetch(world: OfflineWorld, name: str, token: str | None = None, home: Path | None = None) -> PostData:
    settings = Settings(home=home or Path("."), fetch_timeout=3.0, host_delay=0.0, meta_access_token=token)

    async def run() -> PostData:
        async with make_async_client(settings, world.transport()) as client:
            fetch_data = platforms.get(name).fetch_data
            assert fetch_data is not None
            return await fetch_data(client, IDS[name])

    return asyncio.run(run())


# The embed views Meta renders, read from real pages.


def test_instagram_view_gives_handle_caption_photo_likes_and_time() -> None:
    view = instagram.read_view(page("instagram-embed.html"), "DdEy97xj9P-")
    assert view.author_handle == "nasa" and view.extra == {"verified": True}
    assert view.text == "Some things are worth repeating 📸\n\nCredit: NASA\n\n#NASA #Hubble"
    [photo] = view.media
    assert photo["type"] == "photo" and photo["url"].startswith("https://scontent-tpe1-1.cdninstagram.com/v/")
    assert "&amp;" not in photo["url"] and photo["alt"] == "Instagram post shared by @nasa"
    assert view.counts == {"likes": 257134, "comments": 777}
    # Its media id (data-media-id 3982532128898274302) dates it: 9 September 2026, 17:27:27 UTC.
    assert view.created_at == "2026-09-09T17:27:27+00:00"


def test_instagram_video_comes_from_the_views_context_json() -> None:
    view = instagram.read_view(page("instagram-embed-video.html"), "CuE2WNQs6vH")
    [video] = view.media
    assert video["type"] == "video" and video["url"].endswith(
        "AQN8video_n.mp4?_nc_cat=1&_nc_ht=scontent-tpe1-1.cdninstagram.com&oh=00_AQVideoSig&oe=6AC2E69F"
    )
    assert video["preview"].startswith("https://scontent-tpe1-1.cdninstagram.com/v/t51.82787-15/")
    assert view.counts["views"] == 1873 and view.created_at == "2023-06-29T13:21:27+00:00"


def test_instagram_context_json_of_another_post_is_not_read() -> None:
    view = instagram.read_view(page("instagram-embed-video.html"), "CuE2WNQs6vI")
    assert [item["type"] for item in view.media] == ["thumbnail"]  # its cover, not another's video


@pytest.mark.parametrize(
    ("platform", "fixture", "post_id", "said"),
    [
        (instagram, "instagram-embed-broken.html", "CuE2WNQs6vA", "may have been removed"),
        (threads, "threads-embed-unavailable.html", "Dd_vHLcCfNB", "Thread not available"),
        (facebook, "facebook-plugin-unavailable.html", "1485418313406667", "no longer available"),
    ],
)
def test_metas_not_available_box_is_unavailable_in_metas_words(
    platform: Any, fixture: str, post_id: str, said: str
) -> None:
    with pytest.raises(PostGone) as gone:
        platform.read_view(page(fixture), post_id)
    assert gone.value.status == "unavailable" and said in str(gone.value)


def test_threads_view_gives_author_text_photo_and_exact_counts() -> None:
    view = threads.read_view(page("threads-embed.html"), "DZvEd60AE9W")
    assert view.author_handle == "mosseri" and view.url == "https://www.threads.com/@mosseri/post/DZvEd60AE9W"
    assert (
        view.text == "We're bringing post insights and the ability to save multiple drafts to Threads on web."
    )
    assert [m["type"] for m in view.media] == ["photo"]  # the avatar is no media of the post
    assert view.counts == {"reposts": 439, "shares": 81}  # "5.9K" and "1K" are no numbers
    assert view.created_at is not None and view.created_at.startswith("2026-06-")


def test_threads_video_is_its_source() -> None:
    view = threads.read_view(page("threads-embed-video.html"), "DZvEd6-AMi2")
    [video] = view.media
    assert video["type"] == "video" and video["url"].startswith("https://instagram.fkhh1-2.fna.fbcdn.net/o1/")
    assert view.text is None


def test_facebook_plugin_gives_author_unfolded_text_time_photo_counts_permalink() -> None:
    view = facebook.read_view(page("facebook-plugin-post.html"), "1485418313406667")
    assert (view.author_name, view.author_handle) == ("Malta Daily", "maltadaily.mt")
    assert view.url == "https://www.facebook.com/maltadaily.mt/posts/1485418313406667"
    assert view.created_at == "2025-12-25T16:07:44+00:00"
    assert view.text is not None and "could not be safely opened on site." in view.text
    assert "See more" not in view.text and "..." not in view.text
    [photo] = view.media  # not the avatar, not the static icon
    assert photo["type"] == "photo" and "/t39.30808-6/" in photo["url"]
    assert view.counts == {"likes": 124, "comments": 2, "shares": 4}


def test_a_view_that_shows_neither_post_nor_box_is_an_error_not_a_status() -> None:
    for platform in (instagram, threads, facebook):
        with pytest.raises(CaptureError) as failed:
            platform.read_view("<html><body><p>Something else entirely</p></body></html>", "C8Fr0YgS0Bt")
        assert not isinstance(failed.value, PostGone)


def test_oembed_blockquotes_name_author_text_and_time() -> None:
    legacy = page("instagram-embed.html")  # not a blockquote: nothing to read, nothing invented
    assert instagram.read_oembed(legacy, "DdEy97xj9P-").author_handle is None
    quote = (
        '<blockquote class="instagram-media" data-instgrm-captioned><div><p><a href="x">A caption</a></p>'
        '<p>A post shared by <a href="https://www.instagram.com/agarzoniu/">Alberto Garzón</a> '
        "(@agarzoniu) on "
        '<time datetime="2015-01-25T20:34:26+00:00">Jan 25, 2015</time></p></div></blockquote>'
    )
    read = instagram.read_oembed(quote, "ySl7G9tO_q")
    assert (read.author_name, read.author_handle, read.text) == ("Alberto Garzón", "agarzoniu", "A caption")
    assert read.created_at == "2015-01-25T20:34:26+00:00"
    fb = facebook.read_oembed(
        '<div class="fb-post"><blockquote cite="https://www.facebook.com/zlatko/posts/2790749207714612" '
        'class="fb-xfbml-parse-ignore"><p>Words</p>Posted by <a href="https://www.facebook.com/zlatko">'
        'Zlatko K</a> on <a href="https://www.facebook.com/zlatko/posts/2790749207714612">8 April</a>'
        "</blockquote></div>",
        "2790749207714612",
    )
    assert (fb.author_name, fb.author_handle, fb.text) == ("Zlatko K", "zlatko", "Words")


def test_shortcodes_date_posts_only_where_they_are_times() -> None:
    early = instagram._EARLIEST
    assert meta.shortcode_time("CuE2WNQs6vH", early) == "2023-06-29T13:21:27+00:00"
    assert meta.shortcode_time("DIgLLaiptZg", early) == "2025-04-16T09:39:13+00:00"
    # The 2015 post of shapes/instagram_oembed_2020.json: oEmbed's own <time datetime> says the same.
    assert meta.shortcode_time("ySl7G9tO_q", early) == "2015-01-25T20:34:26+00:00"
    # A private post's long code keeps the media id in its first 11 characters.
    assert meta.shortcode_time("CuE2WNQs6vH" + "Zq4_r" * 6, early) == "2023-06-29T13:21:27+00:00"
    assert meta.shortcode_time("short", early) is None and meta.shortcode_time("no!good!id!", early) is None


def test_every_oembed_endpoint_asked_is_one_the_token_is_added_to() -> None:
    for site in (instagram.SITE, threads.SITE, facebook.SITE):
        assert needs_meta_token(site.oembed), site.platform
        assert not needs_meta_token(site.view_url("C8Fr0YgS0Bt"))


def test_a_new_signature_on_the_same_photo_is_no_edit() -> None:
    def data(signature: str) -> PostData:
        url = f"https://scontent.xx.fbcdn.net/v/t39/605_n.jpg?stp=dst-jpg&oh=00_{signature}&oe=6AC6CDAA"
        return PostData(
            "facebook", "1", "https://www.facebook.com/1", text="t", media=[{"url": url, "type": "photo"}]
        )

    assert content_hash(data("AQMA9")) == content_hash(data("ZZZZ9"))
    other = data("AQMA9")
    other.media[0]["url"] = other.media[0]["url"].replace("605_n", "606_n")
    assert content_hash(other) != content_hash(data("AQMA9"))


# fetch_data through the offline world, with the product's HTTP client.


@pytest.mark.parametrize("name", sorted(IDS))
def test_without_a_token_no_request_reaches_graph_and_the_view_tells(name: str) -> None:
    world = OfflineWorld(hang_seconds=2)
    data = fetch(world, name)
    assert data.author_handle and data.text and data.raw and data.created_at
    assert [m["type"] for m in data.media] == ["photo"]
    assert world.count(host=OEMBED_HOSTS[name]) == 0
    assert (
        world.count(host="www.instagram.com")
        + world.count(host="www.threads.com")
        + world.count(host="www.facebook.com")
        == 1
    )


@pytest.mark.parametrize("name", sorted(IDS))
def test_with_a_token_oembed_is_asked_and_the_token_is_kept_nowhere(name: str) -> None:
    world = OfflineWorld(hang_seconds=2)
    data = fetch(world, name, TOKEN)
    [asked] = [r for r in world.requests if r.host == OEMBED_HOSTS[name]]
    assert f"access_token={TOKEN}" in asked.url
    assert data.text and data.author_handle
    assert TOKEN not in repr(data) and TOKEN.encode() not in data.raw


@pytest.mark.parametrize("name", sorted(IDS))
def test_each_way_meta_says_gone_comes_back_as_that_status(name: str) -> None:
    for token in (None, TOKEN):
        world = OfflineWorld(hang_seconds=2)
        for status in world.data.statuses(name):
            world.data.gone(name, POSTS[name], status)
            with pytest.raises(PostGone) as gone:
                fetch(world, name, token)
            assert gone.value.status == status == "unavailable"
            world.data.live(name, POSTS[name])
            assert fetch(world, name, token).post_id == IDS[name]


def test_an_edit_shows_in_the_data(world: OfflineWorld) -> None:
    world.data.edit("instagram", "BNpLF8LD0GD", text="Corrected: Tuesday.\nSorry.")
    assert fetch(world, "instagram").text == "Corrected: Tuesday.\nSorry."


def graph_error(code: int, status: int = 400) -> Response:
    return Response.json(
        {"error": {"message": f"(#{code}) refused", "type": "OAuthException", "code": code}}, status
    )


@pytest.mark.parametrize(
    "answer",
    [
        Response.make("Too Many Requests", "text/plain", 429),
        graph_error(4),
        graph_error(17, 403),
        graph_error(32),
        graph_error(613),
        Response.make("<html>upstream</html>", "text/html", 502),
        Response.make("not json at all", "text/plain", 200),
    ],
)
def test_rate_limits_and_unreadable_oembed_answers_stay_errors(answer: Response) -> None:
    world = OfflineWorld(hang_seconds=2)
    world.route("graph.facebook.com", r"/v\d+\.\d+/instagram_oembed", lambda request: answer)
    with pytest.raises((httpx.HTTPStatusError, CaptureError)) as failed:
        fetch(world, "instagram", TOKEN)
    assert not isinstance(failed.value, PostGone)


def test_the_views_rate_limit_stays_an_error_too() -> None:
    world = OfflineWorld(hang_seconds=2)
    world.route("www.instagram.com", r"/p/.*", lambda request: Response.make("", "text/html", 429))
    with pytest.raises(httpx.HTTPStatusError) as failed:
        fetch(world, "instagram")
    assert failed.value.response.status_code == 429


@pytest.mark.parametrize("code", [190, 10, 200, 100])
def test_a_refused_token_or_an_unembeddable_post_leaves_the_verdict_to_the_view(code: int) -> None:
    world = OfflineWorld(hang_seconds=2)
    world.route("graph.facebook.com", r"/v\d+\.\d+/instagram_oembed", lambda request: graph_error(code))
    assert fetch(world, "instagram", TOKEN).author_handle == "nasa"
    world.data.gone("instagram", "BNpLF8LD0GD", "unavailable")
    with pytest.raises(PostGone):
        fetch(world, "instagram", TOKEN)


def test_oembed_live_with_the_view_unreachable_is_still_live() -> None:
    world = OfflineWorld(hang_seconds=2)
    world.disconnect("https://www.instagram.com/p/BNpLF8LD0GD/embed/captioned/")
    data = fetch(world, "instagram", TOKEN)
    assert data.author_handle == "nasa" and data.text and data.media == []
    assert b'"provider_name": "Instagram"' in data.raw


def test_a_view_that_sends_us_to_log_in_says_nothing_of_the_post() -> None:
    world = OfflineWorld(hang_seconds=2)

    def login(request: Request) -> Response:
        return Response.make(
            "", "text/html", 302, location="https://www.instagram.com/accounts/login/?next=x"
        )

    world.route("www.instagram.com", r"/p/.*", login)
    world.route(
        "www.instagram.com", r"/accounts/login/?", lambda request: Response.html("<html>Log in</html>")
    )
    with pytest.raises(CaptureError) as failed:
        fetch(world, "instagram")
    assert not isinstance(failed.value, PostGone) and "log in" in str(failed.value)


# A whole archive run in Chromium: the gone post recorded as Meta says, the token kept nowhere.

ARTICLE = """<!doctype html><html><head><title>Meta</title>
<link rel="canonical" href="https://news.example/meta"></head><body><article>
<blockquote class="instagram-media" data-instgrm-permalink="https://www.instagram.com/p/BNpLF8LD0GD/"
 data-instgrm-version="14"><a href="https://www.instagram.com/p/BNpLF8LD0GD/">A live one</a></blockquote>
<blockquote class="instagram-media" data-instgrm-permalink="https://www.instagram.com/p/CgPo31co2Hp/"
 data-instgrm-version="14"><a href="https://www.instagram.com/p/CgPo31co2Hp/">A deleted one</a></blockquote>
</article></body></html>"""


@pytest.mark.browser
def test_a_deleted_instagram_post_is_archived_as_unavailable_and_the_token_stays_out(
    tmp_path: Path, home: Path, browser_path: str
) -> None:
    world = OfflineWorld()
    world.data.gone("instagram", "CgPo31co2Hp", "unavailable")
    source = tmp_path / "meta.html"
    source.write_text(ARTICLE, encoding="utf-8")
    settings = Settings(
        home=home,
        browser=browser_path,
        page_timeout=8,
        capture_timeout=30,
        host_delay=0,
        meta_access_token=TOKEN,
        video_max_height=0,
    )
    with Store.open(home) as store:
        [result] = asyncio.run(archive_sources([str(source)], settings, store, network=world.network()))
    statuses = {post.post_id: post.status for post in result.posts}
    assert statuses == {"BNpLF8LD0GD": "live", "CgPo31co2Hp": "unavailable"}, [p.error for p in result.posts]
    assert world.count(host="graph.facebook.com") >= 2  # the token went where it is for
    with Store.open(home) as store:
        rows = {row["post_id"]: row["status"] for row in store.db.query("select post_id, status from posts")}
    assert rows == statuses
    kept = [path for path in home.rglob("*") if path.is_file()]
    assert kept and not [path for path in kept if TOKEN.encode() in path.read_bytes()]
    with sqlite3.connect(home / "archive.db") as db:
        dumped = "\n".join(db.iterdump())
    assert TOKEN not in dumped
