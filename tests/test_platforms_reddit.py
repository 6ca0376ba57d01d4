"""Reddit: thread and comment ids, embed markup, fetch_data from the .json listing (oEmbed fallback)."""

from __future__ import annotations

import copy
from typing import Any

import httpx
import pytest
from platforms_support import fetch, fixture, fixture_json, found, status

from archiver.discovery.find import find_embeds
from archiver.errors import PostGone
from archiver.platforms import reddit

PERMALINK = "/r/investing/comments/7pfpeq/buffett_on_cyrptocurrencies_i_can_say_almost_with/"
# A .json listing written for these tests with the fields Reddit documents (not a capture).
POST: dict[str, Any] = {
    "id": "7pfpeq",
    "name": "t3_7pfpeq",
    "subreddit": "investing",
    "author": "dennisrieves",
    "title": "Buffett on cyrptocurrencies: "
    "'I can say almost with certainty that they will come to a bad ending'",
    "selftext": "",
    "is_self": False,
    "url": "https://www.cnbc.com/2018/01/10/buffett-says-cyrptocurrencies-will-almost-certainly-end-badly.html",
    "permalink": PERMALINK,
    "created_utc": 1515600000.0,
    "score": 1234,
    "num_comments": 456,
    "edited": False,
    "over_18": False,
    "removed_by_category": None,
    "preview": {
        "images": [{"source": {"url": "https://external-preview.redd.it/a.jpg?width=640&amp;s=abc"}}]
    },
}
COMMENT: dict[str, Any] = {
    "id": "dsh3k5x",
    "name": "t1_dsh3k5x",
    "subreddit": "investing",
    "author": "someone",
    "body": "He said the same about gold.",
    "permalink": PERMALINK + "dsh3k5x/",
    "created_utc": 1515610000,
    "score": 42,
    "edited": 1515620000.0,
}


def listing(*things: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    return {"kind": "Listing", "data": {"children": [{"kind": k, "data": d} for k, d in things]}}


def thread_json(post: dict[str, Any] = POST, *comments: dict[str, Any]) -> list[dict[str, Any]]:
    return [listing(("t3", post)), listing(*(("t1", c) for c in comments))]


def test_ids():
    match = reddit.PLATFORM.match
    assert match("https://www.reddit.com" + PERMALINK) == "7pfpeq"
    assert match("https://www.reddit.com" + PERMALINK + "dsh3k5x/?context=3") == "7pfpeq/dsh3k5x"
    assert match("https://www.reddit.com/r/investing/comments/7pfpeq/comment/dsh3k5x/") == "7pfpeq/dsh3k5x"
    assert match("https://www.reddit.com/user/someone/comments/abc123/my_post/") == "abc123"
    assert match("https://redd.it/7pfpeq") == "7pfpeq"
    assert (
        reddit.PLATFORM.canonical_url("7pfpeq/dsh3k5x") == "https://www.reddit.com/comments/7pfpeq/_/dsh3k5x/"
    )


@pytest.mark.parametrize(
    "url",
    [
        "https://www.reddit.com/r/investing/",
        "https://www.reddit.com/user/dennisrieves/",
        "https://www.reddit.com/submit?url=https%3A%2F%2Fexample.com%2Fa",
        "https://www.redditstatic.com/ads/pixel.js",
        "https://notreddit.com/r/x/comments/7pfpeq/",
    ],
)
def test_not_posts(url):
    assert reddit.PLATFORM.match(url) is None


def test_live_post_from_listing():
    def handler(request: httpx.Request) -> httpx.Response:
        assert str(request.url) == "https://www.reddit.com/comments/7pfpeq/.json?raw_json=1"
        return httpx.Response(200, json=thread_json())

    data, _ = fetch(reddit.PLATFORM, "7pfpeq", handler)
    assert data.url == "https://www.reddit.com" + PERMALINK
    assert data.author_handle == "dennisrieves"
    assert data.created_at == "2018-01-10T16:00:00+00:00"
    assert data.text == POST["title"]
    assert data.counts == {"score": 1234, "comments": 456}
    assert data.media == [
        {"url": "https://external-preview.redd.it/a.jpg?width=640&s=abc", "type": "photo", "alt": None}
    ]
    assert data.extra["subreddit"] == "investing" and data.extra["link_url"].startswith(
        "https://www.cnbc.com/"
    )


def test_comment_from_its_thread():
    data, seen = fetch(reddit.PLATFORM, "7pfpeq/dsh3k5x", status(200, thread_json(POST, COMMENT)))
    assert seen[0].url.path == "/comments/7pfpeq/.json" and seen[0].url.params["comment"] == "dsh3k5x"
    assert data.author_handle == "someone" and data.text == "He said the same about gold."
    assert data.extra["edited_at"] == "2018-01-10T21:33:20+00:00"
    assert data.media == []


def test_gallery_and_video():
    post = copy.deepcopy(POST)
    post.pop("preview")
    post["gallery_data"] = {"items": [{"media_id": "b2"}, {"media_id": "a1", "caption": "second"}]}
    post["media_metadata"] = {
        "a1": {"e": "Image", "s": {"u": "https://preview.redd.it/a1.jpg?width=640&amp;s=1"}},
        "b2": {"e": "AnimatedImage", "s": {"gif": "https://i.redd.it/b2.gif"}},
    }
    post["secure_media"] = {"reddit_video": {"fallback_url": "https://v.redd.it/x/DASH_720.mp4"}}
    data, _ = fetch(reddit.PLATFORM, "7pfpeq", status(200, thread_json(post)))
    assert [(m["type"], m["url"]) for m in data.media] == [
        ("video", "https://v.redd.it/x/DASH_720.mp4"),
        ("gif", "https://i.redd.it/b2.gif"),
        ("photo", "https://preview.redd.it/a1.jpg?width=640&s=1"),
    ]
    assert data.media[2]["alt"] == "second"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"removed_by_category": "deleted", "author": "[deleted]"}, "deleted"),
        ({"removed_by_category": "moderator"}, "unavailable"),
        ({"selftext": "[deleted]", "author": "[deleted]"}, "deleted"),
    ],
)
def test_removed_posts(changes, expected):
    with pytest.raises(PostGone) as gone:
        fetch(reddit.PLATFORM, "7pfpeq", status(200, thread_json({**POST, **changes})))
    assert gone.value.status == expected


def test_deleted_comment_and_a_comment_no_longer_there():
    deleted = {**COMMENT, "body": "[deleted]", "author": "[deleted]"}
    with pytest.raises(PostGone) as gone:
        fetch(reddit.PLATFORM, "7pfpeq/dsh3k5x", status(200, thread_json(POST, deleted)))
    assert gone.value.status == "deleted"
    with pytest.raises(PostGone) as gone:
        fetch(reddit.PLATFORM, "7pfpeq/dsh3k5x", status(200, thread_json(POST)))
    assert gone.value.status == "deleted"


@pytest.mark.parametrize(
    ("code", "body", "expected"),
    [
        (403, {"reason": "private", "message": "Forbidden", "error": 403}, "protected"),
        (404, {"reason": "banned", "message": "Not Found", "error": 404}, "unavailable"),
        (403, {"reason": "quarantined", "message": "Forbidden", "error": 403}, "unavailable"),
        (404, {"message": "Not Found", "error": 404}, "deleted"),
    ],
)
def test_refusals_with_a_reason(code, body, expected):
    with pytest.raises(PostGone) as gone:
        fetch(reddit.PLATFORM, "7pfpeq", status(code, body))
    assert gone.value.status == expected and gone.value.http_status == code


def test_blocked_listing_falls_back_to_oembed():
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith(".json"):
            return httpx.Response(
                403, text="<html><body>You've been blocked by network security.</body></html>"
            )
        assert request.url.path == "/oembed"
        assert request.url.params["url"] == "https://www.reddit.com/comments/7pfpeq/"
        return httpx.Response(200, content=fixture("reddit/oembed-7pfpeq.json"))

    data, seen = fetch(reddit.PLATFORM, "7pfpeq", handler)
    assert len(seen) == 2
    assert data.author_handle == "dennisrieves" and data.text == POST["title"]
    assert data.extra == {"source": "oembed"}


@pytest.mark.parametrize("code", [429, 500])
def test_rate_limit_is_not_a_status(code):
    with pytest.raises(httpx.HTTPStatusError):
        fetch(reddit.PLATFORM, "7pfpeq", status(code, {"message": "Too Many Requests", "error": code}))


def test_detect_documented_markup():
    page = (
        "<p>One.</p>" + fixture_json("reddit/oembed-7pfpeq.json")["html"] + "<p>Two.</p>"
        '<iframe src="https://embed.reddit.com/r/gaming/comments/1tki2q5/valorants_new_vanguard_update/?embed=true'
        '&amp;ref_source=embed&amp;ref=share&amp;utm_medium=widgets" height="480" width="640"></iframe>'
        '<div class="reddit-embed" data-embed-media="www.redditmedia.com" data-embed-parent="false">'
        '<a href="https://www.reddit.com/r/pics/comments/92dd8/test_post_please_ignore/c0b6xx0/">Comment</a> '
        'from discussion <a href="https://www.reddit.com/r/pics/comments/92dd8/">Test post</a>.</div>'
        '<script async src="https://www.redditstatic.com/comment-embed.js"></script>'
    )
    assert found(find_embeds(page.encode()), "reddit") == [
        ("7pfpeq", "blockquote"),
        ("1tki2q5", "iframe"),
        ("92dd8/c0b6xx0", "widget"),
    ]


def test_what_the_embed_carries():
    (embed,) = find_embeds(fixture_json("reddit/oembed-7pfpeq.json")["html"].encode())
    assert embed.author_handle == "dennisrieves" and embed.text == POST["title"]
    assert embed.url.startswith("https://www.reddit.com/r/investing/comments/7pfpeq")
    assert reddit.PLATFORM.match(embed.url) == "7pfpeq"


def test_older_card_markup_and_not_embeds():
    card = fixture_json("reddit/oembed-7pfpeq-card.json")["html"]
    assert found(find_embeds(card.encode()), "reddit") == [("7pfpeq", "blockquote")]
    page = (
        '<a href="https://www.reddit.com/submit?url=https%3A%2F%2Fexample.com%2Fa">Share on Reddit</a>'
        '<a href="https://www.reddit.com/r/investing/">r/investing</a>'
    )
    assert found(find_embeds(page.encode(), links=True), "reddit") == []


@pytest.mark.parametrize(
    "src",
    [
        "https://embed.reddit.com/r/worldnews/comments/1abcde/some_title/?embed=true",
        "//www.redditmedia.com/r/worldnews/comments/1abcde/some_title/?ref_source=embed",
    ],
)
def test_iframe_post_url_is_on_reddit_not_the_page(src):
    # The iframe pattern hands over the post URL from its host on: it must not be joined to the
    # article's URL as a relative path (news.example.com/embed.reddit.com/...).
    page = f'<iframe src="{src}"></iframe>'.encode()
    (embed,) = find_embeds(page, "https://news.example.com/story")
    assert embed.post_id == "1abcde"
    assert embed.url.startswith(("https://embed.reddit.com/r/", "https://www.redditmedia.com/r/"))
    assert reddit.PLATFORM.match(embed.url) == "1abcde"
