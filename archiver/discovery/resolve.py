"""Follow short links (t.co, pic.twitter.com, vm.tiktok.com, fb.watch) to the post they name.

An embed found without a post id (a flattened tweet, known by its pic.twitter.com link) gets
one here. Redirects are followed by hand, a bounded number of hops within a time budget, and
the walk stops at the first URL that is a known post: the post's own page is never fetched.
A link that does not lead to a post stays as found.
"""

from __future__ import annotations

import html
import logging
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import replace
from urllib.parse import urljoin

import httpx

from archiver import platforms as registry
from archiver.discovery.document import clean_url
from archiver.discovery.find import merge
from archiver.discovery.index import Index, build
from archiver.models import Embed
from archiver.platforms.base import Platform

log = logging.getLogger(__name__)

MAX_HOPS = 5
LINK_SECONDS = 15.0  # for one short link, all hops together
TOTAL_SECONDS = 60.0  # for all the links of one article
_PEEK_BYTES = 64 * 1024  # of a 200 answer, to find a <meta refresh> or a script redirect
_REFRESH = re.compile(
    r"""<meta[^>]{0,300}?http-equiv=["']?refresh["']?[^>]{0,300}?content=["'][^"']{0,100}?url=([^"'>\s]+)"""
    r"""|location\.(?:replace|assign)\(\s*["']([^"']+)["']|location\.href\s*=\s*["']([^"']+)["']""",
    re.IGNORECASE,
)


def resolve_url(
    client: httpx.Client,
    url: str,
    *,
    max_hops: int = MAX_HOPS,
    seconds: float = LINK_SECONDS,
    platforms: Sequence[Platform] | None = None,
) -> tuple[str, str, str] | None:
    """(platform, post id, post URL) that `url` redirects to, or None when it leads to no post."""
    index = build(tuple(platforms) if platforms is not None else registry.PLATFORMS)
    return _resolve(client, index, url, max_hops, time.monotonic() + seconds)


def resolve_embeds(
    embeds: Iterable[Embed],
    client: httpx.Client,
    *,
    max_hops: int = MAX_HOPS,
    link_seconds: float = LINK_SECONDS,
    total_seconds: float = TOTAL_SECONDS,
    platforms: Sequence[Platform] | None = None,
) -> list[Embed]:
    """The embeds, those without a post id resolved through their short links, merged again."""
    index = build(tuple(platforms) if platforms is not None else registry.PLATFORMS)
    budget_ends = time.monotonic() + total_seconds
    cache: dict[str, tuple[str, str, str] | None] = {}
    out: list[Embed] = []
    for embed in embeds:
        if embed.post_id is None:
            embed = _resolve_embed(client, index, embed, cache, max_hops, link_seconds, budget_ends)
        out.append(embed)
    return merge(out)


def _resolve_embed(
    client: httpx.Client,
    index: Index,
    embed: Embed,
    cache: dict[str, tuple[str, str, str] | None],
    max_hops: int,
    link_seconds: float,
    budget_ends: float,
) -> Embed:
    for link in dict.fromkeys((embed.url, *embed.media_links)):
        if index.short_link(link) is None:
            continue
        if link not in cache:
            now = time.monotonic()
            if now >= budget_ends:
                log.info("short-link budget spent; %s stays unresolved", link)
                return embed
            cache[link] = _resolve(client, index, link, max_hops, min(now + link_seconds, budget_ends))
        found = cache[link]
        if found is not None and found[0] == embed.platform:
            media = embed.media_links if link in embed.media_links else (*embed.media_links, link)
            return replace(embed, post_id=found[1], url=found[2], media_links=media)
    return embed


def _resolve(
    client: httpx.Client, index: Index, url: str, max_hops: int, deadline: float
) -> tuple[str, str, str] | None:
    current = url if "://" in url else "https://" + url.lstrip("/")
    for _ in range(max_hops):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            log.info("gave up resolving %s: out of time", url)
            return None
        try:
            with client.stream("GET", current, follow_redirects=False, timeout=remaining) as response:
                target = response.headers.get("location") if response.is_redirect else None
                if target is None and response.status_code == 200:
                    target = _refresh_target(response)
        except (httpx.HTTPError, httpx.InvalidURL, ValueError) as exc:
            log.info("cannot resolve %s: %s", url, exc)
            return None
        if not target:
            return None
        current = urljoin(current, target.strip())
        match = index.match_url(current)
        if match is not None:
            platform, post_id = match
            return platform.name, post_id, clean_url(platform, current, post_id)
    log.info("gave up resolving %s after %d hops", url, max_hops)
    return None


def _refresh_target(response: httpx.Response) -> str | None:
    """Where a 200 answer sends a browser on (t.co answers browsers with a <meta refresh>)."""
    body = b""
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) >= _PEEK_BYTES:
            break
    m = _REFRESH.search(body[:_PEEK_BYTES].decode("utf-8", "replace"))
    if not m:
        return None
    return html.unescape(next(g for g in m.groups() if g))
