#!/usr/bin/env python3
"""Score embed discovery on our own hand-labelled news pages (tests/corpus), per split.

Usage (from the project root):
    .venv/bin/python tests/corpus/score.py                 # find_embeds in this process
    .venv/bin/python tests/corpus/score.py --split tune -v # one split; -v lists misses and false posts
    .venv/bin/python tests/corpus/score.py --cmd 'archiver discover --json --base-url {base} {page}'

A label matches a found post when the platform is the same and the label's id is the post's
post_id or occurs in its url (a label without id: the url is the same). The same post found
twice is one hit. Posts found with source "link" are not embeds and are not scored. A found
post matching one of the page's "ambiguous" labels counts neither way. Pages are read from
--pages (default: pages/ beside this file, else ../shared/owncorpus/pages beside the clone),
as .html or .html.gz.

split.json maps each split's name to its page ids. "tune" is what discovery may be tuned on; every
other split (a held-out set, or "held_out_spent": a held-out set already looked at, folded into
tune and listed again to keep its score in sight) is printed as a row of its own.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shlex
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
Predictor = Callable[["Page"], list[dict[str, Any]]]


@dataclass(frozen=True)
class Page:
    """One labelled page: its file, the site it came from and what it really embeds."""

    id: str
    path: Path
    site: str
    label: dict[str, Any]

    @property
    def base_url(self) -> str:
        return f"https://{self.site}/"

    def body(self) -> bytes:
        data = self.path.read_bytes()
        return gzip.decompress(data) if self.path.suffix == ".gz" else data


@dataclass
class Score:
    """Counts over a set of pages, with every miss and false post named."""

    hits: int = 0
    misses: list[str] = field(default_factory=list)
    false: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    labelled: Counter[str] = field(default_factory=Counter)
    missed: Counter[str] = field(default_factory=Counter)
    pages: int = 0

    @property
    def recall(self) -> float:
        total = self.hits + len(self.misses)
        return self.hits / total if total else 1.0

    @property
    def precision(self) -> float:
        total = self.hits + len(self.false)
        return self.hits / total if total else 1.0

    def line(self) -> str:
        return (
            f"pages={self.pages} embeds={self.hits + len(self.misses)} found={self.hits} "
            f"missed={len(self.misses)} false={len(self.false)} errors={len(self.errors)} "
            f"recall={self.recall:.3f} precision={self.precision:.3f}"
        )


def load(corpus: Path = HERE, pages_dir: Path | None = None) -> tuple[dict[str, Page], dict[str, list[str]]]:
    """The labelled pages by id and the splits (name -> ids). Missing page files are left out."""
    labels = json.loads((corpus / "labels.json").read_text(encoding="utf-8"))
    split = json.loads((corpus / "split.json").read_text(encoding="utf-8"))
    # pages/ beside the labels, else where the data files are kept: ../shared/owncorpus/pages
    # beside the clone (or under ARCHIVER_SHARED).
    beside_clone = corpus.resolve().parents[2] if len(corpus.resolve().parents) > 2 else corpus.resolve()
    shared = Path(os.environ.get("ARCHIVER_SHARED") or beside_clone / "shared")
    beside = corpus / "pages"
    folder = pages_dir or (beside if beside.is_dir() else shared / "owncorpus" / "pages")
    pages: dict[str, Page] = {}
    for pid, label in labels.items():
        for name in (f"{pid}.html", f"{pid}.html.gz"):
            if (folder / name).is_file():
                pages[pid] = Page(pid, folder / name, label["site"], label)
    return pages, split


def matches(found: dict[str, Any], label: dict[str, Any]) -> bool:
    """Whether a found post is the labelled one (see the module docstring)."""
    if str(found.get("platform") or "").lower() != label["platform"]:
        return False
    want = label.get("id")
    if not want:
        return bool(found.get("url")) and found.get("url") == label["url"]
    return str(found.get("post_id")) == want or want in str(found.get("url") or "")


def score_page(page: Page, found: Iterable[dict[str, Any]], into: Score) -> None:
    """Add one page's hits, misses and false posts to `into`."""
    found = [f for f in found if f.get("source") != "link"]
    used: set[int] = set()
    into.pages += 1
    for label in page.label["embeds"]:
        into.labelled[label["platform"]] += 1
        same = [i for i, f in enumerate(found) if matches(f, label)]
        if same:
            into.hits += 1
            used.update(same)
        else:
            into.missed[label["platform"]] += 1
            into.misses.append(f"{page.id}: MISS {label['platform']} {label.get('id') or label['url']}")
    ambiguous = page.label.get("ambiguous", [])
    seen: set[tuple[str, str]] = set()
    for i, f in enumerate(found):
        if i in used or any(matches(f, a) for a in ambiguous):
            continue
        key = (str(f.get("platform")), str(f.get("post_id") or f.get("url")))
        if key not in seen:  # one wrong post found twice is one false post
            seen.add(key)
            into.false.append(f"{page.id}: FALSE {f.get('platform')} {f.get('post_id')} {f.get('url')}")


def find_embeds_predictor() -> Predictor:
    """Discovery run in this process (the project's find_embeds)."""
    from archiver.discovery.find import find_embeds

    def predict(page: Page) -> list[dict[str, Any]]:
        return [e.to_dict() for e in find_embeds(page.body(), page.base_url)]

    return predict


def command_predictor(cmd: str, timeout: float) -> Predictor:
    """A command per page that prints a JSON array of posts ({page} and {base} are filled in)."""

    def predict(page: Page) -> list[dict[str, Any]]:
        with tempfile.TemporaryDirectory() as tmp:
            plain = Path(tmp) / f"{page.id}.html"
            plain.write_bytes(page.body())
            argv = [a.format(page=str(plain), base=page.base_url) for a in shlex.split(cmd)]
            done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"exit {done.returncode}: {done.stderr.strip()[-300:]}")
        out = json.loads(done.stdout)
        if not isinstance(out, list):
            raise RuntimeError("not a JSON array")
        return [p for p in out if isinstance(p, dict)]

    return predict


def score(pages: Iterable[Page], predict: Predictor) -> Score:
    result = Score()
    for page in pages:
        try:
            found = predict(page)
        except Exception as exc:  # one broken page is reported, the rest still scored
            result.errors.append(f"{page.id}: ERROR {type(exc).__name__}: {exc}")
            found = []
        score_page(page, found, result)
    return result


def report(name: str, result: Score, verbose: bool) -> None:
    print(f"== {name}")
    for platform, n in sorted(result.labelled.items()):
        print(f"  {platform:12s} found {n - result.missed[platform]:4d} of {n}")
    if verbose:
        for line in result.errors + result.misses + result.false:
            print(f"  {line}")
    print(f"  {result.line()}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=HERE, help="folder with labels.json and split.json")
    ap.add_argument("--pages", type=Path, default=None, help="folder of the page files [CORPUS/pages]")
    ap.add_argument("--split", default="all", help="a split of split.json, or all: each in turn [all]")
    ap.add_argument("--cmd", help="run this command per page instead of find_embeds in-process")
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--verbose", "-v", action="store_true")
    args = ap.parse_args(argv)

    pages, split = load(args.corpus, args.pages)
    if not pages:
        print(f"no page files under {args.pages or args.corpus / 'pages'}", file=sys.stderr)
        return 2
    predict = command_predictor(args.cmd, args.timeout) if args.cmd else find_embeds_predictor()
    if args.split != "all" and args.split not in split:
        print(f"no split {args.split!r} in split.json (there are: {', '.join(split)})", file=sys.stderr)
        return 2
    parts = sorted(split, key=lambda name: (name != "tune", name)) if args.split == "all" else [args.split]
    errors = 0
    for part in parts:
        chosen = [pages[i] for i in split[part] if i in pages]
        result = score(chosen, predict)
        errors += len(result.errors)
        report(f"{part} ({len(split[part]) - len(chosen)} page files missing)", result, args.verbose)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
