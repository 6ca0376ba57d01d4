"""Content-addressed files: every blob is named by the SHA-256 of its bytes.

Layout under the root (HOME/blobs):

    ab/cd/abcd…(64 hex)   a blob, read-only once written
    tmp/                  blobs being written; a file left here is an interrupted write

A write goes to a temp file in tmp/, is fsynced, made read-only, renamed into place, and the
folder is fsynced: a reader sees the whole blob or nothing. The temp folder sits under the
same root as the fan-out (one file system, so the rename is atomic) rather than beside the
final name, because a streamed blob's name, hence its folder, is known only once its last
byte is hashed. A blob that already exists is not written again, only touched (its time says
when a write last wanted it: repair leaves a recent orphan alone). Nothing here overwrites a
blob; only repair deletes one (discard), an orphan no row names (storage.leftovers).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from storage.errors import BlobTooLarge, StoreError

CHUNK = 1024 * 1024
_SHA256 = re.compile(r"[0-9a-f]{64}")
_TEMP_PREFIX = ".tmp-"


def is_sha256(value: object) -> bool:
    """True for a lowercase 64-hex-digit SHA-256, the only names blobs have."""
    return isinstance(value, str) and _SHA256.fullmatch(value) is not None


def hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _touch(path: Path) -> None:
    """Set a blob's time to now (best effort: a blob of another owner keeps its time)."""
    with contextlib.suppress(OSError):
        os.utime(path)


def _fsync_dir(path: Path) -> None:
    """Make a rename in `path` durable (best effort: not every platform can open a folder)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class BlobWriter:
    """One blob written piece by piece (a download, an async stream); `commit()` names it.

    Use as a context manager: leaving the block without `commit()` (an error, a cap
    exceeded) removes the temp file, so nothing is left behind.
    """

    def __init__(self, blobs: BlobStore, max_bytes: int | None = None) -> None:
        self._blobs = blobs
        self.max_bytes = max_bytes
        self.size = 0
        self._digest = hashlib.sha256()
        self._done = False
        try:
            blobs.tmp.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(dir=blobs.tmp, prefix=_TEMP_PREFIX)
        except OSError as exc:
            raise StoreError(f"cannot write blobs in {blobs.root}: {exc.strerror or exc}") from None
        self._temp = Path(name)
        self._file = os.fdopen(fd, "wb")

    def write(self, chunk: bytes) -> None:
        if self._done:
            raise ValueError("blob writer already committed or aborted")
        if self.max_bytes is not None and self.size + len(chunk) > self.max_bytes:
            self.abort()
            raise BlobTooLarge(self.max_bytes)
        try:
            self._file.write(chunk)
        except OSError as exc:
            self.abort()
            raise StoreError(f"cannot write blob in {self._blobs.root}: {exc.strerror or exc}") from None
        self._digest.update(chunk)
        self.size += len(chunk)

    def commit(self) -> str:
        """Finish the blob: fsync, make read-only, rename into place; return its SHA-256."""
        if self._done:
            raise ValueError("blob writer already committed or aborted")
        sha = self._digest.hexdigest()
        final = self._blobs.path(sha)
        try:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            if final.exists():  # deduplicated: the blob is already there, its bytes left alone
                self._temp.unlink()
                _touch(final)
            else:
                final.parent.mkdir(parents=True, exist_ok=True)
                os.chmod(self._temp, 0o444)
                os.replace(self._temp, final)
                _fsync_dir(final.parent)
        except OSError as exc:
            self.abort()
            raise StoreError(
                f"cannot store blob {sha} in {self._blobs.root}: {exc.strerror or exc}"
            ) from None
        self._done = True
        return sha

    def abort(self) -> None:
        """Drop the unfinished blob and its temp file."""
        self._done = True
        self._file.close()
        self._temp.unlink(missing_ok=True)

    def __enter__(self) -> BlobWriter:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if not self._done:
            self.abort()


class BlobStore:
    """Files named by their SHA-256 under `root`, fanned out as ab/cd/<sha256>; `read_only`
    refuses every write (an archive on a read-only mount) with a StoreError."""

    def __init__(self, root: Path, *, read_only: bool = False) -> None:
        self.root = Path(root)
        self.tmp = self.root / "tmp"
        self.read_only = read_only

    def __repr__(self) -> str:
        return f"BlobStore({str(self.root)!r})"

    # Writing

    def writer(self, max_bytes: int | None = None) -> BlobWriter:
        """A writer for a blob that arrives in pieces; see BlobWriter."""
        self._writable()
        return BlobWriter(self, max_bytes)

    def _writable(self) -> None:
        if self.read_only:
            raise StoreError(f"the blobs in {self.root} are open read-only: nothing can be written there")

    def put(self, data: bytes) -> str:
        """Store `data` (once) and return its SHA-256."""
        self._writable()
        sha = hashlib.sha256(data).hexdigest()
        if self.exists(sha):
            _touch(self.path(sha))
            return sha
        with self.writer() as writer:
            writer.write(data)
            return writer.commit()

    def put_stream(self, chunks: Iterable[bytes], max_bytes: int | None = None) -> str:
        """Store the concatenated chunks, hashing as they come; BlobTooLarge past `max_bytes`."""
        with self.writer(max_bytes) as writer:
            for chunk in chunks:
                writer.write(chunk)
            return writer.commit()

    def put_file(self, path: Path, max_bytes: int | None = None) -> str:
        """Store a copy of the file at `path` (which is left where it is)."""
        with open(path, "rb") as f:
            return self.put_stream(iter(lambda: f.read(CHUNK), b""), max_bytes)

    # Reading

    def path(self, sha: str) -> Path:
        if not is_sha256(sha):
            raise ValueError(f"not a SHA-256: {sha!r}")
        return self.root / sha[:2] / sha[2:4] / sha

    def exists(self, sha: str) -> bool:
        return self.path(sha).is_file()

    def size(self, sha: str) -> int:
        return self.path(sha).stat().st_size

    def open(self, sha: str) -> BinaryIO:
        return open(self.path(sha), "rb")

    def read(self, sha: str) -> bytes:
        return self.path(sha).read_bytes()

    def verify(self, sha: str) -> bool:
        """Re-hash the blob: True only if it is there and its bytes still match its name."""
        try:
            return hash_file(self.path(sha)) == sha
        except FileNotFoundError:
            return False

    def __iter__(self) -> Iterator[str]:
        """Every blob's SHA-256, in order (files in the wrong place are not blobs: see strays)."""
        for path in self._fanout_files():
            if self._is_blob_path(path):
                yield path.name

    # Housekeeping

    def discard(self, sha: str) -> int:
        """Delete a blob, and the fan-out folders it leaves empty; its size. Only for an orphan
        no row names (storage.leftovers.repair)."""
        self._writable()
        path = self.path(sha)
        size = path.stat().st_size
        path.unlink()
        for folder in (path.parent, path.parent.parent):
            try:
                folder.rmdir()
            except OSError:  # not empty
                break
        return size

    def temp_files(self) -> list[Path]:
        """Temp files an interrupted write left behind."""
        if not self.tmp.is_dir():
            return []
        return sorted(p for p in self.tmp.iterdir() if p.is_file())

    def strays(self) -> list[Path]:
        """Files in the fan-out that are not blobs where they belong."""
        return [p for p in self._fanout_files() if not self._is_blob_path(p)]

    def _is_blob_path(self, path: Path) -> bool:
        return is_sha256(path.name) and path == self.path(path.name)

    def _fanout_files(self) -> Iterator[Path]:
        if not self.root.is_dir():
            return
        for top in sorted(self.root.iterdir()):
            if top == self.tmp:
                continue
            if not top.is_dir():
                yield top
                continue
            for path in sorted(top.rglob("*")):
                if path.is_file():
                    yield path
