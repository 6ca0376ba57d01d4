"""`archiver archive` and `archiver discover`, each readable top to bottom in one function.

    discover_article:  read the source -> find its embeds -> follow short links of id-less ones
    archive_article:   discover_article -> keep the article's HTML -> record its posts
                       -> screenshot the article and capture every post concurrently
                       -> store each as it lands
    capture_post:      one held post captured and stored (also what a re-check that saw a
                       change calls)

Each stage's failure is recorded where it belongs: an article that cannot be read ends its own
run (and keeps what an earlier run stored); a post whose capture fails is a failed capture row,
and the other posts go on. The I/O (HTTP clients, the browser) comes from the kit (kit.py).
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx
import lxml.html
from lxml import etree

from archiver import __version__, fetch, platforms
from archiver.blocking import in_thread, to_thread_finished
from archiver.capture.article import ArticleRender, RenderedDocument
from archiver.capture.capturer import Capturer, PostCapture
from archiver.discovery.find import find_embeds, page_urls
from archiver.discovery.index import build
from archiver.discovery.resolve import resolve_embeds
from archiver.errors import ArchiverError, InputError, Refused, TooLate
from archiver.flows.kit import Kit, Network
from archiver.flows.results import SKIPPED, ArticleResult, LogReporter, PostResult, Reporter
from archiver.models import Article, Artifact, Embed
from archiver.settings import Settings
from storage import Store, now, unresolved_post_id


@dataclass(frozen=True)
class Discovered:
    """An article as read, and the posts it embeds."""

    article: Article
    embeds: list[Embed]

    @property
    def from_web(self) -> bool:
        """Fetched from an http(s) URL (not a file or standard input)."""
        return _is_web(self.article)


@dataclass(frozen=True)
class HeldPost:
    """A post the archive holds: its row and its status so far, and what capture needs."""

    platform: str
    post_id: str | None  # None: not known yet (a flattened tweet whose short link did not resolve)
    url: str
    row: int
    status: str
    found_in: str | None = None  # where this article's embed of it was found (Embed.found_in)

    @classmethod
    def of(cls, post: Mapping[str, Any]) -> HeldPost:
        """From a row of the posts table."""
        return cls(post["platform"], post["post_id"], post["url"], int(post["id"]), post["status"])


def discover_article(
    source: str,
    settings: Settings,
    client_factory: Callable[[], httpx.Client],
    *,
    base_url: str | None = None,
    links: bool = False,
    resolve: bool | None = None,
) -> Discovered:
    """Read SOURCE (a URL, a file, "-"), find the posts it embeds, and follow the short links of
    those with no id yet (`resolve`; by default for URLs only). InputError when it cannot be read
    or is no article. Blocking: async callers run it in a thread."""
    article = fetch.read_source(source, client_factory, settings)
    web = _is_web(article)
    embeds = find_embeds(
        article.body,
        base_url or (article.final_url if web else None),
        links=links,
        content_type=article.content_type if web else None,
        max_bytes=settings.max_article_bytes,
    )
    if (web if resolve is None else resolve) and any(e.post_id is None for e in embeds):
        with client_factory() as client:
            embeds = resolve_embeds(embeds, client, link_seconds=settings.fetch_timeout)
    return Discovered(article, embeds)


def discover_after_render(
    found: Discovered,
    documents: Sequence[RenderedDocument],
    settings: Settings,
    client_factory: Callable[[], httpx.Client],
    *,
    links: bool = False,
    resolve: bool | None = None,
) -> Discovered:
    """`found` (static discovery) with the posts the rendered article shows that its HTML did
    not: discovery run again over the rendered page's DOM and each frame's (capture/article.py),
    each new post marked with where it was found ("rendered", "frame:<url>"), after the static
    ones. One post is one embed: a post the HTML already has (same platform and id, or its media
    short link) keeps its static finding. A platform's own embed frame is the post itself, not a
    page that embeds posts: it and the frames inside it are not read. Blocking."""
    frames = build(platforms.PLATFORMS)
    keys = {embed.key for embed in found.embeds}
    media = {(e.platform, link) for e in found.embeds for link in (e.url, *e.media_links)}
    skipped: set[int] = set()
    new: list[Embed] = []
    for n, document in enumerate(documents):
        embed_frame = document.found_in.startswith("frame:") and frames.match_frame(document.url) is not None
        if embed_frame or (document.parent is not None and document.parent in skipped):
            skipped.add(n)
            continue
        base = document.url if document.url.startswith(("http://", "https://")) else found.article.final_url
        try:
            seen = find_embeds(
                document.html, base if base.startswith("http") else None, links=links,
                max_bytes=settings.max_article_bytes,
            )  # fmt: skip
        except InputError:  # an empty frame
            continue
        for embed in seen:
            if embed.key in keys or any((embed.platform, link) in media for link in embed.media_links):
                continue
            keys.add(embed.key)
            new.append(replace(embed, found_in=document.found_in))
    web = found.from_web
    if new and (web if resolve is None else resolve) and any(e.post_id is None for e in new):
        with client_factory() as client:
            new = resolve_embeds(new, client, link_seconds=settings.fetch_timeout)
    return Discovered(found.article, [*found.embeds, *new])


async def discover_rendered(
    source: str,
    settings: Settings,
    network: Network | None = None,
    *,
    base_url: str | None = None,
    links: bool = False,
    resolve: bool | None = None,
) -> tuple[Discovered, str | None]:
    """`archiver discover --render`: discover_article, then the article rendered in the browser
    (its DOMs only: nothing is kept) and discover_after_render. The render's error, if any: the
    static result stands then. No archive home is made or needed."""
    kit = Kit(settings, network, sources=[source])
    read = functools.partial(discover_article, source, settings, kit.client, base_url=base_url)
    found = await in_thread(functools.partial(read, links=links, resolve=resolve))
    try:
        render = await _render_only(kit, found, base_url or _article_url(found.article, source))
    except ArchiverError as exc:  # no browser to render with, say: the static result stands
        return found, str(exc)
    if not render.rendered:
        return found, render.error or "not rendered"
    again = functools.partial(discover_after_render, found, render.documents, settings, kit.client)
    return await in_thread(functools.partial(again, links=links, resolve=resolve)), render.error


async def _render_only(kit: Kit, found: Discovered, url: str) -> ArticleRender:
    """The article rendered for its DOMs alone, in a browser of its own (media spooled to the
    system's temp folder, so no archive home is needed)."""
    article = found.article
    routes = kit.network.install_routes
    async with (
        kit.async_client() as client,
        Capturer(kit.settings, client, install_routes=routes, guard=kit.guard) as capturer,
    ):
        if url.startswith("http"):
            return await capturer.capture_article(url, article.body, article.content_type, keep=False)
        return await capturer.capture_article(None, fetch.article_markup(article), keep=False)


async def archive_sources(
    sources: Sequence[str],
    settings: Settings,
    store: Store,
    *,
    network: Network | None = None,
    reporter: Reporter | None = None,
    resolve: bool | None = None,
    max_minutes: float | None = None,
) -> list[ArticleResult]:
    """Archive each source (URL, file, "-") with one kit (one browser) for them all. The sources
    are the user's: their hosts are trusted by the network guard, the rest is checked. After
    `max_minutes`, no article or post starts: what is left is skipped, and says so."""
    reporter = reporter or LogReporter()
    deadline = time.monotonic() + max_minutes * 60 if max_minutes is not None else None
    async with Kit(settings, network, sources=sources) as kit:
        results = []
        for source in sources:
            if deadline is not None and time.monotonic() >= deadline:
                results.append(ArticleResult(source, error="skipped: the --max-minutes deadline passed"))
                continue
            reporter.article_started(source)
            results.append(await archive_article(source, kit, store, reporter, resolve, deadline))
        return results


async def archive_article(
    source: str,
    kit: Kit,
    store: Store,
    reporter: Reporter | None = None,
    resolve: bool | None = None,
    deadline: float | None = None,
) -> ArticleResult:
    """Fetch, discover, capture and store one article. Never raises for the article's sake.

    A source the user did not name (a feed's entry, say) is read only as an http(s) URL: a
    feed's javascript: or data: link is no file path to open. At most settings.max_posts posts
    are captured (the rest are recorded, and skipped); none starts after `deadline`
    (time.monotonic()), those left are skipped too."""
    started = time.monotonic()
    result = ArticleResult(source)
    reporter = reporter or LogReporter()
    if not kit.named(source) and not source.lower().startswith(("http://", "https://")):
        result.error = str(Refused(source, "is not an http(s) URL", hint=False))
        return result

    # 1. The article and its posts (short links followed to reach the ones that only kept a
    #    pic.twitter.com link). What cannot be read is this article's one-line error.
    try:
        found = await in_thread(
            functools.partial(discover_article, source, kit.settings, kit.client, resolve=resolve)
        )
    except InputError as exc:  # unreachable, or nothing an article is made of (empty, binary)
        result.error = str(exc)
        if source.startswith(("http://", "https://")) and fetch.source_problem(source) is None:
            store.record_article(source, status="failed", error=str(exc), http_status=_status_of(exc))
        return result
    article = found.article

    # 2. Its HTML is a blob before any capture starts; then its posts are recorded.
    result.url = _article_url(article, source)
    result.title = article.title
    result.article_row = store.record_article(
        result.url,
        final_url=article.final_url if found.from_web else result.url,
        title=article.title,
        html=article.body,
        http_status=article.status if found.from_web else None,
    )
    reporter.posts_found(source, len(found.embeds))
    held = [_record_embed(store, result.article_row, embed) for embed in found.embeds]

    # 3. Capture the article itself (rendered as a reader sees it) and every post at once; each
    #    is stored as soon as it is done. The posts found only once the article has rendered
    #    (injected by script, lazy, behind a consent wall, in a frame) join them then.
    capturer = await kit.capturer()
    limit = kit.settings.max_posts

    async def one(index: int, post: HeldPost) -> PostResult:
        # Each waits for a page of the capturer's pool; one freed after the deadline starts none.
        if index >= limit:
            done = _skipped(post, f"over --max-posts {limit}: recorded, not captured")
        else:
            try:
                done = await capture_post(store, capturer, post, start_by=deadline)
            except TooLate:
                done = _skipped(post, "the --max-minutes deadline passed before its turn")
        reporter.post_done(done)
        return done

    static = [asyncio.ensure_future(one(i, post)) for i, post in enumerate(held)]
    try:
        render = await _capture_article(store, capturer, result.article_row, result.url, article)
        later: list[HeldPost] = []
        if render is not None:
            result.screenshot_error, result.article_missing = render.error, list(render.missing)
            clicked = render.consent is not None and render.consent.clicked
            result.consent = render.consent.platform if render.consent and clicked else None
            later = await _found_after_render(store, kit, found, render, result.article_row, held, resolve)
            if later:
                reporter.posts_found(source, len(held) + len(later))
        rendered = render is not None and render.rendered
        _mark_removed(store, result.article_row, [*held, *later], rendered=rendered)
        more = [one(len(held) + i, post) for i, post in enumerate(later)]
        result.posts = list(await asyncio.gather(*static, *more))
    finally:
        for task in static:
            task.cancel()
    result.seconds = round(time.monotonic() - started, 3)
    return result


async def _found_after_render(
    store: Store,
    kit: Kit,
    found: Discovered,
    render: ArticleRender,
    article_row: int,
    held: Sequence[HeldPost],
    resolve: bool | None,
) -> list[HeldPost]:
    """The posts the rendered article shows that static discovery did not find, recorded."""
    if not render.rendered:
        return []
    again = functools.partial(discover_after_render, found, render.documents, kit.settings, kit.client)
    after = await in_thread(functools.partial(again, resolve=resolve))
    rows = {post.row for post in held}
    later = []
    for embed in after.embeds[len(found.embeds) :]:
        post = _record_embed(store, article_row, embed)
        if post.row not in rows:  # a post one of its other embeds already holds
            rows.add(post.row)
            later.append(post)
    return later


def _mark_removed(store: Store, article_row: int, held: Sequence[HeldPost], *, rendered: bool) -> None:
    """The article's embeds not seen this time are removed. Without a render (--no-render, or
    it failed) an embed only a render finds is not known to be gone: it stays."""
    present = {post.row for post in held}
    if not rendered:
        present |= {
            int(embed["post"])
            for embed in store.embeds_for_article(article_row)
            if embed["found_in"] != "static" and embed["removed_at"] is None
        }
    store.mark_removed_embeds(article_row, present)


def _skipped(post: HeldPost, why: str) -> PostResult:
    return PostResult(post.platform, post.post_id, post.url, SKIPPED, error=why, post_row=post.row)


def _record_embed(store: Store, article_row: int, embed: Embed) -> HeldPost:
    """The post's row (made once, ever) and this article's embed of it, as a held post.

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
        found_in=embed.found_in,
    )  # fmt: skip
    post = store.get_post(post_row)
    status = post["status"] if post is not None else "unknown"
    return HeldPost(embed.platform, embed.post_id, embed.url, post_row, status, embed.found_in)


async def capture_post(
    store: Store, capturer: Capturer, post: HeldPost, *, start_by: float | None = None
) -> PostResult:
    """Capture one held post and store the capture. Used for an article's posts and by
    re-checks that saw a post change. TooLate when `start_by` passed before a page was free."""
    result = PostResult(
        post.platform, post.post_id, post.url, post.status, post_row=post.row, found_in=post.found_in
    )
    if post.post_id is None:
        # Nothing to render: the article's own copy (the embed's markup and text) is what we keep.
        result.status = "unresolved"
        result.error = "no post id: its short link did not resolve (kept the text the article quoted)"
        return result
    retired = platforms.get(post.platform).retired
    if retired is not None:
        # The platform itself is gone (Vine, Storify...): nothing to render; its own word, recorded.
        store.record_check(post.row, method="retired", outcome="unavailable", detail=retired)
        result.status, result.error = "unavailable", retired
        return result
    captured = await capturer.capture_post(post.platform, post.post_id, start_by=start_by)
    capture_id = await _store_capture(store, post.row, captured)
    result.status = captured.status
    result.artifacts = len(captured.artifacts)
    result.seconds = captured.duration
    result.error = captured.error
    result.missing = list(captured.missing)
    result.capture_id = capture_id
    return result


async def _store_capture(store: Store, post_row: int, captured: PostCapture) -> int:
    """Blobs first, then the capture's rows; and what the platform told us about the post.

    The blobs are written on a thread: their fsyncs on the event loop would hold up every other
    capture's browser; a run stopped meanwhile writes the rows before it stops. The capture row is
    written once the capture is done, dated from when it really started (not from its wait for a
    free page): a run that is stopped leaves no capture half-written.
    """
    artifacts = await to_thread_finished(store.put_artifacts, captured.artifacts)
    with store.transaction():
        capture_id = store.start_capture(post=post_row, tool_version=__version__, at=captured.started_at)
        store.finish_capture(
            capture_id,
            captured.outcome,
            error=captured.error,
            content_hash=captured.content_hash,
            missing=captured.missing,
            artifacts=artifacts,
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
                detail=captured.error or captured.said,
                content_hash=captured.content_hash,
            )
    return capture_id


async def _capture_article(
    store: Store, capturer: Capturer, article_row: int, url: str, article: Article
) -> ArticleRender | None:
    """This fetch of the article, as a capture: its HTML as served and, unless
    settings.render_article is off, its render (capture/article.py: screenshot, rendered DOM,
    render notes, WARC). Articles get edited too: every version's HTML stays named by a capture.
    The render (None when off), its error and what it lacks recorded with the capture."""
    began, started = now(), time.monotonic()
    html = Artifact("html", article.body, article.content_type or "text/html", source_url=article.final_url)
    render: ArticleRender | None = None
    if capturer.settings.render_article:
        if url.startswith("http"):
            render = await capturer.capture_article(url, article.body, article.content_type)
        else:  # no address to serve it at: the page is given as text, decoded as a browser would
            render = await capturer.capture_article(None, fetch.article_markup(article))
    missing = render.missing if render is not None else []
    timings = {**(render.timings if render is not None else {}), "total": _since(started)}
    artifacts = await to_thread_finished(
        store.put_artifacts, [html, *(render.artifacts if render is not None else [])]
    )  # on a thread, as a post's (_store_capture)
    with store.transaction():
        capture_id = store.start_capture(article=article_row, tool_version=__version__, at=began)
        store.finish_capture(
            capture_id,
            "partial" if missing else "complete",
            error=render.error if render is not None else None,
            missing=missing,
            artifacts=artifacts,
            timings=timings,
        )
    return render


def _since(started: float) -> float:
    return round(time.monotonic() - started, 3)


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
