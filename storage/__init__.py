"""The archive store: SQLite (through sqlite-utils) for what we know, SHA-256-named blobs for
what we kept. Imports nothing from archiver/: it takes and returns plain values.

    db.py           Store: the class to import; articles, posts, embeds, checks, a post's timeline
    captures.py     CaptureMixin: captures and their artifacts (part of Store)
    schedule.py     ScheduleMixin: watches, runs, what a scheduled run asks about posts (part of Store)
    verify.py       VerifyMixin: Store.verify() and its VerifyReport, MissingBlob
    core.py         StoreCore: opening the archive, transactions, row helpers, times, error mapping
    migrations.py   the schema
    blobs.py        BlobStore: content-addressed files, atomic writes
    errors.py       StoreError, BlobTooLarge
"""

from __future__ import annotations

from storage.blobs import BlobStore, BlobWriter, is_sha256
from storage.captures import CAPTURE_STATUSES
from storage.core import now
from storage.db import POST_STATUSES, CheckResult, Store, unresolved_post_id
from storage.errors import BlobTooLarge, StoreError
from storage.verify import MissingBlob, VerifyReport

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
