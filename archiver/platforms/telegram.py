"""Telegram channel posts: the telegram-widget.js script (data-telegram-post), t.me ?embed=1 iframes;
data parsed from the widget's own HTML.

The post id is `CHANNEL/MESSAGE`, the form `data-telegram-post` takes, with the channel name
lowercased (Telegram usernames are case-insensitive): `durov/43` is https://t.me/durov/43.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
from bs4 import BeautifulSoup, Tag

from archiver.errors import CaptureError, PostGone
from archiver.models import PostData
from archiver.platforms import oembed
from archiver.platforms.base import Platform, StandIn, query_to

_HOST = r"(?:https?:)?//(?:www\.)?(?:t|telegram)\.(?:me|dog)"
# Usernames: 4-32 characters, a letter first. t.me/s/ is the channel's web preview of the same post.
_POST = r"/(?:s/)?(?P<channel>[A-Za-z][A-Za-z0-9_]{3,31})/(?P<msg>\d{1,10})(?![\d])"
_QUOTED = "tgme_widget_message_reply"  # a replied-to message quoted above the post's own text
_BACKGROUND = re.compile(r"background-image\s*:\s*url\(\s*['\"]?([^'\")]+)")


def make_id(m: re.Match[str]) -> str:
    return f"{m.group('channel').lower()}/{m.group('msg')}"


def canonical_url(post_id: str) -> str:
    return f"https://t.me/{post_id}"


def embed_url(post_id: str) -> str:
    return f"https://t.me/{post_id}?embed=1"


def _count(value: str | None) -> int | None:
    """Telegram's rounded view counts: "912", "33.4K", "1.2M"."""
    m = re.fullmatch(r"\s*([\d.,]+)\s*([KMB]?)\s*", value or "", re.IGNORECASE)
    if not m:
        return None
    try:
        number = float(m.group(1).replace(",", ""))
    except ValueError:
        return None
    return round(number * {"": 1, "K": 1e3, "M": 1e6, "B": 1e9}[m.group(2).upper()])


def _background(tag: Tag) -> str | None:
    m = _BACKGROUND.search(str(tag.get("style") or ""))
    return m.group(1) if m else None


def _media(message: Tag) -> list[dict[str, Any]]:
    items: list[dict[str, Any] | None] = []
    for photo in message.select(".tgme_widget_message_photo_wrap"):
        items.append(oembed.media(_background(photo), "photo"))
    for video in message.select("video"):
        wrap = video.find_parent(class_="tgme_widget_message_video_player")
        thumb = wrap.select_one(".tgme_widget_message_video_thumb") if isinstance(wrap, Tag) else None
        items.append(oembed.media(video.get("src"), "video", preview=_background(thumb) if thumb else None))
    for player in message.select(".tgme_widget_message_video_player"):
        if player.select_one("video") is None:  # too large to play inline: only the thumbnail
            thumb = player.select_one(".tgme_widget_message_video_thumb")
            items.append(oembed.media(_background(thumb) if thumb else None, "thumbnail"))
    return [item for item in items if item]


def parse_widget(html: bytes | str, post_id: str) -> PostData:
    """PostData from the HTML of https://t.me/CHANNEL/ID?embed=1; PostGone for its error box."""
    soup = BeautifulSoup(html, "html.parser")
    error = soup.select_one(".tgme_widget_message_error")
    if error is not None:
        message = " ".join(error.get_text(" ").split()) or "error"
        lowered = message.lower()
        status = (
            "protected" if "private" in lowered else "deleted" if "not found" in lowered else "unavailable"
        )
        raise PostGone(status, f"Telegram post {post_id}: {message}")
    message_tag = soup.select_one(".tgme_widget_message[data-post]") or soup.select_one(
        ".tgme_widget_message"
    )
    if message_tag is None:
        raise CaptureError(f"Telegram post {post_id}: the widget has no message")
    owner = message_tag.select_one(".tgme_widget_message_owner_name")
    body = next(
        (t for t in message_tag.select(".tgme_widget_message_text") if not t.find_parent(class_=_QUOTED)),
        None,
    )
    when = message_tag.select_one(".tgme_widget_message_date time[datetime]")
    meta = message_tag.select_one(".tgme_widget_message_meta")
    views = message_tag.select_one(".tgme_widget_message_views")
    forwarded = message_tag.select_one(".tgme_widget_message_forwarded_from_name")
    preview = message_tag.select_one("a.tgme_widget_message_link_preview")
    channel = str(message_tag.get("data-post") or post_id).split("/")[0]
    extra: dict[str, Any] = {}
    if meta is not None and "edited" in meta.get_text(" ").lower():
        extra["edited"] = True
    if forwarded is not None:
        extra["forwarded_from"] = " ".join(forwarded.get_text(" ").split())
    if preview is not None and preview.get("href"):
        extra["link"] = {"url": preview.get("href")}
    view_count = _count(views.get_text() if views else None)
    return PostData(
        platform="telegram",
        post_id=post_id,
        url=canonical_url(post_id),
        author_name=oembed.text(owner.get_text(" ")) if owner else None,
        author_handle=channel or None,
        created_at=oembed.iso_datetime(when.get("datetime")) if when else None,
        text=oembed.html_to_text(body.decode_contents()) if body else None,
        media=_media(message_tag),
        counts={"views": view_count} if view_count is not None else {},
        extra=extra,
        raw=html.encode() if isinstance(html, str) else html,
    )


async def fetch_data(client: httpx.AsyncClient, post_id: str) -> PostData:
    """The post's widget HTML (what the embed script loads), read like the widget shows it."""
    response = await oembed.get(client, embed_url(post_id) + "&mode=tme")
    return parse_widget(response.content, post_id)


PLATFORM = Platform(
    name="telegram",
    url_patterns=(_HOST + _POST,),
    canonical_url=canonical_url,
    video=True,
    make_id=make_id,
    id_attributes=("data-telegram-post",),
    iframe_patterns=(
        r"(?:t|telegram)\.(?:me|dog)/(?:s/)?(?P<id>[A-Za-z][A-Za-z0-9_]{3,31}/\d{1,10})(?!\d)"
        + query_to("embed"),
    ),
    embed_url=embed_url,
    render_selector=".tgme_widget_message",
    fetch_data=fetch_data,
    stand_in=StandIn(
        title="Telegram",
        hosts=("t.me",),
        path=r"/(?:s/)?\w+/\d+",
        image_host="cdn4.telegram-cdn.org",
        classes="tgme_widget_message js-widget_message",
    ),
    probe="https://t.me/durov/68",  # Telegram's Post Widget docs
    examples=(
        ("https://t.me/durov/43", "durov/43"),
        ("https://t.me/s/topwar_official/70991", "topwar_official/70991"),
        ("https://telegram.me/Durov/43?single", "durov/43"),
        ("https://t.me/nexta_live/12345?embed=1&mode=tme", "nexta_live/12345"),
    ),
)
