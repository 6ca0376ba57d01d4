"""Every HTTP response a browser context receives, kept as exchanges to write as a WARC.

    recorder = Recorder()
    context.on("response", recorder.on_response)
    ...
    write_warc(await recorder.exchanges(timeout=30, keep_set_cookie=True), software=...)

Our own credentials are never kept: a request's Cookie and Authorization headers are left
out, and, when the context carries a login (--storage-state), so are the responses' Set-Cookie.

A body is read from the browser whole (the DevTools protocol hands it over at once, base64
in a string), so one larger than MAX_BODY is not read: its record is written without its
body and marked `WARC-Truncated: length`. The post's video and photos reach the archive by
our own download instead (streamed to disk, then a blob), and the WACZ export writes them as
records of their own from the blob. A body the browser no longer holds, or never handed over,
is marked `WARC-Truncated: unspecified` rather than written as empty.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from playwright.async_api import Error as PlaywrightError

from archiver.capture.warc import SECRET_REQUEST_HEADERS, Exchange

if TYPE_CHECKING:
    from playwright._impl._api_structures import HttpHeader
    from playwright.async_api import Response

log = logging.getLogger(__name__)

# The largest body read from the browser into memory for the WARC.
MAX_BODY = 32 * 1024 * 1024
# Answers that have no body to keep.
_BODYLESS = (204, 304)


class Recorder:
    """Keeps every http(s) response of a browser context, with when it arrived."""

    def __init__(self) -> None:
        self.responses: list[tuple[Response, datetime]] = []

    def on_response(self, response: Response) -> None:
        if response.url.startswith(("http://", "https://")):
            self.responses.append((response, datetime.now(timezone.utc)))

    async def exchanges(self, timeout: float, keep_set_cookie: bool) -> list[Exchange]:
        """The responses with their requests and bodies, as far as they can be read within
        `timeout` seconds (a body still streaming then is left out)."""
        tasks = [asyncio.ensure_future(_exchange(r, when, keep_set_cookie)) for r, when in self.responses]
        if not tasks:
            return []
        done, pending = await asyncio.wait(tasks, timeout=timeout)
        for task in pending:
            task.cancel()
        return [e for t in tasks if t in done and (e := t.result()) is not None]


async def _exchange(response: Response, when: datetime, keep_set_cookie: bool) -> Exchange | None:
    try:
        request = response.request
        request_headers = await request.headers_array()
        response_headers = await response.headers_array()
        body, truncated = await _body(response, request.method, response_headers)
    except PlaywrightError as exc:
        log.debug("WARC: cannot read %s: %s", response.url, exc)
        return None
    return Exchange(
        url=response.url,
        method=request.method,
        status=response.status,
        reason=response.status_text,
        body=body,
        request_headers=[
            (h["name"], h["value"])
            for h in request_headers
            if h["name"].lower() not in SECRET_REQUEST_HEADERS
        ],
        response_headers=[
            (h["name"], h["value"])
            for h in response_headers
            if keep_set_cookie or h["name"].lower() != "set-cookie"
        ],
        request_body=request.post_data_buffer or b"",
        date=when,
        truncated=truncated,
    )


async def _body(response: Response, method: str, headers: list[HttpHeader]) -> tuple[bytes, str | None]:
    """The response's body, and why it is not whole when it is not (a WARC-Truncated reason)."""
    if method == "HEAD" or response.status in _BODYLESS or 300 <= response.status < 400:
        return b"", None
    length = next((h["value"] for h in headers if h["name"].lower() == "content-length"), "")
    if length.strip().isdigit() and int(length) > MAX_BODY:
        log.debug("WARC: %s: %s bytes, not read from the browser", response.url, length.strip())
        return b"", "length"
    try:
        body = await response.body()
    except PlaywrightError as exc:  # evicted from the browser's buffer, or the load was aborted
        log.debug("WARC: no body for %s: %s", response.url, exc)
        return b"", "unspecified"
    if len(body) > MAX_BODY:  # sent without a length
        return b"", "length"
    return body, None
