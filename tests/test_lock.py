"""The run lock: one run per home; a killed holder's lock is free at once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from archiver.flows.lock import LOCK_NAME, RunLock

HOLD = """
import sys, time
from pathlib import Path
from archiver.flows.lock import RunLock
lock = RunLock(Path(sys.argv[1]))
assert lock.acquire()
print("held", flush=True)
time.sleep(60)
"""


def _holder(home: Path) -> subprocess.Popen[str]:
    process = subprocess.Popen([sys.executable, "-c", HOLD, str(home)], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "held"
    return process


def test_a_second_lock_on_the_same_home_is_refused_until_released(home: Path) -> None:
    first, second = RunLock(home), RunLock(home)
    assert first.acquire()
    assert not second.acquire()
    assert second.holder().startswith(f"pid {os.getpid()} since ")
    first.release()
    assert second.acquire()
    second.release()
    assert (home / LOCK_NAME).exists()  # kept: deleting it would race with the next open


def test_the_lock_is_held_across_processes_and_freed_when_its_holder_is_killed(home: Path) -> None:
    process = _holder(home)
    try:
        lock = RunLock(home)
        assert not lock.acquire()
        assert lock.holder().startswith(f"pid {process.pid} ")
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        assert lock.acquire()  # a stale lock: taken over (acquire never waits)
        assert lock.holder().startswith(f"pid {os.getpid()} ")
        lock.release()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_a_child_process_does_not_inherit_the_lock(home: Path) -> None:
    with RunLock(home) as lock:
        assert lock.held
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert RunLock(home).acquire()  # the child still runs, yet the lock is free
    finally:
        child.kill()
        child.wait()


def test_the_home_is_created_for_the_lock(tmp_path: Path) -> None:
    home = tmp_path / "not" / "yet"
    with RunLock(home) as lock:
        assert lock.held and (home / LOCK_NAME).is_file()
