"""How `archiver discover` shows what it found: a JSON array, or a table for people."""

from __future__ import annotations

import json
from collections.abc import Sequence

from archiver.models import Embed


def to_json(embeds: Sequence[Embed]) -> str:
    """A JSON array, one object an embed, with every field of Embed."""
    return json.dumps([e.to_dict() for e in embeds], ensure_ascii=False, indent=2)


def to_lines(embeds: Sequence[Embed]) -> list[str]:
    """Two lines a post, readable at any width: what and who, then the URL."""
    lines = []
    width = len(str(len(embeds)))
    for n, e in enumerate(embeds, 1):
        found_as = e.source if e.where in ("dom", "text") else f"{e.source} in {e.where}"
        if e.found_in != "static":  # discover --render: the rendered page, or one of its frames
            found_as += " once rendered" if e.found_in == "rendered" else f" in the {e.found_in}"
        who = " ".join(x for x in (e.author_name, f"(@{e.author_handle})" if e.author_handle else None) if x)
        parts = [e.platform, e.post_id or "(id unknown until resolved)", found_as, who, e.date_text or ""]
        lines.append(f"{n:>{width}}  " + "  ".join(p for p in parts if p))
        lines.append(f"{'':>{width}}  {e.url}")
    return lines
