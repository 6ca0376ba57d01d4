"""The labelled corpus of real pages: recall and precision of find_embeds, scored as score.py does."""

from __future__ import annotations

import csv
import importlib.util
import json
from types import ModuleType

from shared_support import SHARED, needs_shared

from archiver.discovery.find import find_embeds

CORPUS = SHARED / "corpus"
pytestmark = needs_shared("corpus")


def scorer() -> ModuleType:
    """The corpus's own score.py, for its matching rules (platform agrees, id equal or in the URL)."""
    spec = importlib.util.spec_from_file_location("corpus_score", CORPUS / "score.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_recall_and_precision_over_the_labelled_pages():
    score = scorer()
    labels = json.loads((CORPUS / "labels.json").read_text())
    with open(CORPUS / "SOURCES.tsv", newline="") as f:
        sites = {row["id"]: row["site"] for row in csv.DictReader(f, delimiter="\t")}
    tp = fn = fp = 0
    misses: list[str] = []
    for pid, label in sorted(labels.items()):
        body = (CORPUS / "pages" / f"{pid}.html").read_bytes()
        preds = [e.to_dict() for e in find_embeds(body, f"https://{sites.get(pid, 'example.com')}/")]
        used: set[int] = set()
        for want in label["embeds"]:
            hit = next((i for i, p in enumerate(preds) if i not in used and score.matches(p, want)), None)
            if hit is None:
                fn += 1
                misses.append(f"{pid}: missed {want.get('url')}")
            else:
                tp += 1
                used.update(i for i, p in enumerate(preds) if score.matches(p, want))
        for i, p in enumerate(preds):
            ambiguous = any(score.matches(p, a) for a in label.get("ambiguous", []) if a.get("platform"))
            if i not in used and not ambiguous:
                fp += 1
                misses.append(f"{pid}: false {p['platform']} {p['url']}")
    recall, precision = tp / (tp + fn), tp / (tp + fp)
    assert recall >= 0.98 and precision >= 0.98, "\n".join(misses)


def test_every_embed_has_what_the_command_promises():
    for page in sorted((CORPUS / "pages").glob("*.html")):
        for embed in find_embeds(page.read_bytes(), "https://example.com/"):
            assert embed.url.startswith("https://"), (page.name, embed.url)
            assert embed.source in ("blockquote", "iframe", "widget", "text"), (page.name, embed.source)
            assert embed.positions and embed.raw, page.name
