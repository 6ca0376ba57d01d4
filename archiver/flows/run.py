"""One scheduled run (`archiver run`): the watched sources, then the re-checks that are due.

    report = asyncio.run(scheduled_run(settings, RunOptions(max_minutes=50), Network(), output))

In order, every step committed as it goes, so a run killed at any moment loses nothing it
finished and the next run completes the rest:

1. Take the run lock (lock.py). When another run holds it, nothing is done: `already_running`.
   A run the last one left "running" was killed: it is marked interrupted, and the captures it
   left unfinished failed.
2. Feeds: fetch each (conditional GET) and note its entries; archive every entry not archived
   yet (new ones, and ones an earlier run failed or never reached), oldest first. An entry is
   marked archived only once its article was; one two feeds list is archived once.
3. Watched articles: fetch and discover (no browser); when the set of posts the article embeds
   changed since the last look, or it was never archived, archive it again: new embeds are
   recorded, dropped ones marked removed (each drop is an event).
4. Re-check the posts that are due (recheck.py): over HTTP where the platform has a data
   endpoint, then, in the browser, a bounded number through their embed views; a changed one
   gets a new capture.
5. Record the run: complete, or stopped when the deadline (--max-minutes) or --limit left work
   for the next run. SIGTERM cancels the run cleanly: it is recorded as interrupted.

Events (a post's status or content changed, an article dropped an embed) are printed as they
are recorded and sent to the notify command. The browser is started only if something needs it.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import signal
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Protocol

import httpx

from archiver.blocking import in_thread
from archiver.capture.viewstate import ViewCheck
from archiver.errors import ArchiverError, CaptureError
from archiver.flows import history, notify, recheck, watch
from archiver.flows.archive import HeldPost, archive_article, capture_post, discover_article
from archiver.flows.kit import Kit, Network
from archiver.flows.lock import RunLock
from archiver.flows.results import ArticleResult, LogReporter
from archiver.models import PostData
from archiver.platforms.base import Platform
from archiver.settings import Settings
from storage import EmbeddedPostRow, PostRow, Store, StoreError

log = logging.getLogger(__name__)


class Output(Protocol):
    """Where a run says what it does: `info` is progress (quiet hides it); `change`, `error` always show."""

    def info(self, line: str) -> None: ...
    def change(self, line: str) -> None: ...
    def error(self, line: str) -> None: ...


class Archiving(Protocol):
    """What a run needs from the capture pipeline (tests may stand in for it)."""

    async def archive(self, url: str) -> ArticleResult: ...
    async def capture(self, post: Mapping[str, Any], data: PostData | None) -> None: ...


@dataclass(frozen=True)
class RunOptions:
    max_minutes: float | None = None
    limit: int | None = None  # at most this many articles archived, and this many posts re-checked
    dry_run: bool = False
    notify_command: str | None = None
    notify_timeout: float = notify.DEFAULT_TIMEOUT


@dataclass
class RunReport:
    run: int | None = None
    outcome: str = "running"
    already_running: str | None = None  # who holds the lock, when another run does
    feeds: int = 0
    entries_new: int = 0
    articles: int = 0  # articles archived
    articles_failed: int = 0
    articles_unchanged: int = 0
    left: int = 0  # articles due that the deadline or the limit left for the next run
    recheck: recheck.RecheckReport | None = None
    events: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, Any]:
        return {
            "feeds": self.feeds,
            "entries_new": self.entries_new,
            "articles": self.articles,
            "articles_failed": self.articles_failed,
            "articles_unchanged": self.articles_unchanged,
            "left": self.left,
            "events": len(self.events),
            "errors": len(self.errors),
            "recheck": self.recheck.counts() if self.recheck else None,
        }

    @property
    def exit_code(self) -> int:
        """Non-zero only on real trouble: the run itself failed."""
        return 1 if self.outcome == "failed" else 0

    def summary(self) -> str:
        """One line: how the run ended, what it archived and re-checked, how many changes."""
        failed = f", {self.articles_failed} failed" if self.articles_failed else ""
        checked = self.recheck.summary() if self.recheck else "no re-checks"
        return (
            f"run {self.outcome}: {self.articles} article(s) archived{failed}; {checked}; "
            f"{len(self.events)} change(s)"
        )


class KitArchiving:
    """The real thing: archive_article and capture_post over the run's kit (its browser is
    launched the first time something needs it)."""

    def __init__(self, kit: Kit, store: Store) -> None:
        self.kit = kit
        self.store = store

    async def archive(self, url: str) -> ArticleResult:
        return await archive_article(url, self.kit, self.store, LogReporter())

    async def capture(self, post: Mapping[str, Any], data: PostData | None) -> None:
        capturer = await self.kit.capturer()
        result = await capture_post(self.store, capturer, HeldPost.of(post))
        if result.failed:
            raise CaptureError(result.error or result.status)


class BrowserChecks:
    """Re-checks through the embed view in the kit's browser (launched at the first one)."""

    def __init__(self, kit: Kit) -> None:
        self.kit = kit
        self._launch = asyncio.Lock()  # concurrent first looks launch one browser, not several

    async def __call__(self, platform: Platform, post_id: str) -> ViewCheck:
        async with self._launch:
            capturer = await self.kit.capturer()
        return await capturer.check_view(platform, post_id)


# --- The run ---------------------------------------------------------------------------------


async def scheduled_run(
    settings: Settings,
    options: RunOptions,
    network: Network,
    output: Output,
    archiving: Callable[[Store], Archiving] | None = None,
) -> RunReport:
    """Run once (see the module docstring). `archiving` builds the pipeline stand-in for tests.

    The archive must exist (StoreError otherwise): a run on a mistyped home says so, instead of
    making an empty archive and quietly watching nothing.
    """
    with Store.open(settings.home, create=False, blob_store=settings.blob_store) as store:
        if options.dry_run:
            return _dry_run(store, options, output)
        report = RunReport()
        lock = RunLock(settings.home)
        if not lock.acquire():
            report.already_running = lock.holder()
            report.outcome = "already running"
            return report
        try:
            await _locked_run(settings, options, network, output, store, report, archiving)
        finally:
            lock.release()
    return report


async def _locked_run(
    settings: Settings,
    options: RunOptions,
    network: Network,
    output: Output,
    store: Store,
    report: RunReport,
    archiving: Callable[[Store], Archiving] | None,
) -> None:
    killed = store.close_unfinished_runs()
    if killed:
        store.close_unfinished_captures("interrupted: its run was killed")
        output.info(f"the last run was killed midway ({killed}): finishing its work")
    started = datetime.now(timezone.utc)
    report.run = store.start_run(pid=os.getpid(), at=started)
    deadline = time.monotonic() + options.max_minutes * 60 if options.max_minutes is not None else None
    task = asyncio.current_task()
    loop = asyncio.get_running_loop()
    with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
        if task is not None:
            loop.add_signal_handler(signal.SIGTERM, task.cancel)
    try:
        watched = [w["url"] for w in store.list_watches()]  # the user's choice; feed entries are not
        async with Kit(settings, network, sources=watched) as kit:
            worker = archiving(store) if archiving is not None else KitArchiving(kit, store)
            run = _Run(kit, options, output, store, report, deadline, worker)
            await run.sources()
            await run.rechecks(started)
    except asyncio.CancelledError:
        report.outcome = "interrupted"
        report.errors.append("interrupted (SIGTERM): the next run will finish the work")
        output.error(report.errors[-1])
    except (ArchiverError, StoreError) as exc:
        report.outcome = "failed"
        report.errors.append(str(exc))
        output.error(f"run failed: {exc}")
    except BaseException as exc:
        store.finish_run(report.run, "failed", counts=report.counts(), error=f"{type(exc).__name__}: {exc}")
        raise
    finally:
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.remove_signal_handler(signal.SIGTERM)
    if report.outcome == "running":
        more = report.left or (report.recheck is not None and report.recheck.deferred)
        report.outcome = "stopped" if more else "complete"
    error = "; ".join(report.errors[-3:]) or None
    store.finish_run(report.run, report.outcome, counts=report.counts(), error=error)


@dataclass
class _Run:
    kit: Kit
    options: RunOptions
    output: Output
    store: Store
    report: RunReport
    deadline: float | None
    worker: Archiving
    _pending_events: list[dict[str, Any]] = field(default_factory=list)
    _archived: set[str] = field(default_factory=set)  # urls archived by this run

    def past_deadline(self) -> bool:
        return self.deadline is not None and time.monotonic() >= self.deadline

    def limit_reached(self) -> bool:
        return self.options.limit is not None and self.report.articles + self.report.articles_failed >= (
            self.options.limit
        )

    def event(self, event: dict[str, Any], line: str) -> None:
        self.report.events.append(event)
        self._pending_events.append(event)
        self.output.change(line)

    def error(self, line: str) -> None:
        self.report.errors.append(line)
        self.output.error(line)

    async def send_events(self) -> None:
        """Hand the events recorded so far to the notify command, one call each."""
        events, self._pending_events = self._pending_events, []
        if not self.options.notify_command:
            return
        for event in events:
            problem = await asyncio.to_thread(  # waited for: an event is not dropped halfway
                notify.notify, self.options.notify_command, event, timeout=self.options.notify_timeout
            )
            if problem:
                self.error(problem)

    # Sources.

    async def sources(self) -> None:
        with self.kit.client() as client:
            for feed in self.store.list_watches("feed"):
                await self._look_at_feed(client, feed)
            for entry in watch.entries_to_archive(self.store)[0]:
                if self.past_deadline() or self.limit_reached():
                    self.report.left += 1
                    continue
                await self._archive_entry(entry)
            for article in self.store.list_watches("article"):
                if self.past_deadline() or self.limit_reached():
                    self.report.left += 1
                    continue
                await self._look_at_article(article)
        await self.send_events()

    async def _look_at_feed(self, client: httpx.Client, feed: Mapping[str, Any]) -> None:
        self.report.feeds += 1
        try:
            look = await in_thread(watch.read_feed, client, feed, self.kit.settings)
        except ArchiverError as exc:
            self.store.record_watch_look(feed["id"], status="failed", error=str(exc))
            self.error(f"feed {feed['url']}: {exc}")
            return
        before = len(self.store.pending_entries(feed["id"]))
        if not look.unchanged:
            pending = self.store.record_entries(feed["id"], look.entries)
            new = max(len(pending) - before, 0)
            self.report.entries_new += new
            if new:
                self.output.info(f"feed {feed['url']}: {new} new article(s)")
        self.store.record_watch_look(
            feed["id"],
            status="unchanged" if look.unchanged else "ok",
            title=look.title,
            etag=look.etag,
            last_modified=look.last_modified,
            content_sha256=look.sha256,
        )

    async def _archive_entry(self, entry: Mapping[str, Any]) -> None:
        if self.store.url_archived_from_feed(entry["url"]):  # another feed listed it first
            self.store.entry_archived(entry["id"])
            return
        result = await self._archive(entry["url"])
        if result is None or result.error is not None:
            self.store.entry_failed(entry["id"], (result.error if result else None) or "not archived")
        else:
            self.store.entry_archived(entry["id"])

    async def _look_at_article(self, article: Mapping[str, Any]) -> None:
        url = article["url"]
        try:
            found = await in_thread(
                functools.partial(discover_article, url, self.kit.settings, self.kit.client, resolve=False)
            )
            fingerprint = watch.embeds_fingerprint(found.embeds)
        except ArchiverError as exc:
            self.store.record_watch_look(article["id"], status="failed", error=str(exc))
            self.error(f"article {url}: {exc}")
            return
        archived_now = url in self._archived  # a feed listed it this run
        if archived_now or (fingerprint == article["content_sha256"] and self.store.get_article(url)):
            self.report.articles_unchanged += not archived_now
            self.store.record_watch_look(
                article["id"], status="ok" if archived_now else "unchanged", content_sha256=fingerprint
            )
            return
        result = await self._archive(url)
        ok = result is not None and result.error is None
        self.store.record_watch_look(
            article["id"],
            status="ok" if ok else "failed",
            error=None if ok else (result.error if result else "not archived"),
            title=result.title if result else None,
            content_sha256=fingerprint if ok else None,
        )

    async def _archive(self, url: str) -> ArticleResult | None:
        """Archive one article, telling which embeds it gained or dropped since the last time."""
        known = self.store.get_article(url)
        before = self._embedded(known["id"]) if known else {}
        self.output.info(f"archiving {url}")
        try:
            result = await self.worker.archive(url)
        except (ArchiverError, StoreError):
            raise
        except Exception as exc:  # one article's failure never stops the run
            log.exception("archiving %s", url)
            self.report.articles_failed += 1
            self.error(f"article {url}: {type(exc).__name__}: {exc}")
            return None
        if result.error is not None:
            self.report.articles_failed += 1
            self.error(f"article {url}: {result.error}")
            return result
        self.report.articles += 1
        self._archived.add(url)
        failed = sum(p.failed for p in result.posts)
        self.output.info(
            f"archived {url}: {len(result.posts)} post(s)" + (f", {failed} failed" if failed else "")
        )
        after = self._embedded(result.article_row) if result.article_row is not None else {}
        if known:
            for key in sorted(set(after) - set(before)):
                self.output.info(f"{url} now embeds {key}")
            for key in sorted(set(before) - set(after)):
                post = before[key]
                event = {
                    "event": "embed_removed",
                    "article": url,
                    "post": post["id"],
                    "platform": post["platform"],
                    "post_id": post["post_id"],
                    "url": post["url"],
                    "at": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
                }
                self.event(event, f"{url} dropped its embed of {key}")
        return result

    def _embedded(self, article: int) -> dict[str, EmbeddedPostRow]:
        return {f"{p['platform']} {p['post_id']}": p for p in self.store.posts_for_article(article)}

    # Re-checks.

    async def rechecks(self, run_started: datetime) -> None:
        now = datetime.now(timezone.utc)
        due = [
            post
            for post in self.store.posts_due(now)
            # just captured by this run: its next look can wait for the next run
            if not (post["last_captured"] and post["last_captured"] >= _iso(run_started))
        ]
        beyond = len(due) - self.options.limit if self.options.limit is not None else 0
        if beyond > 0:  # left for the next run: the run is "stopped", not "complete"
            due = due[: self.options.limit]
        if not due:
            self.report.recheck = recheck.RecheckReport(deferred=max(beyond, 0))
            return
        self.output.info(f"re-checking {len(due)} post(s)")
        report = await recheck.recheck_posts(
            self.store,
            self.kit.settings,
            due,
            transport=self.kit.network.transport,
            capture=self.worker.capture,
            view_check=BrowserChecks(self.kit),
            deadline=self.deadline,
            on_event=lambda e: self.event(e.to_dict(), e.line()),
        )
        report.deferred += max(beyond, 0)
        self.report.recheck = report
        for line in report.errors:
            self.report.errors.append(line)
            self.output.error(line)
        await self.send_events()  # the run's summary line tells what the re-checks found


def posts_to_recheck(
    store: Store, refs: Sequence[str], *, every: bool = False, older_than: timedelta | None = None
) -> list[PostRow]:
    """What `archiver recheck` looks at: the posts `refs` name (URL, platform:id or id; InputError
    for one not in the archive), every post, those not checked for `older_than`, or those due."""
    if refs:
        chosen: dict[int, PostRow] = {}
        for ref in refs:
            post = history.find_post(store, ref)
            chosen.setdefault(post["id"], post)
        return list(chosen.values())
    if every:
        return store.list_posts()
    return recheck.due_posts(store, older_than=older_than)


async def recheck_now(
    settings: Settings, store: Store, posts: Sequence[Mapping[str, Any]], network: Network, output: Output
) -> recheck.RecheckReport:
    """`archiver recheck`: re-check `posts` at once (a change still gets its new capture).

    Takes the run lock for its duration; an ArchiverError when a run holds it.
    """
    lock = RunLock(settings.home)
    if not lock.acquire():
        raise ArchiverError(f"a run is in progress ({lock.holder()}): try again once it ends")
    try:
        async with Kit(settings, network) as kit:
            report = await recheck.recheck_posts(
                store,
                settings,
                posts,
                transport=kit.network.transport,
                capture=KitArchiving(kit, store).capture,
                view_check=BrowserChecks(kit),
                on_event=lambda e: output.change(e.line()),
            )
    finally:
        lock.release()
    for line in report.errors:
        output.error(line)
    return report


def _iso(at: datetime) -> str:
    return at.isoformat(timespec="milliseconds")


def _dry_run(store: Store, options: RunOptions, output: Output) -> RunReport:
    """Say what a run would do now, touching nothing (no network, no writes)."""
    report = RunReport(outcome="dry run")
    feeds = store.list_watches("feed")
    articles = store.list_watches("article")
    pending, _ = watch.entries_to_archive(store)
    output.info(f"{len(feeds)} feed(s) to fetch, {len(articles)} watched article(s) to look at")
    for entry in pending:
        output.info(f"to archive (from a feed): {entry['url']}")
    due = store.posts_due(datetime.now(timezone.utc))
    checkable = [p for p in due if recheck.checkable(p)]
    output.info(
        f"{len(checkable)} post(s) due for a re-check"
        + (f" (at most {options.limit} this run)" if options.limit is not None else "")
        + (f"; {len(due) - len(checkable)} not checkable" if len(due) > len(checkable) else "")
    )
    for post in checkable[: options.limit if options.limit is not None else 20]:
        since = post["next_check_at"] or "never checked"
        output.info(f"due: {post['platform']} {post['post_id']} ({post['status']}, due since {since})")
    report.left = len(pending) + len(checkable)
    return report
