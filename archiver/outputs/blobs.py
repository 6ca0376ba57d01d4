"""Every blob a report or an export reads, read here: streamed while it is hashed, so that a
blob whose bytes no longer match its SHA-256 is never copied out silently.

    blob = Blob(sha, "the screenshot of post 2 (twitter) in article 1, capture 5")
    with open_blob(store.blobs, blob) as stream:        # BlobMissing if it is not there
        shutil.copyfileobj(stream, out)                  # BlobCorrupt when the block ends
    data = read_blob(store.blobs, blob)                  # the same, for small blobs
    check_blob(store.blobs, blob)                        # read through, keep nothing

Where the blobs are read from (a BlobSource) is the archive's blob store (Store.blobs: its
folder, or its bucket, storage.blobs) or, as before stores could be buckets, a function giving
a blob's file (Store.blobs.path, which only a folder has).

The hash is known only once the last byte is read, so a caller writes what it reads somewhere
temporary (outputs/atomic.py) and keeps it only when the block ended without an error. The
errors (archiver.errors.OutputError) name the blob's SHA-256 and whose it is, on one line.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from archiver.errors import BlobCorrupt, BlobMissing, OutputError
from storage.blobs import CHUNK, Blobs, is_sha256

# Where the archive keeps a blob: Store.blobs.path.
BlobPath = Callable[[str], Path]
# Where an output reads blobs from: the blob store itself (Store.blobs), or a BlobPath.
BlobSource = Blobs | BlobPath


def _open(source: BlobSource, sha: str) -> BinaryIO:
    """The blob to read; FileNotFoundError when it is not there, OSError or StoreError when it
    cannot be read."""
    if isinstance(source, Blobs):
        return source.open(sha)
    return open(source(sha), "rb")


def _size(source: BlobSource, sha: str) -> int:
    return source.size(sha) if isinstance(source, Blobs) else source(sha).stat().st_size


def local_file(source: BlobSource, sha: str) -> Path | None:
    """The blob's file, when its store keeps files (to hard-link it), else None."""
    return source.local_path(sha) if isinstance(source, Blobs) else source(sha)


@dataclass(frozen=True)
class Blob:
    """A blob an output needs, and whose it is (for the error that names it)."""

    sha256: str
    what: str


class CheckedStream:
    """A blob opened for reading: each byte read goes through its SHA-256 (see open_blob)."""

    def __init__(self, file: BinaryIO, size: int) -> None:
        self._file = file
        self._digest = hashlib.sha256()
        self._read = 0
        self.size = size  # as its store says; its hash is checked, not this

    def read(self, size: int | None = -1) -> bytes:
        data = self._file.read(-1 if size is None else size)
        self._digest.update(data)
        self._read += len(data)
        return data

    def tell(self) -> int:
        return self._read

    def readable(self) -> bool:
        return True

    def _finish(self) -> str:
        while self.read(CHUNK):
            pass
        return self._digest.hexdigest()


@contextmanager
def open_blob(blobs: BlobSource, blob: Blob) -> Iterator[CheckedStream]:
    """The blob as a stream to read. When the block ends, the rest of it is read and its hash
    checked: BlobCorrupt if it does not match. BlobMissing when it is not there (or the row
    names no valid blob); OutputError when it cannot be read (StoreError when its bucket
    cannot be reached)."""
    if not is_sha256(blob.sha256):
        raise BlobMissing(repr(blob.sha256)[:80], blob.what, "is not a SHA-256, so names no blob")
    try:
        size = _size(blobs, blob.sha256)
        file = _open(blobs, blob.sha256)  # closed below, after the hash is checked
    except FileNotFoundError:
        raise BlobMissing(blob.sha256, blob.what) from None
    except OSError as exc:
        raise OutputError(f"{blob.what}: cannot read blob {blob.sha256}: {exc.strerror or exc}") from None
    with file:
        stream = CheckedStream(file, size)
        try:
            yield stream
        except Exception:
            # What read it may have choked on damaged bytes first (a WARC that no longer
            # parses): then the damage is the error to report.
            actual = stream._finish()
            if actual != blob.sha256:
                raise BlobCorrupt(blob.sha256, blob.what, actual) from None
            raise
        actual = stream._finish()
    if actual != blob.sha256:
        raise BlobCorrupt(blob.sha256, blob.what, actual)


def read_blob(blobs: BlobSource, blob: Blob) -> bytes:
    """The blob's bytes, checked (for the small ones: an article's HTML)."""
    with open_blob(blobs, blob) as stream:
        return stream.read()


def check_blob(blobs: BlobSource, blob: Blob) -> int:
    """Read the blob through and check its hash, keeping nothing; its size."""
    with open_blob(blobs, blob) as stream:
        while stream.read(CHUNK):
            pass
    return stream.tell()


def blob_size(blobs: BlobSource, blob: Blob) -> int:
    """The blob's size in bytes (not a read: its hash is checked when it is copied out)."""
    if not is_sha256(blob.sha256):
        raise BlobMissing(repr(blob.sha256)[:80], blob.what, "is not a SHA-256, so names no blob")
    try:
        return _size(blobs, blob.sha256)
    except FileNotFoundError:
        raise BlobMissing(blob.sha256, blob.what) from None
    except OSError as exc:
        raise OutputError(f"{blob.what}: cannot read blob {blob.sha256}: {exc.strerror or exc}") from None
