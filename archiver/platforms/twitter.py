"""X/Twitter: blockquote.twitter-tweet, rendered iframes, amp-twitter; data from the syndication CDN."""

from __future__ import annotations

import json
import math
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from archiver.errors import CaptureError, PostGone
from archiver.models import PostData
from archiver.platforms.base import DATE_LINE, Platform, TextForm, query_to

if TYPE_CHECKING:
    import httpx

_HOST = r"(?:https?:)?//(?:www\.|mobile\.|m\.)?(?:twitter|x)\.com"
# A media short link (pic.twitter.com/ukSCQjXCXD), or a t.co link, without its scheme.
_SHORT = r"(?:pic\.(?:twitter|x)\.com|t\.co)/[A-Za-z0-9]{4,}"


def canonical_url(post_id: str) -> str:
    return f"https://twitter.com/i/status/{post_id}"


def embed_url(post_id: str) -> str:
    return f"https://platform.twitter.com/embed/Tweet.html?id={post_id}"


# --- Structured data: the syndication CDN the embed widget itself reads -----------------------

SYNDICATION_URL = "https://cdn.syndication.twimg.com/tweet-result"
_BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"


def _js_radix_string(value: float, base: int = 36) -> str:
    """`value.toString(base)` as JavaScript engines write a positive double.

    Fraction digits stop once they are below the double's own precision (half the gap to the
    next double), rounding half to even with carry; the token depends on these exact digits.
    """
    integer = math.floor(value)
    fraction = value - integer
    delta = max(0.5 * (math.nextafter(value, math.inf) - value), math.ulp(0.0))
    digits: list[int] = []
    if fraction >= delta:
        while True:
            fraction *= base
            delta *= base
            digit = int(fraction)
            digits.append(digit)
            fraction -= digit
            if (fraction > 0.5 or (fraction == 0.5 and digit & 1)) and fraction + delta > 1:
                while True:  # round up, carrying into earlier digits and the integer part
                    if not digits:
                        integer += 1
                        break
                    last = digits.pop() + 1
                    if last < base:
                        digits.append(last)
                        break
                break
            if fraction < delta:
                break
    whole = ""
    n = int(integer)
    while True:
        n, r = divmod(n, base)
        whole = _BASE36[r] + whole
        if n == 0:
            break
    return whole + ("." + "".join(_BASE36[d] for d in digits) if digits else "")


def syndication_token(tweet_id: str | int) -> str:
    """The `token` the embed widget sends: (id / 1e15 * π) in base 36, zeros and dot removed."""
    text = _js_radix_string(int(tweet_id) / 1e15 * math.pi)
    return text.replace("0", "").replace(".", "")


def data_url(tweet_id: str) -> str:
    return f"{SYNDICATION_URL}?id={tweet_id}&token={syndication_token(tweet_id)}&lang=en"


async def fetch_data(client: httpx.AsyncClient, post_id: str) -> PostData:
    """The tweet's syndication JSON, normalized. PostGone when Twitter says it is not there."""
    response = await client.get(data_url(post_id))
    if response.status_code == 404:
        raise PostGone("deleted", f"twitter: tweet {post_id} not found (HTTP 404)", 404)
    if response.status_code == 429 or response.status_code >= 500:
        response.raise_for_status()  # transient: the capture retries these
    if response.status_code != 200:
        raise CaptureError(f"twitter: syndication answered HTTP {response.status_code} for {post_id}")
    try:
        answer = json.loads(response.content)
    except ValueError:
        raise CaptureError(f"twitter: syndication answer for {post_id} is not JSON") from None
    if not isinstance(answer, dict):
        raise CaptureError(f"twitter: syndication answer for {post_id} is not an object")
    return normalize(answer, raw=response.content, post_id=post_id)


# What a tombstone or an unavailable answer says, first match wins.
_GONE_REASONS = (
    ("suspend", "suspended"),
    ("protected", "protected"),
    ("limits who can view", "protected"),
    ("approved followers", "protected"),
    ("deleted", "deleted"),
    ("withheld", "unavailable"),
    ("age-restricted", "unavailable"),
    ("nsfw", "unavailable"),
)


def _gone_status(reason: str) -> str:
    reason = reason.lower()
    for needle, status in _GONE_REASONS:
        if needle in reason:
            return status
    return "unavailable"


def _raise_if_gone(answer: dict[str, Any], post_id: str | None) -> None:
    which = f"tweet {post_id}" if post_id else "tweet"
    if not answer:
        raise PostGone("unavailable", f"twitter: empty answer for {which}")
    kind = answer.get("__typename")
    if kind == "TweetTombstone":
        text = _dig(answer, "tombstone", "text", "text") or ""
        raise PostGone(_gone_status(text), f"twitter: {which}: {text or 'tombstone without text'}")
    if kind == "TweetUnavailable":
        reason = str(answer.get("reason") or "")
        raise PostGone(_gone_status(reason), f"twitter: {which} unavailable ({reason or 'no reason given'})")
    if not answer.get("id_str"):
        raise PostGone("unavailable", f"twitter: answer for {which} holds no tweet")


def _dig(value: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


# https://HOST/PATH.EXT with no query, fragment, or anything urlsplit would clean or urlencode
# would quote: the original-size form is then a plain rewrite of its end.
_PLAIN_PHOTO = re.compile(r"https://[A-Za-z0-9.-]+/[A-Za-z0-9_/%.-]*\.[A-Za-z0-9]+")


def _photo_url(url: str) -> str:
    """pbs.twimg.com/media/NAME.jpg -> the original-size form NAME?format=jpg&name=orig."""
    if _PLAIN_PHOTO.fullmatch(url):  # the usual form: the same rewrite, without parsing it
        stem, _, ext = url.rpartition(".")
        return f"{stem}?format={ext}&name=orig"
    parts = urlsplit(url)
    path, dot, ext = parts.path.rpartition(".")
    if not dot or "/" in ext:
        return url
    query = dict(parse_qsl(parts.query))
    query.update({"format": ext, "name": "orig"})
    return urlunsplit((parts.scheme or "https", parts.netloc, path, urlencode(query), ""))


def _best_mp4(variants: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The best MP4 among video variants (both spellings): highest bitrate, else largest frame.

    The flattened `video.variants` carry no bitrate; their URLs name the frame size (/1280x720/).
    """
    best: dict[str, Any] | None = None
    best_rank = (-1, -1)
    for variant in variants:
        kind = variant.get("content_type") or variant.get("type")
        url = variant.get("url") or variant.get("src")
        if kind != "video/mp4" or not url:
            continue
        bitrate = int(variant.get("bitrate") or 0)
        frame = re.search(r"/(\d+)x(\d+)/", url)
        rank = (bitrate, int(frame.group(1)) * int(frame.group(2)) if frame else 0)
        if rank > best_rank:
            best, best_rank = {"url": url, "bitrate": bitrate or None, "content_type": kind}, rank
    return best


def _media(answer: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for item in answer.get("mediaDetails") or []:
        kind = item.get("type")
        preview = item.get("media_url_https")
        size = item.get("original_info") or {}
        entry: dict[str, Any] = {
            "alt": item.get("ext_alt_text"),
            "width": size.get("width"),
            "height": size.get("height"),
        }
        if kind == "photo" and preview:
            found.append({"type": "photo", "url": _photo_url(preview), **entry})
        elif kind in ("video", "animated_gif"):
            info = item.get("video_info") or {}
            best = _best_mp4(info.get("variants") or [])
            if best is None:
                continue
            found.append(
                {
                    "type": "video" if kind == "video" else "gif",
                    "url": best["url"],
                    "bitrate": best["bitrate"],
                    "duration_ms": info.get("duration_millis"),
                    "preview": preview,
                    **entry,
                }
            )
    if found:
        return found
    # Older answers carry only the flattened `photos` and `video` fields.
    for photo in answer.get("photos") or []:
        if photo.get("url"):
            found.append(
                {
                    "type": "photo",
                    "url": _photo_url(photo["url"]),
                    "alt": photo.get("accessibilityLabel"),
                    "width": photo.get("width"),
                    "height": photo.get("height"),
                }
            )
    video = answer.get("video") or {}
    best = _best_mp4(video.get("variants") or [])
    if best is not None:
        found.append(
            {
                "type": "video",
                "url": best["url"],
                "bitrate": best["bitrate"],
                "duration_ms": video.get("durationMs"),
                "preview": video.get("poster"),
                "alt": None,
            }
        )
    return found


def _text(answer: dict[str, Any]) -> str | None:
    text = answer.get("text") or answer.get("full_text")
    note = _dig(answer, "note_tweet", "note_tweet_results", "result", "text") or _dig(
        answer, "note_tweet", "text"
    )
    if isinstance(note, str) and len(note) > len(text or ""):
        return note
    return text if isinstance(text, str) else None


def normalize(answer: dict[str, Any], raw: bytes | None = None, post_id: str | None = None) -> PostData:
    """A syndication `tweet-result` answer as PostData; PostGone for tombstones and empty answers.

    Lenient: only the id is required, every other field is taken when present.
    """
    if answer.get("__typename") == "TweetWithVisibilityResults" and isinstance(answer.get("tweet"), dict):
        answer = answer["tweet"]
    _raise_if_gone(answer, post_id)
    tweet_id = str(answer["id_str"])
    user = answer.get("user") or {}
    handle = user.get("screen_name")
    counts = {
        name: int(answer[key])
        for name, key in (
            ("likes", "favorite_count"),
            ("replies", "conversation_count"),
            ("retweets", "retweet_count"),
            ("quotes", "quote_count"),
        )
        if isinstance(answer.get(key), int)
    }
    edit = answer.get("edit_control") or {}
    extra: dict[str, Any] = {
        "user_id": user.get("id_str"),
        "verified": bool(user.get("verified") or user.get("is_blue_verified")),
        "quoted_id": _dig(answer, "quoted_tweet", "id_str"),
        "in_reply_to_id": answer.get("in_reply_to_status_id_str") or _dig(answer, "parent", "id_str"),
        "in_reply_to_handle": answer.get("in_reply_to_screen_name"),
        "edit_ids": list(
            edit.get("edit_tweet_ids") or _dig(edit, "edit_control_initial", "edit_tweet_ids") or []
        ),
        "initial_id": edit.get("initial_tweet_id"),
        "is_edited": answer.get("isEdited"),
        "possibly_sensitive": answer.get("possibly_sensitive"),
        "urls": [u["expanded_url"] for u in _dig(answer, "entities", "urls") or [] if u.get("expanded_url")],
        "card_url": _dig(answer, "card", "url"),
    }
    return PostData(
        platform="twitter",
        post_id=tweet_id,
        url=f"https://twitter.com/{handle}/status/{tweet_id}" if handle else canonical_url(tweet_id),
        author_name=user.get("name"),
        author_handle=handle,
        created_at=answer.get("created_at"),
        text=_text(answer),
        lang=answer.get("lang"),
        media=_media(answer),
        counts=counts,
        extra={k: v for k, v in extra.items() if v not in (None, [], "")},
        raw=raw if raw is not None else json.dumps(answer, ensure_ascii=False).encode(),
    )


# A tweet's blockquote, stripped of its class (or copied as text), reads
#
#   Ukraine has captured ... pic.twitter.com/ukSCQjXCXD — OSINT Aggregator (@AggregateOsint) August 7, 2024
#
# that is: the tweet's text, its media short links, then the signature: a dash, the author's
# name, "(@handle)" and the date line.
TEXT_FORM = TextForm(
    signature=re.compile(
        r"(?:[—–―]|(?<!\S)--?(?=\s))[ \t\u00a0]*(?P<name>[^\n\r—–()@]{1,80}?)[ \t\u00a0]*"
        r"\(@(?P<handle>[A-Za-z0-9_]{1,15})\)[ \t\u00a0]*" + DATE_LINE
    ),
    media_link=re.compile(r"(?:https?://)?" + _SHORT),
)


PLATFORM = Platform(
    name="twitter",
    url_patterns=(_HOST + r"/(?:#!/)?(?:[A-Za-z0-9_]{1,20}|i/web|i)/status(?:es)?/(?P<id>\d{2,20})(?!\d)",),
    canonical_url=canonical_url,
    id_shape=r"[1-9]\d{1,18}",  # a signed 64-bit number: at most 19 digits
    aliases=("tweet",),
    video=True,
    embed_classes=("twitter-tweet", "twitter-video"),
    embed_tags=("amp-twitter",),
    url_attributes=("cite", "data-href", "data-url", "data-tweetid", "data-tweet-id"),
    # Rendered widgets keep the id on the iframe (even with no src, or a saved local copy).
    id_attributes=("data-tweet-id", "data-tweetid"),
    iframe_patterns=(
        r"platform\.(?:twitter|x)\.com/embed/(?:Tweet|index)\.html"
        + query_to("id")
        + r"(?P<id>\d{2,20})(?!\d)",
        r"twitframe\.com/show" + query_to("url") + r"(?P<url>[^&\"'\s]+)",
        r"(?:twitter|x)\.com/i/videos/(?:tweet/)?(?P<id>\d{2,20})(?!\d)",  # the video player's own embed
    ),
    short_links=(r"(?:https?:)?//" + _SHORT,),
    text_form=TEXT_FORM,
    embed_url=embed_url,
    render_selector="article",
    fetch_data=fetch_data,
    probe="https://x.com/jack/status/20",  # the first tweet
    examples=(
        ("https://twitter.com/AggregateOsint/status/1821183329484083200", "1821183329484083200"),
        ("https://x.com/nexta_tv/statuses/1821176355424186769?ref_src=twsrc%5Etfw", "1821176355424186769"),
        ("https://mobile.twitter.com/i/web/status/1821176355424186769", "1821176355424186769"),
        ("https://twitter.com/ironshay/statuses/370525864523743232", "370525864523743232"),
        ("https://twitter.com/#!/jack/status/20", "20"),
    ),
)
