"""TikTok: URL forms, embed markup, and fetch_data over oEmbed when the post page cannot be read."""

from __future__ import annotations

import httpx
import pytest
from platforms_support import fetch, fixture, fixture_json, found, status

from archiver.discovery.find import find_embeds
from archiver.errors import PostGone
from archiver.platforms import tiktok

VIDEO = "6806030056956251397"
OEMBED = "tiktok/oembed-6806030056956251397.json"


def test_urls_and_not_profiles():
    assert (
        tiktok.PLATFORM.match("https://www.tiktok.com/@a3noticias/video/6806030056956251397?lang=es") == VIDEO
    )
    assert tiktok.PLATFORM.match("https://www.tiktok.com/embed/6806030056956251397") == VIDEO
    assert tiktok.PLATFORM.match("https://www.tiktok.com/@a3noticias") is None
    assert tiktok.PLATFORM.match("https://www.tiktok.com/tag/aplausosanitario?refer=embed") is None
    assert tiktok.PLATFORM.match("https://www.tiktok.com/music/Resistire-250824169968246784") is None
    assert tiktok.PLATFORM.post_id(VIDEO) == VIDEO  # data-video-id carries the bare id
    assert tiktok.PLATFORM.view_url(VIDEO) == f"https://www.tiktok.com/embed/v2/{VIDEO}"


def test_live_video_from_oembed():
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == f"/@/video/{VIDEO}":  # a bot challenge: a page without its data
            return httpx.Response(200, text="<html><body>Please wait...</body></html>")
        assert request.url.host == "www.tiktok.com" and request.url.path == "/oembed"
        assert VIDEO in request.url.params["url"]
        return httpx.Response(200, content=fixture(OEMBED))

    data, seen = fetch(tiktok.PLATFORM, VIDEO, handler)
    assert len(seen) == 2  # the post page first, then oEmbed
    assert data.platform == "tiktok" and data.post_id == VIDEO
    assert data.author_name == "Antena 3 Noticias"
    assert data.author_handle == "a3noticias"
    assert data.url == f"https://www.tiktok.com/@a3noticias/video/{VIDEO}"
    assert data.text is not None and data.text.startswith("Nuestro #AplausoSanitario")
    # Its thumbnail URL is signed anew on every answer (x-expires): kept in raw, not as data.
    assert data.media == [] and b"p77-sign-va" in data.raw
    assert data.raw == fixture(OEMBED)


def test_missing_fields_degrade():
    answer = {"title": "only a title", "author_url": "https://www.tiktok.com/@someone"}
    data, _ = fetch(tiktok.PLATFORM, VIDEO, status(200, answer))
    assert data.author_handle == "someone" and data.author_name is None and data.media == []


@pytest.mark.parametrize("code", [404, 410])
def test_missing_video_is_deleted(code):
    with pytest.raises(PostGone) as gone:
        fetch(tiktok.PLATFORM, VIDEO, status(code, {"code": code}))
    assert gone.value.status == "deleted" and gone.value.http_status == code


def test_empty_answer_is_unavailable():
    with pytest.raises(PostGone) as gone:
        fetch(tiktok.PLATFORM, VIDEO, status(200, {"status_msg": "Something went wrong"}))
    assert gone.value.status == "unavailable"


@pytest.mark.parametrize("code", [400, 429, 500, 503])
def test_ambiguous_or_rate_limited_answers_are_not_statuses(code):
    with pytest.raises(httpx.HTTPStatusError) as error:
        fetch(tiktok.PLATFORM, VIDEO, status(code, {"message": "x"}, retry_after="30"))
    assert not isinstance(error.value, PostGone)
    assert error.value.response.headers["retry-after"] == "30"


def test_network_error_is_not_a_status():
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("no route", request=request)

    with pytest.raises(httpx.ConnectError):
        fetch(tiktok.PLATFORM, VIDEO, handler)


def test_detect_documented_markup():
    page = (
        "<html><body><p>Intro.</p>"
        + fixture_json(OEMBED)["html"]
        + '<p>More.</p><iframe src="https://www.tiktok.com/embed/v2/7106594312292453675?lang=en-US" '
        'width="325" height="740"></iframe>'
        '<iframe src="https://www.tiktok.com/player/v1/7234567890123456789?music_info=1"></iframe>'
        '<p>Follow us on <a href="https://www.tiktok.com/@a3noticias">TikTok</a></p></body></html>'
    )
    assert found(find_embeds(page.encode()), "tiktok") == [
        (VIDEO, "blockquote"),
        ("7106594312292453675", "iframe"),
        ("7234567890123456789", "iframe"),
    ]


def test_profile_link_is_not_an_embed():
    page = b'<p>See <a href="https://www.tiktok.com/@a3noticias?lang=es">our TikTok</a>.</p>'
    assert found(find_embeds(page, links=True), "tiktok") == []
