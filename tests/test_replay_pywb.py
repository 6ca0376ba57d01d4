"""The exported WACZ replayed in pywb, the Webrecorder wayback machine: the demo article archived
through the offline world in Chromium, exported, added to a pywb collection the way its manual
says (`wb-manager add COLL FILE.wacz --unpack-wacz`), and served by `wayback` on 127.0.0.1.
Each post's embed view is then opened in Chromium from pywb alone (every request to anywhere
but the server is refused): its text renders, and its image loads from the archive. The
article is a page of the WACZ, listed by pywb's index at its time, and its HTML replays byte
for byte. pywb is a dev dependency; without it the module skips with one line."""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import io
import json
import re
import shutil
import socket
import subprocess
import sys
import time
import zipfile
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from click.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator

from archiver.cli import cli
from archiver.outputs.wacz import surt
from storage import Store

pytest.importorskip("pywb", reason="pywb is not installed (a dev dependency: pip install -e '.[dev]')")

pytestmark = pytest.mark.browser

DEMO = Path(__file__).parents[1] / "archiver" / "demo" / "article.html"
COLLECTION = "coll"


def pywb_command(name: str) -> str:
    """pywb's console script `name`, beside this Python's (the venv's) or on PATH."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.is_file() else shutil.which(name)
    if found is None:
        pytest.skip(f"pywb's {name} is not found beside {sys.executable} or on PATH")
    return found


@dataclass
class Replay:
    base: str  # http://127.0.0.1:PORT/coll
    pages: list[dict[str, Any]]  # pages.jsonl, its header left out
    wacz: Path
    home: Path

    def url(self, page: dict[str, Any], modifier: str = "id_", url: str | None = None) -> str:
        """The replay URL of `url` (default: the page's) at the page's time."""
        return f"{self.base}/{timestamp14(page['ts'])}{modifier}/{url or page['url']}"


def timestamp14(rfc3339: str) -> str:
    """2024-08-08T09:30:00Z -> 20240808093000, as replay URLs and CDX lines have it."""
    return re.sub(r"\D", "", rfc3339)[:14]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def replay(browser_path: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Replay]:
    """The demo, archived offline, exported, and served by pywb on loopback."""
    root = tmp_path_factory.mktemp("replay")
    home, wacz = root / "archive", root / "demo.wacz"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("ARCHIVER_BROWSER", browser_path)
        runner = CliRunner()
        made = runner.invoke(cli, ["archive", "--offline", "-q", "--home", str(home), str(DEMO)])
        assert made.exit_code == 0, made.output
        exported = runner.invoke(cli, ["export", "--home", str(home), "1", "--wacz", str(wacz)])
        assert exported.exit_code == 0, exported.output
    with zipfile.ZipFile(wacz) as zf:
        pages = [json.loads(line) for line in zf.read("pages/pages.jsonl").decode().splitlines()[1:]]

    served = root / "pywb"
    served.mkdir()
    for args in (["init", COLLECTION], ["add", COLLECTION, str(wacz), "--unpack-wacz"]):
        done = subprocess.run(
            [pywb_command("wb-manager"), *args], cwd=served, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert "does not contain any" not in done.stderr, done.stderr  # no WARC, or no index found
    assert (served / "collections" / COLLECTION / "indexes" / "index.cdxj").stat().st_size > 0

    port = free_port()
    log = (root / "wayback.log").open("wb")
    server = subprocess.Popen(
        [pywb_command("wayback"), "--bind", "127.0.0.1", "--port", str(port)],
        cwd=served,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}/{COLLECTION}"
    try:
        deadline = time.monotonic() + 60  # a hang guard: it starts in a second or two
        while True:
            assert server.poll() is None, (root / "wayback.log").read_text()
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{base}/", timeout=2).status_code == 200:
                    break
            assert time.monotonic() < deadline, "pywb did not start in 60 s"
            time.sleep(0.2)
        yield Replay(base, pages, wacz, home)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def warc_payload(wacz: Path, url: str) -> bytes:
    """The payload of `url`'s latest record in the WACZ, read through its own index."""
    with zipfile.ZipFile(wacz) as zf:
        lines = gzip.decompress(zf.read("indexes/index.cdx.gz")).decode().splitlines()
        found = [json.loads(line.split(" ", 2)[2]) for line in lines if line.startswith(surt(url) + " ")]
        entry = [f for f in found if f["url"] == url][-1]
        with zf.open(f"archive/{entry['filename']}") as member:
            member.seek(int(entry["offset"]))
            chunk = member.read(int(entry["length"]))
    record = next(iter(ArchiveIterator(io.BytesIO(chunk))))
    body: bytes = record.content_stream().read()
    return body


def post_media(home: Path, page: dict[str, Any]) -> tuple[str, list[str]]:
    """A post page's post: its text, and the images of its media (photos; a video's preview)
    as its normalized metadata names them."""
    post_id = int(page["id"].removeprefix("post-"))
    with Store.open(home, create=False) as store:
        row = store.get_post(post_id)
        assert row is not None
        captures = [c for c in store.captures_for_post(post_id) if c["status"] != "failed"]
        artifacts = store.artifacts_for_capture(captures[-1]["id"])
        (metadata,) = [a for a in artifacts if a["kind"] == "metadata"]
        media = json.loads(Path(metadata["path"]).read_bytes())["media"]
    images = [m["url"] if m["type"] == "photo" else m.get("preview") for m in media]
    return row["text"] or "", [url for url in images if url]


def same_image(a: str, b: str) -> bool:
    """One picture at another size: the same host and path (Twitter's `name=small|orig`)."""
    x, y = urlsplit(a), urlsplit(b)
    return (x.netloc, x.path) == (y.netloc, y.path)


def only(origin: str, refused: list[str]) -> Callable[[Any], Awaitable[None]]:
    """A route handler that lets requests to `origin` through and refuses (and lists) the rest."""

    async def handle(route: Any) -> None:
        if route.request.url.startswith(origin):
            await route.continue_()
        else:
            refused.append(route.request.url)
            await route.abort()

    return handle


async def open_replays(browser_path: str, urls: list[str]) -> list[dict[str, Any]]:
    """Open each replay URL in Chromium, refusing every request that is not to the replay
    server; what each showed: the post's text, its images (src, loaded, width), and what was
    refused."""
    from playwright.async_api import async_playwright

    from archiver.capture import browser
    from archiver.settings import Settings

    seen: list[dict[str, Any]] = []
    async with async_playwright() as pw:
        chromium, _ = await browser.launch(pw, Settings(browser=browser_path))
        try:
            for url in urls:
                origin = f"{urlsplit(url).scheme}://{urlsplit(url).netloc}/"
                refused: list[str] = []
                context = await chromium.new_context()
                await context.route("**/*", only(origin, refused))
                page = await context.new_page()
                await page.goto(url, wait_until="load")
                # pywb shows the page framed, under its banner: the replay is the frame inside.
                frame = page.frame_locator("iframe#replay_iframe")
                post = frame.locator("article")
                await post.locator(".text").wait_for(timeout=20_000)
                images = post.locator("img")
                for n in range(await images.count()):
                    await images.nth(n).evaluate(
                        "i => i.complete || new Promise(done => { i.onload = i.onerror = done; })"
                    )
                seen.append(
                    {
                        "text": await post.locator(".text").inner_text(),
                        "images": await images.evaluate_all(
                            "all => all.map(i => [i.currentSrc, i.complete, i.naturalWidth])"
                        ),
                        "refused": refused,
                    }
                )
                await context.close()
        finally:
            with contextlib.suppress(Exception):
                await chromium.close()
    return seen


def test_each_post_replays_in_pywb_with_its_text_and_its_image(replay: Replay, browser_path: str) -> None:
    posts = [p for p in replay.pages if p["id"].startswith("post-")]
    assert len(posts) == 2
    # As a reader opens it: the replay URL without a modifier, pywb's banner and frame.
    shown = asyncio.run(open_replays(browser_path, [replay.url(p, "") for p in posts]))
    for page, seen in zip(posts, shown, strict=True):
        text, images = post_media(replay.home, page)
        assert images, page["id"]
        # The text, as the embed shows it: the media's t.co link is left out.
        expected = " ".join(re.sub(r"https://t\.co/\w+", "", text).split())
        assert expected and expected in " ".join(seen["text"].split()), (page["id"], seen["text"])
        # Every picture loaded, from pywb; among them the post's own (not only the avatar).
        assert seen["images"] and all(ok and width > 0 for _, ok, width in seen["images"]), seen["images"]
        originals = [re.sub(r"^.*?/\d{14}[a-z_]*/", "", src) for src, _, _ in seen["images"]]
        assert all(src.startswith(replay.base + "/") for src, _, _ in seen["images"])
        shown_images = [o for o in originals if any(same_image(o, i) for i in images)]
        assert shown_images, (page["id"], originals, images)
        for original in shown_images:
            answer = httpx.get(replay.url(page, "id_", original), timeout=10)
            assert answer.status_code == 200
            assert answer.headers["content-type"].startswith("image/")
            assert answer.content == warc_payload(replay.wacz, original)
        # Nothing at all was asked of the live web: the replay is the archive's alone.
        assert seen["refused"] == [], seen["refused"]


def test_the_article_is_a_page_pywb_lists_and_replays(replay: Replay) -> None:
    (article,) = [p for p in replay.pages if p["id"].startswith("article-")]
    assert article["url"] == "https://news.example/world/2024/08/07/kursk-advance"
    assert article["posts"] == [p["id"] for p in replay.pages if p["id"].startswith("post-")]
    listed = httpx.get(f"{replay.base}/cdx", params={"url": article["url"], "output": "json"}, timeout=10)
    assert listed.status_code == 200
    entries = [json.loads(line) for line in listed.text.splitlines()]
    assert [(e["timestamp"], e["mime"]) for e in entries] == [(timestamp14(article["ts"]), "text/html")]
    answer = httpx.get(replay.url(article), timeout=10)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")
    assert answer.content == DEMO.read_bytes()
    # Its posts' pages are the embed views pywb replays.
    for post in [p for p in replay.pages if p["id"] in article["posts"]]:
        view = httpx.get(replay.url(post), timeout=10)
        assert view.status_code == 200 and view.headers["content-type"].startswith("text/html")
