"""What a capture does with one loaded browser page: wait until the post has rendered, then
keep it (a PNG of the post element, the rendered DOM, an MHTML snapshot); an article's render is
article.py's. Every wait is capped: by `page_timeout` seconds (the page's default timeout, or
given here), the small settling waits by at most 10 s.
"""

from __future__ import annotations

import asyncio
import math
import time
from contextlib import suppress
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeout

from archiver.models import Artifact

if TYPE_CHECKING:
    from playwright._impl._api_structures import Clip
    from playwright.async_api import BrowserContext, Page

# True once every image inside the post element has loaded (or failed).
_IMAGES_DONE = (
    "s => { const el = document.querySelector(s);"
    " return !!el && [...el.querySelectorAll('img')].every(i => i.complete); }"
)


@dataclass
class Snapshots:
    """A post's page, kept: screenshot, dom and mhtml artifacts, and how long each took."""

    artifacts: list[Artifact] = field(default_factory=list)
    full_page: bool = False  # the post element could not be shot: the whole page was
    timings: dict[str, float] = field(default_factory=dict)


def _settle_ms(page_timeout: float) -> float:
    return min(page_timeout, 10.0) * 1000


async def settle(
    page: Page, page_timeout: float, state: Literal["load", "networkidle"] = "networkidle"
) -> None:
    """Wait a little (at most 10 s) for the page to reach `state`; it may never."""
    with suppress(PlaywrightTimeout):
        await page.wait_for_load_state(state, timeout=_settle_ms(page_timeout))


async def wait_rendered(page: Page, selector: str | None, page_timeout: float) -> bool:
    """Until the post is there (its selector, then images and the load event), or the network
    has gone idle without it. Capped by the page's default timeout; True when the selector was
    found (or there is none to look for)."""
    if selector is None:
        with suppress(PlaywrightTimeout):
            await page.wait_for_load_state("networkidle")
        return True
    appeared = asyncio.ensure_future(page.wait_for_selector(selector, state="visible"))
    idle = asyncio.ensure_future(page.wait_for_load_state("networkidle"))
    try:
        await asyncio.wait({appeared, idle}, return_when=asyncio.FIRST_COMPLETED)
        found = appeared.done() and appeared.exception() is None
        if not found and idle.done() and idle.exception() is None:
            # Idle and still no post. The network can idle while the page's scripts wait
            # for a busy CPU: let it finish loading (its scripts have run by then), look once
            # (on a starved CPU, waiting for the selector can miss a post that is there: it
            # polls on animation frames), then give a script that rendered late one more second.
            await settle(page, page_timeout, "load")
            found = await _visible(page, selector)
            if not found:
                with suppress(PlaywrightTimeout):
                    await page.wait_for_selector(selector, state="visible", timeout=1000)
                    found = True
    finally:
        for task in (appeared, idle):
            task.cancel()
        await asyncio.gather(appeared, idle, return_exceptions=True)
    if found:
        await settle(page, page_timeout, "load")
        with suppress(PlaywrightTimeout):
            await page.wait_for_function(_IMAGES_DONE, arg=selector, timeout=_settle_ms(page_timeout))
    return found


async def _visible(page: Page, selector: str) -> bool:
    """Whether the post is there and visible now: one look, no waiting."""
    try:
        return await page.locator(selector).first.is_visible()
    except PlaywrightError:
        return False


async def element_png(page: Page, selector: str) -> bytes:
    """The PNG of the first element `selector` finds, as Playwright's element screenshot takes
    it (animations stopped). When the element already lies whole in the viewport, the page's
    screenshot clipped to its box: the same pixels, without the element screenshot's wait for
    the element to be stable and scrolled into view, which polls on animation frames and cost
    a fifth of a page's CPU with four pages at once. Else the element screenshot itself."""
    element = page.locator(selector).first
    box = await element.bounding_box()
    viewport = page.viewport_size
    if box is not None and viewport is not None:
        # The box rounded outwards to whole pixels, as the element screenshot rounds it.
        left, top = math.floor(box["x"] + 1e-3), math.floor(box["y"] + 1e-3)
        right = math.ceil(box["x"] + box["width"] - 1e-3)
        bottom = math.ceil(box["y"] + box["height"] - 1e-3)
        if 0 <= left < right <= viewport["width"] and 0 <= top < bottom <= viewport["height"]:
            width, height = right - left, bottom - top
            clip: Clip = {"x": left, "y": top, "width": width, "height": height}
            return await page.screenshot(clip=clip, animations="disabled")
    return await element.screenshot(animations="disabled")


async def post_snapshots(
    context: BrowserContext, page: Page, selector: str | None, url: str, page_timeout: float
) -> Snapshots:
    """The post element's PNG (the whole page's without a `selector`, or when the element will
    not be shot), the rendered DOM and an MHTML snapshot (Page.captureSnapshot over CDP)."""
    kept = Snapshots()
    started = time.monotonic()
    png: bytes | None = None
    if selector is not None:
        with suppress(PlaywrightError):
            png = await element_png(page, selector)
        kept.full_page = png is None
    if png is None:
        png = await page.screenshot(full_page=True, animations="disabled")
    kept.artifacts.append(Artifact("screenshot", png, "image/png", source_url=url))
    kept.timings["screenshot"] = round(time.monotonic() - started, 3)
    started = time.monotonic()
    dom = await page.content()
    kept.artifacts.append(Artifact("dom", dom.encode(), "text/html; charset=utf-8", source_url=url))
    session = await context.new_cdp_session(page)
    try:
        snapshot = await asyncio.wait_for(
            session.send("Page.captureSnapshot", {"format": "mhtml"}), page_timeout
        )
    except asyncio.TimeoutError:
        raise PlaywrightTimeout("MHTML snapshot") from None
    kept.artifacts.append(Artifact("mhtml", snapshot["data"].encode(), "multipart/related", source_url=url))
    kept.timings["dom"] = round(time.monotonic() - started, 3)
    return kept
