"""What leaves the archive: an article with everything kept about its posts, gathered once for
the WACZ, the HTML report and the JSON/CSV export.

    articles = select_articles(store, ["https://news.example/story", "3"])   # or all_articles=True
    bundle = gather(store, articles[0]["id"])       # the article, its captures, its posts'
    bundles = gather_articles(store, ["3"])         # the two at once
    text = json_text(bundles)                       # one JSON object per post and line (or csv_text)

Artifacts leave under a name made of their SHA-256 and an extension that says what they are
(`artifact_filename`). Nothing leaves under a name a browser would run: a captured DOM or
article HTML gets `.html.txt` (opened by accident from a folder on disk it shows as text), and
a file of any other type (SVG, XML, script...) gets an extension from a short list of inert
ones (pictures, video, sound, JSON, text), else `.bin`.
"""

from __future__ import annotations

import csv
import io
import json
import mimetypes
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from archiver.errors import InputError
from archiver.outputs.blobs import Blob
from storage import ArticleRow, ArtifactFileRow, CaptureRow, CheckRow, EmbeddedPostRow, EmbedRow, Store

# Extensions by artifact kind; media (and anything else) goes by its MIME type.
_KIND_EXTENSIONS = {
    "screenshot": ".png",
    "dom": ".html.txt",
    "html": ".html.txt",
    "mhtml": ".mhtml",
    "warc": ".warc",
    "metadata": ".json",
}
_MIME_EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "video/mp4": ".mp4",
    "application/json": ".json",
    "text/plain": ".txt",
    "text/html": ".html.txt",
    "application/xhtml+xml": ".html.txt",
    "application/x-mpegurl": ".m3u8",
    "application/vnd.apple.mpegurl": ".m3u8",
}
_INERT_TYPES = ("image/", "video/", "audio/")  # a browser shows these, never runs them (but SVG)


def artifact_filename(sha256: str, kind: str, mime: str | None) -> str:
    """`<sha256><ext>`: the ext from the kind (screenshot .png, dom .html.txt, ...) or the MIME
    type, never one a browser would run (see above)."""
    ext = _KIND_EXTENSIONS.get(kind)
    if ext is None:
        base = (mime or "").split(";", 1)[0].strip().lower()
        ext = _MIME_EXTENSIONS.get(base)
        if ext is None and base.startswith(_INERT_TYPES) and "svg" not in base and "xml" not in base:
            ext = mimetypes.guess_extension(base)
        if ext is None and base.startswith("text/"):
            ext = ".txt"
    return sha256 + (ext or ".bin")


@dataclass(frozen=True)
class CaptureBundle:
    """One capture and the artifacts it kept (each a row with its blob's `path`)."""

    capture: CaptureRow
    artifacts: list[ArtifactFileRow]

    def first(self, kind: str) -> ArtifactFileRow | None:
        return next((a for a in self.artifacts if a["kind"] == kind), None)

    def of_kind(self, kind: str) -> list[ArtifactFileRow]:
        return [a for a in self.artifacts if a["kind"] == kind]


@dataclass(frozen=True)
class PostBundle:
    """A post as the archive knows it: its row (with the embed's position, source, removed_at),
    the article's embed of it, its captures oldest first and its checks."""

    post: EmbeddedPostRow
    embed: EmbedRow | None
    captures: list[CaptureBundle]
    checks: list[CheckRow]

    @property
    def latest(self) -> CaptureBundle | None:
        """The latest capture that kept something (a failed one keeps nothing)."""
        kept = [c for c in self.captures if c.artifacts and c.capture["status"] != "failed"]
        return kept[-1] if kept else None

    @property
    def changed_at(self) -> str | None:
        """When a check last found the post's content changed."""
        changes = [c["checked_at"] for c in self.checks if c["changed"]]
        return max(changes) if changes else None


@dataclass(frozen=True)
class ArticleBundle:
    article: ArticleRow
    captures: list[CaptureBundle]  # the article's own (its screenshots)
    posts: list[PostBundle] = field(default_factory=list)

    @property
    def screenshot(self) -> ArtifactFileRow | None:
        for capture in reversed(self.captures):
            shot = capture.first("screenshot")
            if shot is not None:
                return shot
        return None

    def artifacts(self) -> Iterator[ArtifactFileRow]:
        """Every artifact of the article and its posts, each once (by SHA-256)."""
        seen: set[str] = set()
        for capture in [*self.captures, *(c for p in self.posts for c in p.captures)]:
            for artifact in capture.artifacts:
                if artifact["sha256"] not in seen:
                    seen.add(artifact["sha256"])
                    yield artifact

    def blobs(self) -> dict[str, Blob]:
        """Every blob of the article (its HTML, its and its posts' artifacts) by SHA-256, each
        with whose it is, for the error that names one missing or damaged."""
        article = self.article
        found: dict[str, Blob] = {}
        if sha := article["html_sha256"]:
            found[sha] = Blob(sha, f"the HTML of article {article['id']}")
        for capture in self.captures:
            for artifact in capture.artifacts:
                what = f"the {artifact['kind']} of article {article['id']}, capture {capture.capture['id']}"
                found.setdefault(artifact["sha256"], Blob(artifact["sha256"], what))
        for post in self.posts:
            row = post.post
            for capture in post.captures:
                for artifact in capture.artifacts:
                    what = (
                        f"the {artifact['kind']} of post {row['id']} ({row['platform']}) in article "
                        f"{article['id']}, capture {capture.capture['id']}"
                    )
                    found.setdefault(artifact["sha256"], Blob(artifact["sha256"], what))
        return found


def select_articles(store: Store, refs: Sequence[str], all_articles: bool = False) -> list[ArticleRow]:
    """The article rows named by `refs` (each a row id or a URL), or every one with `all_articles`.

    InputError (one line) when one is not in the archive, or when nothing is named.
    """
    if all_articles:
        found = store.list_articles()
        if not found:
            raise InputError(f"no articles in the archive at {store.home}")
        return found
    if not refs:
        raise InputError("name an ARTICLE (its URL or id), or give --all")
    found = []
    for ref in refs:
        # an id, a URL, or the URL it redirected to
        article = store.get_article(int(ref)) if ref.isdigit() else store.find_article(ref)
        if article is None:
            raise InputError(f"no article {ref!r} in the archive (give its URL or its id)")
        found.append(article)
    return found


def gather_articles(store: Store, refs: Sequence[str], all_articles: bool = False) -> list[ArticleBundle]:
    """`gather` of each article `refs` names (see select_articles), or of every one."""
    return [gather(store, row["id"]) for row in select_articles(store, refs, all_articles)]


def _capture_bundles(store: Store, captures: Iterable[CaptureRow]) -> list[CaptureBundle]:
    return [CaptureBundle(c, store.artifacts_for_capture(c["id"])) for c in captures]


def gather(store: Store, article_id: int) -> ArticleBundle:
    """Everything the archive holds about one article and the posts it embeds (removed ones too)."""
    article = store.get_article(article_id)
    if article is None:
        raise InputError(f"no article with id {article_id} in the archive")
    embeds = {e["post"]: e for e in store.embeds_for_article(article_id)}
    posts = [
        PostBundle(
            post=post,
            embed=embeds.get(post["id"]),
            captures=_capture_bundles(store, store.captures_for_post(post["id"])),
            checks=store.checks_for_post(post["id"]),
        )
        for post in store.posts_for_article(article_id, include_removed=True)
    ]
    return ArticleBundle(article, _capture_bundles(store, store.captures_for_article(article_id)), posts)


# JSON lines and CSV: one record per (article, post).

CSV_COLUMNS = (
    "article_id",
    "article_url",
    "platform",
    "post_id",
    "url",
    "status",
    "status_since",
    "changed_at",
    "author_name",
    "author_handle",
    "posted_at",
    "text",
    "first_seen",
    "last_checked",
    "last_captured",
    "embed_source",
    "embed_found_in",
    "embed_removed_at",
    "captures",
    "artifacts",
)


def post_record(bundle: ArticleBundle, post: PostBundle) -> dict[str, Any]:
    """One post as a flat-ish dict: its status, metadata, and the artifacts of its latest capture."""
    row = post.post
    latest = post.latest
    return {
        "article_id": bundle.article["id"],
        "article_url": bundle.article["url"],
        "platform": row["platform"],
        "post_id": row["post_id"],
        "url": row["url"],
        "status": row["status"],
        "status_since": row["status_since"],
        "changed_at": post.changed_at,
        "author_name": row["author_name"],
        "author_handle": row["author_handle"],
        "posted_at": row["posted_at"],
        "text": row["text"],
        "first_seen": row["first_seen"],
        "last_checked": row["last_checked"],
        "last_captured": row["last_captured"],
        "embed_source": row.get("source"),
        "embed_found_in": post.embed["found_in"] if post.embed else None,
        "embed_removed_at": row.get("removed_at"),
        "captures": len(post.captures),
        "artifacts": [
            {k: a[k] for k in ("kind", "sha256", "mime", "size", "source_url", "path")}
            for a in (latest.artifacts if latest else [])
        ],
    }


def json_text(bundles: Iterable[ArticleBundle]) -> str:
    """One JSON object (post_record) per post, one a line."""
    return "".join(
        json.dumps(post_record(bundle, post), ensure_ascii=False) + "\n"
        for bundle in bundles
        for post in bundle.posts
    )


# A spreadsheet reads a cell that begins with one of these as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """The value as a CSV cell a spreadsheet shows as text: text that begins with = + - @, a tab
    or a carriage return gets a ' in front ("-5" too, as OWASP recommends); the rest as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(bundles: Iterable[ArticleBundle]) -> str:
    """CSV with a header; `artifacts` is "kind:sha256" joined by spaces. Every cell goes
    through csv_cell: none begins as a formula. Lines end in CRLF (RFC 4180), so that a cell
    with a carriage return in it is quoted like one with a newline: a lone CR left bare would
    end the row in a spreadsheet, and what follows it would begin a cell of its own."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for bundle in bundles:
        for post in bundle.posts:
            record = post_record(bundle, post)
            record["artifacts"] = " ".join(f"{a['kind']}:{a['sha256']}" for a in record["artifacts"])
            writer.writerow({name: csv_cell(value) for name, value in record.items()})
    return out.getvalue()
