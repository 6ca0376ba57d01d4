"""The run lock: one `archiver run` per archive home at a time.

    with RunLock(home) as lock:
        if not lock.held:
            print(f"already running ({lock.holder()})")

HOME/run.lock is locked with flock(LOCK_EX | LOCK_NB). The kernel drops an flock when the last
descriptor of its open file goes, which happens when the process holding it exits however it
exits (kill -9 included): a lock left by a killed run is simply free, and the next run takes it
over without guessing from pids or ages. The descriptor is not inheritable (Python's default),
so the browser or a notify command we start cannot keep the lock alive after us. The file holds
the holder's pid and start time, for the "already running" message; it is never deleted
(deleting a lock file races with the next run's open).
"""

from __future__ import annotations

import fcntl
import os
from datetime import datetime, timezone
from pathlib import Path
from types import TracebackType

from archiver.errors import ArchiverError

LOCK_NAME = "run.lock"


class RunLock:
    def __init__(self, home: Path) -> None:
        self.path = Path(home) / LOCK_NAME
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> bool:
        """Take the lock if it is free; False (at once) when another process holds it."""
        if self._fd is not None:
            return True
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise ArchiverError(f"cannot use the run lock {self.path}: {exc.strerror or exc}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        except OSError as exc:
            os.close(fd)
            raise ArchiverError(f"cannot lock {self.path}: {exc.strerror or exc}") from None
        started = datetime.now(timezone.utc).isoformat(timespec="seconds")
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {started}\n".encode(), 0)
        self._fd = fd
        return True

    def release(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def holder(self) -> str:
        """Who holds the lock, as its file says: "pid 123 since 2025-...", or "unknown"."""
        try:
            pid, _, since = self.path.read_text(encoding="utf-8").strip().partition(" ")
        except (OSError, UnicodeDecodeError):
            return "unknown"
        return f"pid {pid} since {since}" if pid.isdigit() else "unknown"

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()
