"""Dailymotion: player iframes (geo.dailymotion.com, /embed/video/), the Player Embed Script and
amp-dailymotion.

The post id is the video id: an "x" and letters or digits (`x84sh87`). Playlists (whose ids look
the same) are not posts here. The Player Embed Script names its video on the script itself,
`<script src="https://geo.dailymotion.com/player/PLAYER.js" data-video="x84sh87">`, with an
attribute too common to mark an embed on any element: `detect` reads it on Dailymotion's script.

Data: the public video API (api.dailymotion.com/video/ID?fields=...), no key needed. Its 404
with reason `object_not_found` is a deleted video; a video whose `geoblocking` shows it in some
countries only is asked of the player's metadata, whose access error DM007 says it is not shown
where we asked from.
"""

from __future__ import annotations

import html
import json
import logging
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import httpx

from archiver.errors import CaptureError, PostGone
from archiver.models import PostData
from archiver.platforms import oembed
from archiver.platforms.base import Page, Platform, StandIn, StandInAnswer, StandInData, ViewState, query_to

if TYPE_CHECKING:
    from archiver.models import Embed

_ID = r"(?P<id>x[a-z0-9]{4,14})(?![a-z0-9])"
# The geo player, with a player id (as Dailymotion Studio writes it) or without.
_GEO = r"geo\.dailymotion\.com/player(?:/[\w-]+)?\.html" + query_to("video")
_SCRIPT = re.compile(r"\s*(?:https?:)?//geo\.dailymotion\.com/player/[\w-]+\.js", re.IGNORECASE)


def canonical_url(post_id: str) -> str:
    return f"https://www.dailymotion.com/video/{post_id}"


def embed_url(post_id: str) -> str:
    return f"https://geo.dailymotion.com/player.html?video={post_id}"


def detect(doc: Page) -> Iterator[Embed]:
    """The Player Embed Script: the player is drawn where the script stands."""
    for script in doc.root.iter("script"):
        if doc.is_claimed(script) or not _SCRIPT.match(script.get("src") or ""):
            continue
        post_id = PLATFORM.post_id(script.get("data-video") or "")
        if post_id:
            doc.claim(script)
            yield doc.embed(PLATFORM, post_id, "widget", script)


API = "https://api.dailymotion.com/video/"
# Fields every reader may ask (an unknown field makes the whole answer a 400).
FIELDS = (
    "id,title,description,created_time,duration,language,tags,thumbnail_url,views_total,likes_total,"
    "comments_total,owner.id,owner.screenname,owner.username,owner.url,private,status,geoblocking,explicit"
)
# The player's metadata: its `error.code` is Dailymotion's access error for the viewer asking.
METADATA = "https://www.dailymotion.com/player/metadata/video/"
GEO_ERROR = "DM007"
# A video's `status` that is a verdict: deleted by its owner, rejected by moderation.
_STATUSES = {"deleted": "deleted", "rejected": "unavailable"}

log = logging.getLogger(__name__)


def _error(response: httpx.Response) -> tuple[str, str]:
    """(error_data.reason or type, message) of an API error answer; empty when unreadable."""
    try:
        error = oembed.mapping(oembed.mapping(json.loads(response.content)).get("error"))
    except (ValueError, UnicodeDecodeError):
        return "", ""
    reason = oembed.text(oembed.mapping(error.get("error_data")).get("reason")) or oembed.text(
        error.get("type")
    )
    return (reason or "").lower(), oembed.text(error.get("message")) or ""


def _restricted(geoblocking: Any) -> bool:
    """Does a `geoblocking` value ("allow"/"deny" and country codes, a list or comma-separated)
    keep the video from some countries? ["allow"] or [] is everywhere."""
    codes = geoblocking.split(",") if isinstance(geoblocking, str) else geoblocking
    words = [str(c).strip().lower() for c in codes or () if str(c).strip()]
    return bool([w for w in words if w not in ("allow", "deny")])


async def _geo_blocked(client: httpx.AsyncClient, post_id: str) -> str | None:
    """The player's word when it will not show the video where we ask from (DM007), else None
    (also when the metadata cannot be had: the API said the video is there)."""
    try:
        response = await client.get(METADATA + post_id, follow_redirects=True)
        error = oembed.mapping(oembed.json_object(response).get("error"))
    except (httpx.HTTPError, CaptureError) as exc:
        log.debug("dailymotion %s: no player metadata: %s", post_id, exc)
        return None
    if error.get("code") == GEO_ERROR:
        return oembed.text(error.get("title")) or oembed.text(error.get("raw_message")) or GEO_ERROR
    return None


async def fetch_data(client: httpx.AsyncClient, post_id: str) -> PostData:
    """The video API's answer: 404 `object_not_found` deleted, a 403 naming it private or
    password-protected protected, a `status` of deleted/rejected deleted/unavailable, DM007 from
    the player for a video geo-blocked where we ask from; any other failure an error."""
    response = await client.get(API + post_id, params={"fields": FIELDS}, follow_redirects=True)
    if response.status_code in (403, 404, 410):
        reason, message = _error(response)
        said = f"dailymotion {post_id}: HTTP {response.status_code} {reason} {message}".strip()
        if response.status_code == 410 or reason in ("object_not_found", "not_found"):
            raise PostGone("deleted", said, response.status_code)
        if response.status_code == 403 and re.search(r"private|password", f"{reason} {message}", re.I):
            raise PostGone("protected", said, response.status_code)
    response.raise_for_status()
    video = oembed.json_object(response)
    status = _STATUSES.get(str(video.get("status")))
    if status is not None:
        raise PostGone(status, f"dailymotion {post_id}: status {video.get('status')}")
    if _restricted(video.get("geoblocking")):
        blocked = await _geo_blocked(client, post_id)
        if blocked is not None:
            raise PostGone("geo_blocked", f"dailymotion {post_id}: {blocked}")
    title, description = (
        oembed.text(video.get("title")),
        oembed.html_to_text(oembed.text(video.get("description"))),
    )
    extra = {
        "duration": oembed.as_int(video.get("duration")),
        "language": oembed.text(video.get("language")),
        "tags": video.get("tags") if isinstance(video.get("tags"), list) else None,
        "owner_url": oembed.text(video.get("owner.url")),
        "private": video.get("private") if isinstance(video.get("private"), bool) else None,
        "explicit": video.get("explicit") if isinstance(video.get("explicit"), bool) else None,
        "geoblocking": video.get("geoblocking") if _restricted(video.get("geoblocking")) else None,
    }
    thumbnail = oembed.media(video.get("thumbnail_url"), "thumbnail")
    return PostData(
        platform="dailymotion",
        post_id=post_id,
        url=canonical_url(post_id),
        author_name=oembed.text(video.get("owner.screenname")),
        author_handle=oembed.text(video.get("owner.username")),
        created_at=oembed.iso_datetime(video.get("created_time")),
        text="\n\n".join(part for part in (title, description) if part) or None,
        media=[thumbnail] if thumbnail else [],
        counts=oembed.counts(
            views=video.get("views_total"),
            likes=video.get("likes_total"),
            comments=video.get("comments_total"),
        ),
        extra={k: v for k, v in extra.items() if v is not None},
        raw=response.content,
    )


# For the offline world: the API's answers, shaped on those its documentation shows.


def _answer(body: dict[str, Any], status: int = 200) -> StandInAnswer:
    return StandInAnswer(status, json.dumps(body), "application/json; charset=utf-8")


def _live(post_id: str, text: str, **more: Any) -> StandInAnswer:
    return _answer(
        {
            "id": post_id,
            "title": "Offline report",
            "description": html.escape(text).replace("\n", "<br />"),
            "created_time": 1700000000,
            "duration": 95,
            "language": "en",
            "tags": ["offline"],
            "thumbnail_url": f"https://s1.dmcdn.net/v/offline/{post_id}.jpg",
            "views_total": 1234,
            "likes_total": 56,
            "comments_total": 0,
            "owner.id": "x2offline",
            "owner.screenname": "Offline Newsroom",
            "owner.username": "offline-newsroom",
            "owner.url": "https://www.dailymotion.com/offline-newsroom",
            "private": False,
            "status": "published",
            "geoblocking": ["allow"],
            "explicit": False,
            **more,
        }
    )


def _api_error(code: int, message: str, kind: str, reason: str) -> StandInAnswer:
    error = {"code": code, "message": message, "type": kind, "error_data": {"reason": reason}}
    return _answer(
        {"error": {"more_info": "https://developer.dailymotion.com/api#error-codes", **error}}, code
    )


# What the geo player shows instead of a video it will not play (its error screen's words).
GONE_TEXT = {
    "deleted": "This video has been deleted.",
    "protected": "This video is private.",
    "geo_blocked": "This video is not available in your country.",
    "unavailable": "This video has been removed.",
}


PLATFORM = Platform(
    name="dailymotion",
    url_patterns=(
        r"(?:https?:)?//(?:www\.)?dailymotion\.com/(?:embed/)?video/" + _ID,
        r"(?:https?:)?//(?:www\.)?dai\.ly/" + _ID,
        r"(?:https?:)?//" + _GEO + _ID,
    ),
    canonical_url=canonical_url,
    video=True,
    embed_tags=("amp-dailymotion",),
    url_attributes=("data-videoid", "data-video", "data-href"),
    iframe_patterns=(
        r"dailymotion\.com/(?:embed/video|swf(?:/video)?)/" + _ID,
        _GEO + _ID,
    ),
    detectors=(detect,),
    embed_url=embed_url,
    fetch_data=fetch_data,
    view_states=(
        ViewState("deleted", "body", r"video has been deleted|video does not exist", "deleted"),
        ViewState("protected", "body", r"video is private|password", "private"),
        ViewState("geo_blocked", "body", r"not available in your country|geo-?restricted", "geo-blocked"),
        ViewState("unavailable", "body", r"video has been removed", "removed by Dailymotion"),
    ),
    stand_in=StandIn(
        title="Dailymotion",
        hosts=("geo.dailymotion.com",),
        path=r"/player(?:/[\w-]+)?\.html",
        image_host="s1.dmcdn.net",
        extra="<video></video>",
        data=StandInData(
            host="api.dailymotion.com",
            path=r"/video/(?P<id>x[a-z0-9]+)",
            live=_live,
            gone={
                "deleted": _api_error(
                    404, "Can't find object video for `id' parameter", "not_found", "object_not_found"
                ),
                "protected": _api_error(403, "This video is private.", "access_forbidden", "video_private"),
                "unavailable": _live("x0", "", status="rejected"),
                "geo_blocked": _live("x0", "", geoblocking=["allow", "fr"]),
            },
        ),
        gone={
            status: f'<div class="dmp_ErrorScreen"><p>{words}</p></div>'
            for status, words in GONE_TEXT.items()
        },
    ),
    probe="https://www.dailymotion.com/video/x7tgad0",  # Dailymotion's oEmbed guide
    examples=(
        ("https://www.dailymotion.com/video/x84sh87", "x84sh87"),
        ("https://www.dailymotion.com/video/x2bak9_the-title-of-it_news", "x2bak9"),
        ("https://dai.ly/x9pupog", "x9pupog"),
        ("https://www.dailymotion.com/embed/video/x8j4ob2?autoplay=1", "x8j4ob2"),
        ("https://geo.dailymotion.com/player.html?video=x9pupog", "x9pupog"),
        ("https://geo.dailymotion.com/player/xa1b2.html?mute=true&video=x84sh87", "x84sh87"),
    ),
)
