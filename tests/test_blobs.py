"""The blob store: content-addressed, atomic, deduplicated, never overwritten."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

import pytest

from storage.blobs import BlobStore, is_sha256
from storage.errors import BlobTooLarge, StoreError


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_put_names_the_blob_by_its_sha256_under_a_fan_out(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path / "blobs")
    digest = blobs.put(b"hello")
    assert digest == sha(b"hello")
    assert blobs.path(digest) == tmp_path / "blobs" / digest[:2] / digest[2:4] / digest
    assert blobs.read(digest) == b"hello"
    with blobs.open(digest) as f:
        assert f.read() == b"hello"
    assert blobs.size(digest) == 5
    assert blobs.exists(digest)
    assert list(blobs) == [digest]


def test_blobs_are_read_only_once_written(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path)
    digest = blobs.put(b"keep me")
    assert stat.S_IMODE(blobs.path(digest).stat().st_mode) == 0o444


def test_the_same_bytes_are_stored_once_and_not_rewritten(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path)
    first = blobs.put(b"same")
    inode = blobs.path(first).stat().st_ino
    assert blobs.put(b"same") == first
    assert blobs.put_stream([b"sa", b"me"]) == first
    assert blobs.path(first).stat().st_ino == inode
    assert list(blobs) == [first]
    assert blobs.temp_files() == []


def test_put_stream_and_put_file_hash_as_they_go(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path / "blobs")
    chunks = [os.urandom(1000) for _ in range(50)]
    digest = blobs.put_stream(iter(chunks))
    assert digest == sha(b"".join(chunks))
    source = tmp_path / "video.mp4"
    source.write_bytes(b"\x00" * 3_000_000)
    assert blobs.put_file(source) == sha(source.read_bytes())
    assert source.exists()


def test_a_stream_over_the_cap_leaves_nothing_behind(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path)
    with pytest.raises(BlobTooLarge) as caught:
        blobs.put_stream([b"x" * 600, b"x" * 600], max_bytes=1000)
    assert caught.value.limit == 1000
    assert "1,000-byte cap" in str(caught.value)
    assert list(blobs) == []
    assert blobs.temp_files() == []
    # exactly at the cap is fine
    assert blobs.read(blobs.put_stream([b"y" * 1000], max_bytes=1000)) == b"y" * 1000


def test_a_writer_left_without_commit_leaves_nothing(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path)
    with pytest.raises(RuntimeError), blobs.writer() as writer:
        writer.write(b"half a download")
        raise RuntimeError("connection dropped")
    assert list(blobs) == [] and blobs.temp_files() == []


def test_a_crash_between_temp_write_and_rename_leaves_no_half_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blobs = BlobStore(tmp_path)
    data = b"a screenshot" * 1000

    def crash(src: object, dst: object) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(StoreError) as caught:
        blobs.put(data)
    assert "\n" not in str(caught.value)
    assert not blobs.path(sha(data)).exists()
    assert blobs.temp_files() == []
    monkeypatch.undo()
    assert blobs.put(data) == sha(data)
    assert blobs.verify(sha(data))


def test_a_killed_writer_leaves_a_temp_file_but_never_a_partial_blob(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path)
    writer = blobs.writer()
    writer.write(b"process killed here")
    # (no commit, no abort: as if the process died) the final name does not exist
    assert list(blobs) == []
    assert len(blobs.temp_files()) == 1
    writer.abort()
    assert blobs.temp_files() == []


def test_verify_rehashes(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path)
    digest = blobs.put(b"original bytes")
    assert blobs.verify(digest)
    path = blobs.path(digest)
    path.chmod(0o644)
    raw = bytearray(path.read_bytes())
    raw[3] ^= 0x01
    path.write_bytes(bytes(raw))
    assert not blobs.verify(digest)
    assert not blobs.verify(sha(b"never stored"))


def test_strays_are_files_that_are_not_blobs_where_they_belong(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path)
    good = blobs.put(b"good")
    misplaced = tmp_path / "00" / "00" / sha(b"elsewhere")
    misplaced.parent.mkdir(parents=True)
    misplaced.write_bytes(b"elsewhere")
    (tmp_path / "notes.txt").write_text("hi")
    assert list(blobs) == [good]
    assert sorted(blobs.strays()) == sorted([misplaced, tmp_path / "notes.txt"])


def test_names_must_be_sha256(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path)
    assert is_sha256(sha(b""))
    assert not is_sha256("ABC")
    assert not is_sha256(sha(b"").upper())
    with pytest.raises(ValueError):
        blobs.path("../../etc/passwd")


def test_an_unwritable_root_is_a_store_error(tmp_path: Path) -> None:
    afile = tmp_path / "afile"
    afile.write_text("not a folder")
    blobs = BlobStore(afile / "blobs")
    with pytest.raises(StoreError, match="cannot write blobs"):
        blobs.put(b"data")


def test_a_blob_written_again_is_touched_so_repair_sees_it_as_new(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path)
    digest = blobs.put(b"written twice")
    os.utime(blobs.path(digest), (0, 0))
    blobs.put(b"written twice")
    assert blobs.path(digest).stat().st_mtime > 0
    os.utime(blobs.path(digest), (0, 0))
    blobs.put_stream([b"written ", b"twice"])
    assert blobs.path(digest).stat().st_mtime > 0


def test_discard_removes_the_blob_and_the_folders_it_leaves_empty(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path)
    digest, other = blobs.put(b"an orphan"), blobs.put(b"another")
    assert blobs.discard(digest) == len(b"an orphan")
    assert not blobs.path(digest).parent.parent.exists() and list(blobs) == [other]


def test_a_read_only_blob_store_writes_nothing(tmp_path: Path) -> None:
    digest = BlobStore(tmp_path).put(b"kept")
    blobs = BlobStore(tmp_path, read_only=True)
    for write in (
        lambda: blobs.put(b"kept"),
        lambda: blobs.put(b"new"),
        blobs.writer,
        lambda: blobs.discard(digest),
    ):
        with pytest.raises(StoreError, match="open read-only"):
            write()
    assert list(blobs) == [digest] and blobs.temp_files() == []
