"""The article as a reader saw it, in one browser context: loaded from its URL (or the fetched
bytes served at that URL), its consent wall accepted when one of the major consent platforms
shows it, scrolled through so lazy embeds load, given a bounded wait for its embed frames to
settle; then its rendered DOM and every frame's, a full-page PNG of that same render, and a WARC
of every response the context received (the page, its scripts, every embed frame and what each
loaded).

    render = await render_article(context, ArticlePage(url, body, content_type), settings, ...)
    render.artifacts   # screenshot, dom, render (JSON: consent, frames, waits), warc
    render.documents   # the rendered page and each frame's DOM, for discovery after rendering
    render.consent     # the consent platform whose accept button was clicked, if one was

The Capturer (capturer.py) owns the context (the network guard's relay or route handler, the
offline world's routes), the retries and the pool; this module owns what is done in it. Every
wait is bounded: the page's own steps by settings.page_timeout, the consent wall by
CONSENT_SECONDS, the wait for frames to settle by IDLE_SECONDS, each frame's DOM by
FRAME_SECONDS. A step that fails ends the render with its reason in `error`; what was kept
before it (and the WARC of what had arrived) stays, and `missing` names the rest.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeout

from archiver.capture.politeness import HostLimiter
from archiver.capture.recorder import Recorder
from archiver.capture.spares import blank_page
from archiver.capture.warc import write_warc
from archiver.models import Artifact

if TYPE_CHECKING:
    from playwright.async_api import BrowserContext, Frame, Page, Request

    from archiver.settings import Settings

log = logging.getLogger(__name__)

CONSENT_SECONDS = 2.0  # a consent button that is there: its click and what it reveals
IDLE_SECONDS = 5.0  # the wait for the network to go quiet and the frames to load, at most
QUIET_SECONDS = 0.3  # nothing in flight for this long: the network is quiet
FRAME_SECONDS = 2.0  # reading one frame's DOM, at most
MAX_FRAMES = 60  # frames whose DOM is read (ad-heavy pages have dozens)


@dataclass(frozen=True)
class ConsentButton:
    """The "accept" button of one consent platform: a CSS selector (Playwright's: it looks
    inside open shadow roots too), and for a platform that draws its wall in an iframe, that
    iframe's selector in the page."""

    platform: str
    selector: str
    frame: str | None = None


# The major consent platforms' accept buttons, as their own markup names them.
CONSENT_BUTTONS = (
    ConsentButton("OneTrust", "#onetrust-accept-btn-handler"),
    ConsentButton("Didomi", "#didomi-notice-agree-button"),
    ConsentButton("Quantcast Choice", '.qc-cmp2-summary-buttons button[mode="primary"]'),
    ConsentButton("Sourcepoint", "button.sp_choice_type_11", frame='iframe[id^="sp_message_iframe"]'),
    ConsentButton("Usercentrics", '[data-testid="uc-accept-all-button"]'),
    ConsentButton(
        "Cookiebot",
        "#CybotCookiebotDialogBodyLevelButtonLevelOptinAllowAll, #CybotCookiebotDialogBodyButtonAccept",
    ),
    ConsentButton("TrustArc", "#truste-consent-button"),
    ConsentButton("Google Funding Choices", "button.fc-cta-consent"),
)

# Any of them, or the frame one is drawn in.
_ANY_CONSENT = ", ".join(button.frame or button.selector for button in CONSENT_BUTTONS)

# Scroll down a viewport at a time (at most 40 steps), letting each step paint and lazy loaders
# see it, then back to the top.
SCROLL_THROUGH = """async () => {
  const frame = () => new Promise(r => requestAnimationFrame(() => setTimeout(r, 50)));
  for (let i = 0; i < 40 && window.scrollY + innerHeight < document.documentElement.scrollHeight; i++) {
    window.scrollBy(0, innerHeight);
    await frame();
  }
  window.scrollTo(0, 0);
  await frame();
}"""
_NEXT_FRAME = "() => new Promise(r => requestAnimationFrame(() => setTimeout(r, 100)))"
_MAX_VIEWPORT = 16384  # Chromium's largest texture, for a page shot whole
_MAX_SHOT = 32768  # pixels down an article's screenshot at most (1280 wide: 160 MB)
_SHOT_STEP = 4096  # pixels down a screenshot gets one page_timeout for


@dataclass(frozen=True)
class ArticlePage:
    """What to load: `url`, or, with `html`, those bytes served at `url` as `content_type` (so
    relative links and embeds load as they would); with no url, `html` set as the page's content."""

    url: str | None
    html: bytes | str | None = None
    content_type: str | None = None


@dataclass(frozen=True)
class RenderedDocument:
    """One document of the render: the page's DOM ("rendered") or a frame's ("frame:<url>"),
    with the index in ArticleRender.documents of the frame's parent."""

    found_in: str
    url: str
    html: str
    parent: int | None = None


@dataclass
class Consent:
    """The consent wall: whose it was, and whether its accept button was clicked."""

    platform: str
    selector: str
    clicked: bool
    error: str | None = None


@dataclass
class ArticleRender:
    """What rendering the article kept (`artifacts`), what it found in the browser
    (`documents`, `consent`), how long each step took, and what it could not keep."""

    url: str | None
    artifacts: list[Artifact] = field(default_factory=list)
    documents: list[RenderedDocument] = field(default_factory=list)
    frames: list[dict[str, Any]] = field(default_factory=list)  # each frame: url, parent url
    consent: Consent | None = None
    timings: dict[str, float] = field(default_factory=dict)
    idle_cut: bool = False  # the wait for the frames to settle hit IDLE_SECONDS
    error: str | None = None  # the step that failed, and why
    missing: list[str] = field(default_factory=list)

    def artifact(self, kind: str) -> Artifact | None:
        return next((a for a in self.artifacts if a.kind == kind), None)

    @property
    def rendered(self) -> bool:
        """The page's rendered DOM was read (discovery after rendering has something to read)."""
        return bool(self.documents)

    def notes(self) -> dict[str, Any]:
        """The `render` artifact: how the render went (consent, frames, waits)."""
        return {
            "url": self.url,
            "consent": asdict(self.consent) if self.consent is not None else None,
            "frames": self.frames,
            "idle_wait": {
                "seconds": self.timings.get("idle"),
                "cut_at": IDLE_SECONDS if self.idle_cut else None,
            },
            "error": self.error,
            "missing": self.missing,
        }


async def render_article(
    context: BrowserContext,
    target: ArticlePage,
    settings: Settings,
    *,
    hosts: HostLimiter,
    software: str,
    keep: bool = True,
    is_transient: Callable[[BaseException], bool] = lambda exc: False,
    into: ArticleRender | None = None,
) -> ArticleRender:
    """Render the article in `context` and keep it (see the module's docstring). With keep=False
    only what discovery needs is read (no screenshot, no WARC). A PlaywrightError that
    `is_transient` (the browser died) is raised for the caller to retry; any other failure is
    the render's `error`. `into` is filled as the render goes, so that a caller who cancels it
    keeps what it had (then see_missing)."""
    render = into if into is not None else ArticleRender(target.url)
    recorder = Recorder()
    if keep:
        context.on("response", recorder.on_response)
    page = await blank_page(context)
    traffic = _Traffic(page)
    timeout = settings.page_timeout
    step = "loading the article"
    try:
        started = time.monotonic()
        await _load(page, target, hosts)
        render.timings["load"] = _since(started)
        # Through it as a reader scrolls, once its document is there: lazy embeds start loading
        # beside the page's own images and scripts, not after them.
        step = "scrolling through it"
        started = time.monotonic()
        await _scroll(page)
        render.timings["scroll"] = _since(started)
        step = "waiting for it to load"
        started = time.monotonic()
        try:
            await page.wait_for_load_state("load")
            loaded = True
        except PlaywrightTimeout:  # an image or script that never comes: its wait, not a failure
            loaded = False
        render.timings["load_event"] = _since(started)
        step = "accepting its consent wall"
        started = time.monotonic()
        clicked = await _accept_consent(page, render)
        if clicked:  # what the wall held back may be lazy too
            await _scroll(page)
        render.timings["consent"] = _since(started)
        step = "waiting for its embeds to settle"
        started = time.monotonic()
        render.idle_cut = not await _settle(page, traffic, loaded)
        render.timings["idle"] = _since(started)
        if not clicked:  # a wall that came late: accepted, then what it held back settles too
            started = time.monotonic()
            if await _accept_consent(page, render):
                await _scroll(page)
                render.idle_cut = not await _settle(page, traffic, True)
            render.timings["consent"] = round(render.timings["consent"] + _since(started), 3)
        step = "reading its DOM"
        started = time.monotonic()
        await _read_documents(page, render)
        main = render.documents[0]
        render.artifacts.append(
            Artifact("dom", main.html.encode(), "text/html; charset=utf-8", source_url=main.url)
        )
        render.timings["dom"] = _since(started)
        if keep:
            step = "taking its screenshot"
            started = time.monotonic()
            png = await _full_page(page, timeout)
            render.artifacts.append(Artifact("screenshot", png, "image/png", source_url=target.url))
            render.timings["screenshot"] = _since(started)
    except PlaywrightTimeout as exc:
        render.error = f"{step}: timed out after {timeout:g}s ({_first_line(exc)})"
    except PlaywrightError as exc:
        if is_transient(exc):
            raise
        render.error = f"{step}: {_first_line(exc)}"
    if keep:
        await _keep_traffic(recorder, render, settings, software)
        notes = json.dumps(render.notes(), indent=2, ensure_ascii=False).encode()
        render.artifacts.append(Artifact("render", notes, "application/json", source_url=target.url))
    see_missing(render, keep)
    return render


async def _scroll(page: Page) -> None:
    """Scroll through the page; once more when the page navigated meanwhile (a consent wall
    that reloads it, a script's redirect)."""
    for attempt in (1, 2):
        try:
            await page.evaluate(SCROLL_THROUGH)
            return
        except PlaywrightError as exc:
            if attempt == 2 or "context was destroyed" not in str(exc):
                raise
            with suppress(PlaywrightTimeout):
                await page.wait_for_load_state("domcontentloaded")


async def _load(page: Page, target: ArticlePage, hosts: HostLimiter) -> None:
    if target.url is None:
        assert target.html is not None
        html = target.html
        text = html if isinstance(html, str) else html.decode("utf-8", "replace")
        await page.set_content(text, wait_until="domcontentloaded")
        return
    if target.html is not None:
        if isinstance(target.html, str):
            body, served_as = target.html.encode(), "text/html; charset=utf-8"
        else:
            body, served_as = target.html, target.content_type or "text/html"
        at = target.url.split("#", 1)[0]

        async def serve(route: Any) -> None:
            await route.fulfill(status=200, body=body, content_type=served_as)

        await page.route(lambda u: u.split("#", 1)[0] == at, serve)
    async with hosts.slot(urlsplit(target.url).hostname or ""):
        await page.goto(target.url, wait_until="domcontentloaded")


async def _accept_consent(page: Page, render: ArticleRender) -> bool:
    """Click the accept button of the first consent platform whose button is visible now (one
    look each, no waiting for one to come); True when one was clicked."""
    try:  # one look for any of them first: most pages show none
        if not await page.locator(_ANY_CONSENT).count():
            return False
    except PlaywrightError:
        return False
    for button in CONSENT_BUTTONS:
        scope = page.frame_locator(button.frame).first if button.frame else page
        found = scope.locator(button.selector).first
        try:
            if not await found.is_visible():
                continue
        except PlaywrightError:  # its frame went away meanwhile
            continue
        render.consent = Consent(button.platform, button.selector, clicked=False)
        try:
            await found.click(timeout=CONSENT_SECONDS * 1000)
        except PlaywrightError as exc:
            render.consent.error = _first_line(exc)
            log.info("article %s: %s's accept button: %s", render.url, button.platform, render.consent.error)
            return False
        render.consent.clicked = True
        log.info("article %s: clicked %s's accept button", render.url, button.platform)
        # The wall may reload the page, or reveal what it held back: give that its moment.
        with suppress(PlaywrightTimeout):
            await page.wait_for_load_state("load", timeout=CONSENT_SECONDS * 1000)
        with suppress(PlaywrightError):  # a page that navigated meanwhile has no frame to wait for
            await page.evaluate(_NEXT_FRAME)
        return True
    return False


class _Traffic:
    """The page's requests in flight (its frames' too), and when the last one ended."""

    def __init__(self, page: Page) -> None:
        self.inflight: set[Request] = set()
        self.last = time.monotonic()
        page.on("request", self._started)
        page.on("requestfinished", self._ended)
        page.on("requestfailed", self._ended)

    def _started(self, request: Request) -> None:
        self.inflight.add(request)

    def _ended(self, request: Request) -> None:
        self.inflight.discard(request)
        self.last = time.monotonic()

    async def quiet(self, deadline: float) -> bool:
        """Until nothing has been in flight for QUIET_SECONDS (True), or `deadline` (False)."""
        while time.monotonic() < deadline:
            if not self.inflight and time.monotonic() - self.last >= QUIET_SECONDS:
                return True
            await asyncio.sleep(0.05)
        return False


async def _settle(page: Page, traffic: _Traffic, loaded: bool) -> bool:
    """Wait (at most IDLE_SECONDS in all) for the network to go quiet and every frame to have
    loaded; True when they did within the bound. A page that never loaded will not go quiet
    either (what hangs keeps it busy): its frames get the wait."""
    deadline = time.monotonic() + IDLE_SECONDS
    idle = await traffic.quiet(deadline) if loaded else False
    for frame in page.frames[1:]:
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        try:
            await frame.wait_for_load_state("load", timeout=left * 1000)
        except PlaywrightTimeout:
            idle = False
        except PlaywrightError:  # detached meanwhile
            continue
    return idle


async def _read_documents(page: Page, render: ArticleRender) -> None:
    """The page's DOM, then each frame's (depth first, at most MAX_FRAMES, read at once, each
    within FRAME_SECONDS), with where it was found and its parent."""
    frames = _descendants(page.main_frame)
    kept = frames[:MAX_FRAMES]
    main = asyncio.ensure_future(page.content())
    doms = await asyncio.gather(*(_frame_dom(frame) for frame in kept))
    render.documents.append(RenderedDocument("rendered", page.url, await main))
    index: dict[Frame, int] = {page.main_frame: 0}
    for frame, html in zip(kept, doms, strict=True):
        parent = frame.parent_frame
        render.frames.append({"url": frame.url, "parent": parent.url if parent is not None else None})
        if html is None:
            continue
        index[frame] = len(render.documents)
        render.documents.append(
            RenderedDocument(f"frame:{frame.url}", frame.url, html, index.get(parent) if parent else None)
        )
    if len(frames) > MAX_FRAMES:
        render.frames.append({"url": None, "skipped": len(frames) - MAX_FRAMES})


async def _frame_dom(frame: Frame) -> str | None:
    try:
        return await asyncio.wait_for(frame.content(), FRAME_SECONDS)
    except (PlaywrightError, asyncio.TimeoutError):  # detached, or still loading
        return None


def _descendants(frame: Frame) -> list[Frame]:
    found: list[Frame] = []
    for child in frame.child_frames:
        found.append(child)
        found.extend(_descendants(child))
    return found


async def _full_page(page: Page, page_timeout: float) -> bytes:
    """A full-page PNG. The viewport is made as tall as the page first: Chromium leaves embed
    iframes outside the viewport blank in a full-page shot."""
    width = (page.viewport_size or {"width": 1280})["width"]
    height = int(await page.evaluate("document.documentElement.scrollHeight"))
    # A screenshot's pixels are held in memory, 4 bytes each: a longer page is cut at
    # _MAX_SHOT, shot as one viewport (a full-page shot would lay out all of it first).
    whole = height <= _MAX_SHOT
    viewport = max(1, min(height, _MAX_VIEWPORT)) if whole else _MAX_SHOT
    await page.set_viewport_size({"width": width, "height": viewport})
    await page.evaluate(_NEXT_FRAME)
    # Painting and encoding take time in proportion to the pixels: one step's timeout for each
    # _SHOT_STEP pixels down (a 32,768-pixel page gets 8 of them, on a busy machine too).
    steps = max(1.0, min(height, _MAX_SHOT) / _SHOT_STEP)
    return await page.screenshot(full_page=whole, animations="disabled", timeout=page_timeout * steps * 1000)


async def _keep_traffic(recorder: Recorder, render: ArticleRender, settings: Settings, software: str) -> None:
    """The WARC of every response that arrived (after a failure too: what came is kept)."""
    started = time.monotonic()
    exchanges = await recorder.exchanges(
        settings.page_timeout, keep_set_cookie=settings.storage_state_for(None) is None
    )
    if exchanges:
        info = {"article": render.url or "(given as HTML)"}
        warc = write_warc(exchanges, software=software, info=info)
        render.artifacts.append(Artifact("warc", warc, "application/warc", source_url=render.url))
    render.timings["warc"] = _since(started)


def see_missing(render: ArticleRender, keep: bool = True) -> None:
    """What the render did not keep, in its `missing` (after its error, if any)."""
    kinds = {a.kind for a in render.artifacts}
    if render.error is not None:
        render.missing.append(f"render: {render.error}")
        wanted = ("dom", "screenshot", "warc") if keep else ("dom",)
        render.missing.extend(f"{kind}: not kept" for kind in wanted if kind not in kinds)
    if render.consent is not None and not render.consent.clicked:
        render.missing.append(f"consent: {render.consent.platform}'s accept button: {render.consent.error}")


def _since(started: float) -> float:
    return round(time.monotonic() - started, 3)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
