"""The content hash and the stored metadata JSON, pinned to the values archives already hold.

A post's content hash is compared with the one its archive recorded when it was captured: were
the hash of unchanged data to move (a field order, a copy that turns a tuple into a list, a photo
URL spelled differently), every held post would look edited and be captured again. These values
were taken from the code before the re-check was made cheaper; they must never change.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from archiver.models import PostData, content_hash
from archiver.platforms import twitter
from archiver.platforms.twitter import _photo_url

FIXTURES = Path(__file__).resolve().parents[1] / "offline_world" / "fixtures" / "twitter"


def _metadata_digest(data: PostData) -> str:
    """SHA-256 of the metadata artifact a capture writes (capturer: normalized(), indented)."""
    text = json.dumps(data.normalized(), indent=2, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _made_up() -> PostData:
    return PostData(
        "facebook",
        "123",
        "https://www.facebook.com/x/posts/123",
        author_name="Zoë «Ω»",
        author_handle=None,
        created_at="2024-08-07T10:00:00Z",
        text='Привет\n"quoted" 🙂',
        lang="ru",
        media=[
            {
                "type": "photo",
                "url": "https://scontent.xx.fbcdn.net/v/t1/p.jpg?oh=AB&oe=66C0",
                "alt": None,
                "width": 1080,
            },
            {
                "type": "video",
                "url": "https://v.tiktokcdn.com/v.mp4?x-expires=1&x-signature=z",
                "preview": "https://p.example/a.jpg?size=2",
            },
        ],
        counts={"likes": 5, "views": 10},
        extra={"nested": {"b": [1, 2, {"c": None}], "a": True}, "tags": ["x", "y"], "score": 1.5},
        raw=b"{}",
    )


def test_made_up_post_hash_and_metadata_are_pinned() -> None:
    data = _made_up()
    assert content_hash(data) == "d51dd175624bcac1ca0ac8d05122661df2210dc9d4561433e8e580ddaa837874"
    assert _metadata_digest(data) == "a63eee16cc68a982c5a687ff9fa416d9ebe31e0caa0beb74a0ab892114a42e1c"
    assert json.dumps(data.content(), sort_keys=True, ensure_ascii=False) == (
        '{"author_handle": null, "author_name": "Zoë «Ω»", "created_at": "2024-08-07T10:00:00Z", '
        '"extra": {"nested": {"a": true, "b": [1, 2, {"c": null}]}, "score": 1.5, "tags": ["x", "y"]}, '
        '"lang": "ru", "media": [{"alt": null, "type": "photo", '
        '"url": "https://scontent.xx.fbcdn.net/v/t1/p.jpg", "width": 1080}, '
        '{"preview": "https://p.example/a.jpg?size=2", "type": "video", '
        '"url": "https://v.tiktokcdn.com/v.mp4"}], "platform": "facebook", "post_id": "123", '
        '"text": "Привет\\n\\"quoted\\" 🙂", "url": "https://www.facebook.com/x/posts/123"}'
    )


def test_normalized_and_content_leave_the_data_untouched() -> None:
    data = _made_up()
    before = json.dumps(data.normalized(), sort_keys=True)
    data.content()["media"].append({"x": 1})
    data.normalized()["extra"]["nested"]["b"].append(3)
    data.content()["extra"]["tags"].append("z")
    assert json.dumps(data.normalized(), sort_keys=True) == before
    assert data.media[0]["url"].endswith("?oh=AB&oe=66C0")  # the signed URL is kept in the data


@pytest.mark.parametrize(
    ("name", "digest", "metadata"),
    [
        ("1703436713362870723", "c8908d1d604931cdb3f2912acde11515d3126b5ae47af363c067140021581635",
         "b6746f3b6b3cb358de593316b3888a3cae2f00abb66cb1cd4522fed477a67073"),
        ("1821185274147889728", "681e194ebe591baa194584dcfcd10a0146966e50ad0fa5d7fda017714690d429",
         "2b99afbd778075ec4f2f0eadcdb2b8b3dce4f8c58452c17a453d43d24f4aff9f"),
        ("1821209936655409728", "1a19f7517d163fa9ca82d444c086ce55ad54e259500942f50bcded226c70a904",
         "5285b8e2cbb6571ea6057aa96da0d02e2b95d8481d12731c91ba365fc78c482e"),
        ("1821221560231620608", "7bc033cff5da9904ee8f538729d8f1ad9c31829718a600ef80ee2e53b0dabb69",
         "08ca9d74c6e89d7010847e9c6c5827f9d4abb41617cb395daed11b6a42a77ff9"),
    ],
)  # fmt: skip
def test_twitter_fixture_hashes_are_pinned(name: str, digest: str, metadata: str) -> None:
    answer = json.loads((FIXTURES / f"tweet-result-{name}.json").read_text(encoding="utf-8"))
    data = twitter.normalize(answer)
    assert content_hash(data) == digest
    assert _metadata_digest(data) == metadata


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://pbs.twimg.com/media/ABC.jpg", "https://pbs.twimg.com/media/ABC?format=jpg&name=orig"),
        ("https://pbs.twimg.com/media/ABC.png?name=small", "https://pbs.twimg.com/media/ABC?name=orig&format=png"),
        ("https://pbs.twimg.com/media/ABC", "https://pbs.twimg.com/media/ABC"),
        ("https://pbs.twimg.com", "https://pbs.twimg.com"),
        ("http://pbs.twimg.com/media/A.b/c", "http://pbs.twimg.com/media/A.b/c"),
        ("//pbs.twimg.com/media/ABC.jpg", "https://pbs.twimg.com/media/ABC?format=jpg&name=orig"),
        ("https://pbs.twimg.com/media/ABC.jpg?format=png&x=1%202&name=large",
         "https://pbs.twimg.com/media/ABC?format=jpg&x=1+2&name=orig"),
        ("https://pbs.twimg.com/media/ABC.jpg#frag", "https://pbs.twimg.com/media/ABC?format=jpg&name=orig"),
        ("https://pbs.twimg.com/media/A%C3%A9.jpg?a=%2F&b",
         "https://pbs.twimg.com/media/A%C3%A9?a=%2F&format=jpg&name=orig"),
        ("https://pbs.twimg.com/media/ABC.jpg?", "https://pbs.twimg.com/media/ABC?format=jpg&name=orig"),
        ("https://pbs.twimg.com/media/ABC.webp?a=1&a=2", "https://pbs.twimg.com/media/ABC?a=2&format=webp&name=orig"),
        ("https://pbs.twimg.com/media/ABC.jpg:large", "https://pbs.twimg.com/media/ABC?format=jpg%3Alarge&name=orig"),
        ("HTTPS://pbs.twimg.com/media/ABC.jpg", "https://pbs.twimg.com/media/ABC?format=jpg&name=orig"),
        (" https://pbs.twimg.com/media/AB\tC.jpg", "https://pbs.twimg.com/media/ABC?format=jpg&name=orig"),
    ],
)  # fmt: skip
def test_twitter_photo_urls_are_pinned(url: str, expected: str) -> None:
    assert _photo_url(url) == expected
