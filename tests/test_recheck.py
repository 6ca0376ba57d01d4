"""Re-checks through the offline world: statuses from what the platform says, changes, rate limits."""

from __future__ import annotations

import asyncio
import copy
import json
import logging
import time
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from clock_support import FakeClock, settle

from archiver.cli import cli
from archiver.flows import hostgate, recheck
from archiver.models import SAYS_NOTHING, PostData, content_hash
from archiver.platforms import twitter
from archiver.settings import Settings
from offline_world import OfflineWorld, Response
from storage import Store

AGGREGATE = "1821185274147889728"
NEXTA = "1821209936655409728"
NOW = datetime(2025, 3, 1, 12, 0, tzinfo=timezone.utc)


class FakeCapture:
    """Stands for the pipeline's full capture: keeps the data it was given as a new capture."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.calls: list[str] = []

    async def __call__(self, post: Mapping[str, Any], data: PostData) -> None:
        self.calls.append(post["post_id"])
        capture = self.store.start_capture(post=int(post["id"]), tool_version="test")
        body = json.dumps(data.normalized(), sort_keys=True).encode()
        self.store.finish_capture(
            capture,
            "complete",
            content_hash=content_hash(data),
            artifacts=[("metadata", body, "application/json", None)],
        )


def held_post(store: Store, world: OfflineWorld, tweet_id: str) -> int:
    """A tweet as the pipeline leaves it: live, captured once, its content hash recorded."""
    post = store.upsert_post("twitter", tweet_id, twitter.canonical_url(tweet_id), status="live")
    data = twitter.normalize(world.twitter.tweets[tweet_id])
    asyncio.run(FakeCapture(store)(store.get_post(post) or {}, data))
    return post


def run(store: Store, settings: Settings, world: OfflineWorld, **kw: Any) -> recheck.RecheckReport:
    posts = kw.pop("posts", None)
    if posts is None:
        posts = store.posts_due(datetime.now(timezone.utc) + timedelta(days=400))
    return asyncio.run(recheck.recheck_posts(store, settings, posts, transport=world.transport(), **kw))


def test_an_unchanged_post_costs_one_request_and_no_capture(
    store: Store, settings: Settings, world: OfflineWorld
) -> None:
    post = held_post(store, world, AGGREGATE)
    capture = FakeCapture(store)
    report = run(store, settings, world, capture=capture)
    assert (report.checked, report.outcomes, report.changed, report.events) == (1, {"live": 1}, 0, [])
    assert capture.calls == []
    assert world.count("/tweet-result", client="http") == 1
    checks = store.checks_for_post(post)
    assert [(c["method"], c["outcome"], c["changed"]) for c in checks] == [("data", "live", 0)]
    row = store.get_post(post)  # captured just now: fresh, so due again next run
    assert row is not None
    checked = datetime.fromisoformat(row["last_checked"])
    gap = datetime.fromisoformat(row["next_check_at"]) - checked
    # A quarter (recheck_backoff) of the time it has been the same, at most since first seen
    # (times are stored to the millisecond).
    stable = checked - datetime.fromisoformat(row["first_seen"])
    assert timedelta(0) <= gap <= stable * settings.recheck_backoff + timedelta(milliseconds=2)


def test_a_tweet_that_becomes_a_tombstone_is_deleted_and_its_capture_still_verifies(
    store: Store, settings: Settings, world: OfflineWorld, home: Path
) -> None:
    post = held_post(store, world, AGGREGATE)
    assert run(store, settings, world).outcomes == {"live": 1}
    world.twitter.tombstone(AGGREGATE)
    events: list[recheck.CheckEvent] = []
    report = run(store, settings, world, on_event=events.append)
    assert report.outcomes == {"deleted": 1}
    assert [(e.kind, e.previous, e.status) for e in events] == [("status", "live", "deleted")]
    assert "deleted by the Post author" in (events[0].detail or "")
    assert report.events == events
    row = store.get_post(post)
    assert row is not None and row["status"] == "deleted"
    assert [p["id"] for p in store.list_posts(status="deleted", since=NOW)] == [post]
    (capture,) = store.captures_for_post(post)
    assert capture["status"] == "complete"
    assert store.verify().ok
    result = CliRunner().invoke(cli, ["verify", "--home", str(home)])
    assert result.exit_code == 0, result.output


def test_an_edited_post_gets_a_second_version_and_both_remain(
    store: Store, settings: Settings, world: OfflineWorld
) -> None:
    post = held_post(store, world, NEXTA)
    edited = copy.deepcopy(world.twitter.tweets[NEXTA])
    edited["text"] = edited["text"] + " [edited]"
    world.twitter.add_tweet(edited)
    capture = FakeCapture(store)
    report = run(store, settings, world, capture=capture)
    assert (report.changed, report.captured, capture.calls) == (1, 1, [NEXTA])
    assert [e.kind for e in report.events] == ["content"]
    first, second = store.captures_for_post(post)
    assert first["content_hash"] != second["content_hash"]
    texts = [
        json.loads(Path(a["path"]).read_bytes())["text"]
        for c in (first, second)
        for a in store.artifacts_for_capture(c["id"])
    ]
    assert texts[1] == texts[0] + " [edited]"
    assert [c["changed"] for c in store.checks_for_post(post)] == [1]
    assert [p["id"] for p in store.changed_posts(since=NOW)] == [post]
    # The next look finds the new version already kept.
    assert run(store, settings, world, capture=capture).changed == 0
    assert capture.calls == [NEXTA]


def test_an_account_that_gets_suspended(store: Store, settings: Settings, world: OfflineWorld) -> None:
    post = held_post(store, world, AGGREGATE)
    world.twitter.tombstone(AGGREGATE, "This Post is from a suspended account. Learn more")
    report = run(store, settings, world)
    assert [(e.previous, e.status) for e in report.events] == [("live", "suspended")]
    assert store.status_counts() == {"suspended": 1}
    assert status_of(store, post) == "suspended"


def test_a_missing_tweet_and_an_empty_answer_are_what_the_platform_says(
    store: Store, settings: Settings, world: OfflineWorld
) -> None:
    gone = held_post(store, world, AGGREGATE)
    empty = held_post(store, world, NEXTA)
    world.twitter.remove(AGGREGATE)
    world.twitter.empty(NEXTA)
    run(store, settings, world)
    assert status_of(store, gone) == "deleted"
    assert status_of(store, empty) == "unavailable"
    assert store.checks_for_post(gone)[-1]["http_status"] == 404


def test_a_rate_limited_check_stays_unknown_and_is_retried_later(
    store: Store, settings: Settings, world: OfflineWorld
) -> None:
    first = held_post(store, world, AGGREGATE)
    second = held_post(store, world, NEXTA)
    url = twitter.data_url(AGGREGATE)
    world.add(url, Response.make("slow down", "text/plain", 429, retry_after="120"))
    report = run(store, settings, world, posts=[store.get_post(first)])
    assert report.outcomes == {"unknown": 1} and report.events == []
    (check,) = store.checks_for_post(first)
    assert (check["outcome"], check["http_status"]) == ("unknown", 429)
    assert "rate limited" in check["detail"] and "120s" in check["detail"]
    row = store.get_post(first)
    assert row is not None and row["status"] == "live"  # never "deleted" for a 429
    checked, due = (datetime.fromisoformat(row[name]) for name in ("last_checked", "next_check_at"))
    assert checked + timedelta(seconds=120) <= due <= checked + timedelta(hours=1)  # not before Retry-After
    assert first not in [p["id"] for p in store.posts_due(checked + timedelta(seconds=119))]

    # While the host is closed, the other posts on it are left due, not recorded.
    world.add(url, Response.make("slow down", "text/plain", 429, retry_after="120"))
    one_at_a_time = replace(settings, per_host=1)
    report = run(store, one_at_a_time, world, posts=[store.get_post(first), store.get_post(second)])
    assert (report.checked, report.deferred) == (1, 1)
    assert store.checks_for_post(second) == []

    # Later, the platform answers again: the post is checked and stays what it was.
    world.add(url, lambda request: None)  # back to the fixture
    report = run(store, settings, world, posts=[store.get_post(first)])
    assert report.outcomes == {"live": 1}
    assert [c["outcome"] for c in store.checks_for_post(first)][-1] == "live"


def test_network_errors_and_5xx_are_unknown_never_deleted(
    store: Store, settings: Settings, world: OfflineWorld
) -> None:
    post = held_post(store, world, AGGREGATE)
    world.disconnect(twitter.data_url(AGGREGATE))
    report = run(store, settings, world)
    assert report.outcomes == {"unknown": 1}
    assert "ConnectError" in store.checks_for_post(post)[-1]["detail"]
    world.add(twitter.data_url(AGGREGATE), Response.make("oops", "text/plain", 502))
    time.sleep(1.1)  # the connection failure closed the host for a second
    report = run(store, settings, world)
    assert report.outcomes == {"unknown": 1}
    assert store.checks_for_post(post)[-1]["http_status"] == 502
    assert status_of(store, post) == "live"


def test_an_answer_that_breaks_the_reader_is_unknown_and_the_others_go_on(
    store: Store, settings: Settings, world: OfflineWorld
) -> None:
    broken = held_post(store, world, AGGREGATE)
    fine = held_post(store, world, NEXTA)
    # JSON the normalizer cannot take (a list where an object is due): a reading bug, not a status.
    world.add(twitter.data_url(AGGREGATE), Response.json({"id_str": "1", "mediaDetails": "oops"}))
    report = run(store, settings, world)
    assert report.outcomes == {"unknown": 1, "live": 1}
    assert "error reading the answer" in store.checks_for_post(broken)[-1]["detail"]
    assert status_of(store, broken) == "live"
    assert store.checks_for_post(fine)[-1]["outcome"] == "live"


def test_an_answer_that_says_nothing_of_the_post_is_unknown_not_a_change(
    store: Store, settings: Settings, world: OfflineWorld
) -> None:
    # The platform changed its format (or answered empty): none of the post's text, date, author
    # or media is read. That is no word on the post: not "live" with an empty record, and no
    # new capture of nothing.
    post = held_post(store, world, AGGREGATE)
    world.add(twitter.data_url(AGGREGATE), Response.json({"id_str": AGGREGATE, "__typename": "TweetV9"}))
    capture = FakeCapture(store)
    report = run(store, settings, world, capture=capture)
    assert report.outcomes == {"unknown": 1} and capture.calls == []
    assert store.checks_for_post(post)[-1]["detail"] == SAYS_NOTHING
    assert status_of(store, post) == "live"


def test_an_answer_too_large_to_read_is_unknown_and_the_others_go_on(
    store: Store, settings: Settings, world: OfflineWorld
) -> None:
    # A data endpoint answering with megabytes (a stranger's instance, a misrouted video): the
    # client stops at its cap, the check says why, and the post keeps its status.
    big = held_post(store, world, AGGREGATE)
    fine = held_post(store, world, NEXTA)
    world.add(twitter.data_url(AGGREGATE), Response.make("x" * 300_000, "application/json", 200))
    report = run(store, replace(settings, max_article_bytes=100_000), world)
    assert report.outcomes == {"unknown": 1, "live": 1}
    assert "AnswerTooLarge: answer larger than" in store.checks_for_post(big)[-1]["detail"]
    assert status_of(store, big) == "live" and store.checks_for_post(fine)[-1]["outcome"] == "live"


def test_a_post_whose_capture_never_finished_is_captured_even_unchanged(
    store: Store, settings: Settings, world: OfflineWorld
) -> None:
    post = store.upsert_post("twitter", AGGREGATE, twitter.canonical_url(AGGREGATE), status="live")
    store.start_capture(post=post, tool_version="test")  # killed midway: still "running"
    store.close_unfinished_captures()
    capture = FakeCapture(store)
    report = run(store, settings, world, capture=capture)
    assert (report.changed, capture.calls) == (0, [AGGREGATE])
    row = store.get_post(post)
    assert row is not None and row["next_check_at"] > row["last_checked"]


def test_a_failed_capture_leaves_the_post_due(
    store: Store, settings: Settings, world: OfflineWorld, caplog: pytest.LogCaptureFixture
) -> None:
    post = store.upsert_post("twitter", AGGREGATE, twitter.canonical_url(AGGREGATE), status="live")

    async def broken(post: Mapping[str, Any], data: PostData) -> None:
        raise RuntimeError("browser fell over")

    report = run(store, settings, world, capture=broken)
    assert (report.captured, report.capture_failed) == (0, 1)
    assert "browser fell over" in report.errors[0]
    assert post in [p["id"] for p in store.posts_due(datetime.now(timezone.utc) + timedelta(seconds=1))]
    # The caller prints report.errors: a log line at warning or above would say it twice in cron mail.
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_a_first_look_that_finds_a_post_live_is_no_change_but_one_that_finds_it_gone_is(
    store: Store, settings: Settings, world: OfflineWorld
) -> None:
    # Posts whose capture failed when their article was archived: status still "unknown".
    found_live = store.upsert_post("twitter", AGGREGATE, twitter.canonical_url(AGGREGATE))
    found_gone = store.upsert_post("twitter", NEXTA, twitter.canonical_url(NEXTA))
    world.twitter.tombstone(NEXTA)
    heard: list[recheck.CheckEvent] = []
    report = run(store, settings, world, capture=FakeCapture(store), on_event=heard.append)
    assert [(e.post_id, e.previous, e.status) for e in heard] == [(NEXTA, "unknown", "deleted")]
    assert report.events == heard and report.captured == 1
    assert status_of(store, found_live) == "live"
    assert "status_change" in [e["event"] for e in store.timeline(found_live)]  # the history has it
    assert status_of(store, found_gone) == "deleted"


def test_posts_without_a_data_endpoint_are_skipped_until_the_longest_interval(
    store: Store, settings: Settings, world: OfflineWorld
) -> None:
    # A platform the registry does not know stands for one without a data endpoint.
    video = store.upsert_post("geocities", "12345", "https://geocities.example/12345")
    flat = store.upsert_post("twitter", "unresolved:pic.twitter.com/abc", "https://pic.twitter.com/abc")
    report = run(store, settings, world)
    assert (report.skipped, report.checked) == (2, 0)
    assert world.requests == []
    for post in (video, flat):
        row = store.get_post(post)
        assert row is not None
        due = datetime.fromisoformat(row["next_check_at"])
        assert due > datetime.now(timezone.utc) + timedelta(days=6)


def test_a_deadline_already_past_leaves_everything_due(
    store: Store, settings: Settings, world: OfflineWorld
) -> None:
    held_post(store, world, AGGREGATE)
    report = run(store, settings, world, deadline=time.monotonic() - 1)
    assert (report.checked, report.deferred) == (0, 1)
    assert world.requests == []


def test_due_dates_back_off_with_stability() -> None:
    settings = Settings()

    def due_in(stable_for: timedelta) -> timedelta:
        since = (NOW - stable_for).isoformat()
        return recheck.interval({"first_seen": since, "status_since": since}, NOW, settings)

    assert due_in(timedelta(0)) == timedelta(0)  # fresh: every run
    assert due_in(timedelta(days=4)) == timedelta(days=1)
    assert due_in(timedelta(days=400)) == timedelta(days=7)
    # A recent change counts, however old the post.
    post = {
        "first_seen": "2020-01-01T00:00:00+00:00",
        "content_since": (NOW - timedelta(hours=8)).isoformat(),
    }
    assert recheck.interval(post, NOW, settings) == timedelta(hours=2)
    floor = Settings(recheck_min_hours=6)
    assert recheck.interval({"first_seen": NOW.isoformat()}, NOW, floor) == timedelta(hours=6)


def test_retry_after_reads_seconds_and_dates() -> None:
    request = httpx.Request("GET", "https://example.com/")
    assert hostgate.retry_after(httpx.Response(429, headers={"retry-after": "30"}, request=request)) == 30
    date = httpx.Response(429, headers={"retry-after": "Sat, 01 Mar 2025 12:01:00 GMT"}, request=request)
    assert hostgate.retry_after(date, now=NOW.timestamp()) == 60
    assert hostgate.retry_after(httpx.Response(429, request=request)) is None


def test_the_gate_keeps_per_host_limits_and_delays() -> None:
    clock = FakeClock()
    in_flight: dict[str, int] = {}
    starts: list[float] = []  # on the clock, of the slow host's requests
    release = asyncio.Event()

    async def handler(request: httpx.Request) -> httpx.Response:
        host = request.url.host
        if host == "slow.example":
            starts.append(clock())
        in_flight[host] = in_flight.get(host, 0) + 1
        await release.wait()
        if host == "slow.example":
            await clock.sleep(0.05)  # each answer takes 0.05 s
        in_flight[host] -= 1
        return httpx.Response(200)

    async def requests(gate: hostgate.HostGate, urls: list[str]) -> dict[str, int]:
        """All of `urls` at once through `gate`: how many were in flight while the answers were held."""
        release.clear()
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            gate.install(client)

            async def get(url: str) -> None:
                async with gate.scope():
                    await client.get(url)

            sent = asyncio.gather(*(get(url) for url in urls))
            await settle()
            held = {host: n for host, n in in_flight.items() if n}
            release.set()
            await sent
            return held

    slow = hostgate.HostGate(per_host=1, delay=0.1, clock=clock, sleep=clock.sleep)

    async def main() -> list[dict[str, int]]:
        gate = hostgate.HostGate(per_host=2, delay=0.0)
        return [
            await requests(gate, [f"https://a.example/{i}" for i in range(8)]),
            await requests(slow, [f"https://slow.example/{i}" for i in range(3)]),
        ]

    assert asyncio.run(main()) == [{"a.example": 2}, {"slow.example": 1}]
    # 0.1 s between starts, though one at a time alone would give 0.05 s (each answer's time).
    assert starts == pytest.approx([100.0, 100.1, 100.2])


def test_a_429_closes_its_host_and_a_long_wait_is_refused() -> None:
    async def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(429, headers={"retry-after": "600"})

    async def main() -> None:
        gate = hostgate.HostGate(per_host=2, delay=0.0)
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            gate.install(client)
            async with gate.scope():
                assert (await client.get("https://limited.example/")).status_code == 429
            assert gate.closed_for("limited.example") > 590
            with pytest.raises(hostgate.HostClosed):
                async with gate.scope():
                    await client.get("https://limited.example/again")
            assert gate.closed_for("other.example") == 0

    asyncio.run(main())


def status_of(store: Store, post: int) -> str:
    """The post's status; the post must be there."""
    row = store.get_post(post)
    assert row is not None
    return row["status"]


def test_a_fallback_source_confirms_the_post_live_without_a_false_edit(
    store: Store, settings: Settings, world: OfflineWorld
) -> None:
    """YouTube's player answered when the video was captured; this time it refuses (a bot
    check) and oEmbed alone answers. That thinner data differs from the held hash, but it is no
    edit: the check records the post live, compares no content, and takes no capture."""
    from archiver.platforms import youtube

    video = "dQw4w9WgXcQ"
    post = store.upsert_post("youtube", video, youtube.canonical_url(video), status="live")

    async def fetch() -> PostData:
        async with httpx.AsyncClient(transport=world.transport()) as client:
            return await youtube.fetch_data(client, video)

    full = asyncio.run(fetch())
    assert not full.fallback
    asyncio.run(FakeCapture(store)(store.get_post(post) or {}, full))

    def refuse(request: Any) -> Any:
        from offline_world import Response

        return Response.make(b"", "text/plain", status=503)

    world.add("https://www.youtube.com/youtubei/v1/player", refuse)
    capture = FakeCapture(store)
    report = run(store, settings, world, capture=capture)

    assert (report.outcomes, report.changed, report.events, capture.calls) == ({"live": 1}, 0, [], [])
    [check] = store.checks_for_post(post)
    assert (check["outcome"], check["content_hash"], check["changed"]) == ("live", None, 0)
    assert "fallback source" in (check["detail"] or "")
    assert store.get_post(post)["content_hash"] == content_hash(full)  # type: ignore[index]
