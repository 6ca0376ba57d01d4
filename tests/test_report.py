"""The HTML report: its folder, escaping and links (no browser), the commands, and in real
Chromium: opened from disk, no console errors, every image loads, hostile text stays text."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import lxml.html
import pytest
from archive_support import ARTICLE_URL, HOSTILE, make_archive
from click.testing import CliRunner
from tsa_support import OPENSSL, LoopbackTSA

from archiver.cli import cli
from archiver.errors import InputError
from archiver.outputs.manifest import check_manifest, parse_manifest
from archiver.outputs.report import CSP, check_report, report_dir, short_links, write_report
from archiver.outputs.timestamp import TimestampError, load_certificates
from storage import Store

DEMO = Path(__file__).parents[1] / "archiver" / "demo" / "article.html"


def report(home: Path, out: Path) -> tuple[Any, Path]:
    made = make_archive(home)
    with Store.open(home, create=False) as store:
        return made, write_report(store, made.article, out)


def test_the_folder_is_self_contained_and_its_manifest_checks(home: Path, tmp_path: Path) -> None:
    _, index = report(home, tmp_path / "report")
    page = index.read_text()
    folder = index.parent
    # Every src and href that is not an outside http(s) link is a file of the folder.
    targets = re.findall(r'(?:src|href)="([^"]+)"', page)
    local = [t for t in targets if not t.startswith(("http://", "https://"))]
    assert local and all("://" not in t and not t.startswith("/") for t in local)
    for target in local:
        assert (folder / target).is_file(), target
    # The files are the blobs themselves, under their hash.
    with Store.open(home, create=False) as store:
        for name in (folder / "files").iterdir():
            sha = name.name.split(".", 1)[0]
            assert name.read_bytes() == store.blobs.path(sha).read_bytes()
    # hashes.txt lists every file of the folder in sha256sum's format, and they all match.
    manifest = (folder / "hashes.txt").read_text()
    listed = {path for _, path in parse_manifest(manifest)}
    on_disk = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert listed == on_disk - {"hashes.txt"}
    assert check_manifest(folder, manifest) == []
    checked = subprocess.run(["sha256sum", "--quiet", "-c", "hashes.txt"], cwd=folder, capture_output=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    # A file changed afterwards is caught.
    css = folder / "report.css"
    css.write_text(css.read_text() + "/* edited */")
    assert check_manifest(folder, manifest) == ["changed: report.css no longer matches its SHA-256"]


def test_hostile_text_is_escaped_and_nothing_can_run(home: Path, tmp_path: Path) -> None:
    _, index = report(home, tmp_path / "report")
    page = index.read_text()
    assert "<script" not in page.lower()
    tree = lxml.html.document_fromstring(page)
    handlers = [(el.tag, name) for el in tree.iter() for name in el.attrib if name.lower().startswith("on")]
    assert handlers == []
    assert [img.get("src") for img in tree.iter("img") if not img.get("src", "").startswith("files/")] == []
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    (policy,) = tree.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
    assert policy == CSP
    assert "script-src" not in CSP and "default-src 'none'" in CSP  # no source may run script
    # Captured pages are never linked as HTML a browser would run: DOM and article HTML are .html.txt.
    assert not re.search(r'href="files/[0-9a-f]{64}\.html"', page)
    assert re.search(r'href="files/[0-9a-f]{64}\.html\.txt" download=', page)


def test_cards_show_status_changes_history_and_quotes(home: Path, tmp_path: Path) -> None:
    made, index = report(home, tmp_path / "report")
    page = index.read_text()
    cards = dict(re.findall(r'<article class="post" id="post-(\d+)">(.*?)</article>', page, re.S))
    gone, live, unresolved = cards[str(made.gone)], cards[str(made.live)], cards[str(made.unresolved)]
    assert 'badge-deleted">deleted' in gone and "since 2024-09-01 12:00:00" in gone
    assert "status live → deleted" in gone
    assert 'badge-live">live' in live and 'badge-changed">changed' in live and "2024-08-20 08:00:00" in live
    assert "posted <bdi>2024-08-07 14:03:00</bdi> UTC" in live
    assert "<strong><bdi>OSINT Aggregator</bdi></strong>" in live and "@<bdi>osint</bdi>" in live
    assert live.count("<img") == 2  # the post's screenshot and its photo
    assert "Not captured; the article quoted" in unresolved and "quoted" in unresolved
    assert 'badge-unresolved">unresolved' in unresolved
    for sha_link in re.findall(r'<code class="sha">([0-9a-f]{64})</code>', live):
        assert f"files/{sha_link}." in live  # each file shown with its hash links to it


def test_each_card_says_when_it_was_captured_and_prints_its_files_open(home: Path, tmp_path: Path) -> None:
    made, index = report(home, tmp_path / "report")
    page = index.read_text()
    cards = dict(re.findall(r'<article class="post" id="post-(\d+)">(.*?)</article>', page, re.S))
    live, unresolved = cards[str(made.live)], cards[str(made.unresolved)]
    assert '<p class="time captured">captured <time datetime="2024-08-08T09:30:00' in live
    assert ">2024-08-08 09:30:00</time> UTC</p>" in live
    assert "captured <time" not in unresolved  # never captured: the quote says so
    # The files and the history twice: folded on screen, open in a block only print shows.
    (folded,) = re.findall(r'<details class="files-of-post">(.*?)</details>', live, re.S)
    (printed,) = re.findall(r'<section class="print-only history">(.*?)</section>', live, re.S)
    shas = re.findall(r'<code class="sha">([0-9a-f]{64})</code>', folded)
    assert len(shas) == 6 and re.findall(r'<code class="sha">([0-9a-f]{64})</code>', printed) == shas
    assert "History (" in printed and "captured: complete" in printed
    css = (index.parent / "report.css").read_text()
    assert ".print-only { display: none; }" in css
    assert re.search(r"@media print \{.*\.print-only \{ display: block; \}", css, re.S)
    assert re.search(
        r"@media print \{.*details\.files-of-post, details\.history \{ display: none; \}", css, re.S
    )


TCO_DATA = {
    "entities": {
        "urls": [
            {"url": "https://t.co/Abc123", "expanded_url": "https://example.org/story?a=1&b=2"},
            {"url": "https://t.co/Evil99", "expanded_url": "javascript:alert(1)"},
        ],
        "media": [
            {"url": "https://t.co/Pic777", "expanded_url": "https://twitter.com/a/status/3001/photo/1"}
        ],
    },
    "quoted_tweet": {
        "entities": {"urls": [{"url": "https://t.co/Abc123", "expanded_url": "https://other/"}]}
    },
}


def test_short_links_show_where_they_lead_when_the_data_says_and_video_plays_inline(
    home: Path, tmp_path: Path
) -> None:
    made = make_archive(home)
    text = "Read https://t.co/Abc123 now, not https://t.co/Evil99 or https://t.co/Nope00 https://t.co/Pic777"
    with Store.open(home, create=False) as store:
        post = store.upsert_post("twitter", "3001", "https://twitter.com/a/status/3001", text=text)
        store.record_embed(made.article, post, source="blockquote", raw="<blockquote/>", positions=[4])
        capture = store.start_capture(post=post, tool_version="test")
        store.finish_capture(
            capture,
            "partial",
            artifacts=[
                ("raw", json.dumps(TCO_DATA).encode(), "application/json", "https://cdn.example/3001"),
                ("media", b"not really a video", "video/mp4", "https://video.twimg.com/v.mp4"),
            ],
        )
        index = write_report(store, made.article, tmp_path / "report")
    page = index.read_text()
    (card,) = re.findall(rf'<article class="post" id="post-{post}">(.*?)</article>', page, re.S)
    # Known: a link to where it leads, that as its text, the short link in its title.
    assert (
        '<a class="expanded" href="https://example.org/story?a=1&amp;b=2" title="https://t.co/Abc123" '
        'rel="noopener noreferrer"><bdi>https://example.org/story?a=1&amp;b=2</bdi></a>'
    ) in card
    assert '"><bdi>https://twitter.com/a/status/3001/photo/1</bdi></a></bdi></p>' in card  # the media's too
    # Not a web address, or not known: the short link stays text, as the post wrote it.
    assert "javascript" not in page and " not https://t.co/Evil99 or https://t.co/Nope00 " in card
    assert "https://other/" not in card  # the post's own entity, not its quoted post's
    tree = lxml.html.fragment_fromstring(card, create_parent="div")
    (shown,) = tree.xpath("//p[@class='text']")
    assert shown.text_content() == text.replace(
        "https://t.co/Abc123", "https://example.org/story?a=1&b=2"
    ).replace("https://t.co/Pic777", "https://twitter.com/a/status/3001/photo/1")
    assert "captured <time" in card and "UTC, partial</p>" in card
    sha = hashlib.sha256(b"not really a video").hexdigest()
    assert f'<video controls preload="metadata" src="files/{sha}.mp4"></video>' in card


def test_short_links_reads_only_what_the_data_expands() -> None:
    assert short_links(TCO_DATA) == {
        "Abc123": "https://example.org/story?a=1&b=2",  # the first one met, in document order
        "Pic777": "https://twitter.com/a/status/3001/photo/1",
    }
    assert short_links({"url": "https://bit.ly/x", "expanded_url": "https://example.org/"}) == {}
    assert short_links([{"url": "https://t.co/Q1", "expanded_url": None}, "text", 3]) == {}


def test_rewriting_a_report_replaces_it_and_refuses_a_strangers_folder(home: Path, tmp_path: Path) -> None:
    made, index = report(home, tmp_path / "report")
    stale = index.parent / "files" / ("0" * 64 + ".png")
    stale.write_bytes(b"old")
    with Store.open(home, create=False) as store:
        assert write_report(store, made.article, index.parent) == index
        assert not stale.exists()
        busy = tmp_path / "documents"
        busy.mkdir()
        (busy / "thesis.odt").write_bytes(b"mine")
        with pytest.raises(InputError, match="holds other files"):
            write_report(store, made.article, busy)
        assert [p.name for p in busy.iterdir()] == ["thesis.odt"]


def test_a_timestamp_authority_that_fails_leaves_the_report_as_it_was(home: Path, tmp_path: Path) -> None:
    made, index = report(home, tmp_path / "report")
    before = {p.name: p.read_bytes() for p in index.parent.iterdir() if p.is_file()}

    def refuse(manifest: bytes) -> bytes:
        raise TimestampError("timestamp authority http://tsa.example/ answered HTTP 503")

    with Store.open(home, create=False) as store:
        store.record_check(made.live, method="data", outcome="deleted")  # the page would change
        with pytest.raises(TimestampError):
            write_report(store, made.article, index.parent, stamp=refuse)
    after = {p.name: p.read_bytes() for p in index.parent.iterdir() if p.is_file()}
    assert after == before
    assert check_report(index.parent).problems == []


def test_a_report_file_changed_in_place_is_put_back_and_the_manifest_names_the_blobs(
    home: Path, tmp_path: Path
) -> None:
    made, index = report(home, tmp_path / "report")
    shot = next((index.parent / "files").glob("*.png"))
    original = shot.read_bytes()
    shot.unlink()  # a copy of the same size, other bytes (a hard link would change the blob too)
    shot.write_bytes(bytes(len(original)))
    with Store.open(home, create=False) as store:
        write_report(store, made.article, index.parent)
    assert shot.read_bytes() == original
    assert check_report(index.parent).problems == []


def test_a_folder_that_cannot_be_written_is_a_one_line_error(home: Path, tmp_path: Path) -> None:
    make_archive(home)
    (tmp_path / "a-file").write_text("not a folder")
    for out in (tmp_path / "a-file" / "report", Path("/proc/no-report-here")):
        result = CliRunner().invoke(cli, ["report", "--home", str(home), "1", "-o", str(out)])
        assert result.exit_code == 1 and "Traceback" not in result.output, result.output
        assert result.output.startswith(f"Error: cannot write the report in {out}: ")
    # A report rewritten replaces its whole folder: one with anything of someone else's in it,
    # under files/ too, is refused and left as it was.
    blocked = tmp_path / "report"
    (blocked / "files").mkdir(parents=True)
    (blocked / "files" / "a-folder").mkdir()  # not ours to remove
    result = CliRunner().invoke(cli, ["report", "--home", str(home), "1", "-o", str(blocked)])
    assert result.exit_code == 1 and "holds other files (files/a-folder, ...)" in result.output
    assert [p.name for p in blocked.rglob("*")] == ["files", "a-folder"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file", "archive", "report"]  # no temp left


def test_an_svg_is_never_shown_or_linked_as_a_picture(home: Path, tmp_path: Path) -> None:
    made = make_archive(home)
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    with Store.open(home, create=False) as store:
        capture = store.start_capture(post=made.live, tool_version="test")
        store.finish_capture(capture, "complete", artifacts=[("media", svg, "image/svg+xml", None)])
        index = write_report(store, made.article, tmp_path / "report")
    sha = hashlib.sha256(svg).hexdigest()
    page = index.read_text()
    assert f'src="files/{sha}' not in page and f"files/{sha}.svg" not in page
    assert re.search(rf'href="files/{sha}\.bin" download=', page)


def test_report_command(home: Path, tmp_path: Path) -> None:
    make_archive(home)
    runner = CliRunner()
    result = runner.invoke(cli, ["report", "--home", str(home), ARTICLE_URL])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"report: {(report_dir(home, 1) / 'index.html').resolve()}"
    out = tmp_path / "elsewhere"
    result = runner.invoke(cli, ["report", "--home", str(home), "1", "-o", str(out)])
    assert result.exit_code == 0 and (out / "index.html").is_file()
    result = runner.invoke(cli, ["report", "--home", str(home), "https://nowhere.example/"])
    assert result.exit_code == 1 and "no article" in result.output


# In a real browser.


async def open_report(browser_path: str, index: Path) -> dict[str, Any]:
    """Open the report from disk; what a reader's browser did with it."""
    from playwright.async_api import async_playwright

    from archiver.capture import browser
    from archiver.settings import Settings

    seen: dict[str, Any] = {"console": [], "errors": [], "dialogs": [], "requests": []}
    async with async_playwright() as pw:
        chromium, _ = await browser.launch(pw, Settings(browser=browser_path))
        try:
            page = await chromium.new_page()
            page.on("console", lambda m: seen["console"].append(f"{m.type}: {m.text}"))
            page.on("pageerror", lambda e: seen["errors"].append(str(e)))
            page.on("request", lambda r: seen["requests"].append(r.url))

            async def dismiss(dialog: Any) -> None:
                seen["dialogs"].append(dialog.message)
                await dialog.dismiss()

            page.on("dialog", dismiss)
            await page.goto(index.resolve().as_uri(), wait_until="load")
            await page.wait_for_timeout(300)  # an onerror handler would have fired by now
            seen["images"] = await page.evaluate(
                "[...document.images].map(i => [i.getAttribute('src'), i.complete, i.naturalWidth])"
            )
            seen["title"] = await page.title()
            seen["texts"] = await page.locator(".post .text").all_inner_texts()
            seen["authors"] = await page.locator(".post .author").all_inner_texts()
            # Each video: loaded as far as its metadata (or failed), then its state.
            seen["videos"] = await page.evaluate(
                """Promise.all([...document.querySelectorAll('video')].map(v =>
                    new Promise(done => {
                      const state = () =>
                        done([v.getAttribute('src'), v.readyState, v.error && v.error.code]);
                      if (v.readyState >= 1 || v.error) return state();
                      v.addEventListener('loadedmetadata', state);
                      v.addEventListener('error', state);
                      setTimeout(state, 5000);
                    })))"""
            )
            seen["screen"] = await page.inner_text("body")
            await page.emulate_media(media="print")
            seen["printed"] = await page.inner_text("body")
        finally:
            with contextlib.suppress(Exception):
                await chromium.close()
    return seen


@pytest.mark.browser
def test_in_chromium_hostile_post_shows_as_text_and_every_image_loads(
    browser_path: str, home: Path, tmp_path: Path
) -> None:
    _, index = report(home, tmp_path / "report")
    seen = asyncio.run(open_report(browser_path, index))
    assert seen["dialogs"] == [] and seen["errors"] == []
    assert [line for line in seen["console"] if line.startswith(("error", "warning"))] == []
    assert len(seen["images"]) == 5  # article, two post screenshots, two photos
    assert all(complete and width > 0 for _, complete, width in seen["images"]), seen["images"]
    assert HOSTILE in seen["texts"]  # shown, character for character, as text
    assert any(HOSTILE in author for author in seen["authors"])
    assert seen["title"] == "\u2068Kursk advance\u2069 — archived posts"  # isolated: FSI ... PDI
    assert all(url.startswith("file://") for url in seen["requests"]), seen["requests"]


@pytest.mark.browser
def test_archive_prints_the_report_of_the_demo_and_it_renders(
    browser_path: str, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARCHIVER_BROWSER", browser_path)
    result = CliRunner().invoke(cli, ["archive", "--offline", "-q", "--home", str(home), str(DEMO)])
    assert result.exit_code == 0, result.output
    index = (report_dir(home, 1) / "index.html").resolve()
    assert f"report: {index}" in result.output
    seen = asyncio.run(open_report(browser_path, index))
    assert seen["dialogs"] == [] and seen["errors"] == []
    assert [line for line in seen["console"] if line.startswith("error")] == []
    assert len(seen["images"]) >= 3 and all(w > 0 for _, _, w in seen["images"]), seen["images"]
    assert any("Kursk" in text for text in seen["texts"])


async def record_webm(browser_path: str) -> bytes:
    """A real, playable WebM of a few frames: Chromium records it from a canvas."""
    from playwright.async_api import async_playwright

    from archiver.capture import browser
    from archiver.settings import Settings

    async with async_playwright() as pw:
        chromium, _ = await browser.launch(pw, Settings(browser=browser_path))
        try:
            page = await chromium.new_page()
            data: list[int] = await page.evaluate(
                """async () => {
                  const canvas = Object.assign(document.createElement('canvas'), {width: 64, height: 48});
                  document.body.append(canvas);
                  const paint = canvas.getContext('2d');
                  const recorder = new MediaRecorder(canvas.captureStream(10), {mimeType: 'video/webm'});
                  const chunks = [];
                  recorder.ondataavailable = e => chunks.push(e.data);
                  recorder.start(100);
                  for (let i = 0; i < 10; i++) {
                    paint.fillStyle = `rgb(${i * 25}, 40, 90)`;
                    paint.fillRect(0, 0, 64, 48);
                    await new Promise(r => setTimeout(r, 50));
                  }
                  const stopped = new Promise(r => recorder.onstop = r);
                  recorder.stop();
                  await stopped;
                  return [...new Uint8Array(await new Blob(chunks).arrayBuffer())];
                }"""
            )
        finally:
            with contextlib.suppress(Exception):
                await chromium.close()
    return bytes(data)


@pytest.mark.browser
def test_in_chromium_a_video_plays_from_the_folder_and_print_shows_every_hash(
    browser_path: str, home: Path, tmp_path: Path
) -> None:
    made = make_archive(home)
    video = asyncio.run(record_webm(browser_path))
    assert video[:4] == b"\x1a\x45\xdf\xa3"  # EBML: a WebM
    with Store.open(home, create=False) as store:
        capture = store.start_capture(post=made.live, tool_version="test")
        store.finish_capture(capture, "complete", artifacts=[("media", video, "video/webm", None)])
        index = write_report(store, made.article, tmp_path / "report")
    seen = asyncio.run(open_report(browser_path, index))
    # The video plays from the report's own files: the CSP lets local media in, nothing else.
    sha = hashlib.sha256(video).hexdigest()
    ((src, ready, error),) = seen["videos"]
    assert (src, error) == (f"files/{sha}.webm", None) and ready >= 1, seen["videos"]  # HAVE_METADATA or more
    assert [line for line in seen["console"] if line.startswith(("error", "warning"))] == []
    assert all(url.startswith("file://") for url in seen["requests"]), seen["requests"]
    # On paper every file's SHA-256 is there (the files and history printed open); on screen
    # the per-post lists stay folded.
    manifest = parse_manifest((index.parent / "hashes.txt").read_text())
    files = [sha for sha, name in manifest if name.startswith("files/")]
    assert len(files) >= 12
    assert [f for f in files if f not in seen["printed"]] == []
    assert [f for f in files if f not in seen["screen"]] != []
    assert "History (" in seen["printed"] and "captured 20" in seen["printed"]


def test_manifest_format_and_its_guards(tmp_path: Path) -> None:
    from archiver.outputs.manifest import manifest_text

    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "a.png").write_bytes(b"png")
    (tmp_path / "index.html").write_text("<p>hi</p>")
    text = manifest_text(
        [
            (hashlib.sha256(b"<p>hi</p>").hexdigest(), "index.html"),
            (hashlib.sha256(b"png").hexdigest(), "files/a.png"),
        ]
    )
    assert text.splitlines() == [
        f"{hashlib.sha256(b'png').hexdigest()}  files/a.png",
        f"{hashlib.sha256(b'<p>hi</p>').hexdigest()}  index.html",
    ]
    assert parse_manifest(text) == [tuple(line.split("  ", 1)) for line in text.splitlines()]
    (tmp_path / "files" / "a.png").unlink()
    assert check_manifest(tmp_path, text) == ["missing: files/a.png"]
    for bad in ("/etc/passwd", "../up.txt", "two\nlines"):
        with pytest.raises(ValueError):
            manifest_text([("0" * 64, bad)])
    with pytest.raises(ValueError, match="line 1"):
        parse_manifest("not a manifest line\n")


# Trusted timestamps (RFC 3161) of hashes.txt, from a TSA on loopback.


@pytest.fixture
def tsa() -> Iterator[LoopbackTSA]:
    if OPENSSL is None:
        pytest.skip("no openssl to run the test TSA")
    with LoopbackTSA() as server:
        yield server


def test_a_timestamped_report_verifies_with_openssl_and_check_report(
    home: Path, tmp_path: Path, tsa: LoopbackTSA
) -> None:
    make_archive(home)
    out = tmp_path / "report"
    runner = CliRunner()
    args = ["report", "--home", str(home), "1", "-o", str(out), "--tsa", tsa.url, "--tsa-ca", str(tsa.ca_pem)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert (out / "hashes.txt.tsr").is_file() and tsa.queries == 1
    # Anyone can check it with OpenSSL alone.
    openssl = subprocess.run(
        [
            str(OPENSSL),
            "ts",
            "-verify",
            "-data",
            "hashes.txt",
            "-in",
            "hashes.txt.tsr",
            "-CAfile",
            str(tsa.ca_pem),
        ],
        cwd=out,
        capture_output=True,
        text=True,
    )
    assert openssl.returncode == 0 and "OK" in openssl.stdout, openssl.stderr
    result = runner.invoke(cli, ["check-report", str(out), "--tsa-ca", str(tsa.ca_pem)])
    assert result.exit_code == 0, result.output
    assert re.search(
        r"checked \d+ file\(s\) against hashes.txt; timestamped 20\d\d-.*: all sound", result.output
    )

    # Someone edits a file and rewrites hashes.txt to match: the timestamp gives it away.
    css = out / "report.css"
    css.write_text(css.read_text() + "/* edited */")
    manifest = (out / "hashes.txt").read_text().splitlines()
    fixed = [
        f"{hashlib.sha256(css.read_bytes()).hexdigest()}  report.css"
        if line.endswith("  report.css")
        else line
        for line in manifest
    ]
    (out / "hashes.txt").write_text("\n".join(fixed) + "\n")
    result = runner.invoke(cli, ["check-report", str(out), "--tsa-ca", str(tsa.ca_pem)])
    assert result.exit_code == 1 and "hashes.txt.tsr: the timestamp does not verify" in result.output

    # Written again without --tsa, the old token goes: it would vouch for another hashes.txt.
    assert runner.invoke(cli, ["report", "--home", str(home), "1", "-o", str(out)]).exit_code == 0
    assert not (out / "hashes.txt.tsr").exists()


def test_a_token_from_another_authority_or_none_at_all_is_refused(
    home: Path, tmp_path: Path, tsa: LoopbackTSA
) -> None:
    from archiver.outputs.timestamp import TimestampError, stamp, verify

    data = b"0" * 64 + b"  index.html\n"
    with httpx.Client() as client:
        token = stamp(data, tsa.url, client)
    assert verify(data, token).year >= 2024  # its imprint only
    assert verify(data, token, roots=load_certificates(tsa.ca_pem)) == verify(data, token)
    with pytest.raises(TimestampError, match="not of this data"):
        verify(data + b"more", token)
    with LoopbackTSA() as other, pytest.raises(TimestampError, match="does not verify"):
        verify(data, token, roots=load_certificates(other.ca_pem))
    with pytest.raises(TimestampError, match="not an RFC 3161"):
        verify(data, b"not a token")
    make_archive(home)
    dead = "http://127.0.0.1:9/tsr"  # the discard port: nothing listens
    result = CliRunner().invoke(
        cli, ["report", "--home", str(home), "1", "-o", str(tmp_path / "r"), "--tsa", dead]
    )
    assert result.exit_code == 1 and "timestamp authority http://127.0.0.1:9/tsr" in result.output
    assert "Traceback" not in result.output
