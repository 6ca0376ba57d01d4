"""What one capture of a post produced, and the verdict on it: the PostCapture a capture
returns, what its view (ViewOutcome) and its data (DataOutcome) gave, and how they become its
status, what it keeps and what it is missing (judge, keep_data, keep_video). No browser here:
capturer.py fills these in.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from archiver.capture.video import VideoOutcome, stated_status
from archiver.errors import PostGone
from archiver.models import Artifact, PostData, content_hash

if TYPE_CHECKING:
    from archiver.platforms.base import Platform, ViewState

# Capture statuses beyond the post statuses: something on our side or the network's went wrong.
FAILED_STATUSES = ("failed", "timeout")


def now() -> str:
    """This moment, as captures are dated (UTC, milliseconds)."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


@dataclass
class PostCapture:
    """What one capture of one post produced and what became of it.

    `status` is the post's status as the platform told it (live / deleted / suspended /
    protected / unavailable / unknown), or "failed" / "timeout" when the capture itself failed;
    `post_status` is always a post status (unknown when nothing told us). `outcome` is how the
    store files the capture: complete, partial (something is `missing`) or failed.
    """

    platform: str
    post_id: str
    view_url: str
    status: str = "unknown"
    post_status: str = "unknown"
    error: str | None = None
    http_status: int | None = None
    started_at: str = field(default_factory=now)
    duration: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    artifacts: list[Artifact] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    data: PostData | None = None
    content_hash: str | None = None
    rendered: bool = False
    attempts: int = 0
    said: str | None = None  # the platform's own words when it said the post is gone

    @property
    def failed(self) -> bool:
        return self.status in FAILED_STATUSES

    @property
    def outcome(self) -> str:
        if self.failed:
            return "partial" if self.artifacts else "failed"
        return "partial" if self.missing else "complete"

    def artifact(self, kind: str) -> Artifact | None:
        return next((a for a in self.artifacts if a.kind == kind), None)


@dataclass
class DataOutcome:
    data: PostData | None = None
    gone: PostGone | None = None
    error: str | None = None
    seconds: float = 0.0
    media: list[tuple[Artifact | None, str | None]] = field(default_factory=list)  # (file, or why not)
    media_seconds: float = 0.0
    video: VideoOutcome | None = None  # yt-dlp's (capture/video.py)
    unread: PostData | None = None  # an answer that says_nothing: only its raw bytes are kept


@dataclass
class ViewOutcome:
    artifacts: list[Artifact] = field(default_factory=list)
    rendered: bool = False
    full_page: bool = False
    http_status: int | None = None
    error: str | None = None
    error_kind: str = "failed"  # or "timeout"
    timings: dict[str, float] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)  # subresources the guard refused
    state: ViewState | None = None  # the platform's own word that the post is gone (viewstate.py)
    fingerprint: str | None = None  # of the rendered post's text (viewstate.post_fingerprint)


def keep_video(data: DataOutcome, view: ViewOutcome, result: PostCapture) -> None:
    """yt-dlp's files and what it could not get; the status it was told, where neither the
    data nor the view gave one (capture/video.py: stated_status)."""
    if data.video is None:
        return
    result.artifacts.extend(data.video.artifacts)
    result.missing.extend(data.video.missing)
    result.timings["video"] = round(data.video.seconds, 3)
    if data.data is None and data.gone is None and view.state is None:
        status = stated_status(data.video, view.rendered)
        if status is not None:
            data.gone = PostGone(status, data.video.reason)


def keep_data(data: DataOutcome, result: PostCapture) -> None:
    if data.gone is not None:
        result.http_status = data.gone.http_status or result.http_status
        return
    if data.unread is not None and data.unread.raw:  # kept as it came, for a reader to make out
        result.artifacts.append(_raw(data.unread))
    if data.data is None:
        return
    result.data = data.data
    result.content_hash = content_hash(data.data)
    metadata = json.dumps(data.data.normalized(), indent=2, sort_keys=True, ensure_ascii=False)
    result.artifacts.append(Artifact("metadata", metadata.encode(), "application/json"))
    if data.data.raw:
        result.artifacts.append(_raw(data.data))
    for artifact, problem in data.media:
        if artifact is not None:
            result.artifacts.append(artifact)
        if problem is not None:
            result.missing.append(problem)
    result.timings["media"] = round(data.media_seconds, 3)


def _raw(data: PostData) -> Artifact:
    mime = "application/json" if data.raw.lstrip()[:1] in (b"{", b"[") else "text/plain"
    return Artifact("raw", data.raw, mime, source_url=data.url)


def judge(platform: Platform, view: ViewOutcome, data: DataOutcome | None, result: PostCapture) -> None:
    """Status, error and what is missing, from what the view and the data gave.

    The data's word on the post comes first; when it gave none, a gone state the view shows
    (view_states) is the platform's word. A gone post shows no post element: its capture,
    a screenshot of what the platform shows instead, is complete as the record of that."""
    gone = data.gone if data is not None else None
    if data is not None and data.data is not None:
        result.post_status = "live"
    elif gone is not None:
        result.post_status = gone.status
        result.said = str(gone) or None
    elif view.state is not None:
        result.post_status = view.state.status
        result.said = f"embed view: {view.state.reason or view.state.selector}"
    elif view.rendered:
        result.post_status = "live"
    if platform.fetch_data is None and view.fingerprint is not None:
        result.content_hash = view.fingerprint  # no data: the view's text is the content
    if view.error is not None:
        result.missing.insert(0, f"view: {view.error}")
        result.error = view.error
    elif not view.rendered and gone is None and view.state is None:
        what = f"{platform.render_selector} never appeared" if platform.render_selector else "not rendered"
        result.missing.insert(0, f"render: {what}")
    elif view.full_page:
        result.missing.append("screenshot: post element not found, full page instead")
    result.missing.extend(view.refused)
    if data is not None and data.error is not None:
        result.missing.append(f"data: {data.error}")
        result.error = result.error or data.error
    if gone is not None:
        result.status = gone.status  # the platform answered: that is the result
    elif view.error is not None:
        result.status = view.error_kind
    elif data is not None and data.data is None and not view.rendered and view.state is None:
        result.status = "failed"
    else:
        result.status = result.post_status
