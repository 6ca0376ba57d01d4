"""The Store: schema, round trips, no duplicates, history, and one-line errors for a bad home."""

from __future__ import annotations

import hashlib
import inspect
import os
import sqlite3
import typing
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlite_utils import Database

import archiver.models
from storage import BlobStore, Store, StoreError, rows, statuses, unresolved_post_id
from storage.articles import Articles
from storage.captures import Captures
from storage.checks import Checks
from storage.embeds import Embeds
from storage.posts import Posts
from storage.queries import Queries
from storage.schedule import Runs, Watches

R = TypeVar("R")
TWEET = ("twitter", "1874097816571961839", "https://x.com/someone/status/1874097816571961839")


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(Database(memory=True), BlobStore(tmp_path / "blobs"))


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def got(row: R | None) -> R:
    """The row a getter found (these tests ask only for rows that are there)."""
    assert row is not None
    return row


def test_open_creates_the_home_the_database_and_the_blob_folder(tmp_path: Path) -> None:
    home = tmp_path / "new" / "archive"
    with Store.open(home) as store:
        assert (home / "archive.db").is_file()
        assert (home / "blobs").is_dir()
        assert store.db.journal_mode == "wal"
        assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        tables = set(store.db.table_names())
    assert {"articles", "posts", "embeds", "captures", "artifacts", "checks", "_sqlite_migrations"} <= tables


def test_migrations_apply_once(home: Path) -> None:
    with Store.open(home) as store:
        post = store.upsert_post(*TWEET)
    with Store.open(home) as store:  # a second open migrates nothing and loses nothing
        applied = [row["name"] for row in store.db.query("SELECT name FROM _sqlite_migrations")]
        assert applied == [
            "m001_initial",
            "m002_watches_and_runs",
            "m003_views",
            "m004_blob_store",
            "m005_embed_found_in",
        ]
        assert store.get_post(post) is not None


def test_foreign_keys_are_enforced(store: Store) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        store.record_embed(article=99, post=98, source="blockquote")


def test_article_round_trip_keeps_html_as_a_blob(store: Store) -> None:
    html = b"<html><title>Flooding</title></html>"
    article = store.record_article(
        "https://news.example/a", final_url="https://news.example/a/", title="Flooding", html=html, at="t1"
    )
    row = store.get_article("https://news.example/a")
    assert row is not None and row["id"] == article
    assert row["html_sha256"] == sha(html)
    assert store.blobs.read(row["html_sha256"]) == html
    assert (row["first_fetched"], row["last_fetched"], row["status"]) == ("t1", "t1", "fetched")
    # a later failed fetch keeps what we had and says it failed
    again = store.record_article("https://news.example/a", status="failed", error="timed out", at="t2")
    assert again == article
    row = store.get_article(article)
    assert row is not None
    assert (row["title"], row["html_sha256"], row["status"], row["error"]) == (
        "Flooding",
        sha(html),
        "failed",
        "timed out",
    )
    assert (row["first_fetched"], row["last_fetched"]) == ("t1", "t2")


def test_upsert_post_never_duplicates_and_never_blanks(store: Store) -> None:
    first = store.upsert_post(*TWEET, author_name="Some One", text="hello", at="t1")
    second = store.upsert_post(*TWEET, author_handle="someone", at="t2")
    assert first == second
    assert store.db.table("posts").count == 1
    post = store.get_post(first)
    assert post is not None
    assert (post["author_name"], post["author_handle"], post["text"]) == ("Some One", "someone", "hello")
    assert (post["status"], post["first_seen"]) == ("unknown", "t1")
    assert store.find_post("twitter", TWEET[1]) == post
    assert store.find_post("twitter", "other") is None
    # the same id on another platform is another post
    assert store.upsert_post("mastodon", TWEET[1], "https://m.example/@a/1") != first


def test_upsert_status_applies_to_new_posts_only(store: Store) -> None:
    post = store.upsert_post(*TWEET, status="live")
    store.upsert_post(*TWEET, status="deleted")
    assert got(store.get_post(post))["status"] == "live"
    with pytest.raises(ValueError):
        store.upsert_post("twitter", "2", "u", status="gone-ish")


def test_unresolved_posts_get_a_stable_synthetic_key(store: Store) -> None:
    key = unresolved_post_id("https://pic.twitter.com/AbC123")
    assert key == "unresolved:pic.twitter.com/AbC123"
    assert unresolved_post_id("pic.twitter.com/AbC123/") == key
    by_text = unresolved_post_id(text="Water  everywhere\n on Main St")
    assert by_text == unresolved_post_id(text="Water everywhere on Main St")
    assert by_text.startswith("unresolved:sha256:") and len(by_text) == len("unresolved:sha256:") + 16
    with pytest.raises(ValueError):
        unresolved_post_id()
    post = store.upsert_post("twitter", key, "https://pic.twitter.com/AbC123")
    assert got(store.get_post(post))["status"] == "unresolved"
    assert store.upsert_post("twitter", key, "https://pic.twitter.com/AbC123") == post


def test_resolving_renames_or_merges_the_unresolved_post(store: Store) -> None:
    article = store.record_article("https://news.example/a")
    lone = store.upsert_post(
        "twitter", unresolved_post_id("pic.twitter.com/one"), "https://pic.twitter.com/one"
    )
    store.record_embed(article, lone, source="text", raw="<p>flattened</p>")
    assert store.resolve_post(lone, "111", "https://x.com/a/status/111") == lone
    row = store.get_post(lone)
    assert row is not None
    assert (row["post_id"], row["status"], row["resolved_from"]) == (
        "111",
        "unknown",
        "unresolved:pic.twitter.com/one",
    )

    known = store.upsert_post("twitter", "222", "https://x.com/b/status/222")
    other = store.upsert_post(
        "twitter", unresolved_post_id("pic.twitter.com/two"), "https://pic.twitter.com/two"
    )
    store.record_embed(article, other, source="text")
    capture = store.start_capture(post=other, tool_version="t")
    assert store.resolve_post(other, "222", "https://x.com/b/status/222") == known
    assert store.get_post(other) is None
    assert got(store.get_capture(capture))["post"] == known
    assert [p["id"] for p in store.posts_for_article(article)] == [lone, known]
    with pytest.raises(ValueError):
        store.resolve_post(known, "333", "u")


def test_embeds_one_row_per_article_and_post(store: Store) -> None:
    article = store.record_article("https://news.example/a")
    post = store.upsert_post(*TWEET)
    embed = store.record_embed(
        article,
        post,
        source="blockquote",
        where="dom",
        raw='<blockquote class="twitter-tweet">hello</blockquote>',
        positions=[3, 7],
        text="hello",
        media_links=["https://pic.twitter.com/x"],
        at="t1",
    )
    again = store.record_embed(article, post, source="blockquote", raw="<changed/>", positions=[5], at="t2")
    assert again == embed
    (row,) = store.embeds_for_article(article)
    assert row["raw"] == '<blockquote class="twitter-tweet">hello</blockquote>'  # the first copy is kept
    assert (row["position"], row["positions"], row["media_links"]) == (5, [5], ["https://pic.twitter.com/x"])
    assert (row["first_seen"], row["last_seen"], row["where_found"]) == ("t1", "t2", "dom")


def test_an_embed_the_article_dropped_is_marked_not_deleted(store: Store) -> None:
    article = store.record_article("https://news.example/a")
    kept = store.upsert_post("twitter", "1", "https://x.com/a/status/1")
    dropped = store.upsert_post("twitter", "2", "https://x.com/a/status/2")
    store.record_embed(article, kept, source="blockquote", positions=[0])
    store.record_embed(article, dropped, source="blockquote", positions=[1])
    assert store.mark_removed_embeds(article, [kept], at="t9") == [dropped]
    assert store.mark_removed_embeds(article, [kept], at="t10") == []  # already marked
    assert [p["id"] for p in store.posts_for_article(article)] == [kept]
    removed = store.posts_for_article(article, include_removed=True)[1]
    assert (removed["id"], removed["removed_at"]) == (dropped, "t9")
    store.record_embed(article, dropped, source="blockquote", positions=[1])  # it came back
    assert len(store.posts_for_article(article)) == 2


def test_capture_round_trip_with_artifacts(store: Store, tmp_path: Path) -> None:
    post = store.upsert_post(*TWEET)
    png, dom = b"\x89PNG fake", b"<div>tweet</div>"
    media = store.blobs.put_stream([b"mp4", b"bytes"])
    warc = tmp_path / "capture.warc.gz"
    warc.write_bytes(b"WARC/1.1 records")
    start = datetime(2025, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    capture = store.start_capture(post=post, tool_version="0.1.0", at=start)
    assert got(store.get_capture(capture))["status"] == "running"
    artifacts = store.finish_capture(
        capture,
        "partial",
        content_hash="c1",
        missing=["video"],
        timings={"render": 1.5},
        artifacts=[
            ("screenshot", png, "image/png", None),
            ("dom", dom, "text/html", "https://platform.twitter.com/embed/Tweet.html?id=1"),
            ("media", media, "video/mp4", "https://video.twimg.com/x.mp4"),
            ("warc", warc, "application/warc", None),
        ],
        at=datetime(2025, 1, 2, 3, 4, 7, 500000, tzinfo=timezone.utc),
    )
    assert [(a["kind"], a["sha256"], a["size"]) for a in artifacts] == [
        ("screenshot", sha(png), len(png)),
        ("dom", sha(dom), len(dom)),
        ("media", sha(b"mp4bytes"), 8),
        ("warc", sha(b"WARC/1.1 records"), 16),
    ]
    assert all(Path(str(a["path"])).read_bytes() for a in artifacts)
    (row,) = store.captures_for_post(post)
    assert (row["status"], row["duration"], row["missing"], row["timings"]) == (
        "partial",
        2.5,
        ["video"],
        {"render": 1.5},
    )
    assert row["started"] == "2025-01-02T03:04:05.000+00:00"
    assert store.artifacts_for_capture(capture) == artifacts
    post_row = store.get_post(post)
    assert post_row is not None
    assert (post_row["content_hash"], post_row["last_captured"]) == ("c1", row["finished"])


def test_artifacts_accept_objects_shaped_like_archiver_models(store: Store) -> None:
    from archiver.models import Artifact

    article = store.record_article("https://news.example/a")
    capture = store.start_capture(article=article, tool_version="0.1.0")
    (stored,) = store.finish_capture(
        capture, "complete", artifacts=[Artifact("html", b"<html/>", "text/html")]
    )
    assert stored["sha256"] == sha(b"<html/>")
    assert store.captures_for_article(article)[0]["id"] == capture


def test_an_artifact_naming_an_absent_blob_is_refused(store: Store) -> None:
    capture = store.start_capture(post=store.upsert_post(*TWEET), tool_version="t")
    with pytest.raises(ValueError, match="not in the store"):
        store.finish_capture(capture, "complete", artifacts=[("media", sha(b"nope"), "image/jpeg", None)])
    assert store.artifacts_for_capture(capture) == []
    assert got(store.get_capture(capture))["status"] == "running"


def test_a_crash_while_writing_a_blob_leaves_no_row_and_no_half_file(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    capture = store.start_capture(post=store.upsert_post(*TWEET), tool_version="t")
    png = b"\x89PNG" * 1000

    def crash(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(StoreError, match="No space left"):
        store.finish_capture(capture, "complete", artifacts=[("screenshot", png, "image/png", None)])
    monkeypatch.undo()
    assert store.db.table("artifacts").count == 0
    assert not store.blobs.path(sha(png)).exists()
    assert store.blobs.temp_files() == []
    assert store.verify().ok


def test_unfinished_captures_of_a_killed_run_are_closed(store: Store) -> None:
    post = store.upsert_post(*TWEET)
    done = store.start_capture(post=post, tool_version="t")
    store.finish_capture(done, "complete")
    killed = store.start_capture(post=post, tool_version="t")
    assert store.close_unfinished_captures() == 1
    assert got(store.get_capture(killed))["status"] == "failed"
    assert got(store.get_capture(done))["status"] == "complete"


def test_checks_record_status_changes_and_unknown_keeps_the_status(store: Store) -> None:
    post = store.upsert_post(*TWEET, at="t0")
    first = store.record_check(
        post, method="syndication", outcome="live", http_status=200, content_hash="h1", at="t1"
    )
    assert (first.previous_status, first.status, first.status_changed, first.content_changed) == (
        "unknown",
        "live",
        True,
        False,
    )
    same = store.record_check(post, method="syndication", outcome="live", content_hash="h1", at="t2")
    assert not same.status_changed and not same.content_changed
    edited = store.record_check(post, method="syndication", outcome="live", content_hash="h2", at="t3")
    assert edited.content_changed
    flaky = store.record_check(post, method="syndication", outcome="unknown", http_status=429, at="t4")
    assert (flaky.status, flaky.status_changed) == ("live", False)
    gone = store.record_check(
        post, method="syndication", outcome="deleted", http_status=404, next_check_at="t9", at="t5"
    )
    assert (gone.previous_status, gone.status) == ("live", "deleted")
    row = store.get_post(post)
    assert row is not None
    assert (row["status"], row["status_since"], row["last_checked"], row["next_check_at"]) == (
        "deleted",
        "t5",
        "t5",
        "t9",
    )
    assert (row["content_hash"], row["content_since"]) == ("h2", "t3")
    assert [c["outcome"] for c in store.checks_for_post(post)] == [
        "live",
        "live",
        "live",
        "unknown",
        "deleted",
    ]
    assert [c["changed"] for c in store.checks_for_post(post)] == [0, 0, 1, 0, 0]
    with pytest.raises(ValueError):
        store.record_check(post, method="x", outcome="vanished")


def test_status_queries(store: Store) -> None:
    a = store.upsert_post("twitter", "1", "u1", at="2025-01-01T00:00:00.000+00:00")
    b = store.upsert_post("twitter", "2", "u2", at="2025-01-01T00:00:00.000+00:00")
    store.upsert_post("twitter", "3", "u3", next_check_at="2025-03-01T00:00:00.000+00:00")
    store.record_check(a, method="m", outcome="deleted", at="2025-02-01T00:00:00.000+00:00")
    store.set_post_status(b, "suspended", at="2025-01-15T00:00:00.000+00:00")
    assert [p["id"] for p in store.list_posts(status="deleted", since="2025-01-20")] == [a]
    assert store.list_posts(status="suspended", since="2025-01-20") == []
    assert store.status_counts() == {"deleted": 1, "suspended": 1, "unknown": 1}
    due = store.posts_due(now="2025-02-15T00:00:00.000+00:00")
    assert [p["post_id"] for p in due] == ["1", "2"]  # "3" is due in March
    assert len(store.posts_due(now="2025-03-02T00:00:00.000+00:00", limit=5)) == 3


def test_timeline_tells_a_posts_story_in_order(store: Store) -> None:
    article = store.record_article("https://news.example/a", at="t0")
    post = store.upsert_post(*TWEET, at="t1")
    store.record_embed(article, post, source="blockquote", at="t1")
    capture = store.start_capture(post=post, tool_version="0.1.0", at="t2")
    store.finish_capture(capture, "complete", artifacts=[("screenshot", b"png", "image/png", None)], at="t3")
    store.record_check(post, method="syndication", outcome="live", at="t4")
    store.record_check(post, method="syndication", outcome="deleted", http_status=404, at="t5")
    store.mark_removed_embeds(article, [], at="t6")
    events = store.timeline(post)
    assert [e["event"] for e in events] == [
        "first_seen",
        "embedded",
        "capture",
        "check",
        "status_change",
        "check",
        "status_change",
        "embed_removed",
    ]
    (shot,) = events[2]["artifacts"]
    assert (shot["kind"], shot["sha256"]) == ("screenshot", sha(b"png"))
    assert events[-2] == {"at": "t5", "event": "status_change", "from": "live", "to": "deleted"}


def test_a_corrupt_database_file_is_a_one_line_store_error(home: Path) -> None:
    (home / "archive.db").write_bytes(os.urandom(4096))
    with pytest.raises(StoreError) as caught:
        Store.open(home)
    message = str(caught.value)
    assert "is not an SQLite database" in message and str(home) in message and "\n" not in message


def test_an_unwritable_home_is_a_one_line_store_error(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("a file, not a folder")
    with pytest.raises(StoreError) as caught:
        Store.open(tmp_path / "afile" / "home")
    assert "cannot use archive home" in str(caught.value) and "\n" not in str(caught.value)


def test_a_home_that_is_a_file_is_a_store_error(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("a file, not a folder")
    with pytest.raises(StoreError, match="cannot use archive home"):
        Store.open(tmp_path / "afile")


def test_a_database_locked_by_another_process_is_a_store_error(home: Path) -> None:
    holder = sqlite3.connect(home / "archive.db", isolation_level=None)
    holder.execute("CREATE TABLE other (x)")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("INSERT INTO other VALUES (1)")
    try:
        with pytest.raises(StoreError, match="is locked by another process"):
            Store.open(home, timeout=0.1)
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_open_without_create_wants_an_existing_archive(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no archive at"):
        Store.open(tmp_path / "nowhere", create=False)
    assert not (tmp_path / "nowhere").exists()


def test_a_transaction_groups_writes_all_or_nothing(store: Store) -> None:
    post = store.upsert_post(*TWEET)
    with store.transaction():
        store.record_check(post, method="m", outcome="live")
        store.record_check(post, method="m", outcome="deleted")
    assert len(store.checks_for_post(post)) == 2
    with pytest.raises(RuntimeError), store.transaction():
        store.record_check(post, method="m", outcome="live")
        store.upsert_post("twitter", "2", "u")
        raise RuntimeError("run killed")
    assert len(store.checks_for_post(post)) == 2
    assert got(store.get_post(post))["status"] == "deleted"
    assert store.find_post("twitter", "2") is None


def test_another_programs_database_is_a_store_error(home: Path) -> None:
    other = sqlite3.connect(home / "archive.db")
    other.execute("CREATE TABLE posts (title TEXT)")
    other.commit()
    other.close()
    with pytest.raises(StoreError, match=r"cannot be set up: table .posts. already exists"):
        Store.open(home)


# The store's surface: its parts, its rows' types, its vocabularies


def test_the_store_names_every_method_of_its_parts(store: Store) -> None:
    """A part's public method is the Store's, under the same name; the writes a part offers the
    other parts (inside their transaction: they take `db`) are not."""
    for part in (Articles, Posts, Embeds, Checks, Captures, Watches, Runs, Queries):
        for name, method in vars(part).items():
            if name.startswith("_") or not callable(method):
                continue
            if "db" in inspect.signature(method).parameters:
                assert not hasattr(store, name), f"{part.__name__}.{name} is for the other parts"
            else:
                named = getattr(store, name).__wrapped__  # under the guard (StoreCore.guarded)
                assert named.__func__ is method, f"Store.{name} is not {part.__name__}.{name}"


# The Python types a column of each SQL type comes back as (TEXT: JSON columns too, decoded).
_SQL_TYPES: dict[str, set[type]] = {"INTEGER": {int}, "REAL": {float}, "TEXT": {str, list, dict}}


def test_each_row_type_has_its_tables_columns(store: Store) -> None:
    """One key per column; `| None` exactly where the column may be NULL (no NOT NULL, no default)."""
    assert set(rows.TABLE_ROWS) == set(store.db.table_names()) - {"_sqlite_migrations"}
    for table, row_type in rows.TABLE_ROWS.items():
        columns = {column.name: column for column in store.db.table(table).columns}
        hints = typing.get_type_hints(row_type)
        assert set(hints) == set(columns), table
        for name, column in columns.items():
            may_be_null = not (column.notnull or column.is_pk or column.default_value is not None)
            kinds = [typing.get_origin(t) or t for t in typing.get_args(hints[name]) or [hints[name]]]
            assert (type(None) in kinds) == may_be_null, f"{table}.{name}: {hints[name]}"
            assert set(kinds) - {type(None)} <= _SQL_TYPES[column.type], f"{table}.{name}: {hints[name]}"


def test_each_method_returns_the_keys_its_row_type_names(store: Store) -> None:
    article = store.record_article("https://news.example/a", final_url="https://news.example/b", html=b"<p/>")
    post = store.upsert_post(*TWEET)
    store.record_embed(article, post, source="blockquote", positions=[0])
    capture = store.start_capture(post=post, tool_version="t")
    store.finish_capture(capture, "complete", artifacts=[("screenshot", b"png", "image/png", None)])
    store.record_check(post, method="m", outcome="live", content_hash="h1")
    store.record_check(post, method="m", outcome="deleted", content_hash="h2")
    watch, _ = store.add_watch("https://news.example/feed", "feed")
    store.record_entries(watch, [("https://news.example/a", "A", None)])
    run = store.start_run()
    expected: list[tuple[Any, Sequence[Any]]] = [
        (rows.ArticleRow, [store.get_article(article), store.find_article("https://news.example/b")]),
        (rows.ArticleRow, store.list_articles()),
        (rows.PostRow, [store.get_post(post), store.find_post(*TWEET[:2]), *store.posts_due()]),
        (rows.PostRow, [*store.list_posts(), *store.posts_with_id(TWEET[1])]),
        (rows.PostRow, store.posts_checked_before("9999")),
        (rows.EmbedRow, store.embeds_for_article(article)),
        (rows.CaptureRow, [store.get_capture(capture), *store.captures_for_post(post)]),
        (rows.ArtifactFileRow, store.artifacts_for_capture(capture)),
        (rows.CheckRow, store.checks_for_post(post)),
        (rows.WatchRow, [store.get_watch(watch), *store.list_watches()]),
        (rows.EntryRow, store.pending_entries()),
        (rows.RunRow, [store.get_run(run), store.last_run()]),
        (rows.EmbeddedPostRow, store.posts_for_article(article)),
        (rows.EmbeddingArticleRow, store.articles_for_post(post)),
        (rows.ChangedPostRow, store.changed_posts()),
    ]
    for row_type, found in expected:
        assert found, row_type.__name__
        for row in found:
            assert row is not None and set(row) == set(typing.get_type_hints(row_type)), row_type.__name__
    allowed = set(typing.get_type_hints(rows.TimelineEvent))
    for event in store.timeline(post):
        assert {"at", "event"} <= set(event) <= allowed
        for artifact in event.get("artifacts", []):
            assert set(artifact) == set(typing.get_type_hints(rows.TimelineArtifact))


def test_archiver_takes_the_post_statuses_from_the_store() -> None:
    assert archiver.models.POST_STATUSES is statuses.POST_STATUSES
    assert statuses.CHECK_OUTCOMES == statuses.POST_STATUSES
    assert set(statuses.KEPT_CAPTURE_STATUSES) < set(statuses.CAPTURE_STATUSES)


def _finish_a_capture(store: Store, status: str) -> object:
    return store.finish_capture(store.start_capture(post=store.upsert_post(*TWEET), tool_version="t"), status)


def _look(store: Store, status: str) -> object:
    watch, _ = store.add_watch("https://news.example/feed", "feed")
    return store.record_watch_look(watch, status=status)


# (a vocabulary, what the store does with one of its words, the words it refuses besides a stranger)
VOCABULARIES: list[tuple[Sequence[str], Callable[[Store, str], object], tuple[str, ...]]] = [
    (statuses.POST_STATUSES, lambda store, word: store.set_post_status(store.upsert_post(*TWEET), word), ()),
    (statuses.POST_STATUSES, lambda store, word: store.upsert_post("twitter", word, "u", status=word), ()),
    (statuses.POST_STATUSES, lambda store, word: store.list_posts(status=word), ()),
    (
        statuses.CHECK_OUTCOMES,
        lambda store, word: store.record_check(store.upsert_post(*TWEET), method="m", outcome=word),
        (),
    ),
    (
        statuses.ARTICLE_STATUSES,
        lambda store, word: store.record_article("https://a.example", status=word),
        (),
    ),
    (statuses.CAPTURE_STATUSES[1:], _finish_a_capture, ("running",)),
    (statuses.WATCH_KINDS, lambda store, word: store.add_watch("https://news.example/feed", word), ()),
    (statuses.WATCH_LOOK_STATUSES, _look, ()),
    (statuses.RUN_OUTCOMES[1:], lambda store, word: store.finish_run(store.start_run(), word), ("running",)),
]


@pytest.mark.parametrize(("words", "use", "refused"), VOCABULARIES)
def test_the_store_takes_the_words_of_its_vocabularies_and_no_other(
    store: Store, words: Sequence[str], use: Callable[[Store, str], object], refused: tuple[str, ...]
) -> None:
    for word in words:
        use(store, word)
    for word in ("vanished", *refused):
        with pytest.raises(ValueError, match="must be one of"):
            use(store, word)


def test_what_the_store_writes_itself_is_in_its_vocabularies(store: Store) -> None:
    post = store.upsert_post(*TWEET)
    store.start_capture(post=post, tool_version="t")
    store.close_unfinished_captures()
    store.start_run()
    store.close_unfinished_runs()
    store.upsert_post("twitter", unresolved_post_id("pic.twitter.com/x"), "https://pic.twitter.com/x")
    assert {row["status"] for row in store.db.table("captures").rows} <= set(statuses.CAPTURE_STATUSES)
    assert {row["outcome"] for row in store.db.table("runs").rows} <= set(statuses.RUN_OUTCOMES)
    assert {row["status"] for row in store.db.table("posts").rows} <= set(statuses.POST_STATUSES)
