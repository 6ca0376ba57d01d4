"""Downloading a post's media: streamed to a file, hashed on the way, stopped at a size cap;
into a spool folder of the run's own (spool_folder)."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import socket
import tempfile
from dataclasses import dataclass
from pathlib import Path

import httpx

from archiver.errors import CaptureError
from archiver.fetch import STREAMED
from storage.leftovers import SPOOL_PREFIX  # the name verify --repair looks for


class MediaTooLarge(CaptureError):
    """The file is larger than the cap: skipped, not a failure of the capture."""

    def __init__(self, url: str, limit: int, size: int | None = None) -> None:
        seen = f"{size} bytes" if size is not None else f"more than {limit} bytes"
        super().__init__(f"media {url}: {seen}, over the {limit}-byte cap")
        self.url = url
        self.limit = limit
        self.size = size


@dataclass(frozen=True)
class Download:
    url: str
    final_url: str
    path: Path
    mime: str
    size: int
    sha256: str


async def download(client: httpx.AsyncClient, url: str, max_bytes: int, folder: Path) -> Download:
    """Stream `url` into a new file under `folder`. MediaTooLarge past `max_bytes` (nothing kept);
    CaptureError for an answer that is not 200; httpx errors propagate (the caller may retry).
    """
    fd, name = tempfile.mkstemp(prefix="media-", dir=folder)
    path = Path(name)
    digest = hashlib.sha256()
    size = 0
    try:
        with os.fdopen(fd, "wb") as out:
            streamed = {STREAMED: True}  # capped here, as it comes: the client leaves it to us
            async with client.stream("GET", url, follow_redirects=True, extensions=streamed) as response:
                if response.status_code != 200:
                    raise CaptureError(f"media {url}: HTTP {response.status_code}")
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > max_bytes:
                    raise MediaTooLarge(url, max_bytes, int(declared))
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > max_bytes:
                        raise MediaTooLarge(url, max_bytes)
                    digest.update(chunk)
                    out.write(chunk)
                mime = response.headers.get("content-type", "application/octet-stream").split(";")[0].strip()
                final_url = str(response.url)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return Download(url, final_url, path, mime, size, digest.hexdigest())


def spool_folder(parent: Path | None = None) -> Path:
    """A new folder for this process's downloads under `parent` (else the system temp folder),
    named after this machine and process; the caller removes it when done. Spool folders in
    `parent` that processes since killed left behind are removed first."""
    machine = SPOOL_PREFIX + re.sub(r"[^\w.-]", "_", socket.gethostname()) + "-"
    for left in parent.glob(machine + "*") if parent is not None else ():
        pid, sep, _ = left.name[len(machine) :].partition("-")
        if sep and pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(left, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=f"{machine}{os.getpid()}-", dir=parent))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True
