"""What scheduled runs use: watches (the sources a run looks at), runs, and what a run asks
about posts (which are due, which were checked long ago, which changed).

    watch, new = store.add_watch("https://example.org/feed.xml", "feed")
    fresh = store.record_entries(watch, [(url, title, published)])     # entries not archived yet
    run = store.start_run(pid=os.getpid())
    store.finish_run(run, "complete", counts={"checked": 12})

See migration m002 for the watches, watch_entries and runs tables.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from storage.core import StoreCore, Timestamp, _ts

WATCH_KINDS = ("article", "feed")
# A run's outcome: "stopped" reached its deadline or limit with work left for the next run;
# "interrupted" was killed (found still "running" by the next run).
RUN_OUTCOMES = ("running", "complete", "stopped", "failed", "interrupted")


class ScheduleMixin(StoreCore):
    """The Store's watches and runs, and the post queries of a scheduled run."""

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
            row = {"url": url, "kind": kind, "title": title, "added": _ts(at)}
            return self._insert(db, "watches", row), True

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
            return self._insert(db, "runs", {"started": _ts(at), "outcome": "running", "pid": pid})

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
