"""The browser's relay (capture/relay.py) spoken to as Chromium does: SOCKS5, CONNECT by name or
address. What it refuses never reaches the target; what it allows is relayed byte for byte."""

from __future__ import annotations

import asyncio
import struct

import pytest
from loopback import LocalSite

from archiver.capture.relay import Relay
from archiver.guard import Guard


async def _connect(
    relay: Relay, host: str, port: int
) -> tuple[int, asyncio.StreamReader, asyncio.StreamWriter]:
    """A SOCKS5 CONNECT through the relay: (reply code, the open stream)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", relay.port)
    writer.write(b"\x05\x01\x00")
    assert await reader.readexactly(2) == b"\x05\x00"
    name = host.encode()
    writer.write(b"\x05\x01\x00\x03" + bytes([len(name)]) + name + struct.pack("!H", port))
    reply = await reader.readexactly(10)
    return reply[1], reader, writer


def test_refused_connections_never_reach_their_target_and_say_why(local_site: LocalSite) -> None:
    guard = Guard(resolver=lambda host, port: ["10.9.8.7"] if host == "intranet.test" else [])

    async def run() -> list[int]:
        relay = Relay(guard)
        await relay.start()
        try:
            codes = []
            for host in ("127.0.0.1", "2130706433", "localhost", "intranet.test"):
                code, _, writer = await _connect(relay, host, local_site.port)
                writer.close()
                codes.append(code)
            assert str(relay.refusal("intranet.test")) == (
                f"refused: intranet.test:{local_site.port} resolves to a private address (10.9.8.7); "
                "--allow-private-network allows it"
            )
            assert relay.refusal("127.0.0.1") is not None and relay.refusal("example.com") is None
            return codes
        finally:
            await relay.close()

    assert asyncio.run(run()) == [2, 2, 2, 2]  # "connection not allowed by ruleset"
    assert local_site.connections == 0


def test_allowed_connections_are_relayed(local_site: LocalSite) -> None:
    local_site.add("/page", "relayed")
    guard = Guard(trusted_hosts=frozenset({"127.0.0.1"}))  # a source the user named, say

    async def run() -> bytes:
        relay = Relay(guard)
        await relay.start()
        try:
            code, reader, writer = await _connect(relay, "127.0.0.1", local_site.port)
            assert code == 0
            writer.write(b"GET /page HTTP/1.1\r\nHost: site.test\r\nConnection: close\r\n\r\n")
            answer = await reader.read()
            writer.close()
            return answer
        finally:
            await relay.close()

    answer = asyncio.run(run())
    assert answer.startswith(b"HTTP/1.0 200") or answer.startswith(b"HTTP/1.1 200")
    assert answer.endswith(b"relayed")
    assert local_site.requests == [("GET", "/page", "site.test")]


def test_a_connection_cut_short_when_its_loop_ends_logs_no_error(caplog: pytest.LogCaptureFixture) -> None:
    # A run stopped (Ctrl-C) while the browser has a connection open: the loop's end cancels the
    # relay's task for it. Python 3.11's stream server then logged "Exception in callback"
    # (it asked a cancelled task for its exception); the relay's task ends quietly instead.
    async def main() -> None:
        relay = Relay(Guard(allow_private=True))
        await relay.start()
        _reader, writer = await asyncio.open_connection("127.0.0.1", relay.port)
        writer.write(b"\x05")  # half a greeting: the relay waits for the rest
        await writer.drain()
        await asyncio.sleep(0.1)  # then the loop ends, with the relay's task still waiting

    caplog.set_level("ERROR", logger="asyncio")
    asyncio.run(main())
    assert [record.getMessage() for record in caplog.records if record.name == "asyncio"] == []
