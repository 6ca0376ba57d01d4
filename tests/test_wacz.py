"""The WACZ: validated by the `wacz` package's own validator, replayed by looking each page up in
the CDXJ index and reading the WARC record at the indexed offset, and made from the CLI. Also the
capture WARCs: a body Chromium decoded keeps no stale Content-Encoding, every record its digest."""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import gzip
import hashlib
import io
import json
import zipfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from archive_support import ARTICLE_HTML, ARTICLE_URL, GONE_VIEW, LIVE_VIEW, PHOTO_URL, make_archive
from click.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator

from archiver.capture.warc import Exchange, write_warc
from archiver.cli import cli
from archiver.outputs.export import gather
from archiver.outputs.wacz import surt, write_wacz, zipnum_index
from storage import Store


def build(home: Path, out: Path) -> Path:
    make_archive(home)
    with Store.open(home, create=False) as store:
        write_wacz([gather(store, 1)], out, blob_path=store.blobs.path)
    return out


def run_validator(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    main = pytest.importorskip("wacz.main", reason="the wacz package (Python 3.11+) is not installed")
    code = main.validate_wacz(argparse.Namespace(file=str(path), verify_auth=False, verifier_url=None))
    return code, capsys.readouterr().out


def test_the_wacz_validator_passes_it_and_fails_a_tampered_copy(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = build(home, tmp_path / "story.wacz")
    code, said = run_validator(path, capsys)
    assert code == 0, said
    assert "Validation succeeded" in said

    # The same package with one WARC byte changed: the validator must notice (it is not a no-op).
    tampered = tmp_path / "tampered.wacz"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tampered, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "archive/articles.warc":
                data = data.replace(b"Troops advanced", b"Troops retreated")
            dst.writestr(info, data)
    code, said = run_validator(tampered, capsys)
    assert code == 1 and "invalid" in said


def test_layout_datapackage_and_digest(home: Path, tmp_path: Path) -> None:
    path = build(home, tmp_path / "story.wacz")
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        package = json.loads(zf.read("datapackage.json"))
        digest = json.loads(zf.read("datapackage-digest.json"))
        assert digest == {
            "path": "datapackage.json",
            "hash": "sha256:" + hashlib.sha256(zf.read("datapackage.json")).hexdigest(),
        }
        assert package["profile"] == "data-package" and package["wacz_version"] == "1.1.1"
        assert package["mainPageUrl"] == ARTICLE_URL
        listed = {r["path"]: r for r in package["resources"]}
        assert set(listed) == names - {"datapackage.json", "datapackage-digest.json"}
        for name, resource in listed.items():
            data = zf.read(name)
            assert resource["bytes"] == len(data)
            assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
        assert {n for n in names if n.startswith("indexes/")} == {"indexes/index.cdx.gz", "indexes/index.idx"}
        for info in zf.infolist():
            if info.filename.startswith("archive/") or info.filename.endswith(".cdx.gz"):
                assert info.compress_type == zipfile.ZIP_STORED, info.filename
        # Each capture WARC is the archive's blob byte for byte: its name is its hash.
        warcs = [n for n in names if n.startswith("archive/") and n != "archive/articles.warc"]
        assert len(warcs) == 2
        for name in warcs:
            assert hashlib.sha256(zf.read(name)).hexdigest() == Path(name).name.removesuffix(".warc")
        # The article's manifest lists every file of it, in sha256sum's format, and matches.
        manifest = zf.read("hashes/article-1.txt").decode().splitlines()
        assert len(manifest) >= 10
        for line in manifest:
            sha, name = line.split("  ", 1)
            assert hashlib.sha256(zf.read(name)).hexdigest() == sha


def cdxj(zf: zipfile.ZipFile) -> list[tuple[str, str, dict[str, Any]]]:
    """The index as ReplayWeb.page reads it, block by block through index.idx; and as pywb
    does, index.cdx.gz read whole: the same sorted lines."""
    idx = zf.read("indexes/index.idx").decode().splitlines()
    assert idx[0] == '!meta 0 {"format": "cdxj-gzip-1.0", "filename": "index.cdx.gz"}'
    data = zf.read("indexes/index.cdx.gz")
    lines: list[str] = []
    end = 0
    for entry in idx[1:]:
        first, fields = entry.split(" {", 1)
        where = json.loads("{" + fields)
        assert where["offset"] == end and where["filename"] == "index.cdx.gz"
        block = data[where["offset"] : where["offset"] + where["length"]]
        assert where["digest"] == "sha256:" + hashlib.sha256(block).hexdigest()
        found = gzip.decompress(block).decode().splitlines()
        assert found[0].split(" {", 1)[0] == first  # the block's first key and timestamp
        lines += found
        end += where["length"]
    assert end == len(data)
    assert gzip.decompress(data).decode().splitlines() == lines
    assert lines == sorted(lines)
    parsed = []
    for line in lines:
        key, timestamp, fields = line.split(" ", 2)
        parsed.append((key, timestamp, json.loads(fields)))
    return parsed


def replay(zf: zipfile.ZipFile, url: str) -> tuple[Any, bytes]:
    """What a replay tool does: find the URL's key in the index, read the record at its offset."""
    found = [f for key, _, f in cdxj(zf) if key == surt(url) and f["url"] == url]
    assert found, f"{url} is not in the index"
    entry = found[-1]
    with zf.open(f"archive/{entry['filename']}") as member:
        member.seek(int(entry["offset"]))
        chunk = member.read(int(entry["length"]))
    records = ArchiveIterator(io.BytesIO(chunk), check_digests="raise")
    record = next(iter(records))
    assert record.rec_headers.get_header("WARC-Target-URI") == url
    assert record.rec_headers.get_header("WARC-Payload-Digest") == entry.get("digest")
    return record, record.content_stream().read()


def test_every_page_replays_from_the_index(home: Path, tmp_path: Path) -> None:
    made = make_archive(home)
    with Store.open(home, create=False) as store:
        write_wacz([gather(store, made.article)], tmp_path / "a.wacz", blob_path=store.blobs.path)
    with zipfile.ZipFile(tmp_path / "a.wacz") as zf:
        lines = zf.read("pages/pages.jsonl").decode().splitlines()
        assert json.loads(lines[0])["format"] == "json-pages-1.0"
        pages = {p["id"]: p for p in map(json.loads, lines[1:])}
        # The article and the two captured posts; the unresolved one has no capture to replay.
        assert set(pages) == {"article-1", f"post-{made.live}", f"post-{made.gone}"}
        article = pages["article-1"]
        assert (article["url"], article["ts"]) == (ARTICLE_URL, "2024-08-08T09:30:00Z")
        assert article["title"] == "Kursk advance"
        # From the article to its posts' pages, in the order it embeds them, and back.
        assert article["posts"] == [f"post-{made.live}", f"post-{made.gone}"]
        for post in article["posts"]:
            assert pages[post]["articles"] == ["article-1"]
            assert " in “Kursk advance”" in pages[post]["title"]  # what a page list shows and searches
        assert "Troops advanced ten kilometres." in article["text"]
        assert "not text" not in article["text"]  # scripts are not page text
        assert pages[f"post-{made.live}"]["url"] == LIVE_VIEW
        assert pages[f"post-{made.live}"]["title"].startswith("twitter post by OSINT Aggregator (@osint)")
        assert pages[f"post-{made.live}"]["text"] == "Live post text"
        assert pages[f"post-{made.gone}"]["url"] == GONE_VIEW

        for page in pages.values():
            record, body = replay(zf, page["url"])
            assert page["ts"].replace("-", "").replace(":", "").replace("T", "")[:14].startswith("20240808")
            if page["id"] == "article-1":
                assert record.rec_type == "resource" and body == ARTICLE_HTML
            else:
                assert record.rec_type == "response"
                assert record.http_headers.get_statuscode() == "200"
                assert record.http_headers.get_header("Content-Encoding") is None
        record, body = replay(zf, PHOTO_URL)
        assert body == made.photo


def test_the_index_in_blocks_and_its_secondary_index() -> None:
    lines = [f'com,example)/{n} 2024080809300{n} {{"url": "https://example.com/{n}"}}' for n in range(5)]
    data, idx = zipnum_index(lines, lines_per_block=2)
    meta, *blocks = idx.decode().splitlines()
    assert json.loads(meta.removeprefix("!meta 0 ")) == {
        "format": "cdxj-gzip-1.0",
        "filename": "index.cdx.gz",
    }
    assert [b.split(" {", 1)[0] for b in blocks] == [
        "com,example)/0 20240808093000",
        "com,example)/2 20240808093002",
        "com,example)/4 20240808093004",
    ]
    assert gzip.decompress(data).decode() == "".join(line + "\n" for line in lines)
    assert zipnum_index(lines, lines_per_block=2) == (data, idx)  # the same lines, the same bytes
    assert zipnum_index([]) == (b"", idx.splitlines(keepends=True)[0])


def test_a_post_two_articles_embed_is_one_page_both_list(home: Path, tmp_path: Path) -> None:
    made = make_archive(home)
    with Store.open(home, create=False) as store:
        other = store.record_article("https://news.example/other", title="Other story", html=b"<p>x</p>")
        store.record_embed(other, made.live, source="blockquote", raw="<blockquote/>", positions=[0])
        write_wacz(
            [gather(store, made.article), gather(store, other)],
            tmp_path / "b.wacz",
            blob_path=store.blobs.path,
        )
    with zipfile.ZipFile(tmp_path / "b.wacz") as zf:
        pages = [json.loads(line) for line in zf.read("pages/pages.jsonl").decode().splitlines()[1:]]
    ids = [p["id"] for p in pages]
    assert ids == ["article-1", f"post-{made.live}", f"post-{made.gone}", f"article-{other}"]
    by_id = {p["id"]: p for p in pages}
    assert by_id[f"article-{other}"]["posts"] == [f"post-{made.live}"]
    assert by_id[f"post-{made.live}"]["articles"] == ["article-1", f"article-{other}"]


def test_surt_matches_the_reference_implementation() -> None:
    reference = pytest.importorskip("surt", reason="the surt package (with wacz) is not installed")
    for url in (
        ARTICLE_URL,
        LIVE_VIEW,
        PHOTO_URL,
        "https://www.Example.com:443/Path/?b=2&a=1",
        "http://example.com:8080/",
        "https://example.com",
        "https://www2.example.co.uk/a/b/?z=1&y=&x=3#frag",
        "https://pbs.twimg.com/media/GUYk3xFWoAAq1Zs?format=jpg&name=small",
    ):
        assert surt(url) == reference.surt(url), url


def test_export_command_by_url_and_by_id_and_all(home: Path, tmp_path: Path) -> None:
    make_archive(home)
    runner = CliRunner()
    for ref in (ARTICLE_URL, "1"):
        out = tmp_path / f"{ref[-1]}.wacz"
        result = runner.invoke(cli, ["export", "--home", str(home), ref, "--wacz", str(out)])
        assert result.exit_code == 0, result.output
        assert str(out) in result.output
        with zipfile.ZipFile(out) as zf:
            assert "hashes/article-1.txt" in zf.namelist()
    result = runner.invoke(
        cli, ["export", "--home", str(home), "--all", "--wacz", str(tmp_path / "all.wacz")]
    )
    assert result.exit_code == 0, result.output

    result = runner.invoke(cli, ["export", "--home", str(home), "42", "--wacz", str(tmp_path / "x.wacz")])
    assert result.exit_code == 1
    assert "no article '42'" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "x.wacz").exists()


# The capture WARCs, from a real browser: what Chromium decoded is stored decoded.

PAGE = b"<!doctype html><html><body><p>compressed page</p><img src='/pixel.png'></body></html>"


@pytest.mark.browser
def test_a_gzip_response_is_stored_decoded_with_its_digest(browser_path: str, local_site: Any) -> None:
    from playwright.async_api import async_playwright

    from archiver.capture import browser
    from archiver.capture.recorder import Recorder
    from archiver.settings import Settings

    pixel = bytes(range(256)) * 8
    page_url = local_site.add("/page", gzip.compress(PAGE), headers={"Content-Encoding": "gzip"})
    local_site.add("/pixel.png", gzip.compress(pixel), "image/png", headers={"Content-Encoding": "gzip"})
    settings = Settings(browser=browser_path)

    async def capture() -> bytes:
        async with async_playwright() as pw:
            chromium, _ = await browser.launch(pw, settings)
            try:
                context = await chromium.new_context()
                recorder = Recorder()
                context.on("response", recorder.on_response)
                page = await context.new_page()
                await page.goto(page_url, wait_until="load")
                exchanges = await recorder.exchanges(10, keep_set_cookie=False)
                await context.close()
            finally:
                with contextlib.suppress(Exception):
                    await chromium.close()
        return write_warc(exchanges, software="test")

    data = asyncio.run(capture())
    bodies: dict[str, bytes] = {}
    for record in ArchiveIterator(io.BytesIO(data), check_digests="raise"):
        body = record.content_stream().read()
        if record.rec_type in ("response", "request"):
            assert record.rec_headers.get_header("WARC-Payload-Digest"), record.rec_type
            assert record.rec_headers.get_header("WARC-Block-Digest"), record.rec_type
        if record.rec_type == "response":
            url = record.rec_headers.get_header("WARC-Target-URI")
            assert record.http_headers.get_header("Content-Encoding") is None, url
            assert record.http_headers.get_header("X-Archive-Orig-Content-Encoding") == "gzip", url
            assert record.http_headers.get_header("Content-Length") == str(len(body))
            bodies[url] = body
    assert bodies[page_url] == PAGE
    assert bodies[local_site.url + "/pixel.png"] == pixel


def test_a_wacz_with_timestamped_manifests_still_validates(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tsa_support import OPENSSL, LoopbackTSA

    from archiver.outputs.timestamp import load_certificates, verify

    if OPENSSL is None:
        pytest.skip("no openssl to run the test TSA")
    make_archive(home)
    out = tmp_path / "stamped.wacz"
    with LoopbackTSA() as tsa:
        args = [
            "export",
            "--home",
            str(home),
            "1",
            "--wacz",
            str(out),
            "--tsa",
            tsa.url,
            "--tsa-ca",
            str(tsa.ca_pem),
        ]
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0, result.output
        roots = load_certificates(tsa.ca_pem)
    with zipfile.ZipFile(out) as zf:
        manifest = zf.read("hashes/article-1.txt")
        assert verify(manifest, zf.read("hashes/article-1.txt.tsr"), roots=roots).year >= 2024
    code, said = run_validator(out, capsys)
    assert code == 0, said


# Media into the WARC: what we downloaded ourselves replays at the URL it came from.

VIDEO_URL = "https://video.twimg.com/ext_tw_video/1/pu/vid/avc1/320x180/clip.mp4?tag=12"
PHOTO2_URL = "https://pbs.twimg.com/media/photo2?format=jpg&name=large"
VIDEO = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + bytes(range(256)) * 40


def test_media_we_downloaded_are_response_records_at_their_urls_once(home: Path, tmp_path: Path) -> None:
    made = make_archive(home)
    photo2 = b"\xff\xd8\xff\xe0 a second photo " * 50
    when = datetime(2024, 8, 8, 10, 0, tzinfo=timezone.utc)
    # The browser saw only the first bytes of the video (a range request): ours replaces it.
    partial = Exchange(
        url=VIDEO_URL,
        method="GET",
        status=206,
        body=VIDEO[:100],
        response_headers=[("content-type", "video/mp4"), ("content-range", f"bytes 0-99/{len(VIDEO)}")],
        date=when,
    )
    with Store.open(home, create=False) as store:
        capture = store.start_capture(post=made.live, tool_version="test", at=when)
        artifacts = [
            ("warc", write_warc([partial], software="test"), "application/warc", None),
            ("media", VIDEO, "video/mp4", VIDEO_URL),
            ("media", photo2, "image/jpeg", PHOTO2_URL),
            ("media", made.photo, "image/png", PHOTO_URL),  # the browser's record holds it whole
        ]
        store.finish_capture(capture, "complete", artifacts=artifacts, content_hash="h2", at=when)
        write_wacz([gather(store, made.article)], tmp_path / "m.wacz", blob_path=store.blobs.path)
    # The archive holds the video once, as its blob: no WARC of it, before or after the export.
    assert [f.name for f in home.rglob("*") if f.is_file() and VIDEO in f.read_bytes()] == [
        hashlib.sha256(VIDEO).hexdigest()
    ]

    with zipfile.ZipFile(tmp_path / "m.wacz") as zf:
        assert zf.getinfo("archive/media.warc").compress_type == zipfile.ZIP_STORED
        index = cdxj(zf)
        urls = [f["url"] for _, _, f in index]
        for url in (VIDEO_URL, PHOTO2_URL, PHOTO_URL):
            assert urls.count(url) == 1, url
        by_url = {f["url"]: f for _, _, f in index}
        for url, body, mime in ((VIDEO_URL, VIDEO, "video/mp4"), (PHOTO2_URL, photo2, "image/jpeg")):
            entry = by_url[url]
            assert entry["filename"] == "media.warc" and entry["mime"] == mime and entry["status"] == "200"
            assert entry["digest"] == "sha256:" + base64.b32encode(hashlib.sha256(body).digest()).decode()
            record, got = replay(zf, url)
            assert record.rec_type == "response"
            assert record.http_headers.get_header("Content-Type") == mime
            assert record.http_headers.get_header("Content-Length") == str(len(body))
            assert got == body
        assert by_url[PHOTO_URL]["filename"] != "media.warc"  # the browser's whole record is kept
        assert replay(zf, PHOTO_URL)[1] == made.photo
        # The whole media.warc reads back as WARC: a warcinfo, then one response per file.
        records = list(ArchiveIterator(io.BytesIO(zf.read("archive/media.warc")), check_digests="raise"))
        assert [r.rec_type for r in records] == ["warcinfo", "response", "response"]
        package = json.loads(zf.read("datapackage.json"))
        listed = {r["path"]: r for r in package["resources"]}
        data = zf.read("archive/media.warc")
        assert listed["archive/media.warc"]["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
        assert listed["archive/media.warc"]["bytes"] == len(data)


def test_a_wacz_with_media_records_validates(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    made = make_archive(home)
    with Store.open(home, create=False) as store:
        capture = store.start_capture(post=made.live, tool_version="test")
        store.finish_capture(capture, "complete", artifacts=[("media", VIDEO, "video/mp4", VIDEO_URL)])
        write_wacz([gather(store, made.article)], tmp_path / "v.wacz", blob_path=store.blobs)
    code, said = run_validator(tmp_path / "v.wacz", capsys)
    assert code == 0, said
