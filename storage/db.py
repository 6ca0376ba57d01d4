"""The Store: every read and write of the archive database, with its blobs.

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
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol

from sqlite_utils import Database

from storage.blobs import BlobStore, is_sha256
from storage.errors import StoreError
from storage.migrations import BLOB_COLUMNS, migrations

DB_NAME = "archive.db"
BLOBS_DIR = "blobs"

# A post's status, as the platform tells it; "unknown" is what a failed check says, and never
# replaces a status the platform did tell us. (Same list as archiver.models.POST_STATUSES.)
POST_STATUSES = ("live", "deleted", "suspended", "protected", "unavailable", "unresolved", "unknown")
CAPTURE_STATUSES = ("running", "complete", "partial", "failed")
ARTICLE_STATUSES = ("fetched", "failed")
UNRESOLVED_PREFIX = "unresolved:"
WATCH_KINDS = ("article", "feed")
# A run's outcome: "stopped" reached its deadline or limit with work left for the next run;
# "interrupted" was killed (found still "running" by the next run).
RUN_OUTCOMES = ("running", "complete", "stopped", "failed", "interrupted")

Timestamp = datetime | str | None
_JSON_COLUMNS = ("missing", "timings", "positions", "media_links", "counts")


class ArtifactLike(Protocol):
    """What archiver.models.Artifact looks like; a plain (kind, data, mime, source_url) tuple also does."""

    @property
    def kind(self) -> str: ...
    @property
    def data(self) -> bytes | Path: ...
    @property
    def mime(self) -> str: ...
    @property
    def source_url(self) -> str | None: ...


# data: the bytes, a file to copy in, or the sha256 of a blob already stored (put_stream).
ArtifactTuple = tuple[str, bytes | Path | str, str, str | None]


def now() -> str:
    return _ts(datetime.now(timezone.utc))


def _ts(at: Timestamp) -> str:
    if at is None:
        return now()
    if isinstance(at, datetime):
        if at.tzinfo is None:
            at = at.replace(tzinfo=timezone.utc)
        return at.astimezone(timezone.utc).isoformat(timespec="milliseconds")
    return at


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


@dataclass(frozen=True)
class MissingBlob:
    table: str
    row_id: int
    column: str
    sha256: str


@dataclass
class VerifyReport:
    """What Store.verify found: sound when every list is empty."""

    blobs: int = 0  # blobs re-hashed
    references: int = 0  # rows naming a blob
    corrupt: list[str] = field(default_factory=list)
    missing: list[MissingBlob] = field(default_factory=list)
    orphaned: list[str] = field(default_factory=list)
    temp_files: list[Path] = field(default_factory=list)
    strays: list[Path] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.corrupt or self.missing or self.orphaned or self.temp_files or self.strays)

    def problems(self) -> list[str]:
        """One line per problem."""
        lines = [f"corrupt: blob {sha} no longer matches its hash" for sha in self.corrupt]
        lines += [
            f"missing: {m.table} row {m.row_id} names blob {m.sha256} ({m.column}), which is not there"
            for m in self.missing
        ]
        lines += [f"orphaned: blob {sha} is named by no row" for sha in self.orphaned]
        lines += [f"temp file: {path} is left from an interrupted write" for path in self.temp_files]
        lines += [f"stray file: {path} is not a blob where it belongs" for path in self.strays]
        return lines

    def summary(self) -> str:
        checked = f"verified {self.blobs} blob(s) and {self.references} reference(s)"
        if self.ok:
            return f"{checked}: all sound"
        counts = [
            (len(self.corrupt), "corrupt"),
            (len(self.missing), "missing"),
            (len(self.orphaned), "orphaned"),
            (len(self.temp_files), "temp file(s)"),
            (len(self.strays), "stray file(s)"),
        ]
        return f"{checked}: " + ", ".join(f"{n} {what}" for n, what in counts if n)


# Errors of the environment (not of our SQL) and how to say them.
_SQLITE_TROUBLE = (
    ("file is not a database", "is not an SQLite database"),
    ("database disk image is malformed", "is damaged (malformed database)"),
    ("database is locked", "is locked by another process"),
    ("readonly database", "is read-only"),
    ("unable to open database file", "cannot be opened"),
    ("disk i/o error", "cannot be read or written (disk I/O error)"),
    ("database or disk is full", "cannot be written: the disk is full"),
)


def _store_error(exc: sqlite3.Error, path: object) -> StoreError | None:
    message = str(exc).lower()
    for needle, said in _SQLITE_TROUBLE:
        if needle in message:
            return StoreError(f"archive database {path} {said}")
    return None


class Store:
    """The archive: its SQLite database (sqlite-utils) and its blob store."""

    def __init__(self, db: Database, blobs: BlobStore, home: Path | None = None) -> None:
        """Use an open Database (e.g. Database(memory=True) in tests); applies the migrations."""
        self.db = db
        self.blobs = blobs
        self.home = home
        self._lock = threading.RLock()
        self._where = home / DB_NAME if home is not None else "(in memory)" if db.memory else "(given)"
        try:
            db.execute("PRAGMA foreign_keys = ON")
            db.enable_wal()
            # In WAL mode NORMAL loses no committed transaction when the process is killed (only,
            # at worst, the last ones on power loss) and spares an fsync per commit.
            db.execute("PRAGMA synchronous = NORMAL")
            migrations.apply(db)
        except sqlite3.Error as exc:
            error = _store_error(exc, self._where)
            if error is None and isinstance(exc, sqlite3.OperationalError):
                # e.g. "table posts already exists": some other program's database
                error = StoreError(f"archive database {self._where} cannot be set up: {exc}")
            if error is None:
                raise
            db.close()
            raise error from None

    @classmethod
    def open(cls, home: Path, *, create: bool = True, timeout: float = 30.0) -> Store:
        """Open the archive in `home`: archive.db and blobs/, created when `create` is true.

        Raises StoreError (one line) when the home cannot be made or used, the database file
        is not one, or another process holds it locked for longer than `timeout` seconds.
        """
        home = Path(home)
        path = home / DB_NAME
        if not create and not path.is_file():
            raise StoreError(f"no archive at {home} (no {DB_NAME})")
        try:
            home.mkdir(parents=True, exist_ok=True)
            (home / BLOBS_DIR).mkdir(exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot use archive home {home}: {exc.strerror or exc}") from None
        try:
            db = Database(sqlite3.connect(path, timeout=timeout, check_same_thread=False))
        except sqlite3.Error as exc:
            raise _store_error(exc, path) or StoreError(f"archive database {path}: {exc}") from None
        return cls(db, BlobStore(home / BLOBS_DIR), home=home)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group several writes into one transaction (many checks at once; all or nothing).

        The methods' own transactions nest inside it. Blobs are still written at once, before
        their rows: a rolled-back transaction can leave orphaned blobs, never missing ones.
        """
        with self._write():
            yield

    @contextmanager
    def _write(self) -> Iterator[Database]:
        """One transaction; trouble with the database file itself becomes a StoreError."""
        with self._lock:
            try:
                with self.db.atomic():
                    yield self.db
            except sqlite3.Error as exc:
                error = _store_error(exc, self._where)
                if error is None:
                    raise
                raise error from None

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        rows = [dict(row) for row in self.db.query(sql, params)]
        for row in rows:
            for column in _JSON_COLUMNS:
                if isinstance(row.get(column), str):
                    row[column] = json.loads(row[column])
        return rows

    def _row(self, sql: str, params: Sequence[Any] = ()) -> dict[str, Any] | None:
        rows = self._rows(sql, params)
        return rows[0] if rows else None

    def _returning_id(self, db: Database, sql: str, params: Sequence[Any]) -> int:
        rows = db.execute(sql, params).fetchall()
        return int(rows[0][0])

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

    # Captures and their artifacts

    def start_capture(
        self, *, post: int | None = None, article: int | None = None, tool_version: str, at: Timestamp = None
    ) -> int:
        """A new capture attempt (status "running") of a post, or of an article when post is None."""
        if post is None and article is None:
            raise ValueError("a capture is of a post or of an article")
        with self._write() as db:
            row = {"post": post, "article": article, "status": "running", "started": _ts(at)}
            return _insert(db, "captures", {**row, "tool_version": tool_version})

    def finish_capture(
        self,
        capture: int,
        status: str,
        *,
        error: str | None = None,
        content_hash: str | None = None,
        missing: Sequence[str] = (),
        artifacts: Iterable[ArtifactLike | ArtifactTuple] = (),
        timings: dict[str, float] | None = None,
        at: Timestamp = None,
    ) -> list[dict[str, Any]]:
        """Close a capture: store its artifacts' blobs, then (one transaction) their rows and the
        capture's outcome. Returns the artifact rows. A post capture that did not fail also
        updates the post's last_captured and, with a content hash, its content_hash.
        """
        if status not in CAPTURE_STATUSES or status == "running":
            raise ValueError(f"a finished capture's status is complete, partial or failed, not {status!r}")
        row = self.get_capture(capture)
        if row is None:
            raise KeyError(f"no capture with id {capture}")
        stored = [self._put_artifact(artifact) for artifact in artifacts]
        t = _ts(at)
        with self._write() as db:
            for kind, sha, mime, source_url in stored:
                _insert(
                    db,
                    "artifacts",
                    {
                        "capture": capture,
                        "kind": kind,
                        "sha256": sha,
                        "mime": mime,
                        "size": self.blobs.size(sha),
                        "source_url": source_url,
                    },
                )
            db.table("captures").update(
                capture,
                {
                    "status": status,
                    "finished": t,
                    "duration": _seconds_between(row["started"], t),
                    "error": error,
                    "content_hash": content_hash,
                    "missing": json.dumps(list(missing)),
                    "timings": json.dumps(timings) if timings is not None else None,
                },
            )
            if row["post"] is not None and status != "failed":
                db.execute("UPDATE posts SET last_captured = ? WHERE id = ?", [t, row["post"]])
                if content_hash is not None:
                    self._set_content_hash(db, row["post"], content_hash, t)
        return self.artifacts_for_capture(capture)

    def _put_artifact(self, artifact: ArtifactLike | ArtifactTuple) -> tuple[str, str, str, str | None]:
        if isinstance(artifact, tuple):
            kind, data, mime, source_url = artifact
        else:
            kind, data, mime, source_url = artifact.kind, artifact.data, artifact.mime, artifact.source_url
        if isinstance(data, bytes):
            sha = self.blobs.put(data)
        elif isinstance(data, Path):
            sha = self.blobs.put_file(data)
        elif is_sha256(data):
            if not self.blobs.exists(data):
                raise ValueError(f"artifact {kind!r} names blob {data}, which is not in the store")
            sha = data
        else:
            raise TypeError(f"artifact {kind!r}: data must be bytes, a Path or a stored blob's sha256")
        return kind, sha, mime, source_url

    def close_unfinished_captures(self, error: str = "interrupted", *, at: Timestamp = None) -> int:
        """Mark captures still "running" (their run was killed) as failed; returns how many."""
        with self._write() as db:
            cursor = db.execute(
                "UPDATE captures SET status = 'failed', error = ?, finished = ? WHERE status = 'running'",
                [error, _ts(at)],
            )
            return int(cursor.rowcount)

    def get_capture(self, capture: int) -> dict[str, Any] | None:
        return self._row("SELECT * FROM captures WHERE id = ?", [capture])

    def captures_for_post(self, post: int) -> list[dict[str, Any]]:
        return self._rows("SELECT * FROM captures WHERE post = ? ORDER BY started, id", [post])

    def captures_for_article(self, article: int) -> list[dict[str, Any]]:
        """The article's own captures (not those of the posts it embeds)."""
        return self._rows(
            "SELECT * FROM captures WHERE article = ? AND post IS NULL ORDER BY started, id", [article]
        )

    def artifacts_for_capture(self, capture: int) -> list[dict[str, Any]]:
        """The capture's artifacts, each with the `path` of its blob."""
        rows = self._rows("SELECT * FROM artifacts WHERE capture = ? ORDER BY id", [capture])
        for row in rows:
            row["path"] = str(self.blobs.path(row["sha256"])) if is_sha256(row["sha256"]) else None
        return rows

    # Checks

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
            check_id = _insert(
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

    def _set_content_hash(self, db: Database, post: int, content_hash: str, t: str) -> bool:
        """Store the post's latest content hash; True when it replaced a different one."""
        (old,) = db.execute("SELECT content_hash FROM posts WHERE id = ?", [post]).fetchone()
        if old == content_hash:
            return False
        db.execute(
            "UPDATE posts SET content_hash = ?, content_since = ? WHERE id = ?", [content_hash, t, post]
        )
        return old is not None

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

    # Verification

    def verify(self) -> VerifyReport:
        """Re-hash every blob and check references both ways (see VerifyReport).

        Run it when no capture is in progress: a blob written just before its row would be
        reported as orphaned.
        """
        report = VerifyReport()
        referenced: set[str] = set()
        for table, column in BLOB_COLUMNS:
            for row in self.db.query(f"SELECT id, {column} AS sha FROM {table} WHERE {column} IS NOT NULL"):
                report.references += 1
                sha = row["sha"]
                if is_sha256(sha) and self.blobs.exists(sha):
                    referenced.add(sha)
                else:
                    report.missing.append(MissingBlob(table, row["id"], column, str(sha)))
        for sha in self.blobs:
            report.blobs += 1
            if not self.blobs.verify(sha):
                report.corrupt.append(sha)
            if sha not in referenced:
                report.orphaned.append(sha)
        report.temp_files = self.blobs.temp_files()
        report.strays = self.blobs.strays()
        return report

    # Watches: the sources a scheduled run looks at (see migration m002)

    def add_watch(
        self, url: str, kind: str, *, title: str | None = None, at: Timestamp = None
    ) -> tuple[int, bool]:
        """Watch `url` as an article or a feed; returns (its id, whether it is new).

        Watching a url again changes nothing but its kind and title (when given).
        """
        if kind not in WATCH_KINDS:
            raise ValueError(f"a watch's kind is one of {WATCH_KINDS}, not {kind!r}")
        with self._write() as db:
            existing = db.execute("SELECT id FROM watches WHERE url = ?", [url]).fetchone()
            if existing is not None:
                db.execute(
                    "UPDATE watches SET kind = ?, title = coalesce(?, title) WHERE id = ?",
                    [kind, title, existing[0]],
                )
                return int(existing[0]), False
            return _insert(db, "watches", {"url": url, "kind": kind, "title": title, "added": _ts(at)}), True

    def get_watch(self, watch: int | str) -> dict[str, Any] | None:
        """A watch by id, or by url."""
        column = "id" if isinstance(watch, int) else "url"
        return self._row(f"SELECT * FROM watches WHERE {column} = ?", [watch])

    def list_watches(self, kind: str | None = None) -> list[dict[str, Any]]:
        """Every watch (or those of one kind), in the order they were added."""
        if kind is None:
            return self._rows("SELECT * FROM watches ORDER BY id")
        return self._rows("SELECT * FROM watches WHERE kind = ? ORDER BY id", [kind])

    def remove_watch(self, watch: int | str) -> bool:
        """Stop watching (by id or url), forgetting its feed entries; False when it was not watched.

        What was archived from it stays in the archive.
        """
        row = self.get_watch(watch)
        if row is None:
            return False
        with self._write() as db:
            db.execute("DELETE FROM watch_entries WHERE watch = ?", [row["id"]])
            db.execute("DELETE FROM watches WHERE id = ?", [row["id"]])
        return True

    def record_watch_look(
        self,
        watch: int,
        *,
        status: str,
        error: str | None = None,
        title: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        content_sha256: str | None = None,
        at: Timestamp = None,
    ) -> None:
        """Note one look at a watched source: when, how it went (status, error) and, when given,
        what makes the next look cheap (validators, the body's hash). None keeps what was there."""
        with self._write() as db:
            db.execute(
                """
                UPDATE watches SET last_run = ?, last_status = ?, last_error = ?,
                    title = coalesce(?, title), etag = coalesce(?, etag),
                    last_modified = coalesce(?, last_modified), content_sha256 = coalesce(?, content_sha256)
                WHERE id = ?
                """,
                [_ts(at), status, error, title, etag, last_modified, content_sha256, watch],
            )

    def record_entries(
        self, watch: int, entries: Iterable[tuple[str, str | None, str | None]], *, at: Timestamp = None
    ) -> list[dict[str, Any]]:
        """Note the (url, title, published) entries a feed lists; returns those not archived yet
        (new ones and ones an earlier run failed or never finished), oldest first."""
        t = _ts(at)
        with self._write() as db:
            for url, title, published in entries:
                db.execute(
                    "INSERT INTO watch_entries (watch, url, title, published, first_seen)"
                    " VALUES (?, ?, ?, ?, ?) ON CONFLICT (watch, url) DO NOTHING",
                    [watch, url, title, published, t],
                )
        return self.pending_entries(watch)

    def pending_entries(self, watch: int | None = None) -> list[dict[str, Any]]:
        """Feed entries not archived yet (of one watch, or all), oldest first."""
        sql = "SELECT * FROM watch_entries WHERE archived_at IS NULL"
        params: list[Any] = []
        if watch is not None:
            sql += " AND watch = ?"
            params.append(watch)
        return self._rows(sql + " ORDER BY first_seen, id", params)

    def entry_archived(self, entry: int, *, at: Timestamp = None) -> None:
        with self._write() as db:
            db.execute(
                "UPDATE watch_entries SET archived_at = ?, attempts = attempts + 1, error = NULL"
                " WHERE id = ?",
                [_ts(at), entry],
            )

    def entry_failed(self, entry: int, error: str) -> None:
        with self._write() as db:
            db.execute(
                "UPDATE watch_entries SET attempts = attempts + 1, error = ? WHERE id = ?", [error, entry]
            )

    def url_archived_from_feed(self, url: str) -> bool:
        """True when some feed's entry for `url` was archived already (two feeds listing one article)."""
        row = self.db.execute(
            "SELECT 1 FROM watch_entries WHERE url = ? AND archived_at IS NOT NULL LIMIT 1", [url]
        ).fetchone()
        return row is not None

    # Runs: one row per scheduled run

    def start_run(self, *, pid: int | None = None, at: Timestamp = None) -> int:
        with self._write() as db:
            return _insert(db, "runs", {"started": _ts(at), "outcome": "running", "pid": pid})

    def finish_run(
        self,
        run: int,
        outcome: str,
        *,
        counts: dict[str, Any] | None = None,
        error: str | None = None,
        at: Timestamp = None,
    ) -> None:
        if outcome not in RUN_OUTCOMES or outcome == "running":
            raise ValueError(f"a finished run's outcome is one of {RUN_OUTCOMES[1:]}, not {outcome!r}")
        with self._write() as db:
            db.execute(
                "UPDATE runs SET finished = ?, outcome = ?, counts = ?, error = ? WHERE id = ?",
                [_ts(at), outcome, json.dumps(counts or {}), error, run],
            )

    def close_unfinished_runs(self, *, at: Timestamp = None) -> int:
        """Mark runs still "running" (their process was killed) as interrupted; returns how many.

        Call it only while holding the run lock: then no other run is really running.
        """
        with self._write() as db:
            cursor = db.execute(
                "UPDATE runs SET outcome = 'interrupted', finished = ? WHERE outcome = 'running'", [_ts(at)]
            )
            return int(cursor.rowcount)

    def get_run(self, run: int) -> dict[str, Any] | None:
        return self._row("SELECT * FROM runs WHERE id = ?", [run])

    def last_run(self) -> dict[str, Any] | None:
        return self._row("SELECT * FROM runs ORDER BY started DESC, id DESC LIMIT 1")

    # What a scheduled run asks about posts

    def posts_checked_before(self, before: Timestamp, limit: int | None = None) -> list[dict[str, Any]]:
        """Posts last checked before `before` (never checked counts), least recently checked first."""
        sql = (
            "SELECT * FROM posts WHERE last_checked IS NULL OR last_checked < ? "
            "ORDER BY last_checked IS NOT NULL, last_checked, id"
        )
        return self._rows(sql + (f" LIMIT {int(limit)}" if limit is not None else ""), [_ts(before)])

    def count_due(self, now: Timestamp = None) -> int:
        (n,) = self.db.execute(
            "SELECT count(*) FROM posts WHERE next_check_at IS NULL OR next_check_at <= ?", [_ts(now)]
        ).fetchone()
        return int(n)

    def next_due(self) -> str | None:
        """When the soonest scheduled check falls due (None when none is scheduled)."""
        (at,) = self.db.execute("SELECT min(next_check_at) FROM posts").fetchone()
        return str(at) if at is not None else None

    def captured_hashes(self, posts: Sequence[int]) -> dict[int, str | None]:
        """For each post with a capture that did not fail: the content hash of its latest such
        capture (None when it recorded none). Posts never captured well are left out."""
        found: dict[int, str | None] = {}
        ids = list(posts)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            rows = self.db.execute(
                f"""
                SELECT post, content_hash FROM (
                    SELECT post, content_hash,
                           row_number() OVER (PARTITION BY post ORDER BY started DESC, id DESC) AS n
                    FROM captures WHERE post IN ({marks}) AND status IN ('complete', 'partial')
                ) WHERE n = 1
                """,
                chunk,
            ).fetchall()
            found.update({int(post): content_hash for post, content_hash in rows})
        return found

    def posts_with_id(self, post_id: str) -> list[dict[str, Any]]:
        """Every post whose platform id is `post_id` (on any platform)."""
        return self._rows("SELECT * FROM posts WHERE post_id = ? ORDER BY id", [post_id])

    def set_next_check(self, post: int, at: Timestamp) -> None:
        """When the post is next due for a check."""
        with self._write() as db:
            db.execute("UPDATE posts SET next_check_at = ? WHERE id = ?", [_ts(at), post])

    def changed_posts(self, since: Timestamp = None) -> list[dict[str, Any]]:
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
        return self._rows(sql + " GROUP BY posts.id ORDER BY changed_at DESC, posts.id DESC", params)


_CHECK_FIELDS = ("method", "outcome", "previous_status", "http_status", "changed", "content_hash", "detail")
_CAPTURE_FIELDS = ("id", "status", "finished", "duration", "tool_version", "error", "content_hash", "missing")
_ARTIFACT_FIELDS = ("kind", "sha256", "mime", "size", "source_url", "path")


def _insert(db: Database, table: str, row: dict[str, Any]) -> int:
    rowid = db.table(table).insert(row).last_rowid
    if rowid is None:
        raise RuntimeError(f"insert into {table} returned no rowid")
    return rowid


def _pick(row: dict[str, Any], names: Sequence[str]) -> dict[str, Any]:
    return {name: row[name] for name in names}


def _check_status(status: str) -> None:
    if status not in POST_STATUSES:
        raise ValueError(f"post status must be one of {POST_STATUSES}, not {status!r}")


def _seconds_between(start: str, end: str) -> float | None:
    try:
        return round((datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds(), 3)
    except (TypeError, ValueError):
        return None
