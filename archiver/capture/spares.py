"""A browser context opened ahead of its capture.

Chromium takes about a tenth of a second of a core to make a context's first page (a renderer
for it), twice that with four pages loading. A capture that starts takes the spare context and
its blank page, already there, and the next spare is opened while the capture loads: the
opening overlaps the network waits of the pages under way instead of holding up a page of the
pool. A spare is as fresh as a new context: nothing has been loaded in it, and each is used
once. Only contexts made with the options the spare was made with are served from it (a
platform with a login state of its own gets a new one), and only from the browser that made
it (after a relaunch the old spare is dropped).
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress
from typing import TYPE_CHECKING, Any

from playwright.async_api import Error as PlaywrightError

if TYPE_CHECKING:
    from playwright.async_api import Browser, BrowserContext, Page

log = logging.getLogger(__name__)


async def _open(browser: Browser, options: dict[str, Any]) -> BrowserContext:
    context = await browser.new_context(**options)
    try:
        await context.new_page()
    except BaseException:
        with suppress(PlaywrightError):
            await context.close()
        raise
    return context


class Spare:
    """One context (with a blank page) kept open ahead, made with `options`."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        self._browser: Browser | None = None
        self._opening: asyncio.Task[BrowserContext] | None = None

    def open_ahead(self, browser: Browser) -> None:
        """Start opening a spare in `browser`, unless one is open or opening there already."""
        if self._opening is not None and self._browser is browser:
            return
        self._drop()
        self._browser = browser
        self._opening = asyncio.ensure_future(_open(browser, self.options))

    async def take(self, browser: Browser, options: dict[str, Any]) -> BrowserContext | None:
        """The spare (opened, or waited for while it opens) when it was made in `browser` with
        `options`, and the next one set opening; None when there is none to give: the caller
        makes its own context then."""
        if options != self.options:
            return None
        opening = self._opening if self._browser is browser else None
        if opening is not None:
            self._opening = None
        if browser.is_connected():
            self.open_ahead(browser)  # the next capture's (a relaunched browser's: the first)
        if opening is None:
            return None
        try:
            context = await opening
        except PlaywrightError as exc:  # the browser went away meanwhile, say: the caller will see
            log.debug("the spare browser context did not open: %s", exc)
            return None
        return context if context.pages else None

    async def close(self) -> None:
        """Close the spare that was never taken (before its browser is closed)."""
        opening, self._opening = self._opening, None
        if opening is None:
            return
        if not opening.done():
            opening.cancel()
        with suppress(PlaywrightError, asyncio.CancelledError):
            context = await opening
            await context.close()

    def _drop(self) -> None:
        """Forget a spare of another browser (a dead one, relaunched): it is closed with it."""
        if self._opening is not None:
            self._opening.add_done_callback(_closed_quietly)
        self._opening = None


def _closed_quietly(task: asyncio.Task[BrowserContext]) -> None:
    """A forgotten spare: closed if it opened, its error (if any) read so none is logged."""
    if task.cancelled() or task.exception() is not None:
        return
    context = task.result()
    closing = asyncio.ensure_future(context.close())
    closing.add_done_callback(lambda done: done.cancelled() or done.exception())


async def blank_page(context: BrowserContext) -> Page:
    """The page to load in: a spare's blank page, else a new one."""
    return context.pages[0] if context.pages else await context.new_page()
