"""The HTTP client (httpx), and reading an article from a URL, a file or standard input.

Every client comes from make_client / make_async_client, so one place decides the timeouts,
redirects, user agent, proxy, trusted CAs and the network guard (guard.py: every request, each
redirect hop, checked; direct connections pinned to the address checked). A `transport` passed
in (httpx.MockTransport in tests, the offline world's) stands for the whole network: no proxy is
mounted in front of it, and the guard checks its URLs' literal addresses only.

The logins (the storage states' cookies, each to its own domain only) and Meta's access token
reach every request through each client's innermost transport (credentials.py), so that what
the client logs, the guard checks and a response hands back never carries them. The shared
asynchronous client (data, media, re-checks) keeps no cookie a server sets.
"""

from __future__ import annotations

import html
import re
import ssl
import sys
import time
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit

import certifi
import httpx

from archiver.cookies import LoginJar, client_jar
from archiver.credentials import Credentials
from archiver.credentials import needs_meta_token as needs_meta_token  # re-exported: Meta's rule
from archiver.decode import to_text
from archiver.errors import FetchError, InputError, Refused, SettingsError
from archiver.guard import Guard, GuardTransport, guard_client, guard_transport
from archiver.models import Article
from archiver.settings import Settings

MAX_REDIRECTS = 10
ACCEPT = "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.5"
HTML_TYPES = ("text/html", "application/xhtml+xml")
TEXT_TYPES = ("text/plain",)  # an article pasted or saved as flattened text
_URL_LIKE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_HOST_LIKE = re.compile(r"^(www\.)?[\w-]+(\.[\w-]+)+(/|$)")
_TITLE = re.compile(r"<title[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)
_CHUNK = 64 * 1024


def ssl_context(settings: Settings) -> ssl.SSLContext | bool:
    """What the client verifies servers against: certifi and the system store, plus our CA.

    True (httpx's own default, certifi) when no extra CA bundle is set.
    """
    if settings.ca_bundle is None:
        return True
    context = ssl.create_default_context(cafile=certifi.where())
    context.set_default_verify_paths()
    try:
        context.load_verify_locations(cafile=str(settings.ca_bundle))
    except (ssl.SSLError, OSError) as exc:
        reason = getattr(exc, "reason", None) or getattr(exc, "strerror", None) or exc
        raise SettingsError(f"CA bundle {settings.ca_bundle} is not usable: {reason}") from None
    return context


def _client_options(settings: Settings, *, keep_answer_cookies: bool) -> dict[str, Any]:
    return {
        "timeout": httpx.Timeout(settings.fetch_timeout),
        "follow_redirects": True,
        "max_redirects": MAX_REDIRECTS,
        "headers": {"User-Agent": settings.user_agent},
        "verify": ssl_context(settings),
        # With no proxy of our own, httpx reads HTTPS_PROXY/HTTP_PROXY/ALL_PROXY and NO_PROXY.
        "trust_env": True,
        # The logins are not the client's cookies but Credentials' (credentials.py); a client
        # that keeps no answer's cookie gets a jar that takes none in.
        "cookies": None if keep_answer_cookies else LoginJar(),
    }


def _innermost(transport: Any, credentials: Callable[[Any], Credentials]) -> Any:
    """`transport` with Credentials just in front of its sending: behind the guard, if any."""
    if isinstance(transport, GuardTransport):
        transport.inner = credentials(transport.inner)
        return transport
    return credentials(transport)


def _credentials(settings: Settings) -> Callable[[Any], Credentials]:
    """What wraps a transport in the settings' Credentials (their logins read once)."""
    jar = client_jar(settings)
    return lambda inner: Credentials(inner, jar, settings.meta_access_token)


def _authorize_client(
    client: httpx.Client | httpx.AsyncClient, credentials: Callable[[Any], Credentials]
) -> None:
    """Credentials inside every transport httpx built for `client` (direct and each proxy's)."""
    wrapped: Any = _innermost(client._transport, credentials)
    client._transport = wrapped
    mounts: Any = {
        pattern: None if mounted is None else _innermost(mounted, credentials)
        for pattern, mounted in client._mounts.items()
    }
    client._mounts = mounts


def _proxy(settings: Settings) -> str | None:
    # Only our own setting is passed explicitly: it then carries every request, NO_PROXY or
    # not. The standard variables are left to httpx, which also honours NO_PROXY for them.
    return settings.proxy


def make_client(
    settings: Settings, transport: httpx.BaseTransport | None = None, *, guard: Guard | None = None
) -> httpx.Client:
    """The synchronous HTTP client for `settings`, behind `guard` (by default the settings'
    own, trusting no host: what the user named is the caller's to say). It serves one
    operation (an article, its short links, the watched feeds), so it keeps the cookies servers
    set, as a browser tab would, besides the logins."""
    options = _client_options(settings, keep_answer_cookies=True)
    credentials = _credentials(settings)
    if guard is None:
        guard = Guard.for_settings(settings)
    try:
        if transport is not None:
            return httpx.Client(transport=guard_transport(credentials(transport), guard), **options)
        client = httpx.Client(proxy=_proxy(settings), **options)
    except ValueError as exc:  # a proxy URL httpx cannot use, ours or the environment's
        raise SettingsError(f"proxy not usable: {exc}") from None
    guard_client(client, guard)
    _authorize_client(client, credentials)
    return client


def make_async_client(
    settings: Settings, transport: httpx.AsyncBaseTransport | None = None, *, guard: Guard | None = None
) -> httpx.AsyncClient:
    """The asynchronous HTTP client for `settings`, configured and guarded like make_client's.
    It serves every platform's data, media and re-checks at once, so it keeps no cookie a
    server sets: each request carries the logins only, and nothing one platform's answer set
    reaches another's request."""
    options = _client_options(settings, keep_answer_cookies=False)
    options["event_hooks"] = {"response": [_whole_answer(settings.max_article_bytes, settings.fetch_timeout)]}
    credentials = _credentials(settings)
    if guard is None:
        guard = Guard.for_settings(settings)
    try:
        if transport is not None:
            return httpx.AsyncClient(transport=guard_transport(credentials(transport), guard), **options)
        client = httpx.AsyncClient(proxy=_proxy(settings), **options)
    except ValueError as exc:
        raise SettingsError(f"proxy not usable: {exc}") from None
    guard_client(client, guard)
    _authorize_client(client, credentials)
    return client


class AnswerTooLarge(httpx.RequestError):
    """An answer read whole (a platform's data, a page it serves) larger than the client takes."""


# The request extension by which a download that streams its answer and caps it itself
# (media.download) tells the shared asynchronous client to leave the answer to it.
STREAMED = "archiver.streamed"


def _whole_answer(limit: int, seconds: float) -> Callable[[httpx.Response], Awaitable[None]]:
    """The asynchronous client's response hook: reads each answer (but a STREAMED one) as it
    comes, decoded, and refuses it past `limit` bytes (AnswerTooLarge) or `seconds` in all
    (httpx.ReadTimeout, where httpx's own timeout is per read: a server sending a byte now and
    then would hold the request for ever; a read that stalls ends by httpx's timeout, so the
    whole is at most `seconds` and one read timeout). A stranger's server answering a post's
    data with a video, a slow drip or a compression bomb costs a bounded wait and memory."""

    async def read(response: httpx.Response) -> None:
        request = response.request
        if request.extensions.get(STREAMED):
            return
        host = request.url.host
        too_large = AnswerTooLarge(f"answer larger than {_megabytes(limit)} MB from {host}", request=request)
        too_slow = httpx.ReadTimeout(f"answer from {host} not read within {seconds:g}s", request=request)
        capped = _Capped(limit, too_large, (time.monotonic() + seconds, too_slow), response.headers)
        async for chunk in response.aiter_bytes():  # a read that stalls: httpx's read timeout
            capped.take(chunk)
        response._content = capped.body()  # what aread() hands back (httpx keeps the body there)

    return read


def check_url(url: str) -> None:
    """An InputError unless `url` is an http(s) URL with a host."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        raise InputError(f"not a valid URL: {url}") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise InputError(f"only http:// and https:// URLs can be fetched, not {url}")
    if not parts.hostname:
        raise InputError(f"URL has no host: {url}")


def fetch_article(client: httpx.Client, url: str, settings: Settings) -> Article:
    """GET `url` as an article: an HTML page (or plain text), at most settings.max_article_bytes.

    The body must arrive within settings.fetch_timeout, however it trickles in: the client's
    own timeouts bound each read, not a server that sends a byte a second forever.
    """
    check_url(url)
    limit = settings.max_article_bytes
    too_slow = f"timed out after {settings.fetch_timeout:g}s fetching {url}"
    deadline = time.monotonic() + settings.fetch_timeout
    try:
        with client.stream("GET", url, headers={"Accept": ACCEPT}) as response:
            final_url = str(response.url)
            if not 200 <= response.status_code < 300:
                raise FetchError(
                    f"HTTP {response.status_code} {response.reason_phrase} for {final_url}",
                    status=response.status_code,
                )
            content_type = response.headers.get("content-type", "")
            _check_type(_mime(content_type), final_url)
            too_big = FetchError(f"page larger than {_megabytes(limit)} MB: {final_url}")
            capped = _Capped(limit, too_big, (deadline, FetchError(too_slow)), response.headers)
            body = capped.read(response.iter_bytes())
            status = response.status_code
    except Refused:  # the guard's one line says it all (a redirect hop's URL included)
        raise
    except httpx.TooManyRedirects:
        raise FetchError(f"more than {MAX_REDIRECTS} redirects fetching {url}") from None
    except httpx.TimeoutException:
        raise FetchError(too_slow) from None
    except httpx.ProxyError as exc:
        raise FetchError(f"proxy refused {url}: {_one_line(exc)}") from None
    except httpx.ConnectError as exc:
        raise FetchError(f"cannot connect to {urlsplit(url).hostname}: {_one_line(exc)}") from None
    except httpx.UnsupportedProtocol as exc:  # a redirect to ftp:// and the like
        raise FetchError(f"cannot follow {url}: {_one_line(exc)}") from None
    except httpx.HTTPError as exc:
        raise FetchError(f"network error fetching {url}: {_one_line(exc)}") from None
    if not content_type:
        content_type = _sniff(body, final_url)
    return Article(
        url=url,
        final_url=final_url,
        body=body,
        content_type=content_type,
        status=status,
        title=extract_title(body, content_type),
    )


def source_problem(source: str) -> str | None:
    """What makes SOURCE no source at all, told without reading it: a control character (a
    newline, a NUL) in it, or a file that is not there. None when it may be read."""
    if any(ord(c) < 32 or ord(c) == 127 for c in source):
        shown = "".join(c if c.isprintable() else "?" for c in source)
        return f"not a URL or file name (a control character in it): {shown!r}"
    if _URL_LIKE.match(source) or source == "-":
        return None
    if not Path(source).expanduser().exists():
        hint = " (for a web page, give its http:// or https:// URL)" if _HOST_LIKE.match(source) else ""
        return f"no such file: {source}{hint}"
    return None


def read_source(
    source: str,
    client_factory: Callable[[], httpx.Client],
    settings: Settings,
    stdin: BinaryIO | None = None,
) -> Article:
    """The article SOURCE names: an http(s) URL, a file path, or "-" for standard input.

    Anything with a scheme ("xxx://") is a URL; `client_factory` is called only then, and the
    client is closed afterwards. Files and standard input are capped like pages.
    """
    problem = source_problem(source)
    if problem is not None:
        raise InputError(problem)
    limit = settings.max_article_bytes
    too_big = f"larger than {_megabytes(limit)} MB"
    if _URL_LIKE.match(source):
        with client_factory() as client:
            return fetch_article(client, source, settings)
    if source == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        body = _Capped(limit, FetchError(f"standard input {too_big}")).read(
            iter(lambda: stream.read(_CHUNK), b"")
        )
        content_type = _sniff(body, "standard input")
        return Article("-", "-", body, content_type, title=extract_title(body, content_type))
    path = Path(source).expanduser()
    try:
        with path.open("rb") as file:
            body = _Capped(limit, FetchError(f"{source} is {too_big}")).read(
                iter(lambda: file.read(_CHUNK), b"")
            )
    except FileNotFoundError:
        hint = " (for a web page, give its http:// or https:// URL)" if _HOST_LIKE.match(source) else ""
        raise InputError(f"no such file: {source}{hint}") from None
    except IsADirectoryError:
        raise InputError(f"{source} is a directory, not an article") from None
    except OSError as exc:
        raise InputError(f"cannot read {source}: {exc.strerror or exc}") from None
    if path.suffix.lower() in (".html", ".htm", ".xhtml"):
        content_type = "text/html"
    elif path.suffix.lower() in (".txt", ".text"):
        content_type = "text/plain"
    else:
        content_type = _sniff(body, source)
    uri = path.resolve().as_uri()
    return Article(uri, uri, body, content_type, title=extract_title(body, content_type))


def extract_title(body: bytes, content_type: str) -> str | None:
    """The page's <title>, when it has one near the top; None otherwise."""
    if _mime(content_type) not in HTML_TYPES:
        return None
    try:
        head = to_text(body[: 256 * 1024], content_type)  # in its declared charset, meta included
    except InputError:
        return None
    match = _TITLE.search(head)
    if not match:
        return None
    return " ".join(html.unescape(match.group(1)).split()) or None


def article_markup(article: Article) -> str:
    """The article as markup to hand a browser: HTML decoded as a browser would (BOM, the
    Content-Type's charset, a <meta> one); plain text shown the way a browser shows it, in a <pre>."""
    text = to_text(article.body, article.content_type)
    if _mime(article.content_type) in TEXT_TYPES:
        return f'<pre style="white-space: pre-wrap">{html.escape(text)}</pre>'
    return text


class _Capped:
    """One body read as it comes (`take` each piece): `too_big` raised past `limit` bytes, or at
    once when the `headers` given declare more; with a `deadline` (a monotonic time and what to
    raise), that past it. Shared by the article's fetch, a file or stdin read, and the
    asynchronous client's answers (_whole_answer)."""

    def __init__(
        self,
        limit: int,
        too_big: Exception,
        deadline: tuple[float, Exception] | None = None,
        headers: httpx.Headers | None = None,
    ) -> None:
        self.limit, self.too_big, self.deadline = limit, too_big, deadline
        self.parts: list[bytes] = []
        self.size = 0
        declared = headers.get("content-length", "") if headers is not None else ""
        if declared.isdigit() and int(declared) > limit:
            raise too_big

    def take(self, chunk: bytes) -> None:
        if self.deadline is not None and time.monotonic() > self.deadline[0]:
            raise self.deadline[1]
        self.size += len(chunk)
        if self.size > self.limit:
            raise self.too_big
        self.parts.append(chunk)

    def body(self) -> bytes:
        return b"".join(self.parts)

    def read(self, chunks: Iterable[bytes]) -> bytes:
        for chunk in chunks:
            self.take(chunk)
        return self.body()


def _check_type(mime: str, url: str) -> None:
    if not mime or mime in HTML_TYPES or mime in TEXT_TYPES:
        return
    kind = mime.split("/")[0]
    what = {"image": "an image", "video": "a video", "audio": "audio"}.get(kind)
    if mime == "application/pdf":
        what = "a PDF"
    raise FetchError(f"not a web page: {url} is {what or mime} ({mime}), not HTML or text")


def _sniff(body: bytes, where: str) -> str:
    """A content type for bytes that came without one: HTML, text, or an InputError."""
    head = body[:4096]
    if b"\x00" in head:
        raise InputError(f"{where} is binary, not an HTML page or text")
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return "text/html"
    return "text/plain"


def _mime(content_type: str) -> str:
    return content_type.split(";")[0].strip().lower()


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.3g}"


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text or type(exc).__name__
