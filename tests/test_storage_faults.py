"""Faults of the archive home, through the commands people run on it: a damaged archive.db, a
read-only home (an evidence copy on a read-only mount), and what a process killed in the middle
of a write leaves (orphaned blobs, temp files, media spool folders) and `verify --repair`."""

from __future__ import annotations

import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from archive_support import make_archive
from click.testing import CliRunner, Result

from archiver.capture.media import spool_folder
from archiver.cli import cli
from archiver.flows.lock import RunLock
from storage import BlobStore, Store, StoreError, leftovers

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
    """A page of table data in the middle of the file (not one of the schema's, or the file
    would not open at all)."""
    connection = sqlite3.connect(db)
    try:
        pages = [p for (p,) in connection.execute("SELECT pageno FROM dbstat WHERE name = 'posts'")]
    finally:
        connection.close()
    middle = db.stat().st_size // 4096 // 2
    overwrite_page(db, min(pages, key=lambda page: abs(page - middle)))


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


# A read-only home: every read command works, nothing is written, a write says so in one line


READ_ONLY_READERS = [*READERS, ["report", "1", "-o", "ELSEWHERE"]]


def snapshot(home: Path) -> dict[str, tuple[int, int]]:
    """Every file and folder under `home`, with its size and modification time."""
    return {str(p.relative_to(home)): (p.stat().st_size, p.stat().st_mtime_ns) for p in home.rglob("*")}


def with_elsewhere(elsewhere: Path) -> list[list[str]]:
    return [[str(elsewhere) if word == "ELSEWHERE" else word for word in c] for c in READ_ONLY_READERS]


def outputs(home: Path, elsewhere: Path) -> dict[str, tuple[int, str]]:
    """Each read command's exit code and output (ELSEWHERE where it names `elsewhere`)."""
    return {
        command[0]: (result.exit_code, result.stdout.replace(str(elsewhere), "ELSEWHERE"))
        for command in with_elsewhere(elsewhere)
        for result in [run(home, *command)]
    }


def test_a_read_only_store_reads_and_refuses_every_write_in_one_line(home: Path) -> None:
    make_archive(home)
    before = snapshot(home)
    with Store.open(home, read_only=True) as store:
        assert store.read_only and [p["post_id"] for p in store.list_posts()]
        assert store.verify().ok
        for write in (
            lambda: store.upsert_post("twitter", "9", "https://x.com/a/status/9"),
            lambda: store.record_article("https://news.example/b", html=b"<p>new</p>"),
            lambda: store.blobs.put(b"new bytes"),
            lambda: store.start_run(),
        ):
            with pytest.raises(StoreError, match="open read-only: nothing can be written"):
                write()
    assert snapshot(home) == before  # no -wal, -shm or lock file, no migration, no temp file


def test_a_home_that_is_not_writable_opens_read_only_by_itself(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Root writes through chmod, so the test says "not writable" the way a read-only mount
    does: os.access(…, W_OK) is False (the real mount is the next test's)."""
    make_archive(home)
    writable = outputs(home, tmp_path / "w")
    before = snapshot(home)
    real_access = os.access

    def access(path: Any, mode: int, **kwargs: Any) -> bool:
        inside = Path(path).absolute().is_relative_to(home.absolute())
        return False if inside and mode & os.W_OK else real_access(path, mode, **kwargs)

    monkeypatch.setattr(os, "access", access)
    with Store.open(home, create=False) as store:
        assert store.read_only
    assert outputs(home, tmp_path / "r") == writable
    assert all(code == 0 for code, _ in writable.values())
    assert snapshot(home) == before
    for writer in (["archive", "-"], ["watch", "add", "https://news.example/feed"]):
        result = run(home, *writer)
        assert (
            result.exit_code == 1
            and result.stderr == f"Error: the archive at {home} is read-only: nothing can be written to it\n"
        )
    repair = run(home, "verify", "--repair")
    assert (repair.exit_code, repair.stdout) == (1, "")
    assert repair.stderr == f"Error: the archive at {home} is read-only: --repair cannot change it\n"
    assert snapshot(home) == before  # not even run.lock


def test_an_archive_older_than_this_version_is_not_migrated_when_read_only(home: Path) -> None:
    make_archive(home)
    with sqlite3.connect(home / "archive.db") as db:
        db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm003_views'")
    db.close()
    with pytest.raises(StoreError, match=r"read-only and older than this version \(it lacks m003_views\)"):
        Store.open(home, read_only=True)


# The same on a real read-only mount: a private mount namespace (unshare -m) binds the home
# read-only over itself and runs the commands there, through CliRunner.

_IN_NAMESPACE = """
import json, sys
from click.testing import CliRunner
from archiver.cli import cli
results = [CliRunner().invoke(cli, [*c, "--home", sys.argv[1]]) for c in json.loads(sys.argv[2])]
print(json.dumps([[r.exit_code, r.stdout, r.stderr] for r in results]))
"""
_MOUNT = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"'


def on_a_read_only_mount(home: Path, commands: list[list[str]]) -> list[tuple[int, str, str]]:
    """Run each command on `home` mounted read-only (skips where unshare or mount cannot)."""
    argv = ["unshare", "-m", "--propagation", "private", "sh", "-c", _MOUNT, "sh", str(home)]
    if shutil.which("unshare") is None or subprocess.run([*argv, "true"], capture_output=True).returncode:
        pytest.skip("needs a private mount namespace (unshare -m, as root) to mount a home read-only")
    done = subprocess.run(
        [*argv, sys.executable, "-c", _IN_NAMESPACE, str(home), json.dumps(commands)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return [tuple(r) for r in json.loads(done.stdout)]


def test_a_read_only_mount_is_read_by_every_read_command(home: Path, tmp_path: Path) -> None:
    make_archive(home)
    before = snapshot(home)
    commands = with_elsewhere(tmp_path / "out")
    *results, writing = on_a_read_only_mount(home, [*commands, ["archive", "-"]])
    said = {command[0]: result for command, result in zip(commands, results, strict=True)}
    for code, stdout, stderr in said.values():
        assert code == 0 and stderr == "", (stdout, stderr)
    assert said["verify"][1].endswith("reference(s): all sound\n")
    assert "1001" in said["list"][1] and (tmp_path / "out" / "index.html").is_file()
    assert writing[:2] == (1, "") and "is read-only: nothing can be written" in writing[2]
    assert snapshot(home) == before


def copy_while_writing(home: Path, copy: Path, files: tuple[str, ...]) -> None:
    """Copy an archive while a connection holds commits in its -wal (as a backup taken during
    a run would): archive.db alone lacks the post written last."""
    make_archive(home)
    with Store.open(home) as store:
        store.upsert_post("twitter", "777", "https://x.com/a/status/777")
        shutil.copytree(home / "blobs", copy / "blobs")
        for name in files:
            shutil.copy(home / name, copy / name)
    assert (copy / "archive.db-wal").stat().st_size > 0


def test_a_read_only_copy_taken_during_a_write_reads_its_wal(home: Path, tmp_path: Path) -> None:
    copy_while_writing(home, tmp_path / "copy", ("archive.db", "archive.db-wal", "archive.db-shm"))
    ((code, stdout, stderr),) = on_a_read_only_mount(tmp_path / "copy", [["list"]])
    assert code == 0 and "https://x.com/a/status/777" in stdout, stderr


def test_a_read_only_copy_with_a_wal_but_no_shm_is_one_line(home: Path, tmp_path: Path) -> None:
    copy_while_writing(home, tmp_path / "copy", ("archive.db", "archive.db-wal"))
    ((code, stdout, stderr),) = on_a_read_only_mount(tmp_path / "copy", [["list"]])
    assert (code, stdout) == (1, "") and stderr.count("\n") == 1
    assert "has commits in archive.db-wal that cannot be read without archive.db-shm" in stderr


# What a kill leaves, and verify --repair

_KILLED_WRITER = """
import sys, time
from pathlib import Path
from archiver.capture.media import spool_folder
from storage import Store
home = Path(sys.argv[1])
store = Store.open(home)
store.blobs.put(b"orphan: killed before its row")  # a blob is written before the row naming it
writer = store.blobs.writer()
writer.write(b"half a blob")
folder = spool_folder(home)  # a capture's media downloads, as the kit spools them in the home
(folder / "media-x").write_bytes(b"half a download")
print("writing", flush=True)
time.sleep(60)
"""


def kill_a_writer(home: Path) -> None:
    """A process writing a blob and downloading media, killed with SIGKILL: no clean-up."""
    writer = subprocess.Popen(
        [sys.executable, "-c", _KILLED_WRITER, str(home)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert writer.stdout is not None and writer.stdout.readline() == "writing\n"
    finally:
        writer.kill()
        writer.wait(10)


def leave_alone(*paths: Path, hours: float = 2) -> None:
    """Set the time of each path, and of anything in it, `hours` back."""
    then = time.time() - hours * 3600
    for path in paths:
        for each in [path, *(path.rglob("*") if path.is_dir() else [])]:
            os.utime(each, (then, then), follow_symlinks=False)


def test_a_killed_write_is_reported_and_repaired_and_the_archive_kept(home: Path) -> None:
    make_archive(home)
    kept = sorted(BlobStore(home / "blobs"))
    kill_a_writer(home)
    leave_alone(home / "blobs", *home.glob("archiver-capture-*"))  # the referenced blobs as old too

    found = run(home, "verify")
    assert found.exit_code == 1
    assert [line.split(":")[0] for line in found.stdout.splitlines()[:-1]] == [
        "orphaned",
        "temp file",
        "spool folder",
    ]
    assert found.stdout.splitlines()[-1].endswith(": 1 orphaned, 1 temp file(s), 1 spool folder(s)")

    repaired = run(home, "verify", "--repair")
    assert repaired.exit_code == 0, repaired.output
    *removed, summary, verified = repaired.stdout.splitlines()
    assert [line.split(" ")[1] for line in removed] == ["temp", "orphaned", "spool"]
    assert summary.startswith("repair removed 1 temp file(s), 1 orphaned blob(s), 1 spool folder(s) (")
    assert verified.endswith("reference(s): all sound")
    assert sorted(BlobStore(home / "blobs")) == kept and not list(home.glob("archiver-capture-*"))
    assert run(home, "verify").exit_code == 0


def test_repair_never_removes_a_blob_a_row_names(home: Path) -> None:
    with Store.open(home) as store:
        named = store.record_article("https://news.example/a", html=b"<p>named by its article</p>")
        article = store.get_article(named)
        assert article is not None and article["html_sha256"] is not None
        referenced, orphan = article["html_sha256"], store.blobs.put(b"named by no row")
        leave_alone(store.blobs.path(referenced), store.blobs.path(orphan))
        repaired = store.repair()
        assert repaired.removed == [f"removed: orphaned blob {orphan} (15 bytes)"]
        assert store.blobs.exists(referenced) and store.blobs.verify(referenced)
        assert not store.blobs.exists(orphan) and store.verify().ok


def test_a_row_written_while_repairing_keeps_its_blob(tmp_path: Path) -> None:
    """The rows are read again just before removing: a capture that stored its row meanwhile
    (its blob was an old orphan, written again) keeps it."""
    blobs = BlobStore(tmp_path / "blobs")
    sha = blobs.put(b"an old orphan, now wanted")
    leave_alone(blobs.path(sha))
    reads = iter([[], [("artifacts", 1, "sha256", sha)]])
    repaired = leftovers.repair(blobs, None, lambda: next(reads))
    assert repaired.kept == [f"kept: blob {sha}: a row names it now"] and blobs.exists(sha)


def test_leftovers_younger_than_a_run_or_of_a_live_process_are_kept(home: Path) -> None:
    make_archive(home)
    live = spool_folder(home)  # this process's own, as a capture in progress holds it
    leave_alone(live)
    kill_a_writer(home)  # now: a capture could still be writing these
    result = run(home, "verify", "--repair")
    assert result.exit_code == 1
    kept = [line for line in result.stdout.splitlines() if line.startswith("kept: ")]
    assert [line.split(": ")[1].split(" ")[0] for line in kept] == ["temp", "orphaned", "spool", "spool"]
    assert f"kept: spool folder {live}: its process is still running" in kept
    assert "repair removed nothing; kept 4 (see above)" in result.stdout
    again = run(home, "verify", "--repair", "--older-than", "0s")  # say so, and they go
    assert "removed: spool folder" in again.stdout and live.is_dir()


def test_the_spool_folders_storage_knows_are_the_ones_capture_makes(home: Path) -> None:
    made = spool_folder(home)
    assert leftovers.spool_folders(home) == [made] and leftovers.owner_alive(made)
    leave_alone(made)
    assert leftovers.stale_spools(home) == []  # its process (this one) runs


def test_repair_waits_for_a_run_in_progress(home: Path) -> None:
    make_archive(home)
    kill_a_writer(home)
    leave_alone(home / "blobs", *home.glob("archiver-capture-*"))
    with RunLock(home) as run_lock:
        assert run_lock.held
        result = run(home, "verify", "--repair")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith("Error: a run is in progress (pid ") and result.stderr.count("\n") == 1
    assert len(list(home.glob("archiver-capture-*"))) == 1 and BlobStore(home / "blobs").temp_files()


def test_repair_on_a_damaged_database_removes_no_blob(home: Path) -> None:
    archive_of_many_pages(home)
    kill_a_writer(home)
    leave_alone(home / "blobs", *home.glob("archiver-capture-*"))
    blobs = sorted(BlobStore(home / "blobs"))
    damage_posts(home / "archive.db")
    result = run(home, "verify", "--repair")
    assert result.exit_code == 1
    assert (
        "kept: every blob: archive.db is damaged, so which blobs its rows name is not known" in result.stdout
    )
    assert "repair removed 1 temp file(s), 1 spool folder(s) (" in result.stdout
    assert sorted(BlobStore(home / "blobs")) == blobs  # the orphan too: no row can say it is one


def test_repair_refuses_a_read_only_home(home: Path) -> None:
    make_archive(home)
    with (
        Store.open(home, read_only=True) as store,
        pytest.raises(StoreError, match="nothing can be repaired"),
    ):
        store.repair()


@pytest.mark.parametrize(
    "raised, one_line",
    [
        (sqlite3.DatabaseError("database disk image is malformed"), True),
        (sqlite3.OperationalError("no such column: x"), False),
    ],
    ids=["damage", "bug"],
)
def test_the_command_line_says_damage_that_got_past_the_store_in_one_line(
    home: Path, monkeypatch: pytest.MonkeyPatch, raised: sqlite3.Error, one_line: bool
) -> None:
    from archiver.flows import history

    make_archive(home)

    def status_lines(store: Store, *args: object, **kwargs: object) -> list[str]:
        raise raised

    monkeypatch.setattr(history, "status_lines", status_lines)
    result = run(home, "status")
    if one_line:
        assert_one_line_saying_damaged(result)
    else:
        assert result.exception is raised  # a bug: its traceback, not a polite line
