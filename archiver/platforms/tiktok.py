"""TikTok: blockquote.tiktok-embed (cite, data-video-id), embed/player iframes; data from the post
page's rehydration JSON, oEmbed when the page cannot be read.

The post id is the numeric video id. TikTok serves a video whatever username its URL carries,
so the canonical URL leaves the username out.
"""

from __future__ import annotations

import html
import json
import logging
import re
from typing import Any

import httpx

from archiver.errors import PostGone
from archiver.models import PostData
from archiver.platforms import oembed
from archiver.platforms.base import Platform, StandIn, ViewState

log = logging.getLogger(__name__)

_HOST = r"(?:https?:)?//(?:www\.|m\.)?tiktok\.com"
_ID = r"(?P<id>\d{6,25})(?!\d)"
OEMBED = "https://www.tiktok.com/oembed"


def canonical_url(post_id: str) -> str:
    return f"https://www.tiktok.com/@/video/{post_id}"


def embed_url(post_id: str) -> str:
    return f"https://www.tiktok.com/embed/v2/{post_id}"


# The post page's state for the web app: a script of JSON whose "webapp.video-detail" holds
# the video (itemInfo.itemStruct) or TikTok's statusCode and statusMsg for why not.
_REHYDRATION = re.compile(
    r'<script[^>]+\bid="__UNIVERSAL_DATA_FOR_REHYDRATION__"[^>]*>(?P<json>.*?)</script>', re.S
)
# statusCode: 10216 a private post, 10222 a private account (yt-dlp's tiktok extractor).
_CODES = {10216: "protected", 10222: "protected"}
# 10204 says why in its statusMsg, as TikTok's pages write it: "item doesn't exist",
# "item_privacy_authorization&status_deleted", "cross_border_violation_ur" (withheld where asked
# from). Searched in order; any other word (an empty one is what an IP block gives) is no status.
_MESSAGES = (
    (r"status_deleted|doesn't exist|not exist", "deleted"),
    (r"cross_border|region", "geo_blocked"),
    (r"private", "protected"),
)


def page_status(detail: dict[str, Any]) -> str | None:
    """The post status a video-detail's statusCode and statusMsg say, None when they say none."""
    code = oembed.as_int(detail.get("statusCode"))
    if code in _CODES:
        return _CODES[code]
    message = (oembed.text(detail.get("statusMsg")) or "").lower()
    if code == 10204:
        for words, status in _MESSAGES:
            if re.search(words, message):
                return status
    return None


async def _page(client: httpx.AsyncClient, post_id: str) -> tuple[dict[str, Any], bytes] | None:
    """The post page's video-detail and its script's bytes; None when the page could not be had
    or carries no such script (TikTok's bot challenge serves a page without one)."""
    try:
        response = await client.get(canonical_url(post_id), follow_redirects=True)
        response.raise_for_status()
    except httpx.HTTPError as exc:
        log.debug("tiktok %s: no post page: %s", post_id, exc)
        return None
    found = _REHYDRATION.search(response.text)
    try:
        state = json.loads(found["json"]) if found else None
    except ValueError:
        state = None
    detail = oembed.mapping(
        oembed.mapping(oembed.mapping(state).get("__DEFAULT_SCOPE__")).get("webapp.video-detail")
    )
    return (detail, found["json"].encode()) if detail and found else None


def post_from_item(post_id: str, item: dict[str, Any], raw: bytes) -> PostData:
    """A video's PostData from the page's itemStruct (its cover URLs are signed anew on every
    answer: kept in raw, not as data)."""
    author = oembed.mapping(item.get("author"))
    handle = oembed.text(author.get("uniqueId"))
    stats = {**oembed.mapping(item.get("stats")), **oembed.mapping(item.get("statsV2"))}
    video, music = oembed.mapping(item.get("video")), oembed.mapping(item.get("music"))
    extra = {
        "duration": oembed.as_int(video.get("duration")),
        "music": oembed.text(music.get("title")),
        "location_created": oembed.text(item.get("locationCreated")),
    }
    return PostData(
        platform="tiktok",
        post_id=post_id,
        url=f"https://www.tiktok.com/@{handle}/video/{post_id}" if handle else canonical_url(post_id),
        author_name=oembed.text(author.get("nickname")),
        author_handle=handle,
        created_at=oembed.iso_datetime(oembed.as_int(item.get("createTime"))),
        text=oembed.text(item.get("desc")),
        counts=oembed.counts(
            views=stats.get("playCount"),
            likes=stats.get("diggCount"),
            comments=stats.get("commentCount"),
            shares=stats.get("shareCount"),
            saves=stats.get("collectCount"),
        ),
        extra={k: v for k, v in extra.items() if v is not None},
        raw=raw,
    )


async def fetch_data(client: httpx.AsyncClient, post_id: str) -> PostData:
    """The post page's video-detail: the video, or TikTok's statusCode for why not (private post
    or account: protected; 10204 with "doesn't exist"/"status_deleted": deleted, with
    "cross_border_violation": geo_blocked). Any other code, or no readable page (a bot challenge,
    an HTTP error), leaves it to oEmbed: 404/410 deleted, a 200 that describes nothing
    unavailable. TikTok's oEmbed 400 answers a removed or private video and a URL it cannot read
    alike, so it stays an error ("unknown this time"), never a status.
    """
    page = await _page(client, post_id)
    if page is not None:
        detail, raw = page
        item = oembed.mapping(oembed.mapping(detail.get("itemInfo")).get("itemStruct"))
        if item and not oembed.as_int(detail.get("statusCode")):
            data = post_from_item(post_id, item, raw)
            data.extra["source"] = "page"  # (a re-check can tell a new source from an edit)
            return data
        status = page_status(detail)
        if status is not None:
            code, message = detail.get("statusCode"), oembed.text(detail.get("statusMsg")) or ""
            raise PostGone(status, f"TikTok video {post_id}: statusCode {code} {message}".strip())
    url = canonical_url(post_id)
    answer, raw_answer = await oembed.fetch_oembed(client, OEMBED, url)
    if not any(answer.get(k) for k in ("html", "title", "author_name", "embed_product_id")):
        message = oembed.text(answer.get("status_msg")) or oembed.text(answer.get("message")) or "no data"
        raise PostGone("unavailable", f"TikTok video {post_id}: {message}")
    data = oembed.post_from_oembed("tiktok", post_id, url, answer, raw_answer)
    data.author_handle = oembed.text(answer.get("author_unique_id")) or data.author_handle
    if data.author_handle:
        data.url = f"https://www.tiktok.com/@{data.author_handle}/video/{post_id}"
    data.extra["source"] = "oembed"
    data.extra["fallback"] = True  # the page did not answer: oEmbed's caption alone
    return data


# What the embed view shows for a video it cannot play, in TikTok's words.
GONE_TEXT = {
    "protected": "This video is private",
    "unavailable": "Video currently unavailable",
}


PLATFORM = Platform(
    name="tiktok",
    url_patterns=(
        _HOST + r"/@[\w.-]*/(?:video|photo)/" + _ID,
        _HOST + r"/(?:embed/v2|embed|player/v1)/" + _ID,
        _HOST + r"/v/" + _ID,
        r"(?:https?:)?//(?:www\.)?tiktok(?:v)?\.com/share/video/" + _ID,
    ),
    canonical_url=canonical_url,
    id_shape=r"\d{15,20}",  # a 64-bit video id (19 digits today)
    video=True,
    embed_classes=("tiktok-embed",),
    embed_tags=("amp-tiktok",),  # amp.dev: data-src is the video's URL or its id
    url_attributes=("cite", "data-video-id", "data-src"),
    iframe_patterns=(r"tiktok\.com/(?:embed/v2|embed|player/v1)/(?P<id>\d{6,25})(?!\d)",),
    short_links=(
        r"(?:https?:)?//(?:vm|vt)\.tiktok\.com/[A-Za-z0-9]+",
        r"(?:https?:)?//(?:www\.)?tiktok\.com/t/\w+",
    ),
    embed_url=embed_url,
    render_selector="video",
    fetch_data=fetch_data,
    view_states=(
        ViewState("protected", "body", r"this video is private", "a private video"),
        ViewState("unavailable", "body", r"video (is |currently )?unavailable", "TikTok gives no reason"),
    ),
    stand_in=StandIn(
        title="TikTok",
        hosts=("www.tiktok.com",),
        path=r"/embed(?:/v2)?/\d+",
        image_host="p16-sign.tiktokcdn.com",
        extra="<video></video>",
        gone={
            status: f'<div class="video-unavailable"><p>{html.escape(words)}</p></div>'
            for status, words in GONE_TEXT.items()
        },
    ),
    probe="https://www.tiktok.com/@scout2015/video/6718335390845095173",  # TikTok's embed docs
    examples=(
        ("https://www.tiktok.com/@a3noticias/video/6806030056956251397", "6806030056956251397"),
        (
            "https://www.tiktok.com/@scout2015/video/6718335390845095173?is_from_webapp=1",
            "6718335390845095173",
        ),
        ("https://www.tiktok.com/embed/v2/6718335390845095173", "6718335390845095173"),
        ("https://www.tiktok.com/player/v1/6718335390845095173?autoplay=0", "6718335390845095173"),
        ("https://m.tiktok.com/v/6718335390845095173.html", "6718335390845095173"),
        ("https://www.tiktok.com/@bellapoarch/photo/7156262356339043627", "7156262356339043627"),
    ),
)
