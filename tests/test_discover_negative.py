"""What is not an embed: buttons, follow boxes, profile links, bios, feeds, and links (unless asked)."""

from __future__ import annotations

import pytest

from archiver.discovery.find import find_embeds


def page(body: str, head: str = "") -> bytes:
    return f"<html><head><title>t</title>{head}</head><body><p>Article.</p>{body}</body></html>".encode()


@pytest.mark.parametrize(
    "markup",
    [
        # a Tweet (share) button whose class says twitter-tweet
        '<a class="twitter-tweet" href="https://twitter.com/share">ツイート</a>',
        '<a href="https://twitter.com/share?ref_src=twsrc%5Etfw" class="twitter-share-button" '
        'data-text="Read this" data-url="https://example.com/a" data-show-count="false">Tweet</a>',
        '<iframe class="twitter-share-button twitter-share-button-rendered twitter-tweet-button" '
        'src="https://platform.twitter.com/widgets/tweet_button.html?url=https%3A%2F%2Fexample.com%2Fa"></iframe>',
        '<a href="https://twitter.com/intent/tweet?in_reply_to=463440424141459456">Reply</a>',
        '<button class="share" data-tweet="Read this https://example.com/a">Share</button>',
        # follow buttons, timelines, profile links
        '<a href="https://twitter.com/TwitterDev?ref_src=twsrc%5Etfw" '
        'class="twitter-follow-button">Follow</a>',
        '<a class="twitter-timeline" href="https://twitter.com/TwitterDev?ref_src=twsrc%5Etfw">Tweets</a>',
        '<a href="https://www.instagram.com/ladygaga/">Instagram</a>'
        ' <a href="https://t.me/unoticias">Telegram</a>',
        # Facebook page box and like button
        '<div class="fb-page" data-href="https://www.facebook.com/facebook"><blockquote '
        'cite="https://www.facebook.com/facebook" class="fb-xfbml-parse-ignore"><a '
        'href="https://www.facebook.com/facebook">Facebook</a></blockquote></div>',
        '<iframe src="https://www.facebook.com/plugins/like.php?href=https%3A%2F%2Fexample.com%2Fa"></iframe>',
        '<div class="fb-like" data-href="https://example.com/a" data-layout="button_count"></div>',
        # an author bio showing the author's latest tweet, without a status URL
        '<div class="ts-fab-twitter-tweet">Our new guide is out <a href="https://t.co/abcdEF12">'
        "https://t.co/abcdEF12</a> #marketing</div>",
        # pull quotes and ordinary quotations
        '<blockquote class="wp-block-quote"><p>To be or not to be.</p><cite>Hamlet</cite></blockquote>',
        # a WordPress post embed of another article
        '<blockquote class="wp-embedded-content"><a '
        'href="https://example.com/other">Other story</a></blockquote>',
        # the site's own video player, a map, a form
        '<iframe src="https://www.google.com/maps/embed?pb=!1m18"></iframe>'
        '<iframe src="https://docs.google.com/forms/d/e/1FAIpQLSf/viewform?embedded=true"></iframe>',
        # JavaScript that merely mentions embed URLs
        "<script>switch(x){case 1: url='https://www.youtube.com/embed/dQw4w9WgXcQ'; break;}</script>",
    ],
)
def test_not_an_embed(markup: str):
    assert find_embeds(page(markup)) == []


def test_status_urls_in_meta_tags_are_not_embeds():
    head = (
        '<meta name="description" content="See https://twitter.com/jack/status/20 and more">'
        '<meta property="og:url" content="https://example.com/a">'
    )
    assert find_embeds(page("", head), links=True) == []


def test_a_latest_tweets_sidebar_is_links_at_most():
    sidebar = (
        '<aside class="widget latest-tweets"><ul>'
        '<li>First <a href="https://twitter.com/site/status/111">1h</a></li>'
        '<li>Second <a href="https://twitter.com/site/status/222">2h</a></li></ul></aside>'
    )
    assert find_embeds(page(sidebar)) == []
    linked = find_embeds(page(sidebar), links=True)
    assert [(e.post_id, e.source) for e in linked] == [("111", "link"), ("222", "link")]


def test_links_are_reported_only_when_asked_and_never_twice():
    body = (
        '<p>As <a href="https://x.com/ABC/status/807334206376443904">ABC reported</a>, and '
        '<a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ">a video</a>.</p>'
        '<blockquote class="twitter-tweet"><a '
        'href="https://twitter.com/ABC/status/807334206376443904">Dec 9</a>'
        "</blockquote>"
    )
    assert [(e.post_id, e.source) for e in find_embeds(page(body))] == [("807334206376443904", "blockquote")]
    found = find_embeds(page(body), links=True)
    assert [(e.post_id, e.source) for e in found] == [
        ("807334206376443904", "blockquote"),
        ("dQw4w9WgXcQ", "link"),
    ]
    assert found[1].text == "a video"


def test_a_quote_linking_several_posts_is_not_one_embed():
    body = (
        "<blockquote><p>Two threads: <a href='https://twitter.com/a/status/1'>one</a>, "
        "<a href='https://twitter.com/b/status/2'>two</a></p></blockquote>"
    )
    assert find_embeds(page(body)) == []


def test_plain_text_links_only_with_links():
    text = b"See https://twitter.com/jack/status/20 and https://youtu.be/dQw4w9WgXcQ for more."
    assert find_embeds(text) == []
    assert [(e.platform, e.post_id, e.source) for e in find_embeds(text, links=True)] == [
        ("twitter", "20", "link"),
        ("youtube", "dQw4w9WgXcQ", "link"),
    ]


def test_a_quotation_citing_a_post_in_passing_is_not_an_embed():
    body = (
        "<blockquote><p>“We never said that,” the minister said in an "
        '<a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ">interview</a> on Monday.</p></blockquote>'
    )
    assert find_embeds(page(body)) == []


def test_a_publishers_own_embed_markup_without_the_platform_class_is_an_embed():
    body = (
        '<blockquote class="js-instagram__container"><a class="media-link" '
        'href="https://instagram.com/p/BIIivW-DEWO/">View this photo on Instagram</a></blockquote>'
        '<blockquote><p>Flattened</p>— A (@a) <a href="https://twitter.com/a/status/123456">May 1, 2020</a>'
        "</blockquote>"
    )
    assert [(e.platform, e.post_id, e.source) for e in find_embeds(page(body))] == [
        ("instagram", "BIIivW-DEWO", "blockquote"),
        ("twitter", "123456", "blockquote"),
    ]


def test_json_props_listing_several_posts_are_a_feed():
    props = '{"tweets": [{"url": "https://twitter.com/s/status/111"}, {"url": "https://twitter.com/s/status/222"}]}'
    assert find_embeds(page(f"<div class='tweet-feed' data-props='{props}'></div>")) == []
