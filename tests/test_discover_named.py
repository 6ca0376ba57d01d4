"""Class 1: a post named by a bare id in the publisher's own data, next to a word naming its platform."""

from __future__ import annotations

import html
import json

import pytest

from archiver.discovery.find import find_embeds

YT = "dQw4w9WgXcQ"
TWEET = "1821183329484083200"
CANONICAL = "https://news.example/world/2024/story"


def page(body: str) -> bytes:
    return (
        f"<html><head><link rel='canonical' href='{CANONICAL}'></head>"
        f"<body><article><p>Text.</p>{body}</article></body></html>"
    ).encode()


def posts(body: str) -> list[tuple[str, str | None]]:
    return [(e.platform, e.post_id) for e in find_embeds(page(body))]


def script(data: object, prefix: str = "") -> str:
    return f"<script>{prefix}{json.dumps(data)}</script>"


@pytest.mark.parametrize(
    "body",
    [
        # a block type naming the platform, the id under the publisher's own key
        script(
            {
                "webURL": CANONICAL,
                "blocks": [
                    {
                        "_type": "model.dotcomrendering.pageElements.YoutubeBlockElement",
                        "assetId": YT,
                        "id": "5a6b7c8d-1111-2222-3333-444455556666",
                        "channelId": "UCuAXFkgsw1L7xaCfnd5JJOw",
                    }
                ],
            },
            "window.guardian = ",
        ),
        # a component named after the platform, its props in an attribute
        f"<gu-island name=\"YoutubeBlockComponent\" props='{json.dumps({'assetId': YT, 'role': 'inline'})}'>"
        "</gu-island>",
        f'<div class="youtube-atom" data-asset-id="{YT}"></div>',
        f'<div class="media youtube-media-atom__iframe lazy" data-video-id="{YT}"></div>',
        f'<div data-youtube-id="{YT}"></div>',
        f'<div data-provider="YouTube" data-embed-id="{YT}"></div>',
        script({"__typename": "YouTubeEmbed", "videoId": YT, "url": CANONICAL}),
    ],
)
def test_a_youtube_id_beside_its_platforms_name_is_a_post(body: str) -> None:
    assert posts(body) == [("youtube", YT)]


@pytest.mark.parametrize(
    "body",
    [
        '<div data-provider="twitter" data-id="' + TWEET + '"></div>',
        script({"url": CANONICAL, "body": [{"provider": "twitter", "id": TWEET}]}),
        script({"url": CANONICAL, "content": [{"type": "tweet", "tweetId": TWEET}]}),
        "<script type='application/json'>"
        + json.dumps({"embeds": [{"kind": "TweetBlock", "tweet_id": TWEET}]})
        + "</script>",
    ],
)
def test_a_tweet_id_beside_its_platforms_name_is_a_post(body: str) -> None:
    assert posts(body) == [("twitter", TWEET)]


@pytest.mark.parametrize(
    "body",
    [
        # no platform stated beside the id
        f'<div class="video" data-id="{YT}"></div><p>{YT}</p>',
        script({"url": CANONICAL, "blocks": [{"_type": "VideoBlock", "assetId": YT}]}),
        script({"id": TWEET, "title": "Tweets of the day"}),
        # the platform named, but the id not of its shape
        '<div data-provider="youtube" data-id="abcdefghijj"></div>',  # last character impossible
        '<div data-provider="youtube" data-id="12345"></div>',
        '<div class="embed embed--twitter" data-id="48213"></div>',  # the publisher's own counter
        '<div data-provider="instagram" data-id="instagram"></div>',
        # a person, a page or a button of the platform, not a post
        script({"type": "twitterUser", "id": TWEET}),
        f'<div class="youtube-channel" data-channel-id="{YT}"></div>',
        f'<a class="share-twitter" data-id="{TWEET}" href="#">Share</a>',
        # a headline that mentions the platform is no type
        '<article data-name="Man could go to jail for threats on Twitter to the mayor" data-id="'
        + TWEET
        + '"></article>',
        # two platforms named: which one is not stated
        f'<div class="social-embed twitter instagram" data-id="{TWEET}"></div>',
    ],
)
def test_an_id_without_its_platform_stated_beside_it_is_no_post(body: str) -> None:
    assert posts(body) == []


def test_page_data_of_another_article_is_not_this_ones() -> None:
    other = script(
        {
            "url": "https://news.example/other/story",
            "blocks": [{"_type": "YoutubeBlockElement", "assetId": YT}],
        }
    )
    assert posts(other + '<blockquote class="twitter-tweet"><a href="https://twitter.com/a/status/'
                 + TWEET + '">x</a></blockquote>') == [("twitter", TWEET)]  # fmt: skip


def test_the_raw_form_is_the_object_that_named_it() -> None:
    [embed] = find_embeds(
        page(script({"url": CANONICAL, "x": {"provider": "twitter", "id": TWEET}}, "var a = "))
    )
    assert (embed.source, embed.where, embed.url) == (
        "widget",
        "script",
        f"https://twitter.com/i/status/{TWEET}",
    )
    assert json.loads(html.unescape(embed.raw or "")) == {"provider": "twitter", "id": TWEET}


def test_a_devalue_payload_names_its_posts_by_index() -> None:
    """Nuxt 3 / SvelteKit: a flat array whose objects hold, as values, indices into it."""
    table = [{"data": 1}, [2, 3], {"__typename": 4, "provider": 5, "url": 6}, "text", "Embed", "Instagram"]
    table.append("https://www.instagram.com/p/CxGkwHxxx4Z/?utm_source=ig_web_copy_link")
    body = f'<script type="application/json" id="__NUXT_DATA__">{json.dumps(table)}</script>'
    assert posts(body) == [("instagram", "CxGkwHxxx4Z")]


@pytest.mark.parametrize(
    "body",
    [
        '<div class="tweet" data-mod="tweet" data-url="https://twitter.com/a/status/' + TWEET + '"></div>',
        '<div class="tcb-video" data-type="twitter" data-url="https://twitter.com/a/status/'
        + TWEET
        + '"></div>',
    ],
)
def test_a_post_url_beside_its_platforms_name_is_a_post(body: str) -> None:
    assert posts(body) == [("twitter", TWEET)]


def test_a_share_button_carrying_an_app_id_is_no_post() -> None:
    body = '<amp-social-share type="facebook" data-param-app_id="128964814603"></amp-social-share>'
    assert posts(body) == []
