"""Memory flat in the size of what is kept: the archiver's peak RSS with large videos against small.

Usage: python bench/bench_memory.py [--big-mb N] [--small-mb N] [--rate-mb N]

bench/killsoak_site.py serves a news article on 127.0.0.1 embedding three Mastodon posts of a
loopback instance, each with a video (a generated MP4 of the given size, sent at `rate-mb`
MB/s), and a tweet the offline world answers. The posts' embed views load the video themselves,
as X's and Telegram's players do, so the browser's traffic (recorded for the WARC) carries it
too; `--poster-only` shows its poster instead, as Mastodon's view does.

`archiver archive --offline` archives it in a process of its own, once with small videos (about
a photo's size) and once with large ones, each into a fresh archive; the process reports its
own peak RSS (VmHWM: the Python process alone, not the browser's). The aim: the large run's
peak within 50 MB of the small one's. Our download goes from the socket to a spool file and
from there into the blob store, and the WARC recorder reads no body over its cap from the
browser (the record is marked truncated), so no video is ever whole in memory. The run also
checks that the videos were kept in full (their blobs' sizes), so a run that kept less cannot
pass for a lean one.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from killsoak_site import MB, serve

from archiver.flows.doctor import locate_browser
from archiver.settings import Settings

AIM_EXTRA_MB = 50

# Runs the CLI in this process and writes its peak RSS (kB) where the first argument says:
# VmHWM, which starts again at exec (getrusage's ru_maxrss would count the pages of this
# benchmark's process that the fork shared, the served videos among them).
_RUN = """
import re, sys
from archiver.cli import cli
out, args = sys.argv[1], sys.argv[2:]
try:
    cli.main(args, standalone_mode=False)
finally:
    with open("/proc/self/status") as status, open(out, "w") as f:
        f.write(re.search(r"VmHWM:\\s*(\\d+)", status.read()).group(1))
"""


def archive(url: str, home: Path, browser: str, video_bytes: int) -> tuple[int, list[int], str]:
    """Peak RSS in bytes, the sizes of the videos kept, and what the run printed."""
    rss_file = home / "peak-rss"
    env = {
        **os.environ,
        "ARCHIVER_BROWSER": browser,
        "ARCHIVER_HOST_DELAY": "0",
        "ARCHIVER_MAX_MEDIA_BYTES": str(max(video_bytes * 2, 10 * MB)),
    }
    args = ["archive", "--offline", "--allow-private-network", "--home", str(home / "archive"), "--json", url]
    done = subprocess.run(
        [sys.executable, "-c", _RUN, str(rss_file), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    peak = int(rss_file.read_text()) * 1024 if rss_file.exists() else 0
    listed = subprocess.run(
        [sys.executable, "-m", "archiver", "list", "--home", str(home / "archive"), "--json"],
        capture_output=True,
        text=True,
        env=env,
    )
    kept = _video_sizes(home / "archive")
    return peak, kept, (done.stdout + done.stderr)[-2000:] + listed.stderr[-500:]


def _video_sizes(home: Path) -> list[int]:
    import sqlite3

    with sqlite3.connect(home / "archive.db") as db:
        rows = db.execute("SELECT size, mime FROM artifacts WHERE kind = 'media'").fetchall()
    return sorted(size for size, mime in rows if mime and mime.startswith("video/"))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--big-mb", type=float, default=300, help="each large video, MB (default 300)")
    parser.add_argument("--small-mb", type=float, default=0.5, help="each small video, MB (default 0.5)")
    parser.add_argument("--rate-mb", type=float, default=300, help="MB/s each video is sent at (default 300)")
    parser.add_argument(
        "--poster-only",
        action="store_true",
        help="the embed view shows the video's poster (Mastodon's way), so only our download reads it",
    )
    args = parser.parse_args()
    browser = locate_browser(Settings()).path
    peaks: dict[str, int] = {}
    problems: list[str] = []
    for label, size_mb in (("small", args.small_mb), ("large", args.big_mb)):
        size = int(size_mb * MB)
        with (
            serve(size, args.rate_mb * MB) as (site, _),
            tempfile.TemporaryDirectory(prefix="bench-mem-") as tmp,
        ):
            peak, kept, said = archive(site.article_urls[0], Path(tmp), browser, size)
        peaks[label] = peak
        print(
            f"  {label}: videos of {size_mb:g} MB; peak RSS {peak / MB:.0f} MB; kept {kept}", file=sys.stderr
        )
        if len(kept) < 2 or any(k != size for k in kept[-2:]):
            problems.append(f"{label}: the videos were not kept in full (sizes {kept}); the run said: {said}")
    extra = (peaks["large"] - peaks["small"]) / MB
    print("archiver archive, one article with two Mastodon posts, each with a video, and a tweet:")
    print(f"  peak RSS of the Python process, videos of {args.small_mb:g} MB:  {peaks['small'] / MB:6.0f} MB")
    print(f"  peak RSS of the Python process, videos of {args.big_mb:g} MB:  {peaks['large'] / MB:6.0f} MB")
    verdict = "met" if extra <= AIM_EXTRA_MB else "MISSED"
    print(f"  large - small: {extra:+.0f} MB (aim at most +{AIM_EXTRA_MB} MB: {verdict})")
    for problem in problems:
        print(f"INCOMPLETE: {problem}")
    print(f"load average when done: {' '.join(f'{x:.1f}' for x in os.getloadavg())} (1, 5, 15 min)")
    print(json.dumps({"peak_small": peaks["small"], "peak_large": peaks["large"]}))
    return 1 if problems or extra > AIM_EXTRA_MB else 0


if __name__ == "__main__":
    sys.exit(main())
