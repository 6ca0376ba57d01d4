"""YouTube and Vimeo data over oEmbed: what the answers say, and which answers are statuses."""

from __future__ import annotations

import httpx
import pytest
from platforms_support import fetch, fixture, status

from archiver.errors import PostGone
from archiver.platforms import vimeo, youtube

VIDEO = "youtube/oembed-eiHXASgRTcA.json"
PLAYLIST_ID = "PL4qTakKkQATKOyZPJG_cAMnRtF7fAIdST"


def test_youtube_video():
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/youtubei/v1/player":  # no player answer: oEmbed alone tells
            return httpx.Response(503)
        assert request.url.host == "www.youtube.com" and request.url.path == "/oembed"
        assert request.url.params["url"] == "https://www.youtube.com/watch?v=eiHXASgRTcA"
        return httpx.Response(200, content=fixture(VIDEO))

    data, _ = fetch(youtube.PLATFORM, "eiHXASgRTcA", handler)
    assert (data.author_name, data.author_handle) == ("smshdchrb", "smshdchrb")
    assert data.text == "Noisy kittens waiting for dinner!"
    assert data.media == [
        {
            "url": "https://i.ytimg.com/vi/eiHXASgRTcA/hqdefault.jpg",
            "type": "thumbnail",
            "alt": None,
            "width": 480,
            "height": 360,
        }
    ]
    assert data.raw == fixture(VIDEO)


def test_youtube_playlist_is_asked_by_its_playlist_url():
    answer = fixture(f"youtube/oembed-playlist-{PLAYLIST_ID}.json")

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.params["url"] == f"https://www.youtube.com/playlist?list={PLAYLIST_ID}"
        return httpx.Response(200, content=answer)

    data, _ = fetch(youtube.PLATFORM, PLAYLIST_ID, handler)
    assert data.author_handle == "Scadrei5" and "videoseries" in data.extra["embed_html"]


@pytest.mark.parametrize(
    ("code", "body", "expected"),
    [(404, "Not Found", "deleted"), (403, "Forbidden", "protected"), (200, "Forbidden", "protected")],
)
def test_youtube_gone(code, body, expected):
    with pytest.raises(PostGone) as gone:
        fetch(youtube.PLATFORM, "eiHXASgRTcA", lambda request: httpx.Response(code, text=body))
    assert gone.value.status == expected


@pytest.mark.parametrize("code", [401, 429, 500])
def test_youtube_embedding_disabled_or_rate_limited_is_not_a_status(code):
    with pytest.raises(httpx.HTTPStatusError):
        fetch(youtube.PLATFORM, "eiHXASgRTcA", status(code))


def test_vimeo_video():
    def handler(request: httpx.Request) -> httpx.Response:
        assert str(request.url).startswith(
            "https://vimeo.com/api/oembed.json?url=https%3A%2F%2Fvimeo.com%2F235352744"
        )
        return httpx.Response(200, content=fixture("vimeo/oembed-235352744.json"))

    data, _ = fetch(vimeo.PLATFORM, "235352744", handler)
    assert (data.author_name, data.author_handle) == ("Vimeo", "vimeomarketing")
    assert (
        data.text
        == "Vimeo Live is here\n\nProfessional live streaming is here. \n\nLearn more at vimeo.com/live"
    )
    assert data.created_at == "2017-09-25T10:36:56+00:00"
    assert data.extra["duration"] == 75


def test_vimeo_statuses():
    with pytest.raises(PostGone) as gone:
        fetch(vimeo.PLATFORM, "235352744", status(404, {"error": "not found"}))
    assert gone.value.status == "deleted"
    with pytest.raises(httpx.HTTPStatusError):  # embedding limited to some domains: still there
        fetch(vimeo.PLATFORM, "235352744", status(403, {"domain_status_code": 403}))


def test_expiring_thumbnails_are_not_data():
    signed = "https://p16-sign.tiktokcdn.com/obj/x.jpg?x-expires=1718204400&x-signature=abc"
    answer = {"title": "t", "thumbnail_url": signed}
    data, _ = fetch(vimeo.PLATFORM, "235352744", status(200, answer))
    assert data.media == []
