"""The exported WACZ replayed in ReplayWeb.page, offline: the npm package `replaywebpage` is
self-contained (ui.js, and sw.js, its service worker), so a page on 127.0.0.1 that embeds
`<replay-web-page source="demo.wacz">` replays the WACZ served beside it (with HTTP ranges, as a
static host does), in Chromium, with every request elsewhere refused. The same check as
pywb's: each post's page shows its text and its images from the archive; the article is a page
ReplayWeb.page lists.

Not a dependency: it runs where the package is unpacked, in `node_modules/replaywebpage` here
or in `npm root -g` (`npm install -g replaywebpage`; where its dependencies cannot all be had,
`npm pack replaywebpage` and unpacking the tarball there is enough), and skips with one line
where it or npm is not."""

from __future__ import annotations

import asyncio
import contextlib
import html
import http.server
import io
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from replay_support import (
    NOWHERE,
    Exported,
    check_article_replay,
    check_post_replays,
    export_demo,
    open_article_replay,
    open_replays,
    timestamp14,
)

pytestmark = pytest.mark.browser

PACKAGE = "replaywebpage"


def package_folder() -> Path:
    """Where the unpacked package is (its ui.js and sw.js), else skip."""
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is not installed: no ReplayWeb.page to replay the WACZ in")
    places = [Path(__file__).parents[1] / "node_modules" / PACKAGE]
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        root = subprocess.run([npm, "root", "-g"], capture_output=True, text=True, timeout=30).stdout.strip()
        if root:
            places.append(Path(root) / PACKAGE)
    for place in places:
        if (place / "ui.js").is_file() and (place / "sw.js").is_file():
            return place
    pytest.skip(f"the npm package {PACKAGE} is not installed (npm install -g {PACKAGE})")


class RangeHandler(http.server.SimpleHTTPRequestHandler):
    """A static host: files from its folder, a `Range: bytes=A-B` answered 206 with that part
    (ReplayWeb.page reads a WACZ by ranges)."""

    def send_head(self) -> Any:
        path = Path(self.translate_path(self.path.split("?", 1)[0]))
        ranged = re.fullmatch(r"bytes=(\d+)-(\d*)", self.headers.get("Range", "").strip())
        if not path.is_file() or ranged is None:
            return super().send_head()
        size = path.stat().st_size
        start, end = int(ranged[1]), min(int(ranged[2] or size - 1), size - 1)
        if start > end:
            self.send_error(416)
            return None
        with path.open("rb") as file:
            file.seek(start)
            part = file.read(end - start + 1)
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(len(part)))
        self.end_headers()
        return io.BytesIO(part)

    def end_headers(self) -> None:
        self.send_header("Accept-Ranges", "bytes")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


PAGE = """<!doctype html><html><head><meta charset="utf-8"><script src="ui.js"></script></head><body>
<replay-web-page style="display:block;height:700px" source="demo.wacz" url="{url}" ts="{ts}"
 replayBase="replay/" embed="replayonly"></replay-web-page></body></html>"""


RELOAD = "<!doctype html><script>navigator.serviceWorker.ready.then(() => location.reload())</script>"


@pytest.fixture(scope="module")
def site(browser_path: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Exported]]:
    """The demo's WACZ, ReplayWeb.page's ui.js and its service worker (replay/sw.js), served
    on 127.0.0.1; the site's base URL and the export."""
    package = package_folder()
    root = tmp_path_factory.mktemp("replaywebpage")
    exported = export_demo(root / "made", browser_path)
    folder = root / "site"
    (folder / "replay").mkdir(parents=True)
    shutil.copy(package / "ui.js", folder / "ui.js")
    shutil.copy(package / "sw.js", folder / "replay" / "sw.js")
    # The embed loads its frame (replay/?source=...) once its service worker is ready, which
    # then answers it; now and then the frame's request comes first and reaches the host.
    # This page, which the service worker never lets through, loads it again under it.
    (folder / "replay" / "index.html").write_text(RELOAD, encoding="utf-8")
    shutil.copy(exported.wacz, folder / "demo.wacz")
    for page in exported.pages:
        (folder / f"{page['id']}.html").write_text(
            PAGE.format(url=html.escape(page["url"]), ts=timestamp14(page["ts"])), encoding="utf-8"
        )
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(RangeHandler, directory=str(folder)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", exported
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def replayed_frame(page: Any) -> Any:
    """The frame ReplayWeb.page replays into, inside its own (the embed's shadow DOM pierced)."""
    return page.frame_locator("replay-web-page iframe").frame_locator("iframe.iframe-main")


def test_each_post_replays_in_replaywebpage_with_its_text_and_its_image(
    site: tuple[str, Exported], browser_path: str
) -> None:
    base, exported = site
    urls = [f"{base}{p['id']}.html" for p in exported.of_kind("post")]
    shown = asyncio.run(open_replays(browser_path, urls, replayed_frame))
    check_post_replays(exported, shown, base + "replay/")


def test_the_articles_replay_shows_each_embedded_post_from_the_archive(
    site: tuple[str, Exported], browser_path: str
) -> None:
    """The article replayed in ReplayWeb.page: each embedded post drawn in its embed frame from
    the article's recorded render, text and picture, nothing asked of anywhere else."""
    base, exported = site
    (article,) = exported.of_kind("article")
    shown = asyncio.run(open_article_replay(browser_path, f"{base}{article['id']}.html", replayed_frame))
    check_article_replay(exported, shown, base + "replay/")


def test_the_article_is_a_page_replaywebpage_lists(site: tuple[str, Exported], browser_path: str) -> None:
    base, exported = site
    (article,) = exported.of_kind("article")
    listed = asyncio.run(list_pages(browser_path, f"{base}{article['id']}.html", base))
    assert any(entry.get("url") == article["url"] for entry in listed), listed
    assert {p["url"] for p in exported.of_kind("post")} <= {entry.get("url") for entry in listed}


async def list_pages(browser_path: str, url: str, base: str) -> list[dict[str, Any]]:
    """The pages ReplayWeb.page loaded from the WACZ, as its service worker's API lists them."""
    from playwright.async_api import async_playwright

    from archiver.capture import browser
    from archiver.settings import Settings

    async with async_playwright() as pw:
        chromium, _ = await browser.launch(pw, Settings(browser=browser_path))
        try:
            page = await (await chromium.new_context(proxy=NOWHERE)).new_page()
            await page.goto(url, wait_until="load")
            # Once the article replays, the collection is loaded: ask the embed's frame.
            await replayed_frame(page).locator("h1").first.wait_for(state="attached", timeout=30_000)
            frame = next(f for f in page.frames if f.url.startswith(base + "replay/?"))
            found: list[dict[str, Any]] = await frame.evaluate(
                """async () => {
                  for (let i = 0; i < 100; i++) {
                    const colls = await (await fetch('w/api/coll-index')).json().catch(() => ({}));
                    for (const c of colls.colls || []) {
                      const pages = await (await fetch(`w/api/c/${c.id}/pages`)).json();
                      if ((pages.pages || []).length) return pages.pages;
                    }
                    await new Promise(r => setTimeout(r, 200));
                  }
                  return [];
                }"""
            )
            return found
        finally:
            with contextlib.suppress(Exception):
                await chromium.close()
