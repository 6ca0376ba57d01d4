"""The I/O every flow shares, built in one place: HTTP clients and the browser.

    async with Kit(settings, network, sources=urls) as kit:
        with kit.client() as client: ...          # a synchronous client (article fetches)
        capturer = await kit.capturer()            # the one browser, launched when first needed

`Network` is what the kit talks to: the real network (the default) or whatever the caller plugs
in, such as the offline world of the demo and the tests (the CLI's `--offline`). The flows never
know which: they take a kit.

The kit's one network guard (guard.py) stands in front of all of it, the clients and the
browser: `sources` are what the user named (command line, --from-file, watched URLs), whose
hosts it trusts; every other URL came from fetched content and is checked.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from types import TracebackType

import httpx

from archiver import fetch
from archiver.capture.capturer import Capturer, RouteInstaller
from archiver.capture.video import VideoFetcher, YtDlpFetcher
from archiver.guard import Guard
from archiver.settings import Settings


@dataclass(frozen=True)
class Network:
    """One httpx transport serving the sync and the async client alike (a MockTransport such as
    the offline world's; None: the real network, through the settings' proxy) and a route
    installer for every browser context (None: the real web); what fetches posts' video
    (capture/video.py; None: yt-dlp on the real network, none at all in a stand-in world)."""

    transport: httpx.MockTransport | None = None
    install_routes: RouteInstaller | None = None
    video: VideoFetcher | None = None

    def video_fetcher(self) -> VideoFetcher | None:
        if self.video is not None:
            return self.video
        return YtDlpFetcher() if self.transport is None and self.install_routes is None else None


class Kit:
    """Settings and Network, and what is built from them: the guard, HTTP clients on demand, one
    Capturer (one browser and the async client it fetches data and media with) once something
    needs it."""

    def __init__(
        self, settings: Settings, network: Network | None = None, *, sources: Iterable[str] = ()
    ) -> None:
        self.settings = settings
        self.network = network or Network()
        self.sources = frozenset(sources)
        self.guard = Guard.for_settings(settings, self.sources)
        self._stack = AsyncExitStack()
        self._capturer: Capturer | None = None

    async def __aenter__(self) -> Kit:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._capturer = None
        await self._stack.aclose()

    def named(self, source: str) -> bool:
        """Whether the user named `source` (it may then be a file or standard input)."""
        return source in self.sources

    def client(self) -> httpx.Client:
        """A new synchronous client; the caller closes it (`with kit.client() as client:`)."""
        return fetch.make_client(self.settings, transport=self.network.transport, guard=self.guard)

    def async_client(self) -> httpx.AsyncClient:
        """A new asynchronous client; the caller closes it."""
        return fetch.make_async_client(self.settings, transport=self.network.transport, guard=self.guard)

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
                    guard=self.guard,
                    video=self.network.video_fetcher(),
                )
            )
        return self._capturer
