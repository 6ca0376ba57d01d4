"""The launched browser's features (capture/browser.py): our --disable-features, the one Chromium
reads, still holds every feature Playwright's own switch turns off, and a fresh context makes no
browser UI pages (the omnibox popup's WebUI) beside the page captured."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from archiver.capture.browser import DISABLED_FEATURES, context_options, launch
from archiver.settings import Settings

PROC = Path("/proc")


async def _launched(settings: Settings) -> tuple[list[str], list[str]]:
    """The browser process's command line, and the URL of every target a fresh context's page makes."""
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser, _ = await launch(pw, settings)
        try:
            session = await browser.new_browser_cdp_session()
            info = await session.send("SystemInfo.getProcessInfo")
            pid = next(p["id"] for p in info["processInfo"] if p["type"] == "browser")
            command = (PROC / str(pid) / "cmdline").read_bytes().decode().split("\0")
            context = await browser.new_context(**context_options(settings))
            await context.new_page()
            await asyncio.sleep(0.5)  # the window's UI pages come a moment after the page
            targets = await session.send("Target.getTargets")
            return command, [target["url"] for target in targets["targetInfos"]]
        finally:
            await browser.close()


@pytest.mark.browser
@pytest.mark.skipif(not PROC.is_dir(), reason="reads the browser's command line from /proc")
def test_disabled_features_keep_playwrights_and_no_ui_pages(settings: Settings, browser_path: str) -> None:
    command, urls = asyncio.run(_launched(settings))
    switches = [arg.split("=", 1)[1] for arg in command if arg.startswith("--disable-features=")]
    assert len(switches) >= 2, "Playwright's switch and ours"
    last = set(switches[-1].split(","))  # the one Chromium reads
    assert last == set(DISABLED_FEATURES)
    for earlier in switches[:-1]:
        assert set(earlier.split(",")) <= last, "a feature Playwright turns off is back on"
    assert urls == ["about:blank"], urls
