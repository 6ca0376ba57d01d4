"""The network guard: what it refuses, how it resolves and pins, and where the flows apply it.

The browser's side, and every path an article can name an internal service through, are in
test_guard_loopback.py.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest
from loopback import AsyncDialLog, DialLog, LocalSite, LoopbackProxy

from archiver.errors import FetchError, Refused, SettingsError
from archiver.fetch import fetch_article, make_async_client, make_client
from archiver.flows.archive import archive_article
from archiver.flows.kit import Kit, Network
from archiver.flows.watch import read_feed
from archiver.guard import Guard, RefusedRequest, guard_client, literal_address, refusal
from archiver.settings import Settings, load_settings
from storage import Store

PUBLIC = "93.184.215.14"  # what the resolver stand-ins below call a public address


def resolving(table: dict[str, Sequence[str]], calls: list[str] | None = None) -> Callable[..., list[str]]:
    """A resolver answering from `table` (OSError for other names), logging each lookup."""

    def resolve(host: str, port: int) -> list[str]:
        if calls is not None:
            calls.append(host)
        if host not in table:
            raise OSError(f"[Errno -2] Name or service not known: {host}")
        return list(table[host])

    return resolve


# --- What is refused -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),  # decimal
        ("0x7f000001", "127.0.0.1"),  # hex
        ("0x7f.1", "127.0.0.1"),  # short form, hex
        ("127.1", "127.0.0.1"),  # short form
        ("0177.0.0.1", "127.0.0.1"),  # octal
        ("017700000001", "127.0.0.1"),
        ("0x7F.0X0.0.0x1", "127.0.0.1"),
        ("127.0.0.1.", "127.0.0.1"),  # trailing dot
        ("10.0.0.5", "10.0.0.5"),
        ("012.0.0.5", "10.0.0.5"),
        ("167772165", "10.0.0.5"),
        ("0", "0.0.0.0"),
        ("[::ffff:127.0.0.1]", "::ffff:7f00:1"),
        ("[::ffff:7f00:1]", "::ffff:7f00:1"),
        ("[0:0:0:0:0:0:0:1]", "::1"),
    ],
)
def test_every_spelling_of_an_address_is_read_as_a_browser_reads_it(host: str, address: str) -> None:
    assert literal_address(host) == ipaddress.ip_address(address)


def test_names_are_no_addresses_and_numeric_nonsense_is_no_host() -> None:
    for name in (
        "example.com",
        "cdn.syndication.twimg.com",
        "1.2.3.example",
        "0x.example.org",
        "xn--bcher-kva.de",
    ):
        assert literal_address(name) is None
    for nonsense in ("1.2.3.4.5", "256.1.1.1", "1.2.65536", "0x7g.1", "example.0x", "08.1.1.1"):
        with pytest.raises(ValueError):
            literal_address(nonsense)


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("127.0.0.1", "a loopback address"),
        ("127.255.0.9", "a loopback address"),
        ("::1", "a loopback address"),
        ("10.1.2.3", "a private address"),
        ("172.16.0.1", "a private address"),
        ("192.168.1.1", "a private address"),
        ("169.254.169.254", "a link-local address, the cloud metadata address,"),
        ("169.254.1.1", "a link-local address"),
        ("100.64.0.1", "a shared (CGNAT) address"),
        ("100.127.255.254", "a shared (CGNAT) address"),
        ("0.0.0.0", "an unspecified address"),
        ("::", "an unspecified address"),
        ("224.0.0.1", "a multicast address"),
        ("ff02::1", "a multicast address"),
        ("fd12:3456::1", "a private address"),  # ULA
        ("fe80::1", "a link-local address"),
        ("fec0::1", "a private address"),  # site-local, deprecated
        ("::ffff:10.0.0.1", "a private address"),  # IPv4-mapped
        ("::ffff:169.254.169.254", "a link-local address, the cloud metadata address,"),
        ("2002:7f00:1::", "a loopback address"),  # 6to4 of 127.0.0.1
        ("64:ff9b::a00:1", "a private address"),  # NAT64 of 10.0.0.1
    ],
)
def test_refused_ranges(address: str, why: str) -> None:
    assert refusal(ipaddress.ip_address(address)) == why


def test_special_purpose_ranges_are_refused_too() -> None:
    """Their exact wording follows the Python version's ipaddress tables."""
    for address in ("240.0.0.1", "255.255.255.255", "198.18.0.1", "192.0.2.1", "2001:db8::1", "::7f00:1"):
        assert refusal(ipaddress.ip_address(address)) is not None, address


@pytest.mark.parametrize(
    "address", ["93.184.215.14", "8.8.8.8", "2606:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"]
)
def test_public_addresses_pass(address: str) -> None:
    assert refusal(ipaddress.ip_address(address)) is None


def test_check_url_refuses_literals_localhost_and_other_schemes_with_one_line() -> None:
    guard = Guard()
    with pytest.raises(Refused) as info:
        guard.check_url("http://0x7f.1:8080/admin")
    assert str(info.value) == (
        "refused: http://0x7f.1:8080/admin is a loopback address (127.0.0.1); "
        "--allow-private-network allows it"
    )
    with pytest.raises(Refused, match=r"names this machine \(app\.localhost\)"):
        guard.check_url("http://app.localhost/")
    with pytest.raises(Refused, match=r"^refused: javascript:alert\(1\) is not an http\(s\) URL$"):
        guard.check_url("javascript:alert(1)")
    with pytest.raises(Refused, match="no valid address"):
        guard.check_url("http://1.2.3.4.5/")
    guard.check_url("https://example.com/")  # names are not looked up here
    guard.check_url("http://[2606:4700::1111]/")


def test_trusted_hosts_and_allow_private_go_unchecked() -> None:
    settings = Settings()
    guard = Guard.for_settings(settings, ["http://127.0.0.1:8000/story", "-", "story.html"])
    assert guard.trusted_hosts == frozenset({"127.0.0.1"})
    guard.check_url("http://127.0.0.1:9999/other-port")  # the source's host, for its own requests
    with pytest.raises(Refused):
        guard.check_url("http://127.0.0.2/")
    off = Guard.for_settings(Settings(allow_private_network=True))
    assert not off.active
    off.check_url("http://10.0.0.5/")
    assert off.addresses("intranet", 80) == ["intranet"]


def test_a_name_is_refused_when_any_address_it_resolves_to_is() -> None:
    guard = Guard(resolver=resolving({"mixed.test": [PUBLIC, "10.0.0.5"], "public.test": [PUBLIC, PUBLIC]}))
    with pytest.raises(Refused) as info:
        guard.addresses("mixed.test", 443, "https://mixed.test/x")
    assert str(info.value) == (
        "refused: https://mixed.test/x resolves to a private address (10.0.0.5); "
        "--allow-private-network allows it"
    )
    assert guard.addresses("public.test", 443) == [PUBLIC]
    with pytest.raises(OSError):
        guard.addresses("unknown.test", 443)
    guard.check_resolved("unknown.test", 443, "https://unknown.test/")  # left to a proxy
    with pytest.raises(Refused):
        guard.check_resolved("mixed.test", 443, "https://mixed.test/")


# --- The HTTP client -------------------------------------------------------------------------------


def test_a_redirect_hop_to_an_internal_address_is_refused_before_it_is_sent() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        if request.url.host == "news.example":
            return httpx.Response(302, headers={"location": "http://2130706433/admin"})
        return httpx.Response(200, text="internal")

    settings = Settings()
    with make_client(settings, httpx.MockTransport(handler)) as client:
        with pytest.raises(RefusedRequest) as info:
            client.get("https://news.example/story")
        assert info.value.request.url == "http://2130706433/admin"
        with pytest.raises(Refused, match=r"^refused: http://2130706433/admin is a loopback address"):
            fetch_article(client, "https://news.example/story", settings)
    assert seen == ["https://news.example/story", "https://news.example/story"]
    assert isinstance(info.value, httpx.TransportError) and isinstance(info.value, FetchError)


def test_an_injected_transport_has_its_names_left_alone() -> None:
    """The offline world answers real hostnames with no network: nothing is looked up."""
    calls: list[str] = []
    guard = Guard(resolver=resolving({}, calls))
    transport = httpx.MockTransport(lambda request: httpx.Response(200, text="ok"))
    with make_client(Settings(), transport, guard=guard) as client:
        assert client.get("https://cdn.syndication.twimg.com/x").text == "ok"
    assert calls == []


def test_direct_connections_go_to_the_address_checked(local_site: LocalSite) -> None:
    """The name is looked up once per connection, and the connection goes to the address that
    was checked: a DNS answer that changes afterwards (a rebinding) is never asked for."""
    local_site.add("/page", "<title>pinned</title>")
    answers = iter([[PUBLIC], ["127.0.0.1"], ["127.0.0.1"]])
    calls: list[str] = []

    def rebinding(host: str, port: int) -> list[str]:
        calls.append(host)
        return next(answers)

    settings = Settings()
    guard = Guard(resolver=rebinding)
    dial = DialLog(local_site.port)
    client = httpx.Client(**_bare_options())
    client._transport._pool._network_backend = dial  # type: ignore[attr-defined]
    guard_client(client, guard)
    with client:
        assert fetch_article(client, "http://public.test/page", settings).title == "pinned"
        assert fetch_article(client, "http://public.test/page", settings).title == "pinned"  # same connection
    assert calls == ["public.test"]
    assert dial.dialed == [(PUBLIC, 80)]
    assert local_site.requests == [("GET", "/page", "public.test")] * 2  # the Host header keeps the name


def test_a_name_resolving_to_an_internal_address_never_connects(local_site: LocalSite) -> None:
    guard = Guard(resolver=resolving({"intranet.test": ["192.168.0.10"]}))
    dial = AsyncDialLog(local_site.port)

    async def fetch() -> None:
        client = httpx.AsyncClient(**_bare_options())
        client._transport._pool._network_backend = dial  # type: ignore[attr-defined]
        guard_client(client, guard)
        async with client:
            await client.get("http://intranet.test/")

    with pytest.raises(
        RefusedRequest, match=r"^refused: http://intranet.test/ resolves to a private address"
    ):
        asyncio.run(fetch())
    assert dial.dialed == [] and local_site.connections == 0


def test_a_user_named_loopback_source_is_fetched_without_the_flag(local_site: LocalSite) -> None:
    url = local_site.add("/story", "<title>local story</title>")
    settings = Settings()
    kit = Kit(settings, sources=[url])
    with kit.client() as client:
        assert fetch_article(client, url, settings).title == "local story"
    with make_client(settings) as client, pytest.raises(Refused):
        fetch_article(client, url, settings)  # nobody named it: it came from a page


def test_async_client_is_guarded_alike() -> None:
    async def get() -> None:
        async with make_async_client(Settings()) as client:
            await client.get("http://[::1]:9/")

    with pytest.raises(RefusedRequest, match=r"is a loopback address \(::1\)"):
        asyncio.run(get())


def test_through_a_proxy_literals_and_names_resolving_inward_are_refused_the_rest_left_to_it(
    local_site: LocalSite, loopback_proxy: LoopbackProxy
) -> None:
    local_site.add("/page", "<title>via proxy</title>")
    loopback_proxy.hosts["target.test"] = ("127.0.0.1", local_site.port)
    settings = Settings(proxy=loopback_proxy.url)  # the proxy itself, on loopback, is the user's
    guard = Guard(resolver=resolving({"intranet.test": ["10.0.0.7"]}))
    with make_client(settings, guard=guard) as client:
        assert fetch_article(client, "http://target.test/page", settings).title == "via proxy"
        with pytest.raises(Refused, match="resolves to a private address"):
            fetch_article(client, "http://intranet.test/page", settings)
        with pytest.raises(Refused, match="is a loopback address"):
            fetch_article(client, f"http://127.0.0.1:{local_site.port}/page", settings)
    assert loopback_proxy.log == ["GET http://target.test/page"]


def _bare_options() -> dict[str, Any]:
    return {"timeout": 5, "follow_redirects": True, "trust_env": False}


# --- Settings and the flows ------------------------------------------------------------------------


def test_the_setting_from_flag_environment_and_file(tmp_path: Path) -> None:
    assert load_settings({}, env={}).allow_private_network is False
    assert load_settings({}, env={"ARCHIVER_ALLOW_PRIVATE_NETWORK": "yes"}).allow_private_network is True
    config = tmp_path / "config.toml"
    config.write_text("allow_private_network = true\n")
    assert load_settings({}, env={}, config=config).allow_private_network is True
    on_file = {"ARCHIVER_ALLOW_PRIVATE_NETWORK": "0"}
    assert load_settings({}, env=on_file, config=config).allow_private_network is False
    assert load_settings({"allow_private_network": True}, env=on_file).allow_private_network is True
    with pytest.raises(SettingsError, match="allow_private_network"):
        load_settings({}, env={"ARCHIVER_ALLOW_PRIVATE_NETWORK": "maybe"})
    config.write_text("allow_private_network = 1\n")
    with pytest.raises(SettingsError, match="allow_private_network"):
        load_settings({}, env={}, config=config)


FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>Feed</title>
<link>https://news.example/</link>
<item><title>script</title><link>javascript:alert(1)</link></item>
<item><title>data</title><link>data:text/html,hello</link></item>
<item><title>file</title><link>file:///etc/passwd</link></item>
<item><title>story</title><link>/story</link></item>
</channel></rss>"""


def test_feed_entries_are_http_urls_only(caplog: pytest.LogCaptureFixture) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": "application/rss+xml"}, text=FEED)

    with make_client(Settings(), httpx.MockTransport(handler)) as client, caplog.at_level(logging.WARNING):
        look = read_feed(client, {"url": "https://news.example/feed.xml"}, Settings())
    assert [url for url, _, _ in look.entries] == ["https://news.example/story"]
    assert sum("only http(s) links are archived" in r.getMessage() for r in caplog.records) == 3


def test_only_a_source_the_user_named_may_be_a_file(store: Store, home: Path) -> None:
    kit = Kit(Settings(home=home), Network(httpx.MockTransport(lambda r: httpx.Response(404))))
    for link in ("javascript:alert(1)", "data:text/html,hi", "README.md"):  # as a feed may name them
        result = asyncio.run(archive_article(link, kit, store))
        assert result.error == f"refused: {link} is not an http(s) URL"
