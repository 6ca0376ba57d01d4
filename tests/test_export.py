"""archiver export --json / --csv: one record per post, with its status, metadata and files."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

from archive_support import ARTICLE_URL, HOSTILE, make_archive
from click.testing import CliRunner

from archiver.cli import cli
from archiver.outputs.export import CSV_COLUMNS, artifact_filename
from storage import Store


def export(home: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["export", "--home", str(home), *args])
    return result.exit_code, result.output


def test_json_lines_one_per_post_with_status_metadata_and_files(home: Path) -> None:
    made = make_archive(home)
    code, out = export(home, "--json")
    assert code == 0, out
    records = {r["post_id"]: r for r in map(json.loads, out.splitlines())}
    assert len(out.splitlines()) == 3 and set(records) == {"1001", "1002", "unresolved:pic.twitter.com/abc"}

    live, gone = records["1001"], records["1002"]
    assert (live["status"], live["changed_at"]) == ("live", "2024-08-20T08:00:00.000+00:00")
    assert (gone["status"], gone["status_since"]) == ("deleted", "2024-09-01T12:00:00.000+00:00")
    assert gone["text"] == HOSTILE and gone["author_handle"] == "hostile"
    assert live["article_url"] == ARTICLE_URL and live["article_id"] == made.article
    assert live["embed_source"] == "blockquote" and live["captures"] == 1
    assert live["embed_found_in"] == "static"
    kinds = sorted(a["kind"] for a in live["artifacts"])
    assert kinds == ["dom", "media", "metadata", "mhtml", "screenshot", "warc"]
    for artifact in live["artifacts"]:
        data = Path(artifact["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == artifact["sha256"] and len(data) == artifact["size"]
    unresolved = records["unresolved:pic.twitter.com/abc"]
    assert (unresolved["status"], unresolved["artifacts"], unresolved["captures"]) == ("unresolved", [], 0)


def test_csv_has_a_header_and_survives_hostile_text(home: Path, tmp_path: Path) -> None:
    make_archive(home)
    out = tmp_path / "posts.csv"
    code, said = export(home, "1", "--csv", "-o", str(out))
    assert code == 0 and said == ""
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert tuple(rows[0]) == CSV_COLUMNS and len(rows) == 3
    gone = next(r for r in rows if r["post_id"] == "1002")
    assert gone["text"] == HOSTILE and gone["status"] == "deleted"
    pairs = [pair.split(":", 1) for pair in gone["artifacts"].split()]
    assert {kind for kind, _ in pairs} == {"dom", "media", "metadata", "mhtml", "screenshot", "warc"}
    assert all(len(sha) == 64 for _, sha in pairs)


def test_usage_and_unknown_articles(home: Path) -> None:
    make_archive(home)
    code, out = export(home, "--json", "--csv")
    assert code == 2 and "one of --wacz FILE, --json, --csv" in out
    code, out = export(home, ARTICLE_URL)
    assert code == 2
    code, out = export(home, "https://elsewhere.example/", "--json")
    assert code == 1 and "no article 'https://elsewhere.example/'" in out and "Traceback" not in out
    code, out = export(home / "nothing-here", "--json")
    assert code == 1 and "no archive" in out
    code, out = export(home, "1", "--all", "--json")
    assert code == 2 and "not both" in out
    code, out = export(home, "--wacz", str(home / "x.wacz"), "-o", str(home / "x.json"))
    assert code == 2 and "-o FILE is for --json and --csv" in out


def test_an_output_that_cannot_be_written_is_one_line_and_nothing_is_truncated(
    home: Path, tmp_path: Path
) -> None:
    make_archive(home)
    for args in (["--json", "-o", str(tmp_path / "no" / "such" / "dir.json")], ["--wacz", "/proc/x.wacz"]):
        code, out = export(home, *args)
        assert code != 0 and "Traceback" not in out, out
        assert len(out.strip().splitlines()) <= 3 and "No such file or directory" in out
    kept = tmp_path / "kept.json"
    kept.write_text("earlier export\n")
    code, out = export(home, "https://elsewhere.example/", "--json", "-o", str(kept))
    assert code == 1 and kept.read_text() == "earlier export\n"  # not emptied by a failed export


def test_artifact_filenames_say_what_they_are() -> None:
    sha = "a" * 64
    assert artifact_filename(sha, "screenshot", "image/png") == sha + ".png"
    assert artifact_filename(sha, "dom", "text/html; charset=utf-8") == sha + ".html.txt"
    assert artifact_filename(sha, "warc", "application/warc") == sha + ".warc"
    assert artifact_filename(sha, "media", "image/jpeg") == sha + ".jpg"
    assert artifact_filename(sha, "media", "video/mp4") == sha + ".mp4"
    assert artifact_filename(sha, "raw", "text/plain") == sha + ".txt"
    assert artifact_filename(sha, "media", "application/x-unheard-of") == sha + ".bin"
    assert artifact_filename(sha, "media", "audio/mpeg") == sha + ".mp3"


def test_no_artifact_leaves_under_a_name_a_browser_would_run() -> None:
    """Opened from a report folder or an unzipped WACZ, a file must show, not run its script."""
    sha = "b" * 64
    active = (".html", ".htm", ".xhtml", ".svg", ".xml", ".xsl", ".js", ".es", ".mjs", ".pdf", ".swf")
    for mime in (
        "text/html",
        "application/xhtml+xml",
        "image/svg+xml",
        "text/xml",
        "application/xml",
        "application/javascript",
        "text/javascript",
        "application/pdf",
        "application/x-shockwave-flash",
    ):
        name = artifact_filename(sha, "media", mime)
        assert not name.endswith(active), (mime, name)
    assert artifact_filename(sha, "raw", "text/html; charset=utf-8") == sha + ".html.txt"
    assert artifact_filename(sha, "media", "image/svg+xml") == sha + ".bin"


def test_views_for_datasette(home: Path) -> None:
    made = make_archive(home)
    with Store.open(home, create=False) as store:
        db = store.db
        assert {"post_timeline", "post_status_changes", "article_posts", "artifact_files"} <= set(
            db.view_names()
        )
        timeline = [dict(r) for r in db.query("SELECT * FROM post_timeline WHERE post = ?", [made.gone])]
        assert [r["at"] for r in timeline] == sorted(r["at"] for r in timeline)
        events = {r["event"]: r for r in timeline}  # the same moment's events come in any order
        assert sorted(r["event"] for r in timeline) == ["capture", "check", "check", "embedded", "first_seen"]
        assert events["capture"]["detail"] == "6 file(s)" and events["capture"]["outcome"] == "complete"
        assert timeline[-1]["detail"] == "syndication HTTP 404, status live -> deleted"
        changes = [
            (c["status_from"], c["status_to"])
            for c in db.query("SELECT * FROM post_status_changes WHERE post = ?", [made.gone])
        ]
        assert changes == [("live", "deleted"), ("unknown", "live")]  # the latest first
        posts = [dict(r) for r in db.query("SELECT * FROM article_posts")]
        assert [p["post"] for p in posts] == [made.live, made.gone, made.unresolved]
        assert posts[0]["article_url"] == ARTICLE_URL
        for row in db.query("SELECT sha256, blob_path FROM artifact_files"):
            assert (home / row["blob_path"]) == store.blobs.path(row["sha256"])
        # Columns that point at another row are foreign keys (Datasette links them).
        keys = {(fk.table, fk.column, fk.other_table) for t in db.tables for fk in t.foreign_keys}
        assert {
            ("embeds", "post", "posts"),
            ("checks", "post", "posts"),
            ("artifacts", "capture", "captures"),
        } <= keys
