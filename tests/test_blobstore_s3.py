"""Blobs in a bucket (storage/s3blobs.py), against moto's S3 server on 127.0.0.1 with AWS's
checksum check in front of it (tests/s3_support.py): what only a bucket has. What both
backends do is tested once for both, in tests/test_blobs.py.
"""

from __future__ import annotations

import base64
import hashlib
import logging
from pathlib import Path

import pytest
from s3_support import S3Server

from archiver.outputs.report import write_report
from archiver.outputs.wacz import write_wacz
from storage import Store, StoreError, open_blobs
from storage.s3blobs import S3Blobs


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def blobs(s3_url: str) -> S3Blobs:
    return S3Blobs.from_url(s3_url)


def test_open_blobs_picks_the_bucket_by_scheme(s3_url: str, tmp_path: Path) -> None:
    blobs = open_blobs(s3_url)
    assert isinstance(blobs, S3Blobs) and blobs.location.startswith("s3://blobs-")
    assert blobs.location.endswith("/archive") and "127.0.0.1" not in blobs.location
    assert blobs.path is not None and blobs.local_path(sha(b"")) is None
    with pytest.raises(StoreError, match="are not files"):
        blobs.path(sha(b""))
    with pytest.raises(StoreError, match=r"blob store ftp://…"):
        open_blobs("ftp://user:pw@host/x")


@pytest.mark.parametrize(
    "url, said",
    [
        ("s3://AKIA:secret@bucket/p", "holds credentials"),
        ("s3://bucket/p?endpoint=http://AKIA:secret@127.0.0.1:9000", "holds credentials"),
        ("s3://bucket/p?endpoint=file:///etc", r"not an http\(s\) URL"),
        ("s3://bucket/p?key=secret", "it takes only endpoint and region"),
        ("s3:///prefix-without-bucket", "no bucket"),
        ("s3://bucket:secret/p", "no bucket"),
        ("s3://[secret/p", "named s3://bucket/prefix"),
    ],
)
def test_a_bad_url_is_one_line_that_repeats_no_secret(url: str, said: str) -> None:
    with pytest.raises(StoreError, match=said) as caught:
        S3Blobs.from_url(url)
    assert "secret" not in str(caught.value) and "\n" not in str(caught.value)


def test_a_blob_is_its_sha256_key_under_the_prefix_in_the_folders_layout(
    blobs: S3Blobs, s3_server: S3Server
) -> None:
    digest = blobs.put(b"hello")
    keys = [o["Key"] for o in s3_server.client().list_objects_v2(Bucket=blobs.bucket)["Contents"]]
    assert keys == [f"archive/{digest[:2]}/{digest[2:4]}/{digest}"]
    assert blobs.where(digest) == f"s3://{blobs.bucket}/archive/{digest[:2]}/{digest[2:4]}/{digest}"


def test_every_write_carries_the_sha256_the_server_checks(
    blobs: S3Blobs, s3_server: S3Server, tmp_path: Path
) -> None:
    source = tmp_path / "file"
    source.write_bytes(b"from a file")
    with blobs.writer() as writer:
        writer.write(b"from a writer")
        streamed = writer.commit()
    for digest in (blobs.put(b"from bytes"), blobs.put_file(source), streamed):
        head = s3_server.client().head_object(
            Bucket=blobs.bucket, Key=blobs.key(digest), ChecksumMode="ENABLED"
        )
        assert head["ChecksumSHA256"] == base64.b64encode(bytes.fromhex(digest)).decode()


def test_bytes_that_do_not_hash_to_their_name_are_refused_by_the_server(blobs: S3Blobs) -> None:
    # As if the bytes changed on their way (or the file changed after it was hashed): the
    # checksum header says the name's SHA-256, the body is something else.
    import io

    name = sha(b"what was hashed")
    with pytest.raises(StoreError, match=r"do not hash to its name \(BadDigest\)") as caught:
        blobs._upload(name, io.BytesIO(b"what was sent"), len(b"what was sent"))
    assert "\n" not in str(caught.value)
    assert list(blobs) == [] and not blobs.exists(name)


def test_a_write_that_loses_the_race_is_harmless_and_overwrites_nothing(
    blobs: S3Blobs, s3_server: S3Server
) -> None:
    digest = blobs.put(b"the bytes")
    # Another writer's object is there; our HEAD misses it (as when both look before either
    # writes). The conditional PUT is refused with 412, which is success: nothing overwritten.
    s3_server.client().put_object(Bucket=blobs.bucket, Key=blobs.key(digest), Body=b"theirs")
    s3_server.fault("HEAD", 404, "404")
    assert blobs.put(b"the bytes") == digest
    assert blobs.read(digest) == b"theirs"


def test_a_conflicting_conditional_write_is_tried_again(blobs: S3Blobs, s3_server: S3Server) -> None:
    s3_server.fault("PUT", 409, "ConditionalRequestConflict", header="If-None-Match")
    digest = blobs.put(b"after a conflict")
    assert blobs.read(digest) == b"after a conflict" and blobs.verify(digest)


def test_a_server_without_conditional_writes_gets_a_head_before_each_write(
    blobs: S3Blobs, s3_server: S3Server, caplog: pytest.LogCaptureFixture
) -> None:
    s3_server.fault("PUT", 501, "NotImplemented", header="If-None-Match", times=100)
    try:
        first = blobs.put(b"first")
        second = blobs.put_stream([b"sec", b"ond"])
        assert blobs.put(b"first") == first  # found by its HEAD, not sent again
    finally:
        s3_server.clear_faults()
    assert [blobs.read(first), blobs.read(second)] == [b"first", b"second"]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == [f"{blobs.location} has no conditional writes: a HEAD before each write instead"]


def test_a_blob_over_one_put_is_refused(blobs: S3Blobs, monkeypatch: pytest.MonkeyPatch) -> None:
    import storage.s3blobs

    monkeypatch.setattr(storage.s3blobs, "MAX_PUT", 10)
    with pytest.raises(StoreError, match="more than the 5 GiB one S3 PUT takes"):
        blobs.put_stream([b"eleven bytes"])
    assert list(blobs) == []


def test_the_endpoint_can_come_from_the_aws_environment(
    s3_url: str, s3_server: S3Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", s3_server.endpoint)
    blobs = S3Blobs.from_url(s3_url.split("?")[0])
    assert blobs.endpoint_url is None
    digest = blobs.put(b"through AWS_ENDPOINT_URL_S3")
    assert S3Blobs.from_url(s3_url).read(digest) == b"through AWS_ENDPOINT_URL_S3"


def test_no_credentials_is_one_line(s3_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    with pytest.raises(StoreError, match="no AWS credentials for the blob store s3://"):
        S3Blobs.from_url(s3_url).check()


def test_access_denied_is_one_line(blobs: S3Blobs, s3_server: S3Server) -> None:
    s3_server.fault("GET", 403, "AccessDenied")
    with pytest.raises(StoreError, match=r"access denied listing the blobs \(AccessDenied\)"):
        list(blobs)


# The archive in a bucket


def fill(store: Store) -> tuple[int, dict[str, str]]:
    article = store.record_article("https://news.example/a", title="A", html=b"<html>the article</html>")
    post = store.upsert_post("twitter", "1", "https://x.com/a/status/1", author_handle="a")
    store.record_embed(article, post, source="blockquote")
    capture = store.start_capture(post=post, tool_version="0.1.0")
    artifacts = store.finish_capture(
        capture, "complete", artifacts=[("screenshot", b"\x89PNG not really", "image/png", None)]
    )
    return article, {a["kind"]: a["sha256"] for a in artifacts}


def test_an_archive_in_a_bucket_keeps_its_database_at_home(home: Path, s3_url: str) -> None:
    with Store.open(home, blob_store=s3_url) as store:
        _, names = fill(store)
        (row,) = store.artifacts_for_capture(1)
        assert row["path"] == store.blobs.where(names["screenshot"]) and row["path"].startswith("s3://")
        (view,) = store.db.query("SELECT blob_path FROM artifact_files")
        assert view["blob_path"] == row["path"]
    assert {p.name for p in home.iterdir()} <= {"archive.db", "archive.db-shm", "archive.db-wal"}  # no blobs/


def test_the_archive_says_where_its_blobs_are_when_opened_without_them(home: Path, s3_url: str) -> None:
    with Store.open(home, blob_store=s3_url) as store:
        fill(store)
        location = store.blobs.location
    with pytest.raises(StoreError) as caught:
        Store.open(home)
    assert str(caught.value) == (
        f"the archive at {home} keeps its blobs in {location}: open it with that blob store "
        f"(--blob-store {location})"
    )
    with pytest.raises(StoreError, match=f"keeps its blobs in {location}, not in s3://"):
        Store.open(home, blob_store=s3_url.replace("/archive?", "/elsewhere?"))
    with Store.open(home, blob_store=s3_url) as store:  # and with them, it opens
        assert store.verify().ok


def test_an_archive_in_its_folder_is_not_opened_on_a_bucket(home: Path, s3_url: str) -> None:
    with Store.open(home) as store:
        fill(store)
    with pytest.raises(
        StoreError, match=r"keeps its blobs in its folder blobs/, not in s3://.*: open it without"
    ):
        Store.open(home, blob_store=s3_url)


def test_a_missing_bucket_is_one_line_and_binds_nothing(home: Path, s3_url: str) -> None:
    missing = s3_url.replace("s3://", "s3://missing-", 1)
    with pytest.raises(StoreError, match=r"the bucket missing-blobs-\S+ does not exist"):
        Store.open(home, blob_store=missing)
    with Store.open(home, blob_store=s3_url) as store:  # the failed open recorded nothing
        assert store.verify().ok


def test_a_read_only_home_reads_its_bucket_and_writes_nothing(home: Path, s3_url: str) -> None:
    with Store.open(home, blob_store=s3_url) as store:
        _, names = fill(store)
    with Store.open(home, blob_store=s3_url, read_only=True) as store:
        assert store.blobs.read_only and store.verify().ok
        assert store.blobs.verify(names["screenshot"])
        with pytest.raises(StoreError, match="open read-only"):
            store.blobs.put(b"new")


def test_reports_and_wacz_read_their_blobs_from_the_bucket(home: Path, s3_url: str, tmp_path: Path) -> None:
    from archiver.outputs.export import gather

    with Store.open(home, blob_store=s3_url) as store:
        article, names = fill(store)
        report = write_report(store, article, tmp_path / "report").parent
        copied = report / "files" / f"{names['screenshot']}.png"
        assert copied.read_bytes() == b"\x89PNG not really" and copied.stat().st_nlink == 1
        summary = write_wacz([gather(store, article)], tmp_path / "a.wacz", blob_path=store.blobs)
        assert (tmp_path / "a.wacz").is_file() and summary
