"""The scheduled run through the offline world: feeds, watched articles, re-checks, the lock, kills.

Most tests stand a store-only archiver in for the browser pipeline (FakeArchiving: it fetches
and discovers like the pipeline, records the article, its embeds and a capture per post); one
browser test runs the real pipeline end to end.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from loopback import LocalSite
from test_recheck import FakeCapture, held_post

from archiver import dates
from archiver.cli import cli
from archiver.discovery.find import find_embeds
from archiver.fetch import fetch_article, make_client
from archiver.flows import run as cron
from archiver.flows import watch
from archiver.flows.lock import RunLock
from archiver.flows.notify import notify
from archiver.flows.results import ArticleResult, PostResult
from archiver.guard import Guard
from archiver.models import PostData
from archiver.platforms import twitter
from archiver.settings import Settings
from offline_world import OfflineWorld, Response, World
from storage import Store

AGGREGATE = "1821185274147889728"
NEXTA = "1821209936655409728"
FEED = "https://news.example/feed"
REPO = Path(__file__).resolve().parents[1]


def tweet(tweet_id: str) -> str:
    return (
        f'<blockquote class="twitter-tweet"><p>words</p>&mdash; someone '
        f'<a href="https://twitter.com/someone/status/{tweet_id}">March 1, 2025</a></blockquote>'
    )


def page(title: str, *tweet_ids: str) -> Response:
    quotes = "".join(tweet(t) for t in tweet_ids)
    return Response.html(
        f"<!DOCTYPE html><html><head><title>{title}</title></head><body>{quotes}</body></html>"
    )


def rss(*links: str) -> Response:
    items = "".join(f"<item><title>{link}</title><link>{link}</link></item>" for link in reversed(links))
    body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>{items}</channel></rss>'
    return Response.make(body, "application/rss+xml")


class FakeArchiving:
    """The pipeline without a browser: fetch, discover, record the article, its embeds, a capture per post."""

    def __init__(self, store: Store, world: World, settings: Settings, log: list[str]) -> None:
        self.store = store
        self.world = world
        self.settings = settings
        self.log = log

    async def archive(self, url: str) -> ArticleResult:
        self.log.append(url)
        result = ArticleResult(url, url=url)
        try:
            guard = Guard.for_settings(self.settings, [url])  # as the run's kit trusts watched URLs
            with make_client(self.settings, self.world.transport(), guard=guard) as client:
                article = fetch_article(client, url, self.settings)
        except Exception as exc:
            result.error = str(exc)
            return result
        result.article_row = self.store.record_article(url, html=article.body, title=article.title)
        rows = []
        for embed in find_embeds(article.body, article.final_url, content_type=article.content_type):
            assert embed.post_id is not None
            row = self.store.upsert_post(embed.platform, embed.post_id, embed.url)
            self.store.record_embed(result.article_row, row, source=embed.source, raw=embed.raw)
            rows.append(row)
            post = self.store.get_post(row) or {}
            answer = self.world.twitter.tweets.get(embed.post_id)  # type: ignore[attr-defined]
            if answer and answer.get("__typename") == "Tweet":
                await self.capture(post, twitter.normalize(answer))
                self.store.record_check(row, method="capture", outcome="live")
            result.posts.append(PostResult(embed.platform, embed.post_id, embed.url, "live", post_row=row))
        self.store.mark_removed_embeds(result.article_row, rows)
        return result

    async def capture(self, post: Mapping[str, Any], data: PostData) -> None:
        self.log.append(f"capture {post['post_id']}")
        await FakeCapture(self.store)(post, data)


class Lines:
    def __init__(self) -> None:
        self.info_lines: list[str] = []
        self.changes: list[str] = []
        self.errors: list[str] = []

    def info(self, line: str) -> None:
        self.info_lines.append(line)

    def change(self, line: str) -> None:
        self.changes.append(line)

    def error(self, line: str) -> None:
        self.errors.append(line)


class Runner:
    """Runs scheduled_run through the world with FakeArchiving; `archived` lists what it archived."""

    def __init__(self, settings: Settings, world: OfflineWorld) -> None:
        self.settings = settings
        self.world = world
        self.archived: list[str] = []

    def __call__(self, **options: Any) -> tuple[cron.RunReport, Lines]:
        lines = Lines()
        network = self.world.network()

        def archiving(store: Store) -> FakeArchiving:
            return FakeArchiving(store, self.world, self.settings, self.archived)

        report = asyncio.run(
            cron.scheduled_run(self.settings, cron.RunOptions(**options), network, lines, archiving)
        )
        return report, lines


@pytest.fixture
def runner(settings: Settings, world: OfflineWorld) -> Runner:
    return Runner(settings, world)


def test_a_feed_with_two_new_articles_is_archived_once_not_twice(
    store: Store, world: OfflineWorld, runner: Runner
) -> None:
    world.add("https://news.example/a1", page("One", AGGREGATE))
    world.add("https://news.example/a2", page("Two", NEXTA))
    world.add(FEED, rss("https://news.example/a1", "https://news.example/a2"))
    store.add_watch(FEED, "feed")
    report, lines = runner()
    assert runner.archived == [
        "https://news.example/a1",
        f"capture {AGGREGATE}",
        "https://news.example/a2",
        f"capture {NEXTA}",
    ]
    assert (report.outcome, report.entries_new, report.articles, report.exit_code) == ("complete", 2, 2, 0)
    assert "feed https://news.example/feed: 2 new article(s)" in lines.info_lines
    runner.archived.clear()
    report, _ = runner()
    assert runner.archived == [] and report.articles == 0
    # A third article appears: only it is archived.
    world.add("https://news.example/a3", page("Three"))
    world.add(FEED, rss("https://news.example/a1", "https://news.example/a2", "https://news.example/a3"))
    report, _ = runner()
    assert runner.archived == ["https://news.example/a3"] and report.entries_new == 1
    runs = [store.get_run(n) for n in (1, 2, 3)]
    assert [r["outcome"] for r in runs if r] == ["complete", "complete", "complete"]
    watched = store.get_watch(FEED)
    assert watched is not None and watched["last_status"] == "ok"


def test_an_entry_whose_article_fails_is_retried_by_the_next_run(
    store: Store, world: OfflineWorld, runner: Runner
) -> None:
    world.add("https://news.example/a1", Response.make("busy", "text/plain", 503))
    world.add(FEED, rss("https://news.example/a1"))
    store.add_watch(FEED, "feed")
    report, lines = runner()
    assert (report.articles, report.articles_failed, report.exit_code) == (0, 1, 0)
    assert any("HTTP 503" in line for line in lines.errors)
    world.add("https://news.example/a1", page("One"))
    report, _ = runner()
    assert report.articles == 1
    assert runner.archived == ["https://news.example/a1", "https://news.example/a1"]
    assert store.pending_entries() == []


def test_an_article_that_drops_an_embed(
    store: Store, world: OfflineWorld, runner: Runner, tmp_path: Path
) -> None:
    story = "https://news.example/story"
    world.add(story, page("Story", AGGREGATE, NEXTA))
    store.add_watch(story, "article")
    runner()
    article = store.get_article(story)
    assert article is not None
    assert len(store.posts_for_article(article["id"])) == 2
    # Reworded, same embeds: not archived again.
    world.add(story, page("Story, updated", AGGREGATE, NEXTA))
    report, _ = runner()
    assert report.articles_unchanged == 1 and runner.archived.count(story) == 1
    # One embed dropped: archived again, the drop is an event and is in the post's timeline.
    world.add(story, page("Story", AGGREGATE))
    events = tmp_path / "events.jsonl"
    report, lines = runner(notify_command=f"cat >> {events}")
    assert runner.archived.count(story) == 2
    assert lines.changes == [f"{story} dropped its embed of twitter {NEXTA}"]
    (event,) = [json.loads(line) for line in events.read_text().splitlines()]
    assert (event["event"], event["post_id"], event["article"]) == ("embed_removed", NEXTA, story)
    dropped = store.find_post("twitter", NEXTA)
    assert dropped is not None
    assert [e["event"] for e in store.timeline(dropped["id"])].count("embed_removed") == 1
    assert [p["post_id"] for p in store.posts_for_article(article["id"])] == [AGGREGATE]


def test_a_tweet_that_becomes_a_tombstone_between_two_runs(
    store: Store, world: OfflineWorld, runner: Runner, home: Path, tmp_path: Path
) -> None:
    world.add("https://news.example/a1", page("One", AGGREGATE))
    world.add(FEED, rss("https://news.example/a1"))
    store.add_watch(FEED, "feed")
    runner()
    world.twitter.tombstone(AGGREGATE)
    events = tmp_path / "events.jsonl"
    _, lines = runner(notify_command=f"cat >> {events}")
    assert lines.changes[0].startswith(f"twitter {AGGREGATE}: live -> deleted")
    (event,) = [json.loads(line) for line in events.read_text().splitlines()]
    assert (event["event"], event["previous"], event["status"]) == ("post_status_changed", "live", "deleted")
    cli_runner = CliRunner()
    listed = cli_runner.invoke(
        cli, ["list", "--home", str(home), "--status", "deleted", "--since", "1d", "--json"]
    )
    assert listed.exit_code == 0, listed.output
    assert [row["post_id"] for row in json.loads(listed.output)] == [AGGREGATE]
    verified = cli_runner.invoke(cli, ["verify", "--home", str(home)])
    assert verified.exit_code == 0, verified.output
    shown = cli_runner.invoke(cli, ["show", "--home", str(home), f"twitter:{AGGREGATE}"])
    assert shown.exit_code == 0, shown.output
    assert "STATUS live -> deleted" in shown.output
    assert "metadata" in shown.output and str(home / "blobs") in shown.output
    status = cli_runner.invoke(cli, ["status", "--home", str(home)])
    assert "1 deleted" in status.output and "last run" in status.output and "complete" in status.output


def test_status_tells_a_feed_article_given_up_on_from_one_still_waiting(store: Store, home: Path) -> None:
    feed, _ = store.add_watch(FEED, "feed")
    store.record_entries(
        feed, [("https://news.example/a1", "One", None), ("https://news.example/a2", "Two", None)]
    )
    broken = store.pending_entries()[0]
    for _ in range(watch.MAX_ENTRY_ATTEMPTS):
        store.entry_failed(broken["id"], "HTTP 503 for https://news.example/a1")
    status = CliRunner().invoke(cli, ["status", "--home", str(home)])
    assert "1 feed article(s) waiting to be archived" in status.output
    assert "given up after 5 failures: https://news.example/a1: HTTP 503" in status.output
    assert [e["url"] for e in watch.entries_to_archive(store)[0]] == ["https://news.example/a2"]


def test_a_deadline_stops_the_run_cleanly_and_the_next_run_finishes(
    store: Store, world: OfflineWorld, runner: Runner
) -> None:
    world.add("https://news.example/a1", page("One"))
    world.add("https://news.example/a2", page("Two"))
    world.add(FEED, rss("https://news.example/a1", "https://news.example/a2"))
    store.add_watch(FEED, "feed")
    report, _ = runner(max_minutes=0)
    assert (report.outcome, report.articles, report.left) == ("stopped", 0, 2)
    report, _ = runner(limit=1)
    assert (report.outcome, report.articles, report.left) == ("stopped", 1, 1)
    report, _ = runner()
    assert (report.outcome, report.articles, report.left) == ("complete", 1, 0)
    assert runner.archived == ["https://news.example/a1", "https://news.example/a2"]


def test_a_limit_that_leaves_posts_due_stops_the_run_and_the_next_one_checks_them(
    store: Store, world: OfflineWorld, settings: Settings
) -> None:
    runner = Runner(replace(settings, recheck_min_hours=1), world)  # a checked post waits an hour
    for tweet_id in (AGGREGATE, NEXTA):
        store.upsert_post("twitter", tweet_id, twitter.canonical_url(tweet_id), status="live")
    report, _ = runner(limit=1)
    assert report.recheck is not None and (report.recheck.checked, report.recheck.deferred) == (1, 1)
    assert report.outcome == "stopped" and "1 left for the next run" in report.summary()
    report, _ = runner(limit=0)
    assert report.recheck is not None and (report.recheck.checked, report.recheck.deferred) == (0, 1)
    assert report.outcome == "stopped"
    report, _ = runner(limit=5)
    assert report.recheck is not None and (report.recheck.checked, report.recheck.deferred) == (1, 0)
    assert report.outcome == "complete"


def test_a_run_on_a_home_with_no_archive_says_so_and_makes_none(tmp_path: Path) -> None:
    """A mistyped ARCHIVER_HOME in a crontab must not quietly watch an empty new archive."""
    missing = tmp_path / "typo"
    cli_runner = CliRunner()
    for args in (["run", "-q"], ["run", "--dry-run"], ["watch", "list"], ["watch", "remove", FEED]):
        result = cli_runner.invoke(cli, [*args, "--home", str(missing)])
        assert result.exit_code == 1, (args, result.output)
        assert result.output == f"Error: no archive at {missing} (no archive.db)\n", args
        assert not missing.exists()


def test_a_dry_run_says_what_is_due_and_changes_nothing(
    store: Store, world: OfflineWorld, runner: Runner
) -> None:
    store.add_watch(FEED, "feed")
    store.upsert_post("twitter", AGGREGATE, twitter.canonical_url(AGGREGATE), status="live")
    report, lines = runner(dry_run=True)
    assert report.outcome == "dry run" and world.requests == []
    assert "1 feed(s) to fetch, 0 watched article(s) to look at" in lines.info_lines
    assert any(line.startswith(f"due: twitter {AGGREGATE}") for line in lines.info_lines)
    assert store.last_run() is None and store.checks_for_post(1) == []


def test_two_overlapping_runs(store: Store, world: OfflineWorld, runner: Runner, home: Path) -> None:
    with RunLock(home):
        report, _ = runner()
        assert report.already_running is not None and report.already_running.startswith(f"pid {os.getpid()}")
        assert store.last_run() is None
        result = CliRunner().invoke(cli, ["run", "--home", str(home), "--offline"])
        assert result.exit_code == 0 and result.output.startswith("already running (pid ")
        quiet = CliRunner().invoke(cli, ["run", "--home", str(home), "--offline", "-q"])
        assert (quiet.exit_code, quiet.output) == (0, "")
    report, _ = runner()
    assert report.outcome == "complete"


def test_a_quiet_run_that_changes_nothing_prints_nothing_and_a_loud_one_sums_up_once(
    store: Store, world: OfflineWorld, home: Path
) -> None:
    held_post(store, world, AGGREGATE)  # live, captured, its content as the offline world has it
    quiet = CliRunner().invoke(cli, ["run", "-q", "--home", str(home), "--offline"])
    assert (quiet.exit_code, quiet.output) == (0, "")
    loud = CliRunner().invoke(cli, ["run", "--home", str(home), "--offline"])
    assert loud.exit_code == 0 and loud.output.count("re-checked 1 post(s), 1 live") == 1, loud.output
    assert loud.output.splitlines()[-1].startswith("run complete: ")


KILLABLE = """
import asyncio, sys, time
from pathlib import Path
sys.path.insert(0, {tests!r})
from test_run import FakeArchiving, Lines, page, rss, FEED
from archiver.flows import run as cron
from archiver.settings import Settings
from offline_world import OfflineWorld

home, ready = Path(sys.argv[1]), Path(sys.argv[2])
world = OfflineWorld()
world.add("https://news.example/a1", page("One"))
world.add("https://news.example/a2", page("Two"))
world.add(FEED, rss("https://news.example/a1", "https://news.example/a2"))
settings = Settings(home=home, host_delay=0.0)

class Stuck(FakeArchiving):
    async def archive(self, url):
        if url.endswith("a2"):  # mid-capture: a capture row is open, then the process hangs
            post = self.store.upsert_post("twitter", "1", "https://x.com/i/status/1")
            self.store.start_capture(post=post, tool_version="t")
            ready.write_text("ready")
            await asyncio.sleep(120)
        return await super().archive(url)

report = asyncio.run(cron.scheduled_run(
    settings, cron.RunOptions(), world.network(), Lines(),
    lambda store: Stuck(store, world, settings, []),
))
print(report.outcome)
"""


def _start_killable(home: Path, tmp_path: Path) -> tuple[subprocess.Popen[str], Path]:
    script = tmp_path / "killable.py"
    script.write_text(textwrap.dedent(KILLABLE.format(tests=str(REPO / "tests"))))
    ready = tmp_path / "ready"
    process = subprocess.Popen(
        [sys.executable, str(script), str(home), str(ready)], cwd=REPO, stdout=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 60
    while not ready.exists():
        assert process.poll() is None, "the run ended before it got stuck"
        assert time.monotonic() < deadline, "the run never got stuck"
        time.sleep(0.05)
    return process, ready


def test_a_run_killed_midway_is_resumed_by_the_next(
    home: Path, tmp_path: Path, world: OfflineWorld, runner: Runner
) -> None:
    with Store.open(home) as store:
        store.add_watch(FEED, "feed")
    process, _ = _start_killable(home, tmp_path)
    try:
        assert not RunLock(home).acquire()  # it holds the lock while it works
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    world.add("https://news.example/a1", page("One"))
    world.add("https://news.example/a2", page("Two"))
    world.add(FEED, rss("https://news.example/a1", "https://news.example/a2"))
    report, lines = runner()
    assert report.outcome == "complete"
    assert runner.archived == ["https://news.example/a2"]  # a1 was committed before the kill
    assert any("killed midway" in line for line in lines.info_lines)
    with Store.open(home) as store:
        first, second = store.get_run(1), store.get_run(2)
        assert first is not None and second is not None
        assert (first["outcome"], second["outcome"]) == ("interrupted", "complete")
        held = store.find_post("twitter", "1")
        assert held is not None
        stuck = store.captures_for_post(held["id"])
        assert [(c["status"], c["error"]) for c in stuck] == [("failed", "interrupted: its run was killed")]
        assert store.pending_entries() == []


def test_sigterm_ends_a_run_cleanly_as_interrupted(home: Path, tmp_path: Path) -> None:
    with Store.open(home) as store:
        store.add_watch(FEED, "feed")
    process, _ = _start_killable(home, tmp_path)
    process.send_signal(signal.SIGTERM)
    out, _ = process.communicate(timeout=20)
    assert out.strip() == "interrupted"
    with Store.open(home) as store:
        run = store.last_run()
        assert run is not None and run["outcome"] == "interrupted" and run["finished"]
        assert [e["url"] for e in store.pending_entries()] == ["https://news.example/a2"]
    assert RunLock(home).acquire()


def test_re_checks_run_after_the_sources_and_skip_what_this_run_captured(
    store: Store, world: OfflineWorld, runner: Runner
) -> None:
    world.add("https://news.example/a1", page("One", AGGREGATE))
    world.add(FEED, rss("https://news.example/a1"))
    store.add_watch(FEED, "feed")
    held = store.upsert_post("twitter", NEXTA, twitter.canonical_url(NEXTA), status="live")
    report, _ = runner()
    assert report.recheck is not None and report.recheck.checked == 1
    assert [c["method"] for c in store.checks_for_post(held)] == ["data"]
    assert f"capture {NEXTA}" in runner.archived  # never captured whole: the re-check asked for it


def test_a_rate_limited_recheck_in_a_run_is_unknown_and_due_again_later(
    store: Store, world: OfflineWorld, runner: Runner
) -> None:
    post = store.upsert_post("twitter", AGGREGATE, twitter.canonical_url(AGGREGATE), status="live")
    world.add(twitter.data_url(AGGREGATE), Response.make("", "text/plain", 429, retry_after="600"))
    report, lines = runner(limit=10)
    assert report.recheck is not None and report.recheck.outcomes == {"unknown": 1}
    assert lines.changes == [] and report.exit_code == 0
    row = store.get_post(post)
    assert row is not None and row["status"] == "live"
    checked = datetime.fromisoformat(str(row["last_checked"]))  # the check's own time, not the test's
    soon = checked + timedelta(minutes=9)
    assert post not in [p["id"] for p in store.posts_due(soon)]
    assert post in [p["id"] for p in store.posts_due(soon + timedelta(minutes=6))]


def test_notify_gets_the_event_on_stdin_and_its_failures_are_one_line(tmp_path: Path) -> None:
    out = tmp_path / "got.json"
    assert notify(f"cat > {out}", {"event": "x", "post": 1}) is None
    assert json.loads(out.read_text()) == {"event": "x", "post": 1}
    assert notify("echo oops >&2; exit 3", {}) == "notify command failed (exit 3): oops"
    # Hang guards, not speed targets: waiting for the commands would take 30 s and 60 s.
    started = time.monotonic()
    assert notify("sleep 30 & sleep 30", {}, timeout=0.3) == "notify command timed out after 0.3s"
    assert time.monotonic() - started < 20
    # A runaway in its own session keeps the command's output open: the run must not wait for it.
    started = time.monotonic()
    assert notify("setsid sleep 60 & sleep 30", {}, timeout=0.3) == "notify command timed out after 0.3s"
    assert time.monotonic() - started < 20


def test_cli_watch_recheck_list_and_show(home: Path) -> None:
    runner = CliRunner()
    added = runner.invoke(cli, ["watch", "add", "--home", str(home), "--kind", "feed", FEED])
    assert added.exit_code == 0 and added.output == f"watching feed {FEED}\n"
    listed = runner.invoke(cli, ["watch", "list", "--home", str(home)])
    assert FEED in listed.output and "not looked at yet" in listed.output
    with Store.open(home) as store:
        store.upsert_post("twitter", AGGREGATE, twitter.canonical_url(AGGREGATE), status="live")
    checked = runner.invoke(cli, ["recheck", "--home", str(home), "--offline", "--all", "-q"])
    assert (checked.exit_code, checked.output) == (0, ""), checked.output
    loud = runner.invoke(cli, ["recheck", "--home", str(home), "--offline", AGGREGATE])
    assert "re-checked 1 post(s), 1 live" in loud.output
    shown = runner.invoke(cli, ["show", "--home", str(home), f"https://x.com/a/status/{AGGREGATE}"])
    assert shown.exit_code == 0 and shown.output.count("check (data): live") == 2
    missing = runner.invoke(cli, ["show", "--home", str(home), "twitter:42"])
    assert missing.exit_code == 1 and "no twitter post 42" in missing.output
    bad = runner.invoke(cli, ["list", "--home", str(home), "--since", "yesterday-ish"])
    assert bad.exit_code == 2
    removed = runner.invoke(cli, ["watch", "remove", "--home", str(home), "1"])  # by its id
    assert (removed.exit_code, removed.output) == (0, f"no longer watching {FEED}\n")
    again = runner.invoke(cli, ["watch", "remove", "--home", str(home), FEED])
    assert again.exit_code == 1 and "not watched" in again.output


def test_hostile_text_cannot_drive_the_terminal(store: Store, home: Path) -> None:
    escape = "\x1b]0;owned\x07\x1b[2J"  # set the window title, clear the screen
    post = store.upsert_post(
        "twitter", AGGREGATE, twitter.canonical_url(AGGREGATE), author_handle=f"x{escape}", text=f"hi{escape}"
    )
    store.record_check(post, method="data", outcome="deleted", detail=f"tombstone says {escape}")
    store.add_watch(f"https://news.example/{escape}", "article")
    runner = CliRunner()
    for args in (["list"], ["show", AGGREGATE], ["status"], ["watch", "list"]):
        result = runner.invoke(cli, [*args, "--home", str(home)])
        assert result.exit_code == 0, result.output
        assert "\x1b" not in result.output and "\x07" not in result.output, args
    shown = runner.invoke(cli, ["show", AGGREGATE, "--home", str(home)]).output
    assert "hi?]0;owned??[2J" in shown and "tombstone says ?]0;owned" in shown


def test_ages_and_dates() -> None:
    now = datetime(2025, 3, 8, tzinfo=timezone.utc)
    assert dates.parse_age("7d") == timedelta(days=7)
    assert dates.parse_age("12h") == timedelta(hours=12)
    assert dates.parse_age("2w") == timedelta(days=14)
    assert dates.parse_age("3") == timedelta(days=3)
    assert dates.parse_since("7d", now) == datetime(2025, 3, 1, tzinfo=timezone.utc)
    assert dates.parse_since("2025-03-01", now) == datetime(2025, 3, 1, tzinfo=timezone.utc)
    for bad in ("soon", "-3d", "nan", "inf", "1e400"):
        with pytest.raises(ValueError):
            dates.parse_age(bad)
    for bad in ("yesterday-ish", "999999d", "2025-13-01"):
        with pytest.raises(ValueError):
            dates.parse_since(bad, now)


@pytest.mark.parametrize(
    "args",
    [
        ["recheck", "--older-than", "1e400"],
        ["recheck", "--older-than", "inf"],
        ["list", "--since", "999999d"],
        ["list", "--since", "soon"],
        ["recheck", "1", "--all"],
        ["recheck", "--all", "--older-than", "7d"],
    ],
)
def test_bad_ages_dates_and_choices_are_usage_errors(home: Path, args: list[str]) -> None:
    Store.open(home).close()
    result = CliRunner().invoke(cli, [*args, "--home", str(home)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and result.output.rstrip().count("\n") <= 3


@pytest.mark.browser
def test_runs_through_the_real_pipeline_in_chromium(
    home: Path, browser_path: str, world: OfflineWorld
) -> None:
    """Feed -> two articles archived once; a tweet deleted, another edited and an embed dropped
    between runs: a deletion, a second version kept beside the first, a removed embed; verify ok."""
    settings = Settings(
        home=home, browser=browser_path, page_timeout=8, capture_timeout=20, host_delay=0, fetch_timeout=5
    )
    network = world.network()
    world.add("https://news.example/a1", page("One", AGGREGATE))
    world.add("https://news.example/a2", page("Two", NEXTA, AGGREGATE))
    first_a2 = page("Two", NEXTA, AGGREGATE).body
    world.add(FEED, rss("https://news.example/a1", "https://news.example/a2"))
    with Store.open(home) as store:
        store.add_watch(FEED, "feed")
        store.add_watch("https://news.example/a2", "article")

    def scheduled() -> tuple[cron.RunReport, Lines]:
        lines = Lines()
        return asyncio.run(cron.scheduled_run(settings, cron.RunOptions(), network, lines)), lines

    first, _ = scheduled()
    assert (first.outcome, first.articles, first.articles_failed) == ("complete", 2, 0)
    world.twitter.tombstone(AGGREGATE)
    edited = dict(world.twitter.tweets[NEXTA], text="Edited: " + world.twitter.tweets[NEXTA]["text"])
    world.twitter.add_tweet(edited)
    world.add("https://news.example/a2", page("Two", NEXTA))
    second, lines = scheduled()
    assert second.outcome == "complete" and second.articles == 1  # a2 dropped an embed: archived again
    assert f"https://news.example/a2 dropped its embed of twitter {AGGREGATE}" in lines.changes
    assert any(line.startswith(f"twitter {AGGREGATE}: live -> deleted") for line in lines.changes)
    third, _ = scheduled()
    assert third.articles == 0 and third.articles_unchanged == 1
    with Store.open(home) as store:
        deleted = store.find_post("twitter", AGGREGATE)
        nexta = store.find_post("twitter", NEXTA)
        assert deleted is not None and nexta is not None
        assert deleted["status"] == "deleted" and nexta["status"] == "live"
        assert store.captures_for_post(deleted["id"])[0]["status"] == "complete"  # what we had stays
        versions = [c for c in store.captures_for_post(nexta["id"]) if c["status"] == "complete"]
        assert len({c["content_hash"] for c in versions}) == 2  # the first version and the edit
        assert [r["outcome"] for r in (store.get_run(n) for n in (1, 2, 3)) if r] == ["complete"] * 3
        assert store.verify().ok, store.verify().problems()
        # every version of the article's HTML stays named by one of its captures
        a2 = store.get_article("https://news.example/a2")
        assert a2 is not None
        captures = store.captures_for_article(a2["id"])
        kept = {a["sha256"] for c in captures for a in store.artifacts_for_capture(c["id"])}
        assert hashlib.sha256(first_a2).hexdigest() in kept


def test_a_watched_article_on_this_machine_is_the_users_choice(
    store: Store, runner: Runner, local_site: LocalSite
) -> None:
    """A URL the user watches is named by the user: the guard lets its host through without
    --allow-private-network (the articles a feed lists are not, see test_guard_loopback)."""
    url = local_site.add("/story", page("Local", AGGREGATE).body)
    store.add_watch(url, "article")
    report, lines = runner()
    assert lines.errors == []
    assert runner.archived[0] == url
    assert report.articles == 1
