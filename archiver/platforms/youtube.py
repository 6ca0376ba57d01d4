"""YouTube: iframes on youtube.com and youtube-nocookie.com, videos and playlists; data from oEmbed
and, for a video, the player's playability status (why it does not play, in YouTube's words)."""

from __future__ import annotations

import logging
import re
from typing import Any

import httpx

from archiver.errors import CaptureError, PostGone
from archiver.models import PostData
from archiver.platforms import oembed
from archiver.platforms.base import Platform, StandIn, ViewState, query_to

log = logging.getLogger(__name__)

_HOST = r"(?:https?:)?//(?:www\.|m\.|music\.)?youtube(?:-nocookie)?\.com"
_VIDEO = r"(?P<id>[A-Za-z0-9_-]{11})(?![A-Za-z0-9_-])"
_PLAYLIST = r"(?P<id>[A-Za-z0-9_-]{12,64})"
# Path words of 11 letters that are not video ids.
_NOT_AN_ID = r"(?!videoseries|live_stream)"


def canonical_url(post_id: str) -> str:
    """A video id is 11 characters; a playlist id (PL..., UU..., OL...) is longer."""
    if len(post_id) == 11:
        return f"https://www.youtube.com/watch?v={post_id}"
    return f"https://www.youtube.com/playlist?list={post_id}"


def embed_url(post_id: str) -> str:
    if len(post_id) == 11:
        return f"https://www.youtube-nocookie.com/embed/{post_id}"
    return f"https://www.youtube-nocookie.com/embed/videoseries?list={post_id}"


OEMBED = "https://www.youtube.com/oembed"
# The player endpoint YouTube's own web player asks; WEB is its client name, and the version
# one the web player sent in 2026. hl=en: the reasons read below are YouTube's English ones.
PLAYER = "https://www.youtube.com/youtubei/v1/player"
_CLIENT = {"clientName": "WEB", "clientVersion": "2.20260603.05.00", "hl": "en"}

# What the player's playabilityStatus reason says of the video (lowercased, searched in order),
# as YouTube words it: NewPipe's YoutubeStreamExtractor.checkPlayabilityStatus and yt-dlp's
# youtube extractor read the same words.
_REASONS = (
    (r"not a bot|try again later", None),  # a bot check or a rate limit: nothing about the video
    (r"terminated|account .{0,40}closed", "suspended"),
    (r"removed by the uploader|deleted by the uploader", "deleted"),
    (r"\bprivate\b", "protected"),
    (r"confirm your age|age-restricted|inappropriate for some users", "login_required"),
    (r"\bmembers\b", "login_required"),  # for the channel's paying members only
    (r"country", "geo_blocked"),
    (r"violat|terms of service|community guidelines|copyright claim", "unavailable"),
)


def _texts(value: object) -> str | None:
    """A YouTube text: a string, {"simpleText": ...} or {"runs": [{"text": ...}]}."""
    if isinstance(value, str):
        return oembed.text(value)
    found = oembed.mapping(value)
    if "simpleText" in found:
        return oembed.text(found["simpleText"])
    runs = found.get("runs")
    if isinstance(runs, list):
        return oembed.text("".join(str(oembed.mapping(run).get("text") or "") for run in runs))
    return None


def playability(answer: dict[str, Any]) -> tuple[str | None, str]:
    """What a player answer says of the video: ("live", "") when it plays, (a post status,
    YouTube's reason) when its reason says why not, (None, reason) when it says nothing we
    can read as the video's state (a bot check, a bare "Video unavailable")."""
    status_of = oembed.mapping(answer.get("playabilityStatus"))
    status = oembed.text(status_of.get("status")) or ""
    screen = oembed.mapping(oembed.mapping(status_of.get("errorScreen")).get("playerErrorMessageRenderer"))
    parts = [_texts(status_of.get("reason")), _texts(screen.get("reason")), _texts(screen.get("subreason"))]
    messages = status_of.get("messages")
    parts += [_texts(m) for m in messages] if isinstance(messages, list) else []
    reason = ". ".join(dict.fromkeys(p for p in parts if p))
    if status in ("OK", "LIVE_STREAM_OFFLINE"):
        return "live", ""
    lowered = reason.lower()
    for words, post_status in _REASONS:
        if re.search(words, lowered):
            return post_status, reason
    if status in ("AGE_CHECK_REQUIRED", "AGE_VERIFICATION_REQUIRED"):
        return "login_required", reason or status
    return None, reason or status


async def _player(client: httpx.AsyncClient, post_id: str) -> tuple[dict[str, Any], bytes] | None:
    """The player's answer for a video, or None when it could not be had (an HTTP error, a rate
    limit, an answer that is no JSON object): the video's fate is then oEmbed's to tell."""
    body = {"context": {"client": _CLIENT}, "videoId": post_id, "contentCheckOk": True, "racyCheckOk": True}
    headers = {"X-YouTube-Client-Name": "1", "X-YouTube-Client-Version": _CLIENT["clientVersion"]}
    try:
        response = await client.post(PLAYER, params={"prettyPrint": "false"}, json=body, headers=headers)
        response.raise_for_status()
        return oembed.json_object(response), response.content
    except (httpx.HTTPError, CaptureError) as exc:
        log.debug("youtube %s: no player answer: %s", post_id, exc)
        return None


def _with_player(data: PostData, answer: dict[str, Any], raw: bytes) -> PostData:
    """`data` (oEmbed's, or an empty one) completed with what the player's answer says."""
    details = oembed.mapping(answer.get("videoDetails"))
    micro = oembed.mapping(oembed.mapping(answer.get("microformat")).get("playerMicroformatRenderer"))
    title = oembed.text(details.get("title")) or _texts(micro.get("title"))
    description = oembed.text(details.get("shortDescription")) or _texts(micro.get("description"))
    data.text = "\n\n".join(part for part in (title, description) if part) or data.text
    data.author_name = (
        oembed.text(details.get("author")) or oembed.text(micro.get("ownerChannelName")) or data.author_name
    )
    owner = oembed.text(micro.get("ownerProfileUrl")) or ""
    data.author_handle = data.author_handle or oembed.text(owner.rstrip("/").rsplit("/", 1)[-1].lstrip("@"))
    data.created_at = (
        oembed.iso_datetime(micro.get("publishDate") or micro.get("uploadDate")) or data.created_at
    )
    thumbnails = oembed.mapping(details.get("thumbnail")).get("thumbnails")
    if not data.media and isinstance(thumbnails, list) and thumbnails:
        best = oembed.mapping(thumbnails[-1])
        item = oembed.media(best.get("url"), "thumbnail", width=best.get("width"), height=best.get("height"))
        data.media = [item] if item else []
    data.counts = oembed.counts(
        views=details.get("viewCount") or micro.get("viewCount"), likes=micro.get("likeCount")
    )
    more = {
        "duration": oembed.as_int(details.get("lengthSeconds")),
        "channel_id": oembed.text(details.get("channelId")),
        "category": oembed.text(micro.get("category")),
        "unlisted": micro.get("isUnlisted") if isinstance(micro.get("isUnlisted"), bool) else None,
        "live_content": details.get("isLiveContent")
        if isinstance(details.get("isLiveContent"), bool)
        else None,
    }
    data.extra.update({k: v for k, v in more.items() if v is not None})
    data.raw = raw
    return data


async def fetch_data(client: httpx.AsyncClient, post_id: str) -> PostData:
    """A video: the player's playability status and oEmbed; a playlist: oEmbed alone.

    The player says why a video does not play (removed by the uploader, private, age-gated,
    not in this country, its account terminated, taken down for a violation); its answer
    wins. When it cannot be had or says nothing readable ("Video unavailable" alone, a bot
    check), oEmbed tells: 404 is deleted, 403 (or a 200 whose whole body is "Forbidden")
    private. oEmbed's 401 means its owner disabled embedding, which says nothing of the
    video: with the player's answer the data comes from it, without one it is an error.
    """
    player = await _player(client, post_id) if len(post_id) == 11 else None
    said, reason = playability(player[0]) if player else (None, "")
    if said is not None and said != "live":
        raise PostGone(said, f"youtube {post_id}: {reason}")
    try:
        data = await oembed.fetch_post(
            client,
            "youtube",
            post_id,
            OEMBED,
            canonical_url(post_id),
            gone={404: "deleted", 410: "deleted", 403: "protected"},
            gone_bodies={"Forbidden": "protected"},
        )
    except (PostGone, httpx.HTTPError, CaptureError):
        if said != "live" or player is None:
            raise
        data = PostData(platform="youtube", post_id=post_id, url=canonical_url(post_id))
    if said == "live" and player is not None:
        data = _with_player(data, *player)
    # Which answers the data is made of: a re-check that finds it changed can tell a new source
    # (the player refused one time, answered the next) from an edit.
    data.extra["source"] = "player" if said == "live" else "oembed"
    if said != "live" and len(post_id) == 11:
        data.extra["fallback"] = True  # a video's player did not answer: oEmbed's title alone
    return data


# What the embed view shows for a video that does not play, as YouTube words it: the error
# screen's reason and subreason (.ytp-error-content-wrap-reason / -subreason). "Video
# unavailable" alone is no status: it also stands above "Playback on other websites has been
# disabled by the video owner" (embedding off).
GONE_WORDS = {
    "deleted": ("Video unavailable", "This video has been removed by the uploader"),
    "protected": ("Private video", "Sign in if you've been granted access to this video"),
    "login_required": ("Sign in to confirm your age", "This video may be inappropriate for some users."),
    "geo_blocked": ("Video unavailable", "The uploader has not made this video available in your country"),
    "suspended": (
        "Video unavailable",
        "This video is no longer available because the YouTube account associated with this video "
        "has been terminated.",
    ),
    "unavailable": (
        "Video unavailable",
        "This video has been removed for violating YouTube's Terms of Service",
    ),
}


def _error_screen(reason: str, subreason: str) -> str:
    return (
        '<div class="ytp-error" role="alert"><div class="ytp-error-content">'
        '<div class="ytp-error-content-wrap">'
        f'<div class="ytp-error-content-wrap-reason"><span>{reason}</span></div>'
        f'<div class="ytp-error-content-wrap-subreason"><span>{subreason}</span></div>'
        "</div></div></div>"
    )


VIEW_STATES = (
    ViewState(
        "suspended",
        ".ytp-error",
        r"account associated with this video has been terminated",
        "account terminated",
    ),
    ViewState("deleted", ".ytp-error", r"removed by the uploader", "removed by its uploader"),
    ViewState("protected", ".ytp-error", r"private video|video is private", "a private video"),
    ViewState("login_required", ".ytp-error", r"confirm your age|inappropriate for some users", "age-gated"),
    ViewState(
        "geo_blocked",
        ".ytp-error",
        r"not made this video available in your country",
        "not shown in this country",
    ),
    ViewState("unavailable", ".ytp-error", r"removed for violating|copyright claim", "taken down by YouTube"),
)


PLATFORM = Platform(
    name="youtube",
    url_patterns=(
        _HOST + r"/watch/?" + query_to("v") + _VIDEO,
        _HOST + r"/(?:embed|v|e|shorts|live)/" + _NOT_AN_ID + _VIDEO,
        r"(?:https?:)?//(?:www\.)?youtu\.be/" + _VIDEO,
        _HOST + r"/(?:playlist|embed/videoseries|embed/?)" + query_to("list") + _PLAYLIST,
    ),
    canonical_url=canonical_url,
    # A video id is 64 bits in base64 (so its last character is one of 16); a playlist's starts
    # with two capitals (PL, UU, OL...).
    id_shape=r"[A-Za-z0-9_-]{10}[AEIMQUYcgkosw048]|[A-Z]{2}[A-Za-z0-9_-]{10,62}",
    aliases=("yt",),
    collection_shape=r"[A-Z]{2}[A-Za-z0-9_-]{10,62}",  # a playlist (a video id has 11 characters)
    video=True,
    embed_classes=("youtube-player", "youtube-embed"),
    embed_tags=("amp-youtube", "lite-youtube", "youtube-video"),
    url_attributes=(
        "data-videoid",
        "videoid",
        "video-id",
        "data-video-id",
        "data-youtube-id",
        "data-id",
        "data-src",
        "src",
        "data-href",
    ),
    iframe_patterns=(
        r"youtube(?:-nocookie)?\.com/(?:embed|v)/" + _NOT_AN_ID + _VIDEO,
        # (embed?listType=playlist&list=: the older form of a playlist's player)
        r"youtube(?:-nocookie)?\.com/embed/?(?:videoseries)?" + query_to("list") + _PLAYLIST,
    ),
    url_query=("v", "list"),
    # (react-lite-youtube-embed's article.yt-lite shows only this, as its background)
    thumbnails=(r"(?:i\d?\.ytimg\.com|img\.youtube\.com)/vi(?:_webp)?/(?P<id>[A-Za-z0-9_-]{11})/",),
    embed_url=embed_url,
    render_selector="video, .ytp-cued-thumbnail-overlay, .ytp-title",
    fetch_data=fetch_data,
    view_states=VIEW_STATES,
    stand_in=StandIn(
        title="YouTube",
        hosts=("www.youtube.com", "youtube.com", "www.youtube-nocookie.com"),
        path=r"/embed/[\w-]+",
        image_host="i.ytimg.com",
        classes="html5-video-player",
        extra='<div class="ytp-title">Offline video</div>',
        gone={status: _error_screen(*words) for status, words in GONE_WORDS.items()},
    ),
    probe="https://www.youtube.com/watch?v=jNQXAC9IVRw",  # "Me at the zoo", the first video
    examples=(
        ("https://www.youtube.com/watch?v=1j7j2U_BGNo", "1j7j2U_BGNo"),
        ("https://youtu.be/c8aFcHFu8QM?t=42", "c8aFcHFu8QM"),
        ("https://www.youtube-nocookie.com/embed/Q0CbN8sfihY?start=30", "Q0CbN8sfihY"),
        ("https://www.youtube.com/shorts/wky9pETRuqI", "wky9pETRuqI"),
        (
            "https://www.youtube.com/playlist?list=PLUXSZMIiUfFQUnjV3iqRpaoMzsRjZZfs7",
            "PLUXSZMIiUfFQUnjV3iqRpaoMzsRjZZfs7",
        ),
        (
            "https://www.youtube.com/embed/videoseries?list=PLUXSZMIiUfFQUnjV3iqRpaoMzsRjZZfs7",
            "PLUXSZMIiUfFQUnjV3iqRpaoMzsRjZZfs7",
        ),
    ),
)
