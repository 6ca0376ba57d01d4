"""Captures and their artifacts: each attempt to keep a post (or an article), and what it kept.

    capture = store.start_capture(post=post, tool_version="0.1.0")      # status "running"
    store.finish_capture(capture, "complete", artifacts=[("screenshot", png, "image/png", None)])
    store.artifacts_for_capture(capture)                                 # rows, each with where its blob is

An artifact's data is written as a blob before the rows that name it (see storage.store). A
capture that did not fail also sets its post's last_captured and content hash (through Posts).
put_artifacts writes the blobs alone, touching no database: async callers run it on a thread
(its fsyncs would hold up their event loop) and hand what it returns to finish_capture.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from sqlite_utils import Database

from storage.blobs import is_sha256
from storage.core import StoreCore, Timestamp, _ts
from storage.posts import Posts
from storage.rows import ArtifactFileRow, CaptureRow
from storage.statuses import CAPTURE_STATUSES, require


class ArtifactLike(Protocol):
    """What archiver.models.Artifact looks like; a plain (kind, data, mime, source_url) tuple also does."""

    @property
    def kind(self) -> str: ...
    @property
    def data(self) -> bytes | Path: ...
    @property
    def mime(self) -> str: ...
    @property
    def source_url(self) -> str | None: ...


# data: the bytes, a file to copy in, or the sha256 of a blob already stored (put_stream).
ArtifactTuple = tuple[str, bytes | Path | str, str, str | None]


@dataclass(frozen=True)
class StoredArtifact:
    """An artifact whose blob put_artifacts has written: what its row needs."""

    kind: str
    sha256: str
    mime: str
    source_url: str | None
    size: int


Artifacts = Iterable[ArtifactLike | ArtifactTuple | StoredArtifact]


class Captures:
    """The captures and artifacts tables."""

    def __init__(self, core: StoreCore, posts: Posts) -> None:
        self._core = core
        self._posts = posts

    def start_capture(
        self, *, post: int | None = None, article: int | None = None, tool_version: str, at: Timestamp = None
    ) -> int:
        """A new capture attempt (status "running") of a post, or of an article when post is None."""
        if post is None and article is None:
            raise ValueError("a capture is of a post or of an article")
        with self._core.write() as db:
            row = {"post": post, "article": article, "status": "running", "started": _ts(at)}
            return self._core.insert(db, "captures", {**row, "tool_version": tool_version})

    def finish_capture(
        self,
        capture: int,
        status: str,
        *,
        error: str | None = None,
        content_hash: str | None = None,
        missing: Sequence[str] = (),
        artifacts: Artifacts = (),
        timings: dict[str, float] | None = None,
        at: Timestamp = None,
    ) -> list[ArtifactFileRow]:
        """Close a capture: store its artifacts' blobs, then (one transaction) their rows and the
        capture's outcome. Returns the artifact rows. A post capture that did not fail also
        updates the post's last_captured and, with a content hash, its content_hash.
        """
        require(status, CAPTURE_STATUSES[1:], "a finished capture's status")
        row = self.get_capture(capture)
        if row is None:
            raise KeyError(f"no capture with id {capture}")
        stored = self.put_artifacts(artifacts)
        t = _ts(at)
        with self._core.write() as db:
            for artifact in stored:
                self._core.insert(
                    db,
                    "artifacts",
                    {
                        "capture": capture,
                        "kind": artifact.kind,
                        "sha256": artifact.sha256,
                        "mime": artifact.mime,
                        "size": artifact.size,
                        "source_url": artifact.source_url,
                    },
                )
            db.execute(
                "UPDATE captures SET status = ?, finished = ?, duration = ?, error = ?, content_hash = ?,"
                " missing = ?, timings = ? WHERE id = ?",
                [
                    status,
                    t,
                    _seconds_between(row["started"], t),
                    error,
                    content_hash,
                    json.dumps(list(missing)),
                    json.dumps(timings) if timings is not None else None,
                    capture,
                ],
            )
            if row["post"] is not None and status != "failed":
                self._posts.mark_captured(db, row["post"], t)
                if content_hash is not None:
                    self._posts.set_content_hash(db, row["post"], content_hash, t)
        return self.artifacts_for_capture(capture)

    def put_artifacts(self, artifacts: Artifacts) -> list[StoredArtifact]:
        """Write each artifact's blob (one already written is passed on as it is); the database
        is not touched, so this may run on a thread of its own."""
        return [self._put_artifact(artifact) for artifact in artifacts]

    def _put_artifact(self, artifact: ArtifactLike | ArtifactTuple | StoredArtifact) -> StoredArtifact:
        if isinstance(artifact, StoredArtifact):
            return artifact
        if isinstance(artifact, tuple):
            kind, data, mime, source_url = artifact
        else:
            kind, data, mime, source_url = artifact.kind, artifact.data, artifact.mime, artifact.source_url
        blobs = self._core.blobs
        if isinstance(data, bytes):
            return StoredArtifact(kind, blobs.put(data), mime, source_url, len(data))
        if isinstance(data, Path):
            sha = blobs.put_file(data)
            return StoredArtifact(kind, sha, mime, source_url, blobs.size(sha))
        if is_sha256(data):
            if not blobs.exists(data):
                raise ValueError(f"artifact {kind!r} names blob {data}, which is not in the store")
            return StoredArtifact(kind, data, mime, source_url, blobs.size(data))
        raise TypeError(f"artifact {kind!r}: data must be bytes, a Path or a stored blob's sha256")

    def close_unfinished_captures(self, error: str = "interrupted", *, at: Timestamp = None) -> int:
        """Mark captures still "running" (their run was killed) as failed; returns how many."""
        with self._core.write() as db:
            cursor = db.execute(
                "UPDATE captures SET status = 'failed', error = ?, finished = ? WHERE status = 'running'",
                [error, _ts(at)],
            )
            return int(cursor.rowcount)

    def get_capture(self, capture: int) -> CaptureRow | None:
        return self._core.row(CaptureRow, "SELECT * FROM captures WHERE id = ?", [capture])

    def captures_for_post(self, post: int) -> list[CaptureRow]:
        sql = "SELECT * FROM captures WHERE post = ? ORDER BY started, id"
        return self._core.rows(CaptureRow, sql, [post])

    def captures_for_article(self, article: int) -> list[CaptureRow]:
        """The article's own captures (not those of the posts it embeds)."""
        return self._core.rows(
            CaptureRow,
            "SELECT * FROM captures WHERE article = ? AND post IS NULL ORDER BY started, id",
            [article],
        )

    def artifacts_for_capture(self, capture: int) -> list[ArtifactFileRow]:
        """The capture's artifacts, each with the `path` of its blob (its file, or its s3:// URL)."""
        rows = self._core.rows(
            ArtifactFileRow, "SELECT * FROM artifacts WHERE capture = ? ORDER BY id", [capture]
        )
        for row in rows:
            sha = row["sha256"]
            row["path"] = self._core.blobs.where(sha) if is_sha256(sha) else None
        return rows

    def move_post(self, db: Database, post: int, into: int) -> None:
        db.execute("UPDATE captures SET post = ? WHERE post = ?", [into, post])


def _seconds_between(start: str, end: str) -> float | None:
    try:
        return round((datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds(), 3)
    except (TypeError, ValueError):
        return None
