"""The blob store a location names: a folder (storage.blobs.LocalBlobs) or a bucket
(storage.s3blobs.S3Blobs, whose module, and boto3, are imported only for a bucket).

    blobs = open_blobs(home / "blobs")
    blobs = open_blobs("s3://bucket/prefix?endpoint=http://127.0.0.1:9000")
"""

from __future__ import annotations

from pathlib import Path

from storage.blobs import Blobs, LocalBlobs
from storage.errors import StoreError


def open_blobs(location: str | Path, *, read_only: bool = False) -> Blobs:
    """The blob store at `location`: a folder (a path), or a bucket ("s3://bucket/prefix", see
    storage.s3blobs for the endpoint and credentials). StoreError for any other scheme."""
    text = str(location)
    scheme, sep, _ = text.partition("://")
    if not sep:
        return LocalBlobs(Path(location), read_only=read_only)
    if scheme.lower() == "s3":
        from storage.s3blobs import S3Blobs  # boto3 is imported only for an archive in a bucket

        return S3Blobs.from_url(text, read_only=read_only)
    # (the rest of the location is not repeated: it may hold what was meant to stay private)
    raise StoreError(f"blob store {scheme}://…: not a folder nor s3://bucket/prefix")
