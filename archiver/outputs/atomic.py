"""Outputs written beside their target under a temporary name and renamed into place once they
are complete: a failure (a missing blob, a TSA that says no, a full disk, Ctrl-C) leaves the
earlier output, if there was one, as it was, and no temporary file or folder behind.

    with new_file(Path("story.wacz")) as temp:     # .story.wacz.<pid>-<random>.tmp beside it
        write_zip(temp)
    # story.wacz is the new file (one atomic rename over the old one)

    with new_folder(Path("reports/3")) as temp:    # reports/.3.<pid>-<random>.tmp/
        fill(temp)
    # reports/3 is the new folder

A folder cannot be renamed over a folder that holds files, so an earlier one is first renamed
aside (.3.<pid>-<random>.old), the new one renamed into place, and only then the old one
removed. A process killed (kill -9) midway leaves its temporary file or folder, or the earlier
report under its .old name: the next write of the same target clears what processes no longer
running left beside it (an .old whose target is missing is put back first), so nothing piles up.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import secrets
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

log = logging.getLogger(__name__)

# What an older version left, with no process id in its name, is cleared once this old.
UNOWNED_AFTER = 3600.0


def _beside(target: Path, suffix: str, make: Callable[[Path], None]) -> Path:
    """A new path `.<name>.<random><suffix>` in target's folder, made by `make` (which raises
    FileExistsError when it is taken)."""
    for _ in range(100):
        path = target.with_name(f".{target.name}.{os.getpid()}-{secrets.token_hex(4)}{suffix}")
        try:
            make(path)
        except FileExistsError:
            continue
        return path
    raise FileExistsError(f"no free temporary name beside {target}")  # pragma: no cover


def _create(path: Path) -> None:
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))  # the umask applies


@contextlib.contextmanager
def new_file(target: Path) -> Iterator[Path]:
    """A temporary file beside `target` to write; renamed over `target` when the block ends
    without an error, removed when it does not."""
    target.parent.mkdir(parents=True, exist_ok=True)
    clear_leftovers(target)
    temp = _beside(target, ".tmp", _create)
    try:
        yield temp
        with open(temp, "rb") as written:
            os.fsync(written.fileno())
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def new_folder(target: Path) -> Iterator[Path]:
    """A temporary folder beside `target` to fill; put in target's place when the block ends
    without an error (an earlier folder there is removed once the new one is in place),
    removed when it does not. A symbolic link to a folder is followed."""
    if target.is_symlink():
        target = target.resolve()
    if target.exists() and not target.is_dir():
        raise NotADirectoryError(f"{target} is a file, not a folder")
    target.parent.mkdir(parents=True, exist_ok=True)
    clear_leftovers(target)
    temp = _beside(target, ".tmp", os.mkdir)
    try:
        yield temp
        _swap_in(temp, target)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise


def _swap_in(temp: Path, target: Path) -> None:
    if not target.exists():
        os.rename(temp, target)
        return
    old = target.with_name(f".{target.name}.{os.getpid()}-{secrets.token_hex(8)}.old")
    os.rename(target, old)
    try:
        os.rename(temp, target)
    except BaseException:
        os.rename(old, target)
        raise
    try:
        shutil.rmtree(old)
    except OSError as exc:  # the new folder is in place: say what is left, do not fail
        log.warning("the earlier %s was replaced but not removed: %s", old, exc.strerror or exc)


def clear_leftovers(target: Path) -> list[Path]:
    """Remove what killed writes of `target` left beside it: temporary files and folders, and
    earlier folders renamed aside, of processes no longer running (one named without a process,
    by an older version, once UNOWNED_AFTER old). An earlier folder whose target is missing is
    put back instead. What was removed or put back."""
    pattern = re.compile(rf"\.{re.escape(target.name)}\.(?:(?P<pid>\d+)-)?[0-9a-f]+\.(?P<kind>tmp|old)")
    done = []
    for path in sorted(target.parent.glob(f".{target.name}.*")):
        found = pattern.fullmatch(path.name)
        if found is None or not _abandoned(path, found["pid"]):
            continue
        if found["kind"] == "old" and path.is_dir() and not target.exists():
            os.rename(path, target)  # killed between its two renames: the earlier one goes back
        elif path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        log.info("cleared %s, left by a write that was killed", path)
        done.append(path)
    return done


def _abandoned(path: Path, pid: str | None) -> bool:
    if pid is None:
        try:
            return time.time() - path.lstat().st_mtime > UNOWNED_AFTER
        except OSError:
            return False
    if int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except (PermissionError, OverflowError, ValueError):
        return False
    return False
