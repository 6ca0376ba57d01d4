"""--blob-store on the command line: every command opens the archive with it, verify lists and
re-hashes the bucket (--sample N), and an archive in a bucket opened without it is one line."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from test_verify import fill

from archiver.cli import cli


def test_the_commands_reach_the_blobs_in_a_bucket(home: Path, s3_url: str, tmp_path: Path) -> None:
    fill(home, s3_url)
    with_bucket = ["--home", str(home), "--blob-store", s3_url]
    result = CliRunner().invoke(cli, ["verify", *with_bucket])
    assert (result.exit_code, result.output) == (0, "verified 4 blob(s) and 4 reference(s): all sound\n")
    result = CliRunner().invoke(cli, ["verify", *with_bucket, "--sample", "2"])
    assert result.output == "verified 2 of 4 blob(s) (a random sample) and 4 reference(s): all sound\n"
    result = CliRunner().invoke(cli, ["report", "1", "-o", str(tmp_path / "report"), *with_bucket])
    assert result.exit_code == 0, result.output
    wacz = ["export", "--all", "--wacz", str(tmp_path / "a.wacz"), "--home", str(home)]
    result = CliRunner(env={"ARCHIVER_BLOB_STORE": s3_url}).invoke(cli, wacz)
    assert result.exit_code == 0 and (tmp_path / "a.wacz").is_file(), result.output


def test_an_archive_in_a_bucket_opened_without_it_is_one_line(home: Path, s3_url: str) -> None:
    fill(home, s3_url)
    result = CliRunner().invoke(cli, ["verify", "--home", str(home)])
    assert result.exit_code == 1 and result.output.count("\n") == 1
    assert "keeps its blobs in s3://" in result.output and "--blob-store" in result.output


def test_a_blob_store_is_an_s3_url(home: Path) -> None:
    result = CliRunner().invoke(cli, ["verify", "--home", str(home), "--blob-store", "gs://bucket/x"])
    assert result.exit_code != 0 and "setting 'blob_store' must be an S3 URL" in result.output
