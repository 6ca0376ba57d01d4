"""Remote browsers on 127.0.0.1 for the tests and benchmarks that connect to one: a Playwright
browser server (`playwright run-server`) and a Chromium with a DevTools port, each in a process
group of its own that `stop` ends whole.

    with playwright_server(browser_path) as (endpoint, pid): ...
    with devtools_chromium(browser_path, profile_dir) as (endpoint, process): ...
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO
from urllib.parse import quote

from archiver.capture.browser import launch_args, running_as_root


def read_line(stream: IO[str], pattern: str, seconds: float = 30) -> re.Match[str]:
    """The first line of a server's output that matches `pattern` (its address)."""
    deadline = time.monotonic() + seconds
    seen: list[str] = []
    while time.monotonic() < deadline:
        line = stream.readline()
        if not line:
            break
        seen.append(line)
        found = re.search(pattern, line)
        if found:
            return found
    raise AssertionError(f"no {pattern!r} in the server's output: {''.join(seen)[-2000:]}")


def stop(process: subprocess.Popen[str]) -> None:
    """End a server and everything it started (its own process group: `python -m playwright`
    runs the server as a child, which would outlive the parent alone)."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(10)
            break
        except subprocess.TimeoutExpired:
            continue
    with suppress(ProcessLookupError):  # what is left of the group once its leader is gone
        os.killpg(process.pid, signal.SIGKILL)


@contextmanager
def devtools_chromium(browser_path: str, profile: Path) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """A headless Chromium with a DevTools port on 127.0.0.1: its http:// endpoint and process."""
    args = [
        browser_path,
        "--headless=new",
        "--remote-debugging-port=0",
        "--remote-debugging-address=127.0.0.1",
        f"--user-data-dir={profile}",
        "--no-first-run",
        "--disable-gpu",
        # As Playwright launches it: a window in the background still paints (else a screenshot
        # may wait for a frame that never comes).
        "--disable-backgrounding-occluded-windows",
        "--disable-renderer-backgrounding",
        "--disable-background-timer-throttling",
        *(["--no-sandbox"] if running_as_root() else []),
        "about:blank",
    ]
    # Its port is read from the profile's DevToolsActivePort, not from its stderr: a pipe that
    # nobody reads any more would fill and stall it.
    process = subprocess.Popen(
        args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True, start_new_session=True
    )
    try:
        active = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (active.is_file() and active.read_text().strip()):
            assert process.poll() is None and time.monotonic() < deadline, "Chromium gave no DevTools port"
            time.sleep(0.05)
        port = active.read_text().split()[0]
        yield f"http://127.0.0.1:{port}", process
    finally:
        stop(process)


@contextmanager
def playwright_server(browser_path: str) -> Iterator[tuple[str, int]]:
    """`playwright run-server` on 127.0.0.1: the URL that asks it to launch our Chromium (a
    client may name the executable only of a server started with --unsafe), and its pid."""
    process = subprocess.Popen(
        [sys.executable, "-m", "playwright", "run-server", "--host", "127.0.0.1", "--port", "0", "--unsafe"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        assert process.stdout is not None
        url = read_line(process.stdout, r"Listening on (ws://\S+)").group(1)
        launch = {
            "executablePath": browser_path,
            "headless": True,
            "chromiumSandbox": not running_as_root(),
            "args": launch_args(),  # our Chromium as we launch it (capture/browser.py), flags and all
        }
        yield f"{url}?launch-options={quote(json.dumps(launch))}", process.pid
    finally:
        stop(process)
