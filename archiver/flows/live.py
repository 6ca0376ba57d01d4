"""`archiver doctor --live`: is each platform still what its module expects?

    report = asyncio.run(live_check(settings, network, posts=(), only=()))
    for row in report.rows: print(row.platform, row.ok, row.problems)

One long-lived public post per platform (its `probe`, or the posts named with --post) goes
through the normal pipeline in a temporary archive, deleted afterwards (never the user's):

- discovered: discovery (find_embeds) finds the post in the platform's own embed markup,
  written the way its embed code writes it (its placeholder class, else an iframe of its embed
  view, else the `<name>-embed` blockquote that Mastodon, Bluesky and Reddit use);
- then capture_post, as `archiver archive` captures a post: the embed view rendered (its post
  element found), the data fetched, the media and video downloaded, all stored;
- and what the store holds afterwards: the data fields, the media kept, the status, and what
  the capture lists as missing.

A platform is degraded when any of that falls short: the user learns that a platform changed
its markup or endpoints before it silently degrades their archive. The run is bounded: at
most the capturer's capacity at once (settings.concurrency), each capture within
settings.capture_timeout, and the whole within one capture_timeout per round of captures.
"""

from __future__ import annotations

import asyncio
import html
import math
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from archiver import platforms
from archiver.discovery.find import find_embeds
from archiver.errors import InputError
from archiver.flows.archive import HeldPost, capture_post
from archiver.flows.kit import Kit, Network
from archiver.flows.recheck import METHOD, VIEW_METHOD, how_checked
from archiver.platforms.base import Platform
from archiver.settings import Settings
from storage import Store

# The data fields a capture's data may fill in (the post row's), as the table names them.
DATA_FIELDS = {"author_name": "author", "author_handle": "handle", "posted_at": "date", "text": "text"}
# What the capturer lists as missing when the post element did not render (capture/outcome.py: judge).
NOT_RENDERED = ("render:", "view:", "screenshot: post element not found")


@dataclass(frozen=True)
class Target:
    """One post to check: the platform's probe, or a post the user named."""

    platform: Platform
    post_id: str
    url: str


@dataclass
class LiveRow:
    """What became of one target."""

    platform: str
    url: str
    discovered: str | None = None  # the markup discovery found it in; None: not found
    rendered: bool = False
    data_expected: bool = False  # the platform has a data endpoint (fetch_data)
    fields: list[str] = field(default_factory=list)  # data fields present
    media: int = 0  # media files kept (photos, video, audio)
    videos: int = 0  # of which video
    status: str = "not checked"
    error: str | None = None
    missing: list[str] = field(default_factory=list)
    gone_from: str = ""  # where a deleted or private post is told from
    recheck: str = ""  # how its posts are re-checked

    @property
    def problems(self) -> list[str]:
        """What falls short, each in a few words; empty when the platform is fine."""
        found: list[str] = []
        if self.discovered is None:
            found.append("not discovered in its embed markup")
        if self.status != "live":
            found.append(f"status {self.status}" + (f": {self.error}" if self.error else ""))
        elif not self.rendered and not any(m.startswith(NOT_RENDERED) for m in self.missing):
            found.append("post element not rendered")  # (what is missing says it otherwise)
        if self.data_expected and self.status == "live" and not self.fields:
            found.append("no data fields")
        found.extend(self.missing)
        return found

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_json(self) -> dict[str, object]:
        return {
            "platform": self.platform,
            "url": self.url,
            "discovered": self.discovered,
            "rendered": self.rendered,
            "data_fields": self.fields,
            "data_expected": self.data_expected,
            "media": self.media,
            "videos": self.videos,
            "status": self.status,
            "error": self.error,
            "missing": self.missing,
            "gone_from": self.gone_from,
            "recheck": self.recheck,
            "ok": self.ok,
            "problems": self.problems,
        }


@dataclass
class LiveReport:
    rows: list[LiveRow]

    @property
    def degraded(self) -> list[str]:
        """The platforms (once each) with a row that falls short."""
        names: list[str] = []
        for row in self.rows:
            if not row.ok and row.platform not in names:
                names.append(row.platform)
        return names

    @property
    def exit_code(self) -> int:
        """0 every platform fine, 3 some degraded (as a capture that did not keep everything)."""
        return 3 if self.degraded else 0


def targets(posts: Sequence[str] = (), only: Sequence[str] = ()) -> list[Target]:
    """The posts to check: each --post URL, and the probe of every platform (of those `only`
    names, when it names any) that no --post stands in for. InputError for a name or URL that
    is none of a platform's."""
    known = [p.name for p in platforms.PLATFORMS]
    wanted = [name.strip().lower() for name in only]
    for name in wanted:
        if name not in known:
            raise InputError(f"--platform {name}: no such platform (known: {', '.join(known)})")
    chosen: list[Target] = []
    for url in posts:
        found = platforms.match_url(url.strip())
        if found is None:
            raise InputError(f"--post {url}: not a post URL of any platform")
        platform, post_id = found
        if wanted and platform.name not in wanted:
            raise InputError(
                f"--post {url} is a {platform.name} post, outside --platform {', '.join(wanted)}"
            )
        chosen.append(Target(platform, post_id, url.strip()))
    named = {t.platform.name for t in chosen}
    for platform in platforms.PLATFORMS:
        if platform.name in named or (wanted and platform.name not in wanted) or platform.probe is None:
            continue
        probe_id = platform.match(platform.probe)
        if probe_id is not None:
            chosen.append(Target(platform, probe_id, platform.probe))
    return chosen


def embed_markups(target: Target) -> Iterable[tuple[str, str]]:
    """(what, markup) of the platform's embed of the post, most specific first: its own
    placeholder classes and tags (with a link to the post inside, as embed codes write them),
    an iframe of its embed view, the `<name>-embed` iframe and blockquote."""
    platform, url = target.platform, html.escape(target.url, quote=True)
    link = f'<a href="{url}">{url}</a>'
    for cls in platform.embed_classes:
        yield f"blockquote.{cls}", f'<blockquote class="{html.escape(cls)}">{link}</blockquote>'
    for tag in platform.embed_tags:
        yield tag, f"<{tag}>{link}</{tag}>"
    view = html.escape(platform.view_url(target.post_id), quote=True)
    yield "iframe", f'<iframe src="{view}"></iframe>'
    own = f"{platform.name}-embed"
    yield f"iframe.{own}", f'<iframe class="{own}" src="{view}"></iframe>'
    yield f"blockquote.{own}", f'<blockquote class="{own}">{link}</blockquote>'


def discovered_in(target: Target) -> str | None:
    """The first of embed_markups in which discovery finds this very post."""
    for what, markup in embed_markups(target):
        page = f"<!doctype html><html><body><p>An article.</p>{markup}</body></html>"
        found = find_embeds(page, "https://news.example/live-check")
        if any(e.platform == target.platform.name and e.post_id == target.post_id for e in found):
            return what
    return None


def gone_from(platform: Platform) -> str:
    """Where the platform's word that a post is deleted or private is read from."""
    sources = [
        name
        for name, has in (
            ("data", platform.fetch_data is not None),
            ("view", bool(platform.view_states)),
            ("yt-dlp", platform.video),
        )
        if has
    ]
    return ", ".join(sources) or "-"


def recheck_by(platform: Platform) -> str:
    """How its posts are re-checked: "http" (its data endpoint), "browser" (its embed view), "-"."""
    method = how_checked(platform.name).method
    return {METHOD: "http", VIEW_METHOD: "browser"}.get(method or "", "-")


async def live_check(
    settings: Settings,
    network: Network | None = None,
    *,
    posts: Sequence[str] = (),
    only: Sequence[str] = (),
) -> LiveReport:
    """Check every target (see `targets`) as the module docstring tells."""
    chosen = targets(posts, only)
    rows = [
        LiveRow(
            t.platform.name,
            t.url,
            discovered=discovered_in(t),
            data_expected=t.platform.fetch_data is not None,
            gone_from=gone_from(t.platform),
            recheck=recheck_by(t.platform),
        )
        for t in chosen
    ]
    with tempfile.TemporaryDirectory(prefix="archiver-live-") as scratch:
        home = Path(scratch)
        # The temporary archive: its own home, blobs in it (never the user's bucket), and no
        # articles to render.
        checked = replace(settings, home=home, blob_store=None, render_article=False)
        with Store.open(home) as store:
            # No source trusted: every URL is checked by the guard, as a post's are in an archive.
            async with Kit(checked, network) as kit:
                capturer = await kit.capturer()
                turns = asyncio.Semaphore(capturer.capacity)

                async def one(target: Target, row: LiveRow) -> None:
                    async with turns:
                        held = _held(store, target)
                        result = await capture_post(store, capturer, held)
                    row.status, row.error, row.missing = result.status, result.error, list(result.missing)
                    _read_back(store, held.row, result.capture_id, row)

                rounds = math.ceil(len(chosen) / max(capturer.capacity, 1)) or 1
                tasks = [asyncio.ensure_future(one(t, row)) for t, row in zip(chosen, rows, strict=True)]
                _done, pending = await asyncio.wait(tasks, timeout=settings.capture_timeout * (rounds + 1))
                for task in pending:
                    task.cancel()
                for task in tasks:
                    failure = None if task.cancelled() else task.exception()
                    if failure is not None:
                        raise failure  # a bug (capture_post records every failure of a post's)
                for task, row in zip(tasks, rows, strict=True):
                    if task in pending:
                        row.status, row.error = "timeout", "the live check's time ran out before it was done"
    return LiveReport(rows)


def _held(store: Store, target: Target) -> HeldPost:
    url = target.platform.canonical_url(target.post_id)
    row = store.upsert_post(target.platform.name, target.post_id, url)
    return HeldPost(target.platform.name, target.post_id, url, row, "unknown")


def _read_back(store: Store, post_row: int, capture_id: int | None, row: LiveRow) -> None:
    """What the temporary archive holds for the post: data fields, media, whether it rendered."""
    post = store.get_post(post_row)  # a new row: its fields came from this capture's data
    if post is not None:
        row.fields = [name for key, name in DATA_FIELDS.items() if post.get(key)]
    artifacts = store.artifacts_for_capture(capture_id) if capture_id is not None else []
    kinds = {a["kind"] for a in artifacts}
    media = [a for a in artifacts if a["kind"] == "media"]
    row.media = len(media)
    row.videos = sum(1 for a in media if (a["mime"] or "").startswith("video/"))
    row.rendered = "screenshot" in kinds and not any(m.startswith(NOT_RENDERED) for m in row.missing)


COLUMNS = ("platform", "discovered", "rendered", "data", "media", "status", "gone told by", "re-check", "")


def table(report: LiveReport) -> list[str]:
    """The report as text: one aligned row per post checked, then what falls short, one line
    each, under the table."""
    cells = [list(COLUMNS)]
    for row in report.rows:
        data = ", ".join(row.fields) if row.fields else ("none" if row.data_expected else "- (no endpoint)")
        media = f"{row.media}" + (f" ({row.videos} video)" if row.videos else "")
        cells.append(
            [
                row.platform,
                row.discovered or "no",
                "yes" if row.rendered else "no",
                data,
                media,
                row.status,
                row.gone_from,
                row.recheck,
                "ok" if row.ok else "DEGRADED",
            ]
        )
    widths = [max(len(line[i]) for line in cells) for i in range(len(COLUMNS))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() for line in cells]
    for row in report.rows:
        lines.extend(f"{row.platform} {row.url}: {problem}" for problem in row.problems)
    return lines
