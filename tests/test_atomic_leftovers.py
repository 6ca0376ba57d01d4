"""What a killed report or WACZ write leaves beside its target is cleared by the next write."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from archiver.outputs.atomic import UNOWNED_AFTER, clear_leftovers, new_file, new_folder


def dead_pid() -> int:
    """The id of a process that has ended."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_a_killed_folder_write_is_cleared_by_the_next_write(tmp_path: Path) -> None:
    target = tmp_path / "reports" / "3"
    target.mkdir(parents=True)
    (target / "index.html").write_text("old")
    pid = dead_pid()
    temp = target.with_name(f".3.{pid}-0a1b2c3d.tmp")
    (temp / "files").mkdir(parents=True)
    (temp / "files" / "x.png").write_bytes(b"half")
    aside = target.with_name(f".3.{pid}-0a1b2c3d4e5f6a7b.old")
    aside.mkdir()
    living = target.with_name(f".3.{os.getppid()}-99999999.tmp")  # a writer still at work
    living.mkdir()

    with new_folder(target) as folder:
        (folder / "index.html").write_text("new")

    assert (target / "index.html").read_text() == "new"
    assert not temp.exists() and not aside.exists()
    assert living.exists()
    left = sorted(p.name for p in target.parent.iterdir())
    assert left == sorted(["3", living.name])


def test_a_report_killed_between_its_renames_is_put_back(tmp_path: Path) -> None:
    target = tmp_path / "7"
    aside = tmp_path / f".7.{dead_pid()}-00112233aabbccdd.old"
    aside.mkdir()
    (aside / "index.html").write_text("the earlier report")
    assert clear_leftovers(target) == [aside]
    assert (target / "index.html").read_text() == "the earlier report"


def test_a_killed_file_write_is_cleared_and_unowned_leftovers_only_when_old(tmp_path: Path) -> None:
    target = tmp_path / "story.wacz"
    killed = tmp_path / f".story.wacz.{dead_pid()}-deadbeef.tmp"
    killed.write_bytes(b"half a zip")
    fresh = tmp_path / ".story.wacz.cafebabe.tmp"  # an older version's name: no process id
    fresh.write_bytes(b"?")
    stale = tmp_path / ".story.wacz.0badf00d.tmp"
    stale.write_bytes(b"?")
    long_ago = time.time() - UNOWNED_AFTER - 60
    os.utime(stale, (long_ago, long_ago))
    unrelated = tmp_path / ".story.wacz.notes"
    unrelated.write_text("mine")

    with new_file(target) as temp:
        temp.write_bytes(b"zip")

    assert target.read_bytes() == b"zip"
    assert not killed.exists() and not stale.exists()
    assert fresh.exists() and unrelated.exists()
