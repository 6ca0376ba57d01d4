"""End to end: `archive_sources` in real Chromium, through the offline world.

Each test archives a small article into a fresh home and checks what the store holds.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from archiver import platforms
from archiver.cli import cli
from archiver.flows.archive import archive_article, archive_sources
from archiver.flows.kit import Kit
from archiver.flows.results import ArticleResult, exit_code
from archiver.models import SAYS_NOTHING
from archiver.settings import Settings
from offline_world import OfflineWorld, Response
from storage import Store

pytestmark = pytest.mark.browser

DEMO = Path(__file__).parents[1] / "archiver" / "demo" / "article.html"
LIVE_TWEET = "1821185274147889728"
OTHER_TWEET = "1821209936655409728"

MULTI = f"""<!doctype html><html><head><title>Four platforms</title>
<link rel="canonical" href="https://news.example/four"></head><body><article>
<p>Intro.</p>
<blockquote class="twitter-tweet"><p>Captured soldiers.</p>&mdash; OSINT Aggregator (@AggregateOsint)
<a href="https://twitter.com/AggregateOsint/status/{LIVE_TWEET}">August 7, 2024</a></blockquote>
<blockquote class="instagram-media" data-instgrm-permalink="https://www.instagram.com/p/C-Xy12abcD/"
 data-instgrm-version="14"><a href="https://www.instagram.com/p/C-Xy12abcD/">View this post</a></blockquote>
<iframe width="560" height="315" src="https://www.youtube.com/embed/dQw4w9WgXcQ" allowfullscreen></iframe>
<blockquote class="tiktok-embed" cite="https://www.tiktok.com/@scout2015/video/6718335390845095173"
 data-video-id="6718335390845095173"><section>a video</section></blockquote>
</article></body></html>"""


TOOT = """<!doctype html><html><head><title>A toot</title>
<link rel="canonical" href="https://news.example/toot"></head><body><article><p>Intro.</p>
<iframe src="https://mastodon.social/@Gargron/109318821117356215/embed" class="mastodon-embed"
 width="400"></iframe><script src="https://mastodon.social/embed.js" async></script>
</article></body></html>"""


def settings_for(home: Path, browser_path: str) -> Settings:
    return Settings(
        home=home, browser=browser_path, page_timeout=8, capture_timeout=20, host_delay=0, concurrency=4
    )


def run(sources: list[str], settings: Settings, world: OfflineWorld) -> list[ArticleResult]:
    with Store.open(settings.home) as store:
        network = world.network()
        return asyncio.run(archive_sources(sources, settings, store, network=network))


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_an_article_with_posts_on_four_platforms(tmp_path: Path, home: Path, browser_path: str) -> None:
    world = OfflineWorld()
    [result] = run([write(tmp_path, "four.html", MULTI)], settings_for(home, browser_path), world)

    assert result.error is None and result.url == "https://news.example/four"
    by_platform = {p.platform: p for p in result.posts}
    assert sorted(by_platform) == ["instagram", "tiktok", "twitter", "youtube"]
    assert all(p.status == "live" for p in result.posts), [(p.platform, p.error) for p in result.posts]
    with Store.open(home) as store:
        for post in result.posts:
            kinds = {a["kind"] for a in store.artifacts_for_capture(post.capture_id)}
            assert {"screenshot", "dom", "mhtml", "warc"} <= kinds, (post.platform, kinds)
        tweet = store.get_post(by_platform["twitter"].post_row)
        assert tweet["author_handle"] == "AggregateOsint" and tweet["status"] == "live"
        [article_capture] = store.captures_for_article(result.article_row)
        shot, html = (
            next(a for a in store.artifacts_for_capture(article_capture["id"]) if a["kind"] == kind)
            for kind in ("screenshot", "html")
        )
        assert Path(shot["path"]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert Path(html["path"]).read_text(encoding="utf-8") == MULTI
        assert store.verify().ok


def test_a_deleted_tweet_is_recorded_as_deleted_not_as_a_failure(home: Path, browser_path: str) -> None:
    world = OfflineWorld()
    world.twitter.tombstone(LIVE_TWEET)
    settings = replace(settings_for(home, browser_path), concurrency=1)
    [result] = run([str(DEMO)], settings, world)

    status = {p.post_id: p.status for p in result.posts}
    assert status == {LIVE_TWEET: "deleted", OTHER_TWEET: "live"}
    assert result.exit_code == 0
    with Store.open(home) as store:
        post = store.find_post("twitter", LIVE_TWEET)
        assert post["status"] == "deleted"
        assert store.checks_for_post(post["id"])[-1]["outcome"] == "deleted"
        # One page at a time: each capture is dated from its own start, not its wait in the queue,
        # so the second post started once the first had its page loaded (its data may come later).
        assert store.db["captures"].count == 3  # the article's and the posts'
        rows = store.db.query("SELECT started, timings FROM captures WHERE post IS NOT NULL")
        posts = sorted((row["started"], row["timings"]) for row in rows)
        (first, timings), (second, _) = ((datetime.fromisoformat(t), json.loads(j)) for t, j in posts)
        assert (second - first).total_seconds() >= timings["open"] + timings["render"]


def test_data_in_a_format_we_no_longer_read_is_missing_not_a_complete_record(
    tmp_path: Path, home: Path, browser_path: str
) -> None:
    # The platform changed its answer: nothing we read is in it. The post is not recorded as
    # completely captured with empty metadata: its data is missing, the answer is kept raw, and
    # its embed view (which renders) says it is live.
    world = OfflineWorld()
    changed = {"id": "109318821117356215", "status_v9": {"body": "?"}}
    world.route("mastodon.social", r"/api/v1/statuses/\d+", lambda request: Response.json(changed))
    article = write(tmp_path, "toot.html", TOOT)
    [result] = run([article], settings_for(home, browser_path), world)

    [post] = result.posts
    assert post.missing == [f"data: mastodon: {SAYS_NOTHING}"], post.missing
    assert post.status == "live" and result.exit_code == 3
    with Store.open(home) as store:
        kinds = {a["kind"]: a for a in store.artifacts_for_capture(post.capture_id)}
        assert "metadata" not in kinds and {"screenshot", "raw"} <= set(kinds)
        assert json.loads(Path(kinds["raw"]["path"]).read_bytes()) == changed
        assert store.get_post(post.post_row)["status"] == "live"
        assert store.db["captures"].get(post.capture_id)["status"] != "complete"


def test_a_hanging_embed_view_times_out_and_the_others_are_done(
    tmp_path: Path, home: Path, browser_path: str
) -> None:
    world = OfflineWorld(hang_seconds=30)
    world.hang(platforms.get("instagram").view_url("C-Xy12abcD"))
    settings = Settings(home=home, browser=browser_path, page_timeout=3, capture_timeout=30, host_delay=0)
    [result] = run([write(tmp_path, "four.html", MULTI)], settings, world)

    by_platform = {p.platform: p for p in result.posts}
    assert by_platform["instagram"].failed and by_platform["instagram"].error
    assert all(p.status == "live" for name, p in by_platform.items() if name not in ("instagram", "youtube"))
    assert result.exit_code == 3
    with Store.open(home) as store:
        [capture] = store.captures_for_post(by_platform["instagram"].post_row)
        assert capture["status"] in ("failed", "partial") and capture["error"]


def test_archiving_again_adds_captures_and_never_duplicates(home: Path, browser_path: str) -> None:
    world = OfflineWorld()
    settings = settings_for(home, browser_path)
    run([str(DEMO)], settings, world)
    [again] = run([str(DEMO)], settings, world)

    with Store.open(home) as store:
        assert store.db["posts"].count == 2
        assert store.db["embeds"].count == 2
        assert store.db["articles"].count == 1
        for post in again.posts:
            captures = store.captures_for_post(post.post_row)
            assert len(captures) == 2
            # the first capture's files are still there, unchanged
            for capture in captures:
                assert store.artifacts_for_capture(capture["id"])
        assert store.verify().ok


FLATTENED = (
    "Ukraine has captured more Russian soldiers along the Kursk front. pic.twitter.com/ukSCQjXCXD"
    " — OSINT Aggregator (@AggregateOsint) August 7, 2024\n\n"
    "Something else entirely. pic.twitter.com/ZZZnotthere — Nobody (@nobody) August 7, 2024\n"
)


def archive_text(
    path: str, home: Path, browser_path: str, world: OfflineWorld, resolve: bool
) -> ArticleResult:
    with Store.open(home) as store:
        network = world.network()
        settings = settings_for(home, browser_path)
        [result] = asyncio.run(archive_sources([path], settings, store, network=network, resolve=resolve))
    return result


def test_flattened_tweets_are_resolved_through_their_short_links(
    tmp_path: Path, home: Path, browser_path: str
) -> None:
    result = archive_text(write(tmp_path, "seed.txt", FLATTENED), home, browser_path, OfflineWorld(), True)

    status = sorted((p.status, p.post_id) for p in result.posts)
    assert status == [("live", LIVE_TWEET), ("unresolved", None)]
    assert result.exit_code == 0
    with Store.open(home) as store:
        [unresolved] = store.list_posts(status="unresolved")
        assert unresolved["post_id"] == "unresolved:pic.twitter.com/ZZZnotthere"


def test_cli_unreachable_article_is_one_line_exit_1_and_keeps_what_was_stored(
    tmp_path: Path, home: Path, browser_path: str
) -> None:
    runner = CliRunner()
    args = ["archive", "--offline", "--home", str(home), "--browser", browser_path, "-q"]
    empty = write(tmp_path, "empty.html", "")  # no article at all: said, and the next one is done
    first = runner.invoke(cli, [*args, empty, str(DEMO), "--json"])
    assert first.exit_code == 3, first.output
    nothing, demo = json.loads(first.stdout)["articles"]
    assert nothing["error"] == "empty input: nothing to read"
    assert len(demo["posts"]) == 2 and demo["error"] is None

    gone = runner.invoke(cli, [*args, "https://unreachable.example/story"])
    assert gone.exit_code == 1
    assert "unreachable.example" in gone.output and "Traceback" not in gone.output
    with Store.open(home) as store:
        assert store.db["posts"].count == 2 and store.verify().ok

    usage = runner.invoke(cli, ["archive", "--home", str(home)])
    assert usage.exit_code == 2


def test_an_unresolved_tweet_resolved_by_a_later_run_keeps_its_row(
    tmp_path: Path, home: Path, browser_path: str
) -> None:
    path, world = write(tmp_path, "seed.txt", FLATTENED), OfflineWorld()
    first = archive_text(path, home, browser_path, world, resolve=False)
    assert [p.status for p in first.posts] == ["unresolved", "unresolved"]
    row = first.posts[0].post_row

    second = archive_text(path, home, browser_path, world, resolve=True)
    assert second.posts[0].post_row == row and second.posts[0].status == "live"
    with Store.open(home) as store:
        post = store.get_post(row)
        assert post["post_id"] == LIVE_TWEET
        assert post["resolved_from"] == "unresolved:pic.twitter.com/ukSCQjXCXD"
        assert store.db["posts"].count == 2
        assert len(store.posts_for_article(second.article_row)) == 2


@dataclass
class Running:
    """`archiver archive --offline` in its own process group, as a terminal runs it."""

    proc: subprocess.Popen[str]
    stderr: list[str]
    reader: threading.Thread

    @classmethod
    def start(cls, home: Path, source: str, browser_path: str) -> Running:
        proc = subprocess.Popen(
            [sys.executable, "-m", "archiver", "archive", "--offline", "--home", str(home), source],
            env={**os.environ, "ARCHIVER_BROWSER": browser_path, "ARCHIVER_HOST_DELAY": "0"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # as a shell leaves it
        )
        lines: list[str] = []
        reader = threading.Thread(target=lambda: lines.extend(proc.stderr or ()), daemon=True)
        reader.start()
        return cls(proc, lines, reader)

    def wait_for_a_capture(self) -> None:
        deadline = time.monotonic() + 60
        while not any(line.startswith("youtube ") for line in self.stderr):
            assert time.monotonic() < deadline and self.proc.poll() is None, self.stderr
            time.sleep(0.1)

    def end(self) -> int:
        code = self.proc.wait(30)
        self.reader.join(10)
        return code


def test_a_run_killed_or_interrupted_leaves_nothing_half_written(
    tmp_path: Path, home: Path, browser_path: str
) -> None:
    page = "".join(f'<iframe src="https://www.youtube.com/embed/Video{n:06d}"></iframe>' for n in range(40))
    source = write(tmp_path, "many.html", f"<html><head><title>Many</title></head><body>{page}</body></html>")

    killed = Running.start(home, source, browser_path)
    killed.wait_for_a_capture()
    killed.proc.kill()  # SIGKILL: no clean-up at all; its media spool folder stays behind
    killed.end()
    assert list(home.glob("archiver-capture-*"))
    with Store.open(home) as store:
        # A kill between a blob and its row can leave an orphan or a temp file, as storage says.
        left = store.verify()

    interrupted = Running.start(home, source, browser_path)
    interrupted.wait_for_a_capture()
    os.killpg(interrupted.proc.pid, signal.SIGINT)  # Ctrl-C: the browser and its driver get it too
    assert interrupted.end() == 130
    said = [
        line.strip()
        for line in interrupted.stderr
        if not line.startswith(("archiving ", "found ", "youtube "))
    ]
    assert [line for line in said if line] == ["interrupted"], interrupted.stderr

    assert not list(home.glob("archiver-capture-*"))  # its own, and the killed run's
    with Store.open(home) as store:
        statuses = {row["status"] for row in store.db["captures"].rows}
        assert statuses and "running" not in statuses
        now = store.verify()
        assert not (now.corrupt or now.missing or now.strays), now.problems()
        assert set(now.orphaned) <= set(left.orphaned) and set(now.temp_files) <= set(left.temp_files)


def test_a_run_stopped_during_a_fetch_ends_at_once(home: Path, store: Store) -> None:
    settings = Settings(home=home, fetch_timeout=20, allow_private_network=True)  # a server on loopback
    with socket.socket() as server:  # takes the connection, never answers
        server.bind(("127.0.0.1", 0))
        server.listen()
        url = f"http://127.0.0.1:{server.getsockname()[1]}/story"

        async def stopped() -> None:
            run = asyncio.ensure_future(archive_article(url, Kit(settings), store))
            await asyncio.sleep(0.5)
            run.cancel()  # what Ctrl-C does to the run
            with contextlib.suppress(asyncio.CancelledError):
                await run

        started = time.monotonic()
        asyncio.run(stopped())  # returns once nothing it waits for is left
        # A hang guard, not a speed target: the fetch would wait out its 20 s timeout.
        assert time.monotonic() - started < 15


@pytest.mark.browser
def test_max_posts_records_every_post_and_captures_the_first(home: Path, browser_path: str) -> None:
    settings = replace(settings_for(home, browser_path), max_posts=1)
    [result] = run([str(DEMO)], settings, OfflineWorld())
    assert [p.status for p in result.posts] == ["live", "skipped"]
    assert "over --max-posts 1" in (result.posts[1].error or "")
    assert exit_code([result]) == 3
    with Store.open(home) as store:
        assert len(store.posts_for_article(result.article_row)) == 2  # both recorded as embedded


def test_an_article_read_after_its_deadline_keeps_its_posts_recorded_and_starts_none(
    home: Path, browser_path: str
) -> None:
    # The deadline passes while the article is read: it and its posts are recorded, no post
    # starts, and each says why.
    settings = settings_for(home, browser_path)

    async def go(store: Store) -> ArticleResult:
        async with Kit(settings, OfflineWorld().network(), sources=[str(DEMO)]) as kit:
            return await archive_article(str(DEMO), kit, store, deadline=time.monotonic())

    with Store.open(home) as store:
        result = asyncio.run(go(store))
        assert result.posts and {p.status for p in result.posts} == {"skipped"}
        assert {p.error for p in result.posts} == {"the --max-minutes deadline passed before its turn"}
        assert len(store.posts_for_article(result.article_row)) == len(result.posts)
        assert all(store.captures_for_post(p.post_row) == [] for p in result.posts)
    assert exit_code([result]) == 3


def test_past_the_deadline_nothing_starts(home: Path, browser_path: str) -> None:
    settings = settings_for(home, browser_path)
    with Store.open(home) as store:
        results = asyncio.run(
            archive_sources(
                [str(DEMO), str(DEMO)], settings, store, network=OfflineWorld().network(), max_minutes=0
            )
        )
    assert [r.error for r in results] == ["skipped: the --max-minutes deadline passed"] * 2
    assert exit_code(results) == 1
