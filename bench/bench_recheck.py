"""Re-checking held posts: `recheck_posts` over N held tweets against a bare httpx loop, with
and without the network guard; then the browser re-check of an embed view against a bare
Playwright goto + screenshot of the same view.

Usage: python bench/bench_recheck.py [--posts N] [--concurrency C] [--rounds N] [--polite N] [--delay S]
           [--views N] [--view-delay S] [--view-concurrency C]

A fake syndication CDN runs on 127.0.0.1 in its own process (asyncio, HTTP/1.1 keep-alive): it
answers `/tweet-result?id=ID` with the shipped fixture tweet under that id; 1 in 100 ids is a
tombstone, 1 in 100 a 404, 1 in 200 an edited text. The archive holds N such tweets, each live
with one complete capture whose content hash is that of the unedited tweet.

- recheck: `recheck_posts(store, settings, posts, transport=...)`, the production path: the
  Twitter platform's fetch_data builds the real https://cdn.syndication.twimg.com URL (token
  and all) and parses and normalizes each answer, the per-host gate runs on the client's event
  hooks, every check is hashed and recorded (committed in batches of up to 50, as production
  does), and changed tweets call the capture callback (here a counter: no browser).
- bare loop: one httpx.AsyncClient GETs the same N URLs at the same concurrency and reads
  each body, nothing more.

- recheck with the guard: the same run, its transport guarded as production's is
  (archiver/guard.py): every request's URL checked, each new connection's host resolved, every
  address checked, and the connection dialed to the address checked. There is no DNS here: the
  resolver is a stand-in answering a public address at once, so the figure is the guard's own
  cost, not a lookup's (one per new connection: at most C of them, against N requests).

All sides reach the fake CDN through the same transport, which sends requests for the CDN's
real hostname, over plain HTTP, to the loopback port (its network backend dials that port
whatever address it is asked for: the only difference from production). The ratios are
recheck / bare (what our parsing, hashing, politeness and bookkeeping cost per request) and
guarded / unguarded recheck (the guard's cost; aim within 1.05). Both wall-clock time and this
process's CPU time are reported: on a busy machine the CPU ratio is the steadier of the two (the
fake CDN's CPU is in its own process and counts for neither). Each round runs the three sides
back to back, a different one first each round (3 rounds by default, so each side runs once
first, once in the middle and once last: with one round the guarded side always ran last and
measured 1.07x where three rounds measured 1.03x); each side keeps its best wall clock and its
best CPU time, and with `--rounds` above 1 the median of the rounds' own recheck / bare ratios
is printed too (runs side by side meet the same spell of a busy machine).

Over sockets most of a request's CPU is httpcore's, not ours: its pool polls every idle
connection (poll() and getpeername()) each time it assigns one, some 50 polls a request at 16
at once, so a bare request costs 1.5 to 2.4 ms of CPU here against 0.15 ms in-process, and that
figure moves by a quarter with the load: a ratio of one run a side is that noisy.

- in-process: the bare loop and recheck_posts again over up to IN_PROCESS posts, through
  httpx.MockTransport answering as the fake CDN does (best of at least 3): no socket, no server
  process. The difference in CPU per post is our code's own cost, which on a busy machine the
  ratios above (a few hundred µs against the sockets' 1.5 ms) can hide in their noise.

Then politeness in real time (the unit tests check it on a fake clock): `--polite` checks
(default 40) on the one CDN host at per_host 1 and host_delay `--delay` (default 0.05 s), whose
spacing is HostLimiter's (the capturer's too), against a bare loop asking for the same URLs one
at a time, each start `delay` after the one before. Both ratios are recheck / bare: the whole
time, and the median time between two starts as the transport saw them (the median: a start the
event loop sends late, behind a store write say, brings the next one closer without the gate
being at fault). A median under 0.75 x means the gate let requests through early: exit status 1.

Last, the browser re-check's cost per post (`--views`, default 16; 0: none). A Mastodon-like
instance on 127.0.0.1 (bench/loopback_instance.py, in a process of its own) serves each post's
embed view, its stylesheet, script and photo, every response held back `--view-delay` seconds
(default 0.15) as a distant server would. Both sides load the N views, `--view-concurrency` at
once (default 4), each in a fresh browser context, timed from when the browser is up:

- view re-check: `Capturer.check_view`, the production path of a browser re-check: the guard's
  relay in front of the browser, the per-host limiter, the wait until the post has rendered
  (its images and the load event too), the look for a declared gone state and the post's text
  fingerprint; nothing is kept;
- bare: the same Chromium, launch flags and context options: goto, wait for the post element,
  a screenshot of the page.

The ratio is view re-check / bare, per post (both sides keep their best of `--rounds`, taking
turns). The load average is printed beside it: on a loaded machine both sides slow down, and the
ratio, not the seconds, is the figure to read. A view that did not render: exit status 1.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import functools
import itertools
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpcore
import httpx
from loopback_instance import Instance, serve
from playwright.async_api import async_playwright

from archiver.capture.browser import context_options, launch
from archiver.capture.capturer import Capturer
from archiver.flows.recheck import recheck_posts
from archiver.guard import Guard, GuardTransport, pin_connections
from archiver.models import content_hash
from archiver.platforms import mastodon, twitter
from archiver.settings import Settings
from offline_world.twitter import FIXTURES
from storage import Store

FIRST_ID = 1_821_185_274_147_880_000
CDN_HOST = "cdn.syndication.twimg.com"
CDN_ADDRESS = "104.244.42.1"  # what the stand-in resolver answers for every name: a public address
IN_PROCESS = 10_000  # posts of the in-process figure, at most (our own cost, flat in N: watch it here)


def fixture_answer() -> dict[str, Any]:
    return json.loads((FIXTURES / "tweet-result-1821185274147889728.json").read_text(encoding="utf-8"))


def answer_for(tweet_id: int, base: dict[str, Any], edited: bool = False) -> dict[str, Any]:
    answer = copy.deepcopy(base)
    answer["id_str"] = str(tweet_id)
    if edited:
        answer["text"] = answer.get("text", "") + " (edited)"
    return answer


# --- The fake CDN (its own process) -----------------------------------------------------------


def cdn_answers() -> Callable[[str], tuple[int, bytes]]:
    """What the fake CDN answers for a request path: (status, body)."""
    base = fixture_answer()
    template = json.dumps(answer_for(0, base)).replace('"id_str": "0"', '"id_str": "@ID@"').encode()
    edited = (
        json.dumps(answer_for(0, base, edited=True)).replace('"id_str": "0"', '"id_str": "@ID@"').encode()
    )
    tomb = json.dumps(
        {"__typename": "TweetTombstone", "tombstone": {"text": {"text": "This Post was deleted"}}}
    )

    def answer(path: str) -> tuple[int, bytes]:
        query = path.partition("?")[2]
        params = dict(p.partition("=")[::2] for p in query.split("&"))
        tweet_id = params.get("id", "")
        if not tweet_id.isdigit():
            return 400, b"bad request"
        n = int(tweet_id) - FIRST_ID
        if n % 100 == 1:
            return 200, tomb.encode()
        if n % 100 == 2:
            return 404, b""
        body = edited if n % 200 == 0 else template
        return 200, body.replace(b"@ID@", tweet_id.encode())

    return answer


def _serve(port_out: Any) -> None:
    answer = cdn_answers()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                path = head.split(b" ", 2)[1].decode("latin-1")
                status, body = answer(path)
                writer.write(
                    b"HTTP/1.1 %d X\r\ncontent-type: application/json;charset=utf-8\r\n"
                    b"content-length: %d\r\n\r\n" % (status, len(body)) + body
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def main() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=512)
        port_out.put(server.sockets[0].getsockname()[1])
        async with server:
            await server.serve_forever()

    asyncio.run(main())


class _DialPort(httpcore.AsyncNetworkBackend):
    """Every connection to 127.0.0.1:PORT, whatever host or address it is for."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self, host: str, port: int, *args: Any, **kwargs: Any
    ) -> httpcore.AsyncNetworkStream:
        return await self.inner.connect_tcp("127.0.0.1", self.port, *args, **kwargs)

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


class ToLoopback(httpx.AsyncBaseTransport):
    """Sends every request to 127.0.0.1:PORT over plain HTTP, its URL keeping its host (so its
    Host header, and the connection pool's keys); `guard`: connections pinned as production's."""

    def __init__(self, port: int, guard: Guard | None = None) -> None:
        self.port = port
        self.inner = httpx.AsyncHTTPTransport(limits=httpx.Limits(max_connections=256))
        self.inner._pool._network_backend = _DialPort(port)  # type: ignore[attr-defined]
        if guard is not None:
            pin_connections(self.inner, guard)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        request.url = request.url.copy_with(scheme="http")
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


class Stamped(ToLoopback):
    """ToLoopback that notes when each request reaches it: after the per-host gate let it go."""

    def __init__(self, port: int) -> None:
        super().__init__(port)
        self.starts: list[float] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.starts.append(time.perf_counter())
        return await super().handle_async_request(request)

    def spacing(self) -> float:
        """Median seconds between two starts noted since the last call; then forgets them."""
        starts, self.starts = sorted(self.starts), []
        return statistics.median(b - a for a, b in itertools.pairwise(starts))


# --- The archive ------------------------------------------------------------------------------


def seed(store: Store, posts: int) -> None:
    """N live tweets, each with one complete capture of its unedited content (bulk inserts)."""
    base = fixture_answer()
    now = "2025-03-01T00:00:00.000+00:00"
    rows, captures = [], []
    for i in range(posts):
        tweet_id = FIRST_ID + i
        digest = content_hash(twitter.normalize(answer_for(tweet_id, base)))
        rows.append(
            {
                "id": i + 1,
                "platform": "twitter",
                "post_id": str(tweet_id),
                "url": twitter.canonical_url(str(tweet_id)),
                "status": "live",
                "status_since": now,
                "content_hash": digest,
                "content_since": now,
                "first_seen": now,
                "last_captured": now,
            }
        )
        captures.append(
            {"post": i + 1, "status": "complete", "started": now, "finished": now, "tool_version": "bench",
             "content_hash": digest}
        )  # fmt: skip
    with store.transaction():
        store.db.table("posts").insert_all(rows)
        store.db.table("captures").insert_all(captures)


async def bare_loop(transport: ToLoopback, ids: list[str], concurrency: int) -> tuple[float, float]:
    slots = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(transport=transport) as client:

        async def one(tweet_id: str) -> None:
            async with slots:
                response = await client.get(twitter.data_url(tweet_id))
                response.read()

        start, cpu = time.perf_counter(), time.process_time()
        await asyncio.gather(*(one(i) for i in ids))
        return time.perf_counter() - start, time.process_time() - cpu


async def bare_polite(transport: ToLoopback, ids: list[str], delay: float) -> float:
    """The same URLs one at a time, each started `delay` after the one before (or when the one
    before has answered, if later): what HostLimiter asks of one host at per_host 1."""
    async with httpx.AsyncClient(transport=transport) as client:
        first = next_start = time.perf_counter()
        for tweet_id in ids:
            now = time.perf_counter()
            start = max(now, next_start)
            next_start = start + delay
            await asyncio.sleep(start - now)
            (await client.get(twitter.data_url(tweet_id))).read()
        return time.perf_counter() - first


async def recheck_run(
    settings: Settings, transport: httpx.AsyncBaseTransport, posts: int
) -> tuple[float, float, Any]:
    changed: list[str] = []

    async def capture(post: Any, data: Any) -> None:
        changed.append(post["post_id"])

    with tempfile.TemporaryDirectory() as tmp, Store.open(Path(tmp)) as store:
        seed(store, posts)
        due = store.posts_due()
        start, cpu = time.perf_counter(), time.process_time()
        report = await recheck_posts(
            store, replace(settings, home=Path(tmp)), due, transport=transport, capture=capture
        )
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    assert len(changed) == report.captured
    return seconds, cpu, report


async def in_process(settings: Settings, ids: list[str], rounds: int) -> tuple[float, float]:
    """CPU seconds of the bare loop and of recheck_posts (each its best of `rounds`) over an
    in-process transport answering as the fake CDN does (httpx.MockTransport): no socket, no
    server process, so the difference is our code's own cost, free of the noise of both."""
    answer = cdn_answers()

    def handler(request: httpx.Request) -> httpx.Response:
        status, body = answer(request.url.raw_path.decode())
        return httpx.Response(status, content=body, headers={"content-type": "application/json"})

    bare = ours = float("inf")
    for _ in range(rounds):
        transport = httpx.MockTransport(handler)
        bare = min(bare, (await bare_loop(transport, ids, settings.recheck_concurrency))[1])
        ours = min(ours, (await recheck_run(settings, transport, len(ids)))[1])
    return bare, ours


async def view_rechecks(site: Instance, settings: Settings) -> tuple[float, list[str]]:
    """check_view over every post's embed view; (seconds from the browser up, problems)."""
    guard = Guard.for_settings(settings, [site.article_url])  # the instance is one the user named
    async with (
        httpx.AsyncClient() as client,
        Capturer(settings, client, guard=guard, spool_dir=settings.home) as capturer,
    ):
        started = time.perf_counter()
        checks = await asyncio.gather(*(capturer.check_view(mastodon.PLATFORM, p) for p in site.post_ids))
        seconds = time.perf_counter() - started
    problems = [
        f"{post}: {check.error or check.detail}"
        for post, check in zip(site.post_ids, checks, strict=True)
        if check.status != "live" or check.fingerprint is None
    ]
    return seconds, problems


async def bare_views(site: Instance, settings: Settings) -> tuple[float, list[str]]:
    """goto, the post element, a screenshot, over the same views at the same concurrency."""
    pool = asyncio.Semaphore(settings.concurrency)
    problems: list[str] = []
    async with async_playwright() as pw:
        browser, _ = await launch(pw, settings)
        started = time.perf_counter()

        async def one(url: str) -> None:
            async with pool:
                context = await browser.new_context(**context_options(settings))
                try:
                    page = await context.new_page()
                    await page.goto(url)
                    await page.wait_for_selector(".status", state="visible")
                    await page.screenshot()
                except Exception as exc:
                    problems.append(f"{url}: {exc}")
                finally:
                    await context.close()

        await asyncio.gather(*(one(url) for url in site.view_urls))
        seconds = time.perf_counter() - started
        await browser.close()
    return seconds, problems


def view_bench(posts: int, delay: float, concurrency: int, rounds: int) -> int:
    """The browser re-check against the bare loop; prints the figures, returns the exit status."""
    with tempfile.TemporaryDirectory(prefix="bench-views-") as home, serve(posts, delay) as site:
        settings = replace(
            Settings(home=Path(home)), concurrency=concurrency, per_host=concurrency, host_delay=0.0
        )

        async def both() -> tuple[float, float, list[str]]:
            ours = bare = float("inf")
            problems: list[str] = []
            for round in range(max(1, rounds)):
                sides = [("ours", view_rechecks), ("bare", bare_views)]
                for name, side in sides if round % 2 == 0 else sides[::-1]:
                    seconds, trouble = await side(site, settings)
                    problems += trouble
                    if name == "ours":
                        ours = min(ours, seconds)
                    else:
                        bare = min(bare, seconds)
            return ours, bare, problems

        ours, bare, problems = asyncio.run(both())
    load = " ".join(f"{n:.2f}" for n in os.getloadavg())
    print(
        f"browser re-check: {posts} embed views on loopback, each response after {delay:g} s, "
        f"{concurrency} at once (load average {load})"
    )
    print(f"  check_view      {ours / posts:7.3f} s/post")
    print(f"  bare goto+shot  {bare / posts:7.3f} s/post")
    print(f"  ratio           {ours / bare:7.2f} x (view re-check / bare)")
    for line in problems[:5]:
        print(f"  UNEXPECTED: {line}", file=sys.stderr)
    return 1 if problems else 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--posts", type=int, default=10_000, help="held posts (default 10000)")
    parser.add_argument("--concurrency", type=int, default=16, help="requests at once (default 16)")
    parser.add_argument("--rounds", type=int, default=3, help="runs per side; the fastest counts")
    parser.add_argument("--polite", type=int, default=40, help="checks for the politeness figure (0: none)")
    parser.add_argument("--delay", type=float, default=0.05, help="host_delay for it (default 0.05 s)")
    parser.add_argument("--views", type=int, default=16, help="embed views for the browser figure (0: none)")
    parser.add_argument("--view-delay", type=float, default=0.15, help="each view response's delay (s)")
    parser.add_argument("--view-concurrency", type=int, default=4, help="views at once (default 4)")
    args = parser.parse_args()
    status = main_http(args)
    if args.views > 0:
        status = max(
            status, view_bench(args.views, args.view_delay, args.view_concurrency, max(2, args.rounds))
        )
    return status


def _best(a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float]:
    """The best wall clock and the best CPU time of two runs (not always the same run's)."""
    return min(a[0], b[0]), min(a[1], b[1])


def main_http(args: argparse.Namespace) -> int:
    """The HTTP re-check figures and the politeness figure; returns the exit status."""
    ports: Any = multiprocessing.get_context("spawn").Queue()
    server = multiprocessing.get_context("spawn").Process(target=_serve, args=(ports,), daemon=True)
    server.start()
    try:
        port = ports.get(timeout=30)
        # Politeness off for the benchmark (per_host = concurrency, no delay): all sides then
        # ask the CDN for the same C requests at once. The settings' own guard stays out of the
        # way (for a transport passed in it would check literal addresses only); the guarded
        # side brings production's, in its transport.
        settings = Settings(
            recheck_concurrency=args.concurrency,
            per_host=args.concurrency,
            host_delay=0.0,
            fetch_timeout=30.0,
            allow_private_network=True,
        )
        guard = Guard(resolver=lambda host, port: [CDN_ADDRESS])
        ids = [str(FIRST_ID + i) for i in range(args.posts)]
        Best = tuple[float, float]

        async def run_all() -> tuple[dict[str, list[Best]], list[Any]]:
            transport = ToLoopback(port)
            guarded = GuardTransport(ToLoopback(port, guard), guard)
            await bare_loop(transport, ids[:500], args.concurrency)  # warm-up
            runs: dict[str, list[Best]] = {"bare": [], "plain": [], "guarded": []}
            reports = []
            for round in range(max(1, args.rounds)):
                # Each round runs the three sides back to back, the first of them a different
                # one each round: a side that always ran first (or right after another) would
                # always meet the same spell of a busy machine.
                order = list(runs)
                for side in order[round % 3 :] + order[: round % 3]:
                    if side == "bare":
                        runs[side].append(await bare_loop(transport, ids, args.concurrency))
                        continue
                    seconds, cpu, report = await recheck_run(
                        settings, guarded if side == "guarded" else transport, args.posts
                    )
                    runs[side].append((seconds, cpu))
                    reports.append(report)
            await transport.aclose()
            await guarded.aclose()
            return runs, reports

        runs, reports = asyncio.run(run_all())
        (bare, bare_cpu), (ours, ours_cpu), (safe, safe_cpu) = (
            functools.reduce(_best, runs[side]) for side in ("bare", "plain", "guarded")
        )

        async def polite() -> tuple[tuple[float, float], tuple[float, float]]:
            """(whole time, spacing of starts) of the bare polite loop, then of recheck_posts."""
            transport = Stamped(port)
            bare = await bare_polite(transport, ids[: args.polite], args.delay)
            bare_spacing = transport.spacing()
            polite_settings = replace(settings, per_host=1, host_delay=args.delay)
            seconds, _, _ = await recheck_run(polite_settings, transport, args.polite)
            ours_spacing = transport.spacing()
            await transport.aclose()
            return (bare, bare_spacing), (seconds, ours_spacing)

        spacing = asyncio.run(polite()) if args.polite > 1 else None
        own = asyncio.run(in_process(settings, ids[:IN_PROCESS], max(3, args.rounds)))
    finally:
        server.terminate()
        server.join(5)

    n = args.posts
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"re-checking {n} held tweets against a fake CDN on loopback, {args.concurrency} at once"
        f" (load average {load})"
    )
    for side, wall, cpu in (
        ("recheck_posts", ours, ours_cpu),
        ("  with guard", safe, safe_cpu),
        ("bare httpx loop", bare, bare_cpu),
    ):
        print(f"  {side:<15} {wall:7.2f} s   {n / wall:8.0f} requests/s   CPU {1000 * cpu / n:.3f} ms/post")
    print(
        f"  ratio           {ours / bare:7.2f} x wall clock, {ours_cpu / bare_cpu:.2f} x CPU (recheck / bare,"
        " each side's best)"
    )
    if len(runs["bare"]) > 1:
        walls = [o[0] / b[0] for o, b in zip(runs["plain"], runs["bare"], strict=True)]
        cpus = [o[1] / b[1] for o, b in zip(runs["plain"], runs["bare"], strict=True)]
        wall, cpu = statistics.median(walls), statistics.median(cpus)
        print(
            f"  per round       {wall:7.2f} x wall clock, {cpu:.2f} x CPU"
            f" (median; CPU {min(cpus):.2f} to {max(cpus):.2f} over {len(cpus)} rounds)"
        )
    print(
        f"  guard's cost    {safe / ours:7.3f} x wall clock, {safe_cpu / ours_cpu:.3f} x CPU"
        " (guarded / unguarded recheck; aim within 1.05)"
    )
    print(f"  outcomes        {reports[0].summary()}")
    k = min(n, IN_PROCESS)
    print(
        f"  in-process      CPU {1e6 * own[0] / k:.0f} µs/post bare, {1e6 * own[1] / k:.0f} µs/post"
        f" recheck_posts: our code's own {1e6 * (own[1] - own[0]) / k:.0f} µs/post (no sockets, {k} posts)"
    )
    expected_gone = sum(1 for i in range(n) if i % 100 in (1, 2))
    for report in reports:
        gone = sum(v for k, v in report.outcomes.items() if k != "live")
        if report.checked != n or gone != expected_gone:
            print("  UNEXPECTED: not every post was checked as the fake CDN answered", file=sys.stderr)
            return 1
    if spacing is not None:
        (bare_polite_s, bare_spacing), (ours_polite_s, ours_spacing) = spacing
        print(
            f"politeness: {args.polite} checks on one host, per_host 1, host_delay {args.delay} s "
            f"(against a bare loop waiting the same)"
        )
        print(f"  whole time      {ours_polite_s / bare_polite_s:7.2f} x (recheck / bare)")
        print(f"  between starts  {ours_spacing / bare_spacing:7.2f} x (recheck / bare, median)")
        if ours_spacing < 0.75 * bare_spacing:
            print("  UNEXPECTED: the per-host gate let requests through early", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
