"""Data and fate of YouTube, TikTok, Vimeo, Dailymotion and LinkedIn, from each platform's own word:
every gone state offline, the live fields, and the answers that are no status (429, a bot check,
an embed limited to some sites, a login wall)."""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import replace
from typing import Any

import httpx
import pytest
from bs4 import BeautifulSoup
from platforms_support import fetch, fixture, fixture_json, status
from test_world import fetch_data as world_fetch

from archiver import platforms
from archiver.errors import CaptureError, PostGone
from archiver.platforms import dailymotion, linkedin, tiktok, vimeo, youtube
from offline_world import OfflineWorld

# One post per platform, each a post its module's examples name.
POSTS = {
    "youtube": "1j7j2U_BGNo",
    "tiktok": "6806030056956251397",
    "vimeo": "51492729",
    "dailymotion": "x84sh87",
    "linkedin": "urn:li:share:7012345678901234567",
}
# Every status each platform can say, and so the world can make it say.
STATES = {
    "youtube": {"deleted", "protected", "login_required", "geo_blocked", "suspended", "unavailable"},
    "tiktok": {"deleted", "protected", "geo_blocked", "unavailable"},
    "vimeo": {"deleted"},
    "dailymotion": {"deleted", "protected", "geo_blocked", "unavailable"},
    "linkedin": {"unavailable"},
}


@pytest.mark.parametrize(("name", "state"), [(n, s) for n, states in STATES.items() for s in sorted(states)])
def test_each_gone_state_is_recorded_as_its_status(world: OfflineWorld, name: str, state: str) -> None:
    assert set(world.data.statuses(name)) == STATES[name]
    post_id = POSTS[name]
    world.data.gone(name, post_id, state)
    with pytest.raises(PostGone) as gone:
        world_fetch(world, name, post_id)
    assert gone.value.status == state
    world.data.live(name, post_id)
    assert world_fetch(world, name, post_id).post_id == post_id


def test_live_data_fields(world: OfflineWorld) -> None:
    yt = world_fetch(world, "youtube", POSTS["youtube"])
    assert yt.text == "Noisy kittens waiting for dinner!"  # oEmbed's title, the player's too
    assert (yt.author_name, yt.author_handle) == ("PewDiePie", "smshdchrb")  # player's name, oEmbed's @
    assert yt.created_at == "2019-08-24T15:39:57+00:00" and yt.extra["duration"] == 381
    assert yt.counts == {"views": 41613592, "likes": 5471574} and yt.extra["embed_html"]
    assert json.loads(yt.raw)["videoDetails"]["videoId"] == POSTS["youtube"]
    assert yt.extra["source"] == "player"  # which answers made it: a new source is no edit

    tt = world_fetch(world, "tiktok", POSTS["tiktok"])
    assert (tt.author_handle, tt.author_name) == ("a3noticias", "Antena 3 Noticias")
    assert tt.url == f"https://www.tiktok.com/@a3noticias/video/{POSTS['tiktok']}"
    assert tt.text is not None and tt.text.startswith("Nuestro #AplausoSanitario")
    assert tt.created_at == "2020-03-19T21:12:38+00:00" and tt.extra["duration"] == 15
    assert tt.counts == {"views": 611300, "likes": 52400, "comments": 830, "shares": 1200, "saves": 310}
    assert tt.media == []  # its cover URLs are signed anew on every answer
    assert world.count("/oembed", host="www.tiktok.com") == 0  # the page said it all
    assert tt.extra["source"] == "page"

    dm = world_fetch(world, "dailymotion", POSTS["dailymotion"])
    assert dm.text is not None and dm.text.startswith("Offline report\n\n")
    assert (dm.author_name, dm.author_handle) == ("Offline Newsroom", "offline-newsroom")
    assert dm.created_at == "2023-11-14T22:13:20+00:00" and dm.extra["duration"] == 95
    assert dm.counts == {"views": 1234, "likes": 56, "comments": 0}
    assert dm.media == [
        {
            "url": f"https://s1.dmcdn.net/v/offline/{POSTS['dailymotion']}.jpg",
            "type": "thumbnail",
            "alt": None,
        }
    ]

    li = world_fetch(world, "linkedin", POSTS["linkedin"])
    assert (li.author_name, li.author_handle) == ("Offline Reporter", "offline-reporter")
    assert li.text is not None and li.text.startswith("An offline copy of the LinkedIn post")
    assert li.counts == {"likes": 47, "replies": 12} and li.media[0]["type"] == "photo"
    assert li.created_at == "2022-12-24T09:18:12.932000+00:00"  # the URN's number >> 22, in ms
    assert li.url == f"https://www.linkedin.com/feed/update/{POSTS['linkedin']}/"

    vm = world_fetch(world, "vimeo", POSTS["vimeo"])
    assert vm.author_handle == "vimeomarketing" and vm.extra["duration"] == 75


def test_an_edit_reaches_the_new_endpoints(world: OfflineWorld) -> None:
    for name in ("youtube", "tiktok", "dailymotion", "linkedin"):
        world.data.edit(name, POSTS[name], text="Corrected.\nTwice.")
        assert (world_fetch(world, name, POSTS[name]).text or "").endswith("Corrected.\nTwice."), name


# The real shapes: YouTube's player answers as NewPipe recorded them.


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("player-7PIMiDcwNvc.json", "live"),
        ("player-private-8VajtrESJzA.json", "protected"),
        ("player-geo-_PL2HJKxnOM.json", "geo_blocked"),
    ],
)
def test_youtube_playability_of_recorded_answers(name: str, expected: str) -> None:
    assert youtube.playability(fixture_json(f"youtube/{name}"))[0] == expected


@pytest.mark.parametrize(
    ("status_word", "reason", "expected"),
    [
        (
            "ERROR",
            "This video is no longer available because the YouTube account associated "
            "with this video has been terminated.",
            "suspended",
        ),
        ("ERROR", "This video has been removed by the uploader", "deleted"),
        ("LOGIN_REQUIRED", "Sign in to confirm your age", "login_required"),
        ("LOGIN_REQUIRED", "This video may be inappropriate for some users.", "login_required"),
        ("UNPLAYABLE", "Join this channel to get access to members-only content", "login_required"),
        ("ERROR", "This video has been removed for violating YouTube's Terms of Service", "unavailable"),
        ("LOGIN_REQUIRED", "Sign in to confirm you're not a bot", None),
        ("ERROR", "Video unavailable", None),  # no reason: oEmbed tells
        ("ERROR", "This content isn't available, try again later.", None),  # a rate limit
        ("LIVE_STREAM_OFFLINE", "This live event will begin in a few moments.", "live"),
    ],
)
def test_youtube_reasons(status_word: str, reason: str, expected: str | None) -> None:
    assert (
        youtube.playability({"playabilityStatus": {"status": status_word, "reason": reason}})[0] == expected
    )


def youtube_handler(player: httpx.Response, oembed: httpx.Response) -> Any:
    def handler(request: httpx.Request) -> httpx.Response:
        return player if request.url.path == "/youtubei/v1/player" else oembed

    return handler


def test_youtube_embedding_disabled_still_has_the_players_data() -> None:
    player = httpx.Response(200, content=fixture("youtube/player-7PIMiDcwNvc.json"))
    data, seen = fetch(youtube.PLATFORM, "7PIMiDcwNvc", youtube_handler(player, httpx.Response(401)))
    assert data.text is not None and data.text.startswith(
        "Marzia & Felix - Wedding 19.08.2019\n\nOur footage"
    )
    assert data.author_handle == "PewDiePie" and data.created_at == "2019-08-24T15:39:57+00:00"
    assert [r.method for r in seen] == ["POST", "GET"]
    body = json.loads(seen[0].content)
    assert body["videoId"] == "7PIMiDcwNvc" and body["context"]["client"]["hl"] == "en"


def test_youtube_player_silent_leaves_it_to_oembed() -> None:
    bot = {"playabilityStatus": {"status": "LOGIN_REQUIRED", "reason": "Sign in to confirm you're not a bot"}}
    with pytest.raises(PostGone) as gone:
        fetch(
            youtube.PLATFORM,
            "7PIMiDcwNvc",
            youtube_handler(httpx.Response(200, json=bot), httpx.Response(404)),
        )
    assert gone.value.status == "deleted"
    oembed = httpx.Response(200, content=fixture("youtube/oembed-eiHXASgRTcA.json"))
    data, _ = fetch(youtube.PLATFORM, "eiHXASgRTcA", youtube_handler(httpx.Response(200, json=bot), oembed))
    assert data.text == "Noisy kittens waiting for dinner!" and data.counts == {}
    assert data.extra["source"] == "oembed"


# TikTok's page states, as its pages write them.


@pytest.mark.parametrize(
    ("code", "message", "expected"),
    [
        (10216, "", "protected"),
        (10222, "", "protected"),
        (10204, "item doesn't exist", "deleted"),
        (10204, "item_privacy_authorization&status_deleted", "deleted"),
        (10204, "cross_border_violation_ur", "geo_blocked"),
        (10204, "", None),  # what an IP block gives
        (10101, "server error", None),
    ],
)
def test_tiktok_status_codes(code: int, message: str, expected: str | None) -> None:
    assert tiktok.page_status({"statusCode": code, "statusMsg": message}) == expected


def test_tiktok_unknown_code_leaves_it_to_oembed() -> None:
    page = (
        '<script id="__UNIVERSAL_DATA_FOR_REHYDRATION__" type="application/json">'
        '{"__DEFAULT_SCOPE__":{"webapp.video-detail":{"statusCode":10101,"statusMsg":"x"}}}</script>'
    )

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oembed":
            return httpx.Response(429, headers={"retry-after": "5"})
        return httpx.Response(200, text=page)

    with pytest.raises(httpx.HTTPStatusError) as error:
        fetch(tiktok.PLATFORM, POSTS["tiktok"], handler)
    assert not isinstance(error.value, PostGone) and error.value.response.status_code == 429


# Vimeo: a 404 is deleted only when the player's page says so too.


def vimeo_handler(player: httpx.Response) -> Any:
    def handler(request: httpx.Request) -> httpx.Response:
        return player if request.url.host == "player.vimeo.com" else httpx.Response(404, json={"error": "x"})

    return handler


def test_vimeo_404_is_not_deleted_unless_the_player_says_so() -> None:
    with pytest.raises(CaptureError, match="does not say which"):
        fetch(vimeo.PLATFORM, "51492729", vimeo_handler(httpx.Response(403, text=vimeo.DOMAIN_ONLY)))
    for answer in (httpx.Response(503), httpx.Response(200, text="<div class=player></div>")):
        with pytest.raises(httpx.HTTPStatusError):
            fetch(vimeo.PLATFORM, "51492729", vimeo_handler(answer))
    with pytest.raises(PostGone) as gone:
        fetch(vimeo.PLATFORM, "51492729", vimeo_handler(httpx.Response(404, text=vimeo.GONE_TEXT)))
    assert gone.value.status == "deleted"


# Dailymotion: its documented error answer, and what is no status.

DOCUMENTED_404 = {
    "error": {
        "more_info": "https://developer.dailymotion.com/api#error-codes",
        "code": 404,
        "message": "Can't find object video for `id' parameter",
        "type": "not_found",
        "error_data": {
            "reason": "object_not_found",
            "object_type": "video",
            "object_id": "x84sh87",
            "param": "id",
        },
    }
}


def test_dailymotion_answers() -> None:
    with pytest.raises(PostGone) as gone:
        fetch(dailymotion.PLATFORM, "x84sh87", status(404, DOCUMENTED_404))
    assert (gone.value.status, gone.value.http_status) == ("deleted", 404)
    forbidden = {"error": {"code": 403, "message": "Access forbidden", "type": "access_forbidden"}}
    invalid = {"error": {"code": 400, "message": "Unknown field", "type": "invalid_parameter"}}
    for answer in (status(403, forbidden), status(400, invalid), status(404, {"error": {"type": "other"}})):
        with pytest.raises(httpx.HTTPStatusError):
            fetch(dailymotion.PLATFORM, "x84sh87", answer)
    request = fetch(dailymotion.PLATFORM, "x84sh87", status(200, {"id": "x84sh87", "title": "t"}))[1][0]
    assert request.url.path == "/video/x84sh87" and "owner.screenname" in request.url.params["fields"]


def test_dailymotion_geo_restriction_asks_the_player_and_only_dm007_is_a_status() -> None:
    video = {"id": "x84sh87", "title": "t", "geoblocking": ["allow", "fr"]}

    def handler(metadata: httpx.Response) -> Any:
        return lambda r: metadata if "/player/metadata/" in r.url.path else httpx.Response(200, json=video)

    with pytest.raises(PostGone) as gone:
        fetch(
            dailymotion.PLATFORM, "x84sh87", handler(httpx.Response(200, json={"error": {"code": "DM007"}}))
        )
    assert gone.value.status == "geo_blocked"
    for metadata in (httpx.Response(503), httpx.Response(200, json={"error": {"code": "DM016"}})):
        data, _ = fetch(dailymotion.PLATFORM, "x84sh87", handler(metadata))
        assert data.text == "t" and data.extra["geoblocking"] == ["allow", "fr"]
    unrestricted = {**video, "geoblocking": ["allow"]}
    _, seen = fetch(dailymotion.PLATFORM, "x84sh87", status(200, unrestricted))
    assert len(seen) == 1  # shown everywhere: the player is not asked


# LinkedIn: the embed view's own answer.


def test_linkedin_login_wall_robot_refusal_and_empty_page_are_errors() -> None:
    def wall(request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/embed/"):
            return httpx.Response(302, headers={"location": "https://www.linkedin.com/authwall?trk=x"})
        return httpx.Response(200, text="<html>Sign in</html>")

    with pytest.raises(CaptureError, match="login wall"):
        fetch(linkedin.PLATFORM, POSTS["linkedin"], wall)
    with pytest.raises(httpx.HTTPStatusError):
        fetch(linkedin.PLATFORM, POSTS["linkedin"], status(999))
    with pytest.raises(CaptureError, match="holds no post"):
        fetch(linkedin.PLATFORM, POSTS["linkedin"], lambda r: httpx.Response(200, text="<html></html>"))


def test_linkedin_reads_the_embed_markup() -> None:
    page = linkedin.PLATFORM.stand_in.data.live(POSTS["linkedin"], "Line one\nLine two #tag").body  # type: ignore[union-attr]
    data = linkedin.post_from_embed(POSTS["linkedin"], page, page.encode())
    assert data.text == "Line one\nLine two #tag"
    assert (
        data.media[0]["url"].startswith("https://media.licdn.com/dms/image/")
        and data.media[0]["alt"] == "A photo"
    )
    assert linkedin.urn_time("urn:li:activity:1") is None  # no plausible date: none at all


# Every platform of this file: a 429 (or a 5xx) is never a status.


@pytest.mark.parametrize("name", sorted(POSTS))
@pytest.mark.parametrize("code", [429, 503])
def test_rate_limits_and_server_errors_stay_unknown(name: str, code: int) -> None:
    with pytest.raises(httpx.HTTPStatusError) as error:
        fetch(platforms.get(name), POSTS[name], status(code, {"message": "slow down"}, retry_after="30"))
    assert not isinstance(error.value, PostGone)
    assert error.value.response.headers["retry-after"] == "30"


# The markup the offline world draws for a gone post is what the platform's view_states read.


@pytest.mark.parametrize("name", sorted(POSTS))
def test_gone_markup_reads_back_as_its_status(name: str) -> None:
    platform = platforms.get(name)
    assert platform.stand_in is not None and platform.stand_in.gone and platform.view_states
    for state, markup in platform.stand_in.gone.items():
        soup = BeautifulSoup(f"<html><body>{markup}</body></html>", "html.parser")
        read = None
        for view_state in platform.view_states:
            where = soup.select(view_state.selector) if view_state.selector != "body" else [soup.body]
            words = " ".join(e.get_text(" ") for e in where if e is not None)
            if where and (view_state.text is None or re.search(view_state.text, words, re.I)):
                read = view_state.status
                break
        assert read == state, (name, state, read)


# One capture per platform through the Capturer, in a real Chromium, against the world.


@pytest.mark.browser
def test_captures_record_each_platforms_word(world: OfflineWorld, settings: Any) -> None:
    from archiver.capture.capturer import Capturer

    world.data.gone("youtube", POSTS["youtube"], "geo_blocked")
    world.data.gone("tiktok", POSTS["tiktok"], "protected")
    world.data.gone("vimeo", POSTS["vimeo"], "deleted")
    world.data.gone("linkedin", POSTS["linkedin"], "unavailable")
    settings = replace(settings, page_timeout=5, capture_timeout=60, video_max_height=0)

    async def run() -> dict[str, Any]:
        async with (
            httpx.AsyncClient(transport=world.transport(), timeout=5) as client,
            Capturer(settings, client, install_routes=world.install) as capturer,
        ):
            results = await capturer.capture_posts(list(POSTS.items()))
        return {r.platform: r for r in results}

    results = run_sync(run())
    assert {name: r.post_status for name, r in results.items()} == {
        "youtube": "geo_blocked",
        "tiktok": "protected",
        "vimeo": "deleted",
        "dailymotion": "live",
        "linkedin": "unavailable",
    }
    live = results["dailymotion"]
    assert live.data is not None and live.data.author_handle == "offline-newsroom"
    assert live.artifact("screenshot") is not None


def run_sync(coro: Any) -> Any:
    return asyncio.run(coro)
