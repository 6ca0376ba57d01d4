"""A WACZ of articles and their posts' captures, as the WACZ 1.1.1 spec lays it out, so that
ReplayWeb.page and pywb open it:

    archive/<sha256>.warc      each capture's WARC, byte for byte the blob the archive keeps:
                               a post's embed view, and the article's render (its page, scripts,
                               every embed frame and what each loaded), so that the article
                               replays WITH its posts
    archive/articles.warc      each article's HTML as fetched, one `resource` record each (we
                               keep the bytes the server sent, not its headers: no response is
                               made up); indexed only for an article no render WARC holds (its
                               page is the render's response record then, the same bytes)
    archive/media.warc         each photo and video we downloaded ourselves that no capture WARC
                               holds in full, as a `response` record at the URL it came from
                               (the embed's player asks for that URL on replay): status 200, its
                               Content-Type and Content-Length, the blob's bytes. Made here, at
                               export, streamed from the blob store into the ZIP: the archive
                               keeps each file once, as its blob (see MediaWarc)
    indexes/index.cdx.gz       every response and resource record as a CDXJ line (SURT key,
                               14-digit time, JSON), sorted, gzipped in blocks of 256 lines
    indexes/index.idx          the secondary index of those blocks (each block's first key, offset,
                               length and SHA-256): the ZipNum pair py-wacz writes
    pages/pages.jsonl          the article (at its render's time, else its fetch's) and each
                               post (its embed view) as a page, with text;
                               the article's page lists its posts' pages (`posts`), each post's
                               page the articles that embed it (`articles`)
    files/<sha256>.<ext>       every other artifact: screenshots, DOM, MHTML, data, media
    hashes/article-<id>.txt    per article, "<sha256>  <path>" of its files (`sha256sum -c`
                               from the unzipped root), and with a TSA its RFC 3161 timestamp
                               (article-<id>.txt.tsr)
    datapackage.json           every file above: path, sha256, bytes
    datapackage-digest.json    the sha256 of datapackage.json

WARCs and index.cdx.gz are stored uncompressed in the ZIP (STORE), so a record or a block of
the index is read at its offset. The index is named as the reference implementation (py-wacz) and
the spec's example name it: pywb's `wb-manager add --unpack-wacz` takes only `*.cdx` and
`*.cdx.gz` (an `index.cdxj` it does not see), ReplayWeb.page reads the blocks through index.idx.
A media URL is in the index once: the browser's record when it holds the whole file (status 200,
the blob's length), else ours in media.warc (a partial or empty browser record is left unindexed).
Every blob goes in through outputs/blobs.py, hashed as it is copied: one missing or damaged
fails the export with an error that names it. The ZIP is written to a temporary file beside
`out` and renamed into place only when it is complete (outputs/atomic.py).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import re
import shutil
import uuid
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, BinaryIO, Protocol
from urllib.parse import urlsplit

import lxml.html
from lxml import etree
from warcio.archiveiterator import ArchiveIterator
from warcio.warcwriter import WARCWriter

from archiver import __version__
from archiver.errors import OutputError
from archiver.outputs.atomic import new_file
from archiver.outputs.blobs import Blob, BlobSource, CheckedStream, open_blob, read_blob
from archiver.outputs.export import ArticleBundle, PostBundle, artifact_filename
from archiver.outputs.manifest import manifest_text
from storage import ArticleRow, ArtifactRow, PostRow
from storage.blobs import CHUNK

WACZ_VERSION = "1.1.1"
SOFTWARE = f"embed-archiver {__version__}"
ARTICLES_WARC = "articles.warc"
MEDIA_WARC = "media.warc"
INDEX_CDX_GZ = "index.cdx.gz"
INDEX_IDX = "index.idx"
INDEX_BLOCK_LINES = 256  # a replay tool reads one block (gzip member) of the index per lookup
_INDEXED = ("response", "resource", "revisit")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def surt(url: str) -> str:
    """The SURT sort key CDXJ indexes use: host reversed and comma-joined, `)`, path and sorted
    query, lowercased, without scheme, `www.`, default port or a path's
    trailing slash (`com,example)/a?b=1&c=2`)."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return url.strip().lower()
    host = re.sub(r"^www\d*\.", "", parts.hostname.lower().strip("."))
    key = ",".join(reversed(host.split(".")))
    try:
        port = parts.port
    except ValueError:
        port = None
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        key += f":{port}"
    path = parts.path.rstrip("/") or "/"
    query = "&".join(sorted(parts.query.split("&"))) if parts.query else ""
    return (key + ")" + path + (f"?{query}" if query else "")).lower()


def _timestamp14(warc_date: str) -> str:
    """WARC-Date (2024-08-07T14:03:00Z, maybe with fractions) -> 20240807140300."""
    return re.sub(r"\D", "", warc_date)[:14].ljust(14, "0")


def _rfc3339(at: str | None) -> str:
    """Our ISO 8601 UTC text (or a WARC-Date) as RFC 3339 with a Z."""
    if not at:
        return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    moment = datetime.fromisoformat(at.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class IndexEntry:
    """One CDXJ line: a record of a WARC under archive/, found at offset, length bytes long."""

    url: str
    timestamp: str  # 14 digits
    filename: str
    offset: int
    length: int
    mime: str
    status: str | None
    digest: str | None
    payload_length: int | None = None  # a response's body, as its Content-Length says (not in the line)

    def line(self) -> str:
        fields: dict[str, Any] = {"url": self.url, "mime": self.mime}
        if self.status is not None:
            fields["status"] = self.status
        if self.digest:
            fields["digest"] = self.digest
        fields.update(length=str(self.length), offset=str(self.offset), filename=self.filename)
        return f"{surt(self.url)} {self.timestamp} {json.dumps(fields, ensure_ascii=False)}"


def index_warc(stream: BinaryIO | CheckedStream, filename: str) -> list[IndexEntry]:
    """The CDXJ entries of one WARC file (response, resource and revisit records)."""
    entries = []
    records = ArchiveIterator(stream)
    for record in records:
        offset = records.get_record_offset()
        headers = record.rec_headers
        url = headers.get_header("WARC-Target-URI")
        kind = record.rec_type
        status = mime = None
        payload_length: int | None = None
        if kind in _INDEXED and url:
            if record.http_headers is not None and kind != "resource":
                status = record.http_headers.get_statuscode()
                mime = record.http_headers.get_header("Content-Type")
                declared = (record.http_headers.get_header("Content-Length") or "").strip()
                payload_length = int(declared) if declared.isdigit() else None
            else:
                mime = headers.get_header("Content-Type")
            digest = headers.get_header("WARC-Payload-Digest")
            date = headers.get_header("WARC-Date") or ""
        records.read_to_end(record)
        if kind in _INDEXED and url:
            entries.append(
                IndexEntry(
                    url=url,
                    timestamp=_timestamp14(date),
                    filename=filename,
                    offset=offset,
                    length=records.get_record_length(),
                    mime=(mime or "unk").split(";", 1)[0].strip() or "unk",
                    status=status,
                    digest=digest,
                    payload_length=payload_length,
                )
            )
    return entries


def zipnum_index(lines: Sequence[str], lines_per_block: int = INDEX_BLOCK_LINES) -> tuple[bytes, bytes]:
    """The sorted CDXJ `lines` as index.cdx.gz and its secondary index index.idx (ZipNum, as
    py-wacz writes them): each block of `lines_per_block` lines is a gzip member of its own,
    and index.idx has a `!meta` line, then per block its first line's key and timestamp with
    the block's offset, length and SHA-256 in index.cdx.gz. The gzip members carry no time, so
    the same lines make the same bytes."""
    blocks = io.BytesIO()
    idx = [f"!meta 0 {json.dumps({'format': 'cdxj-gzip-1.0', 'filename': INDEX_CDX_GZ})}"]
    for start in range(0, len(lines), lines_per_block):
        block = lines[start : start + lines_per_block]
        packed = gzip.compress("".join(line + "\n" for line in block).encode(), mtime=0)
        key = block[0].split(" {", 1)[0]
        where = {
            "offset": blocks.tell(),
            "length": len(packed),
            "digest": f"sha256:{_hash_bytes(packed)}",
            "filename": INDEX_CDX_GZ,
        }
        idx.append(f"{key} {json.dumps(where)}")
        blocks.write(packed)
    return blocks.getvalue(), ("\n".join(idx) + "\n").encode()


def articles_warc(bundles: Sequence[ArticleBundle], html: Mapping[int, bytes]) -> bytes:
    """A WARC with each article's HTML (as fetched, by article id) as a `resource` record at its URL."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=False)
    writer.write_record(
        writer.create_warcinfo_record(
            ARTICLES_WARC,
            {"software": SOFTWARE, "format": "WARC File Format 1.1", "description": "articles as fetched"},
        )
    )
    for bundle in bundles:
        article = bundle.article
        if article["id"] not in html:
            continue
        page = html[article["id"]]
        record = writer.create_warc_record(
            article["url"],
            "resource",
            payload=io.BytesIO(page),
            length=len(page),
            warc_content_type="text/html",
            warc_headers_dict={"WARC-Date": _rfc3339(article["last_fetched"])},
        )
        writer.write_record(record)
    return out.getvalue()


@dataclass(frozen=True)
class MediaRecord:
    """A photo or video a capture downloaded (its blob), to go in media.warc at its source URL."""

    url: str
    blob: Blob
    mime: str
    size: int
    date: str  # WARC-Date

    @property
    def digest(self) -> str:
        return "sha256:" + base64.b32encode(bytes.fromhex(self.blob.sha256)).decode()

    def head(self) -> bytes:
        """The record up to its payload: WARC headers, then the HTTP response's. No
        WARC-Block-Digest (optional in WARC 1.0): it would take reading the file twice; the
        payload digest is the blob's SHA-256, known without reading it."""
        http = (
            f"HTTP/1.1 200 OK\r\nContent-Type: {self.mime}\r\nContent-Length: {self.size}\r\n\r\n"
        ).encode()
        record_id = uuid.uuid5(uuid.NAMESPACE_URL, f"{self.blob.sha256} {self.url}")
        warc = (
            "WARC/1.0\r\n"
            "WARC-Type: response\r\n"
            f"WARC-Record-ID: <urn:uuid:{record_id}>\r\n"
            f"WARC-Target-URI: {self.url}\r\n"
            f"WARC-Date: {self.date}\r\n"
            f"WARC-Payload-Digest: {self.digest}\r\n"
            "Content-Type: application/http; msgtype=response\r\n"
            f"Content-Length: {len(http) + self.size}\r\n\r\n"
        ).encode()
        return warc + http


_RECORD_END = b"\r\n\r\n"


class _Sink(Protocol):
    def write(self, data: bytes, /) -> int: ...


class _Hashing:
    """Writes through to `out`, hashing and counting what it writes."""

    def __init__(self, out: _Sink) -> None:
        self._out = out
        self.sha256 = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes, /) -> int:
        self._out.write(data)
        self.sha256.update(data)
        self.size += len(data)
        return len(data)


class MediaWarc:
    """media.warc: a warcinfo record, then a `response` record per media file, whose bytes are
    streamed from the blob store as the ZIP is written (never held in memory or copied to
    disk). Its offsets are known beforehand from the blobs' sizes, so is its index."""

    def __init__(self, records: Sequence[MediaRecord]) -> None:
        out = io.BytesIO()
        writer = WARCWriter(out, gzip=False)
        description = "photos and videos the archive downloaded, from its blobs"
        writer.write_record(
            writer.create_warcinfo_record(
                MEDIA_WARC,
                {"software": SOFTWARE, "format": "WARC File Format 1.0", "description": description},
            )
        )
        self.prelude = out.getvalue()
        self.records = list(records)

    def entries(self) -> list[IndexEntry]:
        found = []
        offset = len(self.prelude)
        for record in self.records:
            length = len(record.head()) + record.size + len(_RECORD_END)
            found.append(
                IndexEntry(
                    url=record.url,
                    timestamp=_timestamp14(record.date),
                    filename=MEDIA_WARC,
                    offset=offset,
                    length=length,
                    mime=record.mime,
                    status="200",
                    digest=record.digest,
                    payload_length=record.size,
                )
            )
            offset += length
        return found

    @property
    def size(self) -> int:
        return len(self.prelude) + sum(len(r.head()) + r.size + len(_RECORD_END) for r in self.records)

    def write(self, out: _Sink, blob_path: BlobSource) -> None:
        """The WARC into `out`, each blob checked as it is copied (outputs/blobs.py); OutputError
        when a blob's length is not the one its row says (the offsets in the index would be wrong)."""
        out.write(self.prelude)
        for record in self.records:
            out.write(record.head())
            with open_blob(blob_path, record.blob) as stream:
                shutil.copyfileobj(stream, out, CHUNK)
                if stream.tell() != record.size:
                    raise OutputError(
                        f"{record.blob.what}: blob {record.blob.sha256} is {stream.tell()} bytes, "
                        f"the archive says {record.size}"
                    )
            out.write(_RECORD_END)


def media_records(bundles: Sequence[ArticleBundle], blobs: Mapping[str, Blob]) -> dict[str, MediaRecord]:
    """The media files the bundles' captures downloaded, by source URL: one per URL, from the
    latest capture that kept it."""
    found: dict[str, MediaRecord] = {}
    for bundle in bundles:
        for capture in [*bundle.captures, *(c for p in bundle.posts for c in p.captures)]:
            for artifact in capture.of_kind("media"):
                url = artifact["source_url"]
                if not url or not url.startswith(("http://", "https://")) or any(c.isspace() for c in url):
                    continue
                record = MediaRecord(
                    url=url,
                    blob=blobs[artifact["sha256"]],
                    mime=(artifact["mime"] or "application/octet-stream").split(";", 1)[0].strip(),
                    size=artifact["size"],
                    date=_rfc3339(capture.capture["started"]),
                )
                earlier = found.get(url)
                if earlier is None or earlier.date <= record.date:
                    found[url] = record
    return found


def _one_per_media_url(
    entries: dict[str, list[IndexEntry]], media: Mapping[str, MediaRecord]
) -> list[MediaRecord]:
    """Leave each media URL in `entries` (the capture WARCs' index) once: the latest browser
    record holding the whole file (status 200, the blob's length) if there is one, else none;
    the media records still to write (those no browser record holds in full)."""
    missing = []
    for url, record in media.items():
        whole = [
            e
            for found in entries.values()
            for e in found
            if e.url == url and e.status == "200" and e.payload_length == record.size
        ]
        keep = max(whole, key=lambda e: e.timestamp) if whole else None
        for name, found in entries.items():
            entries[name] = [e for e in found if e.url != url or e is keep]
        if keep is None:
            missing.append(record)
    return missing


def _rendered_page(bundle: ArticleBundle, entries: Mapping[str, list[IndexEntry]]) -> IndexEntry | None:
    """The article's page as its latest render recorded it: the response record at its URL
    (status 200) in one of its captures' WARCs, if any."""
    url = bundle.article["url"]
    found = [
        entry
        for capture in bundle.captures
        for warc in capture.of_kind("warc")
        for entry in entries.get(f"{warc['sha256']}.warc", [])
        if entry.url == url and entry.status == "200"
    ]
    return max(found, key=lambda e: e.timestamp) if found else None


def _one_per_article_url(entries: dict[str, list[IndexEntry]], bundles: Sequence[ArticleBundle]) -> None:
    """An article a render WARC holds is replayed from it: its record in articles.warc (the
    same bytes, without headers) is left out of the index."""
    rendered = {b.article["url"] for b in bundles if _rendered_page(b, entries) is not None}
    if ARTICLES_WARC in entries:
        entries[ARTICLES_WARC] = [e for e in entries[ARTICLES_WARC] if e.url not in rendered]


def page_text(html: bytes) -> str:
    """The readable text of an HTML page, whitespace collapsed (scripts and styles left out)."""
    try:
        root = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return ""
    for node in root.xpath("//script|//style|//noscript|//template"):
        node.drop_tree()
    return " ".join(root.text_content().split())


def _article_title(article: ArticleRow) -> str:
    return " ".join((article["title"] or article["url"]).split())


def _post_title(post: PostRow, article: ArticleRow) -> str:
    """`twitter post by Name (@handle) in “Article”: text…`: a replay tool's page list shows
    and searches titles, so searching an article's title finds its posts too."""
    who = post["author_name"] or ""
    if post["author_handle"]:
        who = f"{who} (@{post['author_handle']})".strip()
    text = " ".join((post["text"] or "").split())
    head = f"{post['platform']} post" + (f" by {who}" if who else f" {post['post_id']}")
    head += f" in “{_article_title(article)}”"
    return f"{head}: {text[:100]}{'…' if len(text) > 100 else ''}" if text else head


def _entry_time(entry: IndexEntry) -> str:
    """An index entry's time as pages.jsonl has it (RFC 3339)."""
    return datetime.strptime(entry.timestamp, "%Y%m%d%H%M%S").strftime("%Y-%m-%dT%H:%M:%SZ")


def _post_page(
    post: PostBundle, article: ArticleRow, entries: dict[str, list[IndexEntry]]
) -> dict[str, Any] | None:
    """The page of a post: its latest capture's embed view, at the time the WARC holds it."""
    latest = post.latest
    if latest is None:
        return None
    warc = latest.first("warc")
    if warc is None:
        return None
    indexed = entries.get(f"{warc['sha256']}.warc", [])
    view = latest.first("dom") or latest.first("screenshot")
    url = view["source_url"] if view and view["source_url"] else None
    match = next((e for e in indexed if e.url == url), None) or next(
        (e for e in indexed if e.mime == "text/html"), None
    )
    if match is None:
        return None
    row = post.post
    return {
        "id": f"post-{row['id']}",
        "url": match.url,
        "ts": _entry_time(match),
        "title": _post_title(row, article),
        "text": " ".join((row["text"] or "").split()),
        "post_url": row["url"],
        "status": row["status"],
        "articles": [f"article-{article['id']}"],
    }


def pages_of(
    bundles: Sequence[ArticleBundle], html: Mapping[int, bytes], entries: dict[str, list[IndexEntry]]
) -> list[dict[str, Any]]:
    """pages.jsonl: its header, then each article as a page (its HTML as fetched) followed by
    the pages of its posts (their embed views). An article's page lists the ids of its posts'
    pages in `posts`, in the order the article embeds them; a post's page lists the articles
    embedding it in `articles` (a post two articles embed is one page, listed by both)."""
    pages: list[dict[str, Any]] = [{"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}]
    of_post: dict[int, dict[str, Any]] = {}
    for bundle in bundles:
        article = bundle.article
        fetched = html.get(article["id"], b"")
        rendered = _rendered_page(bundle, entries)
        page: dict[str, Any] = {
            "id": f"article-{article['id']}",
            "url": article["url"],
            "ts": _entry_time(rendered) if rendered is not None else _rfc3339(article["last_fetched"]),
            "title": _article_title(article),
            "text": page_text(fetched) if fetched else "",
            "posts": [],
        }
        pages.append(page)
        for post in bundle.posts:
            seen = of_post.get(post.post["id"])
            if seen is not None:
                seen["articles"].append(page["id"])
            elif (seen := _post_page(post, article, entries)) is not None:
                of_post[post.post["id"]] = seen
                pages.append(seen)
            if seen is not None:
                page["posts"].append(seen["id"])
    return pages


@dataclass
class WaczSummary:
    path: Path
    articles: int
    pages: int
    warcs: int
    files: int
    bytes: int


def _zip_name(artifact: ArtifactRow) -> str:
    folder = "archive" if artifact["kind"] == "warc" else "files"
    return f"{folder}/{artifact_filename(artifact['sha256'], artifact['kind'], artifact['mime'])}"


def _hash_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_wacz(
    bundles: Sequence[ArticleBundle],
    out: Path,
    *,
    blob_path: BlobSource,
    stamp: Callable[[bytes], bytes] | None = None,
) -> WaczSummary:
    """Write one WACZ of `bundles` to `out` (atomically: a temp file renamed into place).

    `blob_path` is where the archive's blobs are read from: its blob store (Store.blobs, a
    folder or a bucket) or, for a folder, Store.blobs.path (outputs/blobs.py). With `stamp`,
    each article's manifest gets an RFC 3161 timestamp beside it (hashes/article-<id>.txt.tsr).
    OutputError (one line) when a blob is missing or damaged (BlobMissing, BlobCorrupt: named,
    with whose it is) or `out` cannot be written; an earlier file at `out` is then left as it was.
    """
    blobs: dict[str, Blob] = {}
    for bundle in bundles:
        for sha, blob in bundle.blobs().items():
            blobs.setdefault(sha, blob)
    html = {
        b.article["id"]: read_blob(blob_path, blobs[b.article["html_sha256"]])
        for b in bundles
        if b.article["html_sha256"]
    }

    # What goes in: name -> (sha256, a blob or bytes made here)
    members: dict[str, tuple[str, Blob | bytes]] = {}
    for bundle in bundles:
        for artifact in bundle.artifacts():
            members.setdefault(_zip_name(artifact), (artifact["sha256"], blobs[artifact["sha256"]]))
    article_warc = articles_warc(bundles, html)
    members[f"archive/{ARTICLES_WARC}"] = (_hash_bytes(article_warc), article_warc)

    entries: dict[str, list[IndexEntry]] = {}
    for name, (_, source) in members.items():
        if name.startswith("archive/"):
            filename = name.removeprefix("archive/")
            if isinstance(source, bytes):
                entries[filename] = index_warc(io.BytesIO(source), filename)
            else:
                with open_blob(blob_path, source) as stream:
                    entries[filename] = index_warc(stream, filename)
    _one_per_article_url(entries, bundles)
    streamed: dict[str, MediaWarc] = {}
    if media := _one_per_media_url(entries, media_records(bundles, blobs)):
        streamed[f"archive/{MEDIA_WARC}"] = MediaWarc(media)
        entries[MEDIA_WARC] = streamed[f"archive/{MEDIA_WARC}"].entries()
    cdx_gz, idx = zipnum_index(sorted(e.line() for found in entries.values() for e in found))
    pages = pages_of(bundles, html, entries)
    pages_jsonl = "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in pages).encode()

    made: dict[str, bytes] = {
        f"indexes/{INDEX_CDX_GZ}": cdx_gz,
        f"indexes/{INDEX_IDX}": idx,
        "pages/pages.jsonl": pages_jsonl,
    }
    for bundle in bundles:
        names = [_zip_name(a) for a in bundle.artifacts()] + [f"archive/{ARTICLES_WARC}"]
        listing = manifest_text((members[name][0], name) for name in names)
        made[f"hashes/article-{bundle.article['id']}.txt"] = listing.encode()
        if stamp is not None:
            made[f"hashes/article-{bundle.article['id']}.txt.tsr"] = stamp(listing.encode())
    for name, data in made.items():
        members[name] = (_hash_bytes(data), data)

    def package(sizes: Mapping[str, int], hashes: Mapping[str, str]) -> dict[str, bytes]:
        """datapackage.json (every member: path, sha256, bytes) and its digest."""
        resources = [
            {"name": name.lower(), "path": name, "hash": f"sha256:{hashes[name]}", "bytes": size}
            for name, size in sorted(sizes.items())
        ]
        first = bundles[0].article if bundles else None
        title = (first["title"] or first["url"]) if first and len(bundles) == 1 else None
        created = _rfc3339(None)
        described: dict[str, Any] = {
            "profile": "data-package",
            "wacz_version": WACZ_VERSION,
            "title": title or "embed-archiver export",
            "description": _description(bundles),
            "created": created,
            "modified": created,
            "software": SOFTWARE,
            "resources": resources,
        }
        if first is not None:
            described.update(mainPageUrl=first["url"], mainPageDate=_rfc3339(first["last_fetched"]))
        datapackage = json.dumps(described, indent=2, ensure_ascii=False).encode()
        digest = json.dumps(
            {"path": "datapackage.json", "hash": f"sha256:{_hash_bytes(datapackage)}"}, indent=2
        ).encode()
        return {"datapackage.json": datapackage, "datapackage-digest.json": digest}

    try:
        with new_file(out) as temp:
            total = _write_zip(temp, members, streamed, blob_path, package)
    except OSError as exc:
        beside = exc.filename is not None and Path(exc.filename).parent == out.parent
        which = f" ({exc.filename})" if exc.filename and not beside else ""
        raise OutputError(f"cannot write {out}: {exc.strerror or exc}{which}") from None
    return WaczSummary(
        path=out,
        articles=len(bundles),
        pages=len(pages) - 1,
        warcs=len(entries),
        files=len(members) + len(streamed),
        bytes=total,
    )


def _write_zip(
    path: Path,
    members: dict[str, tuple[str, Blob | bytes]],
    streamed: Mapping[str, MediaWarc],
    blob_path: BlobSource,
    package: Callable[[Mapping[str, int], Mapping[str, str]], dict[str, bytes]],
) -> int:
    """The ZIP of `members` and the `streamed` WARCs (sorted, each blob checked as it is copied
    in), then the data package made from their sizes and hashes; the bytes of the members."""
    sizes: dict[str, int] = {}
    hashes = {name: sha for name, (sha, _) in members.items()}
    with zipfile.ZipFile(path, "w", allowZip64=True) as zf:
        for name in sorted([*members, *streamed]):
            if name in streamed:
                info = zipfile.ZipInfo(name, _zip_time())
                info.compress_type = zipfile.ZIP_STORED
                warc = streamed[name]
                with zf.open(info, "w", force_zip64=warc.size >= zipfile.ZIP64_LIMIT) as member:
                    sink = _Hashing(member)
                    warc.write(sink, blob_path)
                sizes[name], hashes[name] = sink.size, sink.sha256.hexdigest()
                continue
            _, source = members[name]
            # WARCs, media and the gzipped index are read in place: STORE; text compresses.
            deflate = name.endswith((".json", ".jsonl", ".idx", ".txt", ".tsr"))
            info = zipfile.ZipInfo(name, _zip_time())
            info.compress_type = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
            if isinstance(source, bytes):
                zf.writestr(info, source)
                sizes[name] = len(source)
                continue
            with open_blob(blob_path, source) as stream:
                with zf.open(info, "w", force_zip64=stream.size >= zipfile.ZIP64_LIMIT) as member:
                    shutil.copyfileobj(stream, member, CHUNK)
                sizes[name] = stream.tell()
        for name, data in package(sizes, hashes).items():
            zf.writestr(zipfile.ZipInfo(name, _zip_time()), data, compress_type=zipfile.ZIP_DEFLATED)
    return sum(sizes.values())


def _zip_time() -> tuple[int, int, int, int, int, int]:
    now = datetime.now(timezone.utc)
    return (now.year, now.month, now.day, now.hour, now.minute, now.second)


def _description(bundles: Iterable[ArticleBundle]) -> str:
    lines = ["Articles archived by embed-archiver, with the social-media posts they embed:", ""]
    for bundle in bundles:
        posts = len(bundle.posts)
        lines.append(f"- {bundle.article['title'] or bundle.article['url']} ({posts} post(s))")
    return "\n".join(lines)
