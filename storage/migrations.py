"""The archive's schema, as sqlite-utils migrations (applied once each, never edited once shipped).

Tables (open archive.db in Datasette to browse them; m002 adds watches, watch_entries, runs;
m003 adds views: post_timeline, post_status_changes, article_posts, artifact_files; m004 adds
blob_store and gives artifact_files the blob's place in a bucket; m005 adds embeds.found_in):

    articles    an article we fetched: url (unique), final url, title, the sha256 of its latest
                HTML blob, first/last fetched, status of the latest fetch
    posts       a post we know of: (platform, post_id) unique, canonical url, current status and
                since when, author and text for display, content hash of its latest normalized
                data, first seen / last checked / last captured / next check due
    embeds      article <-> post: how and where it was found (found_in: in the HTML, the
                rendered DOM, or which frame), the raw markup as found (itself a
                preserved copy of the quoted text), what the embed carried, first/last seen,
                removed_at once the article dropped it
    captures    one capture attempt of a post or an article: started/finished/duration, tool
                version, status, error, content hash, what is missing
    artifacts   a file a capture kept: blob sha256, kind, mime, size, source url
    checks      liveness history of a post: when, how, outcome, http status, status before,
                content hash and whether it changed
    blob_store  where the archive keeps its blobs (storage.location): one row, `location` NULL
                for the folder blobs/ in the home, else "s3://bucket/prefix"; since when

Names. `posts.post_id` is always the platform's own id (as in archiver.models); columns that
point at another row are named after that row: `article`, `post`, `capture` (each a foreign
key to that table's `id`). Times are ISO 8601 in UTC ("2025-01-02T03:04:05.678+00:00"), so
they sort and compare as text. Lists and maps (missing, positions, media_links, timings) are
JSON text.

One embed row per (article, post): discovery already merges the places one post appears in an
article into one Embed (its positions), and keying on position too would turn an article edit
that merely moves an embed into a "removed" plus a "new" embed.

Unresolved posts. A flattened tweet (the embed script never ran, only the text and a
pic.twitter.com link survive) has no id until its short link is resolved. It is stored as a
post with `post_id` = "unresolved:" + the short link (e.g. "unresolved:pic.twitter.com/AbC123")
or, without one, "unresolved:sha256:" + the first 16 hex digits of the SHA-256 of its
whitespace-collapsed text, and status 'unresolved' (storage.unresolved_post_id builds the key).
The same flattened tweet seen again maps to the same row. Once resolved, Store.resolve_post
gives the row its real id (or merges it into the row that already has it) and keeps the
synthetic key in `resolved_from`.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlite_utils import Database, Migrations

migrations = Migrations("embed-archiver")

# Where rows name blobs: (table, column). verify() checks every one of them.
BLOB_COLUMNS = (("artifacts", "sha256"), ("articles", "html_sha256"))


@migrations()
def m001_initial(db: Database) -> None:
    db.table("articles").create(
        {
            "id": int,
            "url": str,
            "final_url": str,
            "title": str,
            "status": str,
            "http_status": int,
            "error": str,
            "html_sha256": str,
            "first_fetched": str,
            "last_fetched": str,
        },
        pk="id",
        not_null=["url", "status", "first_fetched"],
    )
    db.table("articles").create_index(["url"], unique=True)

    db.table("posts").create(
        {
            "id": int,
            "platform": str,
            "post_id": str,
            "url": str,
            "status": str,
            "status_since": str,
            "author_name": str,
            "author_handle": str,
            "posted_at": str,
            "text": str,
            "content_hash": str,
            "content_since": str,
            "first_seen": str,
            "last_checked": str,
            "last_captured": str,
            "next_check_at": str,
            "resolved_from": str,
        },
        pk="id",
        not_null=["platform", "post_id", "url", "status", "first_seen"],
        defaults={"status": "unknown"},
    )
    db.table("posts").create_index(["platform", "post_id"], unique=True)
    db.table("posts").create_index(["status", "status_since"])
    db.table("posts").create_index(["next_check_at"])

    db.table("embeds").create(
        {
            "id": int,
            "article": int,
            "post": int,
            "position": int,
            "positions": str,
            "source": str,
            "where_found": str,
            "raw": str,
            "author_name": str,
            "author_handle": str,
            "date_text": str,
            "text": str,
            "media_links": str,
            "first_seen": str,
            "last_seen": str,
            "removed_at": str,
        },
        pk="id",
        not_null=["article", "post", "source", "first_seen", "last_seen"],
        foreign_keys=[("article", "articles", "id"), ("post", "posts", "id")],
    )
    db.table("embeds").create_index(["article", "post"], unique=True)
    db.table("embeds").create_index(["post"])

    db.table("captures").create(
        {
            "id": int,
            "post": int,
            "article": int,
            "status": str,
            "started": str,
            "finished": str,
            "duration": float,
            "tool_version": str,
            "error": str,
            "content_hash": str,
            "missing": str,
            "timings": str,
        },
        pk="id",
        not_null=["status", "started"],
        foreign_keys=[("post", "posts", "id"), ("article", "articles", "id")],
    )
    db.table("captures").create_index(["post", "started"])
    db.table("captures").create_index(["article", "started"])

    db.table("artifacts").create(
        {
            "id": int,
            "capture": int,
            "kind": str,
            "sha256": str,
            "mime": str,
            "size": int,
            "source_url": str,
        },
        pk="id",
        not_null=["capture", "kind", "sha256", "size"],
        foreign_keys=[("capture", "captures", "id")],
    )
    db.table("artifacts").create_index(["capture"])
    db.table("artifacts").create_index(["sha256"])

    db.table("checks").create(
        {
            "id": int,
            "post": int,
            "checked_at": str,
            "method": str,
            "outcome": str,
            "previous_status": str,
            "http_status": int,
            "content_hash": str,
            "changed": int,
            "detail": str,
        },
        pk="id",
        not_null=["post", "checked_at", "method", "outcome"],
        foreign_keys=[("post", "posts", "id")],
    )
    db.table("checks").create_index(["post", "checked_at"])


@migrations()
def m002_watches_and_runs(db: Database) -> None:
    """What the scheduled job keeps: the sources it watches and a record of each run.

    watches         a source `archiver run` looks at: url (unique), kind article|feed, when
                    added, the last look (when, status, error) and what makes the next one
                    cheap: the server's ETag / Last-Modified, and content_sha256: the sha256
                    of what the last look found (a feed's body; for an article, the sorted
                    list of the posts it embeds, so that only a change of embeds counts)
    watch_entries   an article a feed listed: first seen, and archived_at once archiving it
                    succeeded (an entry without archived_at is retried by the next run)
    runs            one `archiver run`: started/finished, outcome (running, complete, stopped
                    at a deadline or limit with work left, failed, interrupted when killed),
                    the process id, its counts (JSON) and error
    """
    db.table("watches").create(
        {
            "id": int,
            "url": str,
            "kind": str,
            "title": str,
            "added": str,
            "last_run": str,
            "last_status": str,
            "last_error": str,
            "etag": str,
            "last_modified": str,
            "content_sha256": str,
        },
        pk="id",
        not_null=["url", "kind", "added"],
    )
    db.table("watches").create_index(["url"], unique=True)

    db.table("watch_entries").create(
        {
            "id": int,
            "watch": int,
            "url": str,
            "title": str,
            "published": str,
            "first_seen": str,
            "archived_at": str,
            "attempts": int,
            "error": str,
        },
        pk="id",
        not_null=["watch", "url", "first_seen"],
        defaults={"attempts": 0},
        foreign_keys=[("watch", "watches", "id")],
    )
    db.table("watch_entries").create_index(["watch", "url"], unique=True)
    db.table("watch_entries").create_index(["url"])

    db.table("runs").create(
        {
            "id": int,
            "started": str,
            "finished": str,
            "outcome": str,
            "pid": int,
            "counts": str,
            "error": str,
        },
        pk="id",
        not_null=["started", "outcome"],
    )
    db.table("runs").create_index(["started"])


@migrations()
def m003_views(db: Database) -> None:
    """Views for reading the archive in Datasette (`datasette archive/archive.db`) or plain SQL.

    post_timeline        everything that happened to each post, one row per event (first_seen,
                         embedded, embed_removed, check, capture), with its outcome and detail
    post_status_changes  each time a check found a post's status changed: from, to, when
    article_posts        each article with the posts it embeds, their status and text
    artifact_files       each file a capture kept, whose it is, and its blob's path under the
                         archive home (blobs/ab/cd/<sha256>)
    """
    db.create_view(
        "post_timeline",
        """
        SELECT p.id AS post, p.platform, p.post_id, p.first_seen AS at, 'first_seen' AS event,
               NULL AS outcome, p.url AS detail
        FROM posts p
        UNION ALL
        SELECT p.id, p.platform, p.post_id, e.first_seen, 'embedded', NULL, a.url
        FROM embeds e JOIN posts p ON p.id = e.post JOIN articles a ON a.id = e.article
        UNION ALL
        SELECT p.id, p.platform, p.post_id, e.removed_at, 'embed_removed', NULL, a.url
        FROM embeds e JOIN posts p ON p.id = e.post JOIN articles a ON a.id = e.article
        WHERE e.removed_at IS NOT NULL
        UNION ALL
        SELECT p.id, p.platform, p.post_id, c.checked_at, 'check', c.outcome,
               c.method || coalesce(' HTTP ' || c.http_status, '')
               || CASE WHEN c.outcome NOT IN ('unknown', c.previous_status)
                       THEN ', status ' || c.previous_status || ' -> ' || c.outcome ELSE '' END
               || CASE WHEN c.changed THEN ', content changed' ELSE '' END
        FROM checks c JOIN posts p ON p.id = c.post
        UNION ALL
        SELECT p.id, p.platform, p.post_id, c.started, 'capture', c.status,
               coalesce(c.error, (SELECT count(*) FROM artifacts f WHERE f.capture = c.id) || ' file(s)')
        FROM captures c JOIN posts p ON p.id = c.post
        ORDER BY post, at
        """,
    )
    db.create_view(
        "post_status_changes",
        """
        SELECT c.post, p.platform, p.post_id, p.url, c.checked_at AS changed_at,
               c.previous_status AS status_from, c.outcome AS status_to, c.method, c.http_status
        FROM checks c JOIN posts p ON p.id = c.post
        WHERE c.outcome NOT IN ('unknown', c.previous_status)
        ORDER BY c.checked_at DESC
        """,
    )
    db.create_view(
        "article_posts",
        """
        SELECT a.id AS article, a.url AS article_url, a.title AS article_title, e.position,
               p.id AS post, p.platform, p.post_id, p.url AS post_url, p.status, p.status_since,
               p.author_handle, p.posted_at, p.text, e.source AS embed_source,
               e.first_seen AS embedded_since, e.removed_at
        FROM embeds e JOIN articles a ON a.id = e.article JOIN posts p ON p.id = e.post
        ORDER BY a.id, e.position, e.id
        """,
    )
    db.create_view(
        "artifact_files",
        """
        SELECT f.id AS artifact, f.capture, c.post, c.article, c.started AS captured_at, f.kind,
               f.mime, f.size, f.sha256, f.source_url,
               'blobs/' || substr(f.sha256, 1, 2) || '/' || substr(f.sha256, 3, 2) || '/' || f.sha256
                   AS blob_path
        FROM artifacts f JOIN captures c ON c.id = f.capture
        """,
    )


@migrations()
def m004_blob_store(db: Database) -> None:
    """Where the archive keeps its blobs (storage.location reads and writes it), and
    artifact_files' blob_path there: blobs/ab/cd/<sha256> under the home, as before, or
    s3://bucket/prefix/ab/cd/<sha256> in a bucket.

    An archive that has kept anything kept it in the folder blobs/ (the only place there was):
    that is recorded now. A new one records where it is opened first (Store.open).
    """
    db.table("blob_store").create({"id": int, "location": str, "since": str}, pk="id", not_null={"since"})
    kept = db.execute("SELECT EXISTS (SELECT 1 FROM articles) OR EXISTS (SELECT 1 FROM artifacts)")
    if kept.fetchone()[0]:
        since = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
        db.table("blob_store").insert({"id": 1, "location": None, "since": since})
    db.execute("DROP VIEW artifact_files")
    db.create_view(
        "artifact_files",
        """
        SELECT f.id AS artifact, f.capture, c.post, c.article, c.started AS captured_at, f.kind,
               f.mime, f.size, f.sha256, f.source_url,
               coalesce((SELECT location || '/' FROM blob_store WHERE id = 1), 'blobs/')
                   || substr(f.sha256, 1, 2) || '/' || substr(f.sha256, 3, 2) || '/' || f.sha256
                   AS blob_path
        FROM artifacts f JOIN captures c ON c.id = f.capture
        """,
    )


@migrations()
def m005_embed_found_in(db: Database) -> None:
    """Where each embed was found, at its latest sighting: "static" (the article's HTML as
    fetched), "rendered" (its DOM once the browser had rendered it: injected by script, lazy,
    behind a consent wall) or "frame:<url>" (the DOM of a frame of the rendered page). Every
    embed recorded before this was found in the HTML."""
    db.table("embeds").add_column("found_in", str, not_null_default="static")
