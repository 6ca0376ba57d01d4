"""The errors the store raises on purpose.

    StoreError          the archive home, its database or its blob folder is unusable
    BlobTooLarge        a streamed blob went over its size cap; nothing of it was kept

StoreError messages are one line, meant for the user (archiver.errors re-exports the class so
the command line reports it like its own errors). BlobTooLarge is a result the caller records
(a media file over the cap), not a fault of the store.
"""

from __future__ import annotations


class StoreError(Exception):
    """The archive cannot be used as it is: the message says what and where, on one line."""


class BlobTooLarge(Exception):
    """A stream passed `limit` bytes; the partial file was removed."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"larger than the {limit:,}-byte cap")
        self.limit = limit
