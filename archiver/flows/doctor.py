"""`archiver doctor`: which browser we would drive (or each remote one we would connect to), its
version, and whether it renders a page."""

from __future__ import annotations

import asyncio
import shutil
import struct
import zlib
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass

from archiver.capture.browser import FoundBrowser, connect, endpoint_label, find_browser, first_line, launch
from archiver.errors import BrowserError
from archiver.settings import Settings

HOW_FOUND = {
    "setting": "from --browser / ARCHIVER_BROWSER",
    "playwright": "Playwright's own Chromium",
    "system": "found on PATH",
    "remote": "remote",
}

__all__ = ["HOW_FOUND", "RenderCheck", "check_endpoint", "check_render", "endpoint_label", "locate_browser"]

# A page whose pixels we know: a red block in the top-left corner of a white page.
TEST_PAGE = (
    "<!doctype html><html><body style='margin:0;background:#fff'>"
    "<div style='width:32px;height:24px;background:#f00'></div></body></html>"
)
WIDTH, HEIGHT = 64, 48


@dataclass(frozen=True)
class RenderCheck:
    browser: FoundBrowser
    version: str
    width: int
    height: int


async def _playwright_chromium_path() -> str | None:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        return pw.chromium.executable_path


def video_tools(settings: Settings, which: Callable[[str], str | None] = shutil.which) -> str:
    """What video capture has: yt-dlp's version and whether ffmpeg is there to merge, in a line."""
    if settings.video_max_height == 0:
        return "off (video_max_height is 0)"
    from yt_dlp.version import __version__ as yt_dlp_version  # type: ignore[import-untyped, unused-ignore]

    ffmpeg = which("ffmpeg")
    merge = f"ffmpeg {ffmpeg} merges video and audio" if ffmpeg else "no ffmpeg: single-file formats only"
    return f"yt-dlp {yt_dlp_version}, up to {settings.video_max_height}p; {merge}"


def locate_browser(settings: Settings) -> FoundBrowser:
    """The browser `settings` would drive (BrowserNotFound if none), without launching it."""
    return find_browser(settings.browser, asyncio.run(_playwright_chromium_path()))


async def _render(settings: Settings, endpoint: str | None = None) -> RenderCheck:
    from playwright.async_api import Error as PlaywrightError
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        if endpoint is None:
            browser, found = await launch(pw, settings)
        else:
            browser, found = await connect(pw, settings, endpoint)
        try:
            # A context of our own: a remote browser's default one may be someone else's.
            context = await browser.new_context(
                viewport={"width": WIDTH, "height": HEIGHT}, device_scale_factor=1
            )
            page = await context.new_page()
            page.set_default_timeout(settings.page_timeout * 1000)
            await page.set_content(TEST_PAGE)
            png = await page.screenshot(type="png")
        except PlaywrightError as exc:
            raise BrowserError(f"{found.path} started but did not render: {first_line(exc.message)}") from exc
        finally:
            with suppress(PlaywrightError):
                await browser.close()
        width, height, pixel = decode_png(png)
        red, white = pixel(8, 8), pixel(WIDTH - 8, HEIGHT - 8)
        if (width, height) != (WIDTH, HEIGHT):
            raise BrowserError(
                f"{found.path} rendered a {width}x{height} screenshot of a {WIDTH}x{HEIGHT} page"
            )
        if not (_near(red, (255, 0, 0)) and _near(white, (255, 255, 255))):
            raise BrowserError(f"{found.path} rendered wrong pixels: {red} where red, {white} where white")
        return RenderCheck(found, browser.version, width, height)


def check_render(settings: Settings) -> RenderCheck:
    """Launch the browser, render a small known page, and check the screenshot's pixels."""
    return asyncio.run(_render(settings))


def check_endpoint(settings: Settings, endpoint: str) -> RenderCheck:
    """Connect to the remote browser at `endpoint` and check it renders as check_render does."""
    return asyncio.run(_render(settings, endpoint))


def _near(rgb: tuple[int, int, int], want: tuple[int, int, int]) -> bool:
    return all(abs(a - b) <= 8 for a, b in zip(rgb, want, strict=True))


def decode_png(data: bytes) -> tuple[int, int, PixelReader]:
    """Width, height and a pixel reader for an 8-bit RGB/RGBA, non-interlaced PNG.

    That is what Chromium's screenshots are; anything else is a BrowserError.
    """
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise BrowserError("the screenshot is not a PNG")
    pos, idat, header = 8, [], b""
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        chunk = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = chunk
        elif kind == b"IDAT":
            idat.append(chunk)
        pos += 12 + length
    if len(header) != 13:
        raise BrowserError("the screenshot PNG has no header")
    width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", header)
    if depth != 8 or color not in (2, 6) or interlace:
        raise BrowserError(f"the screenshot PNG is of a kind we do not read (depth {depth}, color {color})")
    channels = 3 if color == 2 else 4
    try:
        raw = zlib.decompress(b"".join(idat))
    except zlib.error as exc:
        raise BrowserError(f"the screenshot PNG is damaged: {exc}") from None
    stride = width * channels
    if len(raw) != height * (stride + 1):
        raise BrowserError("the screenshot PNG is truncated")
    return width, height, PixelReader(_unfilter(raw, width, height, channels), width, channels)


@dataclass(frozen=True)
class PixelReader:
    rows: list[bytes]
    width: int
    channels: int

    def __call__(self, x: int, y: int) -> tuple[int, int, int]:
        i = x * self.channels
        r, g, b = self.rows[y][i : i + 3]
        return (r, g, b)


def _unfilter(raw: bytes, width: int, height: int, bpp: int) -> list[bytes]:
    stride = width * bpp
    rows: list[bytes] = []
    previous = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            up = previous[i]
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                upleft = previous[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + _paeth(left, up, upleft)) & 0xFF
            elif kind != 0:
                raise BrowserError(f"the screenshot PNG has an unknown filter {kind}")
        rows.append(bytes(line))
        previous = line
    return rows


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c
