"""Writing the HTTP traffic a capture saw as one WARC file (warcio's manual writer API).

Each exchange becomes a `request` record and a `response` record pointing at each other
(WARC-Concurrent-To); warcio adds the block and payload digests. Bodies here are what the
browser handed back, already decoded, so headers describing the wire encoding
(Content-Encoding, Transfer-Encoding, a stale Content-Length) are rewritten to match the bytes
stored; the originals are kept as X-Archive-Orig-* headers. A request's credentials (Cookie,
Authorization and the like: SECRET_REQUEST_HEADERS) are never written, whoever made the exchange.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http import HTTPStatus
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

# What the records are written as, and what the warcinfo record says they are.
WARC_VERSION = "1.0"
# Our own credentials: the login cookies, and what repeats them (X sends its csrf cookie back as a header).
SECRET_REQUEST_HEADERS = ("cookie", "authorization", "proxy-authorization", "x-csrf-token")
# Headers whose value describes bytes on the wire, not the body we keep.
_WIRE_HEADERS = ("content-encoding", "transfer-encoding", "content-length")


@dataclass(frozen=True)
class Exchange:
    """One HTTP request and the response to it, as received."""

    url: str
    method: str
    status: int
    body: bytes
    request_headers: Sequence[tuple[str, str]] = ()
    response_headers: Sequence[tuple[str, str]] = ()
    request_body: bytes = b""
    reason: str = ""
    date: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    # Why `body` is not the whole body, when it is not: a WARC-Truncated reason ("length",
    # "time", "disconnect", "unspecified"); the record then says so.
    truncated: str | None = None


def stored_headers(headers: Iterable[tuple[str, str]], body_length: int) -> list[tuple[str, str]]:
    """Response headers true to a decoded body: wire encodings moved aside, a fresh Content-Length."""
    kept: list[tuple[str, str]] = []
    for name, value in headers:
        lower = name.lower()
        if lower.startswith(":"):  # HTTP/2 pseudo-headers are not HTTP/1.1 headers
            continue
        if lower in _WIRE_HEADERS:
            if lower != "content-length" or value.strip() != str(body_length):
                kept.append((f"X-Archive-Orig-{name}", value))
            continue
        kept.append((name, value))
    kept.append(("Content-Length", str(body_length)))
    return kept


def _iso(date: datetime) -> str:
    return date.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _request_line(exchange: Exchange) -> str:
    parts = urlsplit(exchange.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return f"{exchange.method} {target} HTTP/1.1"


def write_warc(exchanges: Iterable[Exchange], *, software: str, info: dict[str, str] | None = None) -> bytes:
    """A complete uncompressed WARC file: a warcinfo record, then request/response pairs."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=False, warc_version=WARC_VERSION)
    fields = {"software": software, "format": f"WARC File Format {WARC_VERSION}", **(info or {})}
    writer.write_record(writer.create_warcinfo_record("capture.warc", fields))
    for exchange in exchanges:
        date = _iso(exchange.date)
        reason = exchange.reason or _reason(exchange.status)
        response_headers = StatusAndHeaders(
            f"{exchange.status} {reason}".strip(),
            stored_headers(exchange.response_headers, len(exchange.body)),
            protocol="HTTP/1.1",
        )
        response = writer.create_warc_record(
            exchange.url,
            "response",
            payload=io.BytesIO(exchange.body),
            length=len(exchange.body),
            http_headers=response_headers,
            warc_headers_dict={
                "WARC-Date": date,
                **({"WARC-Truncated": exchange.truncated} if exchange.truncated else {}),
            },
        )
        has_host = any(name.lower() == "host" for name, _ in exchange.request_headers)
        host = [] if has_host else [("Host", urlsplit(exchange.url).netloc)]
        request_headers = StatusAndHeaders(
            _request_line(exchange),
            [*host, *((n, v) for n, v in exchange.request_headers if _kept_request_header(n))],
            is_http_request=True,
        )
        request = writer.create_warc_record(
            exchange.url,
            "request",
            payload=io.BytesIO(exchange.request_body),
            length=len(exchange.request_body),
            http_headers=request_headers,
            warc_headers_dict={
                "WARC-Date": date,
                "WARC-Concurrent-To": response.rec_headers.get_header("WARC-Record-ID"),
            },
        )
        writer.write_record(response)
        writer.write_record(request)
    return out.getvalue()


def _kept_request_header(name: str) -> bool:
    return not name.startswith(":") and name.lower() not in SECRET_REQUEST_HEADERS


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
