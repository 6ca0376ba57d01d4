"""Being a polite client: at most a few requests at once per host, spaced out a little.

Shared by capture (navigations, data, media) and re-checks. Our own machine is exempt.
"""

from __future__ import annotations

import asyncio
import ipaddress
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager


def is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class HostLimiter:
    """At most `per_host` at once per host, and `delay` seconds between starts on one host.

    `clock` and `sleep` are the time the delays are kept in (tests pass a fake pair).
    """

    def __init__(
        self,
        per_host: int,
        delay: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self.per_host = max(1, per_host)
        self.delay = delay
        self.clock = clock
        self.sleep = sleep
        self._slots: dict[str, asyncio.Semaphore] = {}
        self._next_start: dict[str, float] = {}

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        if is_loopback(host):
            yield
            return
        semaphore = self._slots.setdefault(host, asyncio.Semaphore(self.per_host))
        async with semaphore:
            now = self.clock()
            start = max(now, self._next_start.get(host, 0.0))
            self._next_start[host] = start + self.delay
            await self.sleep(start - now)
            yield
