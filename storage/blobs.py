"""Content-addressed blobs: every blob is named by the SHA-256 of its bytes, kept in a local
folder (LocalBlobs, the default: HOME/blobs) or in an S3-compatible bucket
(storage.s3blobs.S3Blobs); open_blobs(a folder or "s3://bucket/prefix", storage.backends)
picks by scheme.

    blobs = open_blobs(home / "blobs")            # or open_blobs("s3://bucket/prefix")
    sha = blobs.put(data)                         # also put_stream(chunks, max_bytes), put_file(path)
    with blobs.open(sha) as f: ...                # FileNotFoundError when it is not there

What every backend keeps (Blobs, what the Store, verify and repair use): a blob is named only
once its last byte is hashed, and appears whole or not at all; one that is already there is
not written again, and nothing overwrites it; writers of the same bytes at the same time are
harmless (same name, same bytes); a read-only store refuses every write. Only repair deletes
a blob (discard), an orphan no row names (storage.leftovers). The backends differ in what a
killed write leaves (a temp file here; nothing in a bucket) and in `path`, which only a
folder has: readers that may meet either use `open`.

LocalBlobs, under its root (HOME/blobs):

    ab/cd/abcd…(64 hex)   a blob, read-only once written
    tmp/                  blobs being written; a file left here is an interrupted write

A write goes to a temp file in tmp/, is fsynced, made read-only, renamed into place, and the
folder is fsynced: a reader sees the whole blob or nothing. The temp folder sits under the
same root as the fan-out (one file system, so the rename is atomic) rather than beside the
final name, because a streamed blob's name, hence its folder, is known only once its last
byte is hashed. A blob that already exists is not written again, only touched (its time says
when a write last wanted it: repair leaves a recent orphan alone). BlobStore is its old name.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, BinaryIO

from storage.errors import BlobTooLarge, StoreError

CHUNK = 1024 * 1024
_SHA256 = re.compile(r"[0-9a-f]{64}")
_TEMP_PREFIX = ".tmp-"


def is_sha256(value: object) -> bool:
    """True for a lowercase 64-hex-digit SHA-256, the only names blobs have."""
    return isinstance(value, str) and _SHA256.fullmatch(value) is not None


def fan_out(sha: str) -> str:
    """Where a blob sits under the root of its store: ab/cd/abcd… (a folder and a bucket alike)."""
    if not is_sha256(sha):
        raise ValueError(f"not a SHA-256: {sha!r}")
    return f"{sha[:2]}/{sha[2:4]}/{sha}"


def hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def hash_stream(stream: IO[bytes], max_bytes: int | None = None) -> tuple[str, int]:
    """The SHA-256 and size of what `stream` holds from here on; BlobTooLarge past `max_bytes`."""
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(CHUNK):
        size += len(chunk)
        if max_bytes is not None and size > max_bytes:
            raise BlobTooLarge(max_bytes)
        digest.update(chunk)
    return digest.hexdigest(), size


class Blobs(ABC):
    """A content-addressed blob store (see the module): a folder (LocalBlobs) or a bucket
    (S3Blobs). Subclasses give how to spool and commit a blob, and how to find, read, list
    and delete one; writing from bytes, chunks or a file and re-hashing are shared."""

    read_only: bool

    @property
    @abstractmethod
    def location(self) -> str | None:
        """What the archive records as where its blobs are: None for the folder blobs/ in the
        home (wherever the home is moved), else "s3://bucket/prefix"."""

    @abstractmethod
    def check(self) -> None:
        """Raise StoreError (one line) when the store cannot be reached at all (a missing
        bucket, no credentials); a folder is made when first written."""

    def _writable(self) -> None:
        if self.read_only:
            raise StoreError(f"the blobs in {self} are open read-only: nothing can be written there")

    # Writing

    def writer(self, max_bytes: int | None = None) -> BlobWriter:
        """A writer for a blob that arrives in pieces; see BlobWriter."""
        self._writable()
        return BlobWriter(self, max_bytes)

    def put(self, data: bytes) -> str:
        """Store `data` (once) and return its SHA-256."""
        self._writable()
        sha = hashlib.sha256(data).hexdigest()
        if self.exists(sha):
            self._touch(sha)
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

    @abstractmethod
    def _spool(self) -> tuple[IO[bytes], Path | None]:
        """A new file for a blob being written, and its path when it has one (a temp file an
        interrupted write leaves); StoreError when none can be made."""

    @abstractmethod
    def _commit(self, spool: IO[bytes], temp: Path | None, sha: str, size: int) -> None:
        """Make the spooled bytes the blob `sha` (unless it is there already), closing the
        spool; StoreError when that fails (the writer then drops the spool)."""

    @abstractmethod
    def _touch(self, sha: str) -> None:
        """A write wanted blob `sha` again, which is there already: a folder sets its time to
        now, so that repair takes it for a new orphan (a bucket cannot, see S3Blobs)."""

    # Reading

    @abstractmethod
    def exists(self, sha: str) -> bool: ...

    @abstractmethod
    def size(self, sha: str) -> int:
        """The blob's size in bytes; FileNotFoundError when it is not there."""

    @abstractmethod
    def modified(self, sha: str) -> float:
        """When the blob was last written (or, in a folder, wanted again), as a POSIX time;
        FileNotFoundError when it is not there."""

    @abstractmethod
    def open(self, sha: str) -> BinaryIO:
        """The blob, to read from its start; FileNotFoundError when it is not there, StoreError
        when the store cannot be read."""

    def read(self, sha: str) -> bytes:
        with self.open(sha) as f:
            return f.read()

    def verify(self, sha: str) -> bool:
        """Re-hash the blob: True only if it is there and its bytes still match its name."""
        try:
            with self.open(sha) as f:
                return hash_stream(f)[0] == sha
        except FileNotFoundError:
            return False

    def path(self, sha: str) -> Path:
        """The blob's file, in a store that keeps files (LocalBlobs); StoreError in one that
        does not (read it with `open`)."""
        raise StoreError(f"the blobs in {self} are not files: blob {fan_out(sha)} is read with open()")

    def local_path(self, sha: str) -> Path | None:
        """The blob's file when the store keeps files (a report hard-links it), else None."""
        return None

    @abstractmethod
    def where(self, sha: str) -> str:
        """Where the blob is, for people: its file, or its s3:// URL."""

    def __iter__(self) -> Iterator[str]:
        """Every blob's SHA-256, in order (objects that are not blobs where they belong are
        not blobs: see strays)."""
        return iter(self.inventory()[0])

    @abstractmethod
    def inventory(self) -> tuple[list[str], Sequence[Path | str]]:
        """Everything in the store, in one pass: the blobs' SHA-256s in order, and the strays
        (what is there but is not a blob where it belongs)."""

    # Housekeeping

    @abstractmethod
    def discard(self, sha: str) -> int:
        """Delete a blob; its size. Only for an orphan no row names (storage.leftovers.repair)."""

    def temp_files(self) -> list[Path]:
        """Temp files an interrupted write left behind."""
        return []

    def strays(self) -> Sequence[Path | str]:
        """What is in the store but is not a blob where it belongs."""
        return self.inventory()[1]


class BlobWriter:
    """One blob written piece by piece (a download, an async stream); `commit()` names it.

    Use as a context manager: leaving the block without `commit()` (an error, a cap
    exceeded) removes the temp file, so nothing is left behind.
    """

    def __init__(self, blobs: Blobs, max_bytes: int | None = None) -> None:
        self._blobs = blobs
        self.max_bytes = max_bytes
        self.size = 0
        self._digest = hashlib.sha256()
        self._done = False
        self._file, self._temp = blobs._spool()

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
            raise StoreError(f"cannot write blob in {self._blobs}: {exc.strerror or exc}") from None
        self._digest.update(chunk)
        self.size += len(chunk)

    def commit(self) -> str:
        """Finish the blob (in a folder: fsync, make read-only, rename into place; in a bucket:
        upload it, checked); return its SHA-256."""
        if self._done:
            raise ValueError("blob writer already committed or aborted")
        sha = self._digest.hexdigest()
        try:
            self._blobs._commit(self._file, self._temp, sha, self.size)
        except BaseException:
            self.abort()
            raise
        self._done = True
        return sha

    def abort(self) -> None:
        """Drop the unfinished blob and its temp file."""
        self._done = True
        self._file.close()
        if self._temp is not None:
            self._temp.unlink(missing_ok=True)

    def __enter__(self) -> BlobWriter:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if not self._done:
            self.abort()


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


class LocalBlobs(Blobs):
    """Files named by their SHA-256 under `root`, fanned out as ab/cd/<sha256>; `read_only`
    refuses every write (an archive on a read-only mount) with a StoreError."""

    def __init__(self, root: Path, *, read_only: bool = False) -> None:
        self.root = Path(root)
        self.tmp = self.root / "tmp"
        self.read_only = read_only

    def __repr__(self) -> str:
        return f"BlobStore({str(self.root)!r})"

    def __str__(self) -> str:
        return str(self.root)

    @property
    def location(self) -> str | None:
        return None

    def check(self) -> None:
        return None  # the folder is made when first written

    # Writing

    def _spool(self) -> tuple[IO[bytes], Path | None]:
        try:
            self.tmp.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(dir=self.tmp, prefix=_TEMP_PREFIX)
        except OSError as exc:
            raise StoreError(f"cannot write blobs in {self.root}: {exc.strerror or exc}") from None
        return os.fdopen(fd, "wb"), Path(name)

    def _commit(self, spool: IO[bytes], temp: Path | None, sha: str, size: int) -> None:
        """fsync, make read-only, rename into place; a blob already there is only touched."""
        assert temp is not None  # every spool here is a temp file
        final = self.path(sha)
        try:
            spool.flush()
            os.fsync(spool.fileno())
            spool.close()
            if final.exists():  # deduplicated: the blob is already there, its bytes left alone
                temp.unlink()
                _touch(final)
            else:
                final.parent.mkdir(parents=True, exist_ok=True)
                os.chmod(temp, 0o444)
                os.replace(temp, final)
                _fsync_dir(final.parent)
        except OSError as exc:
            raise StoreError(f"cannot store blob {sha} in {self.root}: {exc.strerror or exc}") from None

    def _touch(self, sha: str) -> None:
        _touch(self.path(sha))

    # Reading

    def path(self, sha: str) -> Path:
        return self.root / fan_out(sha)

    def local_path(self, sha: str) -> Path | None:
        return self.path(sha)

    def where(self, sha: str) -> str:
        return str(self.path(sha))

    def exists(self, sha: str) -> bool:
        return self.path(sha).is_file()

    def size(self, sha: str) -> int:
        return self.path(sha).stat().st_size

    def modified(self, sha: str) -> float:
        return self.path(sha).stat().st_mtime

    def open(self, sha: str) -> BinaryIO:
        return open(self.path(sha), "rb")

    def read(self, sha: str) -> bytes:
        return self.path(sha).read_bytes()

    def inventory(self) -> tuple[list[str], list[Path]]:
        blobs: list[str] = []
        strays: list[Path] = []
        for path in self._fanout_files():
            if self._is_blob_path(path):
                blobs.append(path.name)
            else:
                strays.append(path)
        return blobs, strays

    def __iter__(self) -> Iterator[str]:
        for path in self._fanout_files():
            if self._is_blob_path(path):
                yield path.name

    # Housekeeping

    def discard(self, sha: str) -> int:
        """Delete a blob, and the fan-out folders it leaves empty; its size."""
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
        if not self.tmp.is_dir():
            return []
        return sorted(p for p in self.tmp.iterdir() if p.is_file())

    def strays(self) -> list[Path]:
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


BlobStore = LocalBlobs  # its name before the store could be a bucket
