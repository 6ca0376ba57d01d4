"""What the Store's methods return: a TypedDict per table, and one per joined or derived shape.

Rows stay plain dicts (`row["id"]`), so they print, compare and go to JSON as they are; these
types tell mypy and the reader which keys a row has. Each table's type has the columns of its
table in storage.migrations, one for one, and `| None` exactly where the column may be NULL:
not where it is NOT NULL or has a default (tests/test_store.py holds them to the schema). JSON
columns (missing, timings, positions, media_links, counts) come back decoded.

    ArticleRow, PostRow, EmbedRow, CaptureRow, ArtifactRow, CheckRow, WatchRow, EntryRow, RunRow,
    BlobStoreRow
    ArtifactFileRow     an artifact with the `path` of its blob            artifacts_for_capture
    EmbeddedPostRow     a post with its embed in one article               posts_for_article
    EmbeddingArticleRow an article with its embed of one post              articles_for_post
    ChangedPostRow      a post with when a check last found it changed     changed_posts
    PlatformCountRow    per platform: posts held, unresolved, due          platform_counts
    TimelineEvent       one thing that happened to a post                  timeline
"""

from __future__ import annotations

from typing import Any, TypedDict


class ArticleRow(TypedDict):
    id: int
    url: str
    final_url: str | None
    title: str | None
    status: str  # statuses.ARTICLE_STATUSES
    http_status: int | None
    error: str | None
    html_sha256: str | None
    first_fetched: str
    last_fetched: str | None


class PostRow(TypedDict):
    id: int
    platform: str
    post_id: str
    url: str
    status: str  # statuses.POST_STATUSES
    status_since: str | None
    author_name: str | None
    author_handle: str | None
    posted_at: str | None
    text: str | None
    content_hash: str | None
    content_since: str | None
    first_seen: str
    last_checked: str | None
    last_captured: str | None
    next_check_at: str | None
    resolved_from: str | None


class EmbedRow(TypedDict):
    id: int
    article: int
    post: int
    position: int | None
    positions: list[int] | None
    source: str
    where_found: str | None
    found_in: str  # static | rendered | frame:<url>
    raw: str | None
    author_name: str | None
    author_handle: str | None
    date_text: str | None
    text: str | None
    media_links: list[str] | None
    first_seen: str
    last_seen: str
    removed_at: str | None


class CaptureRow(TypedDict):
    id: int
    post: int | None
    article: int | None
    status: str  # statuses.CAPTURE_STATUSES
    started: str
    finished: str | None
    duration: float | None
    tool_version: str | None
    error: str | None
    content_hash: str | None
    missing: list[str] | None
    timings: dict[str, float] | None


class ArtifactRow(TypedDict):
    id: int
    capture: int
    kind: str
    sha256: str
    mime: str | None
    size: int
    source_url: str | None


class CheckRow(TypedDict):
    id: int
    post: int
    checked_at: str
    method: str
    outcome: str  # statuses.CHECK_OUTCOMES
    previous_status: str | None
    http_status: int | None
    content_hash: str | None
    changed: int | None  # 1 when the content hash changed, else 0
    detail: str | None


class WatchRow(TypedDict):
    id: int
    url: str
    kind: str  # statuses.WATCH_KINDS
    title: str | None
    added: str
    last_run: str | None
    last_status: str | None  # statuses.WATCH_LOOK_STATUSES
    last_error: str | None
    etag: str | None
    last_modified: str | None
    content_sha256: str | None


class EntryRow(TypedDict):
    """A feed's entry (table watch_entries)."""

    id: int
    watch: int
    url: str
    title: str | None
    published: str | None
    first_seen: str
    archived_at: str | None
    attempts: int
    error: str | None


class RunRow(TypedDict):
    id: int
    started: str
    finished: str | None
    outcome: str  # statuses.RUN_OUTCOMES
    pid: int | None
    counts: dict[str, Any] | None
    error: str | None


class BlobStoreRow(TypedDict):
    """Where the archive keeps its blobs (storage.location): its one row."""

    id: int
    location: str | None  # None: the folder blobs/ in the home; else "s3://bucket/prefix"
    since: str


class ArtifactFileRow(ArtifactRow):
    path: str | None  # where its blob is: its file, or its s3:// URL (None: the row names no valid blob)


class EmbeddedPostRow(PostRow):
    """A post as one article embeds it."""

    position: int | None
    source: str
    embedded_since: str
    removed_at: str | None


class EmbeddingArticleRow(ArticleRow):
    """An article that embeds one post."""

    embedded_since: str
    removed_at: str | None


class ChangedPostRow(PostRow):
    changed_at: str


class PlatformCountRow(TypedDict):
    platform: str
    posts: int  # posts held
    unresolved: int  # of them, those with no id yet
    due: int  # of the others, those due for a re-check now


class TimelineArtifact(TypedDict):
    kind: str
    sha256: str
    mime: str | None
    size: int
    source_url: str | None
    path: str | None


# One event of Store.timeline: `at` and `event` always; the rest by event:
#   first_seen      url
#   embedded, embed_removed   article (its url)
#   check           method, outcome, previous_status, http_status, changed, content_hash, detail
#   status_change   from, to
#   capture         id, status, finished, duration, tool_version, error, content_hash, missing, artifacts
TimelineEvent = TypedDict(
    "TimelineEvent",
    {
        "at": str,
        "event": str,
        "url": str,
        "article": str,
        "method": str,
        "outcome": str,
        "previous_status": str | None,
        "http_status": int | None,
        "changed": int | None,
        "content_hash": str | None,
        "detail": str | None,
        "from": str | None,
        "to": str,
        "id": int,
        "status": str,
        "finished": str | None,
        "duration": float | None,
        "tool_version": str | None,
        "error": str | None,
        "missing": list[str] | None,
        "artifacts": list[TimelineArtifact],
    },
    total=False,
)


# Each table's row type (tests/test_store.py checks them against the schema).
TABLE_ROWS: dict[str, type[Any]] = {
    "articles": ArticleRow,
    "posts": PostRow,
    "embeds": EmbedRow,
    "captures": CaptureRow,
    "artifacts": ArtifactRow,
    "checks": CheckRow,
    "watches": WatchRow,
    "watch_entries": EntryRow,
    "runs": RunRow,
    "blob_store": BlobStoreRow,
}
