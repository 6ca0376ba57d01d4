"""The post element's PNG (capture/snapshot.py: element_png) is the element screenshot's PNG:
clipped from the page's screenshot when the element lies whole in the viewport, else taken as
Playwright's element screenshot."""

from __future__ import annotations

import asyncio

import pytest

from archiver.capture.browser import context_options, launch
from archiver.capture.snapshot import element_png
from archiver.settings import Settings

# A post at a fractional offset (its box rounds outwards), one taller than the viewport (1000
# px: the element screenshot's own path), one wider than it, and one below the fold.
PAGE = """<!DOCTYPE html><html><body style="margin:0">
<div id="near" style="position:absolute; left:10.25px; top:20.25px; width:300px; height:150.1px;
  background:linear-gradient(90deg, #c33, #36c); border:3px solid #222">near</div>
<div id="tall" style="position:absolute; left:400px; top:5px; width:200px; height:1500px;
  background:linear-gradient(#3c3, #c3c)">tall</div>
<div id="wide" style="position:absolute; left:700px; top:40px; width:900px; height:80px;
  background:#fc3">wide</div>
<div id="below" style="position:absolute; left:30px; top:1800px; width:250px; height:90px;
  background:#39c">below</div>
</body></html>"""


async def _both(settings: Settings, selectors: list[str]) -> list[tuple[bytes, bytes]]:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser, _ = await launch(pw, settings)
        try:
            context = await browser.new_context(**context_options(settings))
            page = await context.new_page()
            await page.set_content(PAGE)
            shots = []
            for selector in selectors:
                ours = await element_png(page, selector)
                theirs = await page.locator(selector).first.screenshot(animations="disabled")
                shots.append((ours, theirs))
            return shots
        finally:
            await browser.close()


@pytest.mark.browser
def test_element_png_is_the_element_screenshot(settings: Settings, browser_path: str) -> None:
    selectors = ["#near", "#tall", "#wide", "#below"]
    for selector, (ours, theirs) in zip(selectors, asyncio.run(_both(settings, selectors)), strict=True):
        assert ours.startswith(b"\x89PNG"), selector
        assert ours == theirs, f"{selector}: not the element screenshot's PNG"
