"""One remote browser endpoint as the Capturer keeps it (Remote), and whether an endpoint is on
this machine (so its browser reaches the guard's relay on 127.0.0.1).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from archiver.capture.browser import FoundBrowser, endpoint_label
from archiver.guard import literal_address

if TYPE_CHECKING:
    from playwright.async_api import Browser


@dataclass
class Remote:
    """One remote browser endpoint: its browser while connected, its captures under way."""

    endpoint: str
    concurrency: int
    browser: Browser | None = None
    found: FoundBrowser | None = None
    busy: int = 0  # captures that picked it and have not finished (waiting for a page included)
    used: int = 0  # captures it was given, to take turns when as busy as another
    out: bool = False  # taken out of rotation: it could not be reached
    why: str = ""
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    pool: asyncio.Semaphore = field(init=False)

    def __post_init__(self) -> None:
        self.pool = asyncio.Semaphore(self.concurrency)

    @property
    def label(self) -> str:
        return self.found.path if self.found is not None else endpoint_label(self.endpoint)


def on_this_machine(endpoint: str) -> bool:
    """Whether a browser endpoint's host is this machine's loopback (so it reaches the relay)."""
    host = urlsplit(endpoint).hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = literal_address(host)
    except ValueError:
        return False
    return address is not None and address.is_loopback
