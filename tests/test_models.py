from __future__ import annotations

from dataclasses import replace

from archiver.models import PostData, content_hash


def test_content_hash_ignores_counts_but_not_text_or_media() -> None:
    post = PostData("twitter", "1", "https://twitter.com/i/status/1", text="hello", counts={"likes": 1})
    assert content_hash(post) == content_hash(replace(post, counts={"likes": 9000}))
    assert content_hash(post) == content_hash(replace(post, raw=b"anything"))
    assert content_hash(post) != content_hash(replace(post, text="hello, edited"))
    assert content_hash(post) != content_hash(replace(post, media=[{"type": "photo", "url": "x"}]))
