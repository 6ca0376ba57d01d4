"""One proxy setting carries all traffic: the HTTP client's and the browser's.

A LoopbackProxy knows `target.test` (a name nothing else resolves) as the local website, so a
page that loads at http://target.test/ can only have come through the proxy, and the proxy's
log says how.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from loopback import LocalSite, LoopbackProxy

from archiver.capture.browser import context_options, launch
from archiver.errors import FetchError
from archiver.fetch import fetch_article, make_async_client, make_client
from archiver.settings import Settings

PAGE = "<html><head><title>Through the proxy</title></head><body><p id=t>proxied page</p></body></html>"


@pytest.fixture
def site(local_site: LocalSite, loopback_proxy: LoopbackProxy) -> LocalSite:
    local_site.add("/page", PAGE)
    loopback_proxy.hosts["target.test"] = ("127.0.0.1", local_site.port)
    return local_site


def test_http_client_goes_through_our_proxy(site: LocalSite, loopback_proxy: LoopbackProxy) -> None:
    settings = Settings(proxy=loopback_proxy.url)
    with make_client(settings) as client:
        article = fetch_article(client, "http://target.test/page", settings)
    assert article.title == "Through the proxy"
    assert loopback_proxy.log == ["GET http://target.test/page"]
    assert site.requests == [("GET", "/page", "target.test")]


@pytest.mark.parametrize("scheme", ["socks5", "socks5h"])
def test_http_client_goes_through_socks5(site: LocalSite, loopback_proxy: LoopbackProxy, scheme: str) -> None:
    settings = Settings(proxy=f"{scheme}://127.0.0.1:{loopback_proxy.port}")
    with make_client(settings) as client:
        assert b"proxied page" in fetch_article(client, "http://target.test/page", settings).body
    assert loopback_proxy.log == ["SOCKS5 target.test:80"]  # the name, resolved by the proxy


def test_async_client_goes_through_our_proxy(site: LocalSite, loopback_proxy: LoopbackProxy) -> None:
    async def get() -> str:
        async with make_async_client(Settings(proxy=loopback_proxy.url)) as client:
            return (await client.get("http://target.test/page")).text

    assert asyncio.run(get()) == PAGE
    assert loopback_proxy.log == ["GET http://target.test/page"]


def test_standard_variables_used_when_our_proxy_is_unset(
    site: LocalSite, loopback_proxy: LoopbackProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", loopback_proxy.url)
    settings = Settings(allow_private_network=True)  # the site is on loopback
    direct_url = f"http://127.0.0.1:{site.port}/page"
    with make_client(settings) as client:
        fetch_article(client, "http://target.test/page", settings)
        fetch_article(client, direct_url, settings)
    assert loopback_proxy.log == ["GET http://target.test/page", f"GET {direct_url}"]

    loopback_proxy.log.clear()
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    with make_client(settings) as client:
        fetch_article(client, direct_url, settings)  # NO_PROXY: straight to the site
        fetch_article(client, "http://target.test/page", settings)
    assert loopback_proxy.log == ["GET http://target.test/page"]


def test_our_proxy_carries_everything_whatever_no_proxy_says(
    site: LocalSite, loopback_proxy: LoopbackProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost,target.test")
    settings = Settings(proxy=loopback_proxy.url, allow_private_network=True)  # the site is on loopback
    direct_url = f"http://127.0.0.1:{site.port}/page"
    with make_client(settings) as client:
        fetch_article(client, direct_url, settings)
    assert loopback_proxy.log == [f"GET {direct_url}"]


def test_proxy_credentials_from_the_url(site: LocalSite, loopback_proxy: LoopbackProxy) -> None:
    loopback_proxy.auth = ("user", "p@ss")
    settings = Settings(proxy=f"http://user:p%40ss@127.0.0.1:{loopback_proxy.port}")
    with make_client(settings) as client:
        assert fetch_article(client, "http://target.test/page", settings).title == "Through the proxy"
    wrong = Settings(proxy=f"http://user:nope@127.0.0.1:{loopback_proxy.port}")
    with (
        make_client(wrong) as client,
        pytest.raises(FetchError, match="HTTP 407 Proxy Authentication Required"),
    ):
        fetch_article(client, "http://target.test/page", wrong)
    assert loopback_proxy.log == ["GET http://target.test/page", "407 GET http://target.test/page"]


def test_proxy_refusal_is_a_one_line_fetch_error(loopback_proxy: LoopbackProxy) -> None:
    settings = Settings(proxy=loopback_proxy.url)
    with make_client(settings) as client, pytest.raises(FetchError) as info:
        fetch_article(client, "http://unknown.test/", settings)
    assert str(info.value) == "HTTP 502 Bad Gateway for http://unknown.test/"
    assert loopback_proxy.refused == ["unknown.test:80"]
    with make_client(settings) as client, pytest.raises(FetchError, match="proxy refused"):
        fetch_article(client, "https://unknown.test/", settings)  # CONNECT answered 502


# TLS through the proxy: a site whose certificate only our test CA vouches for, as behind a
# TLS-intercepting proxy.


@pytest.fixture(scope="module")
def test_ca(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """(CA certificate, server certificate, server key) for target.test, made with openssl."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test CA")
    d = tmp_path_factory.mktemp("ca")

    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=d, check=True, capture_output=True)

    key = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes")
    openssl("req", "-x509", *key, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
            "-subj", "/CN=embed-archiver test CA",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign")  # fmt: skip
    openssl("req", *key, "-keyout", "site.key", "-out", "site.csr", "-subj", "/CN=target.test")
    (d / "ext.cnf").write_text(
        "subjectAltName=DNS:target.test\nbasicConstraints=critical,CA:FALSE\n"
        "keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n"
        "authorityKeyIdentifier=keyid\nsubjectKeyIdentifier=hash\n"
    )
    openssl("x509", "-req", "-in", "site.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", "site.pem", "-days", "2", "-extfile", "ext.cnf")  # fmt: skip
    return d / "ca.pem", d / "site.pem", d / "site.key"


@pytest.fixture
def tls_site(test_ca: tuple[Path, Path, Path], loopback_proxy: LoopbackProxy) -> Iterator[LocalSite]:
    _, cert, key = test_ca
    with LocalSite(cert=(str(cert), str(key))) as tls:
        tls.add("/page", PAGE)
        loopback_proxy.hosts["target.test"] = ("127.0.0.1", tls.port)
        yield tls


def test_ca_bundle_lets_the_client_trust_an_intercepting_proxy(
    tls_site: LocalSite, loopback_proxy: LoopbackProxy, test_ca: tuple[Path, Path, Path]
) -> None:
    plain = Settings(proxy=loopback_proxy.url)
    with make_client(plain) as client, pytest.raises(FetchError, match="CERTIFICATE_VERIFY_FAILED"):
        fetch_article(client, "https://target.test/page", plain)
    trusting = Settings(proxy=loopback_proxy.url, ca_bundle=test_ca[0])
    with make_client(trusting) as client:
        assert fetch_article(client, "https://target.test/page", trusting).title == "Through the proxy"
        assert client.get("https://target.test/page").status_code == 200
    assert set(loopback_proxy.log) == {"CONNECT target.test:443"}  # one tunnel per connection
    assert [path for _, path, _ in tls_site.requests] == ["/page", "/page"]  # the failed one got none


# The browser, through the same setting.


async def _load(settings: Settings, urls: list[str]) -> list[str]:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser, _ = await launch(pw, settings)
        try:
            texts = []
            context = await browser.new_context(**context_options(settings))
            page = await context.new_page()
            for url in urls:
                await page.goto(url, timeout=15000)
                texts.append(await page.inner_text("#t"))
            return texts
        finally:
            await browser.close()


@pytest.mark.browser
def test_browser_goes_through_our_proxy_http_and_https(
    browser_path: str,
    loopback_proxy: LoopbackProxy,
    test_ca: tuple[Path, Path, Path],
    tls_site: LocalSite,
) -> None:
    with LocalSite() as plain_site:
        plain_site.add("/page", PAGE)
        loopback_proxy.hosts["plain.test"] = ("127.0.0.1", plain_site.port)
        # With a CA bundle set, the browser accepts the intercepting proxy's certificates.
        loopback_proxy.auth = ("user", "p@ss")
        proxy = f"http://user:p%40ss@127.0.0.1:{loopback_proxy.port}"
        settings = Settings(browser=browser_path, proxy=proxy, ca_bundle=test_ca[0])
        texts = asyncio.run(_load(settings, ["http://plain.test/page", "https://target.test/page"]))
    assert texts == ["proxied page", "proxied page"]
    assert "GET http://plain.test/page" in loopback_proxy.log
    assert "CONNECT target.test:443" in loopback_proxy.log
    assert ("GET", "/page", "target.test") in tls_site.requests


@pytest.mark.browser
def test_browser_goes_through_socks5(
    browser_path: str, site: LocalSite, loopback_proxy: LoopbackProxy
) -> None:
    settings = Settings(browser=browser_path, proxy=f"socks5h://127.0.0.1:{loopback_proxy.port}")
    assert asyncio.run(_load(settings, ["http://target.test/page"])) == ["proxied page"]
    assert "SOCKS5 target.test:80" in loopback_proxy.log
    assert ("GET", "/page", "target.test") in site.requests
