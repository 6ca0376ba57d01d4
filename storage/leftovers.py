"""What interrupted work leaves in the archive home, and its removal (`archiver verify --repair`).

    repaired = store.repair(older_than=STALE_AFTER)
    repaired.lines(), repaired.summary()

A process killed (kill -9, a power cut) in the middle of its work leaves:

    blobs/tmp/.tmp-…        a blob write cut short (storage.blobs; a bucket's writes leave none)
    an orphaned blob        written just before the row that would have named it (in the
                            folder or the bucket: its time is its file's, or the object's
                            LastModified)
    archiver-capture-…/     a media spool folder in the home, with the downloads of captures
                            that were never stored (archiver.capture.media.spool_folder names
                            it archiver-capture-<host>-<pid>-<random>)

Nothing else ever removes them. repair() removes each that has been left alone for
`older_than` (an hour by default: a capture in progress in another process writes its files
now, and a blob a write wants again is touched), and no spool folder whose process is still
alive on this machine. It never removes a blob a row names: the rows are read again just
before removing, and when archive.db is damaged (rows it cannot read) it removes no blob at
all. Strays (files in the blob folder that are not blobs) are someone's, and stay.
"""

from __future__ import annotations

import os
import shutil
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from storage.blobs import Blobs

SPOOL_PREFIX = "archiver-capture-"  # archiver.capture.media.spool_folder's folders in the home
STALE_AFTER = timedelta(hours=1)


def spool_folders(home: Path) -> list[Path]:
    """The media spool folders in `home`, live or left over."""
    return sorted(p for p in home.glob(SPOOL_PREFIX + "*") if p.is_dir() and not p.is_symlink())


def owner_alive(folder: Path) -> bool:
    """Whether the process a spool folder is named after (…-<pid>-<random>) still runs here."""
    parts = folder.name.rsplit("-", 2)
    pid = int(parts[1]) if len(parts) == 3 and parts[1].isdigit() else 0
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):  # gone; no pid at all
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def last_touched(path: Path) -> float:
    """The latest modification time of `path` and, for a folder, of anything in it."""
    times = [path.lstat().st_mtime]
    if path.is_dir() and not path.is_symlink():
        times += [p.lstat().st_mtime for p in path.rglob("*")]
    return max(times)


def stale_spools(home: Path, older_than: timedelta = STALE_AFTER) -> list[Path]:
    """Spool folders left by a capture that ended without removing them: untouched for
    `older_than`, their process gone."""
    cutoff = time.time() - older_than.total_seconds()
    return [p for p in spool_folders(home) if last_touched(p) < cutoff and not owner_alive(p)]


def _span(age: timedelta) -> str:
    seconds = int(age.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


@dataclass
class RepairReport:
    """What repair() removed and what it kept, one line each."""

    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)  # removed, by kind
    freed: int = 0  # bytes

    def lines(self) -> list[str]:
        return self.removed + self.kept

    def summary(self) -> str:
        kinds = ("temp file(s)", "orphaned blob(s)", "spool folder(s)")
        done = ", ".join(f"{self.counts[kind]} {kind}" for kind in kinds if self.counts[kind])
        said = f"repair removed {done} ({self.freed:,} bytes)" if done else "repair removed nothing"
        return said + (f"; kept {len(self.kept)} (see above)" if self.kept else "")


def repair(
    blobs: Blobs,
    home: Path | None,
    references: Callable[[], Iterable[tuple[str, int, str, object]]] | None,
    older_than: timedelta = STALE_AFTER,
) -> RepairReport:
    """Remove the leftovers (see the module) untouched for `older_than`. `references` reads the
    rows naming blobs (it is called twice: the second time just before removing); None when
    archive.db is damaged, and then no blob is removed."""
    report = RepairReport()
    cutoff = time.time() - older_than.total_seconds()
    young = f"touched within the last {_span(older_than)}: a capture may be writing it"

    def removed(kind: str, what: str, size: int) -> None:
        report.removed.append(f"removed: {what} ({size:,} bytes)")
        report.counts[kind] += 1
        report.freed += size

    for path in blobs.temp_files():
        if last_touched(path) < cutoff:
            size = path.stat().st_size
            path.unlink()
            removed("temp file(s)", f"temp file {path}", size)
        else:
            report.kept.append(f"kept: temp file {path}: {young}")

    if references is None:
        report.kept.append(
            "kept: every blob: archive.db is damaged, so which blobs its rows name is not known"
        )
    else:
        named = {sha for *_, sha in references()}
        orphans = [sha for sha in blobs if sha not in named]
        old = [sha for sha in orphans if blobs.modified(sha) < cutoff]
        report.kept += [f"kept: orphaned blob {sha}: {young}" for sha in orphans if sha not in old]
        named = {sha for *_, sha in references()} if old else named  # rows written meanwhile
        for sha in old:
            if sha in named:
                report.kept.append(f"kept: blob {sha}: a row names it now")
            else:
                removed("orphaned blob(s)", f"orphaned blob {sha}", blobs.discard(sha))

    for folder in spool_folders(home) if home is not None else []:
        if owner_alive(folder):
            report.kept.append(f"kept: spool folder {folder}: its process is still running")
        elif last_touched(folder) >= cutoff:
            report.kept.append(f"kept: spool folder {folder}: {young}")
        else:
            size = sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file())
            shutil.rmtree(folder)
            removed("spool folder(s)", f"spool folder {folder}", size)
    return report
