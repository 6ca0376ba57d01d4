"""The HTML report of one article: a folder that opens from disk and needs nothing else.

    report = write_report(store, article_id, home / "reports" / str(article_id))
    # report/index.html     the article (title, URL, when archived, screenshot), then each post
    #                       as a card: screenshot, author, when posted and when captured, text
    #                       (its t.co links shown as where they lead, when the post's data
    #                       says), photos, video playing inline, status badge, every artifact
    #                       with its SHA-256, the post's history; printed, the files and their
    #                       hashes and the history are printed open
    # report/report.css
    # report/files/         the artifacts, named <sha256>.<ext> (hard links to the blobs when
    #                       the file system allows: a report costs next to nothing)
    # report/hashes.txt     sha256sum -c hashes.txt checks every file of the folder

Everything an archived page or a platform said is hostile text: the template escapes all of it
(Jinja2 autoescape), links go out only to http(s) URLs, and the page carries a Content-Security-
Policy that allows no script at all and loads images, media and the style sheet only from the
folder. The captured DOM and article HTML are kept as `.html.txt` and linked as downloads, the
MHTML as a download: nothing of an archived page runs in the report.

Nor can such text disguise itself or its neighbours: no value reaches the page with a NUL or
another control character (but tab and newline), and each one from a page or a platform
(author, handle, text, title, URL, MIME type, error) sits in its own <bdi>, so a right-to-left
override in it ends where it ends. Handles and URLs shown as text lose their bidi controls too,
which never belong in one and would reverse it in its own box; names, text and titles keep
theirs (isolated), as their authors wrote them.

The folder is made beside its place under a temporary name and put in place when complete
(outputs/atomic.py); every blob is hashed as it goes in (outputs/blobs.py). A missing or
damaged blob, a TSA that says no or a full disk leaves an earlier report as it was.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from archiver import __version__
from archiver.dates import short_time
from archiver.errors import ArchiverError, InputError, OutputError, StoreError
from archiver.outputs.atomic import new_folder
from archiver.outputs.blobs import Blob, BlobSource, blob_size, check_blob, local_file, open_blob
from archiver.outputs.export import ArticleBundle, PostBundle, artifact_filename, gather, select_articles
from archiver.outputs.manifest import MANIFEST_NAME, check_manifest, manifest_text, parse_manifest
from storage import POST_STATUSES, ArticleRow, EmbeddedPostRow, Store, TimelineEvent
from storage.blobs import CHUNK, is_sha256

log = logging.getLogger(__name__)

REPORTS_DIR = "reports"
FILES_DIR = "files"
CSS_NAME = "report.css"
INDEX = "index.html"
TOKEN_NAME = MANIFEST_NAME + ".tsr"  # an RFC 3161 timestamp of hashes.txt, when asked for
_MADE = (INDEX, CSS_NAME, MANIFEST_NAME, TOKEN_NAME)
# What a report folder holds (with the temp files a write killed midway may leave).
OURS = {*_MADE, *(f".{name}.tmp" for name in _MADE), FILES_DIR}
# Given a manifest's bytes, a timestamp token of them (archiver.outputs.timestamp.stamp, bound to a TSA).
Stamper = Callable[[bytes], bytes]
# The page may load its own style sheet, images and media, and nothing else; no script runs.
CSP = (
    "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'self'; "
    "frame-src 'none'; base-uri 'none'; form-action 'none'"
)
BADGES = set(POST_STATUSES)
_KIND_LABELS = {
    "screenshot": "screenshot (PNG)",
    "dom": "DOM as rendered (HTML source, as text)",
    "mhtml": "MHTML snapshot",
    "warc": "WARC (every response the browser received)",
    "metadata": "metadata (normalized JSON)",
    "raw": "platform data (as received)",
    "video-info": "video information (yt-dlp's JSON)",
    "media": "media",
    "html": "HTML",
    "render": "render notes (consent click, frames, waits; JSON)",
}


@dataclass(frozen=True)
class FileLink:
    """An artifact as the report links it."""

    kind: str
    label: str
    href: str  # files/<sha256>.<ext>
    sha256: str
    size: int
    mime: str
    source_url: str | None
    download: str  # the name a browser saves it as

    @property
    def is_image(self) -> bool:
        return self.mime.startswith("image/") and "svg" not in self.mime  # SVG may hold script

    @property
    def is_video(self) -> bool:
        return self.mime.startswith("video/")


@dataclass(frozen=True)
class HistoryRow:
    when: str
    what: str
    files: list[FileLink] = field(default_factory=list)  # what a capture kept


@dataclass
class PostCard:
    post: EmbeddedPostRow
    href: str | None  # the post on its platform, when it is an http(s) URL
    badge: str
    status_since: str
    changed_at: str | None
    screenshot: FileLink | None
    media: list[FileLink]
    files: list[FileLink]
    history: list[HistoryRow]  # newest first
    quoted: str | None  # the text the article itself quoted (all an unresolved post has)
    removed_at: str | None
    posted: str | None = None
    captures: int = 0
    captured: str | None = None  # when the capture shown was made (UTC), None if none kept anything
    captured_iso: str | None = None
    partial: bool = False  # that capture kept less than it should have
    links: dict[str, str] = field(default_factory=dict)  # t.co code -> where the post's data says it leads
    found: str | None = None  # where in the article its embed was found (found_line)


def found_line(found_in: str | None) -> str | None:
    """Where the article's embed of a post was found, for its card."""
    if found_in is None or found_in == "static":
        return "found in the article's HTML" if found_in else None
    if found_in == "rendered":
        return "found once the article had rendered"
    return f"found in a frame of the article ({found_in.removeprefix('frame:')})"


@dataclass
class ReportView:
    article: ArticleRow
    href: str | None
    archived: str
    first_fetched: str
    screenshot: FileLink | None
    html: FileLink | None
    posts: list[PostCard] = field(default_factory=list)
    generator: str = f"embed-archiver {__version__}"
    csp: str = CSP


# C0 controls but tab and newline, DEL, C1 controls: no value reaches the page with one.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# The bidi embeddings, overrides, isolates and marks (LRE RLE PDF LRO RLO, LRI RLI FSI PDI, LRM RLM ALM).
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def plain(value: Any) -> Any:
    """A value without control characters (but tab and newline); the template's `finalize`,
    so every value on the page goes through it."""
    if isinstance(value, Markup):
        return Markup(_CONTROLS.sub("", value))
    if isinstance(value, str):
        return _CONTROLS.sub("", value)
    return value


def isolated(value: Any) -> Markup:
    """Text from a page or a platform as HTML, escaped and in its own <bdi>: whatever direction
    it takes, or forces with an override, ends with it."""
    return Markup("<bdi>{}</bdi>").format(plain(str(value)))


def isolated_id(value: Any) -> Markup:
    """A handle, URL or MIME type as isolated() shows text, without its bidi controls: they
    never belong in one, and inside its own box would still show it reversed."""
    return isolated(_BIDI.sub("", str(value)))


def title_text(value: Any) -> str:
    """Text for a place that holds no element (the <title>): isolated with FSI ... PDI."""
    return f"\u2068{plain(str(value))}\u2069"


def safe_href(url: Any) -> str | None:
    """The URL if it is an http(s) link, else None (no javascript:, data: or file: links)."""
    if isinstance(url, str) and url.lower().startswith(("http://", "https://")):
        return url
    return None


# A t.co short link as post text has it; its code is group 1.
SHORT_LINK = re.compile(r"https?://t\.co/([A-Za-z0-9]+)")
_MAX_DATA = 5 * 1024 * 1024  # a platform's answer larger than this is not read for its links


def short_links(data: Any) -> dict[str, str]:
    """Where the t.co links a platform's data knows lead, by their code: every object in it
    with a t.co `url` and an http(s) `expanded_url` (Twitter's entities: urls, media, and
    mediaDetails). Nothing is guessed: a link the data does not expand is not in it."""
    found: dict[str, str] = {}
    todo = [data]
    while todo:
        item = todo.pop()
        if isinstance(item, dict):
            short, target = item.get("url"), item.get("expanded_url")
            code = SHORT_LINK.fullmatch(short) if isinstance(short, str) else None
            if code is not None and (href := safe_href(target)) is not None:
                found.setdefault(code.group(1), href)
            todo.extend(reversed(list(item.values())))
        elif isinstance(item, list):
            todo.extend(reversed(item))
    return found


def _post_links(blobs: Callable[[str], Path], post: PostBundle, known: Mapping[str, Blob]) -> dict[str, str]:
    """The t.co links of the post's text, from the platform's answer (`raw`) its latest capture
    that has one kept; {} when its text has none. The answer is read hash-checked, like every
    blob a report takes."""
    if not SHORT_LINK.search(post.post["text"] or ""):
        return {}
    for capture in reversed(post.captures):
        raw = capture.first("raw")
        if raw is None or "json" not in (raw["mime"] or "") or raw["size"] > _MAX_DATA:
            continue
        with open_blob(blobs, known[raw["sha256"]]) as stream:
            data = stream.read()
        try:
            return short_links(json.loads(data))
        except ValueError:
            continue
    return {}


def linked_text(text: Any, links: Mapping[str, str]) -> Markup:
    """Post text as isolated() shows it, but each t.co link the post's data expands is a link
    to where it leads, with that as its text (the short link as it was written in its title).
    Targets are only http(s) URLs, shown without bidi controls, as a URL is."""
    text = plain(str(text))
    pieces: list[Markup] = []
    last = 0
    for found in SHORT_LINK.finditer(text):
        target = links.get(found.group(1))
        if target is None:
            continue
        pieces.append(escape(text[last : found.start()]))
        href = _BIDI.sub("", plain(target))
        pieces.append(
            Markup('<a class="expanded" href="{}" title="{}" rel="noopener noreferrer">{}</a>').format(
                href, found.group(0), isolated(href)
            )
        )
        last = found.end()
    pieces.append(escape(text[last:]))
    return Markup("<bdi>{}</bdi>").format(Markup("").join(pieces))


def _link(artifact: Mapping[str, Any], platform: str = "") -> FileLink:
    name = artifact_filename(artifact["sha256"], artifact["kind"], artifact["mime"])
    ext = name[len(artifact["sha256"]) :]
    return FileLink(
        kind=artifact["kind"],
        label=_KIND_LABELS.get(artifact["kind"], artifact["kind"]),
        href=f"{FILES_DIR}/{name}",
        sha256=artifact["sha256"],
        size=int(artifact["size"]),
        mime=artifact["mime"] or "application/octet-stream",
        source_url=artifact["source_url"],
        download=f"{platform + '-' if platform else ''}{artifact['kind']}-{artifact['sha256'][:12]}{ext}",
    )


def _event_line(event: TimelineEvent) -> Markup:
    """One line of a post's history as HTML: the words are ours, what came from elsewhere (an
    article's URL, an error's message) is isolated."""
    kind = event["event"]
    if kind == "first_seen":
        return Markup("first seen")
    if kind == "embedded":
        return Markup("embedded in {}").format(isolated_id(event["article"]))
    if kind == "embed_removed":
        return Markup("no longer embedded in {}").format(isolated_id(event["article"]))
    if kind == "status_change":
        return Markup("status {} → {}").format(event["from"], event["to"])
    if kind == "check":
        http = f" (HTTP {event['http_status']})" if event.get("http_status") else ""
        changed = ", content changed" if event.get("changed") else ""
        return Markup("checked via {}: {}{}{}").format(event["method"], event["outcome"], http, changed)
    if kind == "capture":
        kept = ", ".join(a["kind"] for a in event.get("artifacts", []))
        error = Markup(": {}").format(isolated(event["error"])) if event.get("error") else ""
        return Markup("captured: {}{}{}").format(event["status"], error, f" ({kept})" if kept else "")
    return Markup("{}").format(kind)


def _card(
    store: Store, post: PostBundle, blobs: Callable[[str], Path], known: Mapping[str, Blob]
) -> PostCard:
    row = post.post
    latest = post.latest
    platform = row["platform"]
    files = [_link(a, platform) for capture in reversed(post.captures) for a in capture.artifacts]
    screenshot = latest.first("screenshot") if latest else None
    media = [_link(a, platform) for a in latest.of_kind("media")] if latest else []
    kept = {c.capture["id"]: [_link(a, platform) for a in c.artifacts] for c in post.captures}
    history = [
        HistoryRow(
            short_time(e["at"]), _event_line(e), kept.get(e["id"], []) if e["event"] == "capture" else []
        )
        for e in store.timeline(row["id"])
    ]
    status = row["status"]
    return PostCard(
        post=row,
        href=safe_href(row["url"]),
        badge=status if status in BADGES else "unknown",
        status_since=short_time(row["status_since"]),
        changed_at=short_time(post.changed_at) if post.changed_at else None,
        screenshot=_link(screenshot, platform) if screenshot else None,
        media=media,
        files=files,
        history=list(reversed(history)),
        quoted=post.embed["text"] if post.embed and latest is None else None,
        removed_at=short_time(row.get("removed_at")) if row.get("removed_at") else None,
        posted=short_time(row["posted_at"]) if row["posted_at"] else None,
        captures=len(post.captures),
        captured=short_time(latest.capture["started"]) if latest else None,
        captured_iso=latest.capture["started"] if latest else None,
        partial=latest is not None and latest.capture["status"] == "partial",
        links=_post_links(blobs, post, known),
        found=found_line(post.embed["found_in"]) if post.embed else None,
    )


def build_view(store: Store, bundle: ArticleBundle) -> ReportView:
    article = bundle.article
    shot = bundle.screenshot
    html = None
    if sha := article["html_sha256"]:
        size = blob_size(store.blobs, Blob(sha, f"the HTML of article {article['id']}"))
        row = {"kind": "html", "sha256": sha, "mime": "text/html", "size": size}
        html = _link({**row, "source_url": article["url"]})
    return ReportView(
        article=article,
        href=safe_href(article["url"]),
        archived=short_time(article["last_fetched"]),
        first_fetched=short_time(article["first_fetched"]),
        screenshot=_link(shot) if shot else None,
        html=html,
        posts=[_card(store, post, store.blobs.path, bundle.blobs()) for post in bundle.posts],
    )


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("archiver.outputs", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=plain,
    )
    env.filters["size"] = human_size
    env.filters["bdi"] = isolated
    env.filters["bdi_id"] = isolated_id
    env.filters["title_text"] = title_text
    env.filters["linked"] = linked_text
    return env


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{int(value)} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} bytes"  # pragma: no cover - the loop always returns


def _check_folder(out: Path) -> None:
    """Refuse to replace a folder that has other things in it than a report's (under files/
    too: a report rewritten replaces the whole folder)."""
    if out.exists() and not out.is_dir():
        raise InputError(f"{out} is a file, not a folder for the report")
    if not out.is_dir():
        return
    strangers = [p.name for p in out.iterdir() if p.name not in OURS]
    files = out / FILES_DIR
    if files.is_symlink() or (files.exists() and not files.is_dir()):
        strangers.append(FILES_DIR)
    elif files.is_dir():
        strangers += [f"{FILES_DIR}/{p.name}" for p in files.iterdir() if not _is_ours(p)]
    if strangers:
        raise InputError(f"{out} holds other files ({strangers[0]}, ...): give an empty or new folder")


def _is_ours(path: Path) -> bool:
    """A file a report puts under files/: <sha256>.<ext>."""
    return is_sha256(path.name.split(".", 1)[0]) and path.is_file() and not path.is_symlink()


def _place(blobs: BlobSource, blob: Blob, target: Path) -> None:
    """Put the blob at target, checked against its SHA-256: a hard link when its store keeps
    files and the file system allows (no copy: the blob is read through once to check it),
    else a copy, checked as it is made (a blob in a bucket is read once)."""
    path = local_file(blobs, blob.sha256) if is_sha256(blob.sha256) else None
    if path is not None:
        check_blob(blobs, blob)
        try:
            os.link(path, target)
            return
        except OSError:
            pass  # another file system, or one without hard links
    with open(target, "wb") as copy, open_blob(blobs, blob) as stream:
        while chunk := stream.read(CHUNK):
            copy.write(chunk)


def report_dir(home: Path, article_id: int) -> Path:
    """Where `archiver archive` and `archiver report` put an article's report by default."""
    return home / REPORTS_DIR / str(article_id)


class Archived(Protocol):
    """What add_reports needs of an archived article's result (flows.results.ArticleResult)."""

    article_row: int | None
    report: str | None


def add_reports(store: Store, results: Iterable[Archived], home: Path) -> None:
    """Write the report of each article `archiver archive` archived, in its default folder, and
    name its index.html in the result (`report`). One that cannot be written is logged and
    left None: the archive itself is complete either way."""
    for result in results:
        if result.article_row is None:
            continue
        try:
            index = write_report(store, result.article_row, report_dir(home, result.article_row))
        except (ArchiverError, StoreError) as exc:  # an earlier report, if any, is left as it was
            log.warning("report of article %s not written: %s", result.article_row, exc)
            continue
        result.report = str(index.resolve())


def write_article_report(
    store: Store, ref: str, home: Path, out: Path | None = None, stamp: Stamper | None = None
) -> Path:
    """`archiver report`: the report of the article `ref` names (its URL or id), in `out`
    (default HOME/reports/<article id>); its index.html."""
    (article,) = select_articles(store, [ref])
    return write_report(store, article["id"], out or report_dir(home, article["id"]), stamp)


def write_report(store: Store, article_id: int, out: Path, stamp: Stamper | None = None) -> Path:
    """Write the report of article `article_id` into the folder `out`; returns its index.html.

    The folder is made beside `out` and put in its place once complete: an earlier report there
    is replaced only then, and any failure leaves it as it was, with nothing half-written. Every
    blob is checked against its SHA-256 on its way in, and hashes.txt lists each file under the
    SHA-256 the archive knows it by; with `stamp` it gets a trusted timestamp beside it
    (hashes.txt.tsr). OutputError (one line) when a blob is missing or damaged (BlobMissing,
    BlobCorrupt: named, with whose it is) or the folder cannot be written; InputError when
    `out` holds anything but a report.
    """
    _check_folder(out)
    bundle = gather(store, article_id)
    view = build_view(store, bundle)
    wanted: dict[str, str] = {}  # files/<name> -> sha256
    for link in [*(f for card in view.posts for f in card.files), view.screenshot, view.html]:
        if link is not None:
            wanted[link.href] = link.sha256
    css = resources.files("archiver.outputs").joinpath("templates", CSS_NAME).read_bytes()
    page = _environment().get_template("report.html.j2").render(view=view).encode("utf-8")
    listed = [
        *((sha, href) for href, sha in wanted.items()),
        (_sha256(css), CSS_NAME),
        (_sha256(page), INDEX),
    ]
    manifest = manifest_text(listed).encode()
    blobs = bundle.blobs()
    try:
        with new_folder(out) as temp:
            (temp / FILES_DIR).mkdir()
            for href, sha in wanted.items():
                _place(store.blobs, blobs[sha], temp / href)
            token = stamp(manifest) if stamp is not None else None  # the blobs are sound
            made = {CSS_NAME: css, INDEX: page, MANIFEST_NAME: manifest}
            if token is not None:
                made[TOKEN_NAME] = token
            for name, data in made.items():
                (temp / name).write_bytes(data)
    except OSError as exc:
        raise OutputError(f"cannot write the report in {out}: {exc.strerror or exc}") from None
    return out / INDEX


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class FolderCheck:
    """What check_report found: sound when `problems` is empty."""

    files: int
    problems: list[str]
    stamped_at: str | None = None  # when a timestamp says hashes.txt existed

    def summary(self) -> str:
        stamped = f"; timestamped {self.stamped_at}" if self.stamped_at else ""
        verdict = f"{len(self.problems)} problem(s)" if self.problems else "all sound"
        return f"checked {self.files} file(s) against {MANIFEST_NAME}{stamped}: {verdict}"


def check_report(folder: Path, verify_token: Callable[[bytes, bytes], str] | None = None) -> FolderCheck:
    """Check a report folder as a third party would: every file against hashes.txt, and
    hashes.txt against its timestamp (`verify_token(manifest, token)` -> when) if it has one."""
    path = folder / MANIFEST_NAME
    if not path.is_file():
        raise InputError(f"{folder} has no {MANIFEST_NAME}: not a report folder")
    manifest = path.read_bytes()
    text = manifest.decode("utf-8", "replace")
    try:
        problems = check_manifest(folder, text)
        files = len(parse_manifest(text))
    except ValueError as exc:
        return FolderCheck(0, [f"{MANIFEST_NAME}: {exc}"])
    listed = {name for _, name in parse_manifest(text)}
    for extra in sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()):
        if extra not in listed and extra not in (MANIFEST_NAME, TOKEN_NAME):
            problems.append(f"not listed: {extra}")
    stamped_at = None
    token = folder / TOKEN_NAME
    if token.is_file() and verify_token is not None:
        try:
            stamped_at = verify_token(manifest, token.read_bytes())
        except ArchiverError as exc:
            problems.append(f"{TOKEN_NAME}: {exc}")
    return FolderCheck(files, problems, stamped_at)
