"""Bluesky: ids (AUTHORITY/RKEY), embed markup, and fetch_data over the public AppView API."""

from __future__ import annotations

import httpx
import pytest
from platforms_support import fetch, fixture, found, status

from archiver.discovery.find import find_embeds
from archiver.errors import PostGone
from archiver.platforms import bluesky

DID = "did:plc:ic6zqvuw5ulmfpjiwnhsr2ns"
POST = f"{DID}/3k7qmjev5lr2s"
THREAD = "bluesky/getPostThread-3k7qmjev5lr2s.json"
BLOCKQUOTE = (
    f'<blockquote class="bluesky-embed" data-bluesky-uri="at://{DID}/app.bsky.feed.post/3k7qmjev5lr2s" '
    'data-bluesky-cid="bafyreifk6pyilxkm7vcingnkdbzueaftqg54i3al4zbh5p3jy3pryfkc3a">'
    '<p lang="en">Excited to be a speaker for the @rstatsai conf on Oct 19</p>&mdash; Soubhik Barari '
    f'(<a href="https://bsky.app/profile/{DID}?ref_src=embed">@soubhikbarari.bsky.social</a>) '
    f'<a href="https://bsky.app/profile/{DID}/post/3k7qmjev5lr2s?ref_src=embed">'
    "September 19, 2023 at 11:32 AM</a></blockquote>"
    '<script async src="https://embed.bsky.app/static/embed.js" charset="utf-8"></script>'
)


def test_ids_from_every_form():
    match = bluesky.PLATFORM.match
    assert match(f"https://bsky.app/profile/{DID}/post/3k7qmjev5lr2s") == POST
    assert match(f"at://{DID}/app.bsky.feed.post/3k7qmjev5lr2s") == POST
    assert match(f"https://embed.bsky.app/embed/{DID}/app.bsky.feed.post/3k7qmjev5lr2s?id=1") == POST
    assert match("https://bsky.app/profile/did%3Aplc%3Aic6zqvuw5ulmfpjiwnhsr2ns/post/3k7qmjev5lr2s") == POST
    assert match("https://bsky.app/profile/Jay.bsky.team/post/3k7qmjev5lr2s") == "jay.bsky.team/3k7qmjev5lr2s"
    assert bluesky.PLATFORM.canonical_url(POST) == f"https://bsky.app/profile/{DID}/post/3k7qmjev5lr2s"


def test_profiles_feeds_and_lists_are_not_posts():
    match = bluesky.PLATFORM.match
    assert match("https://bsky.app/profile/bsky.app") is None
    assert match(f"https://bsky.app/profile/{DID}/feed/whats-hot") is None
    assert match(f"https://bsky.app/profile/{DID}/lists/3kabc") is None
    assert match("https://bsky.app/profile/not a handle/post/3k7qmjev5lr2s") is None


def test_embed_view_needs_the_did():
    assert bluesky.PLATFORM.view_url(POST) == (
        f"https://embed.bsky.app/embed/{DID}/app.bsky.feed.post/3k7qmjev5lr2s"
    )
    assert bluesky.PLATFORM.view_url("jay.bsky.team/3k7qmjev5lr2s") == (
        "https://bsky.app/profile/jay.bsky.team/post/3k7qmjev5lr2s"
    )


def test_live_post():
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.host == "public.api.bsky.app"
        assert request.url.path == "/xrpc/app.bsky.feed.getPostThread"
        assert request.url.params["uri"] == f"at://{DID}/app.bsky.feed.post/3k7qmjev5lr2s"
        return httpx.Response(200, content=fixture(THREAD))

    data, seen = fetch(bluesky.PLATFORM, POST, handler)
    assert len(seen) == 1
    assert data.author_name == "Soubhik Barari"
    assert data.author_handle == "soubhikbarari.bsky.social"
    assert data.created_at == "2023-09-19T11:32:54.574000+00:00"
    assert data.text is not None and data.text.startswith("Excited to be a speaker")
    assert data.lang == "en"
    assert [m["type"] for m in data.media] == ["photo"]
    assert data.media[0]["url"].startswith("https://cdn.bsky.app/img/feed_fullsize/")
    assert data.counts == {"replies": 0, "reposts": 0, "likes": 4, "quotes": 0}
    assert data.extra["uri"] == f"at://{DID}/app.bsky.feed.post/3k7qmjev5lr2s"
    assert data.raw == fixture(THREAD)


def test_handle_is_resolved_first():
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("resolveHandle"):
            assert request.url.params["handle"] == "soubhikbarari.bsky.social"
            return httpx.Response(200, json={"did": DID})
        assert DID in request.url.params["uri"]
        return httpx.Response(200, content=fixture(THREAD))

    data, seen = fetch(bluesky.PLATFORM, "soubhikbarari.bsky.social/3k7qmjev5lr2s", handler)
    assert len(seen) == 2 and data.extra["did"] == DID


def test_video_quote_and_missing_fields_degrade():
    answer = {
        "thread": {
            "$type": "app.bsky.feed.defs#threadViewPost",
            "post": {
                "uri": f"at://{DID}/app.bsky.feed.post/3k7qmjev5lr2s",
                "record": {"createdAt": "not a date"},
                "embed": {
                    "$type": "app.bsky.embed.recordWithMedia#view",
                    "record": {"record": {"uri": "at://did:plc:other/app.bsky.feed.post/3abc"}},
                    "media": {
                        "$type": "app.bsky.embed.video#view",
                        "playlist": "https://video.bsky.app/watch/x/playlist.m3u8",
                        "thumbnail": "https://video.bsky.app/watch/x/thumbnail.jpg",
                        "alt": "a clip",
                    },
                },
                "labels": [{"val": "!no-unauthenticated"}],
            },
        }
    }
    data, _ = fetch(bluesky.PLATFORM, POST, status(200, answer))
    assert data.author_name is None and data.created_at is None and data.text is None
    assert data.media == [
        {
            "url": "https://video.bsky.app/watch/x/playlist.m3u8",
            "type": "hls",
            "alt": "a clip",
            "preview": "https://video.bsky.app/watch/x/thumbnail.jpg",
        }
    ]
    assert data.extra["quoted"] == "at://did:plc:other/app.bsky.feed.post/3abc"
    assert data.extra["labels"] == ["!no-unauthenticated"]


def _not_found_then(profile: httpx.Response):
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("getPostThread"):
            return httpx.Response(400, json={"error": "NotFound", "message": "Post not found"})
        return profile

    return handler


def test_deleted_post():
    handler = _not_found_then(httpx.Response(200, json={"did": DID, "handle": "x.bsky.social"}))
    with pytest.raises(PostGone) as gone:
        fetch(bluesky.PLATFORM, POST, handler)
    assert gone.value.status == "deleted"


def test_suspended_account():
    suspended = httpx.Response(
        400, json={"error": "AccountTakedown", "message": "Account has been suspended"}
    )
    with pytest.raises(PostGone) as gone:
        fetch(bluesky.PLATFORM, POST, _not_found_then(suspended))
    assert gone.value.status == "suspended"


def test_not_found_post_in_a_thread_answer():
    answer = {"thread": {"$type": "app.bsky.feed.defs#notFoundPost", "notFound": True}}

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("getPostThread"):
            return httpx.Response(200, json=answer)
        return httpx.Response(200, json={"did": DID})

    with pytest.raises(PostGone) as gone:
        fetch(bluesky.PLATFORM, POST, handler)
    assert gone.value.status == "deleted"


def test_unresolvable_handle():
    gone_handle = status(400, {"error": "InvalidRequest", "message": "Unable to resolve handle"})
    with pytest.raises(PostGone) as gone:
        fetch(bluesky.PLATFORM, "gone.bsky.social/3k7qmjev5lr2s", gone_handle)
    assert gone.value.status == "unavailable"


@pytest.mark.parametrize("code", [429, 500, 502])
def test_rate_limit_and_server_errors_are_not_statuses(code):
    with pytest.raises(httpx.HTTPStatusError):
        fetch(bluesky.PLATFORM, POST, status(code, {"error": "RateLimitExceeded"}))


def test_detect_documented_markup():
    page = (
        "<article><p>Intro</p>"
        + BLOCKQUOTE
        + '<iframe data-bluesky-id="0123" src="https://embed.bsky.app/embed/did:plc:z72i7hdynmk6r22z27h6tvur/'
        'app.bsky.feed.post/3laa6xmdcmk2a?id=0123" width="100%" frameborder="0"></iframe>'
        '<p>Follow <a href="https://bsky.app/profile/soubhikbarari.bsky.social">us</a></p></article>'
    )
    assert found(find_embeds(page.encode()), "bluesky") == [
        (POST, "blockquote"),
        ("did:plc:z72i7hdynmk6r22z27h6tvur/3laa6xmdcmk2a", "iframe"),
    ]


def test_a_blockquote_found_by_its_at_uri_gets_an_https_post_url():
    [embed] = find_embeds(("<article>" + BLOCKQUOTE + "</article>").encode())
    assert embed.url == f"https://bsky.app/profile/{DID}/post/3k7qmjev5lr2s"
