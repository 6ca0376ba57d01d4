"""Faults of the archive home, through the commands people run on it: a damaged archive.db."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from archive_support import make_archive
from click.testing import CliRunner, Result

from archiver.cli import cli
from storage import BlobStore, Store, StoreError

READERS = [["status"], ["list"], ["show", "twitter:1001"], ["export", "--json"], ["verify"]]


def archive_of_many_pages(home: Path) -> None:
    """A real archive (archive_support's, with captures and blobs) and enough posts that the
    posts table spans many pages; closed, so that everything is in archive.db itself."""
    make_archive(home)
    with Store.open(home) as store, store.transaction():
        for n in range(300):
            store.upsert_post("twitter", str(5000 + n), f"https://x.com/a/status/{5000 + n}", text="x" * 200)
    assert not (home / "archive.db-wal").exists()


def overwrite_page(path: Path, page: int) -> None:
    """Overwrite page `page` (1-based) with bytes that are no b-tree page."""
    size = sqlite3.connect(path).execute("PRAGMA page_size").fetchone()[0]
    data = bytearray(path.read_bytes())
    data[(page - 1) * size : page * size] = random.Random(page).randbytes(size)
    path.write_bytes(bytes(data))


def posts_root_page(path: Path) -> int:
    connection = sqlite3.connect(path)
    try:
        return int(
            connection.execute("SELECT rootpage FROM sqlite_master WHERE name = 'posts'").fetchone()[0]
        )
    finally:
        connection.close()


def damage_posts(db: Path) -> None:
    overwrite_page(db, posts_root_page(db))


def damage_the_middle(db: Path) -> None:
    overwrite_page(db, db.stat().st_size // 4096 // 2)


def truncate(db: Path) -> None:
    db.write_bytes(db.read_bytes()[: db.stat().st_size // 3])


def random_bytes(db: Path) -> None:
    db.write_bytes(random.Random(0).randbytes(db.stat().st_size))


def run(home: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "--home", str(home)])


def assert_one_line_saying_damaged(result: Result) -> None:
    assert result.exit_code == 1, result.output
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: archive database "), (
        result.stderr
    )
    assert "damaged" in result.stderr and "archive.db .recover" in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize("damage", [truncate, random_bytes], ids=["truncated", "random-bytes"])
@pytest.mark.parametrize("command", READERS, ids=" ".join)
def test_a_database_that_cannot_be_opened_is_one_line_for_every_command(
    home: Path, damage: Callable[[Path], None], command: list[str]
) -> None:
    archive_of_many_pages(home)
    damage(home / "archive.db")
    assert_one_line_saying_damaged(run(home, *command))


@pytest.mark.parametrize("command", READERS[:-1], ids=" ".join)
def test_a_damaged_page_a_command_reads_is_one_line(home: Path, command: list[str]) -> None:
    archive_of_many_pages(home)
    damage_posts(home / "archive.db")  # the file opens; every one of these reads posts
    assert_one_line_saying_damaged(run(home, *command))


@pytest.mark.parametrize("damage", [damage_posts, damage_the_middle], ids=["posts-root", "middle"])
def test_verify_runs_the_integrity_check_and_reports_the_damage(
    home: Path, damage: Callable[[Path], None]
) -> None:
    archive_of_many_pages(home)
    damage(home / "archive.db")
    result = run(home, "verify")
    assert result.exit_code == 1 and result.stderr == ""
    *problems, summary = result.stdout.splitlines()
    assert problems and all(line.startswith("damaged: archive.db: ") for line in problems)
    # The references are not checked: rows it cannot read would make their blobs look orphaned.
    blobs = len(list(BlobStore(home / "blobs")))  # still re-hashed, each of them
    assert summary.startswith(f"verified {blobs} blob(s), not their references: archive.db is damaged (")
    assert summary.endswith(
        "copy the archive home before any repair (sqlite3 archive.db .recover | sqlite3 recovered.db)"
    )


@pytest.mark.parametrize("command", READERS[:-1], ids=" ".join)
def test_damage_elsewhere_leaves_the_commands_that_do_not_read_it_working(
    home: Path, command: list[str]
) -> None:
    archive_of_many_pages(home)
    damage_the_middle(home / "archive.db")  # some posts: `show` and `export` may not meet them
    result = run(home, *command)
    if result.exit_code != 0:
        assert_one_line_saying_damaged(result)


def test_every_method_of_the_store_says_damage_as_a_store_error(home: Path) -> None:
    archive_of_many_pages(home)
    damage_posts(home / "archive.db")
    with Store.open(home) as store:
        for read in (store.list_posts, lambda: store.get_post(1), lambda: store.posts_with_id("5001")):
            with pytest.raises(
                StoreError, match=r"archive\.db is damaged \(database disk image is malformed\)"
            ):
                read()
        with pytest.raises(StoreError, match="is damaged"):
            store.upsert_post("twitter", "9", "https://x.com/a/status/9")
        assert store.verify().damage


def test_a_bug_in_our_sql_keeps_its_traceback(store: Store) -> None:
    guarded = store._core.guarded(lambda: store.db.execute("SELECT no_such_column FROM posts"))
    with pytest.raises(sqlite3.OperationalError, match="no such column"):
        guarded()
