"""What every platform's data fetch shares: one GET read as the platform's verdict, oEmbed answers
as PostData, and lenient readers.

A fetch_data function asks its platform one or two questions over HTTP. The answer is one of:

- the post's data, normalized into PostData (fields the platform left out stay empty);
- `PostGone(status, ...)` when the platform itself says the post is not there: each caller
  names which HTTP statuses mean what for its platform (`gone`), since only it knows that a
  Mastodon 404 is "deleted" while a Reddit 403 with reason "private" is "protected";
- any other failure (DNS, timeout, 429, 5xx, a 401 from a locked-down instance) escapes as an
  httpx error: `httpx.HTTPStatusError` carries the response, so a caller can honour
  Retry-After. None of these is ever read as "deleted".
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

import httpx
from bs4 import BeautifulSoup

from archiver.errors import CaptureError, PostGone
from archiver.models import PostData

log = logging.getLogger(__name__)

# The usual meaning of a missing resource. 404 and 410 only: a 400 or 403 says nothing certain.
GONE_IF_MISSING: Mapping[int, str] = {404: "deleted", 410: "deleted"}


async def get(
    client: httpx.AsyncClient,
    url: str,
    *,
    params: Mapping[str, str] | None = None,
    gone: Mapping[int, str] = GONE_IF_MISSING,
) -> httpx.Response:
    """GET `url`; PostGone for the statuses in `gone`, HTTPStatusError for any other failure."""
    response = await client.get(url, params=params, follow_redirects=True)
    status = gone.get(response.status_code)
    if status is not None:
        raise PostGone(status, f"{response.url}: HTTP {response.status_code}", response.status_code)
    response.raise_for_status()
    return response


def json_body(response: httpx.Response) -> Any:
    """The response parsed as JSON; CaptureError (not a post status) when it is not JSON."""
    try:
        return json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        raise CaptureError(f"{response.url}: answer is not JSON") from None


def json_object(response: httpx.Response) -> dict[str, Any]:
    data = json_body(response)
    if not isinstance(data, dict):
        raise CaptureError(f"{response.url}: expected a JSON object")
    return data


async def fetch_oembed(
    client: httpx.AsyncClient,
    endpoint: str,
    post_url: str,
    *,
    gone: Mapping[int, str] = GONE_IF_MISSING,
) -> tuple[dict[str, Any], bytes]:
    """Ask an oEmbed endpoint about `post_url`: its JSON object and the raw bytes."""
    response = await get(client, endpoint, params={"url": post_url, "format": "json"}, gone=gone)
    return json_object(response), response.content


async def fetch_post(
    client: httpx.AsyncClient,
    platform: str,
    post_id: str,
    endpoint: str,
    post_url: str,
    *,
    gone: Mapping[int, str] = GONE_IF_MISSING,
    gone_bodies: Mapping[str, str] | None = None,
) -> PostData:
    """A post's PostData from its platform's oEmbed endpoint.

    `gone_bodies`: answers that are no JSON but a verdict (YouTube answers a private video with
    a bare "Forbidden"), mapped to a post status.
    """
    response = await get(client, endpoint, params={"url": post_url, "format": "json"}, gone=gone)
    verdict = (gone_bodies or {}).get(response.text.strip()) if len(response.content) < 100 else None
    if verdict is not None:
        raise PostGone(verdict, f"{platform} {post_id}: {response.text.strip()}", response.status_code)
    return post_from_oembed(platform, post_id, post_url, json_object(response), response.content)


# Query parameters of signed, expiring media URLs (TikTok's x-expires/x-signature, S3's, fbcdn's oe).
_EXPIRING = re.compile(r"[?&](?:x-expires|x-signature|expires|x-amz-expires|x-amz-signature|oe)=", re.I)


def post_from_oembed(platform: str, post_id: str, url: str, data: dict[str, Any], raw: bytes) -> PostData:
    """What an oEmbed answer says of a post: title (and description) as text, author, thumbnail.

    The author's handle is the last part of author_url (youtube.com/@name, tiktok.com/@name,
    vimeo.com/name), without its @. The embed HTML and anything else known go in extra.
    """
    author_url = text(data.get("author_url")) or ""
    handle = text(author_url.split("?")[0].rstrip("/").rsplit("/", 1)[-1].lstrip("@")) if author_url else None
    title, description = text(data.get("title")), text(data.get("description"))
    thumbnail_url = data.get("thumbnail_url")
    if isinstance(thumbnail_url, str) and _EXPIRING.search(thumbnail_url):
        thumbnail_url = None  # signed anew on every answer: it would make the data differ each time
    thumbnail = media(
        thumbnail_url,
        "thumbnail",
        width=as_int(data.get("thumbnail_width")),
        height=as_int(data.get("thumbnail_height")),
    )
    extra = {
        "embed_html": data.get("html") if isinstance(data.get("html"), str) else None,
        "author_url": author_url or None,
        "duration": as_int(data.get("duration")),
        "upload_date": text(data.get("upload_date")),
    }
    return PostData(
        platform=platform,
        post_id=post_id,
        url=url,
        author_name=text(data.get("author_name")),
        author_handle=handle,
        created_at=iso_datetime(data.get("upload_date")),
        text="\n\n".join(part for part in (title, description) if part) or None,
        media=[thumbnail] if thumbnail else [],
        extra={k: v for k, v in extra.items() if v is not None},
        raw=raw,
    )


def mapping(value: Any) -> dict[str, Any]:
    """`value` if it is a JSON object, else an empty one: nested reads never fail."""
    return value if isinstance(value, dict) else {}


def text(value: Any) -> str | None:
    """A non-empty stripped string, or None."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return None


def as_int(value: Any) -> int | None:
    """An integer from an int or a numeric string ("1,234" too); None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        digits = value.strip().replace(",", "")
        if digits.isdigit():
            return int(digits)
    return None


def counts(**values: Any) -> dict[str, int]:
    """The counts that are really numbers (a missing count is left out, not zero)."""
    return {name: n for name, value in values.items() if (n := as_int(value)) is not None}


def iso_datetime(value: Any) -> str | None:
    """An ISO 8601 UTC timestamp from an ISO string or epoch seconds; None when unreadable."""
    try:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            moment = datetime.fromtimestamp(value, tz=timezone.utc)
        elif isinstance(value, str) and value.strip():
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=timezone.utc)
        else:
            return None
    except (ValueError, OverflowError, OSError):
        log.debug("unreadable date %r", value)
        return None
    return moment.astimezone(timezone.utc).isoformat()


_LINE, _PARAGRAPH = "\u2028", "\u2029"  # stand-ins for breaks while whitespace collapses


def html_to_text(html: str | None) -> str | None:
    """Readable text of a post's HTML body: line breaks kept, paragraphs separated by a blank line."""
    if not html:
        return None
    soup = BeautifulSoup(html, "html.parser")
    # Source whitespace collapses as a browser would; only <br> and <p> break lines.
    for br in soup.find_all("br"):
        br.replace_with(_LINE)
    for paragraph in soup.find_all("p"):
        paragraph.insert_after(_PARAGRAPH)
    flat = re.sub(r"[ \t\r\n\f]+", " ", soup.get_text())
    flat = flat.replace(_PARAGRAPH, "\n\n").replace(_LINE, "\n")
    flat = re.sub(r" *\n *", "\n", flat)
    return text(re.sub(r"\n{3,}", "\n\n", flat))


def media(url: Any, kind: str, alt: Any = None, **more: Any) -> dict[str, Any] | None:
    """One media item as PostData keeps it: url, type, alt (and anything else known, as preview).

    Types, the same for every platform: photo, video, gif (what capture downloads), audio, hls
    (a streaming playlist), thumbnail.
    """
    if not isinstance(url, str) or not url:
        return None
    item: dict[str, Any] = {"url": url, "type": kind, "alt": text(alt)}
    item.update({k: v for k, v in more.items() if v is not None})
    return item
