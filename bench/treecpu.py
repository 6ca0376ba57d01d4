"""CPU time of this process's threads and of every process below it, by kind, sampled from /proc
while a benchmark runs (Linux only).

    with TreeCPU(exclude={server_pid}) as cpu:
        ...  # launch Playwright and its browser, do the work
    cpu.seconds   # {"python": ..., "python relay": ..., "driver": ..., "renderer": ..., "browser": ...}

Why not getrusage(RUSAGE_CHILDREN): it counts only the descendants that were waited for, and
Chromium's renderers are children of its zygote, which the browser does not reap before it
exits: on this machine that left out over half of the browser's CPU. So each process's own
utime + stime is read every `interval` seconds and the last reading of each counts; a process
that exits between two readings loses what it used since the last (a closing page's last
moments: little). Chromium's processes are named by their --type (renderer, gpu-process,
utility:NetworkService, zygote; the main one "browser"); Playwright's node "driver"; this
process's threads by their Python name ("python MainThread", "python relay", ...; the
benchmark's own samplers "python sampler", which `seconds` leaves out).
"""

from __future__ import annotations

import os
import re
import threading
from collections import Counter
from pathlib import Path

from proctree import PROC, read_stat

_TYPE = re.compile(r"--type=(\S+)")
_UTILITY = re.compile(r"--utility-sub-type=(\S+)")


def _kind(pid: int) -> str:
    try:
        command = (PROC / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""
    found = _TYPE.search(command)
    if not command.strip():  # exiting (a zombie has no command line)
        return ""
    if found is None:
        program = command.split(" ", 1)[0]
        if program.endswith("node"):
            return "driver"
        return "browser" if "chrom" in program and "crashpad" not in program else Path(program).name
    if found.group(1) == "utility":
        sub = _UTILITY.search(command)
        return "utility:" + (sub.group(1).rsplit(".", 1)[-1] if sub else "?")
    return found.group(1)


class TreeCPU:
    """Samples the CPU of this process's threads and of its descendants (but `exclude` and
    theirs) on a thread; `seconds` by kind, counted from when the `with` started."""

    def __init__(self, interval: float = 0.5, exclude: set[int] | None = None) -> None:
        self.interval = interval
        self.exclude = exclude or set()
        self.me = os.getpid()
        self._procs: dict[int, tuple[str, float]] = {}  # pid -> (kind, CPU seconds)
        self._threads: dict[int, tuple[str, float]] = {}  # thread id -> (name, CPU seconds)
        self._start: dict[int, float] = {}  # what each thread or process had used at the start
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="treecpu", daemon=True)

    def sample(self) -> None:
        parents: dict[int, list[int]] = {}
        cpu: dict[int, float] = {}
        for entry in PROC.iterdir():
            if entry.name.isdigit():
                try:
                    parent, used = read_stat(entry / "stat")
                except (OSError, ValueError):
                    continue
                parents.setdefault(parent, []).append(int(entry.name))
                cpu[int(entry.name)] = used
        todo = [pid for pid in parents.get(self.me, []) if pid not in self.exclude]
        while todo:
            pid = todo.pop()
            todo.extend(parents.get(pid, []))
            # Read each time: a fork runs as its parent until it is renamed (a zygote's) or execs.
            kind = _kind(pid) or self._procs.get(pid, ("", 0.0))[0]
            self._procs[pid] = (kind, cpu[pid])
        names = {thread.native_id: thread.name for thread in threading.enumerate()}
        for entry in (PROC / str(self.me) / "task").iterdir():
            try:
                _, used = read_stat(entry / "stat")
            except (OSError, ValueError):
                continue
            tid = int(entry.name)
            name = self._threads.get(tid, (names.get(tid, "other"), 0.0))[0]
            if name.startswith("Thread-") or tid == self._thread.native_id:
                name = "sampler"  # the benchmark's own samplers (this one, proctree.py's)
            self._threads[tid] = (name.split(" ", 1)[0], used)

    @property
    def seconds(self) -> dict[str, float]:
        total: Counter[str] = Counter()
        for pid, (kind, used) in self._procs.items():
            total[kind] += used - self._start.get(pid, 0.0)
        for tid, (name, used) in self._threads.items():
            if name == "sampler":
                continue
            total[f"python {name}"] += used - self._start.get(-tid, 0.0)
        return dict(total.most_common())

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def __enter__(self) -> TreeCPU:
        if PROC.is_dir():
            self.sample()
            self._start = {pid: used for pid, (_, used) in self._procs.items()}
            self._start.update({-tid: used for tid, (_, used) in self._threads.items()})
            self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Stop sampling; one last reading of what is still running."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
            self.sample()
