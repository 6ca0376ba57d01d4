"""Discovery time over the labelled corpus against a bare BeautifulSoup(html, "lxml") parse.

Usage: python bench/bench_discover.py [CORPUS_DIR] [--rounds N]

Each side runs over every page, `rounds` times; the best round counts (the least disturbed by
other work on the machine). The ratio is discovery / parse: the aim is 1.5 or less.

Then the adversarial pages (tests/test_discover_input.py checks what they find): each one's
discovery time against a bare parse of the same bytes, so a return of quadratic time shows.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

from bs4 import BeautifulSoup

from archiver.discovery.find import find_embeds

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def best_round(pages: list[bytes], work: Callable[[bytes], object], rounds: int) -> float:
    """Seconds `work` takes over all the pages, the fastest of `rounds` runs."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for body in pages:
            work(body)
        best = min(best, time.perf_counter() - start)
    return best


def adversarial_pages() -> dict[str, bytes]:
    """Pages built to make a careless scanner quadratic (shapes of tests/test_discover_input.py)."""
    quote = '<blockquote><a href="https://twitter.com/a/status/{}">x</a></blockquote>\n'
    flat = "Text pic.twitter.com/abcDEF{:04d} — N (@h) May 5, 2014 https://twitter.com/h/status/{}\n"
    long_quote = (
        '<blockquote class="twitter-tweet"><p>{}</p>'
        '<a href="https://twitter.com/n/status/{}">May 5</a></blockquote>'
    )
    return {
        "80,000 quotes linking 8 posts": (
            "<html><body>" + "".join(quote.format(10 + n % 8) for n in range(80_000))
        ).encode(),
        "30,000 flattened tweets (text)": "".join(
            flat.format(n % 10_000, 10 + n) for n in range(30_000)
        ).encode(),
        "150 quotes of 40,000 characters": (
            "<html><body>" + "\n".join(long_quote.format("word " * 8000, 100 + n) for n in range(150))
        ).encode(),
        # a 3.7 MB inline bundle in the shape of a called function (jsdata.py's token budget)
        "a 3.7 MB inline script bundle": (
            "<html><body><p>x</p><script>var app=(function(e){"
            + ";".join(f"e.f{n}=function(t){{return t+{n}}}" for n in range(100_000))
            + "}({})); // youtube</script>"
        ).encode(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    pages = [p.read_bytes() for p in sorted((args.corpus / "pages").glob("*.html"))]
    if not pages:
        print(f"no pages in {args.corpus / 'pages'}: nothing to measure", file=sys.stderr)
        return 1
    warnings.filterwarnings("ignore")  # bs4's parser warnings are not what is measured
    found = sum(len(find_embeds(body)) for body in pages)  # also warms caches and imports
    load_before = os.getloadavg()[0]
    parse = best_round(pages, lambda body: BeautifulSoup(body, "lxml"), args.rounds)
    discover = best_round(pages, find_embeds, args.rounds)
    size = sum(len(p) for p in pages) / 1e6
    print(f"pages          {len(pages)} ({size:.1f} MB), {found} posts found")
    print(f"bs4+lxml parse {parse * 1000:8.1f} ms")
    print(f"find_embeds    {discover * 1000:8.1f} ms")
    print(
        f"ratio          {discover / parse:8.2f}x  (aim: 1.5x or less)   load average (1 min) "
        f"{load_before:.1f} to {os.getloadavg()[0]:.1f} over the runs"
    )
    print("adversarial pages: find_embeds / bs4+lxml parse of the same bytes")
    load_before = os.getloadavg()[0]
    for name, body in adversarial_pages().items():
        parse = best_round([body], lambda body: BeautifulSoup(body, "lxml"), 1)
        discover = best_round([body], find_embeds, 1)
        print(f"  {name:34s} {discover:6.2f} s / {parse:6.2f} s = {discover / parse:5.2f}x")
    print(f"  load average (1 min) {load_before:.1f} to {os.getloadavg()[0]:.1f} over these runs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
