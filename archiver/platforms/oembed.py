"""What every platform's data fetch shares: one GET read as the platform's verdict, and lenient readers.

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
    """One media item as PostData keeps it: url, type, alt (and anything else known)."""
    if not isinstance(url, str) or not url:
        return None
    item: dict[str, Any] = {"url": url, "type": kind, "alt": text(alt)}
    item.update({k: v for k, v in more.items() if v is not None})
    return item
