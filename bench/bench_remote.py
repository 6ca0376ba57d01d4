"""How far one coordinator goes: its own CPU per post with the browser elsewhere, and the cost of a
remote browser against a launched one.

Usage: python bench/bench_remote.py [--posts N] [--delay SECONDS] [--rounds N]

The same Mastodon-like loopback instance as bench_capture.py (every answer `delay` seconds
late) serves an article embedding N posts. The same archive (`archive_sources`, the production
path) runs three ways, at concurrency 4, each into a fresh archive:

- local: a Chromium launched by us, blobs in the local folder (today's default);
- remote: the browser behind `playwright run-server` (a process of its own, launching the same
  Chromium), blobs in the local folder;
- remote + S3: the same server, blobs in a bucket of moto's S3 server on 127.0.0.1
  (tests/s3_support.py: real S3 API calls over HTTP).

The coordinator's CPU is this process's own (user + system): discovery, the HTTP data and media,
hashing, SQLite, blob writes and the Playwright client side. The browser's is read from /proc
for the server's process tree (run-server's node and its Chromium), so it is excluded from the
coordinator's figure. From them: how many browser cores one coordinator core keeps busy, at
the 2.5 browser CPU-seconds a real-world capture takes (the figure the README works with) and at
the measured one, and so how many remote hosts of 2, 4 or 8 cores one coordinator could feed.
Each way runs `rounds` times, the ways taking turns; the fastest run counts for time and the
median for CPU.

Exit status 0 when every post was captured in full in every run; 1 otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from loopback_instance import Instance, serve

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from browser_servers import playwright_server  # a test helper: run-server on loopback
from s3_support import S3Server, environment

from archiver.flows.archive import archive_sources
from archiver.flows.doctor import locate_browser
from archiver.flows.kit import Network
from archiver.settings import Settings, load_settings
from storage import Store

AIM_REMOTE = 1.1  # remote / local wall clock, at most
REAL_CAPTURE_CPU = 2.5  # browser CPU-seconds of a real-world capture (README)
TICK = os.sysconf("SC_CLK_TCK")


@dataclass
class Run:
    way: str
    seconds: float
    coordinator_cpu: float
    browser_cpu: float | None
    problems: list[str]


def _self_cpu() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF)
    return me.ru_utime + me.ru_stime


def _tree_cpu(root: int) -> float:
    """CPU seconds used so far by `root` and everything below it (living processes, plus the
    children each has reaped)."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        parents[int(entry.name)] = int(fields[1])
        # utime, stime, cutime, cstime: fields 14 to 17 of stat (11 to 14 after the name)
        times[int(entry.name)] = sum(int(f) for f in fields[11:15]) / TICK
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(child for child, parent in parents.items() if parent == pid)
    return sum(times.get(pid, 0.0) for pid in tree)


async def archive(site: Instance, settings: Settings) -> list[str]:
    """The archive through the production path; what it did not capture in full."""
    with Store.open(settings.home) as store:
        (result,) = await archive_sources([site.article_url], settings, store, network=Network())
    problems = [e for e in (result.error, result.screenshot_error) if e]
    if len(result.posts) != len(site.post_ids):
        problems.append(f"found {len(result.posts)} posts, not {len(site.post_ids)}")
    problems += [
        f"{p.post_id}: {p.status} {p.missing}" for p in result.posts if p.status != "live" or p.missing
    ]
    return problems


async def measure(way: str, site: Instance, options: dict[str, object], server_pid: int | None) -> Run:
    with tempfile.TemporaryDirectory(prefix="bench-remote-") as home:
        settings = load_settings({"home": home, "concurrency": 4, **options})
        browser_before = _tree_cpu(server_pid) if server_pid else None
        cpu_before, started = _self_cpu(), time.perf_counter()
        problems = await archive(site, settings)
        seconds, cpu = time.perf_counter() - started, _self_cpu() - cpu_before
        # The server's browser closes its contexts a moment after the client is done with them.
        await asyncio.sleep(0.5)
        browser = (
            _tree_cpu(server_pid) - browser_before if server_pid and browser_before is not None else None
        )
    return Run(way, seconds, cpu, browser, problems)


def report(runs: dict[str, list[Run]], posts: int, delay: float) -> int:
    print(f"{posts} Mastodon posts on a loopback instance, every response {delay * 1000:.0f} ms late;")
    print("the whole archive (article fetched, discovered, every post captured and stored), concurrency 4.")
    print()
    line = "{:14} {:>8} {:>8} {:>16} {:>14}"
    print(line.format("", "s/post", "total s", "coordinator CPU", "browser CPU"))
    best = {way: min(found, key=lambda r: r.seconds) for way, found in runs.items()}
    cpu = {way: statistics.median(r.coordinator_cpu for r in found) / posts for way, found in runs.items()}
    browser: dict[str, float | None] = {}
    for way, found in runs.items():
        values = [r.browser_cpu for r in found if r.browser_cpu is not None]
        browser[way] = statistics.median(values) / posts if values else None
    for way, run in best.items():
        browser_cell = f"{browser[way]:.3f} s/post" if browser[way] is not None else "in-process"
        print(
            line.format(
                way,
                f"{run.seconds / posts:.3f}",
                f"{run.seconds:.2f}",
                f"{cpu[way]:.3f} s/post",
                browser_cell,
            )
        )
    print()
    ratio = best["remote"].seconds / best["local"].seconds
    verdict = "met" if ratio <= AIM_REMOTE else "MISSED"
    print(f"remote / local, same archive: {ratio:.2f}x (aim at most {AIM_REMOTE}x: {verdict})")
    coordinator = cpu["remote + S3"]
    print(f"coordinator CPU per post, browser elsewhere, blobs on S3: {coordinator:.3f} s")
    print()
    print("Browser cores one coordinator core keeps busy, and hosts of 2 / 4 / 8 cores that is:")
    measured = browser["remote + S3"]
    for label, per_capture in (
        ("at 2.5 browser CPU-s a capture", REAL_CAPTURE_CPU),
        ("at the measured", measured),
    ):
        if per_capture is None:
            continue
        cores = per_capture / coordinator
        hosts = " / ".join(f"{cores / n:.0f}" for n in (2, 4, 8))
        print(f"  {label} ({per_capture:.2f} s): {cores:.0f} cores; hosts {hosts}")
    print()
    print("The loopback pages are small (a status, a photo): a real capture costs the browser")
    print("about 2.5 CPU-seconds and the coordinator about what is measured here, plus its share")
    print("of larger media (hashing and writing are linear in the bytes).")
    problems = [f"{r.way}: {p}" for found in runs.values() for r in found for p in r.problems]
    for problem in problems:
        print(f"INCOMPLETE: {problem}")
    print(f"load average when done: {' '.join(f'{x:.1f}' for x in os.getloadavg())} (1, 5, 15 min)")
    return 1 if problems else 0


async def main_async(posts: int, delay: float, rounds: int, browser: str) -> int:
    runs: dict[str, list[Run]] = {"local": [], "remote": [], "remote + S3": []}
    with serve(posts, delay) as site, playwright_server(browser) as (endpoint, pid), S3Server() as s3:
        bucket = s3.new_bucket()
        with tempfile.TemporaryDirectory(prefix="bench-remote-aws-") as aws_home:
            for name, value in environment(Path(aws_home)).items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
            ways: list[tuple[str, dict[str, object], int | None]] = [
                ("local", {}, None),
                ("remote", {"browser_endpoints": (endpoint,)}, pid),
                ("remote + S3", {"browser_endpoints": (endpoint,), "blob_store": s3.url(bucket)}, pid),
            ]
            await measure("warm-up", site, {"browser_endpoints": (endpoint,)}, None)
            await measure("warm-up", site, {}, None)
            for turn in range(rounds):
                for way, options, server in ways if turn % 2 == 0 else ways[::-1]:
                    run = await measure(way, site, options, server)
                    print(f"  {way}: {run.seconds / posts:.3f} s/post", file=sys.stderr)
                    runs[way].append(run)
    return report(runs, posts, delay)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--posts", type=int, default=12, help="posts in the article (default 12)")
    parser.add_argument("--delay", type=float, default=0.3, help="seconds every response waits (default 0.3)")
    parser.add_argument("--rounds", type=int, default=3, help="runs per way (default 3)")
    args = parser.parse_args()
    browser = locate_browser(Settings()).path
    return asyncio.run(main_async(args.posts, args.delay, max(1, args.rounds), browser))


if __name__ == "__main__":
    sys.exit(main())
