"""Posts: each post we know of, keyed by (platform, post_id), with its current status.

    post = store.upsert_post("twitter", "123", "https://x.com/a/status/123", author_handle="a")
    store.get_post(post), store.find_post("twitter", "123"), store.list_posts(status="deleted")

A post's status changes through checks (storage.checks) or set_post_status; the methods with a
`db` argument are the other parts' way to write a post inside their own transaction. See
storage.migrations for how unresolved posts are keyed.
"""

from __future__ import annotations

import hashlib
import re

from sqlite_utils import Database

from storage.core import StoreCore, Timestamp, _ts
from storage.rows import PostRow
from storage.statuses import POST_STATUSES, require

UNRESOLVED_PREFIX = "unresolved:"


def unresolved_post_id(short_link: str | None = None, text: str | None = None, raw: str = "") -> str:
    """The stable synthetic post_id of a post whose real id is not known yet (see migrations)."""
    if short_link:
        link = re.sub(r"^[a-z]+://", "", short_link.strip(), flags=re.I).rstrip("/")
        host, _, rest = link.partition("/")
        return f"{UNRESOLVED_PREFIX}{host.lower()}/{rest}" if rest else f"{UNRESOLVED_PREFIX}{host.lower()}"
    basis = " ".join((text or raw).split())
    if not basis:
        raise ValueError("an unresolved post needs a short link or some text to be keyed by")
    return f"{UNRESOLVED_PREFIX}sha256:{hashlib.sha256(basis.encode('utf-8')).hexdigest()[:16]}"


def require_post_status(status: str) -> None:
    require(status, POST_STATUSES, "post status")


class Posts:
    """The posts table."""

    def __init__(self, core: StoreCore) -> None:
        self._core = core

    def upsert_post(
        self,
        platform: str,
        post_id: str,
        url: str,
        *,
        status: str | None = None,
        author_name: str | None = None,
        author_handle: str | None = None,
        posted_at: str | None = None,
        text: str | None = None,
        next_check_at: Timestamp = None,
        at: Timestamp = None,
    ) -> int:
        """The id of the post (platform, post_id), inserting it the first time; never a duplicate.

        `status` is the status of a new post (default "unknown", or "unresolved" for a synthetic
        id); it does not change an existing one: that is what checks do (record_check). The
        display fields are filled in or refreshed, never blanked by a None.
        """
        first_status = status or ("unresolved" if post_id.startswith(UNRESOLVED_PREFIX) else "unknown")
        require_post_status(first_status)
        t = _ts(at)
        due = _ts(next_check_at) if next_check_at is not None else None
        with self._core.write() as db:
            return self._core.returning_id(
                db,
                """
                INSERT INTO posts (platform, post_id, url, status, status_since, author_name, author_handle,
                                   posted_at, text, first_seen, next_check_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (platform, post_id) DO UPDATE SET
                    author_name = coalesce(excluded.author_name, author_name),
                    author_handle = coalesce(excluded.author_handle, author_handle),
                    posted_at = coalesce(excluded.posted_at, posted_at),
                    text = coalesce(excluded.text, text),
                    next_check_at = coalesce(excluded.next_check_at, next_check_at)
                RETURNING id
                """,
                [
                    platform,
                    post_id,
                    url,
                    first_status,
                    t,
                    author_name,
                    author_handle,
                    posted_at,
                    text,
                    t,
                    due,
                ],
            )

    def get_post(self, post: int) -> PostRow | None:
        return self._core.row(PostRow, "SELECT * FROM posts WHERE id = ?", [post])

    def find_post(self, platform: str, post_id: str) -> PostRow | None:
        return self._core.row(
            PostRow, "SELECT * FROM posts WHERE platform = ? AND post_id = ?", [platform, post_id]
        )

    def posts_with_id(self, post_id: str) -> list[PostRow]:
        """Every post whose platform id is `post_id` (on any platform)."""
        return self._core.rows(PostRow, "SELECT * FROM posts WHERE post_id = ? ORDER BY id", [post_id])

    def list_posts(
        self, status: str | None = None, since: Timestamp = None, limit: int | None = None
    ) -> list[PostRow]:
        """Posts, optionally with a status, in it since `since`; the most recent change first."""
        where, params = [], []
        if status is not None:
            require_post_status(status)
            where.append("status = ?")
            params.append(status)
        if since is not None:
            where.append("status_since >= ?")
            params.append(_ts(since))
        sql = "SELECT * FROM posts" + (" WHERE " + " AND ".join(where) if where else "")
        sql += " ORDER BY status_since DESC, id DESC" + _limit(limit)
        return self._core.rows(PostRow, sql, params)

    def posts_due(self, now: Timestamp = None, limit: int | None = None) -> list[PostRow]:
        """Posts whose next check is due (never scheduled counts as due), soonest first."""
        sql = (
            "SELECT * FROM posts WHERE next_check_at IS NULL OR next_check_at <= ? "
            "ORDER BY next_check_at IS NOT NULL, next_check_at, id"
        )
        return self._core.rows(PostRow, sql + _limit(limit), [_ts(now)])

    def posts_checked_before(self, before: Timestamp, limit: int | None = None) -> list[PostRow]:
        """Posts last checked before `before` (never checked counts), least recently checked first."""
        sql = (
            "SELECT * FROM posts WHERE last_checked IS NULL OR last_checked < ? "
            "ORDER BY last_checked IS NOT NULL, last_checked, id"
        )
        return self._core.rows(PostRow, sql + _limit(limit), [_ts(before)])

    def set_post_status(self, post: int, status: str, *, at: Timestamp = None) -> str:
        """Set a post's status directly (no history row: observations go through record_check).

        Returns the previous status.
        """
        require_post_status(status)
        with self._core.write() as db:
            return self.set_status(db, post, status, _ts(at))

    def set_next_check(self, post: int, at: Timestamp) -> None:
        """When the post is next due for a check."""
        with self._core.write() as db:
            db.execute("UPDATE posts SET next_check_at = ? WHERE id = ?", [_ts(at), post])

    # The other parts' writes, each inside the caller's transaction (`db`)

    def set_status(self, db: Database, post: int, status: str, t: str) -> str:
        """Set the post's status (and since when, if it changed); the previous one. KeyError when
        there is no such post."""
        rows = db.execute("SELECT status FROM posts WHERE id = ?", [post]).fetchall()
        if not rows:
            raise KeyError(f"no post with id {post}")
        previous = str(rows[0][0])
        if status != previous:
            db.execute("UPDATE posts SET status = ?, status_since = ? WHERE id = ?", [status, t, post])
        return previous

    def set_content_hash(self, db: Database, post: int, content_hash: str, t: str) -> bool:
        """Store the post's latest content hash; True when it replaced a different one."""
        (old,) = db.execute("SELECT content_hash FROM posts WHERE id = ?", [post]).fetchone()
        if old == content_hash:
            return False
        db.execute(
            "UPDATE posts SET content_hash = ?, content_since = ? WHERE id = ?", [content_hash, t, post]
        )
        return old is not None

    def mark_checked(self, db: Database, post: int, t: str, next_check_at: Timestamp) -> None:
        """The post was checked at `t`; next due at `next_check_at` when given."""
        db.execute(
            "UPDATE posts SET last_checked = ?, next_check_at = coalesce(?, next_check_at) WHERE id = ?",
            [t, _ts(next_check_at) if next_check_at is not None else None, post],
        )

    def mark_captured(self, db: Database, post: int, t: str) -> None:
        db.execute("UPDATE posts SET last_captured = ? WHERE id = ?", [t, post])

    def rename(self, db: Database, post: int, post_id: str, url: str, resolved_from: str) -> None:
        """Give the post another id and url, keeping the old id in resolved_from."""
        db.execute(
            "UPDATE posts SET post_id = ?, url = ?, resolved_from = ? WHERE id = ?",
            [post_id, url, resolved_from, post],
        )

    def merge(self, db: Database, post: int, into: int, resolved_from: str) -> None:
        """Drop `post` (its rows elsewhere moved to `into` already); `into` keeps resolved_from."""
        db.execute("DELETE FROM posts WHERE id = ?", [post])
        db.execute(
            "UPDATE posts SET resolved_from = coalesce(resolved_from, ?) WHERE id = ?", [resolved_from, into]
        )


def _limit(limit: int | None) -> str:
    return f" LIMIT {int(limit)}" if limit is not None else ""
