"""verify: every blob re-hashed, every reference checked both ways; exit 0 only when all is sound."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from archiver.cli import cli
from storage import BlobStore, Store


def fill(home: Path, blob_store: str | None = None) -> dict[str, str]:
    """An archive with an article, a post, a capture and three artifacts; returns the blobs' names
    (in the home's folder, or in `blob_store`: tests/test_blobs.py runs it on a bucket too)."""
    with Store.open(home, blob_store=blob_store) as store:
        article = store.record_article("https://news.example/a", html=b"<html>the article</html>")
        post = store.upsert_post("twitter", "1", "https://x.com/a/status/1")
        store.record_embed(article, post, source="blockquote")
        capture = store.start_capture(post=post, tool_version="0.1.0")
        artifacts = store.finish_capture(
            capture,
            "complete",
            artifacts=[
                ("screenshot", b"\x89PNG screenshot", "image/png", None),
                ("dom", b"<div>the tweet</div>", "text/html", None),
                ("media", b"JFIF photo", "image/jpeg", "https://pbs.twimg.com/media/x.jpg"),
            ],
        )
        names = {a["kind"]: a["sha256"] for a in artifacts}
        row = store.get_article(article)
        assert row is not None and row["html_sha256"] is not None
        names["html"] = row["html_sha256"]
        return names


def flip_a_byte(path: Path) -> None:
    path.chmod(0o644)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x20
    path.write_bytes(bytes(data))


def test_a_sound_archive_verifies(home: Path) -> None:
    fill(home)
    with Store.open(home) as store:
        report = store.verify()
    assert report.ok and report.problems() == []
    assert (report.blobs, report.references) == (4, 4)
    assert report.summary() == "verified 4 blob(s) and 4 reference(s): all sound"


def test_verify_finds_a_flipped_byte_a_missing_blob_an_orphan_and_a_temp_file(home: Path) -> None:
    names = fill(home)
    with Store.open(home) as store:
        flip_a_byte(store.blobs.path(names["screenshot"]))
        os.remove(store.blobs.path(names["media"]))
        orphan = store.blobs.put(b"a blob no row names")
        store.blobs.writer().write(b"interrupted")  # never committed: a temp file stays
        report = store.verify()
    assert report.corrupt == [names["screenshot"]]
    assert [(m.table, m.column, m.sha256) for m in report.missing] == [
        ("artifacts", "sha256", names["media"])
    ]
    assert report.orphaned == [orphan]
    assert len(report.temp_files) == 1
    assert not report.ok
    assert len(report.problems()) == 4
    assert report.summary().endswith("1 corrupt, 1 missing, 1 orphaned, 1 temp file(s)")


def test_a_missing_article_html_blob_is_reported(home: Path) -> None:
    names = fill(home)
    with Store.open(home) as store:
        os.remove(store.blobs.path(names["html"]))
        (missing,) = store.verify().missing
    assert (missing.table, missing.column, missing.sha256) == ("articles", "html_sha256", names["html"])


def test_the_command_exits_0_on_a_sound_archive(home: Path) -> None:
    fill(home)
    result = CliRunner().invoke(cli, ["verify", "--home", str(home)])
    assert result.exit_code == 0, result.output
    assert result.output == "verified 4 blob(s) and 4 reference(s): all sound\n"


def test_the_command_prints_each_problem_and_exits_1(home: Path) -> None:
    names = fill(home)
    flip_a_byte(BlobStore(home / "blobs").path(names["dom"]))
    result = CliRunner().invoke(cli, ["verify", "--home", str(home)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == f"corrupt: blob {names['dom']} no longer matches its hash"
    assert lines[-1] == "verified 4 blob(s) and 4 reference(s): 1 corrupt"


@pytest.mark.parametrize(
    "setup, message",
    [
        (lambda home: (home / "archive.db").write_bytes(os.urandom(2048)), "is not an SQLite database"),
        (lambda home: None, "no archive at"),
    ],
    ids=["corrupt-database", "no-archive"],
)
def test_the_command_gives_one_line_and_non_zero_on_a_bad_archive(
    home: Path, setup: object, message: str
) -> None:
    setup(home)  # type: ignore[operator]
    result = CliRunner().invoke(cli, ["verify", "--home", str(home)])
    assert result.exit_code != 0
    assert result.output.count("\n") == 1 and result.output.startswith("Error: ")
    assert message in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_home_under_a_file_gives_one_line_and_non_zero(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("a file")
    result = CliRunner().invoke(cli, ["verify", "--home", str(tmp_path / "afile" / "home")])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and result.output.startswith("Error: ")


def test_the_store_error_is_the_one_archiver_reports() -> None:
    import archiver.errors
    import storage

    assert archiver.errors.StoreError is storage.StoreError
