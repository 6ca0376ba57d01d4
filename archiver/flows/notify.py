"""--notify-command: tell another program what a run noticed.

The command runs through the shell once per event, with the event as one JSON object on its
standard input, in its own process group so that a timeout can stop it and whatever it started.
Its output is logged, not printed. A command that fails or times out is reported (one line)
and never stops the run: the event is in the archive either way. Nor does a daemon it leaves
behind holding its output: the run stops listening and goes on.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import subprocess
from collections.abc import Mapping
from typing import Any

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 30.0
LEFTOVER_WAIT = 2.0  # seconds to read what a timed-out command's killed group left in its pipes


def notify(command: str, event: Mapping[str, Any], *, timeout: float = DEFAULT_TIMEOUT) -> str | None:
    """Run `command` with `event` as JSON on stdin; None when it exited 0, else why not (one line)."""
    payload = json.dumps(dict(event), ensure_ascii=False, sort_keys=True).encode() + b"\n"
    try:
        process = subprocess.Popen(
            command,
            shell=True,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
    except OSError as exc:
        return f"notify command could not start: {exc.strerror or exc}"
    try:
        out, err = process.communicate(payload, timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        try:
            process.communicate(timeout=LEFTOVER_WAIT)
        except subprocess.TimeoutExpired:  # something it started left its group, holding its output
            _abandon(process)
        return f"notify command timed out after {timeout:g}s"
    if out.strip():
        log.info("notify command said: %s", out.decode(errors="replace").strip())
    if process.returncode != 0:
        last = err.decode(errors="replace").strip().splitlines()[-1:] or [""]
        why = (
            f"killed by signal {-process.returncode}"
            if process.returncode < 0
            else f"exit {process.returncode}"
        )
        return f"notify command failed ({why})" + (f": {last[0]}" if last[0] else "")
    return None


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def _abandon(process: subprocess.Popen[bytes]) -> None:
    """Stop reading from a command whose group is dead but whose output a runaway still holds
    (a daemon it started): reap the command, close our ends, let the runaway be."""
    process.wait()
    for pipe in (process.stdin, process.stdout, process.stderr):
        if pipe is not None:
            with contextlib.suppress(OSError):
                pipe.close()
