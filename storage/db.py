"""The Store: the archive's content, and the class everyone imports.

    store = Store.open(home)      # creates home/, home/archive.db, home/blobs/; applies migrations
    article = store.record_article(url, html=body, title="…")
    post = store.upsert_post("twitter", "123", "https://x.com/a/status/123", author_handle="a")
    store.record_embed(article, post, source="blockquote", raw=markup, positions=[0])
    capture = store.start_capture(post=post, tool_version="0.1.0")
    store.finish_capture(capture, "complete", artifacts=[("screenshot", png, "image/png", None)])
    store.record_check(post, method="syndication", outcome="deleted", http_status=404)

Each write method is one transaction. Blobs are written before the rows that name them, so an
interruption leaves at worst an orphaned blob (verify reports it), never a row naming a blob
that is not there. Rows come back as plain dicts, JSON columns decoded. Times are ISO 8601 UTC
text; a method's `at` (datetime or such text) defaults to now. See storage.migrations for the
schema and how unresolved posts are keyed.

Here: articles, posts, embeds, checks and a post's timeline. Store is put together from parts,
each a class deriving from StoreCore (so each sees the same helpers), one module each:

    storage/core.py       StoreCore: open/close, transactions, row helpers, times, errors
    storage/captures.py   CaptureMixin: captures and their artifacts
    storage/schedule.py   ScheduleMixin: watches, runs, what a scheduled run asks about posts
    storage/verify.py     VerifyMixin: verify() and its VerifyReport
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from storage.captures import CaptureMixin
from storage.core import StoreCore, Timestamp, _ts
from storage.schedule import ScheduleMixin
from storage.verify import VerifyMixin

# A post's status, as the platform tells it; "unknown" is what a failed check says, and never
# replaces a status the platform did tell us. (Same list as archiver.models.POST_STATUSES.)
POST_STATUSES = ("live", "deleted", "suspended", "protected", "unavailable", "unresolved", "unknown")
ARTICLE_STATUSES = ("fetched", "failed")
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


@dataclass(frozen=True)
class CheckResult:
    """What one recorded check did to its post."""

    check_id: int
    previous_status: str
    status: str  # the post's status after the check ("unknown" outcomes leave it as it was)
    content_changed: bool

    @property
    def status_changed(self) -> bool:
        return self.status != self.previous_status


class Store(CaptureMixin, ScheduleMixin, VerifyMixin, StoreCore):
    """The archive: its SQLite database (sqlite-utils) and its blob store.

    Articles, posts, embeds and checks are here; captures, watches and runs, and verify come
    from the mixins; opening, closing and transactions from StoreCore.
    """

    # Articles

    def record_article(
        self,
        url: str,
        *,
        final_url: str | None = None,
        title: str | None = None,
        html: bytes | None = None,
        http_status: int | None = None,
        status: str = "fetched",
        error: str | None = None,
        at: Timestamp = None,
    ) -> int:
        """Insert or update the article at `url` (its HTML kept as a blob); returns its id.

        A failed fetch (status "failed") keeps what an earlier one learned (title, HTML).
        """
        if status not in ARTICLE_STATUSES:
            raise ValueError(f"article status must be one of {ARTICLE_STATUSES}, not {status!r}")
        sha = self.blobs.put(html) if html is not None else None
        t = _ts(at)
        with self._write() as db:
            return self._returning_id(
                db,
                """
                INSERT INTO articles (url, final_url, title, status, http_status, error, html_sha256,
                                      first_fetched, last_fetched)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (url) DO UPDATE SET
                    final_url = coalesce(excluded.final_url, final_url),
                    title = coalesce(excluded.title, title),
                    status = excluded.status,
                    http_status = excluded.http_status,
                    error = excluded.error,
                    html_sha256 = coalesce(excluded.html_sha256, html_sha256),
                    last_fetched = excluded.last_fetched
                RETURNING id
                """,
                [url, final_url, title, status, http_status, error, sha, t, t],
            )

    def get_article(self, article: int | str) -> dict[str, Any] | None:
        """An article by id, or by url."""
        column = "id" if isinstance(article, int) else "url"
        return self._row(f"SELECT * FROM articles WHERE {column} = ?", [article])

    # Posts

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
        _check_status(first_status)
        t = _ts(at)
        due = _ts(next_check_at) if next_check_at is not None else None
        with self._write() as db:
            return self._returning_id(
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

    def get_post(self, post: int) -> dict[str, Any] | None:
        return self._row("SELECT * FROM posts WHERE id = ?", [post])

    def find_post(self, platform: str, post_id: str) -> dict[str, Any] | None:
        return self._row("SELECT * FROM posts WHERE platform = ? AND post_id = ?", [platform, post_id])

    def set_post_status(self, post: int, status: str, *, at: Timestamp = None) -> str:
        """Set a post's status directly (no history row: observations go through record_check).

        Returns the previous status.
        """
        _check_status(status)
        with self._write() as db:
            return self._set_status(db, post, status, _ts(at))

    def _set_status(self, db: Database, post: int, status: str, t: str) -> str:
        rows = db.execute("SELECT status FROM posts WHERE id = ?", [post]).fetchall()
        if not rows:
            raise KeyError(f"no post with id {post}")
        previous = str(rows[0][0])
        if status != previous:
            db.execute("UPDATE posts SET status = ?, status_since = ? WHERE id = ?", [status, t, post])
        return previous

    def resolve_post(self, post: int, post_id: str, url: str, *, at: Timestamp = None) -> int:
        """Give an unresolved post its real id; returns the id of the row that now holds it.

        If no post has that id yet, the row itself is renamed. If one does, the unresolved row
        is merged into it: its captures, checks and embeds move over (an embed of an article
        the real post already has is dropped; the article's HTML blob still holds its markup)
        and the unresolved row goes. Either way `resolved_from` keeps the synthetic key.
        """
        t = _ts(at)
        with self._write() as db:
            row = self.get_post(post)
            if row is None:
                raise KeyError(f"no post with id {post}")
            if not row["post_id"].startswith(UNRESOLVED_PREFIX):
                raise ValueError(f"post {post} is not unresolved ({row['post_id']})")
            target = self.find_post(row["platform"], post_id)
            if target is None:
                db.execute(
                    "UPDATE posts SET post_id = ?, url = ?, resolved_from = ? WHERE id = ?",
                    [post_id, url, row["post_id"], post],
                )
                self._set_status(db, post, "unknown", t)
                return post
            into = target["id"]
            for table in ("captures", "checks"):
                db.execute(f"UPDATE {table} SET post = ? WHERE post = ?", [into, post])
            db.execute(
                "UPDATE embeds SET post = ? WHERE post = ? AND article NOT IN "
                "(SELECT article FROM embeds WHERE post = ?)",
                [into, post, into],
            )
            db.execute("DELETE FROM embeds WHERE post = ?", [post])
            db.execute("DELETE FROM posts WHERE id = ?", [post])
            db.execute(
                "UPDATE posts SET resolved_from = coalesce(resolved_from, ?) WHERE id = ?",
                [row["post_id"], into],
            )
            return int(into)

    def posts_due(self, now: Timestamp = None, limit: int | None = None) -> list[dict[str, Any]]:
        """Posts whose next check is due (never scheduled counts as due), soonest first."""
        sql = (
            "SELECT * FROM posts WHERE next_check_at IS NULL OR next_check_at <= ? "
            "ORDER BY next_check_at IS NOT NULL, next_check_at, id"
        )
        return self._rows(sql + (f" LIMIT {int(limit)}" if limit is not None else ""), [_ts(now)])

    def list_posts(
        self, status: str | None = None, since: Timestamp = None, limit: int | None = None
    ) -> list[dict[str, Any]]:
        """Posts, optionally with a status, in it since `since`; the most recent change first."""
        where, params = [], []
        if status is not None:
            _check_status(status)
            where.append("status = ?")
            params.append(status)
        if since is not None:
            where.append("status_since >= ?")
            params.append(_ts(since))
        sql = "SELECT * FROM posts" + (" WHERE " + " AND ".join(where) if where else "")
        sql += " ORDER BY status_since DESC, id DESC" + (f" LIMIT {int(limit)}" if limit is not None else "")
        return self._rows(sql, params)

    def status_counts(self) -> dict[str, int]:
        return {
            row["status"]: row["n"]
            for row in self._rows("SELECT status, count(*) AS n FROM posts GROUP BY 1")
        }

    # Embeds

    def record_embed(
        self,
        article: int,
        post: int,
        *,
        source: str,
        where: str = "dom",
        raw: str = "",
        positions: Sequence[int] = (),
        author_name: str | None = None,
        author_handle: str | None = None,
        date_text: str | None = None,
        text: str | None = None,
        media_links: Sequence[str] = (),
        at: Timestamp = None,
    ) -> int:
        """Record that `article` embeds `post` (one row per pair); returns the embed id.

        Seen again, the embed's last_seen and positions are refreshed and a removal is undone;
        the markup and text first found are kept as they were.
        """
        t = _ts(at)
        with self._write() as db:
            return self._returning_id(
                db,
                """
                INSERT INTO embeds (article, post, position, positions, source, where_found, raw, author_name,
                                    author_handle, date_text, text, media_links, first_seen, last_seen)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (article, post) DO UPDATE SET
                    position = excluded.position,
                    positions = excluded.positions,
                    last_seen = excluded.last_seen,
                    removed_at = NULL
                RETURNING id
                """,
                [
                    article,
                    post,
                    min(positions) if positions else None,
                    json.dumps(list(positions)),
                    source,
                    where,
                    raw,
                    author_name,
                    author_handle,
                    date_text,
                    text,
                    json.dumps(list(media_links)),
                    t,
                    t,
                ],
            )

    def mark_removed_embeds(self, article: int, present: Iterable[int], *, at: Timestamp = None) -> list[int]:
        """Mark the article's embeds of posts not in `present` as removed; returns those post ids."""
        keep = set(present)
        t = _ts(at)
        with self._write() as db:
            gone = [
                int(post)
                for (post,) in db.execute(
                    "SELECT post FROM embeds WHERE article = ? AND removed_at IS NULL", [article]
                ).fetchall()
                if post not in keep
            ]
            for post in gone:
                db.execute(
                    "UPDATE embeds SET removed_at = ? WHERE article = ? AND post = ?", [t, article, post]
                )
        return gone

    def embeds_for_article(self, article: int) -> list[dict[str, Any]]:
        return self._rows("SELECT * FROM embeds WHERE article = ? ORDER BY position, id", [article])

    def posts_for_article(self, article: int, include_removed: bool = False) -> list[dict[str, Any]]:
        """The posts an article embeds, in page order, each with its embed's position/source/removed_at."""
        sql = """
            SELECT posts.*, embeds.position, embeds.source,
                   embeds.first_seen AS embedded_since, embeds.removed_at
            FROM embeds JOIN posts ON posts.id = embeds.post
            WHERE embeds.article = ?
        """
        if not include_removed:
            sql += " AND embeds.removed_at IS NULL"
        return self._rows(sql + " ORDER BY embeds.position, embeds.id", [article])

    def articles_for_post(self, post: int) -> list[dict[str, Any]]:
        sql = """
            SELECT articles.*, embeds.first_seen AS embedded_since, embeds.removed_at
            FROM embeds JOIN articles ON articles.id = embeds.article
            WHERE embeds.post = ? ORDER BY embeds.first_seen, articles.id
        """
        return self._rows(sql, [post])

    # Checks and the timeline (a check sets the content hash through CaptureMixin._set_content_hash)

    def record_check(
        self,
        post: int,
        *,
        method: str,
        outcome: str,
        http_status: int | None = None,
        detail: str | None = None,
        content_hash: str | None = None,
        next_check_at: Timestamp = None,
        at: Timestamp = None,
    ) -> CheckResult:
        """Record one look at a post, and what it tells: its status, whether its content changed.

        `outcome` is a post status; "unknown" (a network error, a rate limit) is kept in the
        history but does not change the post's status. The post's last_checked is set and, when
        given, its next_check_at.
        """
        _check_status(outcome)
        t = _ts(at)
        with self._write() as db:
            current = self.get_post(post)
            if current is None:
                raise KeyError(f"no post with id {post}")
            previous = current["status"]
            status = previous if outcome == "unknown" else outcome
            self._set_status(db, post, status, t)
            changed = content_hash is not None and self._set_content_hash(db, post, content_hash, t)
            db.execute(
                "UPDATE posts SET last_checked = ?, next_check_at = coalesce(?, next_check_at) WHERE id = ?",
                [t, _ts(next_check_at) if next_check_at is not None else None, post],
            )
            check_id = self._insert(
                db,
                "checks",
                {
                    "post": post,
                    "checked_at": t,
                    "method": method,
                    "outcome": outcome,
                    "previous_status": previous,
                    "http_status": http_status,
                    "content_hash": content_hash,
                    "changed": int(changed),
                    "detail": detail,
                },
            )
        return CheckResult(check_id, previous, status, changed)

    def checks_for_post(self, post: int) -> list[dict[str, Any]]:
        return self._rows("SELECT * FROM checks WHERE post = ? ORDER BY checked_at, id", [post])

    def timeline(self, post: int) -> list[dict[str, Any]]:
        """Everything that happened to a post, oldest first: each event a dict with `at` and `event`
        (first_seen, embedded, embed_removed, check, status_change, capture). A capture carries its
        artifacts (kind, sha256, size, path)."""
        row = self.get_post(post)
        if row is None:
            raise KeyError(f"no post with id {post}")
        events: list[dict[str, Any]] = [{"at": row["first_seen"], "event": "first_seen", "url": row["url"]}]
        for article in self.articles_for_post(post):
            events.append({"at": article["embedded_since"], "event": "embedded", "article": article["url"]})
            if article["removed_at"]:
                events.append(
                    {"at": article["removed_at"], "event": "embed_removed", "article": article["url"]}
                )
        for check in self.checks_for_post(post):
            events.append({"at": check["checked_at"], "event": "check", **_pick(check, _CHECK_FIELDS)})
            if check["outcome"] not in ("unknown", check["previous_status"]):
                events.append(
                    {
                        "at": check["checked_at"],
                        "event": "status_change",
                        "from": check["previous_status"],
                        "to": check["outcome"],
                    }
                )
        for capture in self.captures_for_post(post):
            event = {"at": capture["started"], "event": "capture", **_pick(capture, _CAPTURE_FIELDS)}
            event["artifacts"] = [
                _pick(a, _ARTIFACT_FIELDS) for a in self.artifacts_for_capture(capture["id"])
            ]
            events.append(event)
        return sorted(events, key=lambda e: e["at"] or "")


_CHECK_FIELDS = ("method", "outcome", "previous_status", "http_status", "changed", "content_hash", "detail")
_CAPTURE_FIELDS = ("id", "status", "finished", "duration", "tool_version", "error", "content_hash", "missing")
_ARTIFACT_FIELDS = ("kind", "sha256", "mime", "size", "source_url", "path")


def _pick(row: dict[str, Any], names: Sequence[str]) -> dict[str, Any]:
    return {name: row[name] for name in names}


def _check_status(status: str) -> None:
    if status not in POST_STATUSES:
        raise ValueError(f"post status must be one of {POST_STATUSES}, not {status!r}")
