"""What the replay tests share: the demo archived offline in Chromium and exported as a WACZ, the
post a page of it shows, and Chromium opening a replay with every request that is not to the
replay server refused, reporting what the post's frame showed."""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator

from archiver.cli import cli
from archiver.outputs.wacz import surt
from storage import Store

DEMO = Path(__file__).parents[1] / "archiver" / "demo" / "article.html"


@dataclass
class Exported:
    home: Path  # the archive
    wacz: Path
    pages: list[dict[str, Any]]  # pages.jsonl, its header left out

    def of_kind(self, kind: str) -> list[dict[str, Any]]:
        """The pages of articles ("article") or of posts ("post")."""
        return [p for p in self.pages if p["id"].startswith(kind + "-")]


def export_demo(root: Path, browser_path: str) -> Exported:
    """`archiver archive --offline` of the demo article into root/archive, then `archiver
    export --wacz` of it to root/demo.wacz."""
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
    return Exported(home, wacz, pages)


def timestamp14(rfc3339: str) -> str:
    """2024-08-08T09:30:00Z -> 20240808093000, as replay URLs and CDX lines have it."""
    return re.sub(r"\D", "", rfc3339)[:14]


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


def original_url(replayed: str) -> str:
    """The archived URL a replay URL stands for (.../20240808093000im_/https://... -> https://...)."""
    return re.sub(r"^.*?/\d{14}[a-z]{0,2}_?/", "", replayed)


# A proxy that is not there: what a replay asks of anywhere but the loopback server it was
# opened from fails (port 9, discard, has no listener), and is listed.
NOWHERE = {"server": "http://127.0.0.1:9", "bypass": "127.0.0.1"}


def elsewhere(origin: str, found: list[str]) -> Callable[[Any], None]:
    """A request listener that lists the web addresses asked for that are not `origin`'s."""

    def listen(request: Any) -> None:
        if request.url.startswith(("http:", "https:")) and not request.url.startswith(origin):
            found.append(request.url)

    return listen


async def open_replays(
    browser_path: str, urls: list[str], frame_of: Callable[[Any], Any]
) -> list[dict[str, Any]]:
    """Open each replay URL in Chromium, refusing every request that is not to its server;
    `frame_of(page)` is the replayed post's frame (a FrameLocator). What each showed: the post's
    text, its images (src, loaded, width), and what was refused."""
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
                context = await chromium.new_context(proxy=NOWHERE)
                context.on("request", elsewhere(origin, refused))
                page = await context.new_page()
                await page.goto(url, wait_until="load")
                post = frame_of(page).locator("article")
                await post.locator(".text").wait_for(timeout=30_000)
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


def check_post_replays(
    exported: Exported, shown: list[dict[str, Any]], replay_base: str
) -> list[tuple[dict[str, Any], list[str]]]:
    """Assert that each post page's replay showed the post's text (as the embed shows it: its
    media's t.co link left out) and its images, every one loaded from `replay_base`, among
    them the post's own photo or video preview, and that nothing was asked of anywhere else.
    Each post page with the archived URLs of its own images shown, for the caller to fetch."""
    posts = exported.of_kind("post")
    assert len(posts) == len(shown) == 2
    own: list[tuple[dict[str, Any], list[str]]] = []
    for page, seen in zip(posts, shown, strict=True):
        text, images = post_media(exported.home, page)
        assert images, page["id"]
        expected = " ".join(re.sub(r"https://t\.co/\w+", "", text).split())
        assert expected and expected in " ".join(seen["text"].split()), (page["id"], seen["text"])
        assert seen["images"] and all(ok and width > 0 for _, ok, width in seen["images"]), seen["images"]
        assert all(src.startswith(replay_base) for src, _, _ in seen["images"]), seen["images"]
        originals = [original_url(src) for src, _, _ in seen["images"]]
        mine = [o for o in originals if any(same_image(o, i) for i in images)]
        assert mine, (page["id"], originals, images)
        own.append((page, mine))
        assert seen["refused"] == [], seen["refused"]  # the replay is the archive's alone
    return own


async def open_article_replay(browser_path: str, url: str, frame_of: Callable[[Any], Any]) -> dict[str, Any]:
    """Open the article's replay URL in Chromium, refusing every request that is not to its
    server; `frame_of(page)` is the replayed article's frame. What each embed frame (by tweet
    id) showed, its text and its images (src, loaded, width), and what was refused."""
    from playwright.async_api import async_playwright

    from archiver.capture import browser
    from archiver.settings import Settings

    origin = f"{urlsplit(url).scheme}://{urlsplit(url).netloc}/"
    refused: list[str] = []
    shown: dict[str, dict[str, Any]] = {}
    async with async_playwright() as pw:
        chromium, _ = await browser.launch(pw, Settings(browser=browser_path))
        try:
            context = await chromium.new_context(proxy=NOWHERE)
            context.on("request", elsewhere(origin, refused))
            page = await context.new_page()
            await page.goto(url, wait_until="load")
            article = frame_of(page)
            frames = article.locator("iframe.twitter-tweet")
            await frames.first.wait_for(timeout=30_000)
            for n in range(await frames.count()):
                tweet_id = await frames.nth(n).get_attribute("data-tweet-id")
                post = article.frame_locator("iframe.twitter-tweet").nth(n).locator("article")
                await post.locator(".text").wait_for(timeout=30_000)
                images = post.locator("img")
                for i in range(await images.count()):
                    await images.nth(i).evaluate(
                        "i => i.complete || new Promise(done => { i.onload = i.onerror = done; })"
                    )
                shown[str(tweet_id)] = {
                    "text": await post.locator(".text").inner_text(),
                    "images": await images.evaluate_all(
                        "all => all.map(i => [i.currentSrc, i.complete, i.naturalWidth])"
                    ),
                }
        finally:
            with contextlib.suppress(Exception):
                await chromium.close()
    return {"posts": shown, "refused": refused}


def check_article_replay(exported: Exported, shown: dict[str, Any], replay_base: str) -> None:
    """Assert that the article's replay drew each of its posts in its embed frame: the post's
    text, its images all loaded from `replay_base`, the post's own picture among them, and
    nothing asked of anywhere else."""
    posts = exported.of_kind("post")
    with Store.open(exported.home, create=False) as store:
        rows = {p["id"]: store.get_post(int(p["id"].removeprefix("post-"))) for p in posts}
    assert sorted(shown["posts"]) == sorted(str(r["post_id"]) for r in rows.values() if r), shown
    for page in posts:
        row = rows[page["id"]]
        assert row is not None
        seen = shown["posts"][row["post_id"]]
        text, images = post_media(exported.home, page)
        expected = " ".join(re.sub(r"https://t\.co/\w+", "", text).split())
        assert expected and expected in " ".join(seen["text"].split()), (page["id"], seen["text"])
        assert seen["images"] and all(ok and width > 0 for _, ok, width in seen["images"]), seen["images"]
        assert all(src.startswith(replay_base) for src, _, _ in seen["images"]), seen["images"]
        originals = [original_url(src) for src, _, _ in seen["images"]]
        assert any(same_image(o, i) for o in originals for i in images), (originals, images)
    assert shown["refused"] == [], shown["refused"]  # the replay is the archive's alone
