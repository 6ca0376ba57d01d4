from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from archiver.console import print_summary
from archiver.flows.results import ArticleResult, PostResult


def test_hostile_titles_and_errors_print_as_text(tmp_path: Path) -> None:
    post = PostResult("twitter", "1", "https://twitter.com/i/status/1", "failed", error="boom [/red] \x1b[2J")
    results = [
        ArticleResult(
            "a.html", url="https://news.example/a", title="Hello [/bold] world \x1b]0;pwned\x07", posts=[post]
        ),
        ArticleResult("[b]missing", error="no such file: [b]missing"),
    ]
    out = io.StringIO()
    print_summary(results, tmp_path, Console(file=out, width=200, soft_wrap=True))
    text = out.getvalue()
    assert "Hello [/bold] world ?]0;pwned?" in text
    assert "boom [/red] ?[2J" in text
    assert "no such file: [b]missing" in text
    assert "\x1b" not in text
