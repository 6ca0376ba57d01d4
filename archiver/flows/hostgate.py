"""Politeness per host for the re-check's HTTP client: at most `per_host` requests at once to one
host and `delay` between their starts (loopback exempt), and a host closed for as long as it
asks (a 429's or 503's Retry-After) or for a doubling while after a run of failures.

    gate = HostGate(settings.per_host, settings.host_delay)
    gate.install(client)                 # its hooks on the client's requests and responses
    async with gate.scope():             # one post's requests: HostClosed past MAX_WAIT
        await platform.fetch_data(client, post_id)

`clock` and `sleep` are injected, so tests run it on a fake clock.
"""

from __future__ import annotations

import asyncio
import contextvars
import email.utils
import logging
import time
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from datetime import timezone

import httpx

from archiver.capture.politeness import HostLimiter, is_loopback

log = logging.getLogger(__name__)

MAX_WAIT = 10.0  # seconds a check may wait for its host to open again; longer, it is deferred
DEFAULT_RETRY_AFTER = 60.0  # seconds a 429 without Retry-After closes its host
MAX_PENALTY = 300.0  # the longest a run of failures closes a host


class HostClosed(Exception):
    """The host asked us to wait (or keeps failing) for longer than a check may wait."""

    def __init__(self, host: str, seconds: float) -> None:
        super().__init__(f"{host} closed for {seconds:.0f}s more")
        self.host = host
        self.seconds = seconds


def retry_after(response: httpx.Response, now: float | None = None) -> float | None:
    """Seconds the response's Retry-After asks for (delta-seconds or an HTTP date), if any."""
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    wall = time.time() if now is None else now
    return max(when.timestamp() - wall, 0.0)


_held: contextvars.ContextVar[list[tuple[str, AbstractAsyncContextManager[None]]]] = contextvars.ContextVar(
    "recheck_held_slots"
)


class HostGate:
    """Per-host politeness for requests a platform's fetch_data makes on its own.

    Installed as the client's event hooks: before a request it takes the host's slot (the
    capture engine's HostLimiter: settings.per_host at once, settings.host_delay between
    starts) and waits while the host is closed; a 429 or a 503 with Retry-After closes the
    host for that long, a 5xx or a connection failure for a doubling while. Slots are given
    back when the response arrives, or at the end of the check (`scope`) when none did.

    With no delay between starts, a slot is the host's semaphore alone (per_host at once, our
    own machine exempt, as HostLimiter does), taken without HostLimiter's per-request context
    manager and zero-second sleep: a re-check of thousands of posts pays for each request's.
    """

    def __init__(
        self,
        per_host: int,
        delay: float,
        max_wait: float = MAX_WAIT,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self.limiter = HostLimiter(per_host, delay, clock=clock, sleep=sleep)
        self.per_host = self.limiter.per_host
        self.spaced = delay > 0  # starts spaced out: HostLimiter's slots; else _semaphore's
        self._semaphores: dict[str, asyncio.Semaphore | None] = {}  # None: a loopback host
        self.max_wait = max_wait
        self.clock = clock
        self.sleep = sleep
        self._closed_until: dict[str, float] = {}
        self._failures: dict[str, int] = {}

    def install(self, client: httpx.AsyncClient) -> None:
        hooks = client.event_hooks
        hooks.setdefault("request", []).append(self.before)
        hooks.setdefault("response", []).append(self.after)
        client.event_hooks = hooks

    def scope(self) -> AbstractAsyncContextManager[None]:
        """One check: the slots its requests take are all given back when it ends."""
        return _Scope()

    def closed_for(self, host: str) -> float:
        """Seconds until `host` opens again (0 when open)."""
        until = self._closed_until.get(host)
        return 0.0 if until is None else max(until - self.clock(), 0.0)

    def _slot(self, host: str) -> AbstractAsyncContextManager[None] | None:
        """The slot to take for a request to `host`; None when there is none to take (no delay,
        our own machine)."""
        if self.spaced:
            return self.limiter.slot(host)
        try:
            return self._semaphores[host]
        except KeyError:
            semaphore = None if is_loopback(host) else asyncio.Semaphore(self.per_host)
            return self._semaphores.setdefault(host, semaphore)

    def close(self, host: str, seconds: float) -> None:
        until = self.clock() + seconds
        if until > self._closed_until.get(host, 0.0):
            self._closed_until[host] = until
            log.info("re-check: %s closed for %.0fs", host, seconds)

    def failed(self, host: str) -> None:
        """A 5xx or a connection failure: close the host for 1, 2, 4... seconds (capped)."""
        n = self._failures.get(host, 0) + 1
        self._failures[host] = n
        self.close(host, min(2.0 ** (n - 1), MAX_PENALTY))

    async def before(self, request: httpx.Request) -> None:
        host = request.url.host
        while True:
            wait = self.closed_for(host)
            if wait > self.max_wait:
                raise HostClosed(host, wait)
            if wait:
                await self.sleep(wait)
            slot = self._slot(host)
            if slot is None:
                return
            await slot.__aenter__()
            if not self.closed_for(host):  # the host may have closed while we waited for the slot
                break
            await slot.__aexit__(None, None, None)
        held = _held.get(None)
        if held is None:  # a request outside any scope: give the slot back at once
            await slot.__aexit__(None, None, None)
        else:
            held.append((host, slot))

    async def after(self, response: httpx.Response) -> None:
        host = response.request.url.host
        held = _held.get([])
        for i, (held_host, slot) in enumerate(held):
            if held_host == host:
                del held[i]
                await slot.__aexit__(None, None, None)
                break
        status = response.status_code
        asked = retry_after(response) if status in (429, 503) else None
        if status == 429 or (status == 503 and asked is not None):
            self.close(host, asked if asked is not None else DEFAULT_RETRY_AFTER)
        elif status >= 500:
            self.failed(host)
        elif status < 400 and self._failures:
            self._failures.pop(host, None)


class _Scope:
    """HostGate.scope: the check's list of held slots, in the context its requests' hooks run in."""

    async def __aenter__(self) -> None:
        self.held: list[tuple[str, AbstractAsyncContextManager[None]]] = []
        self.token = _held.set(self.held)

    async def __aexit__(self, *exc: object) -> None:
        _held.reset(self.token)
        while self.held:
            await self.held.pop()[1].__aexit__(None, None, None)
