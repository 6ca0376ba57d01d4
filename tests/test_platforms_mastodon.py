"""Mastodon on any instance: ids, embed markup (and what is not an embed), fetch_data."""

from __future__ import annotations

import httpx
import pytest
from platforms_support import fetch, fixture, found, status

from archiver.discovery.find import find_embeds
from archiver.errors import PostGone
from archiver.platforms import mastodon

POST = "mastodon.social/@mastodonpy_test/117020583223442465"
STATUS = "mastodon/status-117020583223442465.json"
# Mastodon 4.3+ embed code, as "Embed" in a post's menu writes it, on a small instance.
BLOCKQUOTE = (
    '<blockquote class="mastodon-embed" data-embed-url="https://social.example.org/@editor/113507250183436142/embed"'
    ' style="background: #FCF8FF; border-radius: 8px; max-width: 540px; padding: 0;">'
    ' <a href="https://social.example.org/@editor/113507250183436142" target="_blank">'
    " <div>Post by @editor@social.example.org</div> <div>View on Mastodon</div> </a> </blockquote>"
    ' <script data-allowed-prefixes="https://social.example.org/" async'
    ' src="https://social.example.org/embed.js"></script>'
)
# The older embed code: the iframe itself, with embed.js to size it.
IFRAME = (
    '<iframe src="https://hachyderm.io/@nova/109876543210987654/embed" class="mastodon-embed"'
    ' style="max-width: 100%; border: 0" width="400" allowfullscreen="allowfullscreen"></iframe>'
    '<script src="https://hachyderm.io/embed.js" async="async"></script>'
)


def test_ids_carry_the_instance():
    match = mastodon.PLATFORM.match
    assert (
        match("https://mastodon.social/@Gargron/109318821117356215")
        == "mastodon.social/@Gargron/109318821117356215"
    )
    assert match("https://Mastodon.Social/users/Gargron/statuses/1") == "mastodon.social/@Gargron/1"
    assert match("https://mstdn.example.net/@a/123456789") == "mstdn.example.net/@a/123456789"
    assert (
        match("https://fosstodon.org/@linux/112063219463431427/embed")
        == "fosstodon.org/@linux/112063219463431427"
    )
    assert match("https://mastodon.social/@someone@other.example/110000000000000001") == (
        "mastodon.social/@someone@other.example/110000000000000001"
    )
    assert mastodon.PLATFORM.view_url(POST) == f"https://{POST}/embed"


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/@bob/12345",  # any site's /@user/123 is not a Mastodon post
        "https://medium.com/@writer/a-title-1a2b3c4d5e6f",
        "https://www.tiktok.com/@user/video/7106594312292453675",
        "https://mastodon.social/@Gargron",
        "https://mastodon.social/@Gargron/following",
        "https://social.example.org/@editor/113507250183436142/embedded-thing",
        # Only embed markup makes an unknown host's embed view a Mastodon post (see detection).
        "https://social.example.org/@editor/113507250183436142/embed",
    ],
)
def test_not_mastodon_posts(url):
    assert mastodon.PLATFORM.match(url) is None


def test_live_status():
    def handler(request: httpx.Request) -> httpx.Response:
        assert str(request.url) == "https://mastodon.social/api/v1/statuses/117020583223442465"
        return httpx.Response(200, content=fixture(STATUS))

    data, seen = fetch(mastodon.PLATFORM, POST, handler)
    assert len(seen) == 1
    assert data.author_name == "John Lennon"
    assert data.author_handle == "mastodonpy_test@mastodon.social"
    assert data.created_at == "2026-08-01T13:53:15.378000+00:00"
    assert data.text == "Toot!"
    assert data.lang == "en"
    assert data.counts == {"replies": 0, "reblogs": 0, "favourites": 0, "quotes": 0}
    assert data.extra["visibility"] == "unlisted" and data.extra["sensitive"] is True
    assert data.raw == fixture(STATUS)


def test_link_card_and_text_of_a_link():
    data, _ = fetch(
        mastodon.PLATFORM,
        "mastodon.social/@mastodonpy_test/117020609135389699",
        lambda request: httpx.Response(200, content=fixture("mastodon/status-117020609135389699.json")),
    )
    assert data.text == "http://example.org/"
    assert data.extra["link"]["url"] == "http://example.org/"


def test_media_and_missing_fields_degrade():
    answer = {
        "id": "1",
        "content": "<p>Two lines<br>here</p><p>and a paragraph</p>",
        "account": {"username": "nova", "acct": "nova@elsewhere.example"},
        "media_attachments": [
            {"type": "image", "url": "https://files.example/a.jpg", "description": "a map"},
            {
                "type": "gifv",
                "url": "https://files.example/b.mp4",
                "preview_url": "https://files.example/b.png",
            },
            {"type": "image"},
        ],
        "edited_at": "2024-11-20T10:00:00.000Z",
    }
    data, _ = fetch(mastodon.PLATFORM, "hachyderm.io/@nova/1", status(200, answer))
    assert data.text == "Two lines\nhere\n\nand a paragraph"
    assert data.author_name == "nova" and data.author_handle == "nova@elsewhere.example"
    assert data.created_at is None and data.counts == {}
    assert data.media == [
        {"url": "https://files.example/a.jpg", "type": "photo", "alt": "a map"},
        {
            "url": "https://files.example/b.mp4",
            "type": "gif",
            "alt": None,
            "preview": "https://files.example/b.png",
        },
    ]
    assert data.extra["edited_at"] == "2024-11-20T10:00:00.000Z"


def _missing_status(lookup: httpx.Response):
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/api/v1/statuses/"):
            return httpx.Response(404, json={"error": "Record not found"})
        assert request.url.path == "/api/v1/accounts/lookup"
        return lookup

    return handler


def test_deleted_status():
    with pytest.raises(PostGone) as gone:
        fetch(mastodon.PLATFORM, POST, _missing_status(httpx.Response(200, json={"id": "1", "acct": "x"})))
    assert gone.value.status == "deleted" and gone.value.http_status == 404


def test_deleted_account_status():
    with pytest.raises(PostGone) as gone:
        fetch(
            mastodon.PLATFORM, POST, _missing_status(httpx.Response(404, json={"error": "Record not found"}))
        )
    assert gone.value.status == "deleted"


def test_suspended_account():
    lookup = httpx.Response(200, json={"id": "1", "acct": "x", "suspended": True})
    with pytest.raises(PostGone) as gone:
        fetch(mastodon.PLATFORM, POST, _missing_status(lookup))
    assert gone.value.status == "suspended"


@pytest.mark.parametrize("code", [401, 403, 429, 500])
def test_login_walls_and_rate_limits_are_not_statuses(code):
    with pytest.raises(httpx.HTTPStatusError):
        fetch(mastodon.PLATFORM, POST, status(code, {"error": "This method requires an authenticated user"}))


def test_detect_embed_code_on_any_instance():
    page = f"<article><p>One.</p>{BLOCKQUOTE}<p>Two.</p>{IFRAME}</article>"
    embeds = find_embeds(page.encode())
    assert found(embeds, "mastodon") == [
        ("social.example.org/@editor/113507250183436142", "blockquote"),
        ("hachyderm.io/@nova/109876543210987654", "iframe"),
    ]
    # The post's address, not its embed view's.
    assert [e.url for e in embeds] == [
        "https://social.example.org/@editor/113507250183436142",
        "https://hachyderm.io/@nova/109876543210987654",
    ]
    assert embeds[0].author_handle == "editor@social.example.org"


def test_known_instance_blockquote_is_one_item_with_the_post_url():
    page = BLOCKQUOTE.replace("social.example.org", "mastodon.social")
    (embed,) = find_embeds(page.encode())
    assert (embed.source, embed.url) == ("blockquote", "https://mastodon.social/@editor/113507250183436142")


def test_embed_on_a_known_instance_needs_no_more_evidence():
    page = b'<iframe src="https://fosstodon.org/@linux/112063219463431427/embed" width="400"></iframe>'
    (embed,) = find_embeds(page)
    assert (embed.post_id, embed.author_handle) == (
        "fosstodon.org/@linux/112063219463431427",
        "linux@fosstodon.org",
    )


def test_detect_iframe_by_its_embed_script_and_blockquote_by_its_link():
    page = (
        '<div><iframe src="https://toots.example.net/@desk/112233445566778899/embed" width="400"></iframe>'
        '<script async src="https://toots.example.net/embed.js"></script>'
        '<blockquote class="mastodon-embed"><a href="https://news.example.social/@desk/112233445566778800">'
        "Post by @desk@news.example.social</a></blockquote></div>"
    )
    assert found(find_embeds(page.encode()), "mastodon") == [
        ("toots.example.net/@desk/112233445566778899", "iframe"),
        ("news.example.social/@desk/112233445566778800", "blockquote"),
    ]


def test_not_embeds():
    page = (
        # An /embed iframe with nothing else that says Mastodon, a profile link, a /@user/123 link.
        '<iframe src="https://video.example.com/@channel/123456/embed"></iframe>'
        '<p>Follow us on <a href="https://social.example.org/@editor">Mastodon</a> and read '
        '<a href="https://example.com/@bob/12345">Bob</a>.</p>'
    )
    assert found(find_embeds(page.encode(), links=True), "mastodon") == []


def test_an_instance_on_this_machine_is_reached_over_http():
    # A development or test server (the fixtures came from one at localhost:3000): plain http, its port kept.
    post = "127.0.0.1:3000/@mastodonpy_test/117020583223442465"
    assert mastodon.canonical_url(post) == f"http://{post}"
    assert mastodon.PLATFORM.view_url("localhost:3000/@a/1") == "http://localhost:3000/@a/1/embed"
    # Only loopback: any other host, ported or named like one, stays https.
    assert mastodon.canonical_url("127.0.0.1.example.org/@a/1") == "https://127.0.0.1.example.org/@a/1"
    assert mastodon.canonical_url("social.example.org/@a/1") == "https://social.example.org/@a/1"

    def handler(request: httpx.Request) -> httpx.Response:
        assert str(request.url) == "http://127.0.0.1:3000/api/v1/statuses/117020583223442465"
        return httpx.Response(200, content=fixture(STATUS))

    data, _ = fetch(mastodon.PLATFORM, post, handler)
    assert data.author_handle == "mastodonpy_test@127.0.0.1:3000"


def test_detect_embed_code_of_an_instance_on_this_machine():
    page = (
        BLOCKQUOTE.replace("https://social.example.org", "http://127.0.0.1:3000")
        + '<iframe src="http://localhost:8080/@nova/7/embed" class="mastodon-embed"></iframe>'
        # A loopback address on a page is no Mastodon embed without the embed code.
        + '<iframe src="http://127.0.0.1:9000/@nova/8/embed"></iframe>'
    )
    embeds = find_embeds(page.encode())
    assert found(embeds, "mastodon") == [
        ("127.0.0.1:3000/@editor/113507250183436142", "blockquote"),
        ("localhost:8080/@nova/7", "iframe"),
    ]
    assert embeds[0].url == "http://127.0.0.1:3000/@editor/113507250183436142"
