"""capture/spares.py: the browser context opened ahead of its capture is fresh, used once, only
for captures with its options and its browser, and closed when not taken."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

import pytest
from playwright.async_api import Browser, async_playwright

from archiver.capture.browser import context_options, launch
from archiver.capture.spares import Spare, blank_page
from archiver.settings import Settings

pytestmark = pytest.mark.browser
T = TypeVar("T")


@pytest.fixture
def settings(settings: Settings, browser_path: str) -> Settings:
    return replace(settings, browser=browser_path)


def with_browsers(settings: Settings, count: int, body: Callable[..., Awaitable[T]]) -> T:
    async def go() -> T:
        async with async_playwright() as pw:
            browsers = [(await launch(pw, settings))[0] for _ in range(count)]
            try:
                return await body(*browsers)
            finally:
                for browser in browsers:
                    await browser.close()

    return asyncio.run(asyncio.wait_for(go(), 60))


def test_each_capture_takes_a_fresh_spare_and_the_next_one_opens_meanwhile(settings: Settings) -> None:
    options = context_options(settings)

    async def body(browser: Browser) -> list[Any]:
        spare = Spare(options)
        spare.open_ahead(browser)
        first = await spare.take(browser, options)
        assert first is not None and [page.url for page in first.pages] == ["about:blank"]
        page = await blank_page(first)
        assert page is first.pages[0] and len(first.pages) == 1  # its own page, no second one
        await first.add_cookies([{"name": "seen", "value": "1", "url": "https://example.com/"}])
        second = await spare.take(browser, options)
        assert second is not None and second is not first
        cookies = await second.cookies()  # nothing of the first capture's
        for context in (first, second):
            await context.close()
        await spare.close()  # the third, opened ahead and never taken
        return [cookies, len(browser.contexts)]

    assert with_browsers(settings, 1, body) == [[], 0]


def test_a_context_with_other_options_is_not_served_from_the_spare(
    settings: Settings, tmp_path: Path
) -> None:
    options = context_options(settings)
    state = tmp_path / "x-login.json"
    state.write_text('{"cookies": [], "origins": []}')
    logged_in = {**options, "storage_state": str(state)}  # a platform's own login state

    async def body(browser: Browser) -> tuple[bool, bool]:
        spare = Spare(options)
        spare.open_ahead(browser)
        refused = await spare.take(browser, logged_in) is None
        kept = await spare.take(browser, options)  # still there for the next default capture
        assert kept is not None
        await kept.close()
        await spare.close()
        return refused, len(browser.contexts) == 0

    assert with_browsers(settings, 1, body) == (True, True)


def test_after_a_relaunch_the_old_browsers_spare_is_dropped(settings: Settings) -> None:
    options = context_options(settings)

    async def body(old: Browser, new: Browser) -> tuple[bool, bool, int]:
        spare = Spare(options)
        spare.open_ahead(old)
        assert await spare.take(new, options) is None  # not the new browser's: it opens one there
        context = await spare.take(new, options)
        assert context is not None
        served_by_new = context.browser is new
        await context.close()
        await spare.close()
        await asyncio.sleep(0.2)  # the dropped spare closes on its own
        return served_by_new, len(new.contexts) == 0, len(old.contexts)

    assert with_browsers(settings, 2, body) == (True, True, 0)


def test_no_spare_was_opened_so_none_is_taken(settings: Settings) -> None:
    options = context_options(settings)

    async def body(browser: Browser) -> bool:
        spare = Spare(options)
        none = await spare.take(browser, options) is None
        following = await spare.take(browser, options)  # the one that take opened meanwhile
        assert following is not None
        await following.close()
        await spare.close()
        return none

    assert with_browsers(settings, 1, body)
