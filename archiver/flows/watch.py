"""Watched sources: feeds whose new articles are archived, articles re-archived when their embeds change.

    added = add_watch(store, client, url, settings)         # kind told by the content (feedparser)
    remove_watch(store, "https://news.example/feed.xml")     # or its id
    look = read_feed(client, store.get_watch(id), settings)  # conditional GET, entries oldest first
    key = embeds_fingerprint(embeds)                         # what an article embeds, as one hash

A URL is a feed when feedparser reads it as one (RSS, Atom, JSON Feed), whatever its server calls
its content type; anything else is an article. A feed is fetched with the ETag / Last-Modified
of the last look, so an unchanged feed costs one 304. An article counts as changed when the set
of posts it embeds changed (new or dropped embeds); its HTML alone changes too often (ads,
timestamps, tokens) to be worth a new capture of every post.
"""

from __future__ import annotations

import calendar
import hashlib
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
import httpx
import lxml.html
from lxml import etree

from archiver.errors import FetchError, InputError
from archiver.fetch import check_url
from archiver.models import Embed
from archiver.settings import Settings
from storage import EntryRow, Store, WatchRow

log = logging.getLogger(__name__)

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, */*;q=0.5"
)
_FEED_LINK_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json")
MAX_ENTRY_ATTEMPTS = 5  # a feed entry whose article failed this often is given up on


@dataclass(frozen=True)
class Fetched:
    status: int
    url: str  # after redirects
    body: bytes
    content_type: str
    etag: str | None
    last_modified: str | None


def get(
    client: httpx.Client, url: str, settings: Settings, headers: Mapping[str, str] | None = None
) -> Fetched:
    """GET `url` (at most settings.max_article_bytes); a 304 comes back as itself, others raise FetchError."""
    check_url(url)
    limit = settings.max_article_bytes
    try:
        with client.stream("GET", url, headers=dict(headers or {})) as response:
            if response.status_code != 304 and not 200 <= response.status_code < 300:
                raise FetchError(
                    f"HTTP {response.status_code} for {response.url}", status=response.status_code
                )
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > limit:
                    raise FetchError(f"larger than {limit // (1024 * 1024)} MB: {response.url}")
                chunks.append(chunk)
            return Fetched(
                response.status_code,
                str(response.url),
                b"".join(chunks),
                response.headers.get("content-type", ""),
                response.headers.get("etag"),
                response.headers.get("last-modified"),
            )
    except httpx.HTTPError as exc:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise FetchError(f"cannot fetch {url}: {reason}") from None


def parse_feed(body: bytes, url: str, content_type: str = "") -> Any | None:
    """feedparser's reading of `body`, or None when it is no feed."""
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    parsed = feedparser.parse(body, response_headers=headers)
    return parsed if parsed.get("version") else None


def feed_links(body: bytes, url: str) -> list[str]:
    """The feeds an HTML page advertises (<link rel="alternate" type="application/rss+xml">)."""
    try:
        root = lxml.html.document_fromstring(body)
    except (etree.ParserError, ValueError):
        return []
    found = []
    for link in root.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower().split(";")[0].strip()
        if "alternate" in rel and kind in _FEED_LINK_TYPES and link.get("href"):
            found.append(urljoin(url, link.get("href", "")))
    return found


@dataclass(frozen=True)
class Added:
    watch: int
    url: str
    kind: str
    new: bool
    title: str | None = None
    feeds: tuple[str, ...] = ()  # an article page's own feeds, worth watching instead


def add_watch(
    store: Store, client: httpx.Client, url: str, settings: Settings, kind: str | None = None
) -> Added:
    """Watch `url`; its kind is read from its content unless `kind` is given (then nothing is fetched)."""
    check_url(url)
    title: str | None = None
    feeds: tuple[str, ...] = ()
    if kind is None:
        try:
            fetched = get(client, url, settings, {"Accept": FEED_ACCEPT})
        except FetchError as exc:
            raise InputError(f"{exc} (to watch it anyway, say --kind article or --kind feed)") from None
        parsed = parse_feed(fetched.body, fetched.url, fetched.content_type)
        kind = "feed" if parsed is not None else "article"
        if parsed is not None:
            title = parsed.feed.get("title") or None
        else:
            feeds = tuple(feed_links(fetched.body, fetched.url))
    watch, new = store.add_watch(url, kind, title=title)
    return Added(watch, url, kind, new, title, feeds)


def remove_watch(store: Store, ref: str) -> WatchRow:
    """Stop watching `ref` (a watched URL or a watch id); the watch it was. InputError when none.
    What was archived from it stays."""
    key: int | str = int(ref) if ref.isdigit() else ref
    watch = store.get_watch(key)
    if watch is None or not store.remove_watch(watch["id"]):
        raise InputError(f"not watched: {ref} (`archiver watch list` shows what is)")
    return watch


def entries_to_archive(store: Store) -> tuple[list[EntryRow], list[EntryRow]]:
    """The feed entries not archived yet: (those a run still tries, those given up on after
    MAX_ENTRY_ATTEMPTS failures), each oldest first."""
    pending = store.pending_entries()
    return (
        [e for e in pending if e["attempts"] < MAX_ENTRY_ATTEMPTS],
        [e for e in pending if e["attempts"] >= MAX_ENTRY_ATTEMPTS],
    )


@dataclass
class FeedLook:
    """One look at a feed: unchanged (304, or the same bytes), or its entries."""

    unchanged: bool
    entries: list[tuple[str, str | None, str | None]] = field(default_factory=list)  # url, title, published
    title: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    sha256: str | None = None


def read_feed(client: httpx.Client, watch: Mapping[str, Any], settings: Settings) -> FeedLook:
    """Fetch a watched feed, conditionally; FetchError when it cannot, InputError when it is no feed."""
    headers = {"Accept": FEED_ACCEPT}
    if watch.get("etag"):
        headers["If-None-Match"] = watch["etag"]
    if watch.get("last_modified"):
        headers["If-Modified-Since"] = watch["last_modified"]
    fetched = get(client, watch["url"], settings, headers)
    if fetched.status == 304:
        return FeedLook(unchanged=True)
    sha = hashlib.sha256(fetched.body).hexdigest()
    look = FeedLook(False, etag=fetched.etag, last_modified=fetched.last_modified, sha256=sha)
    if sha == watch.get("content_sha256"):
        look.unchanged = True
        return look
    parsed = parse_feed(fetched.body, fetched.url, fetched.content_type)
    if parsed is None:
        raise InputError(f"{watch['url']} is no longer a feed (feedparser cannot read it)")
    look.title = parsed.feed.get("title") or None
    seen: set[str] = set()
    for entry in reversed(parsed.entries):  # feeds list the newest first
        link = entry.get("link")
        if not link or link in seen:
            continue
        seen.add(link)
        url = urljoin(fetched.url, link.strip())
        if not _web_url(url):  # javascript:, data:, file:... would reach the article reader
            log.warning("feed %s: entry %.200r skipped: only http(s) links are archived", watch["url"], url)
            continue
        look.entries.append((url, entry.get("title") or None, _published(entry)))
    return look


def _web_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def _published(entry: Any) -> str | None:
    when = entry.get("published_parsed") or entry.get("updated_parsed")
    if when is None:
        return None
    return datetime.fromtimestamp(calendar.timegm(when), timezone.utc).isoformat()


def embeds_fingerprint(embeds: Iterable[Embed]) -> str:
    """SHA-256 of the sorted posts an article embeds (discovery's keys): equal while it embeds
    the same. Posts it only links to do not count."""
    keys = sorted({f"{e.platform}:{e.post_id or e.url}" for e in embeds if e.source != "link"})
    return hashlib.sha256("\n".join(keys).encode()).hexdigest()
