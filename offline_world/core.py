"""The offline world's engine: one table of routes answering both the HTTP client and the browser."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

import httpx

from archiver.capture.politeness import is_loopback

if TYPE_CHECKING:
    from playwright.async_api import BrowserContext, Route

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Request:
    """One request as the world sees it, from either client."""

    method: str
    url: str
    headers: Mapping[str, str]
    body: bytes = b""
    client: str = "http"  # "http" (httpx) or "browser" (Playwright)

    @property
    def host(self) -> str:
        return (urlsplit(self.url).hostname or "").lower()

    @property
    def path(self) -> str:
        return urlsplit(self.url).path or "/"

    @property
    def query(self) -> dict[str, str]:
        return dict(parse_qsl(urlsplit(self.url).query, keep_blank_values=True))


@dataclass(frozen=True)
class Response:
    status: int = 200
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()

    @classmethod
    def make(cls, body: bytes | str, content_type: str, status: int = 200, **headers: str) -> Response:
        data = body.encode() if isinstance(body, str) else body
        pairs = [("content-type", content_type), *((k.replace("_", "-"), v) for k, v in headers.items())]
        return cls(status, data, tuple(pairs))

    @classmethod
    def json(cls, value: Any, status: int = 200) -> Response:
        body = json.dumps(value, ensure_ascii=False).encode()
        return cls.make(body, "application/json;charset=utf-8", status, access_control_allow_origin="*")

    @classmethod
    def html(cls, text: str, status: int = 200) -> Response:
        return cls.make(text, "text/html; charset=utf-8", status)

    @classmethod
    def redirect(cls, location: str, status: int = 301) -> Response:
        return cls(status, b"", (("location", location), ("content-type", "text/html; charset=utf-8")))

    @classmethod
    def not_found(cls) -> Response:
        return cls.make("Not Found", "text/plain; charset=utf-8", 404)

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None


class _Outcome:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


HANG = _Outcome("HANG")  # the server never answers
DISCONNECTED = _Outcome("DISCONNECTED")  # no route to the host: the network is dead there
PASS = _Outcome("PASS")  # loopback: let it through to the real network

Outcome = Response | _Outcome
# A handler answers a request; None means "not mine" (the next route is asked).
Handler = Callable[[Request], "Outcome | None"]


def _without_fragment(url: str) -> str:
    return url.split("#", 1)[0]


class World:
    """A fixture table for real hostnames. See the package docstring for how to use it."""

    def __init__(self, *, hang_seconds: float = 60.0) -> None:
        self.hang_seconds = hang_seconds
        self.requests: list[Request] = []
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self._exact: dict[str, Handler] = {}
        self._lock = threading.Lock()

    # Building the table.

    def route(self, host: str, path: str, handler: Handler) -> None:
        """Answer requests to `host` whose path fully matches the regex `path` (newest route first)."""
        self._routes.append((host.lower(), re.compile(path), handler))

    def add(self, url: str, answer: Response | Handler) -> None:
        """Answer exactly `url` (a URL without query also answers any query) ahead of every route."""
        if isinstance(answer, Response):
            fixed = answer
            self._exact[_without_fragment(url)] = lambda _r: fixed
        else:
            self._exact[_without_fragment(url)] = answer

    def hang(self, url: str) -> None:
        """Make `url` hang: the client sees no answer until its own timeout."""
        self._exact[_without_fragment(url)] = lambda _r: HANG

    def disconnect(self, url: str) -> None:
        """Make `url` fail like an unreachable host."""
        self._exact[_without_fragment(url)] = lambda _r: DISCONNECTED

    @property
    def hosts(self) -> set[str]:
        return {host for host, _, _ in self._routes} | {
            (urlsplit(url).hostname or "").lower() for url in self._exact
        }

    # Answering.

    def handle(self, request: Request) -> Outcome:
        with self._lock:
            self.requests.append(request)
        if is_loopback(request.host):
            return PASS
        url = _without_fragment(request.url)
        for key in (url, url.split("?", 1)[0]):
            exact = self._exact.get(key)
            if exact is not None:
                answer = exact(request)
                if answer is not None:
                    return answer
        host_known = False
        for host, pattern, handler in reversed(self._routes):
            if host != request.host:
                continue
            host_known = True
            if pattern.fullmatch(request.path):
                answer = handler(request)
                if answer is not None:
                    return answer
        return Response.not_found() if host_known else DISCONNECTED

    def count(self, contains: str = "", *, host: str | None = None, client: str | None = None) -> int:
        """How many requests the world has seen whose URL contains `contains` (and host/client match)."""
        return sum(
            1
            for r in list(self.requests)
            if contains in r.url
            and (host is None or r.host == host)
            and (client is None or r.client == client)
        )

    # The two clients.

    def transport(self) -> WorldTransport:
        """An httpx transport (sync and async) answering from this world."""
        return WorldTransport(self)

    async def install(self, context: BrowserContext) -> None:
        """Route every request of a Playwright browser context through this world."""
        await context.route("**/*", self._on_route)

    async def _on_route(self, route: Route) -> None:
        from playwright.async_api import Error as PlaywrightError

        req = route.request
        outcome = self.handle(
            Request(req.method, req.url, req.headers, req.post_data_buffer or b"", client="browser")
        )
        try:
            if outcome is PASS:
                await route.fallback()
            elif outcome is DISCONNECTED:
                await route.abort("internetdisconnected")
            elif outcome is HANG:
                await asyncio.sleep(self.hang_seconds)
                await route.abort("timedout")
            elif isinstance(outcome, Response):
                await route.fulfill(status=outcome.status, headers=dict(outcome.headers), body=outcome.body)
        except PlaywrightError as exc:  # the page or context went away meanwhile
            log.debug("offline world: %s: %s", req.url, exc)


class WorldTransport(httpx.MockTransport):
    """httpx transport over a World: fixtures for known hosts, ConnectError for the rest.

    Works for both httpx.Client and httpx.AsyncClient. Loopback URLs go to the real network. A
    hanging URL waits for the request's own read timeout (or the world's hang_seconds) and then
    raises httpx.ReadTimeout, as a silent server would.
    """

    def __init__(self, world: World) -> None:
        super().__init__(self._unused)
        self.world = world
        self._real: httpx.HTTPTransport | None = None
        self._real_async: httpx.AsyncHTTPTransport | None = None

    @staticmethod
    def _unused(request: httpx.Request) -> httpx.Response:  # pragma: no cover - never called
        raise AssertionError("WorldTransport answers through handle_request")

    def _ask(self, request: httpx.Request, body: bytes) -> Outcome:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in request.headers.raw}
        return self.world.handle(Request(request.method, str(request.url), headers, body, client="http"))

    def _hang_seconds(self, request: httpx.Request) -> float:
        timeout = (request.extensions.get("timeout") or {}).get("read")
        return self.world.hang_seconds if timeout is None else min(float(timeout), self.world.hang_seconds)

    def _answer(self, outcome: Outcome, request: httpx.Request) -> httpx.Response:
        if outcome is DISCONNECTED:
            raise httpx.ConnectError(f"offline world: no route to {request.url.host}", request=request)
        if outcome is HANG:
            raise httpx.ReadTimeout(f"offline world: {request.url} never answered", request=request)
        assert isinstance(outcome, Response)
        return httpx.Response(
            outcome.status, headers=list(outcome.headers), content=outcome.body, request=request
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        outcome = self._ask(request, request.read())
        if outcome is PASS:
            if self._real is None:
                self._real = httpx.HTTPTransport()
            return self._real.handle_request(request)
        if outcome is HANG:
            time.sleep(self._hang_seconds(request))
        return self._answer(outcome, request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        outcome = self._ask(request, await request.aread())
        if outcome is PASS:
            if self._real_async is None:
                self._real_async = httpx.AsyncHTTPTransport()
            return await self._real_async.handle_async_request(request)
        if outcome is HANG:
            await asyncio.sleep(self._hang_seconds(request))
        return self._answer(outcome, request)

    def close(self) -> None:
        if self._real is not None:
            self._real.close()

    async def aclose(self) -> None:
        if self._real_async is not None:
            await self._real_async.aclose()
