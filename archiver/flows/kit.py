"""The I/O every flow shares, built in one place: HTTP clients and the browser.

    async with Kit(settings, network) as kit:
        with kit.client() as client: ...          # a synchronous client (article fetches)
        capturer = await kit.capturer()            # the one browser, launched when first needed

`Network` is what the kit talks to: the real network (the default) or whatever the caller plugs
in, such as the offline world of the demo and the tests (the CLI's `--offline`). The flows never
know which: they take a kit.
"""

from __future__ import annotations

from contextlib import AsyncExitStack
from dataclasses import dataclass
from types import TracebackType

import httpx

from archiver import fetch
from archiver.capture.capturer import Capturer, RouteInstaller
from archiver.settings import Settings


@dataclass(frozen=True)
class Network:
    """One httpx transport serving the sync and the async client alike (a MockTransport such as
    the offline world's; None: the real network, through the settings' proxy) and a route
    installer for every browser context (None: the real web)."""

    transport: httpx.MockTransport | None = None
    install_routes: RouteInstaller | None = None


class Kit:
    """Settings and Network, and what is built from them: HTTP clients on demand, one Capturer
    (one browser and the async client it fetches data and media with) once something needs it."""

    def __init__(self, settings: Settings, network: Network | None = None) -> None:
        self.settings = settings
        self.network = network or Network()
        self._stack = AsyncExitStack()
        self._capturer: Capturer | None = None

    async def __aenter__(self) -> Kit:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._capturer = None
        await self._stack.aclose()

    def client(self) -> httpx.Client:
        """A new synchronous client; the caller closes it (`with kit.client() as client:`)."""
        return fetch.make_client(self.settings, transport=self.network.transport)

    def async_client(self) -> httpx.AsyncClient:
        """A new asynchronous client; the caller closes it."""
        return fetch.make_async_client(self.settings, transport=self.network.transport)

    async def capturer(self) -> Capturer:
        """The one Capturer, its browser launched on the first call and closed with the kit."""
        if self._capturer is None:
            client = await self._stack.enter_async_context(self.async_client())
            self._capturer = await self._stack.enter_async_context(
                Capturer(
                    self.settings,
                    client,
                    install_routes=self.network.install_routes,
                    spool_dir=self.settings.home,
                )
            )
        return self._capturer
