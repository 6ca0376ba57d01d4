"""X/Twitter structured data: the syndication token, the normalizer, fetch_data's answers."""

from __future__ import annotations

import asyncio
import json
import math
import random
from pathlib import Path
from typing import Any

import httpx
import pytest
from shared_support import shared_path

from archiver.errors import CaptureError, PostGone
from archiver.platforms import twitter
from archiver.platforms.twitter import _js_radix_string, fetch_data, normalize, syndication_token

FIXTURES = Path(__file__).resolve().parents[1] / "offline_world" / "fixtures" / "twitter"


def load_fixture(tweet_id: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"tweet-result-{tweet_id}.json").read_text(encoding="utf-8"))


def test_token_known_pairs() -> None:
    assert syndication_token(1874097816571961839) == "4jjngwkifa"
    assert syndication_token("1674700676612386816") == "42586mwa3uv"


def test_radix_string_matches_exact_values() -> None:
    # Values whose base-36 form is exact: integers and short binary fractions.
    assert _js_radix_string(0.5) == "0.i"
    assert _js_radix_string(35.0) == "z"
    assert _js_radix_string(36.25) == "10.9"
    assert _js_radix_string(1295.0) == "zz"


def test_radix_string_reads_back_to_the_same_double() -> None:
    # The digits JavaScript writes are the shortest that still identify the double: parsing them
    # back must give the very same value, for any tweet-sized id.
    rng = random.Random(7)
    for _ in range(500):
        value = rng.randrange(10**15, 2**63) / 1e15 * math.pi
        text = _js_radix_string(value)
        whole, _, frac = text.partition(".")
        back = int(whole, 36) + sum(int(d, 36) / 36 ** (i + 1) for i, d in enumerate(frac))
        assert math.isclose(back, value, rel_tol=0, abs_tol=2 * math.ulp(value))


def check_shape_tweet(data: Any) -> None:
    assert data.platform == "twitter"
    assert data.post_id == "1703436713362870723"
    assert data.url == "https://twitter.com/rhaksw/status/1703436713362870723"
    assert (data.author_name, data.author_handle) == ("Robert Hawkins", "rhaksw")
    assert data.created_at == "2023-09-17T15:52:15.000Z"
    assert data.text.startswith("Senator @RonWyden is doing an AMA")
    assert data.lang == "en"
    assert data.media == []  # a link card is not the tweet's media
    assert data.counts == {"likes": 0, "replies": 1}
    assert data.extra["edit_ids"] == ["1703436713362870723"]
    assert data.extra["urls"][0].startswith("https://reddit.com/r/technology/")
    assert "raw" not in data.normalized()


def test_normalize_real_shape() -> None:
    path = shared_path("shapes/twitter_syndication_tweet-result.json")
    raw = path.read_bytes()
    data = normalize(json.loads(raw), raw=raw)
    check_shape_tweet(data)
    assert data.raw == raw


def test_normalize_fixture_copy_of_the_shape() -> None:
    check_shape_tweet(normalize(load_fixture("1703436713362870723")))


def test_normalize_photos_at_original_size_with_alt_text() -> None:
    data = normalize(load_fixture("1821185274147889728"))
    assert [m["type"] for m in data.media] == ["photo", "photo"]
    assert data.media[0]["url"] == "https://pbs.twimg.com/media/GUYk3xFWoAAq1Zs?format=jpg&name=orig"
    assert data.media[0]["alt"].startswith("Ukrainian soldiers escort")
    assert (data.media[0]["width"], data.media[0]["height"]) == (640, 400)


def test_normalize_video_takes_best_bitrate_mp4() -> None:
    data = normalize(load_fixture("1821209936655409728"))
    (video,) = data.media
    assert video["type"] == "video"
    assert video["url"].endswith("/1280x720/Zk9Tb1vHh3QwLm4R.mp4?tag=12")
    assert video["bitrate"] == 2176000
    assert video["duration_ms"] == 44200
    assert video["preview"].startswith("https://pbs.twimg.com/ext_tw_video_thumb/")


def test_normalize_flattened_photos_and_video_fields() -> None:
    answer = load_fixture("1821209936655409728")
    del answer["mediaDetails"]
    (video,) = normalize(answer).media
    assert video["url"].endswith("/1280x720/Zk9Tb1vHh3QwLm4R.mp4?tag=12")
    answer = load_fixture("1821185274147889728")
    del answer["mediaDetails"]
    assert [m["url"].rsplit("/", 1)[1] for m in normalize(answer).media] == [
        "GUYk3xFWoAAq1Zs?format=jpg&name=orig",
        "GUYk3xGWAAAbKp7?format=jpg&name=orig",
    ]


def test_normalize_note_tweet_reply_quote_edits() -> None:
    answer = load_fixture("1821221560231620608")
    data = normalize(answer)
    assert data.text == answer["note_tweet"]["note_tweet_results"]["result"]["text"]
    assert len(data.text) > len(answer["text"])
    assert data.extra["in_reply_to_id"] == "1821185274147889728"
    assert data.extra["in_reply_to_handle"] == "AggregateOsint"
    assert data.extra["quoted_id"] == "1821209936655409728"
    assert data.extra["edit_ids"] == ["1821219950000000000", "1821221560231620608"]
    assert data.extra["initial_id"] == "1821219950000000000"
    assert data.counts == {"likes": 57, "replies": 4, "retweets": 12, "quotes": 3}


def test_normalize_unwraps_visibility_results() -> None:
    inner = load_fixture("1821185274147889728")
    data = normalize({"__typename": "TweetWithVisibilityResults", "tweet": inner})
    assert data.post_id == "1821185274147889728"


def tombstones() -> list[dict[str, Any]]:
    path = shared_path("shapes/twitter_syndication_tombstone_TEST-AUTHORED.json")
    return list(json.loads(path.read_text(encoding="utf-8")))


def tomb(text: str) -> dict[str, Any]:
    return {"__typename": "TweetTombstone", "tombstone": {"text": {"text": text}}}


@pytest.mark.parametrize(
    ("answer", "status"),
    [
        (tomb("This Post was deleted"), "deleted"),
        (tomb("This Post was deleted by the Post author. Learn more"), "deleted"),
        (tomb("This Post is unavailable."), "unavailable"),
        ({"__typename": "TweetTombstone", "tombstone": {}}, "unavailable"),
        ({"__typename": "TweetTombstone"}, "unavailable"),
        (tomb("This Post is from a suspended account. Learn more"), "suspended"),
        (tomb("You're unable to view this Post because this account owner limits who can view"), "protected"),
        (
            tomb("This Post from @someone has been withheld in Germany in response to a legal demand."),
            "unavailable",
        ),
        (
            tomb("Age-restricted adult content. This content might not be appropriate for people under 18."),
            "unavailable",
        ),
        ({"__typename": "TweetUnavailable", "reason": "Suspended"}, "suspended"),
        ({"__typename": "TweetUnavailable", "reason": "Protected"}, "protected"),
        ({}, "unavailable"),
    ],
)
def test_gone_answers(answer: dict[str, Any], status: str) -> None:
    with pytest.raises(PostGone) as caught:
        normalize(answer, post_id="42")
    assert caught.value.status == status


def test_shared_tombstone_bodies_are_gone() -> None:
    for answer in tombstones():
        with pytest.raises(PostGone):
            normalize(answer)


def fetch(handler: Any, post_id: str = "1821185274147889728") -> Any:
    async def run() -> Any:
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            return await fetch_data(client, post_id)

    return asyncio.run(run())


def test_fetch_data_asks_with_token_and_keeps_raw_bytes() -> None:
    body = json.dumps(load_fixture("1821185274147889728")).encode()
    seen: list[httpx.URL] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url)
        return httpx.Response(200, content=body, headers={"content-type": "application/json"})

    data = fetch(handler)
    assert data.raw == body
    assert data.author_handle == "AggregateOsint"
    (url,) = seen
    assert url.host == "cdn.syndication.twimg.com" and url.path == "/tweet-result"
    assert dict(url.params) == {
        "id": "1821185274147889728",
        "token": syndication_token("1821185274147889728"),
        "lang": "en",
    }


def test_fetch_data_404_is_deleted() -> None:
    with pytest.raises(PostGone) as caught:
        fetch(lambda request: httpx.Response(404))
    assert (caught.value.status, caught.value.http_status) == ("deleted", 404)


def test_fetch_data_server_error_is_transient_and_bad_answers_are_capture_errors() -> None:
    with pytest.raises(httpx.HTTPStatusError):
        fetch(lambda request: httpx.Response(503))
    with pytest.raises(CaptureError) as caught:
        fetch(lambda request: httpx.Response(200, content=b"<html>"))
    assert not isinstance(caught.value, PostGone)
    with pytest.raises(CaptureError):
        fetch(lambda request: httpx.Response(403))


def test_platform_declares_fetch_data() -> None:
    assert twitter.PLATFORM.fetch_data is fetch_data
