"""Video download: our pipeline (capture/video.py) against the `yt-dlp` command, same files.

Usage: python bench/bench_video.py [--seconds S] [--delay S] [--rounds N]

A loopback server (tests/video_support.py) serves one clip made with ffmpeg (`seconds` long,
640x360, a test picture and a tone) as a direct MP4 and as an HLS playlist of 2-second
segments, every answer held back `delay` seconds (default 0.03) like a distant CDN. Each side
downloads each form into a fresh folder:

- pipeline: `download_video(YtDlpFetcher(), ...)`, the production path: yt-dlp as a library on
  a worker thread, its format choice, the progress hook counting every chunk against the cap,
  the info JSON sanitized and kept, the files checked, plus the SHA-256 the store takes of
  every file. Twice: with the network guard off, and guarded (every connection through the
  capture's SOCKS5 relay, capture/relay.py; the loopback host trusted as a user-named one, so
  the relay lets it through: the figure is the relay's cost);
- bare library: `yt_dlp.YoutubeDL({format, format_sort, merge, paths, quiet}).download([url])`
  in this process, nothing else: what yt-dlp itself costs for the same files;
- command: `.venv/bin/yt-dlp -q` with the same format choice, a new process each time, as a
  user would run it.

The command pays for its own start: Python importing yt-dlp and, for a URL, loading and matching
its extractors (seconds on a busy machine); a capture process pays that once. So the fair
baseline is the bare library in the same process (aim: pipeline within 1.15x of it); the
command's figure is printed beside it, and so is `yt-dlp --version`, the bare start of the
command. Every side runs once before the rounds (imports, compiled patterns); then the sides
take turns, and each keeps its fastest of `rounds` (default 5). The load average is printed: on
a busy machine every figure is slower, the ratios less so.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from video_support import MediaServer, ffmpeg_missing, make_media

from archiver.capture.relay import Relay
from archiver.capture.video import VideoOutcome, YtDlpFetcher, download_video, format_options
from archiver.guard import Guard
from archiver.platforms.base import Platform
from archiver.settings import Settings

AIM = 1.15
YT_DLP = Path(sys.executable).parent / "yt-dlp"


def loopback(server: MediaServer) -> Platform:
    return Platform(
        name="loopvideo", url_patterns=(r"/(?P<id>[\w.-]+)$",), canonical_url=server.url, video=True
    )


def pipeline(server: MediaServer, name: str, guarded: bool) -> float:
    settings = Settings(allow_private_network=not guarded, fetch_timeout=30, capture_timeout=300)
    guard = Guard(trusted_hosts=frozenset({"127.0.0.1"})) if guarded else Guard.for_settings(settings)

    async def run() -> tuple[VideoOutcome, float]:
        # A capture run starts its relay once and every download shares it: the relay's start
        # and close are outside the timing, the download, its checks and the hashing inside.
        relay = Relay(guard) if guarded else None
        if relay is not None:
            await relay.start()
        try:
            with tempfile.TemporaryDirectory() as spool:
                started = time.perf_counter()
                got = await download_video(
                    YtDlpFetcher(), settings, guard, loopback(server), name, Path(spool), relay
                )
                for artifact in got.artifacts:  # what the store does with each file
                    if isinstance(artifact.data, Path):
                        hashlib.sha256(artifact.data.read_bytes()).hexdigest()
                return got, time.perf_counter() - started
        finally:
            if relay is not None:
                await relay.close()
                await asyncio.sleep(0.1)  # its connections end (else asyncio.run cancels them, noisily)

    got, took = asyncio.run(run())
    if got.missing or not got.artifacts:
        sys.exit(f"pipeline {name}: {got.missing}")
    return took


def bare(server: MediaServer, name: str, max_bytes: int) -> float:
    from yt_dlp import YoutubeDL  # type: ignore[import-untyped, unused-ignore]

    options = format_options(1080, True, max_bytes)
    with tempfile.TemporaryDirectory() as folder:
        params = {**options, "paths": {"home": folder}, "quiet": True, "noprogress": True}
        started = time.perf_counter()
        with YoutubeDL(params) as ydl:
            ydl.download([server.url(name)])
        return time.perf_counter() - started


def command(server: MediaServer, name: str, max_bytes: int) -> float:
    options = format_options(1080, True, max_bytes)
    with tempfile.TemporaryDirectory() as folder:
        args = [str(YT_DLP), "-q", "--no-progress", "-P", folder, "-f", options["format"]]
        args += ["-S", ",".join(options["format_sort"]), "--merge-output-format", "mp4", server.url(name)]
        started = time.perf_counter()
        subprocess.run(args, check=True)
        return time.perf_counter() - started


def start_seconds() -> float:
    started = time.perf_counter()
    subprocess.run([str(YT_DLP), "--version"], check=True, capture_output=True)
    return time.perf_counter() - started


def best(runs: int, measure: Callable[[], float]) -> float:
    return min(measure() for _ in range(runs))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--delay", type=float, default=0.03)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    why = ffmpeg_missing()
    if why or not YT_DLP.exists():
        print(f"skipped: {why or f'no {YT_DLP}'}")
        return 0
    max_bytes = Settings().max_media_bytes
    with tempfile.TemporaryDirectory() as folder:
        media = make_media(Path(folder), seconds=args.seconds, size="640x360", segment=2)
        sizes = {name: (media.folder / name).stat().st_size for name in (media.mp4,)}
        segments = len(list(media.folder.glob("seg*.ts")))
        print(f"clip: {args.seconds:g} s, MP4 {sizes[media.mp4] / 1e6:.1f} MB, HLS {segments} segments; "
              f"{args.delay * 1000:g} ms per answer; best of {args.rounds}")  # fmt: skip
        with MediaServer(media.folder, delay=args.delay) as server:
            start = best(args.rounds, start_seconds)
            print(f"yt-dlp --version (the command's start): {start:.2f} s")
            sides: dict[str, Callable[[str], float]] = {
                "pipeline": lambda name: pipeline(server, name, guarded=False),
                "guarded": lambda name: pipeline(server, name, guarded=True),
                "bare": lambda name: bare(server, name, max_bytes),
                "command": lambda name: command(server, name, max_bytes),
            }
            worst = 0.0
            for name in (media.mp4, media.hls):
                for measure in sides.values():
                    measure(name)  # warm: imports, compiled patterns
                found: dict[str, list[float]] = {side: [] for side in sides}
                for _ in range(args.rounds):
                    for side, measure in sides.items():
                        found[side].append(measure(name))
                own, guarded, lib, cli = (min(found[side]) for side in sides)
                worst = max(worst, own / lib, guarded / lib)
                print(
                    f"{name:10} pipeline {own:.2f} s, guarded {guarded:.2f} s, bare library {lib:.2f} s, "
                    f"command {cli:.2f} s | pipeline/bare {own / lib:.2f}x, guarded/bare "
                    f"{guarded / lib:.2f}x, pipeline/command {own / cli:.2f}x"
                )
    load = os.getloadavg()
    print(f"load average: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} ({os.cpu_count()} CPUs)")
    verdict = "within" if worst <= AIM else "OVER"
    print(f"worst ratio to the bare library {worst:.2f}x: {verdict} the aim of {AIM}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
