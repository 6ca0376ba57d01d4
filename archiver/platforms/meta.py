"""What Instagram, Threads and Facebook share: Meta's oEmbed endpoints, and the embed views that
are the fallback and the deletion signal.

A Meta post is read in up to two looks, each Meta's own word:

1. Meta's oEmbed endpoint (graph.facebook.com `instagram_oembed`, `oembed_post`,
   `oembed_video`; graph.threads.net `oembed`): the official answer, an embed code whose
   blockquote carries the text and the author. The access token is not ours to add: the HTTP
   client's innermost transport (archiver.credentials.Credentials) adds meta_access_token to
   the requests archiver.credentials.needs_meta_token names, and raises MissingCredential,
   sending nothing, when the settings hold none.
2. The embed view fetched over HTTP, no browser (instagram.com/p/ID/embed/captioned/,
   threads.com/t/ID/embed, facebook.com/plugins/post.php?href=...): Meta renders it on the
   server, so its HTML carries the post (author, text, photo and video URLs, counts), or
   Meta's own "not available" box instead.

How the answers are read (`fetch`):

- oEmbed answers: the post is live. The view is read too, for the media and what the
  blockquote leaves out; a view that fails then costs only those.
- no token (MissingCredential), an OAuth or permission error (Graph codes 3, 10, 102, 190,
  200-299), or any other refusal to embed the post (a 4xx: Meta's oEmbed does not serve
  private, age-restricted or removed posts, and does not say which): the view alone tells.
- a rate limit (HTTP 429, Graph codes 4, 17, 32, 613), a 5xx, a network error, an answer we
  cannot read: an error, so the post's status stays unknown.
- the view's "not available" box: PostGone("unavailable"). Meta's boxes say "may be broken, or
  the post may have been removed", "Thread not available", "no longer available ... removed or
  the privacy settings ... changed": gone, without saying whether deleted or made private.

Meta's media URLs are signed and expire (fbcdn's `oh`/`oe`); the content hash leaves their
query out (PostData.content), so a new signature is no edit.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

import httpx

from archiver.errors import CaptureError, MissingCredential
from archiver.models import PostData
from archiver.platforms import oembed
from archiver.platforms.base import StandInAnswer

log = logging.getLogger(__name__)

GRAPH = "https://graph.facebook.com/v26.0"
THREADS_GRAPH = "https://graph.threads.net/v1.0"

# Graph API error codes (error.code of Meta's {"error": {...}} answers).
RATE_LIMITED = frozenset({4, 17, 32, 613})  # app, user, page, and per-hour call limits
_OAUTH = frozenset({3, 10, 102, 190})  # capability, permission, session, access token


def _refused_access(code: int) -> bool:
    return code in _OAUTH or 200 <= code <= 299  # 200-299: the permission family


@dataclass
class View:
    """What one look at a post says: the fields read from an oEmbed blockquote or an embed view.
    Everything is optional; `raw` is the answer's bytes exactly as received."""

    url: str | None = None
    author_name: str | None = None
    author_handle: str | None = None
    created_at: str | None = None
    text: str | None = None
    media: list[dict[str, Any]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    raw: bytes = b""


@dataclass(frozen=True)
class Site:
    """One Meta platform, as `fetch` needs it."""

    platform: str
    oembed: str  # the oEmbed endpoint Meta answers the platform's posts on
    canonical_url: Callable[[str], str]  # post id -> the URL oEmbed is asked about
    view_url: Callable[[str], str]  # post id -> its embed view
    # (embed view HTML, post id) -> what it shows; PostGone for Meta's "not available" box,
    # CaptureError when it shows neither the post nor the box.
    read_view: Callable[[str, str], View]
    # (oEmbed html, post id) -> what its blockquote says.
    read_oembed: Callable[[str, str], View]


def fetcher(site: Site) -> Callable[[httpx.AsyncClient, str], Awaitable[PostData]]:
    """The platform's fetch_data: `fetch` for `site`."""

    async def fetch_data(client: httpx.AsyncClient, post_id: str) -> PostData:
        return await fetch(client, site, post_id)

    return fetch_data


async def fetch(client: httpx.AsyncClient, site: Site, post_id: str) -> PostData:
    """The post's data from Meta (see the module docstring for how each answer is read)."""
    answered = await _ask_oembed(client, site, post_id)
    try:
        view = await _read_view(client, site, post_id)
    except (CaptureError, httpx.HTTPError) as exc:
        if answered is None:
            raise
        # oEmbed says the post is there: the view only adds media, so its failure is no verdict.
        log.info("%s %s: embed view not read (%s); oEmbed's answer alone", site.platform, post_id, exc)
        view = None
    return _post_data(site, post_id, view, answered)


async def _ask_oembed(client: httpx.AsyncClient, site: Site, post_id: str) -> View | None:
    """oEmbed's answer, or None when it leaves the verdict to the embed view."""
    url = site.canonical_url(post_id)
    try:
        response = await client.get(site.oembed, params={"url": url}, follow_redirects=True)
    except MissingCredential:
        return None  # no token: nothing was sent
    code = graph_error_code(response)
    if response.status_code == 429 or code in RATE_LIMITED:
        raise httpx.HTTPStatusError(
            f"Meta rate limit (HTTP {response.status_code}, Graph error {code}) from {response.url.host}",
            request=response.request,
            response=response,
        )
    if response.status_code >= 500:
        response.raise_for_status()
    if response.status_code >= 400 or code is not None:
        why = "access refused" if code is not None and _refused_access(code) else "not embeddable"
        log.info(
            "%s %s: oEmbed %s (HTTP %s, Graph error %s)",
            site.platform,
            post_id,
            why,
            response.status_code,
            code,
        )
        return None
    answer = oembed.json_object(response)
    html = oembed.text(answer.get("html"))
    if html is None:
        raise CaptureError(f"{site.platform} {post_id}: Meta's oEmbed answer has no embed code")
    view = site.read_oembed(html, post_id)
    view.raw = response.content
    return view


def graph_error_code(response: httpx.Response) -> int | None:
    """The code of a Graph API error answer ({"error": {"code": N, ...}}), None for any other."""
    if len(response.content) > 65536:
        return None
    try:
        error = json.loads(response.content).get("error")
    except (ValueError, UnicodeDecodeError, AttributeError):
        return None
    return oembed.as_int(error.get("code")) if isinstance(error, dict) else None


async def _read_view(client: httpx.AsyncClient, site: Site, post_id: str) -> View:
    url = site.view_url(post_id)
    response = await client.get(url, follow_redirects=True)
    response.raise_for_status()  # a 404 is no word on the post: Meta answers a gone one with a box
    path = response.url.path
    if path.startswith(("/accounts/login", "/login")):
        raise CaptureError(
            f"{site.platform} {post_id}: the embed view asks to log in (nothing said of the post)"
        )
    view = site.read_view(response.text, post_id)
    view.raw = response.content
    return view


def _post_data(site: Site, post_id: str, view: View | None, answered: View | None) -> PostData:
    """The embed view's fields first (the same whether or not a token was there), oEmbed's where
    the view has none."""
    looks = [look for look in (view, answered) if look is not None]

    def first(name: str) -> Any:
        return next((value for look in looks if (value := getattr(look, name))), None)

    extra: dict[str, Any] = {}
    for look in reversed(looks):
        extra.update(look.extra)
    return PostData(
        platform=site.platform,
        post_id=post_id,
        url=first("url") or site.canonical_url(post_id),
        author_name=first("author_name"),
        author_handle=first("author_handle"),
        created_at=first("created_at"),
        text=first("text"),
        media=first("media") or [],
        counts=first("counts") or {},
        extra=extra,
        raw=looks[0].raw,
    )


# For the offline world: Meta's oEmbed answers (the fields Meta oEmbed Read returns since
# November 2025: no author_name, author_url or thumbnail), and the Graph error the world gives
# for a post oEmbed will not embed (which code Meta gives a gone post is not documented; any
# refusal sends fetch to the embed view, whose box is the verdict).

GRAPH_NOT_EMBEDDABLE = StandInAnswer(
    400,
    '{"error": {"message": "Invalid parameter", "type": "OAuthException", "code": 100, '
    '"fbtrace_id": "AOfflineWorld0"}}',
)


def oembed_answer(provider: str, provider_url: str, width: int, code: str) -> StandInAnswer:
    """An oEmbed answer of Meta's carrying the embed code `code`."""
    fields = {"version": "1.0", "provider_name": provider, "provider_url": provider_url}
    return StandInAnswer(200, json.dumps({**fields, "type": "rich", "width": width, "html": code}))


# Readers the three platforms share.

_SHORTCODE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_MEDIA_EPOCH_MS = 1314220021721  # Instagram's media ids: milliseconds since this, shifted left 23


def shortcode_time(code: str, earliest: datetime) -> str | None:
    """When an Instagram or Threads post was made, read off its shortcode: the shortcode is its
    media id in URL-safe base64, whose top bits count milliseconds since Instagram's epoch.
    None before `earliest` (the oldest ids were sequential, not times) or for a code that is no
    media id (a longer private code keeps the id in its first 11 characters)."""
    digits = code if len(code) <= 12 else code[:11]
    if len(digits) < 10 or any(c not in _SHORTCODE for c in digits):
        return None
    media_id = 0
    for c in digits:
        media_id = media_id * 64 + _SHORTCODE.index(c)
    try:
        moment = datetime.fromtimestamp(((media_id >> 23) + _MEDIA_EPOCH_MS) / 1000, tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None
    if moment < earliest or moment > datetime.now(timezone.utc):
        return None
    return moment.replace(microsecond=0).isoformat()


_SCRIPT_STRING = r'"((?:[^"\\]|\\.){0,2000000})"'


def script_value(html: str, key: str) -> str | None:
    """The string value of `"key":"..."` in a page's inline script (JSON-escaped), decoded."""
    m = re.search(rf'"{re.escape(key)}"\s*:\s*' + _SCRIPT_STRING, html)
    if m is None:
        return None
    try:
        value = json.loads(f'"{m.group(1)}"')
    except ValueError:
        return None
    return value if isinstance(value, str) and value else None


def https_url(value: Any, hosts: tuple[str, ...]) -> str | None:
    """`value` if it is an https URL on one of `hosts` (or their subdomains), else None: a media
    URL from a page is only taken from Meta's own CDNs."""
    if not isinstance(value, str):
        return None
    parts = urlsplit(value.strip())
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" or not any(host == h or host.endswith("." + h) for h in hosts):
        return None
    return value.strip()


def unsigned(url: str) -> str:
    """`url` without its query (tracking parameters Meta adds anew to every link it serves)."""
    return url.split("?", 1)[0].split("#", 1)[0]
