"""The archive store: SQLite (through sqlite-utils) for what we know, SHA-256-named blobs for
what we kept, in the home's folder blobs/ or in an S3-compatible bucket. Imports nothing from
archiver/: it takes and returns plain values.

    store.py        Store: the class to import; a facade that holds the parts below and names
                    their methods (store.upsert_post is Posts.upsert_post), one line each
    articles.py     Articles: the articles we fetched
    posts.py        Posts: the posts we know of, their status; unresolved_post_id
    embeds.py       Embeds: which article embeds which post
    checks.py       Checks: a post's liveness history; CheckRecord, CheckResult
    captures.py     Captures: captures and their artifacts
    schedule.py     Watches (and feed entries), Runs: what scheduled runs keep
    queries.py      Queries: the reads that join tables or aggregate; a post's timeline
    verify.py       verify() and its VerifyReport, MissingBlob
    leftovers.py    what interrupted work leaves (orphans, temp files, spool folders); repair()
    location.py     BlobLocation: where the archive keeps its blobs, recorded and checked
    core.py         connect (read-write or read-only), StoreCore: the open database,
                    transactions, reading rows, times, errors
    rows.py         the rows' types (TypedDicts): PostRow, CaptureRow, …
    statuses.py     the stored vocabularies, each once: POST_STATUSES, CAPTURE_STATUSES, …
    migrations.py   the schema
    blobs.py        Blobs, what a blob store does; LocalBlobs (BlobStore): content-addressed
                    files, atomic writes
    s3blobs.py      S3Blobs: the same in a bucket, through boto3 (imported only when used)
    backends.py     open_blobs(folder or s3:// URL): the store a location names
    errors.py       StoreError, BlobTooLarge

Where the SQL is. Each table is read and written by one part only (articles.py, posts.py,
embeds.py, checks.py; captures.py has captures and artifacts; schedule.py watches,
watch_entries and runs; location.py blob_store), and a part's SQL names no other table: a
write that touches another table asks that table's part (a check sets its post's status
through Posts). A read that joins tables or aggregates (count, min, group by, a window) is a
named method in queries.py, and only there. Nothing outside storage/ writes SQL.

How it is written. A new row we built is inserted through sqlite-utils' table API
(`db.table(name).insert(row)`, which names the columns for us); every other statement is SQL
written out: the reads, so that each says its rows and their order; the upserts, which keep
what a row had (`INSERT … ON CONFLICT … DO UPDATE … coalesce(…) RETURNING id`, beyond the
table API); and the updates and deletes, which select their rows by a condition.
"""

from __future__ import annotations

from storage.backends import open_blobs
from storage.blobs import Blobs, BlobStore, BlobWriter, LocalBlobs, is_sha256
from storage.checks import CheckRecord, CheckResult
from storage.core import now
from storage.errors import BlobTooLarge, StoreError
from storage.leftovers import STALE_AFTER, RepairReport
from storage.posts import unresolved_post_id
from storage.rows import (
    ArticleRow,
    ArtifactFileRow,
    ArtifactRow,
    CaptureRow,
    ChangedPostRow,
    CheckRow,
    EmbeddedPostRow,
    EmbeddingArticleRow,
    EmbedRow,
    EntryRow,
    PostRow,
    RunRow,
    TimelineEvent,
    WatchRow,
)
from storage.statuses import (
    ARTICLE_STATUSES,
    CAPTURE_STATUSES,
    CHECK_OUTCOMES,
    POST_STATUSES,
    RUN_OUTCOMES,
    WATCH_KINDS,
    WATCH_LOOK_STATUSES,
)
from storage.store import Store
from storage.verify import MissingBlob, VerifyReport

__all__ = [
    "ARTICLE_STATUSES",
    "CAPTURE_STATUSES",
    "CHECK_OUTCOMES",
    "POST_STATUSES",
    "RUN_OUTCOMES",
    "STALE_AFTER",
    "WATCH_KINDS",
    "WATCH_LOOK_STATUSES",
    "ArticleRow",
    "ArtifactFileRow",
    "ArtifactRow",
    "BlobStore",
    "BlobTooLarge",
    "BlobWriter",
    "Blobs",
    "CaptureRow",
    "ChangedPostRow",
    "CheckRecord",
    "CheckResult",
    "CheckRow",
    "EmbedRow",
    "EmbeddedPostRow",
    "EmbeddingArticleRow",
    "EntryRow",
    "LocalBlobs",
    "MissingBlob",
    "PostRow",
    "RepairReport",
    "RunRow",
    "Store",
    "StoreError",
    "TimelineEvent",
    "VerifyReport",
    "WatchRow",
    "is_sha256",
    "now",
    "open_blobs",
    "unresolved_post_id",
]
