"""Discovery time over the labelled corpus against a bare BeautifulSoup(html, "lxml") parse.

Usage: python bench/bench_discover.py [CORPUS_DIR] [--rounds N]

Each side runs over every page, `rounds` times; the best round counts (the least disturbed by
other work on the machine). The ratio is discovery / parse: the aim is 1.5 or less.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

from bs4 import BeautifulSoup

from archiver.discover import find_embeds

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
    parse = best_round(pages, lambda body: BeautifulSoup(body, "lxml"), args.rounds)
    discover = best_round(pages, find_embeds, args.rounds)
    size = sum(len(p) for p in pages) / 1e6
    print(f"pages          {len(pages)} ({size:.1f} MB), {found} posts found")
    print(f"bs4+lxml parse {parse * 1000:8.1f} ms")
    print(f"find_embeds    {discover * 1000:8.1f} ms")
    print(f"ratio          {discover / parse:8.2f}x  (aim: 1.5x or less)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
