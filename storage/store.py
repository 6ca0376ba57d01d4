"""The Store: the archive's content, and the class everyone imports.

    store = Store.open(home)      # creates home/, home/archive.db, home/blobs/; applies migrations
    store = Store.open(home, blob_store="s3://bucket/prefix")   # the blobs in a bucket instead
    article = store.record_article(url, html=body, title="…")
    post = store.upsert_post("twitter", "123", "https://x.com/a/status/123", author_handle="a")
    store.record_embed(article, post, source="blockquote", raw=markup, positions=[0])
    capture = store.start_capture(post=post, tool_version="0.1.0")
    store.finish_capture(capture, "complete", artifacts=[("screenshot", png, "image/png", None)])
    store.record_check(post, method="syndication", outcome="deleted", http_status=404)

Each write method is one transaction. Blobs are written before the rows that name them, so an
interruption leaves at worst an orphaned blob (verify reports it), never a row naming a blob
that is not there. Rows come back as plain dicts typed by storage.rows, JSON columns decoded.
Times are ISO 8601 UTC text; a method's `at` (datetime or such text) defaults to now. See
storage.migrations for the schema and how unresolved posts are keyed.

The Store is a facade: the code of each method is in the part that owns its table, and the
Store holds the parts and names their methods, one line each, each wrapped so that trouble
with the database file (a damaged page, a lock, a read-only file) is a one-line StoreError.
Its own methods are opening and closing, transactions, verify and repair, and resolve_post,
which moves a post's rows in several parts.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from types import TracebackType

from sqlite_utils import Database

from storage.articles import Articles
from storage.blobs import Blobs
from storage.captures import Captures
from storage.checks import Checks
from storage.core import StoreCore, Timestamp, _ts, connect
from storage.embeds import Embeds
from storage.errors import StoreError
from storage.leftovers import STALE_AFTER, RepairReport, repair, stale_spools
from storage.location import BlobLocation
from storage.posts import UNRESOLVED_PREFIX, Posts
from storage.queries import Queries
from storage.schedule import Runs, Watches
from storage.verify import VerifyReport, verify


class Store:
    """The archive: its SQLite database (sqlite-utils) and its blob store."""

    def __init__(
        self, db: Database, blobs: Blobs, home: Path | None = None, *, read_only: bool = False
    ) -> None:
        """Use an open Database (e.g. Database(memory=True) in tests); applies the migrations,
        unless `read_only` (see open)."""
        self._core = core = StoreCore(db, blobs, home, read_only=read_only)
        self.db, self.blobs, self.home, self.read_only = db, blobs, home, read_only
        articles = Articles(core)
        posts = self._posts = Posts(core)
        embeds = self._embeds = Embeds(core)
        checks = self._checks = Checks(core, posts)
        captures = self._captures = Captures(core, posts)
        watches, runs = Watches(core), Runs(core)
        queries = self._queries = Queries(core, posts, checks, captures)

        # Articles (storage/articles.py)
        self.record_article = articles.record_article
        self.get_article = articles.get_article
        self.find_article = articles.find_article
        self.list_articles = articles.list_articles
        # Posts (storage/posts.py)
        self.upsert_post = posts.upsert_post
        self.get_post = posts.get_post
        self.find_post = posts.find_post
        self.posts_with_id = posts.posts_with_id
        self.list_posts = posts.list_posts
        self.posts_due = posts.posts_due
        self.posts_checked_before = posts.posts_checked_before
        self.set_post_status = posts.set_post_status
        self.set_next_check = posts.set_next_check
        # Embeds (storage/embeds.py)
        self.record_embed = embeds.record_embed
        self.mark_removed_embeds = embeds.mark_removed_embeds
        self.embeds_for_article = embeds.embeds_for_article
        # Checks (storage/checks.py)
        self.record_check = checks.record_check
        self.record_checks = checks.record_checks
        self.checks_for_post = checks.checks_for_post
        # Captures and their artifacts (storage/captures.py)
        self.start_capture = captures.start_capture
        self.finish_capture = captures.finish_capture
        self.put_artifacts = captures.put_artifacts
        self.close_unfinished_captures = captures.close_unfinished_captures
        self.get_capture = captures.get_capture
        self.captures_for_post = captures.captures_for_post
        self.captures_for_article = captures.captures_for_article
        self.artifacts_for_capture = captures.artifacts_for_capture
        # Watches and feed entries, runs (storage/schedule.py)
        self.add_watch = watches.add_watch
        self.get_watch = watches.get_watch
        self.list_watches = watches.list_watches
        self.remove_watch = watches.remove_watch
        self.record_watch_look = watches.record_watch_look
        self.record_entries = watches.record_entries
        self.pending_entries = watches.pending_entries
        self.entry_archived = watches.entry_archived
        self.entry_failed = watches.entry_failed
        self.url_archived_from_feed = watches.url_archived_from_feed
        self.start_run = runs.start_run
        self.finish_run = runs.finish_run
        self.close_unfinished_runs = runs.close_unfinished_runs
        self.get_run = runs.get_run
        self.last_run = runs.last_run
        # Reads across tables (storage/queries.py)
        self.posts_for_article = queries.posts_for_article
        self.articles_for_post = queries.articles_for_post
        self.changed_posts = queries.changed_posts
        self.status_counts = queries.status_counts
        self.platform_counts = queries.platform_counts
        self.count_due = queries.count_due
        self.next_due = queries.next_due
        self.captured_hashes = queries.captured_hashes
        self.timeline = queries.timeline
        self.blob_references = queries.blob_references

        # A damaged page shows only when a read reaches it: every method says so in one line.
        for name, method in list(vars(self).items()):
            if inspect.ismethod(method):
                setattr(self, name, core.guarded(method))

    @classmethod
    def open(
        cls,
        home: Path,
        *,
        create: bool = True,
        timeout: float = 30.0,
        read_only: bool | None = None,
        blob_store: str | None = None,
    ) -> Store:
        """Open the archive in `home`: archive.db and blobs/, created when `create` is true.

        `blob_store` "s3://bucket/prefix" keeps the blobs in that bucket instead of blobs/
        (storage.s3blobs: endpoint, region and credentials from the AWS environment and
        config); archive.db stays in the home. The archive records where its blobs are
        (storage.location): opened with them elsewhere, or without the bucket it records, it
        raises StoreError. The bucket must exist and be reachable.

        Read-only (`read_only` true, or by default when the home or its archive.db is not
        writable: an evidence copy on a read-only mount) it writes nothing at all, not even
        beside archive.db (no migrations, no -wal or -shm file, no lock); every read works and
        every write raises StoreError. On a home that is not writable, `create` (the commands
        that write) raises StoreError at once.

        Raises StoreError (one line) when the home cannot be made or used, the database file
        is not one, or another process holds it locked for longer than `timeout` seconds.
        """
        home = Path(home)
        db, blobs, read_only = connect(
            home, create=create, timeout=timeout, read_only=read_only, blob_store=blob_store
        )
        store = cls(db, blobs, home=home, read_only=read_only)
        location = BlobLocation(store._core)
        try:
            location.check(blobs.location, home)
            blobs.check()
            location.record(blobs.location)
        except BaseException:
            store.close()
            raise
        return store

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group several writes into one transaction (many checks at once; all or nothing).

        The methods' own transactions nest inside it. Blobs are still written at once, before
        their rows: a rolled-back transaction can leave orphaned blobs, never missing ones.
        """
        with self._core.write():
            yield

    def verify(self, older_than: timedelta = STALE_AFTER, sample: int | None = None) -> VerifyReport:
        """Run SQLite's integrity check, re-hash every blob (or a random `sample` of them: a
        large bucket) and check references both ways, all of them (see
        storage.verify.VerifyReport); the references only when the database is sound. Media
        spool folders in the home untouched for `older_than`, their process gone, are left
        over too.

        Run it when no capture is in progress: a blob written just before its row would be
        reported as orphaned.
        """
        damage = self._core.damage()
        references = None if damage else self.blob_references()
        spools = stale_spools(self.home, older_than) if self.home is not None else []
        return verify(self.blobs, references, damage, spools, sample=sample)

    def repair(self, older_than: timedelta = STALE_AFTER) -> RepairReport:
        """Remove what interrupted work left, untouched for `older_than`: blob temp files,
        orphaned blobs (never one a row names; none when archive.db is damaged) and media spool
        folders (see storage.leftovers). Refused on a read-only archive."""
        if self.read_only:
            raise StoreError(f"the archive at {self.home} is open read-only: nothing can be repaired there")
        references = None if self._core.damage() else self.blob_references
        return repair(self.blobs, self.home, references, older_than)

    def resolve_post(self, post: int, post_id: str, url: str, *, at: Timestamp = None) -> int:
        """Give an unresolved post its real id; returns the id of the row that now holds it.

        If no post has that id yet, the row itself is renamed. If one does, the unresolved row
        is merged into it: its captures, checks and embeds move over (an embed of an article
        the real post already has is dropped; the article's HTML blob still holds its markup)
        and the unresolved row goes. Either way `resolved_from` keeps the synthetic key.
        """
        t = _ts(at)
        with self._core.write() as db:
            row = self._posts.get_post(post)
            if row is None:
                raise KeyError(f"no post with id {post}")
            if not row["post_id"].startswith(UNRESOLVED_PREFIX):
                raise ValueError(f"post {post} is not unresolved ({row['post_id']})")
            target = self._posts.find_post(row["platform"], post_id)
            if target is None:
                self._posts.rename(db, post, post_id, url, resolved_from=row["post_id"])
                self._posts.set_status(db, post, "unknown", t)
                return post
            into = target["id"]
            self._captures.move_post(db, post, into)
            self._checks.move_post(db, post, into)
            self._embeds.move_post(db, post, into)
            self._posts.merge(db, post, into, resolved_from=row["post_id"])
            return int(into)
