"""The shared readers every platform's fetch_data leans on: lenient, never raising on odd input."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from archiver.errors import CaptureError, PostGone
from archiver.platforms import oembed


def test_iso_datetime():
    assert oembed.iso_datetime("2023-09-19T11:32:54.574Z") == "2023-09-19T11:32:54.574000+00:00"
    assert oembed.iso_datetime("2023-02-28T10:48:01+02:00") == "2023-02-28T08:48:01+00:00"
    assert oembed.iso_datetime("2023-02-28 08:48:01") == "2023-02-28T08:48:01+00:00"
    assert oembed.iso_datetime(1515600000) == "2018-01-10T16:00:00+00:00"
    for odd in (None, "", "yesterday", True, 10**20, [], {}):
        assert oembed.iso_datetime(odd) is None


def test_numbers_and_counts():
    assert oembed.as_int("1,234") == 1234 and oembed.as_int(7.0) == 7
    assert oembed.as_int(True) is None and oembed.as_int("12a") is None and oembed.as_int(1.5) is None
    assert oembed.counts(likes="4", replies=None, views="many") == {"likes": 4}


def test_html_to_text():
    assert (
        oembed.html_to_text("<p>One <a href='#'>#tag</a></p><p>two<br>three</p>") == "One #tag\n\ntwo\nthree"
    )
    assert oembed.html_to_text("source\n   newlines  <b>collapse</b>") == "source newlines collapse"
    assert oembed.html_to_text("") is None and oembed.html_to_text("<p> </p>") is None


def test_media_and_mapping():
    assert oembed.media(None, "image") is None
    assert oembed.media("https://x/a.jpg", "image", " ", width=None) == {
        "url": "https://x/a.jpg",
        "type": "image",
        "alt": None,
    }
    assert oembed.mapping([1]) == {} and oembed.mapping({"a": 1}) == {"a": 1}


def _get(code: int, gone: dict[int, str] | None = None, content: bytes = b"{}") -> httpx.Response:
    async def run() -> httpx.Response:
        transport = httpx.MockTransport(lambda request: httpx.Response(code, content=content))
        async with httpx.AsyncClient(transport=transport) as client:
            if gone is None:
                return await oembed.get(client, "https://example.test/x")
            return await oembed.get(client, "https://example.test/x", gone=gone)

    return asyncio.run(run())


def test_get_reads_only_the_named_statuses_as_gone():
    with pytest.raises(PostGone) as deleted:
        _get(410)
    assert (deleted.value.status, deleted.value.http_status) == ("deleted", 410)
    with pytest.raises(PostGone) as protected:
        _get(403, {403: "protected"})
    assert protected.value.status == "protected"
    with pytest.raises(httpx.HTTPStatusError):
        _get(403)
    with pytest.raises(httpx.HTTPStatusError):
        _get(429, {404: "deleted"})
    assert _get(200).status_code == 200


def test_json_errors_are_capture_errors_not_statuses():
    response = _get(200, content=b"<html>not json</html>")
    with pytest.raises(CaptureError) as error:
        oembed.json_object(response)
    assert not isinstance(error.value, PostGone)
    with pytest.raises(CaptureError):
        oembed.json_object(_get(200, content=b"[1, 2]"))
