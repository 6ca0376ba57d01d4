"""The network guard: what a URL that came from fetched content may reach.

embed-archiver fetches what third-party pages name: embeds, short links, data and media URLs,
feed entries, everything a rendered post loads. None of it may reach this machine or the
networks behind it: loopback, private (RFC 1918), link-local (the cloud metadata address among
them), shared CGNAT space (100.64/10), unspecified, multicast, reserved, IPv6 unique-local and
link-local, and the IPv4-mapped, 6to4 and NAT64 forms of these, however the host is spelled
(decimal, hex, octal, short forms: read the way a browser reads them). A name is checked after
it is resolved, every address it resolves to, and the connection goes to the very address
checked: no second lookup for a DNS rebinding to swap. The sources the user names are the
user's choice, and so are their hosts; `--allow-private-network` turns the guard off.

    guard = Guard.for_settings(settings, sources=["https://news.example/story"])
    guard.check_url(url)          # the URL alone: its scheme, a literal address. Refused or None
    guard.addresses(host, port)   # resolved, every address checked: the addresses to connect to

Where it is enforced:

- the HTTP clients (fetch.make_client / make_async_client, through guard_client and
  guard_transport below): every request's URL in a transport wrapper, each redirect hop being
  a request of its own; the address of each new connection in httpcore's network backend, which
  resolves, checks and connects to the address it checked. Through a proxy the proxy connects,
  so the URL's host is resolved here only to be checked: a name the local resolver cannot
  resolve is left to the proxy. A transport passed in (the offline world, tests) stands for the
  whole network: literal addresses are checked, names are not looked up;
- the browser: capture/relay.py, a SOCKS5 proxy on loopback every browser connection goes
  through (resolved, checked and pinned there); with a proxy of the user's, a route handler on
  each browser context instead (capture/capturer.py).
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import anyio
import httpcore
import httpx

from archiver.errors import Refused

if TYPE_CHECKING:
    from archiver.settings import Settings

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Sequence[str]]

SCHEMES = ("http", "https")
_SHARED = ipaddress.IPv4Network("100.64.0.0/10")  # CGNAT: neither private nor global to ipaddress
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_METADATA = ipaddress.IPv4Address("169.254.169.254")
_RECHECK_SECONDS = 60.0  # how long a proxied host's local verdict is reused


def system_resolver(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (getaddrinfo); OSError when it resolves to none."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def canonical_host(host: str) -> str:
    """A host as compared: lower case, no brackets, no trailing dot, IDNA for other scripts."""
    host = host.strip().strip("[]").lower().rstrip(".")
    if not host.isascii():
        with contextlib.suppress(UnicodeError):
            host = host.encode("idna").decode("ascii")
    return host


def literal_address(host: str) -> Address | None:
    """The address `host` spells, read as a browser reads a URL's host, or None for a name.

    IPv4 as the WHATWG URL standard (and inet_aton) reads it: one to four parts, each decimal,
    hex (0x) or octal (leading 0), the last filling the remaining bytes, so 2130706433,
    0x7f.1, 0177.0.0.1 and 127.1 are all 127.0.0.1. ValueError for a host that ends in a number
    but is no address (1.2.3.4.5): a browser refuses that URL; a resolver might not.
    """
    host = canonical_host(host)
    if ":" in host:
        return ipaddress.IPv6Address(host.split("%", 1)[0])
    parts = host.split(".")
    if not parts[-1] or (not parts[-1].isdigit() and _ipv4_number(parts[-1]) is None):
        return None  # does not end in a number: a name
    numbers = [_ipv4_number(part) for part in parts]
    if len(parts) > 4 or any(n is None for n in numbers):
        raise ValueError(f"not an address: {host}")
    *front, last = [n for n in numbers if n is not None]
    if any(n > 255 for n in front) or last >= 256 ** (5 - len(parts)):
        raise ValueError(f"not an address: {host}")
    value = last + sum(n * 256 ** (3 - i) for i, n in enumerate(front))
    return ipaddress.IPv4Address(value)


def _ipv4_number(part: str) -> int | None:
    if part[:2] in ("0x", "0X"):
        digits, base = part[2:], 16
    elif len(part) > 1 and part.startswith("0"):
        digits, base = part[1:], 8
    else:
        digits, base = part, 10
    if not digits:
        return 0 if base == 16 else None
    try:
        return int(digits, base) if digits.isalnum() and digits.isascii() else None
    except ValueError:
        return None


def refusal(address: Address) -> str | None:
    """Why `address` must not be reached from fetched content, or None for a public address."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return refusal(embedded)
        if address.is_site_local:
            return "a private address"
    if address.is_loopback:
        return "a loopback address"
    if address.is_link_local:
        return "a link-local address" + (", the cloud metadata address," if address == _METADATA else "")
    if isinstance(address, ipaddress.IPv4Address) and address in _SHARED:
        return "a shared (CGNAT) address"
    if address.is_unspecified:
        return "an unspecified address"
    if address.is_multicast:
        return "a multicast address"
    if address.is_private:
        return "a private address"
    if address.is_reserved:
        return "a reserved address"
    if not address.is_global:
        return "a special-purpose address"
    return None


def _is_localhost(host: str) -> bool:
    return host == "localhost" or host.endswith(".localhost")


@dataclass(frozen=True)
class Guard:
    """The guard's policy. `trusted_hosts`: the hosts of the sources the user named (canonical);
    `proxy_in_effect`: whether the browser's traffic goes through a proxy of the user's."""

    allow_private: bool = False
    trusted_hosts: frozenset[str] = frozenset()
    proxy_in_effect: bool = False
    resolver: Resolver = field(default=system_resolver, compare=False, repr=False)

    @classmethod
    def for_settings(cls, settings: Settings, sources: Iterable[str] = ()) -> Guard:
        """The guard for `settings`, the hosts of the http(s) `sources` trusted."""
        hosts = set()
        for source in sources:
            try:
                parts = urlsplit(source)
            except ValueError:
                continue
            if parts.scheme.lower() in SCHEMES and parts.hostname:
                hosts.add(canonical_host(parts.hostname))
        return cls(
            allow_private=settings.allow_private_network,
            trusted_hosts=frozenset(hosts),
            proxy_in_effect=settings.proxy_origin()[0] is not None,
        )

    @property
    def active(self) -> bool:
        return not self.allow_private

    def trusts(self, host: str) -> bool:
        """Whether requests to `host` go unchecked: the guard is off, or the user named it."""
        return self.allow_private or canonical_host(host) in self.trusted_hosts

    def check_url(self, url: str) -> None:
        """Refused unless `url` is http(s) and its host is a name or a public address. Names are
        not looked up here (see addresses() and check_resolved())."""
        try:
            parts = urlsplit(url)
            host = parts.hostname
        except ValueError:
            raise Refused(url, "is not a valid URL", hint=False) from None
        if parts.scheme.lower() not in SCHEMES:
            raise Refused(url, "is not an http(s) URL", hint=False)
        if not host:
            raise Refused(url, "has no host", hint=False)
        self.check_host(host, url)

    def check_host(self, host: str, target: str) -> Address | None:
        """Refused when `host` is a literal address that is refused (or no address at all, or
        localhost); the address it spells, None for a name or a host the guard trusts."""
        if self.trusts(host):
            return None
        name = canonical_host(host)
        if _is_localhost(name):
            raise Refused(target, f"names this machine ({name})")
        try:
            address = literal_address(name)
        except ValueError:
            raise Refused(target, "has a host that is no valid address", hint=False) from None
        if address is not None:
            why = refusal(address)
            if why is not None:
                raise Refused(target, f"is {why} ({address})")
        return address

    def addresses(self, host: str, port: int, target: str | None = None) -> list[str]:
        """The addresses to connect to for host:port, each checked: Refused when ANY address the
        host resolves to is refused (OSError when it resolves to none). A trusted host comes
        back as it is, for the caller to resolve itself."""
        target = target or f"{host}:{port}"
        if self.trusts(host):
            return [host]
        address = self.check_host(host, target)
        if address is not None:
            return [str(address)]
        found: list[str] = []
        for text in self.resolver(canonical_host(host), port):
            resolved = ipaddress.ip_address(text.split("%", 1)[0])
            why = refusal(resolved)
            if why is not None:
                raise Refused(target, f"resolves to {why} ({resolved})")
            if str(resolved) not in found:
                found.append(str(resolved))
        if not found:
            raise OSError(f"{host} resolves to no address")
        return found

    def check_resolved(self, host: str, port: int, target: str) -> None:
        """For a request a proxy carries: Refused when `host` is, or resolves here to, a refused
        address; a name the local resolver cannot resolve is left to the proxy."""
        with contextlib.suppress(OSError):
            self.addresses(host, port, target)


class RefusedRequest(Refused, httpx.TransportError):
    """A refusal inside the HTTP client: to the code around the request it is a request that
    could not be made (an httpx.TransportError, carrying its request), and to the user a
    Refused with its one-line reason."""

    @classmethod
    def of(cls, refused: Refused, request: httpx.Request) -> RefusedRequest:
        """`refused` as the refusal of `request`, named by its URL (the backend knows only host:port)."""
        exc = cls(str(request.url), refused.why, hint=refused.hint)
        exc.request = request
        return exc


# --- The HTTP client ---------------------------------------------------------------------------


class GuardTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Checks each request's URL, then lets `inner` send it. `proxied`: a proxy carries these
    requests, so names are resolved here to be checked (verdicts kept a minute per host);
    otherwise a name is the network backend's to resolve and check (or, for a transport passed
    in, nobody's). A refusal from the backend comes out naming the request's URL."""

    def __init__(self, inner: Any, guard: Guard, *, proxied: bool = False) -> None:
        self.inner = inner
        self.guard = guard
        self.proxied = proxied
        self._verdicts: dict[tuple[str, int], tuple[float, Refused | None]] = {}

    def _check(self, request: httpx.Request) -> tuple[str, int] | None:
        """The URL's checks; the (host, port) still to resolve and check when proxied."""
        url = request.url
        if url.scheme not in SCHEMES:
            return None  # httpx refuses it itself (UnsupportedProtocol)
        host = url.host
        address = self.guard.check_host(host, str(url))
        if not self.proxied or address is not None or self.guard.trusts(host):
            return None
        key = (canonical_host(host), url.port or (443 if url.scheme == "https" else 80))
        known = self._verdicts.get(key)
        if known is not None and known[0] > time.monotonic():
            if known[1] is not None:
                raise Refused(str(url), known[1].why, hint=known[1].hint)
            return None
        return key

    def _remember(self, key: tuple[str, int], request: httpx.Request) -> None:
        verdict: Refused | None = None
        try:
            self.guard.check_resolved(key[0], key[1], str(request.url))
        except Refused as exc:
            verdict = exc
        self._verdicts[key] = (time.monotonic() + _RECHECK_SECONDS, verdict)
        if verdict is not None:
            raise verdict

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        try:
            key = self._check(request)
            if key is not None:
                self._remember(key, request)
            response: httpx.Response = self.inner.handle_request(request)
            return response
        except Refused as exc:
            raise RefusedRequest.of(exc, request) from None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            key = self._check(request)
            if key is not None:
                await anyio.to_thread.run_sync(self._remember, key, request, abandon_on_cancel=True)
            response: httpx.Response = await self.inner.handle_async_request(request)
            return response
        except Refused as exc:
            raise RefusedRequest.of(exc, request) from None

    def close(self) -> None:
        self.inner.close()

    async def aclose(self) -> None:
        await self.inner.aclose()


def guard_transport(transport: Any, guard: Guard) -> Any:
    """A transport passed in (the offline world's, a test's), behind the guard's URL checks:
    it stands for the whole network, so only literal addresses are checked, and names are not
    looked up (the offline world answers the platforms' real hostnames without any network)."""
    return GuardTransport(transport, guard) if guard.active else transport


def guard_client(client: httpx.Client | httpx.AsyncClient, guard: Guard) -> None:
    """Put `guard` in front of everything `client` (built by httpx from a proxy setting or the
    environment, without a transport of its own) sends: its direct connections pinned to the
    addresses checked, what its proxies carry checked by name.

    httpx takes no network backend, so this reaches into two of its attributes (the client's
    `_transport` and `_mounts`) and one of httpcore's (the pool's `_network_backend`); a
    version of either without them fails here, loudly, rather than run unguarded.
    """
    if not guard.active:
        return
    direct: Any = client._transport
    pin_connections(direct, guard)
    client._transport = GuardTransport(direct, guard)
    mounts: Any = {
        pattern: None if mounted is None else GuardTransport(mounted, guard, proxied=True)
        for pattern, mounted in client._mounts.items()
    }
    client._mounts = mounts


def pin_connections(transport: httpx.HTTPTransport | httpx.AsyncHTTPTransport, guard: Guard) -> None:
    """Make `transport` (httpx's own, with no proxy) connect only to addresses `guard` checked:
    its pool's network backend resolves each new connection's host, checks every address and
    dials the address checked. TLS and the Host header keep the name (httpcore takes those from
    the request's origin, not from the address dialed)."""
    pool: Any = getattr(transport, "_pool", None)
    backend = getattr(pool, "_network_backend", None)
    if backend is None:
        raise RuntimeError("cannot pin connections: httpx or httpcore changed (no _pool._network_backend)")
    if isinstance(pool, httpcore.AsyncConnectionPool):
        pool._network_backend = _AsyncPinnedBackend(guard, backend)
    else:
        pool._network_backend = _PinnedBackend(guard, backend)


class _PinnedBackend(httpcore.NetworkBackend):
    """httpcore's connections, each to an address the guard checked (not a name looked up again)."""

    def __init__(self, guard: Guard, inner: httpcore.NetworkBackend) -> None:
        self.guard = guard
        self.inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            addresses = self.guard.addresses(host, port)
        except OSError as exc:  # cannot resolve: as httpcore itself says it
            raise httpcore.ConnectError(str(exc)) from exc
        last: Exception | None = None
        for address in addresses:
            try:
                return self.inner.connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        return self.inner.connect_unix_socket(path, timeout, socket_options)

    def sleep(self, seconds: float) -> None:
        self.inner.sleep(seconds)


class _AsyncPinnedBackend(httpcore.AsyncNetworkBackend):
    """_PinnedBackend for the async client: the lookup runs on a worker thread, within the
    connect timeout."""

    def __init__(self, guard: Guard, inner: httpcore.AsyncNetworkBackend) -> None:
        self.guard = guard
        self.inner = inner

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        if self.guard.trusts(host):
            return await self.inner.connect_tcp(host, port, timeout, local_address, socket_options)
        try:
            with anyio.fail_after(timeout):
                addresses = await anyio.to_thread.run_sync(
                    self.guard.addresses, host, port, abandon_on_cancel=True
                )
        except TimeoutError as exc:
            raise httpcore.ConnectTimeout(f"no address for {host} within {timeout}s") from exc
        except OSError as exc:
            raise httpcore.ConnectError(str(exc)) from exc
        last: Exception | None = None
        for address in addresses:
            try:
                return await self.inner.connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        return await self.inner.connect_unix_socket(path, timeout, socket_options)

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)
