from __future__ import annotations

import io
import json
from pathlib import Path

from rich.console import Console

from archiver.console import print_summary, results_json
from archiver.flows.results import ArticleResult, PostResult, exit_code


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


def test_a_partial_capture_never_reads_as_complete(tmp_path: Path) -> None:
    partial = PostResult(
        "mastodon", "1", "https://mastodon.social/@a/1", "live", missing=["media: HTTP 404 for photo.jpg"]
    )
    whole = PostResult("twitter", "2", "https://twitter.com/i/status/2", "live")
    results = [ArticleResult("a.html", url="https://news.example/a", title="A", posts=[partial, whole])]

    out = io.StringIO()
    print_summary(results, tmp_path, Console(file=out, width=200, soft_wrap=True))
    text = out.getvalue()
    assert "live (partial)" in text
    assert "mastodon 1 not kept: media: HTTP 404 for photo.jpg" in text
    assert "not everything was kept (exit code 3)" in text

    summary = json.loads(results_json(results, tmp_path))
    assert summary["exit_code"] == 3
    [article] = summary["articles"]
    assert article["complete"] is False
    assert [p["complete"] for p in article["posts"]] == [False, True]
    assert article["posts"][0]["missing"] == ["media: HTTP 404 for photo.jpg"]
    assert exit_code(results) == 3


def test_a_whole_capture_reads_as_complete(tmp_path: Path) -> None:
    whole = PostResult("twitter", "2", "https://twitter.com/i/status/2", "live")
    gone = PostResult("twitter", "3", "https://twitter.com/i/status/3", "deleted")
    results = [ArticleResult("a.html", url="https://news.example/a", title="A", posts=[whole, gone])]
    out = io.StringIO()
    print_summary(results, tmp_path, Console(file=out, width=200, soft_wrap=True))
    assert "partial" not in out.getvalue() and "not everything" not in out.getvalue()
    summary = json.loads(results_json(results, tmp_path))
    assert summary["exit_code"] == 0 and summary["articles"][0]["complete"] is True
