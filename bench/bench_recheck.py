"""Re-checking held posts: `recheck_posts` over N held tweets against a bare httpx loop.

Usage: python bench/bench_recheck.py [--posts N] [--concurrency C] [--rounds N] [--polite N] [--delay S]

A fake syndication CDN runs on 127.0.0.1 in its own process (asyncio, HTTP/1.1 keep-alive): it
answers `/tweet-result?id=ID` with the shipped fixture tweet under that id; 1 in 100 ids is a
tombstone, 1 in 100 a 404, 1 in 200 an edited text. The archive holds N such tweets, each live
with one complete capture whose content hash is that of the unedited tweet.

- recheck: `recheck_posts(store, settings, posts, transport=...)`, the production path: the
  Twitter platform's fetch_data builds the real https://cdn.syndication.twimg.com URL (token
  and all) and parses and normalizes each answer, the per-host gate runs on the client's event
  hooks, every check is hashed and recorded (one SQLite transaction each), and changed tweets
  call the capture callback (here a counter: no browser).
- bare loop: one httpx.AsyncClient GETs the same N URLs at the same concurrency and reads
  each body, nothing more.

Both sides reach the fake CDN through the same transport, which sends requests for the CDN's
real hostname to the loopback port (the only difference from production). The ratio is
recheck / bare: what our parsing, hashing, politeness and bookkeeping cost per request. Both
wall-clock time and this process's CPU time are reported: on a busy machine the CPU ratio is
the steadier of the two (the fake CDN's CPU is in its own process and counts for neither).

Then politeness in real time (the unit tests check it on a fake clock): `--polite` checks
(default 40) on the one CDN host at per_host 1 and host_delay `--delay` (default 0.05 s), whose
spacing is HostLimiter's (the capturer's too), against a bare loop asking for the same URLs one
at a time, each start `delay` after the one before. Both ratios are recheck / bare: the whole
time, and the median time between two starts as the transport saw them (the median: a start the
event loop sends late, behind a store write say, brings the next one closer without the gate
being at fault). A median under 0.75 x means the gate let requests through early: exit status 1.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import itertools
import json
import multiprocessing
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx

from archiver.flows.recheck import recheck_posts
from archiver.models import content_hash
from archiver.platforms import twitter
from archiver.settings import Settings
from offline_world.twitter import FIXTURES
from storage import Store

FIRST_ID = 1_821_185_274_147_880_000
CDN_HOST = "cdn.syndication.twimg.com"


def fixture_answer() -> dict[str, Any]:
    return json.loads((FIXTURES / "tweet-result-1821185274147889728.json").read_text(encoding="utf-8"))


def answer_for(tweet_id: int, base: dict[str, Any], edited: bool = False) -> dict[str, Any]:
    answer = copy.deepcopy(base)
    answer["id_str"] = str(tweet_id)
    if edited:
        answer["text"] = answer.get("text", "") + " (edited)"
    return answer


# --- The fake CDN (its own process) -----------------------------------------------------------


def _serve(port_out: Any) -> None:
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


class ToLoopback(httpx.AsyncBaseTransport):
    """Sends every request to 127.0.0.1:PORT over plain HTTP, keeping its Host header and path."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.inner = httpx.AsyncHTTPTransport(limits=httpx.Limits(max_connections=256))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        request.url = request.url.copy_with(scheme="http", host="127.0.0.1", port=self.port)
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


async def recheck_run(settings: Settings, transport: ToLoopback, posts: int) -> tuple[float, float, Any]:
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


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--posts", type=int, default=10_000, help="held posts (default 10000)")
    parser.add_argument("--concurrency", type=int, default=16, help="requests at once (default 16)")
    parser.add_argument("--rounds", type=int, default=1, help="runs per side; the fastest counts")
    parser.add_argument("--polite", type=int, default=40, help="checks for the politeness figure (0: none)")
    parser.add_argument("--delay", type=float, default=0.05, help="host_delay for it (default 0.05 s)")
    args = parser.parse_args()

    ports: Any = multiprocessing.get_context("spawn").Queue()
    server = multiprocessing.get_context("spawn").Process(target=_serve, args=(ports,), daemon=True)
    server.start()
    try:
        port = ports.get(timeout=30)
        # Politeness off for the benchmark (per_host = concurrency, no delay): both sides
        # then ask the CDN for the same C requests at once.
        settings = Settings(
            recheck_concurrency=args.concurrency,
            per_host=args.concurrency,
            host_delay=0.0,
            fetch_timeout=30.0,
        )
        ids = [str(FIRST_ID + i) for i in range(args.posts)]

        async def run_all() -> tuple[tuple[float, float], tuple[float, float], Any]:
            transport = ToLoopback(port)
            await bare_loop(transport, ids[:500], args.concurrency)  # warm-up
            bare = ours = (float("inf"), float("inf"))
            report = None
            for _ in range(max(1, args.rounds)):  # alternate the sides; each keeps its best
                bare = min(bare, await bare_loop(transport, ids, args.concurrency))
                seconds, cpu, report = await recheck_run(settings, transport, args.posts)
                ours = min(ours, (seconds, cpu))
            await transport.aclose()
            return bare, ours, report

        (bare, bare_cpu), (ours, ours_cpu), report = asyncio.run(run_all())

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
    finally:
        server.terminate()
        server.join(5)

    n = args.posts
    print(f"re-checking {n} held tweets against a fake CDN on loopback, {args.concurrency} at once")
    for side, wall, cpu in (("recheck_posts", ours, ours_cpu), ("bare httpx loop", bare, bare_cpu)):
        print(f"  {side:<15} {wall:7.2f} s   {n / wall:8.0f} requests/s   CPU {1000 * cpu / n:.3f} ms/post")
    print(
        f"  ratio           {ours / bare:7.2f} x wall clock, {ours_cpu / bare_cpu:.2f} x CPU (recheck / bare)"
    )
    print(f"  outcomes        {report.summary()}")
    expected_gone = sum(1 for i in range(n) if i % 100 in (1, 2))
    if report.checked != n or sum(v for k, v in report.outcomes.items() if k != "live") != expected_gone:
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
