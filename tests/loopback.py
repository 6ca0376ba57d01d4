"""Servers on 127.0.0.1 for tests: a small website and a forwarding proxy that counts its traffic.

LocalSite serves fixed responses, and counts the connections it accepts and the requests it
reads. LoopbackProxy speaks plain HTTP forwarding, CONNECT tunnels and SOCKS5 on one port, and
resolves only the names in its `hosts` table (plus loopback addresses): anything else is
refused, so nothing a test sends through it can leave the machine. DialLog and AsyncDialLog are
httpcore network backends that send every connection to one loopback port and log what they
were asked to dial (for the network guard's pinning).
"""

from __future__ import annotations

import base64
import http.server
import ipaddress
import select
import socket
import socketserver
import ssl
import struct
import sys
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpcore

S = TypeVar("S", bound="_Served")


@dataclass
class Response:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


class _Served:
    """A socketserver run on a background thread while used as a context manager."""

    server: socketserver.TCPServer

    def __enter__(self: S) -> S:
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


class LocalSite(_Served):
    """A threaded http.server on loopback (HTTPS when given a certificate and key)."""

    def __init__(self, cert: tuple[str, str] | None = None) -> None:
        self.routes: dict[str, Response] = {}
        self.requests: list[tuple[str, str, str]] = []  # (method, path, Host header)
        self.connections = 0  # accepted, whether or not a request followed
        site = self

        class Server(http.server.ThreadingHTTPServer):
            def verify_request(self, request: Any, client_address: Any) -> bool:
                site.connections += 1
                return True

            def handle_error(self, request: Any, client_address: Any) -> None:
                # A client that hangs up before the whole answer is sent (a 404 it will not
                # read) is no error of the site's; its traceback would land in the stderr a
                # CliRunner test reads.
                if not isinstance(sys.exc_info()[1], ConnectionError):
                    super().handle_error(request, client_address)

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                site.requests.append(("GET", self.path, self.headers.get("Host", "")))
                response = site.routes.get(self.path) or Response(b"not here", "text/plain", 404)
                self.send_response(response.status)
                self.send_header("Content-Type", response.content_type)
                self.send_header("Content-Length", str(len(response.body)))
                for name, value in response.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(response.body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.scheme = "http"
        if cert is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*cert)
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
            self.scheme = "https"
        self.port = self.server.server_address[1]
        self.url = f"{self.scheme}://127.0.0.1:{self.port}"

    def add(
        self, path: str, body: bytes | str, content_type: str = "text/html; charset=utf-8", **kw: Any
    ) -> str:
        self.routes[path] = Response(body.encode() if isinstance(body, str) else body, content_type, **kw)
        return self.url + path


class LoopbackProxy(_Served):
    """HTTP forwarding, CONNECT and SOCKS5 on one loopback port, logging what it carried.

    `log` gets one line per request: "GET http://target.test/page", "CONNECT target.test:443",
    "SOCKS5 target.test:80"; `refused` the destinations it would not reach.
    """

    def __init__(self, hosts: dict[str, tuple[str, int]] | None = None) -> None:
        self.hosts: dict[str, tuple[str, int]] = dict(hosts or {})
        self.auth: tuple[str, str] | None = None  # when set, HTTP clients must log in (Basic)
        self.log: list[str] = []
        self.refused: list[str] = []
        proxy = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                proxy._handle(self.request)

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler, bind_and_activate=False)
        self.server.daemon_threads = True
        self.server.allow_reuse_address = True
        self.server.server_bind()
        self.server.server_activate()
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.socks_url = f"socks5://127.0.0.1:{self.port}"

    # -- where a name goes

    def _resolve(self, host: str, port: int) -> tuple[str, int] | None:
        if host in self.hosts:
            return self.hosts[host]
        try:
            if ipaddress.ip_address(host.strip("[]")).is_loopback:
                return host.strip("[]"), port
        except ValueError:
            pass
        self.refused.append(f"{host}:{port}")
        return None

    def _connect(self, host: str, port: int) -> socket.socket | None:
        target = self._resolve(host, port)
        if target is None:
            return None
        try:
            return socket.create_connection(target, timeout=10)
        except OSError:
            self.refused.append(f"{host}:{port}")
            return None

    # -- the protocols

    def _handle(self, client: socket.socket) -> None:
        client.settimeout(10)
        first = client.recv(1, socket.MSG_PEEK)
        if first == b"\x05":
            self._socks5(client)
        elif first:
            self._http(client)

    def _http(self, client: socket.socket) -> None:
        head = b""
        while b"\r\n\r\n" not in head:
            data = client.recv(65536)
            if not data:
                return
            head += data
        head, rest = head.split(b"\r\n\r\n", 1)
        request_line, *header_lines = head.decode("latin-1").split("\r\n")
        method, target, version = request_line.split(" ", 2)
        if self.auth is not None:
            expected = "Basic " + base64.b64encode(":".join(self.auth).encode()).decode()
            given = [
                line.split(":", 1)[1].strip() for line in header_lines if _name(line) == "proxy-authorization"
            ]
            if given != [expected]:
                self.log.append(f"407 {method} {target}")
                client.sendall(
                    b"HTTP/1.1 407 Proxy Authentication Required\r\n"
                    b'Proxy-Authenticate: Basic realm="test"\r\n'
                    b"Content-Length: 0\r\nConnection: close\r\n\r\n"
                )
                return
        if method == "CONNECT":
            host, _, port = target.rpartition(":")
            self.log.append(f"CONNECT {target}")
            upstream = self._connect(host, int(port))
            if upstream is None:
                client.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
                return
            client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            if rest:
                upstream.sendall(rest)
            _pipe(client, upstream)
            return
        self.log.append(f"{method} {target}")
        if not target.startswith("http://"):
            client.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
            return
        hostport, _, path = target[len("http://") :].partition("/")
        host, _, port = hostport.partition(":")
        upstream = self._connect(host, int(port or 80))
        if upstream is None:
            client.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return
        kept = [
            line
            for line in header_lines
            if _name(line) not in ("proxy-connection", "proxy-authorization", "connection", "keep-alive")
        ]
        upstream.sendall(
            f"{method} /{path} {version}\r\n".encode("latin-1")
            + "\r\n".join([*kept, "Connection: close"]).encode("latin-1")
            + b"\r\n\r\n"
            + rest
        )
        _pipe(client, upstream)

    def _socks5(self, client: socket.socket) -> None:
        _, count = _recv_exact(client, 2)
        methods = _recv_exact(client, count)
        if 0 not in methods:  # we only offer "no authentication"
            client.sendall(b"\x05\xff")
            return
        client.sendall(b"\x05\x00")
        _, command, _, kind = _recv_exact(client, 4)
        if kind == 1:
            host = socket.inet_ntoa(_recv_exact(client, 4))
        elif kind == 3:
            host = _recv_exact(client, _recv_exact(client, 1)[0]).decode("idna")
        elif kind == 4:
            host = socket.inet_ntop(socket.AF_INET6, _recv_exact(client, 16))
        else:
            return
        (port,) = struct.unpack(">H", _recv_exact(client, 2))
        self.log.append(f"SOCKS5 {host}:{port}")
        upstream = self._connect(host, port) if command == 1 else None
        if upstream is None:
            client.sendall(b"\x05\x04\x00\x01\x00\x00\x00\x00\x00\x00")  # host unreachable
            return
        client.sendall(b"\x05\x00\x00\x01\x00\x00\x00\x00\x00\x00")
        _pipe(client, upstream)


def _name(header_line: str) -> str:
    return header_line.split(":", 1)[0].strip().lower()


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionError("peer closed")
        data += chunk
    return data


def _pipe(a: socket.socket, b: socket.socket) -> None:
    """Copy bytes both ways until either side closes."""
    try:
        while True:
            readable, _, _ = select.select([a, b], [], [], 10)
            if not readable:
                return
            for sock in readable:
                data = sock.recv(65536)
                if not data:
                    return
                (b if sock is a else a).sendall(data)
    except OSError:
        return
    finally:
        b.close()


class DialLog(httpcore.NetworkBackend):
    """Connects every connection to 127.0.0.1:`port`; `dialed` lists the (host, port) asked for."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.dialed: list[tuple[str, int]] = []
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        self.dialed.append((host, port))
        return self._inner.connect_tcp("127.0.0.1", self.port, timeout, local_address, socket_options)


class AsyncDialLog(httpcore.AsyncNetworkBackend):
    """DialLog for the async client."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.dialed: list[tuple[str, int]] = []
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        self.dialed.append((host, port))
        return await self._inner.connect_tcp("127.0.0.1", self.port, timeout, local_address, socket_options)

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)
