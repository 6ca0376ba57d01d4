"""The blob store: content-addressed, atomic, deduplicated, never overwritten.

One set of tests runs against both backends (the `backend` fixture): the home's folder
(LocalBlobs) and a bucket on moto's S3 server on 127.0.0.1 (S3Blobs, tests/s3_support.py),
through the Blobs API and through the Store on top of it. What only a folder has (file modes,
temp files, fan-out folders) is tested after them.
"""

from __future__ import annotations

import hashlib
import logging
import os
import stat
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from s3_support import DUMMY_KEY_ID, DUMMY_SECRET, S3Server
from test_verify import fill

from storage import Store
from storage.blobs import Blobs, BlobStore, LocalBlobs, fan_out, is_sha256
from storage.errors import BlobTooLarge, StoreError


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Backend:
    """A blob store to test, and its bytes as someone with the disk or the bucket sees them."""

    name: str
    blob_store: str | None  # what Store.open takes
    make: Callable[..., Blobs]  # make(read_only=False): a store over the same blobs
    overwrite: Callable[[str, bytes], None]  # change a blob's bytes behind the store's back
    remove: Callable[[str], None]  # delete a blob behind the store's back
    add_stray: Callable[[str, bytes], object]  # put something that is no blob; how verify names it


def folder(home: Path) -> Backend:
    root = home / "blobs"

    def overwrite(digest: str, data: bytes) -> None:
        path = root / fan_out(digest)
        path.chmod(0o644)
        path.write_bytes(data)

    def add_stray(name: str, data: bytes) -> Path:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
        return root / name

    return Backend(
        "folder",
        None,
        lambda read_only=False: LocalBlobs(root, read_only=read_only),
        overwrite,
        lambda digest: (root / fan_out(digest)).unlink(),
        add_stray,
    )


def bucket(server: S3Server, url: str) -> Backend:
    from storage.s3blobs import S3Blobs

    blobs = S3Blobs.from_url(url)
    client = server.client()

    def add_stray(name: str, data: bytes) -> str:
        client.put_object(Bucket=blobs.bucket, Key=f"{blobs.prefix}/{name}", Body=data)
        return f"s3://{blobs.bucket}/{blobs.prefix}/{name}"

    return Backend(
        "bucket",
        url,
        lambda read_only=False: S3Blobs.from_url(url, read_only=read_only),
        lambda digest, data: client.put_object(Bucket=blobs.bucket, Key=blobs.key(digest), Body=data),
        lambda digest: client.delete_object(Bucket=blobs.bucket, Key=blobs.key(digest)),
        add_stray,
    )


@pytest.fixture(params=["folder", "bucket"])
def backend(request: pytest.FixtureRequest, home: Path) -> Backend:
    if request.param == "folder":
        return folder(home)
    return bucket(request.getfixturevalue("s3_server"), request.getfixturevalue("s3_url"))


# Both backends: the Blobs API


def test_a_blob_round_trips_under_its_sha256(backend: Backend) -> None:
    blobs = backend.make()
    digest = blobs.put(b"hello")
    assert digest == sha(b"hello")
    assert blobs.read(digest) == b"hello"
    with blobs.open(digest) as f:
        assert f.read() == b"hello"
    assert blobs.size(digest) == 5 and blobs.exists(digest)
    assert list(blobs) == [digest] and blobs.verify(digest)
    assert blobs.where(digest).endswith(fan_out(digest))
    assert not blobs.exists(sha(b"never stored"))
    with pytest.raises(FileNotFoundError):
        blobs.open(sha(b"never stored"))


def test_put_stream_and_put_file_hash_as_they_go(backend: Backend, tmp_path: Path) -> None:
    blobs = backend.make()
    chunks = [os.urandom(1000) for _ in range(50)]
    digest = blobs.put_stream(iter(chunks))
    assert digest == sha(b"".join(chunks)) and blobs.read(digest) == b"".join(chunks)
    source = tmp_path / "video.mp4"
    source.write_bytes(os.urandom(3_000_000))
    assert blobs.put_file(source) == sha(source.read_bytes())
    assert source.exists() and blobs.read(sha(source.read_bytes())) == source.read_bytes()
    with blobs.writer() as writer:
        writer.write(b"piece ")
        writer.write(b"by piece")
        assert writer.commit() == sha(b"piece by piece")
    assert sorted(blobs) == sorted([digest, sha(source.read_bytes()), sha(b"piece by piece")])


def test_the_same_bytes_are_stored_once_and_never_overwritten(backend: Backend, tmp_path: Path) -> None:
    blobs = backend.make()
    first = blobs.put(b"same")
    # Someone changes the blob behind the store's back: writing the same bytes again neither
    # adds a blob nor rewrites it (so verify can still tell).
    backend.overwrite(first, b"tampered")
    source = tmp_path / "same.txt"
    source.write_bytes(b"same")
    assert blobs.put(b"same") == first
    assert blobs.put_stream([b"sa", b"me"]) == first
    assert blobs.put_file(source) == first
    assert backend.make().put(b"same") == first
    assert list(blobs) == [first] and blobs.temp_files() == []
    assert blobs.read(first) == b"tampered" and not blobs.verify(first)


def test_concurrent_writers_of_the_same_blob_are_harmless(backend: Backend) -> None:
    data = os.urandom(300_000)
    writers = 8
    start = threading.Barrier(writers)
    results: list[str] = []
    errors: list[BaseException] = []

    def write(n: int) -> None:
        blobs = backend.make()  # each its own store, as separate processes would have
        start.wait()
        try:
            if n % 3 == 0:
                results.append(blobs.put(data))
            elif n % 3 == 1:
                results.append(blobs.put_stream([data[:1000], data[1000:]]))
            else:
                with blobs.writer() as writer:
                    writer.write(data)
                    results.append(writer.commit())
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)  # a hang guard: each write takes well under a second
    assert errors == []
    assert results == [sha(data)] * writers
    blobs = backend.make()
    assert list(blobs) == [sha(data)] and blobs.read(sha(data)) == data
    assert blobs.temp_files() == [] and blobs.strays() == []


def test_a_stream_over_the_cap_leaves_nothing_behind(backend: Backend, tmp_path: Path) -> None:
    blobs = backend.make()
    with pytest.raises(BlobTooLarge) as caught:
        blobs.put_stream([b"x" * 600, b"x" * 600], max_bytes=1000)
    assert caught.value.limit == 1000
    assert "1,000-byte cap" in str(caught.value)
    big = tmp_path / "big"
    big.write_bytes(b"z" * 1001)
    with pytest.raises(BlobTooLarge):
        blobs.put_file(big, max_bytes=1000)
    assert list(blobs) == [] and blobs.temp_files() == []
    # exactly at the cap is fine
    assert blobs.read(blobs.put_stream([b"y" * 1000], max_bytes=1000)) == b"y" * 1000


def test_a_writer_left_without_commit_leaves_nothing(backend: Backend) -> None:
    blobs = backend.make()
    with pytest.raises(RuntimeError), blobs.writer() as writer:
        writer.write(b"half a download")
        raise RuntimeError("connection dropped")
    assert list(blobs) == [] and blobs.temp_files() == []


def test_verify_rehashes(backend: Backend) -> None:
    blobs = backend.make()
    digest = blobs.put(b"original bytes")
    assert blobs.verify(digest)
    backend.overwrite(digest, b"original bytez")
    assert not blobs.verify(digest)
    backend.remove(digest)
    assert not blobs.verify(digest) and not blobs.exists(digest)


def test_names_must_be_sha256(backend: Backend) -> None:
    blobs = backend.make()
    assert is_sha256(sha(b""))
    assert not is_sha256("ABC")
    assert not is_sha256(sha(b"").upper())
    for name in ("../../etc/passwd", sha(b"").upper(), sha(b"")[:-1]):
        with pytest.raises(ValueError):
            blobs.exists(name)
        with pytest.raises(ValueError):
            blobs.where(name)


def test_strays_are_what_is_not_a_blob_where_it_belongs(backend: Backend) -> None:
    blobs = backend.make()
    good = blobs.put(b"good")
    misplaced = backend.add_stray(f"00/00/{sha(b'elsewhere')}", b"elsewhere")
    notes = backend.add_stray("notes.txt", b"hi")
    assert list(blobs) == [good]
    assert sorted(map(str, blobs.strays())) == sorted([str(misplaced), str(notes)])


def test_discard_removes_the_blob(backend: Backend) -> None:
    blobs = backend.make()
    digest, other = blobs.put(b"an orphan"), blobs.put(b"another")
    assert blobs.discard(digest) == len(b"an orphan")
    assert list(blobs) == [other] and not blobs.exists(digest)
    with pytest.raises(FileNotFoundError):
        blobs.discard(digest)


def test_a_read_only_blob_store_writes_nothing(backend: Backend, tmp_path: Path) -> None:
    digest = backend.make().put(b"kept")
    blobs = backend.make(read_only=True)
    source = tmp_path / "file"
    source.write_bytes(b"new")
    for write in (
        lambda: blobs.put(b"kept"),
        lambda: blobs.put(b"new"),
        lambda: blobs.put_stream([b"new"]),
        lambda: blobs.put_file(source),
        blobs.writer,
        lambda: blobs.discard(digest),
    ):
        with pytest.raises(StoreError, match="open read-only"):
            write()
    assert list(blobs) == [digest] and blobs.temp_files() == [] and blobs.read(digest) == b"kept"


# Both backends: the Store on top


def test_a_store_round_trips_its_blobs_and_verifies_sound(backend: Backend, home: Path) -> None:
    names = fill(home, backend.blob_store)
    with Store.open(home, blob_store=backend.blob_store) as store:
        assert store.blobs.read(names["dom"]) == b"<div>the tweet</div>"
        artifacts = store.artifacts_for_capture(1)
        assert [a["path"] for a in artifacts] == [store.blobs.where(a["sha256"]) for a in artifacts]
        report = store.verify()
    assert report.ok, report.problems()
    assert report.summary() == "verified 4 blob(s) and 4 reference(s): all sound"


def test_verify_catches_a_corrupted_blob_and_reports_a_missing_one(backend: Backend, home: Path) -> None:
    names = fill(home, backend.blob_store)
    backend.overwrite(names["screenshot"], b"\x89PNG screenshoT")
    backend.remove(names["media"])
    with Store.open(home, blob_store=backend.blob_store) as store:
        orphan = store.blobs.put(b"a blob no row names")
        report = store.verify()
    assert report.corrupt == [names["screenshot"]]
    assert [(m.table, m.column, m.sha256) for m in report.missing] == [
        ("artifacts", "sha256", names["media"])
    ]
    assert report.orphaned == [orphan]
    assert report.summary().endswith("1 corrupt, 1 missing, 1 orphaned")


def test_verify_can_rehash_a_sample_and_still_checks_every_reference(backend: Backend, home: Path) -> None:
    names = fill(home, backend.blob_store)
    backend.remove(names["html"])
    with Store.open(home, blob_store=backend.blob_store) as store:
        report = store.verify(sample=2)
        whole = store.verify(sample=10)  # a sample as large as the store is all of it
    assert report.blobs == 2 and report.listed == 3
    assert [m.sha256 for m in report.missing] == [names["html"]]
    assert report.summary() == ("verified 2 of 3 blob(s) (a random sample) and 4 reference(s): 1 missing")
    assert whole.listed is None and whole.summary() == "verified 3 blob(s) and 4 reference(s): 1 missing"


def test_repair_removes_only_old_orphans(backend: Backend, home: Path) -> None:
    names = fill(home, backend.blob_store)
    with Store.open(home, blob_store=backend.blob_store) as store:
        orphan = store.blobs.put(b"killed before its row")
        kept = store.repair()  # an hour by default: it was written just now
        assert kept.counts["orphaned blob(s)"] == 0 and store.blobs.exists(orphan)
        removed = store.repair(older_than=timedelta(seconds=-60))  # everything is older than that
        assert removed.counts["orphaned blob(s)"] == 1 and removed.freed == len(b"killed before its row")
        assert not store.blobs.exists(orphan)
        assert sorted(store.blobs) == sorted(names.values()) and store.verify().ok


def test_credentials_are_never_logged_nor_said(
    backend: Backend, home: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = "dummy-session-token-n0t-f0r-l0gs"
    monkeypatch.setenv("AWS_SESSION_TOKEN", token)
    caplog.set_level(logging.DEBUG)
    said: list[str] = []
    names = fill(home, backend.blob_store)
    backend.overwrite(names["dom"], b"changed")
    with Store.open(home, blob_store=backend.blob_store) as store:
        said += store.verify().problems()
        said += [repr(store.blobs), str(store.blobs), store.blobs.where(names["dom"])]
        with pytest.raises(FileNotFoundError) as missing:
            store.blobs.open(sha(b"absent"))
        said.append(str(missing.value))
    if backend.blob_store is not None:  # a bucket that is not there, on the same server
        elsewhere = backend.blob_store.replace("s3://", "s3://missing-", 1)
        with pytest.raises(StoreError, match="does not exist") as caught:
            Store.open(home.parent / "another", blob_store=elsewhere)
        said.append(str(caught.value))
    said.append(caplog.text)
    for secret in (DUMMY_SECRET, token):
        assert not any(secret in text for text in said)
    assert not any(DUMMY_KEY_ID in text for text in said)


# Only a folder: files, temp files, fan-out folders


def test_a_folder_names_the_blob_by_its_sha256_under_a_fan_out(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path / "blobs")
    digest = blobs.put(b"hello")
    assert blobs.path(digest) == tmp_path / "blobs" / digest[:2] / digest[2:4] / digest
    assert blobs.local_path(digest) == blobs.path(digest) and blobs.location is None


def test_blobs_are_read_only_once_written(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path)
    digest = blobs.put(b"keep me")
    assert stat.S_IMODE(blobs.path(digest).stat().st_mode) == 0o444


def test_the_same_bytes_keep_their_file(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path)
    first = blobs.put(b"same")
    inode = blobs.path(first).stat().st_ino
    assert blobs.put(b"same") == first
    assert blobs.put_stream([b"sa", b"me"]) == first
    assert blobs.path(first).stat().st_ino == inode


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


def test_discard_removes_the_fan_out_folders_it_leaves_empty(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path)
    digest, other = blobs.put(b"an orphan"), blobs.put(b"another")
    blobs.discard(digest)
    assert not blobs.path(digest).parent.parent.exists() and list(blobs) == [other]
