"""The browser's way out: a SOCKS5 proxy on loopback that every browser connection goes through.

    relay = Relay(guard)
    await relay.start()
    browser = await pw.chromium.launch(proxy=relay.proxy)   # socks5://127.0.0.1:PORT
    ...
    relay.refusal(host)                                    # why a connection to host was refused
    await relay.close()

A route handler sees a request's URL, but not the hops of a redirect (Playwright continues those
itself, unrouted) nor where Chromium's own lookup of the name then leads. Chromium sends each
connection through a SOCKS5 proxy by name (Playwright launches it with names resolved only by
the proxy, loopback included), so here every connection (a navigation, a subresource, each
redirect hop, a WebSocket) is checked by the guard: its host resolved once, every address
checked, and the connection made to the address checked (pinned). A refused one is answered
"not allowed by ruleset"; Chromium fails that request (net::ERR_SOCKS_CONNECTION_FAILED) and the
capture reads why from refusal(). Only used with no proxy of the user's: then that proxy
connects, and the route handler checks what it can (capture/capturer.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import struct

from archiver.errors import Refused
from archiver.guard import Guard, canonical_host

log = logging.getLogger(__name__)

_CONNECT_SECONDS = 30.0
_CHUNK = 64 * 1024
# SOCKS5 replies (RFC 1928)
_OK, _NOT_ALLOWED, _HOST_UNREACHABLE, _CONNECTION_REFUSED, _NOT_SUPPORTED = 0, 2, 4, 5, 7


class Relay:
    """The SOCKS5 proxy (no authentication, CONNECT only) on 127.0.0.1, for one browser."""

    def __init__(self, guard: Guard) -> None:
        self.guard = guard
        self.refused: dict[str, Refused] = {}  # canonical host -> the last refusal
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)

    @property
    def port(self) -> int:
        assert self._server is not None, "start() the relay first"
        return int(self._server.sockets[0].getsockname()[1])

    @property
    def proxy(self) -> dict[str, str]:
        """Playwright's proxy option for the browser."""
        return {"server": f"socks5://127.0.0.1:{self.port}"}

    def refusal(self, host: str) -> Refused | None:
        """Why connections to `host` were refused, if they were."""
        return self.refused.get(canonical_host(host))

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        for writer in list(self._writers):
            writer.close()
        if self._server is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 5)

    # One connection.

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        upstream: asyncio.StreamWriter | None = None
        try:
            target = await _handshake(reader, writer)
            if target is None:
                return
            host, port = target
            opened = await self._open(host, port)
            if isinstance(opened, int):
                writer.write(_reply(opened))
                return
            up_reader, upstream = opened
            self._writers.add(upstream)
            writer.write(_reply(_OK))
            await writer.drain()
            await _splice(reader, writer, up_reader, upstream)
        except (OSError, asyncio.IncompleteReadError, ValueError):
            pass  # a peer went away, or spoke no SOCKS5: nothing to relay
        except asyncio.CancelledError:
            # The relay closing, or its loop ending (a stopped run). Nobody awaits this task but
            # the stream server, which on Python 3.11 asks a cancelled task for its exception
            # and logs that as an error: so it ends here, as a connection that went away.
            pass
        finally:
            for each in (writer, upstream):
                if each is not None:
                    self._writers.discard(each)
                    each.close()

    async def _open(self, host: str, port: int) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | int:
        """A connection to host:port at an address the guard allows, or the SOCKS5 reply why not."""
        try:
            addresses = await asyncio.to_thread(self.guard.addresses, host, port)
        except Refused as exc:
            self.refused[canonical_host(host)] = exc
            log.info("%s", exc)
            return _NOT_ALLOWED
        except OSError:
            return _HOST_UNREACHABLE
        for address in addresses:
            try:
                return await asyncio.wait_for(asyncio.open_connection(address, port), _CONNECT_SECONDS)
            except (OSError, asyncio.TimeoutError):
                continue
        return _CONNECTION_REFUSED


async def _handshake(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> tuple[str, int] | None:
    """The client's greeting and CONNECT request: (host, port), or None once refused."""
    version, count = await reader.readexactly(2)
    methods = await reader.readexactly(count)
    if version != 5 or 0 not in methods:
        writer.write(b"\x05\xff")  # no acceptable method: we take no logins
        return None
    writer.write(b"\x05\x00")
    version, command, _, kind = await reader.readexactly(4)
    if kind == 1:
        host = str(ipaddress.IPv4Address(await reader.readexactly(4)))
    elif kind == 3:
        (length,) = await reader.readexactly(1)
        host = (await reader.readexactly(length)).decode("ascii")
    elif kind == 4:
        host = str(ipaddress.IPv6Address(await reader.readexactly(16)))
    else:
        writer.write(_reply(_NOT_SUPPORTED))
        return None
    (port,) = struct.unpack("!H", await reader.readexactly(2))
    if version != 5 or command != 1:  # CONNECT only: no BIND, no UDP
        writer.write(_reply(_NOT_SUPPORTED))
        return None
    return host, port


def _reply(code: int) -> bytes:
    return bytes((5, code, 0, 1)) + bytes(4) + bytes(2)  # bound address: 0.0.0.0:0


async def _splice(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    up_reader: asyncio.StreamReader,
    upstream: asyncio.StreamWriter,
) -> None:
    """Bytes both ways until both sides are done (or one fails)."""
    tasks = [
        asyncio.ensure_future(_pipe(reader, upstream)),
        asyncio.ensure_future(_pipe(up_reader, writer)),
    ]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
    while True:
        chunk = await source.read(_CHUNK)
        if not chunk:
            if sink.can_write_eof():
                sink.write_eof()
            return
        sink.write(chunk)
        await sink.drain()
