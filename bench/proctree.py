"""Peak memory of the browser's process tree, sampled from /proc while a benchmark runs (Linux only).

    with TreeMemory() as memory:
        ...  # launch Playwright and its browser, do the work
    memory.peak_rss, memory.peak_pss   # bytes, or None where /proc cannot be read

The tree is every process below this one's children: Playwright's driver (node) is our child,
the browser its child, and the browser's renderers, GPU and utility processes below that. The
driver itself is left out. RSS summed over the tree counts shared pages (libraries, shared
memory) once per process, so it overstates; PSS (from smaps_rollup) splits each shared page
among the processes sharing it, so its sum is the tree's real share of memory.

RSS is cheap to read (statm) and sampled every `interval`. PSS is not: the kernel walks every
mapping of every process, some 70 ms of CPU for a browser with four pages, which on two cores
would slow down what is being measured. So PSS is read when the RSS sum reaches a new peak, at
most once every `pss_every` seconds; a peak reached while PSS may not be read yet is read as
soon as it may (else a run whose RSS peaks within its first seconds would report the PSS of
its first sample, a browser with no page). Its peak is the PSS near the RSS peaks.

The same thread notes the 1-minute load average every second (`loads`): a run on a busy machine
says how busy it was while it ran, not only when it ended.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from types import TracebackType

PAGE = os.sysconf("SC_PAGE_SIZE")
PROC = Path("/proc")
TICK = os.sysconf("SC_CLK_TCK")


def read_stat(path: Path) -> tuple[int, float]:
    """(parent pid, CPU seconds used) from a /proc stat file (a process's or a thread's)."""
    text = path.read_text()
    # The command name (field 2) is in parentheses and may hold spaces: read after its end.
    fields = text[text.rindex(")") + 2 :].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK


def _parents() -> dict[int, int]:
    """pid -> parent pid for every process we can see."""
    parents = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parents[int(entry.name)] = read_stat(entry / "stat")[0]
        except OSError:  # it exited meanwhile
            continue
    return parents


def browser_tree(root: int) -> list[int]:
    """The processes two or more levels below `root` (below its direct children)."""
    children: dict[int, list[int]] = {}
    for pid, parent in _parents().items():
        children.setdefault(parent, []).append(pid)
    tree, todo = (
        [],
        [grandchild for child in children.get(root, []) for grandchild in children.get(child, [])],
    )
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def rss(pid: int) -> int:
    try:
        return int((PROC / str(pid) / "statm").read_text().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


def pss(pid: int) -> int | None:
    try:
        text = (PROC / str(pid) / "smaps_rollup").read_text()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) * 1024
    return None


class TreeMemory:
    """Samples the tree's summed RSS (and, at its peaks, PSS) on a thread; keeps the peaks."""

    def __init__(self, interval: float = 0.2, pss_every: float = 2.0, root: int | None = None) -> None:
        self.interval = interval
        self.pss_every = pss_every
        self._next_pss = 0.0
        self._pss_due = False  # an RSS peak whose PSS is not read yet
        self._next_load = 0.0
        self.loads: list[float] = []  # the 1-minute load average, once a second
        self.root = os.getpid() if root is None else root
        self.peak_rss: int | None = None
        self.peak_pss: int | None = None
        self.peak_processes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def sample(self) -> None:
        if time.monotonic() >= self._next_load:
            self._next_load = time.monotonic() + 1.0
            self.loads.append(os.getloadavg()[0])
        tree = browser_tree(self.root)
        if not tree:
            return
        self.peak_processes = max(self.peak_processes, len(tree))
        total = sum(rss(pid) for pid in tree)
        if total >= (self.peak_rss or 0):
            self.peak_rss = total
            self._pss_due = True
        if not self._pss_due or time.monotonic() < self._next_pss:
            return
        self._pss_due = False
        self._next_pss = time.monotonic() + self.pss_every
        # A process that exits while the tree is read (a closed page's) holds nothing any more.
        shares = [share for share in map(pss, tree) if share is not None]
        if shares:
            self.peak_pss = max(self.peak_pss or 0, sum(shares))
        else:
            self._pss_due = True

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def __enter__(self) -> TreeMemory:
        self.loads.append(os.getloadavg()[0])
        self._next_load = time.monotonic() + 1.0
        if PROC.is_dir():
            self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
        self.loads.append(os.getloadavg()[0])
