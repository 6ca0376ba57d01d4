"""The reads that join tables or aggregate: each a named method here, and only here.

A table's own part (storage.posts, storage.captures, …) reads and writes that table alone;
what crosses tables (a post with its embed, an article with its posts, a post's timeline) or
counts and groups (statuses, what is due, the latest kept capture) is asked here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from storage.captures import Captures
from storage.checks import Checks
from storage.core import StoreCore, Timestamp, _ts
from storage.migrations import BLOB_COLUMNS
from storage.posts import UNRESOLVED_PREFIX, Posts
from storage.rows import (
    ChangedPostRow,
    EmbeddedPostRow,
    EmbeddingArticleRow,
    PlatformCountRow,
    TimelineEvent,
)
from storage.statuses import KEPT_CAPTURE_STATUSES


class Queries:
    """Reads across the Store's tables."""

    def __init__(self, core: StoreCore, posts: Posts, checks: Checks, captures: Captures) -> None:
        self._core = core
        self._posts = posts
        self._checks = checks
        self._captures = captures

    def posts_for_article(self, article: int, include_removed: bool = False) -> list[EmbeddedPostRow]:
        """The posts an article embeds, in page order, each with its embed's position/source/removed_at."""
        sql = """
            SELECT posts.*, embeds.position, embeds.source,
                   embeds.first_seen AS embedded_since, embeds.removed_at
            FROM embeds JOIN posts ON posts.id = embeds.post
            WHERE embeds.article = ?
        """
        if not include_removed:
            sql += " AND embeds.removed_at IS NULL"
        return self._core.rows(EmbeddedPostRow, sql + " ORDER BY embeds.position, embeds.id", [article])

    def articles_for_post(self, post: int) -> list[EmbeddingArticleRow]:
        sql = """
            SELECT articles.*, embeds.first_seen AS embedded_since, embeds.removed_at
            FROM embeds JOIN articles ON articles.id = embeds.article
            WHERE embeds.post = ? ORDER BY embeds.first_seen, articles.id
        """
        return self._core.rows(EmbeddingArticleRow, sql, [post])

    def changed_posts(self, since: Timestamp = None) -> list[ChangedPostRow]:
        """Posts whose content a check found changed (since `since`), the latest change first;
        each with `changed_at`."""
        sql = """
            SELECT posts.*, max(checks.checked_at) AS changed_at
            FROM checks JOIN posts ON posts.id = checks.post
            WHERE checks.changed = 1
        """
        params: list[Any] = []
        if since is not None:
            sql += " AND checks.checked_at >= ?"
            params.append(_ts(since))
        return self._core.rows(
            ChangedPostRow, sql + " GROUP BY posts.id ORDER BY changed_at DESC, posts.id DESC", params
        )

    def status_counts(self) -> dict[str, int]:
        rows = self._core.db.execute("SELECT status, count(*) FROM posts GROUP BY 1").fetchall()
        return {status: n for status, n in rows}

    def platform_counts(self, now: Timestamp = None) -> list[PlatformCountRow]:
        """Per platform (by name): the posts held, how many have no id yet (unresolved), and how
        many of the others are due for a re-check at `now`."""
        sql = """
            SELECT platform, count(*) AS posts,
                   sum(substr(post_id, 1, ?) = ?) AS unresolved,
                   sum(substr(post_id, 1, ?) != ? AND (next_check_at IS NULL OR next_check_at <= ?)) AS due
            FROM posts GROUP BY platform ORDER BY platform
        """
        prefix = [len(UNRESOLVED_PREFIX), UNRESOLVED_PREFIX]
        return self._core.rows(PlatformCountRow, sql, [*prefix, *prefix, _ts(now)])

    def count_due(self, now: Timestamp = None) -> int:
        (n,) = self._core.db.execute(
            "SELECT count(*) FROM posts WHERE next_check_at IS NULL OR next_check_at <= ?", [_ts(now)]
        ).fetchone()
        return int(n)

    def next_due(self) -> str | None:
        """When the soonest scheduled check falls due (None when none is scheduled)."""
        (at,) = self._core.db.execute("SELECT min(next_check_at) FROM posts").fetchone()
        return str(at) if at is not None else None

    def captured_hashes(self, posts: Sequence[int]) -> dict[int, str | None]:
        """For each post with a capture that did not fail: the content hash of its latest such
        capture (None when it recorded none). Posts never captured well are left out."""
        found: dict[int, str | None] = {}
        ids = list(posts)
        kept = ", ".join(f"'{status}'" for status in KEPT_CAPTURE_STATUSES)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            rows = self._core.db.execute(
                f"""
                SELECT post, content_hash FROM (
                    SELECT post, content_hash,
                           row_number() OVER (PARTITION BY post ORDER BY started DESC, id DESC) AS n
                    FROM captures WHERE post IN ({marks}) AND status IN ({kept})
                ) WHERE n = 1
                """,
                chunk,
            ).fetchall()
            found.update({int(post): content_hash for post, content_hash in rows})
        return found

    def timeline(self, post: int) -> list[TimelineEvent]:
        """Everything that happened to a post, oldest first: each event with `at` and `event`
        (first_seen, embedded, embed_removed, check, status_change, capture). A capture carries its
        artifacts (kind, sha256, size, path)."""
        row = self._posts.get_post(post)
        if row is None:
            raise KeyError(f"no post with id {post}")
        events: list[TimelineEvent] = [{"at": row["first_seen"], "event": "first_seen", "url": row["url"]}]
        for article in self.articles_for_post(post):
            events.append({"at": article["embedded_since"], "event": "embedded", "article": article["url"]})
            if article["removed_at"]:
                events.append(
                    {"at": article["removed_at"], "event": "embed_removed", "article": article["url"]}
                )
        for check in self._checks.checks_for_post(post):
            events.append(
                {
                    "at": check["checked_at"],
                    "event": "check",
                    "method": check["method"],
                    "outcome": check["outcome"],
                    "previous_status": check["previous_status"],
                    "http_status": check["http_status"],
                    "changed": check["changed"],
                    "content_hash": check["content_hash"],
                    "detail": check["detail"],
                }
            )
            if check["outcome"] not in ("unknown", check["previous_status"]):
                events.append(
                    {
                        "at": check["checked_at"],
                        "event": "status_change",
                        "from": check["previous_status"],
                        "to": check["outcome"],
                    }
                )
        for capture in self._captures.captures_for_post(post):
            artifacts = self._captures.artifacts_for_capture(capture["id"])
            events.append(
                {
                    "at": capture["started"],
                    "event": "capture",
                    "id": capture["id"],
                    "status": capture["status"],
                    "finished": capture["finished"],
                    "duration": capture["duration"],
                    "tool_version": capture["tool_version"],
                    "error": capture["error"],
                    "content_hash": capture["content_hash"],
                    "missing": capture["missing"],
                    "artifacts": [
                        {
                            "kind": a["kind"],
                            "sha256": a["sha256"],
                            "mime": a["mime"],
                            "size": a["size"],
                            "source_url": a["source_url"],
                            "path": a["path"],
                        }
                        for a in artifacts
                    ],
                }
            )
        return sorted(events, key=lambda e: e["at"] or "")

    def blob_references(self) -> list[tuple[str, int, str, Any]]:
        """Every row naming a blob (storage.migrations.BLOB_COLUMNS): (table, row id, column, the
        value it holds). A list, not a generator: read at once, inside the Store's guard."""
        return [
            (table, row["id"], column, row["sha"])
            for table, column in BLOB_COLUMNS
            for row in self._core.db.query(
                f"SELECT id, {column} AS sha FROM {table} WHERE {column} IS NOT NULL"
            )
        ]
