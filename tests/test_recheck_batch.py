"""Re-checks commit their checks in batches: what a batch committed stays, whatever happens after;
what it had not committed is lost, and its posts are simply due again; no check is ever recorded
twice. Store.record_checks writes a batch all or none."""

from __future__ import annotations

import asyncio
import copy
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
from clock_support import settle

from archiver.flows import hostgate, recheck
from archiver.models import PostData, content_hash
from archiver.platforms import twitter
from archiver.settings import Settings
from storage import CheckRecord, Store, StoreError

FIXTURES = Path(__file__).resolve().parents[1] / "offline_world" / "fixtures" / "twitter"
FIRST_ID = 1_821_185_274_147_880_000
POSTS = 120  # more than two batches (recheck.BATCH_SIZE is 50)


def answer(tweet_id: str, edited: bool = False) -> dict[str, Any]:
    """The syndication answer for `tweet_id`: a fixture tweet under that id."""
    text = (FIXTURES / "tweet-result-1821185274147889728.json").read_text(encoding="utf-8")
    tweet = copy.deepcopy(json.loads(text))
    tweet["id_str"] = tweet_id
    if edited:
        tweet["text"] += " (edited)"
    return tweet


def seed(store: Store, posts: int = POSTS) -> list[int]:
    """`posts` live tweets, each captured whole with the content the CDN answers."""
    ids = []
    for i in range(posts):
        tweet_id = str(FIRST_ID + i)
        post = store.upsert_post("twitter", tweet_id, twitter.canonical_url(tweet_id), status="live")
        capture = store.start_capture(post=post, tool_version="test")
        digest = content_hash(twitter.normalize(answer(tweet_id)))
        store.finish_capture(capture, "complete", content_hash=digest)
        ids.append(post)
    return ids


class CDN:
    """The syndication CDN as a MockTransport handler: answers the first `answers` requests
    (every one when None), then holds the rest for as long as the test runs."""

    def __init__(self, answers: int | None = None, edited: frozenset[str] = frozenset()) -> None:
        self.answers = answers
        self.edited = edited
        self.answered = 0
        self.hold = asyncio.Event()

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        if self.answers is not None and self.answered >= self.answers:
            await self.hold.wait()
        self.answered += 1
        tweet_id = request.url.params["id"]
        return httpx.Response(200, json=answer(tweet_id, edited=tweet_id in self.edited))


@pytest.fixture
def settings(home: Path) -> Settings:
    # A post checked now is due again in an hour, not at once: what is due tells what was committed.
    return Settings(home=home, host_delay=0.0, fetch_timeout=30.0, recheck_min_hours=1.0)


def due(store: Store) -> list[int]:
    return [int(p["id"]) for p in store.posts_due(datetime.now(timezone.utc))]


def committed(home: Path) -> list[int]:
    """The posts of the checks committed to archive.db, read over a connection of its own."""
    with sqlite3.connect(home / "archive.db") as db:
        return [int(row[0]) for row in db.execute("SELECT post FROM checks ORDER BY id")]


def once_each(home: Path, posts: list[int]) -> None:
    """Every post has exactly one check."""
    assert sorted(committed(home)) == sorted(posts)


def recheck_all(store: Store, settings: Settings, cdn: CDN, **kw: Any) -> recheck.RecheckReport:
    return asyncio.run(
        recheck.recheck_posts(store, settings, store.posts_due(), transport=httpx.MockTransport(cdn), **kw)
    )


# --- Store.record_checks ----------------------------------------------------------------------


def test_record_checks_writes_a_batch_all_or_none(store: Store) -> None:
    a, b, c = seed(store, 3)
    live = [CheckRecord(a, "data", "live"), CheckRecord(b, "data", "deleted"), CheckRecord(c, "data", "live")]
    store.db.execute(
        f"CREATE TEMP TRIGGER fail BEFORE INSERT ON checks WHEN NEW.post = {c} "
        "BEGIN SELECT RAISE(ABORT, 'the disk is full'); END"
    )
    with pytest.raises((sqlite3.Error, StoreError)):
        store.record_checks(live)  # fails at its third check: the first two are rolled back
    assert store.checks_for_post(a) == store.checks_for_post(b) == []
    assert [store.get_post(p)["status"] for p in (a, b)] == ["live", "live"]  # type: ignore[index]
    assert (store.get_post(a) or {}).get("last_checked") is None
    store.db.execute("DROP TRIGGER fail")

    results = store.record_checks(live)
    assert [r.status if r else None for r in results] == ["live", "deleted", "live"]
    assert [len(store.checks_for_post(p)) for p in (a, b, c)] == [1, 1, 1]


def test_record_checks_skips_a_post_no_longer_held_and_record_check_still_refuses_it(store: Store) -> None:
    (a,) = seed(store, 1)
    results = store.record_checks([CheckRecord(a + 1000, "data", "live"), CheckRecord(a, "data", "deleted")])
    assert results[0] is None and results[1] is not None and results[1].status_changed
    with pytest.raises(KeyError):
        store.record_check(a + 1000, method="data", outcome="live")
    with pytest.raises(ValueError):  # a word that is no status: refused before anything is written
        store.record_checks([CheckRecord(a, "data", "live"), CheckRecord(a, "data", "vanished")])
    assert len(store.checks_for_post(a)) == 1


def test_record_checks_records_what_record_check_records(store: Store) -> None:
    a, b = seed(store, 2)
    at = "2025-03-01T12:00:00.000+00:00"
    looks = [
        dict(method="data", outcome="live", content_hash="h2", next_check_at=at, at=at),
        dict(method="data", outcome="unknown", http_status=429, detail="rate limited", at=at),
        dict(method="view", outcome="protected", content_hash=None, next_check_at=at, at=at),
    ]
    for look in looks:
        store.record_check(a, **look)  # type: ignore[arg-type]
    store.record_checks([CheckRecord(b, **look) for look in looks])  # type: ignore[arg-type]
    one, other = store.get_post(a), store.get_post(b)
    assert one is not None and other is not None
    for column in (
        "status",
        "status_since",
        "content_hash",
        "content_since",
        "last_checked",
        "next_check_at",
    ):
        assert one[column] == other[column], column  # type: ignore[literal-required]
    strip = [
        {k: v for k, v in c.items() if k not in ("id", "post")}
        for c in (store.checks_for_post(a), store.checks_for_post(b))
        for c in c
    ]
    assert strip[:3] == strip[3:]


# --- The re-check's batches -------------------------------------------------------------------


def test_a_commit_that_fails_midway_keeps_the_batch_before_it_and_its_posts_are_due_again(
    store: Store, settings: Settings, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(recheck, "BATCH_SECONDS", 600.0)  # only full batches commit
    posts = seed(store, POSTS)
    calls = 0
    lost: list[int] = []
    real = store.record_checks

    def failing(looks: list[CheckRecord]) -> Any:
        nonlocal calls
        calls += 1
        if calls == 2:
            lost.extend(look.post for look in looks)
            raise StoreError("the disk is full")
        return real(looks)

    store.record_checks = failing  # type: ignore[method-assign]
    with pytest.raises(StoreError, match="disk is full"):
        recheck_all(store, settings, CDN())
    kept = committed(home)
    assert len(lost) == recheck.BATCH_SIZE and not set(lost) & set(kept)
    assert len(kept) == len(set(kept)) >= recheck.BATCH_SIZE  # the first batch, and the checks made
    # while the failure stopped the others (committed as the re-check ended)
    assert sorted(due(store)) == sorted(set(posts) - set(kept))  # the lost batch's among them

    store.record_checks = real  # type: ignore[method-assign]
    report = recheck_all(store, settings, CDN())
    assert report.checked == POSTS - len(kept)
    once_each(home, posts)
    assert due(store) == []


def test_a_cancelled_recheck_commits_every_check_it_made(
    store: Store, settings: Settings, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(recheck, "BATCH_SECONDS", 600.0)  # only the size, and the cancel, commit
    posts = seed(store, POSTS)
    cdn = CDN(answers=70)

    async def main() -> None:
        run = asyncio.ensure_future(
            recheck.recheck_posts(store, settings, store.posts_due(), transport=httpx.MockTransport(cdn))
        )
        while cdn.answered < 70:
            await asyncio.sleep(0.01)
        await settle(500)  # each answer read, weighed and added to the batch
        assert len(committed(home)) == recheck.BATCH_SIZE  # the first batch; 20 wait
        run.cancel()
        with pytest.raises(asyncio.CancelledError):
            await run

    asyncio.run(main())
    assert len(committed(home)) == 70  # the 20 waiting were committed as the re-check was cancelled
    report = recheck_all(store, settings, CDN())
    assert report.checked == POSTS - 70
    once_each(home, posts)


def test_checks_wait_at_most_batch_seconds_before_they_are_committed(
    store: Store, settings: Settings, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(recheck, "BATCH_SECONDS", 0.05)
    seed(store, 20)
    cdn = CDN(answers=10)  # the other 10 hang: the run goes on, its batch never fills

    async def main() -> None:
        run = asyncio.ensure_future(
            recheck.recheck_posts(store, settings, store.posts_due(), transport=httpx.MockTransport(cdn))
        )
        limit = time.monotonic() + 20
        while len(committed(home)) < 10 and time.monotonic() < limit:
            await asyncio.sleep(0.02)
        assert not run.done() and len(committed(home)) == 10
        run.cancel()
        with pytest.raises(asyncio.CancelledError):
            await run

    asyncio.run(main())
    assert len(committed(home)) == 10


def test_every_check_is_committed_before_a_capture_and_told_once_committed(
    store: Store, settings: Settings, home: Path
) -> None:
    posts = seed(store, 3)
    edited = str(FIRST_ID + 1)
    seen_at_capture: list[list[int]] = []
    seen_at_event: list[tuple[int, list[int]]] = []

    async def capture(post: Mapping[str, Any], data: PostData | None) -> None:
        seen_at_capture.append(committed(home))

    def on_event(event: recheck.CheckEvent) -> None:
        seen_at_event.append((event.post, committed(home)))

    report = recheck_all(store, settings, CDN(edited=frozenset({edited})), capture=capture, on_event=on_event)
    assert (report.checked, report.changed, report.captured) == (3, 1, 1)
    assert [sorted(seen) for seen in seen_at_capture] == [sorted(posts)]
    ((post, seen),) = seen_at_event
    assert post == posts[1] and post in seen


KILLED = """
import asyncio, sys
from pathlib import Path
sys.path.insert(0, {tests!r})
import httpx
from test_recheck_batch import CDN
from archiver.flows import recheck
from archiver.settings import Settings
from storage import Store

recheck.BATCH_SECONDS = 600.0  # only a full batch commits
home, ready = Path(sys.argv[1]), Path(sys.argv[2])
settings = Settings(home=home, host_delay=0.0, fetch_timeout=600.0, recheck_min_hours=1.0)


class Signalling(CDN):
    async def __call__(self, request):
        if self.answered == self.answers:
            ready.write_text("answered")
        return await super().__call__(request)


async def main():
    with Store.open(home) as store:
        cdn = Signalling(answers=70)
        transport = httpx.MockTransport(cdn)
        await recheck.recheck_posts(store, settings, store.posts_due(), transport=transport)

asyncio.run(main())
"""


def test_a_killed_recheck_keeps_its_committed_batches_and_the_rest_are_due_again(
    store: Store, settings: Settings, home: Path, tmp_path: Path
) -> None:
    posts = seed(store, POSTS)
    ready = tmp_path / "ready"
    script = KILLED.format(tests=str(Path(__file__).parent))
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    child = subprocess.Popen([sys.executable, "-c", script, str(home), str(ready)], env=env)
    try:
        limit = time.monotonic() + 120
        while not ready.exists() and child.poll() is None and time.monotonic() < limit:
            time.sleep(0.05)
        assert ready.exists(), f"the re-check did not get its answers (exit {child.poll()})"
        time.sleep(1.0)  # the last answers read and waiting in the batch (or not: lost either way)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait()
    first = committed(home)
    assert len(first) == len(set(first)) == recheck.BATCH_SIZE  # the batch it committed; 20 lost
    assert sorted(due(store)) == sorted(set(posts) - set(first))
    report = recheck_all(store, settings, CDN())
    assert report.checked == POSTS - recheck.BATCH_SIZE
    once_each(home, posts)


def test_politeness_off_still_bounds_each_host(settings: Settings) -> None:
    """With no delay the gate takes the host's semaphore itself: per_host at once still holds."""
    gate = hostgate.HostGate(2, 0.0)
    inside = 0
    most = 0

    async def one() -> None:
        nonlocal inside, most
        async with gate.scope():
            await gate.before(httpx.Request("GET", "https://cdn.syndication.twimg.com/x"))
            inside += 1
            most = max(most, inside)
            await asyncio.sleep(0)
            inside -= 1
            await gate.after(
                httpx.Response(200, request=httpx.Request("GET", "https://cdn.syndication.twimg.com/x"))
            )

    async def main() -> None:
        await asyncio.gather(*(one() for _ in range(6)))

    asyncio.run(main())
    assert most == 2
