"""Re-checking held posts: one request to the platform's data endpoint, else a look at its
embed view in the browser.

    report = await recheck_posts(store, settings, store.posts_due(), transport=None,
                                 capture=pipeline_capture, view_check=capturer.check_view)

How a post is re-checked depends on its platform (`how_checked`): over HTTP where it has a data
endpoint (`fetch_data`), through its embed view in the browser where it has none (or where the
endpoint wants a credential the settings lack: MissingCredential), not at all when this version
does not know the platform or the post has no id yet (unresolved).

The HTTP checks come first, being cheap. Each post is asked of its platform's `fetch_data` over
one httpx.AsyncClient (make_async_client), at most settings.recheck_concurrency at once, and
politely per host (HostGate, in hostgate.py):

- data came back: the post is "live"; the SHA-256 of its normalized data is compared with the
  one the store holds. When it differs, or the post has no capture of this content yet (a
  capture killed midway, a post first seen while the data endpoint failed), `capture` (the
  pipeline's full capture, injected by the caller) takes a new version; earlier ones stay.
- PostGone: the status the platform itself gave (deleted, suspended, protected, unavailable).
- anything else (DNS, timeout, 429, 5xx, an answer we cannot read) is "unknown this time": the
  check is recorded, the post keeps its status, and it is due again soon (not before the
  Retry-After the platform asked for).

A 429 (or a 503 with Retry-After) closes its host until the time it names; a run of 5xx or
connection failures closes it for a doubling while. Posts whose host is closed for longer than
hostgate.MAX_WAIT, or that come after the deadline, are left due for the next run and counted as
deferred: they were not looked at, so nothing is recorded for them.

Then the browser checks (`view_check`: the Capturer's check_view, injected by the caller), at
most settings.view_checks_per_run of them (the rest stay due and are counted deferred; 0 turns
them off), each as polite per host as a capture and within the deadline. A check loads the
post's embed view and reads it (capture/viewstate.py), keeping nothing:

- a gone state the platform declares (`view_states`: "This post isn't available"): that status;
- the post rendered (its render_selector): "live", and the fingerprint of its text (times,
  counts and buttons left out) stands for its content hash: when it differs from the latest
  capture's, or the post was never captured complete, `capture` takes a new version;
- anything else (the view did not load, timed out, showed neither): "unknown this time".

Checks are committed in small batches (`_Batch`): at most BATCH_SIZE of them in one
transaction, at most BATCH_SECONDS after the first of them was made, and all that wait before
any capture is taken and whenever the re-check ends, returns or is cancelled. A process killed
midway loses only the checks of the batch it had not committed yet, never one committed: their
posts keep their schedule, so they are simply due again. Changes are told (`on_event`) once
committed.

When a post is next due (`next_check`) grows with how long it has stayed the same: the time
since the latest of first seen / status change / content change, times settings.recheck_backoff,
kept between settings.recheck_min_hours and settings.recheck_max_days. Posts that cannot be
re-checked (an unknown platform, an unresolved post, browser checks turned off or not offered
by the caller) are skipped and not due again before the longest interval.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from functools import cached_property
from typing import Any

import httpx

from archiver import platforms
from archiver.capture.viewstate import ViewCheck
from archiver.errors import ArchiverError, MissingCredential, PostGone
from archiver.fetch import make_async_client
from archiver.flows.hostgate import HostClosed, HostGate, retry_after
from archiver.models import SAYS_NOTHING, PostData, content_hash
from archiver.platforms.base import Platform
from archiver.settings import Settings
from storage import CheckRecord, CheckResult, PostRow, Store

log = logging.getLogger(__name__)

METHOD = "data"  # the checks table's `method` for a data-endpoint re-check
VIEW_METHOD = "view"  # ... and for a look at the embed view in the browser
UNKNOWN_RETRY = timedelta(hours=1)  # an unknown check is retried within this (or after Retry-After)
BATCH_SIZE = 50  # checks committed in one transaction, at most...
BATCH_SECONDS = 0.5  # ... and at most this long after the first of them was made

# What a capture callback gets: the post's row and the data the check just fetched (None after
# a look at the embed view).
Capture = Callable[[Mapping[str, Any], PostData | None], Awaitable[object]]
# A look at a post's embed view in the browser (Capturer.check_view).
ViewChecker = Callable[[Platform, str], Awaitable[ViewCheck]]


# --- How a post is re-checked -----------------------------------------------------------------


@dataclass(frozen=True)
class HowChecked:
    """How a platform's posts are re-checked: `method` is METHOD (HTTP), VIEW_METHOD (the
    browser) or None (they are not); `how` says it in a few words."""

    method: str | None
    how: str


def how_checked(platform_name: str) -> HowChecked:
    """How the posts of `platform_name` are re-checked, and in words why not when they are not."""
    try:
        platform = platforms.get(platform_name)
    except KeyError:
        return HowChecked(None, "not checkable: a platform this version does not know")
    if platform.retired is not None:
        return HowChecked(None, f"not checkable: {platform.retired}")
    if platform.fetch_data is not None:
        return HowChecked(METHOD, "HTTP: its data endpoint")
    if platform.view_states and platform.render_selector:
        return HowChecked(VIEW_METHOD, "browser: its embed view")
    if platform.render_selector:
        return HowChecked(VIEW_METHOD, "browser: its embed view (live or not; no gone state declared)")
    if platform.view_states:
        return HowChecked(VIEW_METHOD, "browser: its embed view (gone states only; no post element)")
    return HowChecked(None, "not checkable: no data endpoint, and nothing to read in its view")


def _views(platform: Platform) -> bool:
    """Whether the platform's embed view has something to read (a post element, a gone state)."""
    return bool(platform.render_selector or platform.view_states)


def method_for(post: Mapping[str, Any]) -> str | None:
    """How `post` is re-checked (METHOD, VIEW_METHOD), None when it cannot be: an unresolved post."""
    if str(post["post_id"]).startswith("unresolved:"):
        return None
    return how_checked(post["platform"]).method


# --- When a post is due ----------------------------------------------------------------------


def _parse(at: Any) -> datetime | None:
    if not at:
        return None
    try:
        parsed = datetime.fromisoformat(str(at))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def interval(post: Mapping[str, Any], now: datetime, settings: Settings) -> timedelta:
    """How long until `post` is worth another look: longer the longer it has stayed the same."""
    moments = [_parse(post.get(name)) for name in ("first_seen", "status_since", "content_since")]
    stable_since = max((m for m in moments if m is not None), default=now)
    stable = max(now - stable_since, timedelta(0))
    low = timedelta(hours=settings.recheck_min_hours)
    high = timedelta(days=settings.recheck_max_days)
    return min(max(stable * settings.recheck_backoff, low), high)


def next_check(post: Mapping[str, Any], now: datetime, settings: Settings) -> datetime:
    return now + interval(post, now, settings)


# --- What a re-check found --------------------------------------------------------------------


@dataclass(frozen=True)
class CheckEvent:
    """Something worth telling: a post's status changed, or its content did."""

    kind: str  # "status" or "content"
    post: int  # the posts row
    platform: str
    post_id: str
    url: str
    previous: str  # status before the check
    status: str  # status after it
    at: str
    detail: str | None = None
    http_status: int | None = None

    def line(self) -> str:
        what = f"{self.platform} {self.post_id}"
        if self.kind == "status":
            text = f"{what}: {self.previous} -> {self.status}"
        else:
            text = f"{what}: content changed"
        return text + (f" ({self.detail})" if self.detail else "")

    def to_dict(self) -> dict[str, Any]:
        return {"event": f"post_{self.kind}_changed", **asdict(self)}


@dataclass
class RecheckReport:
    checked: int = 0  # checks recorded
    outcomes: dict[str, int] = field(default_factory=dict)  # recorded outcome -> how many
    changed: int = 0  # posts whose content changed
    captured: int = 0  # new captures the callback took
    capture_failed: int = 0
    deferred: int = 0  # due but not looked at: host closed, the deadline came, view_checks_per_run
    skipped: int = 0  # not checkable: an unknown platform, unresolved, browser checks off
    view_checks: int = 0  # of the checks, those through the embed view in the browser
    events: list[CheckEvent] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # capture failures, one line each

    @property
    def unknown(self) -> int:
        return self.outcomes.get("unknown", 0)

    def counts(self) -> dict[str, Any]:
        return {
            "checked": self.checked,
            "outcomes": dict(self.outcomes),
            "changed": self.changed,
            "captured": self.captured,
            "capture_failed": self.capture_failed,
            "deferred": self.deferred,
            "skipped": self.skipped,
            "view_checks": self.view_checks,
        }

    def summary(self) -> str:
        parts = [f"re-checked {self.checked} post(s)"]
        if self.view_checks:
            parts[0] += f" ({self.view_checks} in the browser)"
        parts += [f"{n} {outcome}" for outcome, n in sorted(self.outcomes.items())]
        if self.changed:
            parts.append(f"{self.changed} changed")
        if self.captured or self.capture_failed:
            parts.append(f"{self.captured} new capture(s)")
        if self.capture_failed:
            parts.append(f"{self.capture_failed} capture(s) failed")
        if self.deferred:
            parts.append(f"{self.deferred} left for the next run")
        if self.skipped:
            parts.append(f"{self.skipped} not checkable")
        return ", ".join(parts)


@dataclass
class _Look:
    """One post's answer, before it is recorded."""

    outcome: str
    data: PostData | None = None
    http_status: int | None = None
    detail: str | None = None
    retry_after: float | None = None
    method: str = METHOD
    fingerprint: str | None = None  # a view check's: the rendered post's text, hashed
    no_credential: bool = False  # the data endpoint wants a credential the settings lack

    @cached_property
    def digest(self) -> str | None:
        """What stands for the post's content: its data's hash, else the view's fingerprint."""
        return content_hash(self.data) if self.data is not None else self.fingerprint

    @classmethod
    def of_view(cls, seen: ViewCheck) -> _Look:
        return cls(
            seen.status,
            http_status=seen.http_status if seen.state is not None else None,
            detail=seen.detail,
            method=VIEW_METHOD,
            fingerprint=seen.fingerprint,
        )


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


async def _look(
    client: httpx.AsyncClient, gate: HostGate, post: Mapping[str, Any], seconds: float
) -> _Look | None:
    """Ask the platform about `post` (within `seconds` in all, as a capture does); None when its
    host is closed (the post stays due)."""
    platform = platforms.get(post["platform"])
    assert platform.fetch_data is not None
    async with gate.scope():
        try:
            data = await asyncio.wait_for(platform.fetch_data(client, post["post_id"]), seconds)
        except asyncio.TimeoutError:
            return _Look("unknown", detail=f"no answer within {seconds:g}s")
        except PostGone as gone:
            return _Look(gone.status, http_status=gone.http_status, detail=str(gone))
        except HostClosed:
            return None
        except MissingCredential as exc:  # not asked: read the embed view instead, if there is one
            return _Look("unknown", detail=_one_line(exc), no_credential=True)
        except httpx.HTTPStatusError as exc:
            response = exc.response
            if response.status_code == 429:
                asked = retry_after(response)
                said = f", retry after {asked:.0f}s" if asked is not None else ""
                return _Look("unknown", None, 429, f"rate limited (HTTP 429{said})", asked)
            return _Look(
                "unknown",
                None,
                response.status_code,
                f"HTTP {response.status_code} from {response.request.url.host}",
                retry_after(response),
            )
        except httpx.RequestError as exc:
            gate.failed(exc.request.url.host)
            return _Look("unknown", detail=f"{type(exc).__name__}: {_one_line(exc)}")
        except ArchiverError as exc:  # an answer we cannot read (CaptureError): not the post's fault
            return _Look("unknown", detail=_one_line(exc))
        except Exception as exc:  # a bug reading one answer must not stop the other checks
            log.exception("re-check %s %s", post["platform"], post["post_id"])
            return _Look(
                "unknown", detail=f"error reading the answer: {type(exc).__name__}: {_one_line(exc)}"
            )
    if data.says_nothing:  # no word on the post: as an answer we cannot read
        return _Look("unknown", detail=SAYS_NOTHING)
    return _Look("live", data=data)


def checkable(post: Mapping[str, Any]) -> bool:
    """Whether `post` can be re-checked at all: over HTTP or through its embed view."""
    return method_for(post) is not None


async def recheck_posts(
    store: Store,
    settings: Settings,
    posts: Sequence[Mapping[str, Any]],
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    capture: Capture | None = None,
    view_check: ViewChecker | None = None,
    deadline: float | None = None,
    on_event: Callable[[CheckEvent], None] | None = None,
) -> RecheckReport:
    """Re-check `posts` (rows of the posts table) and record what their platforms say.

    HTTP checks first, then at most settings.view_checks_per_run looks at embed views through
    `view_check` (none without it), then the new captures that changed posts want. `deadline`
    (time.monotonic()) stops starting new checks and captures; what is left stays due.
    `on_event` hears each status or content change once it is committed (a first look that
    finds a post live is none). Checks are committed in batches (`_Batch`): a run killed midway
    keeps every batch it committed and loses at most the last one's checks, whose posts stay
    due; every check is committed before the first capture is taken.
    """
    report = RecheckReport()
    gate = HostGate(settings.per_host, settings.host_delay)
    slots = asyncio.Semaphore(settings.recheck_concurrency)
    browser = view_check is not None and settings.view_checks_per_run > 0
    to_capture: list[tuple[Mapping[str, Any], PostData | None]] = []
    by_data: list[Mapping[str, Any]] = []
    by_view: list[Mapping[str, Any]] = []
    for post in posts:
        method = method_for(post)
        if method == METHOD:
            by_data.append(post)
        elif method == VIEW_METHOD and browser:
            by_view.append(post)
        else:
            report.skipped += 1
            _reschedule_uncheckable(store, settings, post)
    captured = store.captured_hashes([int(p["id"]) for p in (*by_data, *by_view)])

    def past_deadline() -> bool:
        return deadline is not None and time.monotonic() >= deadline

    def told(item: _Assessed, result: CheckResult | None) -> None:
        if _tell(item, result, report, on_event):
            to_capture.append((item.post, item.look.data))

    batch = _Batch(store, told, BATCH_SIZE, BATCH_SECONDS)

    def record(post: Mapping[str, Any], look: _Look, complete: bool = True) -> None:
        batch.add(_assess(settings, post, look, captured, complete))

    async def check(client: httpx.AsyncClient, post: Mapping[str, Any]) -> None:
        async with slots:
            if past_deadline():
                report.deferred += 1
                return
            look = await _look(client, gate, post, settings.fetch_timeout)
        if look is None:
            report.deferred += 1
        elif look.no_credential and browser and _views(platforms.get(post["platform"])):
            by_view.append(post)  # its data is out of reach: its view tells instead
        else:
            record(post, look)

    pages = asyncio.Semaphore(settings.concurrency)  # the browser's, so the deadline is seen in time

    async def look_at_view(post: Mapping[str, Any]) -> None:
        assert view_check is not None
        async with pages:
            if past_deadline():
                report.deferred += 1
                return
            try:
                seen = await view_check(platforms.get(post["platform"]), post["post_id"])
            except ArchiverError as exc:  # the browser would not start, say
                seen = ViewCheck(error=_one_line(exc))
            except Exception as exc:  # a bug in one look must not stop the others
                log.exception("view re-check %s %s", post["platform"], post["post_id"])
                seen = ViewCheck(error=f"{type(exc).__name__}: {_one_line(exc)}")
        report.view_checks += 1
        kept = store.captures_for_post(int(post["id"]))
        record(post, _Look.of_view(seen), complete=any(c["status"] == "complete" for c in kept))

    try:
        async with make_async_client(settings, transport) as client:
            gate.install(client)
            await _all(check(client, post) for post in by_data)

        if by_view:
            allowed = by_view[: settings.view_checks_per_run]
            report.deferred += len(by_view) - len(allowed)  # still due: the next run looks at them first
            await _all(look_at_view(post) for post in allowed)
    finally:
        batch.close()  # every check committed (cancelled, failed or done) before any capture

    if to_capture and capture is not None:
        await _capture_all(store, settings, to_capture, capture, past_deadline, report)
    return report


async def _all(checks: Iterable[Coroutine[Any, Any, None]]) -> None:
    """Run `checks` at once; when one fails (a commit that failed, say), the others are
    cancelled and waited for before the error is raised: none goes on after the re-check ends."""
    tasks = [asyncio.ensure_future(check) for check in checks]
    try:
        await asyncio.gather(*tasks)
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise


@dataclass
class _Assessed:
    """A look, weighed: what to record for it, and whether its post wants a new capture."""

    post: Mapping[str, Any]
    look: _Look
    record: CheckRecord
    wants_capture: bool


class _Batch:
    """Checks made and not committed yet: committed together (Store.record_checks, one
    transaction) once `size` of them wait, `seconds` after the first of them was added, and at
    `flush` or `close`; `told` hears each check once committed, with what it did (None: its post
    is no longer in the archive). A commit that fails loses its batch (not one check of it was
    committed: their posts stay due) and raises, from add, flush or close.
    """

    def __init__(
        self,
        store: Store,
        told: Callable[[_Assessed, CheckResult | None], None],
        size: int,
        seconds: float,
    ) -> None:
        self.store = store
        self.told = told
        self.size = size
        self.seconds = seconds
        self.waiting: list[_Assessed] = []
        self._timer: asyncio.TimerHandle | None = None
        self._failed: BaseException | None = None  # a timed commit's error, raised at the next call
        self._closed = False

    def add(self, item: _Assessed) -> None:
        self.waiting.append(item)
        if self._closed or len(self.waiting) >= self.size or self._failed is not None:
            self.flush()
        elif self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(self.seconds, self._timed)

    def _timed(self) -> None:
        self._timer = None
        try:
            self.flush()
        except Exception as exc:  # kept for the flow's next add, flush or close to raise
            self._failed = exc

    def flush(self) -> None:
        """Commit every check waiting, now."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        failed, self._failed = self._failed, None
        if failed is not None:
            raise failed
        items, self.waiting = self.waiting, []
        if not items:
            return
        results = self.store.record_checks([item.record for item in items])
        for item, result in zip(items, results, strict=True):
            self.told(item, result)

    def close(self) -> None:
        """Commit what waits; from then on, a check is committed as it is added."""
        self._closed = True
        self.flush()


def _assess(
    settings: Settings,
    post: Mapping[str, Any],
    look: _Look,
    captured: Mapping[int, str | None],
    complete: bool = True,
) -> _Assessed:
    """What to record for one look, and whether the post wants a new capture. `complete`: the
    post has a complete capture (a view check wants one for a post that has none)."""
    now = datetime.now(timezone.utc)
    post_id = int(post["id"])
    digest = look.digest
    detail = look.detail
    if look.data is not None and look.data.fallback and post.get("content_hash") is not None:
        # A thinner source answered this time (YouTube's player refused): the post is live, but
        # its data is not what the full source gave, so it is not compared (no false edit).
        digest = None
        detail = f"content not compared: {look.data.platform} answered from its fallback source"
    changes = (look.outcome not in ("unknown", post["status"])) or (
        digest is not None and post.get("content_hash") not in (None, digest)
    )
    wants_capture = False
    if digest is not None:
        if post_id not in captured or not complete:
            wants_capture = True  # never captured whole: a capture killed midway, say
        elif captured[post_id] is not None:
            wants_capture = captured[post_id] != digest
        else:
            wants_capture = post.get("content_hash") not in (None, digest)
    if look.outcome == "unknown":
        wait = timedelta(seconds=look.retry_after or 0)
        due = now + max(wait, min(interval(post, now, settings), UNKNOWN_RETRY))
    elif wants_capture:
        due = now  # stays due until its new capture is taken
    elif changes:
        due = now + timedelta(hours=settings.recheck_min_hours)  # it just changed: look again soon
    else:
        due = next_check(post, now, settings)
    record = CheckRecord(
        post_id,
        method=look.method,
        outcome=look.outcome,
        http_status=look.http_status,
        detail=detail,
        content_hash=digest,
        next_check_at=due,
        at=now,
    )
    return _Assessed(post, look, record, wants_capture and digest is not None)


def _tell(
    item: _Assessed,
    result: CheckResult | None,
    report: RecheckReport,
    on_event: Callable[[CheckEvent], None] | None,
) -> bool:
    """Count and tell one committed check; whether its post wants a new capture."""
    post, look = item.post, item.look
    if result is None:  # merged into another post since the run began, say: nothing recorded
        log.info("re-check %s %s: no longer in the archive", post["platform"], post["post_id"])
        return False
    report.checked += 1
    report.outcomes[look.outcome] = report.outcomes.get(look.outcome, 0) + 1
    kinds = []
    if result.status_changed and not _first_look_found_live(result.previous_status, result.status):
        kinds.append("status")
    if result.content_changed:
        report.changed += 1
        kinds.append("content")
    for kind in kinds:  # most checks tell nothing: an event is built only when there is one
        at = item.record.at
        event = CheckEvent(
            kind,
            post=item.record.post,
            platform=post["platform"],
            post_id=post["post_id"],
            url=post["url"],
            previous=result.previous_status,
            status=result.status,
            at=at.isoformat(timespec="milliseconds") if isinstance(at, datetime) else str(at),
            detail=look.detail if kind == "status" else None,
            http_status=look.http_status,
        )
        report.events.append(event)
        log.info("%s", event.line())
        if on_event is not None:
            on_event(event)
    if look.outcome == "unknown":
        log.info("re-check %s %s: unknown this time (%s)", post["platform"], post["post_id"], look.detail)
    return item.wants_capture


def _first_look_found_live(previous: str, status: str) -> bool:
    """A post never seen before ("unknown": its capture failed) found live: the timeline records
    it, but it is no change to tell (cron mails what a run says). Found gone, it is one."""
    return previous == "unknown" and status == "live"


def _reschedule_uncheckable(store: Store, settings: Settings, post: Mapping[str, Any]) -> None:
    now = datetime.now(timezone.utc)
    store.set_next_check(int(post["id"]), now + timedelta(days=settings.recheck_max_days))


async def _capture_all(
    store: Store,
    settings: Settings,
    wanted: Sequence[tuple[Mapping[str, Any], PostData | None]],
    capture: Capture,
    past_deadline: Callable[[], bool],
    report: RecheckReport,
) -> None:
    """Take the new captures the checks asked for, settings.concurrency at once per browser
    (each remote endpoint takes that many).

    A post whose capture fails (or never starts) stays due: the next run checks it again and,
    finding its capture still missing, asks once more.
    """
    slots = asyncio.Semaphore(settings.concurrency * max(1, len(settings.browser_endpoints)))

    async def one(post: Mapping[str, Any], data: PostData | None) -> None:
        async with slots:
            if past_deadline():
                report.deferred += 1
                return
            try:
                await capture(post, data)
            except Exception as exc:  # one post's failure never stops the others
                report.capture_failed += 1
                line = f"{post['platform']} {post['post_id']}: capture failed: {_one_line(exc)}"
                report.errors.append(line)  # the caller prints it: logged below -v only
                log.info("%s", line, exc_info=not isinstance(exc, ArchiverError))
                return
        report.captured += 1
        now = datetime.now(timezone.utc)
        fresh = store.get_post(int(post["id"])) or post
        store.set_next_check(int(post["id"]), next_check(fresh, now, settings))

    await asyncio.gather(*(one(post, data) for post, data in wanted))


def due_posts(
    store: Store,
    *,
    now: datetime | None = None,
    older_than: timedelta | None = None,
    limit: int | None = None,
) -> list[PostRow]:
    """The posts a re-check should look at: those due, or (older_than) not checked for that long."""
    now = now or datetime.now(timezone.utc)
    if older_than is not None:
        return store.posts_checked_before(now - older_than, limit=limit)
    return store.posts_due(now, limit=limit)
