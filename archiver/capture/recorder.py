"""Every HTTP response a browser context receives, kept as exchanges to write as a WARC.

    recorder = Recorder()
    context.on("response", recorder.on_response)
    ...
    write_warc(await recorder.exchanges(timeout=30, keep_set_cookie=True), software=...)

Our own credentials are never kept: a request's Cookie and Authorization headers are left
out, and, when the context carries a login (--storage-state), so are the responses' Set-Cookie.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from playwright.async_api import Error as PlaywrightError

from archiver.capture.warc import SECRET_REQUEST_HEADERS, Exchange

if TYPE_CHECKING:
    from playwright.async_api import Response

log = logging.getLogger(__name__)


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
        try:
            body = await response.body()
        except PlaywrightError:  # redirects and aborted loads have no body
            body = b""
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
    )
