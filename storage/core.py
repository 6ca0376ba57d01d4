"""The Store's footing: opening the archive, transactions, reading rows, times and errors.

StoreCore knows no table. It holds the open database, the blob store and the lock; it opens
an archive home (archive.db and blobs/, migrations applied), groups writes into transactions
and turns trouble with the database file into a one-line StoreError. Every part of the Store
(storage.db, storage.captures, storage.schedule, storage.verify) derives from it, so each sees
these helpers. The underscored names here (`_ts`, the methods) are private to the storage
package, shared by its modules.

Times are ISO 8601 UTC text; a `Timestamp` argument (datetime or such text) defaults to now.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from sqlite_utils import Database

from storage.blobs import BlobStore
from storage.errors import StoreError
from storage.migrations import migrations

DB_NAME = "archive.db"
BLOBS_DIR = "blobs"

Timestamp = datetime | str | None
_JSON_COLUMNS = ("missing", "timings", "positions", "media_links", "counts")

_S = TypeVar("_S", bound="StoreCore")


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


class StoreCore:
    """The archive's open database (sqlite-utils) and blob store, and the helpers every part uses."""

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
    def open(cls: type[_S], home: Path, *, create: bool = True, timeout: float = 30.0) -> _S:
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

    def __enter__(self: _S) -> _S:
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

    def _insert(self, db: Database, table: str, row: dict[str, Any]) -> int:
        rowid = db.table(table).insert(row).last_rowid
        if rowid is None:
            raise RuntimeError(f"insert into {table} returned no rowid")
        return rowid
