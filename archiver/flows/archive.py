"""The top-level flow of `archiver archive`, readable top to bottom in `archive_article`.

    fetch the article -> keep its HTML -> discover its posts -> record them
    -> screenshot the article and capture every post concurrently -> store each as it lands

Each stage's failure is recorded where it belongs: an article that cannot be read ends its own
run (and keeps what an earlier run stored); a post whose capture fails is a failed capture row,
and the other posts go on. The network the flow talks to is injected (`Network`): the real one
by default, the offline world for tests and the demo.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import httpx
import lxml.html
from lxml import etree

from archiver import __version__, fetch, platforms
from archiver.blocking import in_thread
from archiver.capture.capturer import FAILED_STATUSES, Capturer, PostCapture, RouteInstaller
from archiver.discovery.find import find_embeds, page_urls
from archiver.discovery.resolve import resolve_embeds
from archiver.errors import ArchiverError, CaptureError, InputError
from archiver.models import Article, Artifact, Embed
from storage import Store, now, unresolved_post_id

if TYPE_CHECKING:
    from archiver.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Network:
    """The I/O the pipeline does: one httpx transport serving the sync and the async client alike
    (a MockTransport, such as the offline world's; None: the real network, through the settings'
    proxy) and a route installer for every browser context (None: the real web)."""

    transport: httpx.MockTransport | None = None
    install_routes: RouteInstaller | None = None

    @classmethod
    def offline(cls) -> Network:
        """The bundled offline world: fixture answers for the platforms' real hostnames."""
        from offline_world import OfflineWorld

        world = OfflineWorld()
        return cls(world.transport(), world.install)

    def client(self, settings: Settings) -> httpx.Client:
        return fetch.make_client(settings, transport=self.transport)

    def async_client(self, settings: Settings) -> httpx.AsyncClient:
        return fetch.make_async_client(settings, transport=self.transport)


@dataclass
class PostResult:
    """One post of an article, after this run."""

    platform: str
    post_id: str | None
    url: str
    status: str  # live / deleted / ... / unresolved, or failed / timeout when the capture failed
    artifacts: int = 0
    seconds: float = 0.0
    error: str | None = None
    missing: list[str] = field(default_factory=list)
    post_row: int | None = None
    capture_id: int | None = None

    @property
    def failed(self) -> bool:
        return self.status in FAILED_STATUSES


@dataclass
class ArticleResult:
    source: str
    url: str | None = None
    title: str | None = None
    article_row: int | None = None
    error: str | None = None  # the article could not be read at all
    screenshot_error: str | None = None
    posts: list[PostResult] = field(default_factory=list)
    seconds: float = 0.0
    report: str | None = None  # the HTML report's index.html, once written

    @property
    def exit_code(self) -> int:
        """0 all done or recorded as gone, 3 some post failed on our side, 1 nothing could be done."""
        if self.error is not None:
            return 1
        return 3 if any(p.failed for p in self.posts) or self.screenshot_error else 0


def exit_code(results: Sequence[ArticleResult]) -> int:
    """The run's exit code: 1 when no article could be read, 3 when anything failed, else 0."""
    codes = [r.exit_code for r in results]
    if codes and all(c == 1 for c in codes):
        return 1
    return 3 if any(c != 0 for c in codes) else 0


class Reporter(Protocol):
    """What the pipeline tells its caller as it goes (the CLI draws a progress bar from it)."""

    def article_started(self, source: str) -> None: ...
    def posts_found(self, source: str, count: int) -> None: ...
    def post_done(self, result: PostResult) -> None: ...


class _Quiet:
    def article_started(self, source: str) -> None:
        pass

    def posts_found(self, source: str, count: int) -> None:
        pass

    def post_done(self, result: PostResult) -> None:
        pass


async def archive_sources(
    sources: Sequence[str],
    settings: Settings,
    store: Store,
    *,
    network: Network | None = None,
    reporter: Reporter | None = None,
    resolve: bool | None = None,
) -> list[ArticleResult]:
    """Archive each source (URL, file, "-") with one browser and one HTTP client for them all."""
    network = network or Network()
    reporter = reporter or _Quiet()
    async with (
        network.async_client(settings) as client,
        Capturer(
            settings, client, install_routes=network.install_routes, spool_dir=settings.home
        ) as capturer,
    ):
        results = []
        for source in sources:
            reporter.article_started(source)
            results.append(
                await archive_article(
                    source, settings, store, capturer, lambda: network.client(settings), reporter, resolve
                )
            )
        return results


async def archive_article(
    source: str,
    settings: Settings,
    store: Store,
    capturer: Capturer,
    client_factory: Callable[[], httpx.Client],
    reporter: Reporter,
    resolve: bool | None = None,
) -> ArticleResult:
    """Fetch, discover, capture and store one article. Never raises for the article's sake."""
    started = time.monotonic()
    result = ArticleResult(source)

    # 1. The article, as served: its HTML is a blob before anything else happens.
    try:
        article = await in_thread(fetch.read_source, source, client_factory, settings)
        embeds = find_embeds(
            article.body,
            article.final_url if _is_web(article) else None,
            content_type=article.content_type if _is_web(article) else None,
            max_bytes=settings.max_article_bytes,
        )
    except InputError as exc:  # unreachable, or nothing an article is made of (empty, binary)
        result.error = str(exc)
        if source.startswith(("http://", "https://")):
            store.record_article(source, status="failed", error=str(exc), http_status=_status_of(exc))
        return result
    result.url = _article_url(article, source)
    result.title = article.title
    result.article_row = store.record_article(
        result.url,
        final_url=article.final_url if _is_web(article) else result.url,
        title=article.title,
        html=article.body,
        http_status=article.status if _is_web(article) else None,
    )

    # 2. Its posts: short links followed to reach the ones that only kept a pic.twitter.com link.
    if (_is_web(article) if resolve is None else resolve) and any(e.post_id is None for e in embeds):
        with client_factory() as client:
            embeds = await in_thread(
                functools.partial(resolve_embeds, embeds, client, link_seconds=settings.fetch_timeout)
            )
    reporter.posts_found(source, len(embeds))
    rows = [_record_embed(store, result.article_row, embed) for embed in embeds]
    store.mark_removed_embeds(result.article_row, [row for row, _ in rows])

    # 3. Capture the article itself and every post at once; each is stored as soon as it is done.
    async def one(embed: Embed, post_row: int, status: str) -> PostResult:
        post = await capture_post(store, capturer, embed, post_row, status)
        reporter.post_done(post)
        return post

    shot = asyncio.ensure_future(
        _screenshot_article(store, capturer, result.article_row, result.url, article)
    )
    posts = (one(embed, row, status) for (row, status), embed in zip(rows, embeds, strict=True))
    result.posts = list(await asyncio.gather(*posts))
    result.screenshot_error = await shot
    result.seconds = round(time.monotonic() - started, 3)
    return result


def _record_embed(store: Store, article_row: int, embed: Embed) -> tuple[int, str]:
    """The post's row (made once, ever) and this article's embed of it; the post's known status.

    A post with no id yet is keyed by its short link (or its text) and kept as unresolved; once
    a later run resolves that link, the unresolved row becomes the real post, history and all.
    """
    if embed.post_id is None:
        short_link = next(iter(embed.media_links), None)
        key = unresolved_post_id(short_link=short_link, text=embed.text, raw=embed.raw)
    else:
        key = embed.post_id
        for link in embed.media_links:
            placeholder = store.find_post(embed.platform, unresolved_post_id(short_link=link))
            if placeholder is not None:
                store.resolve_post(placeholder["id"], embed.post_id, embed.url)
    post_row = store.upsert_post(
        embed.platform,
        key,
        embed.url,
        author_name=embed.author_name,
        author_handle=embed.author_handle,
        text=embed.text,
    )
    store.record_embed(
        article_row, post_row, source=embed.source, where=embed.where, raw=embed.raw,
        positions=embed.positions, author_name=embed.author_name, author_handle=embed.author_handle,
        date_text=embed.date_text, text=embed.text, media_links=embed.media_links,
    )  # fmt: skip
    post = store.get_post(post_row)
    return post_row, (post or {}).get("status", "unknown")


async def capture_post(
    store: Store, capturer: Capturer, embed: Embed, post_row: int, status: str
) -> PostResult:
    """Capture one held post (row `post_row`, its status so far) and store the capture.
    Used for an article's posts and by re-checks that saw a post change."""
    result = PostResult(embed.platform, embed.post_id, embed.url, status, post_row=post_row)
    if embed.post_id is None:
        # Nothing to render: the article's own copy (the embed's markup and text) is what we keep.
        result.status = "unresolved"
        result.error = "no post id: its short link did not resolve (kept the text the article quoted)"
        return result
    captured = await capturer.capture_post(embed.platform, embed.post_id)
    capture_id = _store_capture(store, post_row, captured)
    result.status = captured.status
    result.artifacts = len(captured.artifacts)
    result.seconds = captured.duration
    result.error = captured.error
    result.missing = list(captured.missing)
    result.capture_id = capture_id
    return result


def _store_capture(store: Store, post_row: int, captured: PostCapture) -> int:
    """Blobs first, then the capture's rows; and what the platform told us about the post.

    The capture row is written once the capture is done, dated from when it really started
    (not from its wait for a free page): a run that is stopped leaves no capture half-written.
    """
    with store.transaction():
        capture_id = store.start_capture(post=post_row, tool_version=__version__, at=captured.started_at)
        store.finish_capture(
            capture_id,
            captured.outcome,
            error=captured.error,
            content_hash=captured.content_hash,
            missing=captured.missing,
            artifacts=captured.artifacts,
            timings=captured.timings,
        )
        if captured.data is not None:
            store.upsert_post(
                captured.platform, captured.post_id, platforms.get(captured.platform).canonical_url(
                    captured.post_id
                ),
                author_name=captured.data.author_name, author_handle=captured.data.author_handle,
                posted_at=captured.data.created_at, text=captured.data.text,
            )  # fmt: skip
        if captured.post_status != "unknown" or not captured.failed:
            store.record_check(
                post_row,
                method="capture",
                outcome=captured.post_status,
                http_status=captured.http_status,
                detail=captured.error,
                content_hash=captured.content_hash,
            )
    return capture_id


async def _screenshot_article(
    store: Store, capturer: Capturer, article_row: int, url: str, article: Article
) -> str | None:
    """This fetch of the article, as a capture: its HTML as served and a full-page screenshot.
    Articles get edited too: every version's HTML stays named by a capture. The error, if any."""
    began, started = now(), time.monotonic()
    html = Artifact("html", article.body, article.content_type or "text/html", source_url=article.final_url)
    try:
        if url.startswith("http"):
            shot = await capturer.capture_article_screenshot(url, article.body, article.content_type)
        else:  # no address to serve it at: the page is given as text, decoded as a browser would
            shot = await capturer.capture_article_screenshot(None, fetch.article_markup(article))
    except (CaptureError, ArchiverError) as exc:
        error: str | None = str(exc)
        outcome, artifacts, missing, timings = "partial", [html], ["screenshot"], None
    else:
        error, outcome, artifacts, missing = None, "complete", [html, shot], []
        timings = {"total": round(time.monotonic() - started, 3)}
    with store.transaction():
        capture_id = store.start_capture(article=article_row, tool_version=__version__, at=began)
        store.finish_capture(
            capture_id, outcome, error=error, missing=missing, artifacts=artifacts, timings=timings
        )
    return error


def _is_web(article: Article) -> bool:
    return article.url.startswith(("http://", "https://"))


def _article_url(article: Article, source: str) -> str:
    """What the archive calls this article: its URL; for a file, the page's own canonical URL,
    else the file's path; for stdin, a name made from its hash."""
    if _is_web(article):
        return article.url
    declared = _declared_url(article.body)
    if declared:
        return declared
    if source == "-":
        return "stdin:" + hashlib.sha256(article.body).hexdigest()[:16]
    return Path(source).resolve().as_uri()


def _declared_url(body: bytes) -> str | None:
    """The canonical link or og:url a saved page declares."""
    try:
        root = lxml.html.document_fromstring(body)
    except (etree.ParserError, ValueError):
        return None
    return next(iter(page_urls(root)), None)


def _status_of(exc: Exception) -> int | None:
    return getattr(exc, "status", None)
