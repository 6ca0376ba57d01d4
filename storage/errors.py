"""The errors the store raises on purpose, and how trouble with the database file is said.

    StoreError          the archive home, its database or its blob folder is unusable
    BlobTooLarge        a streamed blob went over its size cap; nothing of it was kept

StoreError messages are one line, meant for the user (archiver.errors re-exports the class so
the command line reports it like its own errors). BlobTooLarge is a result the caller records
(a media file over the cap), not a fault of the store.

database_error() turns an sqlite3 error about the file itself (damaged, locked, read-only,
full, unreadable) into a StoreError; any other sqlite3 error (a constraint, bad SQL) is ours
to fix and gets None, so that it keeps its traceback.
"""

from __future__ import annotations

import sqlite3

# A copy first: .recover writes what it can still read as SQL, into a new database.
RECOVER_HINT = "copy the archive home before any repair (sqlite3 archive.db .recover | sqlite3 recovered.db)"

# Trouble with the database file: SQLite's primary result code, the words of its message (for
# a Python without sqlite_errorcode), and how we say it.
_TROUBLE = (
    (26, "file is not a database", "is not an SQLite database, or its first page is damaged"),  # NOTADB
    (11, "malformed", "is damaged"),  # SQLITE_CORRUPT: "database disk image is malformed", …
    (5, "database is locked", "is locked by another process"),  # SQLITE_BUSY
    (8, "readonly database", "is read-only"),  # SQLITE_READONLY
    (14, "unable to open database file", "cannot be opened"),  # SQLITE_CANTOPEN
    (10, "disk i/o error", "cannot be read or written (disk I/O error)"),  # SQLITE_IOERR
    (13, "database or disk is full", "cannot be written: the disk is full"),  # SQLITE_FULL
)
_DAMAGE = (26, 11)


class StoreError(Exception):
    """The archive cannot be used as it is: the message says what and where, on one line."""


class BlobTooLarge(Exception):
    """A stream passed `limit` bytes; the partial file was removed."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"larger than the {limit:,}-byte cap")
        self.limit = limit


def database_error(exc: sqlite3.Error, where: object) -> StoreError | None:
    """The one-line StoreError for trouble with the database file `where` (its path), or None
    when `exc` is not about the file."""
    code = getattr(exc, "sqlite_errorcode", None)  # Python 3.11+
    message = str(exc).lower()
    for primary, words, said in _TROUBLE:
        if (code & 0xFF == primary) if isinstance(code, int) else words in message:
            line = f"archive database {where} {said}"
            if primary in _DAMAGE:
                line += f" ({exc}); {RECOVER_HINT}"
            return StoreError(line)
    return None
