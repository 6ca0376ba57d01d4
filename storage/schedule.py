"""What scheduled runs keep: watches (the sources a run looks at, and the entries of feeds) and
runs.

    watch, new = store.add_watch("https://example.org/feed.xml", "feed")
    fresh = store.record_entries(watch, [(url, title, published)])     # entries not archived yet
    run = store.start_run(pid=os.getpid())
    store.finish_run(run, "complete", counts={"checked": 12})

See migration m002 for the watches, watch_entries and runs tables. What a run asks about posts
(which are due, which were checked long ago) is in storage.posts and storage.queries.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from storage.core import StoreCore, Timestamp, _ts
from storage.rows import EntryRow, RunRow, WatchRow
from storage.statuses import RUN_OUTCOMES, WATCH_KINDS, WATCH_LOOK_STATUSES, require


class Watches:
    """The watches and watch_entries tables."""

    def __init__(self, core: StoreCore) -> None:
        self._core = core

    def add_watch(
        self, url: str, kind: str, *, title: str | None = None, at: Timestamp = None
    ) -> tuple[int, bool]:
        """Watch `url` as an article or a feed; returns (its id, whether it is new).

        Watching a url again changes nothing but its kind and title (when given).
        """
        require(kind, WATCH_KINDS, "a watch's kind")
        with self._core.write() as db:
            existing = db.execute("SELECT id FROM watches WHERE url = ?", [url]).fetchone()
            if existing is not None:
                db.execute(
                    "UPDATE watches SET kind = ?, title = coalesce(?, title) WHERE id = ?",
                    [kind, title, existing[0]],
                )
                return int(existing[0]), False
            row = {"url": url, "kind": kind, "title": title, "added": _ts(at)}
            return self._core.insert(db, "watches", row), True

    def get_watch(self, watch: int | str) -> WatchRow | None:
        """A watch by id, or by url."""
        column = "id" if isinstance(watch, int) else "url"
        return self._core.row(WatchRow, f"SELECT * FROM watches WHERE {column} = ?", [watch])

    def list_watches(self, kind: str | None = None) -> list[WatchRow]:
        """Every watch (or those of one kind), in the order they were added."""
        if kind is None:
            return self._core.rows(WatchRow, "SELECT * FROM watches ORDER BY id")
        return self._core.rows(WatchRow, "SELECT * FROM watches WHERE kind = ? ORDER BY id", [kind])

    def remove_watch(self, watch: int | str) -> bool:
        """Stop watching (by id or url), forgetting its feed entries; False when it was not watched.

        What was archived from it stays in the archive.
        """
        row = self.get_watch(watch)
        if row is None:
            return False
        with self._core.write() as db:
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
        require(status, WATCH_LOOK_STATUSES, "a look's status")
        with self._core.write() as db:
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
    ) -> list[EntryRow]:
        """Note the (url, title, published) entries a feed lists; returns those not archived yet
        (new ones and ones an earlier run failed or never finished), oldest first."""
        t = _ts(at)
        with self._core.write() as db:
            for url, title, published in entries:
                db.execute(
                    "INSERT INTO watch_entries (watch, url, title, published, first_seen)"
                    " VALUES (?, ?, ?, ?, ?) ON CONFLICT (watch, url) DO NOTHING",
                    [watch, url, title, published, t],
                )
        return self.pending_entries(watch)

    def pending_entries(self, watch: int | None = None) -> list[EntryRow]:
        """Feed entries not archived yet (of one watch, or all), oldest first."""
        sql = "SELECT * FROM watch_entries WHERE archived_at IS NULL"
        params: list[Any] = []
        if watch is not None:
            sql += " AND watch = ?"
            params.append(watch)
        return self._core.rows(EntryRow, sql + " ORDER BY first_seen, id", params)

    def entry_archived(self, entry: int, *, at: Timestamp = None) -> None:
        with self._core.write() as db:
            db.execute(
                "UPDATE watch_entries SET archived_at = ?, attempts = attempts + 1, error = NULL"
                " WHERE id = ?",
                [_ts(at), entry],
            )

    def entry_failed(self, entry: int, error: str) -> None:
        with self._core.write() as db:
            db.execute(
                "UPDATE watch_entries SET attempts = attempts + 1, error = ? WHERE id = ?", [error, entry]
            )

    def url_archived_from_feed(self, url: str) -> bool:
        """True when some feed's entry for `url` was archived already (two feeds listing one article)."""
        row = self._core.db.execute(
            "SELECT 1 FROM watch_entries WHERE url = ? AND archived_at IS NOT NULL LIMIT 1", [url]
        ).fetchone()
        return row is not None


class Runs:
    """The runs table: one row per scheduled run."""

    def __init__(self, core: StoreCore) -> None:
        self._core = core

    def start_run(self, *, pid: int | None = None, at: Timestamp = None) -> int:
        with self._core.write() as db:
            return self._core.insert(db, "runs", {"started": _ts(at), "outcome": "running", "pid": pid})

    def finish_run(
        self,
        run: int,
        outcome: str,
        *,
        counts: dict[str, Any] | None = None,
        error: str | None = None,
        at: Timestamp = None,
    ) -> None:
        require(outcome, RUN_OUTCOMES[1:], "a finished run's outcome")
        with self._core.write() as db:
            db.execute(
                "UPDATE runs SET finished = ?, outcome = ?, counts = ?, error = ? WHERE id = ?",
                [_ts(at), outcome, json.dumps(counts or {}), error, run],
            )

    def close_unfinished_runs(self, *, at: Timestamp = None) -> int:
        """Mark runs still "running" (their process was killed) as interrupted; returns how many.

        Call it only while holding the run lock: then no other run is really running.
        """
        with self._core.write() as db:
            cursor = db.execute(
                "UPDATE runs SET outcome = 'interrupted', finished = ? WHERE outcome = 'running'", [_ts(at)]
            )
            return int(cursor.rowcount)

    def get_run(self, run: int) -> RunRow | None:
        return self._core.row(RunRow, "SELECT * FROM runs WHERE id = ?", [run])

    def last_run(self) -> RunRow | None:
        return self._core.row(RunRow, "SELECT * FROM runs ORDER BY started DESC, id DESC LIMIT 1")
