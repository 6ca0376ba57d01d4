"""Capture: unit tests of its parts, then real Chromium through the offline world."""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import os
import signal
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from clock_support import FakeClock, settle
from warcio.archiveiterator import ArchiveIterator

from archiver.capture.capturer import Capturer, PostCapture
from archiver.capture.media import MediaTooLarge, download
from archiver.capture.politeness import HostLimiter
from archiver.errors import CaptureError, TooLate
from archiver.models import Artifact, PostData, content_hash
from archiver.platforms import twitter
from archiver.platforms.base import Platform
from archiver.platforms.twitter import data_url
from archiver.settings import Settings
from offline_world import OfflineWorld, Request, Response

AGGREGATE = "1821185274147889728"  # two photos
NEXTA = "1821209936655409728"  # a video
NOTE = "1821221560231620608"  # a long note tweet, tombstoned below
RHAKSW = "1703436713362870723"  # the real shape; its data endpoint fails below
DEMO_ARTICLE = Path(twitter.__file__).resolve().parents[1] / "demo" / "article.html"


def fake_platform(name: str, embed: str, selector: str | None = "article.embed-post") -> Platform:
    return Platform(
        name=name,
        url_patterns=(rf"offline\.test/{name}/(?P<id>[\w-]+)",),
        canonical_url=lambda post_id: f"https://offline.test/{name}/{post_id}",
        embed_url=lambda post_id: embed.format(id=post_id),
        render_selector=selector,
    )


async def data_with_a_bug(client: httpx.AsyncClient, post_id: str) -> PostData:
    answer: dict[str, str] = {}  # a platform's parser meeting a shape it does not know
    return PostData("buggy", post_id, answer["user"])


YOUTUBE = fake_platform("youtube", "https://www.youtube.com/embed/{id}")
BUGGY = replace(fake_platform("buggy", "https://www.youtube.com/embed/{id}"), fetch_data=data_with_a_bug)
TELEGRAM = fake_platform("telegram", "https://t.me/durov/{id}?embed=1", selector=None)
TIKTOK = fake_platform("tiktok", "https://www.tiktok.com/embed/v2/{id}")


# Units: no browser.


def test_host_limiter_spaces_starts_and_caps_concurrency() -> None:
    clock = FakeClock()
    limiter = HostLimiter(per_host=2, delay=0.1, clock=clock, sleep=clock.sleep)

    async def run(host: str) -> tuple[list[int], list[tuple[int, float]]]:
        """Four jobs on `host`, each holding its slot until let go: which started before any was
        let go, and when (on the clock) each one started."""
        release = asyncio.Event()
        starts: list[tuple[int, float]] = []

        async def job(n: int) -> None:
            async with limiter.slot(host):
                starts.append((n, clock()))
                await release.wait()

        jobs = asyncio.gather(*(job(n) for n in range(4)))
        await settle()
        first = [n for n, _ in starts]
        release.set()
        await jobs
        return first, starts

    first, starts = asyncio.run(run("pbs.twimg.com"))
    assert first == [0, 1]  # two at once; the others wait for a slot
    assert [n for n, _ in starts] == [0, 1, 2, 3]
    assert [at for _, at in starts] == pytest.approx([100.0, 100.1, 100.2, 100.3])  # 0.1 s apart
    clock.asked.clear()

    first, starts = asyncio.run(run("127.0.0.1"))
    assert first == [0, 1, 2, 3]  # our own machine is not rate-limited:
    assert clock.asked == [] and {at for _, at in starts} == {clock()}  # no slot, no delay


def run_download(handler: Any, tmp_path: Path, cap: int = 1000) -> Any:
    async def go() -> Any:
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            return await download(client, "https://pbs.twimg.com/media/x.jpg", cap, tmp_path)

    return asyncio.run(go())


def test_download_streams_to_a_file_and_hashes(tmp_path: Path) -> None:
    got = run_download(
        lambda r: httpx.Response(200, content=b"x" * 600, headers={"content-type": "image/jpeg"}), tmp_path
    )
    assert got.path.read_bytes() == b"x" * 600
    assert got.size == 600 and got.mime == "image/jpeg"
    assert got.sha256 == hashlib.sha256(b"x" * 600).hexdigest()


def test_download_over_the_cap_keeps_nothing(tmp_path: Path) -> None:
    declared = lambda r: httpx.Response(200, content=b"x" * 5000)  # noqa: E731
    with pytest.raises(MediaTooLarge) as caught:
        run_download(declared, tmp_path)
    assert caught.value.size == 5000

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(10):
            yield b"y" * 400

    def undeclared(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=chunks())  # streamed: no Content-Length

    with pytest.raises(MediaTooLarge):
        run_download(undeclared, tmp_path)
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(CaptureError):
        run_download(lambda r: httpx.Response(404), tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_url_that_is_not_the_platforms_post_fails_without_a_browser() -> None:
    capturer = Capturer(Settings(), httpx.AsyncClient())  # never entered: no browser is needed
    result = asyncio.run(capturer.capture_post("twitter", "https://example.com/not-a-tweet"))
    assert (result.status, result.outcome) == ("failed", "failed")
    assert result.error == "not a twitter post: https://example.com/not-a-tweet"


def test_a_post_whose_start_by_passes_while_it_waits_for_a_page_never_starts() -> None:
    # Concurrency 1 and the one page held: the post waits; the page comes free after its
    # start_by, so it does not start (nothing loaded, no browser needed) and the page is free again.
    capturer = Capturer(Settings(concurrency=1), httpx.AsyncClient())  # never entered

    async def scenario() -> None:
        async with capturer._page():
            waiting = asyncio.ensure_future(
                capturer.capture_post("twitter", "1821185274147889728", start_by=time.monotonic() + 0.05)
            )
            await asyncio.sleep(0.1)
            assert not waiting.done()  # still waiting for the page, not refused early
        with pytest.raises(TooLate):
            await waiting
        async with capturer._page():  # the page it waited for was given back
            pass

    asyncio.run(asyncio.wait_for(scenario(), 5))


def test_content_hash_ignores_raw_and_follows_content() -> None:
    a = PostData("twitter", "1", "u", text="hello", raw=b"{1}")
    b = PostData("twitter", "1", "u", text="hello", raw=b"{2}")
    assert content_hash(a) == content_hash(b)
    assert content_hash(a) != content_hash(replace(a, text="hello!"))


def test_outcome_from_status_and_missing() -> None:
    capture = PostCapture("twitter", "1", "https://v")
    capture.status = "live"
    assert capture.outcome == "complete"
    capture.missing.append("data: HTTP 503")
    assert capture.outcome == "partial"
    capture.status = "timeout"
    assert capture.outcome == "failed"
    capture.artifacts.append(Artifact("metadata", b"{}", "application/json"))
    assert capture.outcome == "partial"


# Real Chromium through the offline world: one batch, many assertions.


@dataclass
class Batch:
    world: OfflineWorld
    results: dict[str, PostCapture]
    article: Artifact
    shots: dict[str, Artifact | None]  # more article screenshots, by name (None: it failed)


LEGACY_URL = "https://news.example/legacy"
LEGACY = "<html><head><title>Новости</title></head><body><h1>Войска продвинулись</h1></body></html>"
LEGACY_1251 = "text/html; charset=windows-1251"
HUNG = "<html><body><h1>Story</h1><img src='https://hang.example/pixel.gif'></body></html>"
TALL = "<html><body style='margin:0'><div style='height:34000px;background:linear-gradient(red,blue)'></div>"
BIG_VIDEO = (
    "https://video.twimg.com/ext_tw_video/1821209869781573632/pu/vid/avc1/1280x720/Zk9Tb1vHh3QwLm4R.mp4"
)


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Batch]:
    world = OfflineWorld(hang_seconds=8)
    world.twitter.tombstone(NOTE)
    world.add(BIG_VIDEO, Response.make(b"\0" * 300_000, "video/mp4"))

    def data_fails_for_our_client(request: Request) -> Response | None:
        return Response.make("busy", "text/plain", 503) if request.client == "http" else None

    world.add(data_url(RHAKSW), data_fails_for_our_client)
    world.hang("https://www.tiktok.com/embed/v2/7398765432109876543")
    world.hang("https://hang.example/pixel.gif")
    settings = replace(
        Settings(),
        page_timeout=4,
        capture_timeout=60,
        concurrency=3,
        max_media_bytes=100_000,
        host_delay=0.05,
    )
    stored: dict[str, Any] = {}

    async def run() -> None:
        async with (
            httpx.AsyncClient(transport=world.transport(), timeout=5) as client,
            Capturer(settings, client, install_routes=world.install, retry_backoff=0.1) as capturer,
        ):
            posts: list[tuple[Platform | str, str]] = [
                (twitter.PLATFORM, AGGREGATE),
                ("twitter", f"https://x.com/nexta_tv/status/{NEXTA}"),
                ("twitter", NOTE),
                ("twitter", RHAKSW),
                (YOUTUBE, "dQw4w9WgXcQ"),
                (TELEGRAM, "123"),
                (TIKTOK, "7398765432109876543"),
                (BUGGY, "bUgGyVideo1"),
            ]

            async def screenshot(
                url: str | None, html: str | bytes, content_type: str | None
            ) -> Artifact | None:
                """The full-page PNG of the article's render; None when it has none."""
                render = await capturer.capture_article(url, html, content_type)
                return render.artifact("screenshot")

            async def shot(name: str, url: str | None, html: str | bytes, content_type: str | None) -> None:
                shots[name] = await screenshot(url, html, content_type)  # None: that test fails, not all

            shots: dict[str, Artifact | None] = {}
            results, *_ = await asyncio.gather(
                capturer.capture_posts(posts),
                # An article whose one image never comes; one far too long to keep whole.
                shot("hung", "https://news.example/hung", HUNG.encode(), "text/html"),
                shot("tall", "https://news.example/tall", TALL.encode(), "text/html"),
            )
            stored["results"] = {f"{r.platform}/{r.post_id}": r for r in results}
            # Media files live until the Capturer closes: read them now, as the store would.
            for r in results:
                r.artifacts = [
                    replace(a, data=a.data.read_bytes()) if isinstance(a.data, Path) else a
                    for a in r.artifacts
                ]
            article = await screenshot("https://news.example/kursk", DEMO_ARTICLE.read_bytes(), None)
            assert article is not None, "the demo article's render has no screenshot"
            stored["article"] = article
            # A legacy page: the same pixels from its windows-1251 bytes as from UTF-8 or text.
            await shot("legacy-1251", LEGACY_URL, LEGACY.encode("cp1251"), LEGACY_1251)
            await shot("legacy-utf8", LEGACY_URL, LEGACY.encode(), "text/html; charset=utf-8")
            await shot("legacy-text", None, LEGACY, None)
            stored["shots"] = shots

    asyncio.run(run())
    yield Batch(world, stored["results"], stored["article"], stored["shots"])


def warc_records(data: bytes | Path) -> list[tuple[str, str, int, bytes]]:
    assert isinstance(data, bytes)
    found = []
    for record in ArchiveIterator(io.BytesIO(data), check_digests="raise"):
        if record.rec_type == "response":
            status = int(record.http_headers.get_statuscode())
            found.append(
                (
                    record.rec_headers.get_header("WARC-Target-URI"),
                    record.rec_type,
                    status,
                    record.content_stream().read(),
                )
            )
    return found


def data_of(artifact: Artifact | None) -> bytes:
    assert artifact is not None and isinstance(artifact.data, bytes)
    return artifact.data


@pytest.mark.browser
def test_live_tweet_is_captured_whole(batch: Batch) -> None:
    capture = batch.results[f"twitter/{AGGREGATE}"]
    assert (capture.status, capture.post_status, capture.outcome) == ("live", "live", "complete")
    assert capture.error is None and capture.missing == [] and capture.rendered
    png = data_of(capture.artifact("screenshot"))
    assert png.startswith(b"\x89PNG") and len(png) > 5000
    dom = data_of(capture.artifact("dom")).decode()
    assert "These two pictures shows over a dozen POWs" in dom and "<article" in dom
    mhtml = data_of(capture.artifact("mhtml"))
    assert b"multipart/related" in mhtml[:2000] and b"platform.twitter.com" in mhtml
    uris = [uri for uri, *_ in warc_records(capture.artifact("warc").data)]  # type: ignore[union-attr]
    assert any(u.startswith("https://cdn.syndication.twimg.com/tweet-result?id=" + AGGREGATE) for u in uris)
    assert any(u.startswith("https://pbs.twimg.com/media/GUYk3xFWoAAq1Zs") for u in uris)
    assert any(u.startswith("https://platform.twitter.com/embed/Tweet.html") for u in uris)
    media = [a for a in capture.artifacts if a.kind == "media"]
    assert sorted(a.source_url or "" for a in media) == [
        "https://pbs.twimg.com/media/GUYk3xFWoAAq1Zs?format=jpg&name=orig",
        "https://pbs.twimg.com/media/GUYk3xGWAAAbKp7?format=jpg&name=orig",
    ]
    assert all(data_of(a).startswith(b"\xff\xd8") and a.mime == "image/jpeg" for a in media)
    metadata = json.loads(data_of(capture.artifact("metadata")))
    assert metadata["author_handle"] == "AggregateOsint" and len(metadata["media"]) == 2
    assert capture.data is not None and capture.content_hash == content_hash(capture.data)
    assert json.loads(data_of(capture.artifact("raw")))["id_str"] == AGGREGATE
    assert capture.timings["total"] >= capture.timings["render"] > 0


@pytest.mark.browser
def test_tombstoned_tweet_is_deleted_with_its_evidence(batch: Batch) -> None:
    capture = batch.results[f"twitter/{NOTE}"]
    assert (capture.status, capture.post_status, capture.outcome) == ("deleted", "deleted", "complete")
    assert capture.data is None and capture.content_hash is None
    assert "deleted" in data_of(capture.artifact("dom")).decode()
    assert capture.artifact("screenshot") is not None


@pytest.mark.browser
def test_media_over_the_cap_is_skipped_not_a_crash(batch: Batch) -> None:
    capture = batch.results[f"twitter/{NEXTA}"]
    assert capture.status == "live" and capture.outcome == "partial"
    assert [a for a in capture.artifacts if a.kind == "media"] == []
    (problem,) = capture.missing
    assert problem.startswith("skipped: media https://video.twimg.com/") and "100000-byte cap" in problem


@pytest.mark.browser
def test_data_endpoint_down_but_embed_rendered_keeps_the_capture(batch: Batch) -> None:
    capture = batch.results[f"twitter/{RHAKSW}"]
    assert capture.status == "live" and capture.rendered and capture.outcome == "partial"
    assert capture.missing == ["data: HTTP 503 from cdn.syndication.twimg.com"]
    assert "Senator @RonWyden" in data_of(capture.artifact("dom")).decode()
    # one retry after the 503, from our client; the browser's own request went through
    assert batch.world.count(f"tweet-result?id={RHAKSW}", client="http") == 2


@pytest.mark.browser
def test_hanging_view_times_out_while_the_others_finish(batch: Batch) -> None:
    capture = batch.results["tiktok/7398765432109876543"]
    assert capture.status == "timeout" and capture.outcome == "failed"
    assert capture.error is not None and "timed out after 4s" in capture.error
    assert capture.artifacts == []
    others = [r for key, r in batch.results.items() if not key.startswith("tiktok/")]
    assert all(not r.failed for r in others)


@pytest.mark.browser
def test_other_platforms_render_their_embed_views(batch: Batch) -> None:
    youtube = batch.results["youtube/dQw4w9WgXcQ"]
    assert (youtube.status, youtube.outcome) == ("live", "complete")
    assert "www.youtube.com/embed/dQw4w9WgXcQ" in data_of(youtube.artifact("dom")).decode()
    telegram = batch.results["telegram/123"]  # no render selector: network idle decides
    assert telegram.rendered and telegram.status == "live"
    assert telegram.outcome == "complete" and telegram.missing == []  # no element it failed to find
    assert any("t.me/durov/123" in uri for uri, *_ in warc_records(telegram.artifact("warc").data))  # type: ignore[union-attr]


@pytest.mark.browser
def test_article_screenshot_renders_its_embeds(batch: Batch) -> None:
    png = data_of(batch.article)
    assert png.startswith(b"\x89PNG") and batch.article.source_url == "https://news.example/kursk"
    height = int.from_bytes(png[20:24], "big")
    assert height > 2000  # the whole article, not one viewport
    assert batch.world.count("widgets.js", client="browser") >= 1


@pytest.mark.browser
def test_a_killed_browser_is_relaunched_and_the_run_goes_on(caplog: pytest.LogCaptureFixture) -> None:
    world = OfflineWorld(hang_seconds=5)
    settings = replace(Settings(), concurrency=1, page_timeout=5, host_delay=0.0)
    killed: list[int] = []

    async def run() -> tuple[list[PostCapture], int]:
        async with (
            httpx.AsyncClient(transport=world.transport(), timeout=5) as client,
            Capturer(settings, client, install_routes=world.install, retry_backoff=0.1) as capturer,
        ):
            pid = await capturer.browser_pid()
            assert pid is not None

            def kill_once(request: Request) -> Response | None:
                # The second post's syndication call, from the browser: kill it right there.
                if request.client == "browser" and not killed:
                    killed.append(pid)
                    os.kill(pid, signal.SIGKILL)
                return None

            world.add(data_url(NEXTA), kill_once)
            results = await capturer.capture_posts(
                [("twitter", AGGREGATE), ("twitter", NEXTA), ("twitter", RHAKSW)]
            )
            capturer.settings = replace(settings, browser="/nonexistent/chromium")
            relaunched = await capturer.browser_pid()
            assert relaunched is not None
            os.kill(relaunched, signal.SIGKILL)
            results.append(await capturer.capture_post("twitter", AGGREGATE))
            return results, capturer.restarts

    results, restarts = asyncio.run(run())
    assert killed and restarts == 1
    assert [r.status for r in results] == ["live", "live", "live", "failed"]
    assert results[1].attempts == 2 and results[1].artifact("screenshot") is not None
    # A browser that will not start again fails the post with one line, not a traceback.
    assert results[3].error == "browser not found or not executable: /nonexistent/chromium"
    assert not [r for r in caplog.records if r.exc_info], [r.getMessage() for r in caplog.records]


@pytest.mark.browser
def test_an_article_is_rendered_in_the_charset_it_was_served_in(batch: Batch) -> None:
    in_1251, in_utf8, as_text = (data_of(batch.shots[f"legacy-{n}"]) for n in ("1251", "utf8", "text"))
    assert in_1251 == in_utf8 == as_text


@pytest.mark.browser
def test_an_article_screenshot_survives_a_hung_image_and_a_page_too_long(batch: Batch) -> None:
    hung, tall = data_of(batch.shots["hung"]), data_of(batch.shots["tall"])
    assert hung.startswith(b"\x89PNG") and int.from_bytes(hung[16:20], "big") == 1280
    assert int.from_bytes(tall[20:24], "big") == 32768  # cut there, not 34,000 pixels down


@pytest.mark.browser
def test_a_bug_in_the_data_code_costs_the_data_not_the_view(batch: Batch) -> None:
    capture = batch.results["buggy/bUgGyVideo1"]
    assert (capture.status, capture.outcome) == ("live", "partial")
    assert capture.missing == ["data: KeyError: 'user'"]
    assert {"screenshot", "dom", "mhtml", "warc"} <= {a.kind for a in capture.artifacts}


class _SlowData(httpx.AsyncBaseTransport):
    """The world's answers to our own client, one URL's after `release` is set."""

    def __init__(self, inner: httpx.AsyncBaseTransport, url: str, events: list[str]) -> None:
        self.inner, self.url, self.events = inner, url, events
        self.release = asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if str(request.url).startswith(self.url):
            await self.release.wait()
            self.events.append("slow data answered")
        return await self.inner.handle_async_request(request)


@pytest.mark.browser
def test_a_slow_data_endpoint_holds_no_browser_page() -> None:
    """One page at a time: the first post's data comes only once the second post's view has
    loaded, so that view cannot wait for it; and the first post still gets its data."""
    world = OfflineWorld(hang_seconds=5)
    settings = replace(Settings(), concurrency=1, page_timeout=10, capture_timeout=30, host_delay=0.0)
    events: list[str] = []
    slow = _SlowData(world.transport(), data_url(AGGREGATE), events)

    def view_of(name: str) -> Any:
        def seen(request: Request) -> Response | None:
            if request.client == "browser":
                events.append(f"{name} view")
                if name == "second":
                    slow.release.set()
            return None

        return seen

    world.add(twitter.embed_url(AGGREGATE), view_of("first"))
    world.add(twitter.embed_url(NEXTA), view_of("second"))

    async def run() -> list[PostCapture]:
        async with (
            httpx.AsyncClient(transport=slow, timeout=30) as client,
            Capturer(settings, client, install_routes=world.install, retry_backoff=0.1) as capturer,
        ):
            return await capturer.capture_posts([("twitter", AGGREGATE), ("twitter", NEXTA)])

    first, second = asyncio.run(run())
    assert events[:3] == ["first view", "second view", "slow data answered"]
    assert first.status == second.status == "live"
    assert first.data is not None and first.artifact("screenshot") is not None
