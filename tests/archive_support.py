"""A small archive made without a browser, for the export, WACZ and report tests: one article
embedding three posts (one live with a photo, one deleted whose text is hostile markup, one
unresolved), each capture with the artifacts a real one keeps, a WARC among them."""

from __future__ import annotations

import json
import struct
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from archiver.capture.warc import Exchange, write_warc
from storage import Store

ARTICLE_URL = "https://news.example/world/2024/08/07/kursk-advance"
ARTICLE_HTML = (
    b"<!doctype html><html><head><title>Kursk advance</title>"
    b"<script>var tracker = 'not text';</script></head>"
    b"<body><h1>Kursk advance</h1><p>Troops advanced ten kilometres.</p>"
    b'<blockquote class="twitter-tweet"><p>Quoted tweet</p></blockquote></body></html>'
)
HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>"
LIVE_VIEW = "https://platform.twitter.com/embed/Tweet.html?id=1001"
GONE_VIEW = "https://platform.twitter.com/embed/Tweet.html?id=1002"
PHOTO_URL = "https://pbs.twimg.com/media/photo1?format=jpg&name=small"


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A real PNG of one colour (browsers must be able to decode the report's images)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


@dataclass(frozen=True)
class Made:
    article: int
    live: int
    gone: int
    unresolved: int
    live_html: bytes
    photo: bytes


def view_html(text: str) -> bytes:
    return f"<!doctype html><html><body><article><p>{text}</p></article></body></html>".encode()


def make_archive(home: Path) -> Made:
    when = datetime(2024, 8, 8, 9, 30, tzinfo=timezone.utc)
    photo = png(40, 30, (200, 40, 40))
    live_html = view_html("Live post text")
    with Store.open(home) as store:
        article = store.record_article(
            ARTICLE_URL, title="Kursk advance", html=ARTICLE_HTML, http_status=200, at=when
        )
        shot = store.start_capture(article=article, tool_version="test", at=when)
        store.finish_capture(
            shot,
            "complete",
            artifacts=[("screenshot", png(300, 200, (240, 240, 250)), "image/png", ARTICLE_URL)],
            at=when,
        )

        live = store.upsert_post(
            "twitter",
            "1001",
            "https://twitter.com/osint/status/1001",
            author_name="OSINT Aggregator",
            author_handle="osint",
            posted_at="2024-08-07T14:03:00.000Z",
            text="Live post text",
            at=when,
        )
        gone = store.upsert_post(
            "twitter",
            "1002",
            "https://twitter.com/hostile/status/1002",
            author_name=HOSTILE,
            author_handle="hostile",
            posted_at="2024-08-07T15:41:00.000Z",
            text=HOSTILE,
            at=when,
        )
        unresolved = store.upsert_post(
            "twitter",
            "unresolved:pic.twitter.com/abc",
            "https://pic.twitter.com/abc",
            text="Only the quoted text survives",
            at=when,
        )
        for position, post in enumerate((live, gone, unresolved)):
            store.record_embed(
                article,
                post,
                source="blockquote",
                raw="<blockquote>…</blockquote>",
                positions=[position],
                text="quoted",
                at=when,
            )

        for post, view, html, status in (
            (live, LIVE_VIEW, live_html, "live"),
            (gone, GONE_VIEW, view_html(HOSTILE.replace("<", "&lt;")), "deleted"),
        ):
            exchanges = [
                Exchange(
                    url=view,
                    method="GET",
                    status=200,
                    body=html,
                    response_headers=[
                        ("content-type", "text/html; charset=utf-8"),
                        ("content-encoding", "gzip"),
                    ],
                    date=when,
                ),
                Exchange(
                    url=PHOTO_URL,
                    method="GET",
                    status=200,
                    body=photo,
                    response_headers=[("content-type", "image/jpeg")],
                    date=when,
                ),
            ]
            warc = write_warc(exchanges, software="test", info={"view-url": view})
            capture = store.start_capture(post=post, tool_version="test", at=when)
            artifacts = [
                ("screenshot", png(120, 80, (30, 120, 200)), "image/png", view),
                ("dom", html, "text/html; charset=utf-8", view),
                ("mhtml", b"MIME-Version: 1.0\r\n\r\n" + html, "multipart/related", view),
                ("warc", warc, "application/warc", None),
                ("metadata", json.dumps({"post_id": str(post)}).encode(), "application/json", None),
                ("media", photo, "image/png", PHOTO_URL),
            ]
            store.finish_capture(
                capture, "complete", artifacts=artifacts, content_hash=f"hash-{post}", at=when
            )
            store.record_check(post, method="capture", outcome="live", http_status=200, at=when)
            if status == "deleted":
                store.record_check(
                    post,
                    method="syndication",
                    outcome="deleted",
                    http_status=404,
                    at=datetime(2024, 9, 1, 12, 0, tzinfo=timezone.utc),
                )
        store.record_check(
            live,
            method="syndication",
            outcome="live",
            content_hash="hash-edited",
            at=datetime(2024, 8, 20, 8, 0, tzinfo=timezone.utc),
        )
    return Made(article, live, gone, unresolved, live_html, photo)
