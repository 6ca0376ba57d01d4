from __future__ import annotations

import asyncio
import gzip
import io
import ssl
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from archiver.errors import FetchError, InputError, SettingsError
from archiver.fetch import (
    MAX_REDIRECTS,
    STREAMED,
    AnswerTooLarge,
    article_markup,
    extract_title,
    fetch_article,
    make_async_client,
    make_client,
    read_source,
    ssl_context,
)
from archiver.models import Article
from archiver.settings import Settings

PAGE = b"<html><head><title> Storm &amp; tide\n live </title></head><body><p>hi</p></body></html>"


def _client(handler, settings: Settings | None = None) -> httpx.Client:  # type: ignore[no-untyped-def]
    return make_client(settings or Settings(), transport=httpx.MockTransport(handler))


def _html(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, headers={"content-type": "text/html; charset=utf-8"}, content=PAGE)


def test_fetches_html_with_title_and_our_user_agent() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return _html(request)

    settings = Settings(user_agent="test-agent/1")
    with _client(handler, settings) as client:
        article = fetch_article(client, "https://news.example/story", settings)
    assert article.body == PAGE
    assert article.url == article.final_url == "https://news.example/story"
    assert article.status == 200
    assert article.content_type.startswith("text/html")
    assert article.title == "Storm & tide live"
    assert seen[0].headers["user-agent"] == "test-agent/1"
    assert "text/html" in seen[0].headers["accept"]


def test_follows_redirects_and_records_final_url() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/short":
            return httpx.Response(301, headers={"location": "https://news.example/long"})
        return _html(request)

    with _client(handler) as client:
        article = fetch_article(client, "http://news.example/short", Settings())
    assert article.url == "http://news.example/short"
    assert article.final_url == "https://news.example/long"


def test_redirect_loops_are_bounded() -> None:
    count = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal count
        count += 1
        return httpx.Response(302, headers={"location": f"/hop{count}"})

    with _client(handler) as client, pytest.raises(FetchError, match=f"more than {MAX_REDIRECTS} redirects"):
        fetch_article(client, "https://loop.example/", Settings())
    assert count == MAX_REDIRECTS + 1


@pytest.mark.parametrize(
    ("status", "reason"), [(404, "Not Found"), (500, "Internal Server Error"), (403, "Forbidden")]
)
def test_http_errors_are_one_line_with_status(status: int, reason: str) -> None:
    with (
        _client(lambda request: httpx.Response(status, text="nope")) as client,
        pytest.raises(FetchError) as info,
    ):
        fetch_article(client, "https://news.example/gone", Settings())
    assert str(info.value) == f"HTTP {status} {reason} for https://news.example/gone"
    assert info.value.status == status


@pytest.mark.parametrize(
    ("content_type", "word"),
    [
        ("image/png", "an image"),
        ("application/pdf", "a PDF"),
        ("application/octet-stream", "application/octet-stream"),
    ],
)
def test_rejects_what_is_not_a_page(content_type: str, word: str) -> None:
    response = httpx.Response(200, headers={"content-type": content_type}, content=b"\x89PNG\x00")
    with _client(lambda request: response) as client, pytest.raises(FetchError, match=f"is {word}"):
        fetch_article(client, "https://news.example/file", Settings())


def test_accepts_plain_text_and_sniffs_untyped_bodies() -> None:
    bodies = {"/text": ("text/plain", b"A flattened article."), "/untyped": ("", b"  <html>x</html>")}

    def handler(request: httpx.Request) -> httpx.Response:
        content_type, body = bodies[request.url.path]
        return httpx.Response(
            200, headers={"content-type": content_type} if content_type else {}, content=body
        )

    with _client(handler) as client:
        text = fetch_article(client, "https://n.example/text", Settings())
        untyped = fetch_article(client, "https://n.example/untyped", Settings())
    assert text.content_type == "text/plain" and text.title is None
    assert untyped.content_type == "text/html"


def test_untyped_binary_is_rejected() -> None:
    response = httpx.Response(200, content=b"GIF89a\x00\x01\x00")
    with _client(lambda request: response) as client, pytest.raises(InputError, match="binary"):
        fetch_article(client, "https://n.example/x", Settings())


def test_size_cap_streamed_and_declared() -> None:
    settings = Settings(max_article_bytes=1024 * 1024)

    def chunks():  # type: ignore[no-untyped-def]
        for _ in range(40):
            yield b"x" * 65536  # 2.5 MB, no Content-Length

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/streamed":
            return httpx.Response(200, headers={"content-type": "text/html"}, content=chunks())
        return httpx.Response(200, headers={"content-type": "text/html"}, content=b"y" * (1024 * 1024 + 1))

    with _client(handler, settings) as client:
        for path in ("/streamed", "/declared"):
            with pytest.raises(FetchError, match="page larger than 1 MB"):
                fetch_article(client, f"https://big.example{path}", settings)
        just_fits = httpx.Response(200, headers={"content-type": "text/html"}, content=b"z" * (1024 * 1024))
    with _client(lambda request: just_fits, settings) as client:
        assert len(fetch_article(client, "https://big.example/", settings).body) == 1024 * 1024


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://files.example/a.html", "only http:// and https://"),
        ("javascript:alert(1)", "only http:// and https://"),
        ("https:///nohost", "URL has no host"),
        ("http://host:99999/", "not a valid URL"),
    ],
)
def test_bad_urls_are_input_errors(url: str, message: str) -> None:
    with _client(_html) as client, pytest.raises(InputError, match=message):
        fetch_article(client, url, Settings())


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (httpx.ConnectError("[Errno -2] Name or service not known"), "cannot connect to nowhere.example: "),
        (httpx.ReadTimeout("timed out"), "timed out after 30s fetching"),
        (httpx.ConnectTimeout("timed out"), "timed out after 30s fetching"),
        (httpx.ProxyError("407 Proxy Authentication Required"), "proxy refused"),
        (httpx.RemoteProtocolError("Server disconnected\nwithout sending a response."), "network error"),
    ],
)
def test_network_failures_are_one_line_fetch_errors(error: Exception, message: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise error

    with _client(handler) as client, pytest.raises(FetchError) as info:
        fetch_article(client, "https://nowhere.example/", Settings())
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_a_body_that_trickles_in_times_out_as_a_whole() -> None:
    # Each chunk comes well within the read timeout; the whole body takes 5 s.
    def trickle() -> Iterator[bytes]:
        yield b"<html><title>slow</title>"
        for _ in range(100):
            time.sleep(0.05)
            yield b" "

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": "text/html"}, content=trickle())

    settings = Settings(fetch_timeout=0.5)
    with _client(handler, settings) as client, pytest.raises(FetchError) as info:
        fetch_article(client, "https://slow.example/story", settings)  # the trickle never ends
    assert str(info.value) == "timed out after 0.5s fetching https://slow.example/story"


def test_dns_failure_for_real_is_a_fetch_error() -> None:
    # .invalid never resolves (RFC 2606): a real lookup failure, without leaving the machine.
    with make_client(Settings(fetch_timeout=5)) as client, pytest.raises(FetchError, match="cannot connect"):
        fetch_article(client, "http://no-such-host.invalid/", Settings())


def test_connection_refused_for_real_is_a_fetch_error() -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # bound but not listening: refused
        settings = Settings(allow_private_network=True)  # else the guard refuses loopback first
        with (
            make_client(settings) as client,
            pytest.raises(FetchError, match=r"cannot connect to 127\.0\.0\.1"),
        ):
            fetch_article(client, f"http://127.0.0.1:{port}/", settings)


def test_async_client_is_configured_alike() -> None:
    async def main() -> tuple[str, str]:
        async def handler(request: httpx.Request) -> httpx.Response:
            return httpx.Response(200, text=request.headers["user-agent"])

        async with make_async_client(Settings(user_agent="ua-async"), httpx.MockTransport(handler)) as client:
            response = await client.get("https://x.example/")
            return response.text, str(client.timeout.read)

    assert asyncio.run(main()) == ("ua-async", "30.0")


# The shared asynchronous client (a post's data, its media, re-checks) reads an answer whole at
# most max_article_bytes (decoded) and within fetch_timeout in all; a streamed download is its own.


class _Drip(httpx.AsyncByteStream):
    def __init__(self, chunks: list[bytes], pause: float = 0.0) -> None:
        self.chunks, self.pause, self.sent = chunks, pause, 0

    async def __aiter__(self):  # type: ignore[no-untyped-def]
        for chunk in self.chunks:
            if self.pause:
                await asyncio.sleep(self.pause)
            self.sent += len(chunk)
            yield chunk


def _ask(respond, settings: Settings, streamed: bool = False) -> httpx.Response:  # type: ignore[no-untyped-def]
    async def main() -> httpx.Response:
        async def handler(request: httpx.Request) -> httpx.Response:
            return respond(request)

        async with make_async_client(settings, httpx.MockTransport(handler)) as client:
            if not streamed:
                return await client.get("https://api.example/post/1")
            extensions = {STREAMED: True}
            async with client.stream("GET", "https://cdn.example/v.mp4", extensions=extensions) as response:
                await response.aread()
                return response

    return asyncio.run(main())


SMALL = Settings(max_article_bytes=64 * 1024, fetch_timeout=1)


def test_an_answer_within_the_cap_reads_as_usual_through_redirects() -> None:
    def respond(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/post/1":
            return httpx.Response(302, headers={"location": "/post/2"})
        return httpx.Response(200, json={"text": "x" * 1000})

    response = _ask(respond, SMALL)
    assert response.json() == {"text": "x" * 1000} and str(response.url).endswith("/post/2")


@pytest.mark.parametrize("declared", [True, False])
def test_an_answer_over_the_cap_is_refused_whether_declared_or_not(declared: bool) -> None:
    body = [b"x" * 16 * 1024] * 64  # 1 MB against a 64 KB cap
    drip = _Drip(body)

    def respond(request: httpx.Request) -> httpx.Response:
        headers = {"content-length": str(1024 * 1024)} if declared else {}
        return httpx.Response(200, headers=headers, stream=drip)

    with pytest.raises(AnswerTooLarge, match=r"answer larger than 0\.0625 MB from api\.example"):
        _ask(respond, SMALL)
    assert drip.sent <= (0 if declared else 80 * 1024)  # read no further than the cap


def test_a_compression_bomb_is_refused_at_the_cap_of_what_it_decodes_to() -> None:
    bomb = gzip.compress(b"\0" * 64 * 1024 * 1024)  # 64 MB of zeros in about 64 KB

    def respond(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-encoding": "gzip"}, content=bomb)

    with pytest.raises(AnswerTooLarge):
        _ask(respond, Settings(max_article_bytes=1024 * 1024))


def test_an_answer_that_drips_in_times_out_as_a_whole() -> None:
    # Each chunk well within the read timeout; all of them would take 3 s against 1 s in all.
    def respond(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=_Drip([b"{"] + [b" "] * 30, pause=0.1))

    started = time.monotonic()
    with pytest.raises(httpx.ReadTimeout, match=r"answer from api\.example not read within 1s"):
        _ask(respond, SMALL)
    assert time.monotonic() - started < 2


def test_a_streamed_download_is_left_to_its_own_cap() -> None:
    def respond(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=_Drip([b"v" * 16 * 1024] * 64))

    assert len(_ask(respond, SMALL, streamed=True).content) == 1024 * 1024


def test_client_settings() -> None:
    with make_client(Settings(fetch_timeout=4)) as client:
        assert client.timeout.connect == 4 and client.timeout.read == 4
        assert client.follow_redirects is True
        assert client.max_redirects == MAX_REDIRECTS


def test_ca_bundle_is_added_to_the_default_store(tmp_path: Path) -> None:
    import certifi

    assert ssl_context(Settings()) is True
    one = tmp_path / "one.pem"
    first_cert = Path(certifi.where()).read_text().split("-----END CERTIFICATE-----")[0]
    one.write_text(first_cert + "-----END CERTIFICATE-----\n")
    context = ssl_context(Settings(ca_bundle=one))
    assert isinstance(context, ssl.SSLContext)
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert context.cert_store_stats()["x509_ca"] > 1  # certifi's too, not only ours
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate")
    with pytest.raises(SettingsError, match=r"CA bundle .* is not usable"):
        ssl_context(Settings(ca_bundle=junk))


def test_unusable_environment_proxy_is_a_settings_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "gopher://old:70")
    with pytest.raises(SettingsError, match="proxy not usable"):
        make_client(Settings())


# read_source: URL, file or standard input


def test_read_source_url_uses_the_factory_and_closes_the_client() -> None:
    clients: list[httpx.Client] = []

    def factory() -> httpx.Client:
        clients.append(_client(_html))
        return clients[-1]

    article = read_source("https://news.example/a", factory, Settings())
    assert article.final_url == "https://news.example/a" and article.title == "Storm & tide live"
    assert len(clients) == 1 and clients[0].is_closed


def test_read_source_file_and_stdin(tmp_path: Path) -> None:
    def no_network() -> httpx.Client:
        raise AssertionError("a file needs no client")

    page = tmp_path / "saved page.html"
    page.write_bytes(PAGE)
    article = read_source(str(page), no_network, Settings())
    assert article.body == PAGE and article.content_type == "text/html"
    assert article.url == page.resolve().as_uri() and article.title == "Storm & tide live"
    text = tmp_path / "flat.txt"
    text.write_bytes(b"<not html> just text")
    assert read_source(str(text), no_network, Settings()).content_type == "text/plain"
    piped = read_source("-", no_network, Settings(), stdin=io.BytesIO(b"A pasted article."))
    assert piped.url == "-" and piped.body == b"A pasted article." and piped.content_type == "text/plain"


def test_read_source_caps_files_and_stdin(tmp_path: Path) -> None:
    settings = Settings(max_article_bytes=10)
    big = tmp_path / "big.html"
    big.write_bytes(b"<p>" + b"x" * 20)
    with pytest.raises(InputError, match="larger than"):
        read_source(str(big), _unused, settings)
    with pytest.raises(InputError, match="standard input larger than"):
        read_source("-", _unused, settings, stdin=io.BytesIO(b"y" * 11))


def test_read_source_bad_paths(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"no such file: .*missing\.html$"):
        read_source(str(tmp_path / "missing.html"), _unused, Settings())
    with pytest.raises(InputError, match="give its http:// or https:// URL"):
        read_source("www.example.com/story", _unused, Settings())
    with pytest.raises(InputError, match="is a directory"):
        read_source(str(tmp_path), _unused, Settings())
    binary = tmp_path / "photo.jpg"
    binary.write_bytes(b"\xff\xd8\xff\x00\x10JFIF")
    with pytest.raises(InputError, match="binary"):
        read_source(str(binary), _unused, Settings())
    with pytest.raises(InputError, match="only http:// and https://"):
        read_source("ftp://x.example/a", lambda: _client(_html), Settings())


def test_read_source_unreadable_file(tmp_path: Path) -> None:
    import os

    if os.geteuid() != 0:
        locked = tmp_path / "locked.html"
        locked.write_text("<p>")
        locked.chmod(0)
        with pytest.raises(InputError, match=r"cannot read .*: Permission denied"):
            read_source(str(locked), _unused, Settings())
    if Path("/proc/self/mem").exists():  # opens, then fails to read, even for root
        with pytest.raises(InputError, match="cannot read /proc/self/mem: "):
            read_source("/proc/self/mem", _unused, Settings())


def _unused() -> httpx.Client:
    raise AssertionError("no client expected")


def test_title_is_optional_and_lenient() -> None:
    assert extract_title(b"<html><body>no title</body></html>", "text/html") is None
    assert extract_title(b"<title></title>", "text/html") is None
    assert extract_title(b"<TITLE lang=fr>\xe9t\xe9</TITLE>", "text/html; charset=latin-1") == "été"
    assert extract_title(b"<title>x</title>", "text/plain") is None
    assert extract_title(b"<title>bad charset</title>", "text/html; charset=nonsense") == "bad charset"


LEGACY = "<html><head>{meta}<title>Новости дня</title></head><body><p>Войска продвинулись.</p></body></html>"
META_1251 = '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">'


def test_legacy_pages_are_read_in_the_charset_they_declare() -> None:
    in_meta = LEGACY.format(meta=META_1251).encode("cp1251")
    in_header = LEGACY.format(meta="").encode("cp1251")
    assert extract_title(in_meta, "text/html") == "Новости дня"
    assert extract_title(in_header, "text/html; charset=windows-1251") == "Новости дня"
    for body, content_type in ((in_meta, "text/html"), (in_header, "text/html; charset=windows-1251")):
        markup = article_markup(Article("u", "u", body, content_type))
        assert "<p>Войска продвинулись.</p>" in markup


def test_plain_text_is_shown_as_a_browser_shows_it() -> None:
    text = "First line <b>not bold</b>\n\nSecond — line".encode()
    assert article_markup(Article("u", "u", text, "text/plain")) == (
        '<pre style="white-space: pre-wrap">First line &lt;b&gt;not bold&lt;/b&gt;\n\nSecond — line</pre>'
    )
