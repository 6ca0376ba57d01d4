"""What every part of the Store stands on: opening the database (read-write, or read-only),
transactions, reading rows, times and errors.

connect() opens the archive in a home; a home that is not writable (a read-only mount) is
opened read-only, writing nothing beside archive.db. StoreCore knows no table. It holds the
open database, the blob store and the lock; it applies the migrations (or, read-only, checks
that none is pending), groups writes into transactions (refused when read-only) and turns
trouble with the database file into a one-line StoreError. The Store makes one and hands it to
each of its parts (storage.posts, storage.captures, …). The underscored `_ts` is private to
the storage package, shared by its modules.

Times are ISO 8601 UTC text; a `Timestamp` argument (datetime or such text) defaults to now.
"""

from __future__ import annotations

import functools
import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, ParamSpec, TypeVar, cast

from sqlite_utils import Database

from storage.backends import open_blobs
from storage.blobs import Blobs, LocalBlobs
from storage.errors import StoreError, database_error
from storage.migrations import migrations

DB_NAME = "archive.db"
BLOBS_DIR = "blobs"

Timestamp = datetime | str | None
_JSON_COLUMNS = ("missing", "timings", "positions", "media_links", "counts")

R = TypeVar("R")
P = ParamSpec("P")


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


def writable(home: Path) -> bool:
    """Whether the archive in `home` can be written: archive.db, and the folder beside it (where
    SQLite keeps its -wal and -shm files). False on a read-only mount, even for root."""
    path = home / DB_NAME
    return os.access(home, os.W_OK) and (not path.exists() or os.access(path, os.W_OK))


def connect(
    home: Path, *, create: bool, timeout: float, read_only: bool | None = None, blob_store: str | None = None
) -> tuple[Database, Blobs, bool]:
    """The database and blob store of the archive in `home`, and whether they are read-only.

    `create` makes the home and archive.db when missing. `read_only` None: read-only when the
    existing home is not writable (see Store.open). `blob_store` None: the folder blobs/ in the
    home, else where the blobs are ("s3://bucket/prefix", storage.backends.open_blobs). Raises
    StoreError (one line) when the home cannot be made or used, or the database file cannot be
    opened.
    """
    path = home / DB_NAME
    if read_only is None:
        read_only = home.is_dir() and not writable(home)
        if read_only and create:  # a command that writes, on an evidence copy say
            raise StoreError(f"the archive at {home} is read-only: nothing can be written to it")
    if (read_only or not create) and not path.is_file():
        raise StoreError(f"no archive at {home} (no {DB_NAME})")
    if blob_store is not None:
        if not blob_store.lower().startswith("s3://"):  # the folder is the home's own blobs/
            raise StoreError("a blob store elsewhere than the home is a bucket: s3://bucket/prefix")
        blobs = open_blobs(blob_store, read_only=read_only)
    else:
        blobs = LocalBlobs(home / BLOBS_DIR, read_only=read_only)
    if read_only:
        return _open_read_only(path, timeout), blobs, True
    try:
        home.mkdir(parents=True, exist_ok=True)
        if blob_store is None:
            (home / BLOBS_DIR).mkdir(exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot use archive home {home}: {exc.strerror or exc}") from None
    try:
        db = Database(sqlite3.connect(path, timeout=timeout, check_same_thread=False))
    except sqlite3.Error as exc:
        raise database_error(exc, path) or StoreError(f"archive database {path}: {exc}") from None
    return db, blobs, False


def _open_read_only(path: Path, timeout: float) -> Database:
    """archive.db opened so that nothing beside it is written (SQLite's wal.html, "Read-Only
    Databases"). Without a -wal file (or with an empty one) every commit is in archive.db, and
    `immutable=1` reads it with no lock and no -shm file (which a read-only folder could not
    hold). With one, its commits count too: `mode=ro` reads them, through the -shm file beside it
    (a copy of a home taken while a run wrote to it)."""
    wal = path.with_name(path.name + "-wal")
    mode = "mode=ro" if wal.exists() and wal.stat().st_size > 0 else "immutable=1"
    try:
        connection = sqlite3.connect(
            f"{path.absolute().as_uri()}?{mode}", uri=True, timeout=timeout, check_same_thread=False
        )
    except sqlite3.Error as exc:
        raise database_error(exc, path) or StoreError(f"archive database {path}: {exc}") from None
    try:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as exc:
        connection.close()
        if mode == "mode=ro" and not wal.with_name(path.name + "-shm").exists():
            raise StoreError(
                f"archive database {path} has commits in {wal.name} that cannot be read without "
                f"{path.name}-shm in a read-only folder: copy the archive home somewhere writable"
            ) from None
        raise database_error(exc, path) or StoreError(f"archive database {path}: {exc}") from None
    return Database(connection)


class StoreCore:
    """The archive's open database (sqlite-utils) and blob store, and the helpers every part uses."""

    def __init__(
        self, db: Database, blobs: Blobs, home: Path | None = None, *, read_only: bool = False
    ) -> None:
        """Use an open Database (e.g. Database(memory=True) in tests); applies the migrations,
        unless `read_only`: then it writes nothing, and wants them all applied already."""
        self.db = db
        self.blobs = blobs
        self.read_only = read_only
        self._lock = threading.RLock()
        self._where = home / DB_NAME if home is not None else "(in memory)" if db.memory else "(given)"
        self._home = home if home is not None else self._where
        try:
            db.execute("PRAGMA foreign_keys = ON")
            if read_only:
                pending = [migration.name for migration in migrations.pending(db)]
            else:
                db.enable_wal()
                # In WAL mode NORMAL loses no committed transaction when the process is killed
                # (only, at worst, the last ones on power loss) and spares an fsync per commit.
                db.execute("PRAGMA synchronous = NORMAL")
                migrations.apply(db)
                pending = []
        except sqlite3.Error as exc:
            error = database_error(exc, self._where)
            if error is None and isinstance(exc, sqlite3.OperationalError):
                # e.g. "table posts already exists": some other program's database
                error = StoreError(f"archive database {self._where} cannot be set up: {exc}")
            if error is None:
                raise
            db.close()
            raise error from None
        if pending:
            db.close()
            raise StoreError(
                f"the archive at {self._home} is read-only and older than this version (it lacks "
                f"{', '.join(pending)}): open a writable copy once to bring it up to date"
            )

    @contextmanager
    def write(self) -> Iterator[Database]:
        """One transaction (nested ones join it); trouble with the database file itself becomes a
        StoreError, and so does any write to an archive open read-only."""
        if self.read_only:
            raise StoreError(f"the archive at {self._home} is open read-only: nothing can be written to it")
        with self._lock:
            try:
                with self.db.atomic():
                    yield self.db
            except sqlite3.Error as exc:
                error = database_error(exc, self._where)
                if error is None:
                    raise
                raise error from None

    def guarded(self, method: Callable[P, R]) -> Callable[P, R]:
        """`method`, saying trouble with the database file (a page damaged, the file locked or
        read-only) as a one-line StoreError, as writes do: the Store wraps its surface in it,
        since a damaged page shows only when a read reaches it."""

        @functools.wraps(method)
        def call(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return method(*args, **kwargs)
            except sqlite3.Error as exc:
                error = database_error(exc, self._where)
                if error is None:
                    raise
                raise error from None

        return call

    def damage(self) -> list[str]:
        """What SQLite's integrity check finds wrong with the database file, one line each; empty
        when it is sound."""
        try:
            found = [str(row[0]) for row in self.db.execute("PRAGMA integrity_check").fetchall()]
        except sqlite3.DatabaseError as exc:  # too damaged to be checked at all
            return [str(exc)]
        if found == ["ok"]:
            return []
        lines = (line.strip() for text in found for line in text.splitlines())
        return [line for line in lines if line and not line.startswith("*** in database")]

    def rows(self, row_type: type[R], sql: str, params: Sequence[Any] = ()) -> list[R]:
        """The rows `sql` selects, JSON columns decoded, as what `row_type` says they are."""
        rows = [dict(row) for row in self.db.query(sql, params)]
        for row in rows:
            for column in _JSON_COLUMNS:
                if isinstance(row.get(column), str):
                    row[column] = json.loads(row[column])
        return cast("list[R]", rows)  # the one place a row becomes its type

    def row(self, row_type: type[R], sql: str, params: Sequence[Any] = ()) -> R | None:
        rows = self.rows(row_type, sql, params)
        return rows[0] if rows else None

    def insert(self, db: Database, table: str, row: dict[str, Any]) -> int:
        """Insert a new row; its id. Lists and dicts are stored as JSON, as sqlite-utils stores
        them. Plain SQL: the table API looks the table and its views up on every call, which a
        re-check of thousands of posts pays for once per post."""
        columns = ", ".join(f"[{name}]" for name in row)
        values = [
            json.dumps(value, ensure_ascii=False, default=repr) if isinstance(value, (dict, list)) else value
            for value in row.values()
        ]
        sql = f"INSERT INTO [{table}] ({columns}) VALUES ({', '.join('?' * len(values))})"
        rowid = db.execute(sql, values).lastrowid
        if rowid is None:
            raise RuntimeError(f"insert into {table} returned no rowid")
        return rowid

    def returning_id(self, db: Database, sql: str, params: Sequence[Any]) -> int:
        """Run an `INSERT … RETURNING id` statement; the id."""
        rows = db.execute(sql, params).fetchall()
        return int(rows[0][0])
