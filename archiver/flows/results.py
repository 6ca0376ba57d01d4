"""What a flow hands back: one PostResult per post, one ArticleResult per article, the exit code.

Exit codes of `archiver archive` (the README lists them too): 0 every post captured in full or
recorded as gone; 3 not everything was kept: a post failed, or a capture is partial (a media
file, the data, the post's screenshot missing), or the article's render failed or is partial
(its screenshot, DOM or WARC missing; posts found in its HTML are still captured); 1 nothing
could be done (no article could be read).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from archiver.capture.outcome import FAILED_STATUSES

log = logging.getLogger(__name__)

SKIPPED = "skipped"  # a post recorded but not captured: over --max-posts, or past the deadline


@dataclass
class PostResult:
    """One post of an article, after this run."""

    platform: str
    post_id: str | None
    url: str
    # live / deleted / ... / unresolved; failed / timeout when the capture failed; skipped
    status: str
    artifacts: int = 0
    seconds: float = 0.0
    error: str | None = None
    missing: list[str] = field(default_factory=list)
    post_row: int | None = None
    capture_id: int | None = None
    found_in: str | None = None  # where the article's embed of it was found: static, rendered, frame:<url>

    @property
    def failed(self) -> bool:
        return self.status in FAILED_STATUSES

    @property
    def partial(self) -> bool:
        """Captured, but not all of it: `missing` says what was not kept."""
        return not self.failed and self.status != SKIPPED and bool(self.missing)

    @property
    def complete(self) -> bool:
        """Everything this post's capture should keep was kept (or the platform said it is gone)."""
        return not self.failed and self.status != SKIPPED and not self.missing


@dataclass
class ArticleResult:
    source: str
    url: str | None = None
    title: str | None = None
    article_row: int | None = None
    error: str | None = None  # the article could not be read at all
    screenshot_error: str | None = None  # the article's render failed (capture/article.py): why
    article_missing: list[str] = field(default_factory=list)  # what the article's capture lacks
    consent: str | None = None  # the consent platform whose accept button the render clicked
    posts: list[PostResult] = field(default_factory=list)
    seconds: float = 0.0
    report: str | None = None  # the HTML report's index.html, once written

    @property
    def complete(self) -> bool:
        """Read, rendered and kept in full (when asked to render), and every post complete."""
        kept = not self.screenshot_error and not self.article_missing
        return self.error is None and kept and all(p.complete for p in self.posts)

    @property
    def exit_code(self) -> int:
        """0 all kept or recorded as gone, 3 something failed or was not kept, 1 nothing could be done."""
        if self.error is not None:
            return 1
        return 0 if self.complete else 3


def exit_code(results: Sequence[ArticleResult]) -> int:
    """The run's exit code: 1 when no article could be read, 3 when anything failed, else 0."""
    codes = [r.exit_code for r in results]
    if codes and all(c == 1 for c in codes):
        return 1
    return 3 if any(c != 0 for c in codes) else 0


class Reporter(Protocol):
    """What a flow tells its caller as it goes (the CLI draws a progress bar from it)."""

    def article_started(self, source: str) -> None: ...
    def posts_found(self, source: str, count: int) -> None: ...
    def post_done(self, result: PostResult) -> None: ...


class LogReporter:
    """The reporter of a flow nobody watches (the scheduled run, tests): progress goes to the log."""

    def article_started(self, source: str) -> None:
        log.info("archiving %s", source)

    def posts_found(self, source: str, count: int) -> None:
        log.info("%s: %d post(s)", source, count)

    def post_done(self, result: PostResult) -> None:
        log.info("%s %s: %s", result.platform, result.post_id, result.status)
