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
import json
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from replay_support import (
    DEMO,
    Exported,
    check_article_replay,
    check_post_replays,
    export_demo,
    open_article_replay,
    open_replays,
    timestamp14,
    warc_payload,
)

from storage import Store

pytest.importorskip("pywb", reason="pywb is not installed (a dev dependency: pip install -e '.[dev]')")

pytestmark = pytest.mark.browser

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
    exported: Exported

    def url(self, page: dict[str, Any], modifier: str = "id_", url: str | None = None) -> str:
        """The replay URL of `url` (default: the page's) at the page's time."""
        return f"{self.base}/{timestamp14(page['ts'])}{modifier}/{url or page['url']}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def replay(browser_path: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Replay]:
    """The demo, archived offline, exported, and served by pywb on loopback."""
    root = tmp_path_factory.mktemp("pywb")
    exported = export_demo(root, browser_path)
    served = root / "pywb"
    served.mkdir()
    for args in (["init", COLLECTION], ["add", COLLECTION, str(exported.wacz), "--unpack-wacz"]):
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
        yield Replay(base, exported)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def test_each_post_replays_in_pywb_with_its_text_and_its_image(replay: Replay, browser_path: str) -> None:
    posts = replay.exported.of_kind("post")
    # As a reader opens it: the replay URL without a modifier, pywb's banner, the page framed.
    urls = [replay.url(p, "") for p in posts]
    shown = asyncio.run(
        open_replays(browser_path, urls, lambda page: page.frame_locator("iframe#replay_iframe"))
    )
    for page, own in check_post_replays(replay.exported, shown, replay.base + "/"):
        for original in own:  # pywb serves each as the picture the WACZ holds
            answer = httpx.get(replay.url(page, "id_", original), timeout=10)
            assert answer.status_code == 200 and answer.headers["content-type"].startswith("image/")
            assert answer.content == warc_payload(replay.exported.wacz, original)


def test_the_article_is_a_page_pywb_lists_and_replays(replay: Replay) -> None:
    (article,) = replay.exported.of_kind("article")
    assert article["url"] == "https://news.example/world/2024/08/07/kursk-advance"
    assert article["posts"] == [p["id"] for p in replay.exported.of_kind("post")]
    listed = httpx.get(f"{replay.base}/cdx", params={"url": article["url"], "output": "json"}, timeout=10)
    assert listed.status_code == 200
    entries = [json.loads(line) for line in listed.text.splitlines()]
    assert [(e["timestamp"], e["mime"]) for e in entries] == [(timestamp14(article["ts"]), "text/html")]
    answer = httpx.get(replay.url(article), timeout=10)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")
    assert answer.content == DEMO.read_bytes()
    # Its posts' pages are the embed views pywb replays.
    for post in replay.exported.of_kind("post"):
        view = httpx.get(replay.url(post), timeout=10)
        assert view.status_code == 200 and view.headers["content-type"].startswith("text/html")


def test_a_posts_video_replays_from_the_archive_as_video_mp4(replay: Replay) -> None:
    """The video we downloaded (not the browser: the embed shows its preview) is in the WACZ as
    a response record at its source URL, which pywb serves as the archive's bytes."""
    videos: list[tuple[dict[str, Any], str, bytes]] = []
    with Store.open(replay.exported.home, create=False) as store:
        for page in replay.exported.of_kind("post"):
            post_id = int(page["id"].removeprefix("post-"))
            captures = [c for c in store.captures_for_post(post_id) if c["status"] != "failed"]
            for artifact in store.artifacts_for_capture(captures[-1]["id"]):
                if artifact["kind"] == "media" and (artifact["mime"] or "").startswith("video/"):
                    assert artifact["source_url"] and artifact["path"]
                    videos.append((page, artifact["source_url"], Path(artifact["path"]).read_bytes()))
    assert videos, "the demo has no downloaded video"
    for page, url, data in videos:
        listed = httpx.get(f"{replay.base}/cdx", params={"url": url, "output": "json"}, timeout=10)
        assert listed.status_code == 200 and len(listed.text.splitlines()) == 1, listed.text  # once
        answer = httpx.get(replay.url(page, "id_", url), timeout=10)
        assert answer.status_code == 200, url
        assert answer.headers["content-type"] == "video/mp4"
        assert answer.content == data
        # As a video element asks for it: a range, answered with those bytes.
        part = httpx.get(replay.url(page, "id_", url), headers={"Range": "bytes=100-199"}, timeout=10)
        assert part.status_code == 206 and part.content == data[100:200]


def test_the_articles_replay_shows_each_embedded_post_from_the_archive(
    replay: Replay, browser_path: str
) -> None:
    """The article, opened in pywb as a reader opens it: its embed script, each embed frame and
    what the frame loads come from the article's recorded render; each post's text and its
    picture are there, every request answered by pywb."""
    (article,) = replay.exported.of_kind("article")
    url = replay.url(article, "")
    shown = asyncio.run(
        open_article_replay(browser_path, url, lambda page: page.frame_locator("iframe#replay_iframe"))
    )
    check_article_replay(replay.exported, shown, replay.base + "/")
