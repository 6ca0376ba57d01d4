"""What `archiver archive` shows while it works and when it is done: a progress bar on a
terminal, plain log lines otherwise, then a summary table (or JSON)."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path
from types import TracebackType
from typing import Any, TextIO

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from archiver.flows.results import ArticleResult, PostResult, exit_code

STATUS_STYLE = {
    "live": "green",
    "deleted": "bold red",
    "suspended": "red",
    "protected": "yellow",
    "geo_blocked": "yellow",
    "login_required": "yellow",
    "unavailable": "yellow",
    "unresolved": "magenta",
    "failed": "bold red",
    "timeout": "bold red",
    "skipped": "yellow",
}


class ProgressReporter:
    """A rich progress bar when stderr is a terminal; one line per event when it is not."""

    def __init__(self, stream: TextIO | None = None, quiet: bool = False) -> None:
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.tty = self.stream.isatty() and not quiet
        self._progress: Progress | None = None
        self._task: Any = None

    def __enter__(self) -> ProgressReporter:
        if self.tty:
            self._progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(file=self.stream),
                transient=True,
            )
            self._progress.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._progress is not None:
            self._progress.stop()

    def _line(self, text: str) -> None:
        if not self.quiet:
            print(text, file=self.stream, flush=True)

    def article_started(self, source: str) -> None:
        if self._progress is not None:
            self._task = self._progress.add_task(f"fetching {safe(source)}", total=None)
        else:
            self._line(f"archiving {printable(source)}")

    def posts_found(self, source: str, count: int) -> None:
        if self._progress is not None:
            self._progress.update(self._task, description=f"capturing {count} post(s)", total=count)
        else:
            self._line(f"found {count} post(s) in {printable(source)}")

    def post_done(self, result: PostResult) -> None:
        if self._progress is not None:
            self._progress.advance(self._task)
        else:
            error = f": {result.error}" if result.error and result.failed else ""
            self._line(printable(f"{result.platform} {result.post_id or result.url} {result.status}{error}"))


def found_where(found_in: str | None) -> str:
    """Where an embed was found, in a table cell: html, rendered, frame (its URL in the JSON)."""
    if found_in is None:
        return "-"
    return {"static": "html"}.get(found_in, found_in.split(":", 1)[0])


def printable(text: str) -> str:
    """Text from a page or a platform, its control characters (a hidden escape sequence that
    would drive the terminal) shown as "?"."""
    return "".join(c if c.isprintable() else "?" for c in text)


def safe(text: str) -> str:
    """`printable` text that rich prints as it is: "[/bold]" in a title is no markup."""
    return escape(printable(text))


def print_summary(
    results: list[ArticleResult],
    home: Path,
    console: Console | None = None,
    errors: Console | None = None,
    blob_store: str | None = None,
) -> None:
    """The summary table of each article; an article that could not be archived is one line on
    `errors` (stderr by default). `blob_store`: the bucket the files went to, if not the home."""
    if errors is None:
        errors = console or Console(stderr=True, soft_wrap=True)
    console = console or Console(soft_wrap=True)  # long URLs and paths stay on one line
    for article in results:
        if article.error is not None:
            errors.print(f"[bold red]not archived[/] {safe(article.source)}: {safe(article.error)}")
            continue
        table = Table(title=safe(article.title or article.url or article.source), title_justify="left")
        for column in ("post", "platform", "found", "status", "artifacts", "missing", "time"):
            table.add_column(column, justify="right" if column in ("artifacts", "time") else "left")
        for post in article.posts:
            style = STATUS_STYLE.get(post.status, "")
            status = f"[{style}]{post.status}[/]" if style else post.status
            if post.partial:
                status += " [yellow](partial)[/]"
            table.add_row(
                safe(post.post_id or post.url),
                post.platform,
                found_where(post.found_in),
                status,
                str(post.artifacts),
                str(len(post.missing)) if post.missing else "-",
                f"{post.seconds:.1f}s",
            )
        console.print(table)
        if not article.posts:
            console.print("no embedded posts found")
        if article.consent:
            console.print(f"article: clicked {safe(article.consent)}'s consent accept button")
        if article.screenshot_error:
            console.print(f"[yellow]article render failed (partial):[/] {safe(article.screenshot_error)}")
        for what in article.article_missing:
            if not what.startswith("render: "):  # said just above
                console.print(f"  [yellow]article not kept:[/] {safe(what)}")
        for post in article.posts:
            name = f"{post.platform} {safe(post.post_id or post.url)}"
            if post.error and post.status not in ("live",):
                console.print(f"  {name}: {safe(post.error)}")
            for what in post.missing:
                console.print(f"  [yellow]{name} not kept:[/] {safe(what)}")
        if not article.complete:
            console.print("[yellow]not everything was kept[/] (exit code 3)")
        if article.report:
            console.print(f"report: {safe(article.report)}", soft_wrap=True, highlight=False)
    console.print(
        f"archive: {safe(str(home.resolve()))} (database archive.db, files under "
        f"{safe(blob_store) if blob_store else 'blobs/'})",
        soft_wrap=True,
        highlight=False,
    )


def results_json(results: list[ArticleResult], home: Path) -> str:
    """The summary as JSON: each article and post as recorded, with `complete` flags (false when
    anything failed or is `missing`) and the run's exit code."""
    articles = []
    for result in results:
        article = asdict(result)
        article["complete"] = result.complete
        for post, row in zip(result.posts, article["posts"], strict=True):
            row["complete"] = post.complete
        articles.append(article)
    return json.dumps(
        {"home": str(home.resolve()), "exit_code": exit_code(results), "articles": articles},
        indent=2,
        ensure_ascii=False,
    )
