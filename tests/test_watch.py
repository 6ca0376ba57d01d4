"""Watched sources: feeds told by their content, conditional fetches, entries kept until archived."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from archiver.discovery.find import find_embeds
from archiver.errors import InputError
from archiver.fetch import make_client
from archiver.flows import watch
from archiver.models import Embed
from archiver.settings import Settings
from offline_world import OfflineWorld, Request, Response
from storage import Store

FEED = "https://news.example/feed"
RSS_TYPE = "application/rss+xml; charset=utf-8"


def rss(*items: tuple[str, str], title: str = "Example News") -> str:
    """An RSS 2.0 feed listing (path, title) items, the newest first as feeds do."""
    body = "".join(
        f"<item><title>{name}</title><link>{link}</link>"
        f"<pubDate>Sat, 0{i + 1} Mar 2025 10:00:00 GMT</pubDate></item>"
        for i, (link, name) in enumerate(items)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>https://news.example/</link>{body}</channel></rss>"
    )


ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom News</title><id>urn:x</id>
<updated>2025-03-01T00:00:00Z</updated>
<entry><title>One</title><link href="/one"/><id>urn:1</id><updated>2025-03-01T00:00:00Z</updated></entry>
</feed>"""

PAGE = """<!DOCTYPE html><html><head><title>A story</title>
<link rel="alternate" type="application/rss+xml" href="/feed"></head>
<body><p>Words.</p></body></html>"""


@pytest.fixture
def settings(home: Path) -> Settings:
    return Settings(home=home, fetch_timeout=2.0)


@pytest.fixture
def client(world: OfflineWorld, settings: Settings) -> Iterator[httpx.Client]:
    with make_client(settings, world.transport()) as c:
        yield c


def test_a_feed_is_told_by_its_content_whatever_its_content_type(
    store: Store, client: httpx.Client, world: OfflineWorld, settings: Settings
) -> None:
    world.add(FEED, Response.make(rss(("https://news.example/a", "A")), "text/plain"))
    world.add("https://news.example/atom", Response.make(ATOM, "application/xml"))
    world.add("https://news.example/story", Response.html(PAGE))
    added = watch.add_watch(store, client, FEED, settings)
    assert (added.kind, added.new, added.title) == ("feed", True, "Example News")
    assert watch.add_watch(store, client, "https://news.example/atom", settings).kind == "feed"
    page = watch.add_watch(store, client, "https://news.example/story", settings)
    assert (page.kind, page.feeds) == ("article", ("https://news.example/feed",))
    assert [w["kind"] for w in store.list_watches()] == ["feed", "feed", "article"]
    again = watch.add_watch(store, client, FEED, settings)
    assert (again.watch, again.new) == (added.watch, False)
    assert len(store.list_watches()) == 3


def test_a_source_that_cannot_be_fetched_needs_its_kind_said(
    store: Store, client: httpx.Client, settings: Settings
) -> None:
    with pytest.raises(InputError, match="--kind"):
        watch.add_watch(store, client, "https://unreachable.example/feed", settings)
    added = watch.add_watch(store, client, "https://unreachable.example/feed", settings, kind="feed")
    assert added.kind == "feed"
    with pytest.raises(InputError, match="only http"):
        watch.add_watch(store, client, "ftp://news.example/feed", settings, kind="feed")


def test_a_feed_is_read_oldest_first_with_its_links_made_absolute(
    store: Store, client: httpx.Client, world: OfflineWorld, settings: Settings
) -> None:
    world.add("https://news.example/atom", Response.make(ATOM, "application/atom+xml"))
    world.add(FEED, Response.make(rss(("https://news.example/b", "B"), ("/a", "A")), RSS_TYPE))
    watch_id, _ = store.add_watch(FEED, "feed")
    look = watch.read_feed(client, store.get_watch(watch_id) or {}, settings)
    assert not look.unchanged and look.title == "Example News"
    assert [(url, title) for url, title, _ in look.entries] == [
        ("https://news.example/a", "A"),
        ("https://news.example/b", "B"),
    ]
    assert look.entries[0][2] == "2025-03-02T10:00:00+00:00"
    atom_id, _ = store.add_watch("https://news.example/atom", "feed")
    atom = watch.read_feed(client, store.get_watch(atom_id) or {}, settings)
    assert [url for url, _, _ in atom.entries] == ["https://news.example/one"]


def test_an_unchanged_feed_costs_a_304(
    store: Store, client: httpx.Client, world: OfflineWorld, settings: Settings
) -> None:
    seen: list[dict[str, str]] = []

    def serve(request: Request) -> Response:
        seen.append(dict(request.headers))
        if request.headers.get("if-none-match") == '"v1"':
            return Response(304)
        return Response.make(rss(("https://news.example/a", "A")), RSS_TYPE, etag='"v1"')

    world.add(FEED, serve)
    watch_id, _ = store.add_watch(FEED, "feed")
    first = watch.read_feed(client, store.get_watch(watch_id) or {}, settings)
    store.record_watch_look(watch_id, status="ok", etag=first.etag, content_sha256=first.sha256)
    second = watch.read_feed(client, store.get_watch(watch_id) or {}, settings)
    assert (first.unchanged, first.etag, second.unchanged) == (False, '"v1"', True)
    assert "if-none-match" not in seen[0] and seen[1]["if-none-match"] == '"v1"'


def test_the_same_bytes_again_count_as_unchanged_and_a_feed_turned_page_is_an_error(
    store: Store, client: httpx.Client, world: OfflineWorld, settings: Settings
) -> None:
    body = rss(("https://news.example/a", "A"))
    world.add(FEED, Response.make(body, RSS_TYPE))
    watch_id, _ = store.add_watch(FEED, "feed")
    first = watch.read_feed(client, store.get_watch(watch_id) or {}, settings)
    store.record_watch_look(watch_id, status="ok", content_sha256=first.sha256)
    assert watch.read_feed(client, store.get_watch(watch_id) or {}, settings).unchanged
    world.add(FEED, Response.html(PAGE))
    with pytest.raises(InputError, match="no longer a feed"):
        watch.read_feed(client, store.get_watch(watch_id) or {}, settings)


def test_entries_stay_pending_until_archived_and_are_never_listed_twice(store: Store) -> None:
    watch_id, _ = store.add_watch(FEED, "feed")
    entries = [("https://news.example/a", "A", None), ("https://news.example/b", "B", None)]
    pending = store.record_entries(watch_id, entries)
    assert [e["url"] for e in pending] == ["https://news.example/a", "https://news.example/b"]
    store.entry_archived(pending[0]["id"])
    store.entry_failed(pending[1]["id"], "HTTP 503")
    again = store.record_entries(watch_id, [*entries, ("https://news.example/c", "C", None)])
    assert [(e["url"], e["attempts"], e["error"]) for e in again] == [
        ("https://news.example/b", 1, "HTTP 503"),
        ("https://news.example/c", 0, None),
    ]
    assert store.url_archived_from_feed("https://news.example/a")
    assert not store.url_archived_from_feed("https://news.example/b")
    assert store.remove_watch(FEED)
    assert store.pending_entries() == [] and store.list_watches() == []
    assert not store.remove_watch(FEED)


def test_an_articles_fingerprint_changes_with_its_embeds_not_its_words() -> None:
    def page(words: str, *tweets: str) -> list[Embed]:
        quotes = "".join(
            f'<blockquote class="twitter-tweet"><a href="https://twitter.com/x/status/{t}">t</a></blockquote>'
            for t in tweets
        )
        body = f"<html><body><p>{words}</p>{quotes}</body></html>".encode()
        return find_embeds(body, "https://news.example/s", content_type="text/html")

    two = watch.embeds_fingerprint(page("Hello", "1821185274147889728", "1821209936655409728"))
    reworded = watch.embeds_fingerprint(page("Updated", "1821185274147889728", "1821209936655409728"))
    one = watch.embeds_fingerprint(page("Hello", "1821185274147889728"))
    assert two == reworded != one
