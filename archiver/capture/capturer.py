"""The Playwright worker: one browser, a bounded pool of captures, everything a post's capture keeps.

    async with Capturer(settings, client, install_routes=world.install) as capturer:
        results = await capturer.capture_posts([(twitter.PLATFORM, "1821185274147889728")])
        render = await capturer.capture_article(article.final_url, html=article.body)

A post's capture renders the platform's embed view in a fresh browser context, waits until it
has really rendered (the platform's render_selector, else network idle, both capped), and keeps
a PNG of the post element, the rendered DOM, an MHTML snapshot and a WARC of every response the
browser received. For platforms with `fetch_data` it fetches the structured data meanwhile,
then downloads the photos and the best video (streamed to files, capped), all while the view
renders. The view's context is closed as soon as its page is kept, and its place in the pool
(settings.concurrency pages at once) goes to the next capture: data or media slower than the
view hold no browser page. Whatever fails is recorded in the PostCapture (status, error, what
is missing) and never stops other captures.

The network guard (guard.py) checks everything a capture reaches: the view URL before a
context opens, the data and media through the client's guard, and every browser connection
through the relay (capture/relay.py: each connection's host resolved, checked and pinned), or,
when a proxy of the user's carries the browser's traffic, through a route handler on each
context. A refused view fails the capture with the guard's reason; a refused subresource is
aborted and listed with what is missing; nothing refused is fetched, so nothing of it is kept.

Politeness applies to what we ask for ourselves (navigations, data, media): at most
settings.per_host at once per host and settings.host_delay between starts; our own machine
(loopback) is exempt. Every browser step has settings.page_timeout, every data or media
request settings.fetch_timeout, the whole capture settings.capture_timeout. A transient
failure (the browser died, the connection dropped, a 5xx from the data endpoint) is retried
once after a short backoff; a dead browser is relaunched first. Timeouts are not retried.

With settings.browser_endpoints the browser is a remote one (capture/browser.py: connect) instead
of a launched one: each context is given the proxy (the relay's or the user's) that a launched
browser gets at launch. Captures are spread over the endpoints (each takes the one with the
fewest at the moment, each endpoint at most settings.concurrency at once); one that dies is
connected to again, and one that cannot be reached is taken out of rotation, its captures
retried on the others.

What is done with a loaded page (waiting for the post, the snapshots) is in snapshot.py; the
recording of the traffic for the WARC in recorder.py; what is done with an article (rendered as
a reader sees it, recorded, its DOMs read for discovery) in article.py; what a capture produced
and the verdict on it (PostCapture, judge) in outcome.py; what the guard refused in a context
in guarded.py; a remote endpoint's bookkeeping in remotes.py.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
import shutil
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager, nullcontext, suppress
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import httpx
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeout
from playwright.async_api import async_playwright

from archiver import __version__, platforms
from archiver.capture.article import ArticlePage, ArticleRender, render_article, see_missing
from archiver.capture.browser import FoundBrowser, connect, context_options, launch, playwright_proxy
from archiver.capture.guarded import Refusals, guard_route, relay_refused
from archiver.capture.loopthread import LoopThread
from archiver.capture.media import MediaTooLarge, download, spool_folder
from archiver.capture.outcome import DataOutcome, PostCapture, ViewOutcome, judge, keep_data, keep_video, now
from archiver.capture.politeness import HostLimiter
from archiver.capture.recorder import Recorder
from archiver.capture.relay import Relay
from archiver.capture.remotes import Remote, on_this_machine
from archiver.capture.snapshot import post_snapshots, wait_rendered
from archiver.capture.spares import Spare, blank_page
from archiver.capture.video import VideoFetcher, download_video, video_wanted
from archiver.capture.viewstate import ViewCheck, post_fingerprint, view_state
from archiver.capture.warc import write_warc
from archiver.errors import ArchiverError, BrowserError, CaptureError, PostGone, Refused, TooLate
from archiver.guard import Guard
from archiver.models import SAYS_NOTHING, Artifact

if TYPE_CHECKING:
    from playwright.async_api import Browser, BrowserContext, Playwright

    from archiver.platforms.base import Platform
    from archiver.settings import Settings

log = logging.getLogger(__name__)

RouteInstaller = Callable[["BrowserContext"], Awaitable[None]]
SOFTWARE = f"embed-archiver/{__version__}"

# Seconds a view without its post element is looked at for a gone state its script draws late.
STATE_WAIT = 2.0
# Chromium network errors worth one more try.
_TRANSIENT_NET = re.compile(
    r"ERR_(CONNECTION_(RESET|CLOSED|ABORTED|REFUSED|TIMED_OUT)|NETWORK_CHANGED|EMPTY_RESPONSE|"
    r"INTERNET_DISCONNECTED|TIMED_OUT|HTTP2_\w+|SSL_PROTOCOL_ERROR)"
)


class _Retry(Exception):
    """A transient failure of the view: worth one more try."""


class Capturer:
    """One browser and a bounded pool of captures. Use as an async context manager.

    `client` is the HTTP client for data and media (the caller's: it carries the proxy and CA
    settings); `install_routes` is given every new browser context before use (the offline
    world's `install`, or None for the real network); `guard` is the network guard (by default
    the settings' own, trusting no host); `video` fetches posts' video (capture/video.py's
    YtDlpFetcher; None: no video through yt-dlp). Media files are spooled under
    `spool_dir` (default: the system temp folder) and live until the Capturer closes: store
    the captures' artifacts before leaving the `async with`; a spool folder left there by a
    process that was killed is removed by the next Capturer that uses the same folder.
    """

    def __init__(
        self,
        settings: Settings,
        client: httpx.AsyncClient,
        *,
        install_routes: RouteInstaller | None = None,
        spool_dir: Path | None = None,
        retry_backoff: float = 1.0,
        guard: Guard | None = None,
        video: VideoFetcher | None = None,
    ) -> None:
        self.settings = settings
        self.client = client
        self.video = video  # fetches posts' video (capture/video.py); None: no video through yt-dlp
        self.install_routes = install_routes
        self.guard = guard if guard is not None else Guard.for_settings(settings)
        # With a proxy of the user's the browser's connections are that proxy's to make.
        self._relay = Relay(self.guard) if self.guard.active and not self.guard.proxy_in_effect else None
        self._relay_loop: LoopThread | None = None  # the relay's own (loopthread.py: why)
        self.retry_backoff = retry_backoff
        self.restarts = 0
        self.found: FoundBrowser | None = None
        self._spool_parent = spool_dir
        self._spool: Path | None = None
        self._remotes = [Remote(endpoint, settings.concurrency) for endpoint in settings.browser_endpoints]
        self.capacity = settings.concurrency * max(1, len(self._remotes))  # pages at once, in all
        self._pool = asyncio.Semaphore(self.capacity)
        self._hosts = HostLimiter(settings.per_host, settings.host_delay)
        self._restart_lock = asyncio.Lock()
        self._pw: Playwright | None = None
        self._browser: Browser | None = None  # the launched one (no remotes)
        # A context opened ahead for the next capture (spares.py); a launched browser's only.
        self._spare = None if self._remotes else Spare(context_options(settings))

    async def __aenter__(self) -> Capturer:
        self._pw = await async_playwright().start()
        try:
            if self._relay is not None:
                self._relay_loop = LoopThread("relay")
                await self._relay_loop.run(self._relay.start())
            if self._remotes:
                await self._connect_all()
            else:
                self._browser, self.found = await self._launch()
                if self._spare is not None:
                    self._spare.open_ahead(self._browser)
        except BaseException:
            await self._pw.stop()
            await self._close_relay()
            raise
        self._spool = spool_folder(self._spool_parent)
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            if self._spare is not None:
                await self._spare.close()
            # A remote browser's close() only disconnects (and ends what we made in it).
            for browser in [self._browser, *(remote.browser for remote in self._remotes)]:
                if browser is not None:
                    with suppress(PlaywrightError, asyncio.TimeoutError):
                        await asyncio.wait_for(browser.close(), self.settings.page_timeout)
            if self._pw is not None:
                await self._pw.stop()
            await self._close_relay()
        finally:  # a second Ctrl-C, say, must not leave the media behind
            if self._spool is not None:
                shutil.rmtree(self._spool, ignore_errors=True)

    async def _close_relay(self) -> None:
        if self._relay is not None and self._relay_loop is not None:
            try:
                await self._relay_loop.run(self._relay.close())
            finally:
                await self._relay_loop.stop()

    # The browser.

    @property
    def _ms(self) -> float:
        return self.settings.page_timeout * 1000

    @property
    def _proxy(self) -> dict[str, str] | None:
        """The browser's way out in Playwright's form: the relay's, else the user's proxy."""
        return self._relay.proxy if self._relay is not None else playwright_proxy(self.settings)

    async def _launch(self) -> tuple[Browser, FoundBrowser]:
        assert self._pw is not None
        return await launch(self._pw, self.settings, proxy=self._relay.proxy if self._relay else None)

    async def _live_browser(self) -> Browser:
        """The browser, relaunched first if it has died (with remotes: the one next in turn)."""
        if self._remotes:
            return (await self._remote_browser())[1]
        assert self._browser is not None and self._pw is not None, "use Capturer in `async with`"
        browser = self._browser
        if browser.is_connected():
            return browser
        async with self._restart_lock:
            if self._browser is browser:  # nobody relaunched it meanwhile
                with suppress(PlaywrightError):
                    await browser.close()
                self._browser, self.found = await self._launch()
                self.restarts += 1
                # Said once it is done: when Ctrl-C is what killed it, the run stops before this.
                log.warning("the browser died; a new one took over")
        return self._browser

    # Remote browsers.

    async def _connect_all(self) -> None:
        """Connect to every endpoint; those that do not answer are out of rotation from the start."""
        await asyncio.gather(*(self._connect(remote) for remote in self._remotes))
        answered = [remote for remote in self._remotes if not remote.out]
        if not answered:
            raise BrowserError("; ".join(remote.why for remote in self._remotes))
        self.found = answered[0].found

    async def _connect(self, remote: Remote) -> None:
        assert self._pw is not None
        try:
            remote.browser, remote.found = await connect(self._pw, self.settings, remote.endpoint)
        except BrowserError as exc:
            remote.out, remote.why = True, str(exc)
            if len(self._remotes) > 1:
                log.warning("%s: taken out of rotation", exc)
            return
        if self._relay is not None and not on_this_machine(remote.endpoint):
            log.warning(
                "the browser at %s may not reach the network guard's relay on 127.0.0.1 "
                "(see README: Remote browsers)",
                remote.found.path,
            )

    async def _remote_browser(self) -> tuple[Remote, Browser]:
        """The remote with the fewest captures under way and its browser, connected again
        first if it died; one that cannot be reached is taken out and the next one tried."""
        while True:
            live = [remote for remote in self._remotes if not remote.out]
            if not live:
                raise BrowserError("no browser endpoint is left: " + "; ".join(r.why for r in self._remotes))
            remote = min(live, key=lambda r: (r.busy, r.used))
            browser = remote.browser
            if browser is not None and browser.is_connected():
                return remote, browser
            async with remote.lock:
                if remote.browser is browser and not remote.out:  # nobody did it meanwhile
                    if browser is not None:
                        with suppress(PlaywrightError):
                            await browser.close()
                    await self._connect(remote)
                    if not remote.out:
                        self.restarts += 1
                        log.warning("the browser at %s died; connected to it again", remote.label)

    async def browser_pid(self) -> int | None:
        """The browser process's id (for measuring it, or for tests that kill it)."""
        browser = await self._live_browser()
        session = await browser.new_browser_cdp_session()
        try:
            info = await session.send("SystemInfo.getProcessInfo")
        finally:
            with suppress(PlaywrightError):
                await session.detach()
        return next((int(p["id"]) for p in info.get("processInfo", []) if p.get("type") == "browser"), None)

    @asynccontextmanager
    async def _context(
        self, platform: str | None = None, refusals: Refusals | None = None
    ) -> AsyncIterator[BrowserContext]:
        """A fresh browser context, routed and guarded; what the guard refuses lands in `refusals`."""
        remote: Remote | None = None
        if self._remotes:
            remote, browser = await self._remote_browser()
            remote.busy += 1
            remote.used += 1
        else:
            browser = await self._live_browser()
        try:
            async with (
                remote.pool if remote is not None else nullcontext(),
                self._new_context(browser, platform, refusals) as context,
            ):
                yield context
        finally:
            if remote is not None:
                remote.busy -= 1

    @asynccontextmanager
    async def _new_context(
        self, browser: Browser, platform: str | None, refusals: Refusals | None
    ) -> AsyncIterator[BrowserContext]:
        # A launched browser has its proxy from its launch; a remote one is told it per context.
        proxy = self._proxy if self._remotes else None
        options = context_options(self.settings, platform, proxy)
        context = await self._spare.take(browser, options) if self._spare is not None else None
        if context is None:
            context = await browser.new_context(**options)
        refusals = refusals if refusals is not None else Refusals()
        try:
            context.set_default_timeout(self._ms)
            if self.install_routes is not None:
                await self.install_routes(context)
            if self._relay is not None:
                context.on("requestfailed", functools.partial(relay_refused, self._relay, refusals))
            elif self.guard.active:
                # Registered last, so it runs first; what it lets pass falls back to the routes
                # installed before it (the offline world's), else to the network.
                await context.route("**/*", functools.partial(guard_route, self.guard, refusals, {}))
            yield context
        finally:
            with suppress(PlaywrightError, asyncio.TimeoutError):
                await asyncio.wait_for(context.close(), self.settings.page_timeout)

    def _is_transient(self, exc: BaseException) -> bool:
        if isinstance(exc, PlaywrightTimeout):
            return False
        if isinstance(exc, PlaywrightError):
            # (with remotes, not knowing which one the failure was on: any in rotation that died)
            browsers = (
                [self._browser] if not self._remotes else [r.browser for r in self._remotes if not r.out]
            )
            browser_gone = any(b is None or not b.is_connected() for b in browsers)
            return browser_gone or "has been closed" in str(exc) or bool(_TRANSIENT_NET.search(str(exc)))
        return False

    # Posts.

    async def capture_posts(self, posts: Iterable[tuple[Platform | str, str]]) -> list[PostCapture]:
        """Capture many posts, at most settings.concurrency at once; results in the same order."""
        return list(await asyncio.gather(*(self.capture_post(p, post) for p, post in posts)))

    async def capture_post(
        self, platform: Platform | str, post: str, *, start_by: float | None = None
    ) -> PostCapture:
        """Capture one post (its id, or its URL). Never raises for the post's sake: look at .status.
        TooLate when `start_by` (time.monotonic()) has passed once a page is free for it."""
        if isinstance(platform, str):
            platform = platforms.get(platform)
        post_id = platform.post_id(post) or post
        if "://" in post_id:
            return PostCapture(
                platform.name, post, "", status="failed", error=f"not a {platform.name} post: {post}"
            )
        try:
            view_url = platform.view_url(post_id)
        except (ValueError, KeyError) as exc:
            return PostCapture(platform.name, post_id, "", status="failed", error=f"no view URL: {exc}")
        result = PostCapture(platform.name, post_id, view_url)
        async with self._page() as free_page:
            if start_by is not None and time.monotonic() >= start_by:
                raise TooLate(f"{platform.name} {post_id}: its time to start passed while it waited")
            started = time.monotonic()  # the capture's own time, not its wait for a free page
            result.started_at = now()
            try:
                await asyncio.wait_for(
                    self._capture(platform, post_id, result, free_page), self.settings.capture_timeout
                )
            except asyncio.TimeoutError:
                result.status = "timeout"
                result.error = f"the whole capture took over {self.settings.capture_timeout:g}s"
            except ArchiverError as exc:  # the browser would not start again, and the like
                result.status = "failed"
                result.error = str(exc)
            except Exception as exc:  # a bug in one capture must not stop the others
                log.exception("capture of %s %s crashed", platform.name, post_id)
                result.status = "failed"
                result.error = f"{type(exc).__name__}: {exc}"
        result.duration = round(time.monotonic() - started, 3)
        result.timings["total"] = result.duration
        return result

    @asynccontextmanager
    async def _page(self) -> AsyncIterator[Callable[[], None]]:
        """A page of the pool (settings.concurrency at once), held until the block ends or the
        function it gives is called, whichever comes first."""
        await self._pool.acquire()
        held = True

        def free() -> None:
            nonlocal held
            if held:
                held = False
                self._pool.release()

        try:
            yield free
        finally:
            free()

    async def _capture(
        self, platform: Platform, post_id: str, result: PostCapture, free_page: Callable[[], None]
    ) -> None:
        # The data, its media and the video through yt-dlp come while the view renders. Once the
        # view is kept its context is closed and its page another capture's: a slow data
        # endpoint or a long download holds neither.
        video = self.video is not None and video_wanted(self.settings, platform, None)
        data_task = (
            asyncio.ensure_future(self._data_and_media(platform, post_id))
            if platform.fetch_data or video
            else None
        )
        try:
            view = await self._view_with_retry(platform, post_id, result)
            free_page()
            data = await _settled(data_task) if data_task is not None else None
        finally:
            if data_task is not None and not data_task.done():
                data_task.cancel()
        result.artifacts.extend(view.artifacts)
        result.timings.update(view.timings)
        result.rendered = view.rendered
        result.http_status = view.http_status
        if data is not None:
            keep_video(data, view, result)
            if platform.fetch_data is None and data.gone is None:
                data = None  # no data endpoint, and yt-dlp stated nothing: the view tells
        if data is not None:
            result.timings["data"] = round(data.seconds, 3)
            keep_data(data, result)
        judge(platform, view, data, result)

    # The structured data.

    async def _data(self, platform: Platform, post_id: str) -> DataOutcome:
        assert platform.fetch_data is not None
        started = time.monotonic()
        outcome = DataOutcome()
        for attempt in (1, 2):
            try:
                async with self._hosts.slot(f"{platform.name} data"):
                    fetched = platform.fetch_data(self.client, post_id)
                    outcome.data = await asyncio.wait_for(fetched, self.settings.fetch_timeout)
                break
            except PostGone as exc:
                outcome.gone = exc
                break
            except (CaptureError, Refused) as exc:  # a refusal is final: nothing to retry
                outcome.error = str(exc)
                break
            except (httpx.HTTPError, asyncio.TimeoutError) as exc:
                outcome.error = _describe(exc) or f"no answer within {self.settings.fetch_timeout:g}s"
                if attempt == 2 or not _worth_retrying(exc):
                    break
                await asyncio.sleep(self.retry_backoff * attempt)
        if outcome.data is not None and outcome.data.says_nothing:  # no record of the post
            outcome.unread, outcome.data = outcome.data, None
            outcome.error = f"{platform.name}: {SAYS_NOTHING}"
        if outcome.data is not None or outcome.gone is not None:
            outcome.error = None
        outcome.seconds = time.monotonic() - started
        return outcome

    async def _data_and_media(self, platform: Platform, post_id: str) -> DataOutcome:
        """The data, then its photos and video, then the video through yt-dlp where the data did
        not give it (capture/video.py): downloaded while the view renders, not after it."""
        outcome = await self._data(platform, post_id) if platform.fetch_data else DataOutcome()
        started = time.monotonic()
        kept: dict[str, bool] = {}
        for item in outcome.data.media if outcome.data is not None else ():
            url = item.get("url")
            if url and item.get("type") in ("photo", "video", "gif"):
                outcome.media.append(await self._media(url))
                kept[url] = outcome.media[-1][0] is not None
        outcome.media_seconds = time.monotonic() - started
        wanted = outcome.gone is None and video_wanted(self.settings, platform, outcome.data, kept)
        if self.video is not None and self._spool is not None and wanted:
            async with self._hosts.slot(f"{platform.name} video"):
                outcome.video = await download_video(
                    self.video, self.settings, self.guard, platform, post_id, self._spool, self._relay
                )
        return outcome

    async def _media(self, url: str) -> tuple[Artifact | None, str | None]:
        """One media file as an artifact, or why not (too large: skipped; else the error)."""
        assert self._spool is not None
        host = urlsplit(url).hostname or ""
        for attempt in (1, 2):
            try:
                async with self._hosts.slot(host):
                    got = await asyncio.wait_for(
                        download(self.client, url, self.settings.max_media_bytes, self._spool),
                        self.settings.fetch_timeout,
                    )
                return Artifact("media", got.path, got.mime, source_url=url), None
            except MediaTooLarge as exc:
                return None, f"skipped: {exc}"
            except CaptureError as exc:
                return None, str(exc)
            except Refused as exc:  # the URL or a redirect hop: its one line names the URL
                return None, f"media {url}: {exc}"
            except (httpx.TransportError, asyncio.TimeoutError) as exc:
                if attempt == 2 or isinstance(exc, asyncio.TimeoutError):
                    return None, f"media {url}: {_describe(exc) or 'timed out'}"
                await asyncio.sleep(self.retry_backoff)
            except httpx.HTTPError as exc:  # too many redirects, a body that does not decode...
                return None, f"media {url}: {_describe(exc)}"
            except OSError as exc:  # the spool folder: a full disk, say
                return None, f"media {url}: cannot keep it: {exc.strerror or exc}"
        return None, f"media {url}: not downloaded"  # pragma: no cover - the loop always returns

    # The embed view in the browser.

    async def _view_with_retry(
        self, platform: Platform, post_id: str, result: PostCapture | None = None, *, keep: bool = True
    ) -> ViewOutcome:
        for attempt in (1, 2):
            if result is not None:
                result.attempts = attempt
            try:
                return await self._view(platform, post_id, keep=keep)
            except _Retry as exc:
                if attempt == 2:
                    return ViewOutcome(error=str(exc), error_kind="failed")
                log.info("%s %s: %s; trying once more", platform.name, post_id, exc)
                await asyncio.sleep(self.retry_backoff * attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _view(self, platform: Platform, post_id: str, *, keep: bool = True) -> ViewOutcome:
        """The embed view loaded and read: whether the post rendered, a gone state it shows
        instead, the post's fingerprint; with `keep`, its screenshot, DOM, MHTML and WARC."""
        view = ViewOutcome()
        url = platform.view_url(post_id)
        try:  # an instance on a literal private address, say: no browser for it at all
            self.guard.check_url(url)
        except Refused as exc:
            view.error = str(exc)
            return view
        refusals = Refusals()
        step = "opening a browser context"
        timeout = self.settings.page_timeout
        opened, closing = time.monotonic(), 0.0
        try:
            async with self._context(platform.name, refusals) as context:
                recorder = Recorder()
                if keep:
                    context.on("response", recorder.on_response)
                page = await blank_page(context)
                view.timings["open"] = round(time.monotonic() - opened, 3)  # context and page
                step = "loading the view"
                started = time.monotonic()
                async with self._hosts.slot(urlsplit(url).hostname or ""):
                    response = await page.goto(url, wait_until="domcontentloaded")
                view.http_status = response.status if response is not None else None
                step = "waiting for it to render"
                view.rendered = await wait_rendered(page, platform.render_selector, timeout)
                # No post: look a little longer for what a gone post shows instead.
                wait = 0.0 if view.rendered else min(timeout, STATE_WAIT)
                view.state = await view_state(page, platform, timeout=timeout, wait=wait)
                if view.rendered and view.state is None and not (keep and platform.fetch_data):
                    # What a re-check compares (and, with no data, a capture's content hash).
                    view.fingerprint = await post_fingerprint(page, platform.render_selector, timeout=timeout)
                view.timings["render"] = round(time.monotonic() - started, 3)
                if not keep:
                    return view
                step = "taking its screenshot"
                # The post element; for a gone post the whole page, what the platform shows instead.
                selector = platform.render_selector if view.rendered and view.state is None else None
                kept = await post_snapshots(context, page, selector, url, timeout)
                view.artifacts += kept.artifacts
                view.full_page = kept.full_page
                view.timings.update(kept.timings)
                step = "writing the WARC"
                started = time.monotonic()
                exchanges = await recorder.exchanges(
                    self.settings.page_timeout,
                    keep_set_cookie=self.settings.storage_state_for(platform.name) is None,
                )
                info = {"post": f"{platform.name}/{post_id}", "view-url": url}
                view.artifacts.append(
                    Artifact("warc", write_warc(exchanges, software=SOFTWARE, info=info), "application/warc")
                )
                view.timings["warc"] = round(time.monotonic() - started, 3)
                closing = time.monotonic()
            view.timings["close"] = round(time.monotonic() - closing, 3)
        except PlaywrightTimeout as exc:
            view.error = f"{step}: timed out after {self.settings.page_timeout:g}s ({_first_line(exc)})"
            view.error_kind = "timeout"
            view.artifacts.clear()
        except PlaywrightError as exc:
            if refusals.navigation is None and self._is_transient(exc):
                raise _Retry(f"{step}: {_first_line(exc)}") from exc
            view.error = refusals.navigation or f"{step}: {_first_line(exc)}"
            view.artifacts.clear()
        view.refused = refusals.subresources
        return view

    async def check_view(self, platform: Platform | str, post: str) -> ViewCheck:
        """Load the post's embed view and read it, keeping nothing: the gone state it shows, or
        whether the post rendered and its fingerprint (viewstate.py). The browser re-check of a
        platform without a data endpoint; politeness, the guard and the timeouts are a
        capture's. Never raises for the post's sake: a view that did not load has .error."""
        if isinstance(platform, str):
            platform = platforms.get(platform)
        post_id = platform.post_id(post) or post
        try:
            platform.view_url(post_id)
        except (ValueError, KeyError) as exc:
            return ViewCheck(error=f"no view URL: {exc}")
        async with self._pool:
            try:
                view = await asyncio.wait_for(
                    self._view_with_retry(platform, post_id, keep=False), self.settings.capture_timeout
                )
            except asyncio.TimeoutError:
                return ViewCheck(error=f"the view check took over {self.settings.capture_timeout:g}s")
            except ArchiverError as exc:  # the browser would not start again, and the like
                return ViewCheck(error=str(exc))
            except Exception as exc:  # a bug in one check must not stop the others
                log.exception("view check of %s %s crashed", platform.name, post_id)
                return ViewCheck(error=f"{type(exc).__name__}: {exc}")
        # Without a render_selector, "rendered" only means the page settled: no word that it is live.
        rendered = view.rendered and platform.render_selector is not None
        fingerprint = view.fingerprint if rendered else None
        return ViewCheck(view.state, rendered, fingerprint, view.error, view.http_status)

    # The article itself.

    async def capture_article(
        self,
        url: str | None = None,
        html: bytes | str | None = None,
        content_type: str | None = None,
        *,
        keep: bool = True,
    ) -> ArticleRender:
        """The article rendered as a reader sees it and kept (capture/article.py): loaded from
        `url`, or, given `html`, those very bytes served at `url` as `content_type`. Never raises
        for the article's sake: a failure is the render's `error`, what it lacks its `missing`
        (among them what the network guard refused). keep=False: only the DOMs, for discovery."""
        if url is None and html is None:
            raise ValueError("give the article's url, its html, or both")
        target = ArticlePage(url, html, content_type)
        render = ArticleRender(url)
        async with self._pool:
            for attempt in (1, 2):
                refusals = Refusals()
                render = ArticleRender(url)
                try:
                    await asyncio.wait_for(
                        self._render_article(target, refusals, keep, render), self.settings.capture_timeout
                    )
                    if refusals.navigation is not None:  # the guard's reason, not the browser's
                        render.error = refusals.navigation
                        render.missing = [f"render: {render.error}"] + [
                            m for m in render.missing if not m.startswith("render: ")
                        ]
                    render.missing.extend(refusals.subresources)
                    break
                except asyncio.TimeoutError:  # what it had kept by then stays
                    render.error = f"the whole render took over {self.settings.capture_timeout:g}s"
                    see_missing(render, keep)
                    break
                except PlaywrightError as exc:
                    render = ArticleRender(url, error=refusals.navigation or _first_line(exc))
                    if attempt == 2 or refusals.navigation is not None or not self._is_transient(exc):
                        break
                    await asyncio.sleep(self.retry_backoff)
                except ArchiverError as exc:  # the browser would not start again, and the like
                    render = ArticleRender(url, error=str(exc))
                    break
        if render.error is not None and not render.missing:
            render.missing.append(f"render: {render.error}")
        for reason in refusals.found:
            log.info("article %s: %s", url or "(given as HTML)", reason[0])
        return render

    async def _render_article(
        self, target: ArticlePage, refusals: Refusals, keep: bool, into: ArticleRender
    ) -> ArticleRender:
        async with self._context(None, refusals) as context:
            return await render_article(
                context,
                target,
                self.settings,
                hosts=self._hosts,
                software=SOFTWARE,
                keep=keep,
                is_transient=self._is_transient,
                into=into,
            )


async def _settled(task: asyncio.Future[DataOutcome]) -> DataOutcome:
    """The data task's outcome. A bug in a platform's data code costs the data, not the view."""
    try:
        return await task
    except Exception as exc:
        log.exception("fetching the post's data crashed")
        return DataOutcome(error=f"{type(exc).__name__}: {exc}")


def _worth_retrying(exc: Exception) -> bool:
    """The network or a busy server (5xx, 429): another try may do; any other answer will not."""
    if isinstance(exc, httpx.HTTPStatusError):
        status = exc.response.status_code
        return status >= 500 or status == 429
    return isinstance(exc, (httpx.TransportError, asyncio.TimeoutError))


def _first_line(exc: BaseException | None) -> str:
    text = str(exc).strip() if exc is not None else ""
    return text.splitlines()[0] if text else type(exc).__name__


def _describe(exc: BaseException) -> str:
    if isinstance(exc, httpx.HTTPStatusError):
        return f"HTTP {exc.response.status_code} from {exc.request.url.host}"
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
