"""WARC writing: a round trip through warcio's own reader."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import io
from datetime import datetime, timezone

from warcio.archiveiterator import ArchiveIterator

from archiver.capture.recorder import Recorder
from archiver.capture.warc import Exchange, stored_headers, write_warc

IMAGE = bytes(range(256)) * 4
JSON = b'{"id_str": "1"}'


def sha1_digest(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode()


def exchanges() -> list[Exchange]:
    when = datetime(2024, 8, 7, 14, 3, tzinfo=timezone.utc)
    return [
        Exchange(
            url="https://cdn.syndication.twimg.com/tweet-result?id=1&token=x&lang=en",
            method="GET",
            status=200,
            body=JSON,
            request_headers=[("accept", "*/*"), ("user-agent", "test")],
            response_headers=[
                ("content-type", "application/json"),
                ("content-encoding", "gzip"),  # the browser decoded it: must not stay
                ("content-length", "9"),
                ("set-cookie", "a=1"),
                ("set-cookie", "b=2"),
            ],
            date=when,
        ),
        Exchange(
            url="https://pbs.twimg.com/media/a.jpg",
            method="GET",
            status=200,
            body=IMAGE,
            response_headers=[("content-type", "image/jpeg"), ("transfer-encoding", "chunked")],
            date=when,
        ),
        Exchange(
            url="https://t.co/abc",
            method="GET",
            status=301,
            body=b"",
            reason="Moved Permanently",
            response_headers=[("location", "https://twitter.com/x/status/1")],
            date=when,
        ),
        Exchange(
            url="https://example.org/form",
            method="POST",
            status=204,
            body=b"",
            request_body=b"q=1",
            request_headers=[("content-type", "application/x-www-form-urlencoded")],
        ),
    ]


def test_round_trip_through_archive_iterator() -> None:
    data = write_warc(exchanges(), software="embed-archiver test", info={"post": "twitter/1"})
    records, bodies = [], []
    for record in ArchiveIterator(io.BytesIO(data), check_digests="raise"):
        records.append(record)
        bodies.append(record.content_stream().read())  # the iterator streams: read as we go
    assert [r.rec_type for r in records] == ["warcinfo"] + ["response", "request"] * 4
    info = bodies[0].decode()
    assert "software: embed-archiver test" in info and "post: twitter/1" in info
    # The warcinfo says the version the records are written in.
    assert "format: WARC File Format 1.0" in info
    assert {r.rec_headers.protocol for r in records} == {"WARC/1.0"}

    responses = [r for r in records if r.rec_type == "response"]
    requests = [r for r in records if r.rec_type == "request"]
    for response, request in zip(responses, requests, strict=True):
        assert request.rec_headers.get_header("WARC-Concurrent-To") == response.rec_headers.get_header(
            "WARC-Record-ID"
        )
        assert request.rec_headers.get_header("WARC-Target-URI") == response.rec_headers.get_header(
            "WARC-Target-URI"
        )

    syndication = responses[0]
    assert syndication.rec_headers.get_header("WARC-Date") == "2024-08-07T14:03:00Z"
    assert syndication.http_headers.get_statuscode() == "200"
    assert syndication.http_headers.get_header("Content-Encoding") is None
    assert syndication.http_headers.get_header("X-Archive-Orig-content-encoding") == "gzip"
    assert syndication.http_headers.get_header("Content-Length") == str(len(JSON))
    assert [v for k, v in syndication.http_headers.headers if k == "set-cookie"] == ["a=1", "b=2"]
    assert bodies[1] == JSON
    assert syndication.rec_headers.get_header("WARC-Payload-Digest") == sha1_digest(JSON)

    image = responses[1]
    assert bodies[3] == IMAGE
    assert image.http_headers.get_header("Transfer-Encoding") is None
    assert image.rec_headers.get_header("WARC-Payload-Digest") == sha1_digest(IMAGE)

    redirect = responses[2]
    assert redirect.http_headers.statusline == "301 Moved Permanently"
    assert redirect.http_headers.get_header("location") == "https://twitter.com/x/status/1"

    assert requests[0].http_headers.protocol == "GET"
    assert requests[0].http_headers.get_header("Host") == "cdn.syndication.twimg.com"
    post = requests[3]
    assert (post.http_headers.protocol, post.http_headers.statusline) == ("POST", "/form HTTP/1.1")
    assert bodies[8] == b"q=1"
    assert responses[3].http_headers.statusline == "204 No Content"


def test_stored_headers_keep_a_true_length_quietly() -> None:
    assert stored_headers([("Content-Length", "3"), ("x", "y")], 3) == [("x", "y"), ("Content-Length", "3")]
    assert stored_headers([(":status", "200")], 0) == [("Content-Length", "0")]


# The recorder, over stand-ins for Playwright's Request and Response.


class FakeRequest:
    method = "GET"
    post_data_buffer = None

    async def headers_array(self) -> list[dict[str, str]]:
        return [
            {"name": "Cookie", "value": "auth_token=secret"},
            {"name": "Authorization", "value": "Bearer secret"},
            {"name": "x-csrf-token", "value": "secret"},
            {"name": "Accept", "value": "*/*"},
        ]


class FakeResponse:
    status, status_text = 200, "OK"

    def __init__(self, url: str, body: bytes, stalls: bool = False) -> None:
        self.url, self._body, self._stalls = url, body, stalls
        self.request = FakeRequest()

    async def headers_array(self) -> list[dict[str, str]]:
        return [{"name": "Set-Cookie", "value": "ct0=secret"}, {"name": "Content-Type", "value": "text/html"}]

    async def body(self) -> bytes:
        if self._stalls:  # a stream that never ends
            await asyncio.sleep(60)
        return self._body


def test_the_recorder_keeps_our_credentials_and_unfinished_bodies_out() -> None:
    recorder = Recorder()
    for response in (
        FakeResponse("https://platform.twitter.com/embed", b"<html>"),
        FakeResponse("https://video.twimg.com/live.m3u8", b"", stalls=True),
        FakeResponse("data:image/png;base64,AAAA", b""),
    ):
        recorder.on_response(response)  # type: ignore[arg-type]

    logged_in = asyncio.run(recorder.exchanges(0.2, keep_set_cookie=False))
    assert [e.url for e in logged_in] == ["https://platform.twitter.com/embed"]
    assert logged_in[0].request_headers == [("Accept", "*/*")]
    assert logged_in[0].response_headers == [("Content-Type", "text/html")]
    assert b"secret" not in write_warc(logged_in, software="test")

    anonymous = asyncio.run(recorder.exchanges(0.2, keep_set_cookie=True))
    assert ("Set-Cookie", "ct0=secret") in anonymous[0].response_headers  # the site's own, kept
    assert anonymous[0].request_headers == [("Accept", "*/*")]


class SizedResponse(FakeResponse):
    """A response with a Content-Length (or none), whose body the browser may no longer hold."""

    def __init__(self, url: str, body: bytes, *, length: int | None, gone: bool = False) -> None:
        super().__init__(url, body)
        self.length, self.gone, self.asked = length, gone, False

    async def headers_array(self) -> list[dict[str, str]]:
        sized = [] if self.length is None else [{"name": "Content-Length", "value": str(self.length)}]
        return [{"name": "Content-Type", "value": "video/mp4"}, *sized]

    async def body(self) -> bytes:
        from playwright.async_api import Error as PlaywrightError

        self.asked = True
        if self.gone:
            raise PlaywrightError(
                "Protocol error (Network.getResponseBody): No resource with given identifier"
            )
        return self._body


def test_a_body_too_large_or_lost_is_marked_truncated_not_kept_empty(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import archiver.capture.recorder as recorder_module

    monkeypatch.setattr(recorder_module, "MAX_BODY", 1000)
    big = SizedResponse("https://video.example/big.mp4", b"v" * 5000, length=5000)
    unsized = SizedResponse("https://video.example/stream.mp4", b"s" * 5000, length=None)
    lost = SizedResponse("https://video.example/lost.mp4", b"", length=10, gone=True)
    small = SizedResponse("https://video.example/small.mp4", b"m" * 10, length=10)
    recorder = Recorder()
    for response in (big, unsized, lost, small):
        recorder.on_response(response)  # type: ignore[arg-type]
    kept = {e.url.rsplit("/", 1)[1]: e for e in asyncio.run(recorder.exchanges(5, keep_set_cookie=True))}

    assert not big.asked  # never read from the browser at all: its length said it was too large
    assert (kept["big.mp4"].body, kept["big.mp4"].truncated) == (b"", "length")
    assert (kept["stream.mp4"].body, kept["stream.mp4"].truncated) == (b"", "length")
    assert (kept["lost.mp4"].body, kept["lost.mp4"].truncated) == (b"", "unspecified")
    assert (kept["small.mp4"].body, kept["small.mp4"].truncated) == (b"m" * 10, None)

    records = {}  # name -> (WARC-Truncated, body), read as the iterator passes each record
    for record in ArchiveIterator(io.BytesIO(write_warc(kept.values(), software="test"))):
        if record.rec_type == "response":
            name = record.rec_headers.get_header("WARC-Target-URI").rsplit("/", 1)[1]
            records[name] = (record.rec_headers.get_header("WARC-Truncated"), record.content_stream().read())
    assert records["big.mp4"] == ("length", b"")
    assert records["lost.mp4"] == ("unspecified", b"")
    assert records["small.mp4"] == (None, b"m" * 10)
