"""The archive store: SQLite (through sqlite-utils) for what we know, SHA-256-named blobs for
what we kept. Imports nothing from archiver/: it takes and returns plain values.

    db.py           Store: every read and write of archive.db, and verify()
    migrations.py   the schema
    blobs.py        BlobStore: content-addressed files, atomic writes
    errors.py       StoreError, BlobTooLarge
"""

from __future__ import annotations

from storage.blobs import BlobStore, BlobWriter, is_sha256
from storage.db import (
    CAPTURE_STATUSES,
    POST_STATUSES,
    CheckResult,
    MissingBlob,
    Store,
    VerifyReport,
    now,
    unresolved_post_id,
)
from storage.errors import BlobTooLarge, StoreError

__all__ = [
    "CAPTURE_STATUSES",
    "POST_STATUSES",
    "BlobStore",
    "BlobTooLarge",
    "BlobWriter",
    "CheckResult",
    "MissingBlob",
    "Store",
    "StoreError",
    "VerifyReport",
    "is_sha256",
    "now",
    "unresolved_post_id",
]
