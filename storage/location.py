"""Where the archive keeps its blobs: recorded once in the blob_store table, checked at every open.

    location = BlobLocation(core)
    location.check(blobs.location, home)          # Store.open: StoreError when they are elsewhere
    location.record(blobs.location)               # (once the store is found reachable)

An archive whose blobs are in a bucket, opened without that bucket (or with another, or the
other way round), would find every blob missing and, worse, write new ones beside the old;
it says where its blobs are in one line instead. A location is None for the folder blobs/ in
the home (wherever the home is moved) or "s3://bucket/prefix": the bucket and prefix only,
not the endpoint nor the region, which say how to reach it from here.

The first writable open of a new archive records where it was opened, once the bucket is
found there (m004 records the folder for an archive that had already kept something). To
move an archive's blobs, copy them over (the layout is the same: ab/cd/<sha256> under the
prefix), set the record to the new place (`UPDATE blob_store SET location =
's3://bucket/prefix'`; NULL for the folder), and verify.
"""

from __future__ import annotations

import sqlite3

from storage.core import StoreCore, _ts
from storage.errors import StoreError
from storage.rows import BlobStoreRow


def _said(location: str | None) -> str:
    return location if location is not None else "its folder blobs/"


class BlobLocation:
    """The blob_store table."""

    def __init__(self, core: StoreCore) -> None:
        self._core = core

    def recorded(self) -> tuple[bool, str | None]:
        """Whether a location is recorded, and which."""
        row = self._core.row(BlobStoreRow, "SELECT * FROM blob_store WHERE id = 1")
        return (False, None) if row is None else (True, row["location"])

    def check(self, location: str | None, home: object) -> None:
        """StoreError (one line) when the archive at `home` keeps its blobs elsewhere than at
        `location`. A record on a damaged page is not checked (Store.verify still runs there)."""
        try:
            known, recorded = self.recorded()
        except sqlite3.DatabaseError:  # a damaged page: say nothing here, verify says the damage
            return
        if not known or recorded == location:
            return
        if location is None:
            raise StoreError(
                f"the archive at {home} keeps its blobs in {recorded}: open it with that blob "
                f"store (--blob-store {recorded})"
            )
        raise StoreError(
            f"the archive at {home} keeps its blobs in {_said(recorded)}, not in {location}: open it "
            + ("without a blob store setting" if recorded is None else f"with --blob-store {recorded}")
        )

    def record(self, location: str | None) -> None:
        """Record `location` when nothing is recorded yet (and the archive is writable)."""
        if self._core.read_only:
            return
        try:
            if self.recorded()[0]:
                return
        except sqlite3.DatabaseError:
            return
        with self._core.write() as db:
            db.execute(
                "INSERT OR IGNORE INTO blob_store (id, location, since) VALUES (1, ?, ?)",
                [location, _ts(None)],
            )
