"""Re-checks through the embed view, for platforms without a data endpoint: what the view says
(a gone state the platform declares, the post, or nothing), a new capture only when the post's
text changed, a bounded number per run, and a view that hangs costing nothing held.

The platform is one declared here ("slate": an embed view, no data endpoint), registered for
the test and stood in for by the offline world, so nothing waits on the real platforms' modules.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from dataclasses import fields, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
from platforms_support import register
from test_run import Lines

from archiver import platforms as registry
from archiver.capture.capturer import Capturer
from archiver.capture.viewstate import ViewCheck, fingerprint, normalized
from archiver.errors import MissingCredential
from archiver.flows import recheck
from archiver.flows import run as cron
from archiver.flows.archive import HeldPost, capture_post
from archiver.flows.history import status_lines
from archiver.models import PostData
from archiver.platforms.base import Platform, StandIn, ViewState
from archiver.settings import Settings
from offline_world import OfflineWorld
from storage import Store

POST = "abcd12"
OTHER = "efgh34"

SLATE = Platform(
    name="slate",
    url_patterns=(r"//(?:www\.)?slate\.example/p/(?P<id>[a-z0-9]{4,12})(?![a-z0-9])",),
    canonical_url=lambda post_id: f"https://slate.example/p/{post_id}",
    embed_url=lambda post_id: f"https://embed.slate.example/p/{post_id}",
    render_selector="div.slate-card",
    view_states=(
        ViewState("deleted", "div.slate-gone", r"isn.t available", "the post was removed"),
        ViewState("protected", "div.slate-gone", r"\bprivate\b", "only its author's followers see it"),
    ),
    examples=(("https://slate.example/p/abcd12", "abcd12"),),
    stand_in=StandIn(
        tag="div",
        classes="slate-card",
        # A live post carries the gone box hidden, as some real views do: it must not count.
        extra='<div class="slate-gone" style="display:none">This post isn\'t available</div>'
        '<button>12 likes</button><time datetime="2025-03-01">3h</time>',
        gone={
            "deleted": '<div class="slate-gone">This post isn&#39;t available.</div>',
            "protected": '<div class="slate-gone">This account is private.</div>',
        },
    ),
)


@pytest.fixture
def slate(monkeypatch: pytest.MonkeyPatch) -> Platform:
    register(monkeypatch, SLATE)
    return SLATE


def _with(settings: Settings, **changes: Any) -> Settings:
    return replace(settings, **changes)


def _fields(platform: Platform) -> dict[str, Any]:
    return {f.name: getattr(platform, f.name) for f in fields(platform) if f.init}


def held(store: Store, post_id: str = POST, platform: Platform = SLATE) -> int:
    return store.upsert_post(platform.name, post_id, platform.canonical_url(post_id), status="live")


def status_of(store: Store, post: int) -> str:
    row = store.get_post(post)
    assert row is not None
    return row["status"]


def everything_due(store: Store) -> list[Any]:
    return store.posts_due(datetime.now(timezone.utc) + timedelta(days=400))


# --- Without a browser ----------------------------------------------------------------------


def test_the_fingerprint_leaves_counts_and_ages_out_but_not_an_edit() -> None:
    text = "Shelling reported near the station this morning; 10 killed, dozens wounded, says the mayor."
    seen = [text, "1,234 likes", "3h", "View all 56 comments", "Follow"]
    later = [text.replace("  ", " "), "1.3K likes", "1d", "View all 57 comments", "Follow"]
    assert fingerprint(seen) == fingerprint(later)
    assert fingerprint(["  Ａ  post\u00a0 "]) == fingerprint(["A post"])  # NFKC, spaces
    edited = [text.replace("10 killed", "12 killed"), *seen[1:]]
    assert fingerprint(edited) != fingerprint(seen)  # a figure in the post's own text counts
    assert fingerprint([text + " Update: the road is closed.", *seen[1:]]) != fingerprint(seen)
    assert normalized(["View all 56 comments", "12 000 views"]) == ["View all # comments", "# # views"]


def test_how_each_platform_is_re_checked(slate: Platform) -> None:
    assert recheck.how_checked("twitter").method == recheck.METHOD
    assert recheck.how_checked("slate") == recheck.HowChecked(recheck.VIEW_METHOD, "browser: its embed view")
    unknown = recheck.how_checked("geocities")
    assert unknown.method is None and "does not know" in unknown.how
    assert not recheck.checkable({"platform": "slate", "post_id": "unresolved:slate.example/x"})


def test_the_world_draws_the_gone_state_the_platform_declares(slate: Platform) -> None:
    world = OfflineWorld()  # made after the registration
    assert set(world.data.statuses("slate")) == {"deleted", "protected"}
    with httpx.Client(transport=world.transport()) as client:
        live = client.get(slate.view_url(POST)).text
        assert '"goneMarkup": null' in live and "slate-card" in live
        world.data.gone("slate", POST, "protected")
        gone = client.get(slate.view_url(POST)).text
        assert '"gone": "protected"' in gone and "This account is private." in gone
        world.data.edit("slate", POST, text="Now with a correction.")
        world.data.live("slate", POST)
        assert client.get(slate.view_url(POST)).text == live


class FakeViews:
    """Stands for the browser: answers each post's look from `seen` (live and unchanged by default)."""

    def __init__(self, seen: Mapping[str, ViewCheck | Exception] | None = None) -> None:
        self.seen = dict(seen or {})
        self.asked: list[str] = []

    async def __call__(self, platform: Platform, post_id: str) -> ViewCheck:
        self.asked.append(post_id)
        answer = self.seen.get(post_id, ViewCheck(rendered=True, fingerprint="f" * 64))
        if isinstance(answer, Exception):
            raise answer
        return answer


class Captures:
    def __init__(self) -> None:
        self.taken: list[tuple[str, PostData | None]] = []

    async def __call__(self, post: Mapping[str, Any], data: PostData | None) -> None:
        self.taken.append((post["post_id"], data))


def run(
    store: Store, settings: Settings, views: Any, capture: Any = None, **kw: Any
) -> recheck.RecheckReport:
    posts = kw.pop("posts", None) or everything_due(store)
    return asyncio.run(
        recheck.recheck_posts(
            store, settings, posts, transport=httpx.MockTransport(lambda r: httpx.Response(500)),
            capture=capture, view_check=views, **kw,
        )
    )  # fmt: skip


def test_view_checks_are_bounded_per_run_and_the_rest_stay_due(
    slate: Platform, store: Store, settings: Settings
) -> None:
    posts = [held(store, f"post{n:02d}") for n in range(5)]
    views = FakeViews()
    report = run(store, _with(settings, view_checks_per_run=2), views)
    assert (report.checked, report.view_checks, report.deferred, report.skipped) == (2, 2, 3, 0)
    assert views.asked == ["post00", "post01"]  # the soonest due first
    rows = [store.get_post(p) or {} for p in posts]
    assert [row["next_check_at"] is None for row in rows] == [False, False, True, True, True]
    assert all(store.checks_for_post(p) == [] for p in posts[2:])  # not looked at: nothing recorded
    [check] = store.checks_for_post(posts[0])
    assert (check["method"], check["outcome"]) == ("view", "live")

    late = FakeViews()
    past = run(store, settings, late, deadline=time.monotonic() - 1)
    assert (past.checked, past.deferred, late.asked) == (0, 5, [])  # the deadline came: all left due

    off = run(store, _with(settings, view_checks_per_run=0), FakeViews())
    assert (off.checked, off.skipped, off.deferred) == (0, 5, 0)  # turned off: skipped, not pending


def test_what_a_view_says_sets_the_status_only_from_a_declared_state(
    slate: Platform, store: Store, settings: Settings
) -> None:
    gone, hung, blank, broken = (held(store, f"post{n:02d}") for n in range(4))
    views = FakeViews(
        {
            "post00": ViewCheck(state=SLATE.view_states[0], http_status=200),
            "post01": ViewCheck(error="loading the view: timed out after 3s"),
            "post02": ViewCheck(rendered=False),  # neither the post nor a gone state
            "post03": RuntimeError("a bug in one look"),
        }
    )
    capture = Captures()
    report = run(store, settings, views, capture)
    assert report.outcomes == {"deleted": 1, "unknown": 3}
    assert [status_of(store, p) for p in (gone, hung, blank, broken)] == ["deleted", "live", "live", "live"]
    [event] = report.events
    assert (event.post, event.previous, event.status) == (gone, "live", "deleted")
    assert event.detail == "embed view: the post was removed"
    assert capture.taken == []  # a gone post is no new content
    assert store.checks_for_post(hung)[0]["detail"] == "loading the view: timed out after 3s"
    row = store.get_post(hung)
    assert row is not None and row["next_check_at"] is not None
    due = datetime.fromisoformat(row["next_check_at"])
    assert due <= datetime.now(timezone.utc) + recheck.UNKNOWN_RETRY  # unknown: looked at again soon


def test_a_new_capture_only_when_the_text_changed_or_none_was_complete(
    slate: Platform, store: Store, settings: Settings
) -> None:
    post = held(store)
    capture = Captures()
    first = run(store, settings, FakeViews({POST: ViewCheck(rendered=True, fingerprint="a" * 64)}), capture)
    assert capture.taken == [(POST, None)]  # never captured complete: it gets one
    assert (first.captured, first.changed) == (1, 0)
    kept = store.start_capture(post=post, tool_version="test")
    store.finish_capture(kept, "complete", content_hash="a" * 64)

    same = run(store, settings, FakeViews({POST: ViewCheck(rendered=True, fingerprint="a" * 64)}), capture)
    assert (same.checked, same.captured, same.events) == (1, 0, [])
    edited = run(store, settings, FakeViews({POST: ViewCheck(rendered=True, fingerprint="b" * 64)}), capture)
    assert (edited.changed, edited.captured) == (1, 1)
    assert [e.kind for e in edited.events] == ["content"]
    assert capture.taken == [(POST, None), (POST, None)]


def test_a_data_endpoint_that_wants_a_credential_is_read_through_the_view(
    monkeypatch: pytest.MonkeyPatch, store: Store, settings: Settings
) -> None:
    async def wants_a_token(client: httpx.AsyncClient, post_id: str) -> PostData:
        raise MissingCredential("slate's API needs slate_token, which is not set")

    tokened = Platform(**{**_fields(SLATE), "name": "tokened", "fetch_data": wants_a_token})
    register(monkeypatch, tokened)
    post = held(store, POST, tokened)
    report = run(store, settings, FakeViews({POST: ViewCheck(state=SLATE.view_states[1])}))
    assert (report.view_checks, report.outcomes) == (1, {"protected": 1})
    assert [c["method"] for c in store.checks_for_post(post)] == ["view"]

    without = run(store, settings, None)
    assert without.outcomes == {"unknown": 1}  # no browser offered: it stays unknown


def test_status_tells_per_platform_how_its_posts_are_re_checked(slate: Platform, store: Store) -> None:
    held(store)
    store.upsert_post("twitter", "1821185274147889728", "https://x.com/a/status/1821185274147889728")
    store.upsert_post("twitter", "unresolved:pic.twitter.com/abc", "https://pic.twitter.com/abc")
    store.upsert_post("geocities", "12345", "https://geocities.example/12345")
    lines = status_lines(store, view_checks_per_run=20)
    table = {line.split()[0]: line for line in lines if line.startswith("          ") and line.split()}
    assert table["slate"].split()[1:3] == ["1", "1"]
    assert "browser: its embed view, at most 20 a run" in table["slate"]
    assert table["twitter"].split()[1:3] == ["2", "1"]
    assert "HTTP: its data endpoint; 1 unresolved (no id: not checkable)" in table["twitter"]
    assert table["geocities"].split()[1:3] == ["1", "-"]
    assert "not checkable: a platform this version does not know" in table["geocities"]
    assert "due       2 re-check(s) now" in lines  # the slate post and the resolved tweet


# --- In the browser ---------------------------------------------------------------------------


def browser_settings(home: Path, browser_path: str, **changes: Any) -> Settings:
    base = Settings(home=home, browser=browser_path, page_timeout=4, capture_timeout=20, host_delay=0)
    return _with(base, **changes)


@pytest.mark.browser
def test_the_browser_re_check_reads_the_view_and_captures_only_a_change(
    slate: Platform, store: Store, home: Path, browser_path: str
) -> None:
    world = OfflineWorld(hang_seconds=30)
    settings = browser_settings(home, browser_path)
    post, hanging = held(store, POST), held(store, OTHER)
    world.hang(slate.view_url(OTHER))

    async def scenario() -> dict[str, Any]:
        seen: dict[str, Any] = {}
        async with (
            httpx.AsyncClient(transport=world.transport()) as client,
            Capturer(settings, client, install_routes=world.install, spool_dir=home) as capturer,
        ):
            captured: list[str] = []

            async def capture(row: Mapping[str, Any], data: PostData | None) -> None:
                captured.append(row["post_id"])
                fresh = store.get_post(int(row["id"])) or row
                result = await capture_post(store, capturer, HeldPost.of(fresh))
                assert result.status == "live", result.error

            async def recheck_now(posts: list[Any]) -> recheck.RecheckReport:
                return await recheck.recheck_posts(
                    store, settings, posts, transport=world.transport(), capture=capture,
                    view_check=capturer.check_view,
                )  # fmt: skip

            seen["first"] = await recheck_now(everything_due(store))
            seen["first_captured"] = list(captured)
            seen["same"] = await recheck_now([store.get_post(post)])
            world.data.edit("slate", POST, text="A correction: the bridge still stands.")
            seen["edited"] = await recheck_now([store.get_post(post)])
            world.data.gone("slate", POST, "deleted")
            seen["gone"] = await recheck_now([store.get_post(post)])
            seen["gone_capture"] = await capturer.capture_post(slate, POST)
            seen["captured"] = captured
        return seen

    seen = asyncio.run(scenario())
    first = seen["first"]
    assert (first.view_checks, first.outcomes) == (2, {"live": 1, "unknown": 1})
    assert seen["first_captured"] == [POST]  # never captured: it gets its first capture
    [hung] = store.checks_for_post(hanging)
    assert (hung["method"], hung["outcome"]) == ("view", "unknown") and "timed out" in hung["detail"]
    assert status_of(store, hanging) == "live" and store.captures_for_post(hanging) == []

    same = seen["same"]
    assert (same.outcomes, same.captured, same.changed) == ({"live": 1}, 0, 0)  # reloaded: same text
    edited = seen["edited"]
    assert (edited.outcomes, edited.changed, edited.captured) == ({"live": 1}, 1, 1)
    assert seen["captured"] == [POST, POST]
    captures = store.captures_for_post(post)
    assert [c["status"] for c in captures] == ["complete", "complete"]
    assert captures[0]["content_hash"] != captures[1]["content_hash"]  # the view's text, hashed

    gone = seen["gone"]
    assert (gone.outcomes, gone.captured) == ({"deleted": 1}, 0)
    assert [e.line() for e in gone.events] == [
        "slate abcd12: live -> deleted (embed view: the post was removed)"
    ]
    assert status_of(store, post) == "deleted"
    methods = [(c["method"], c["outcome"]) for c in store.checks_for_post(post)]
    assert methods[-1] == ("view", "deleted") and ("view", "live") in methods

    # A capture of the gone post: the data gave no word (there is none), the view did; its
    # screenshot of what the platform shows instead is the whole record of that.
    shot = seen["gone_capture"]
    assert (shot.status, shot.post_status, shot.outcome) == ("deleted", "deleted", "complete"), shot.missing
    assert shot.artifact("screenshot") is not None and shot.content_hash is None
    assert shot.said == "embed view: the post was removed"  # the capture's check says why


@pytest.mark.browser
def test_the_scheduled_run_re_checks_in_the_browser_what_has_no_data_endpoint(
    slate: Platform, home: Path, browser_path: str
) -> None:
    world = OfflineWorld()
    settings = browser_settings(home, browser_path)
    with Store.open(home) as store:
        post = held(store)
        store.upsert_post("twitter", "1821185274147889728", "https://x.com/a/status/1821185274147889728")
    world.data.gone("slate", POST, "protected")
    lines = Lines()
    report = asyncio.run(cron.scheduled_run(settings, cron.RunOptions(), world.network(), lines))
    assert report.outcome == "complete", report.errors
    assert report.recheck is not None
    assert (report.recheck.checked, report.recheck.view_checks) == (2, 1)
    assert "slate abcd12: live -> protected (embed view: only its author's followers see it)" in lines.changes
    assert world.count("/tweet-result", client="http") >= 1  # the tweet over HTTP, as before
    with Store.open(home) as store:
        assert status_of(store, post) == "protected"


@pytest.mark.browser
def test_every_registered_platform_s_gone_view_reads_back_in_the_browser(
    home: Path, browser_path: str
) -> None:
    """For each platform that declares view_states, its view in the offline world of a post made
    gone (each status the world can make it say and the stand-in draws) reads back, in Chromium,
    as that status: the declarations, the world's markup and viewstate.py agree."""
    world = OfflineWorld()
    cases = []
    for platform in registry.PLATFORMS:
        drawn = platform.stand_in.gone if platform.stand_in is not None else {}
        if not platform.view_states or not drawn or not platform.examples:
            continue
        for status in drawn:
            if status in world.data.statuses(platform.name):
                cases.append((platform, status))
    assert len({p.name for p, _ in cases}) >= 5, cases

    async def read_all() -> list[tuple[str, str, str]]:
        settings = browser_settings(home, browser_path, concurrency=2)
        async with (
            httpx.AsyncClient(transport=world.transport()) as client,
            Capturer(settings, client, install_routes=world.install, spool_dir=home) as capturer,
        ):
            found = []
            for platform, status in cases:
                post = platform.examples[0][1]
                world.data.gone(platform.name, post, status)
                seen = await capturer.check_view(platform, post)
                found.append((platform.name, status, seen.status if seen.error is None else seen.error))
                world.data.live(platform.name, post)
            return found

    found = asyncio.run(read_all())
    assert [(name, status) for name, status, _ in found] == [(name, read) for name, _, read in found]
