"""Discovery of each platform this module family owns, from the platforms' documented embed code."""

from __future__ import annotations

from archiver.discovery.find import find_embeds
from archiver.models import Embed

TWEET = (
    '<blockquote class="twitter-tweet"><p lang="en" dir="ltr">Sunsets don&#39;t get much better than '
    'this one over <a href="https://twitter.com/GrandTetonNPS?ref_src=twsrc%5Etfw">@GrandTetonNPS</a>. '
    '<a href="https://twitter.com/hashtag/nature?src=hash&amp;ref_src=twsrc%5Etfw">#nature</a> '
    '<a href="http://t.co/YuKy2rcjyU">pic.twitter.com/YuKy2rcjyU</a></p>&mdash; US Department of the '
    "Interior (@Interior) <a "
    'href="https://twitter.com/Interior/status/463440424141459456?ref_src=twsrc%5Etfw">'
    "May 5, 2014</a></blockquote>"
    '<script async src="https://platform.twitter.com/widgets.js" charset="utf-8"></script>'
)


def page(body: str) -> bytes:
    return (
        f"<!doctype html><html><head><title>t</title></head><body><p>Intro.</p>{body}</body></html>".encode()
    )


def ids(embeds: list[Embed]) -> list[tuple[str, str | None, str]]:
    return [(e.platform, e.post_id, e.source) for e in embeds]


def test_twitter_blockquote_carries_author_date_text_and_media():
    [tweet] = find_embeds(page(TWEET))
    assert (tweet.platform, tweet.post_id, tweet.source, tweet.where) == (
        "twitter",
        "463440424141459456",
        "blockquote",
        "dom",
    )
    assert tweet.url == "https://twitter.com/Interior/status/463440424141459456"  # no ?ref_src
    assert tweet.author_name == "US Department of the Interior"
    assert tweet.author_handle == "Interior"
    assert tweet.date_text == "May 5, 2014"
    assert tweet.text is not None and tweet.text.startswith("Sunsets don't get much better")
    assert "https://t.co/YuKy2rcjyU" in tweet.media_links
    assert "https://pic.twitter.com/YuKy2rcjyU" in tweet.media_links
    assert tweet.raw.startswith('<blockquote class="twitter-tweet">')


def test_twitter_url_forms():
    forms = [
        "https://x.com/nexta_tv/status/1821176355424186769",
        "https://mobile.twitter.com/nexta_tv/status/1821176355424186770",
        "https://twitter.com/i/web/status/1821176355424186771",
        "https://twitter.com/ironshay/statuses/370525864523743232",
        "http://twitter.com/jack/status/20?s=20&t=abc",
    ]
    body = "".join(f'<blockquote class="twitter-tweet"><a href="{u}">date</a></blockquote>' for u in forms)
    assert [e.post_id for e in find_embeds(page(body))] == [
        "1821176355424186769",
        "1821176355424186770",
        "1821176355424186771",
        "370525864523743232",
        "20",
    ]


def test_twitter_video_amp_and_rendered_iframes():
    body = (
        '<blockquote class="twitter-video" data-status="hidden">'
        '<a href="https://twitter.com/a/status/11">x</a>'
        "</blockquote>"
        '<amp-twitter width="375" height="472" layout="responsive" '
        'data-tweetid="885634330868850689"></amp-twitter>'
        '<iframe class="twitter-tweet twitter-tweet-rendered" data-tweet-id="800384752746254337"></iframe>'
        '<iframe src="https://platform.twitter.com/embed/Tweet.html?creatorScreenName=katiejmbaker&amp;dnt=false'
        '&amp;id=790936002017755136&amp;lang=en"></iframe>'
        '<iframe title="Twitter Tweet" src="./saved_files/Tweet.html" '
        'data-tweet-id="1521523341391282176"></iframe>'
    )
    found = find_embeds(page(body))
    assert ids(found) == [
        ("twitter", "11", "blockquote"),
        ("twitter", "885634330868850689", "widget"),
        ("twitter", "800384752746254337", "iframe"),
        ("twitter", "790936002017755136", "iframe"),
        ("twitter", "1521523341391282176", "iframe"),
    ]
    # the iframe URL names the article's author, not the tweet's: no handle is guessed from it
    assert found[3].author_handle is None
    assert found[3].url == "https://twitter.com/i/status/790936002017755136"


def test_twitter_blockquote_and_its_rendered_iframe_are_one_post():
    body = TWEET + (
        '<iframe class="twitter-tweet twitter-tweet-rendered" '
        'src="https://platform.twitter.com/embed/Tweet.html?id=463440424141459456"></iframe>'
    )
    [tweet] = find_embeds(page(body))
    assert tweet.source == "blockquote" and tweet.author_handle == "Interior"


def test_instagram_blockquote_permalink_only_and_rendered_iframe():
    body = (
        '<blockquote class="instagram-media" data-instgrm-captioned data-instgrm-permalink='
        '"https://www.instagram.com/p/BNpLF8LD0GD/?utm_source=ig_embed&amp;utm_campaign=loading" '
        'data-instgrm-version="14"><div><a '
        'href="https://www.instagram.com/p/BNpLF8LD0GD/?utm_source=ig_embed">'
        'View this post on Instagram</a></div><p><a href="https://www.instagram.com/p/BNpLF8LD0GD/">'
        "A post shared by xoxo, Gaga (@ladygaga)</a> on Dec 5, 2016</p></blockquote>"
        '<script async src="//www.instagram.com/embed.js"></script>'
        '<blockquote class="instagram-media" '
        'data-instgrm-permalink="https://www.instagram.com/reel/CgPo31co2Hp/">'
        "</blockquote>"
        '<iframe class="instagram-media instagram-media-rendered" '
        'src="https://www.instagram.com/p/BHisJLwAEeU/embed/captioned/?cr=1&amp;v=7"></iframe>'
        '<amp-instagram data-shortcode="CI4vzvdnMGG" width="1" '
        'height="1" layout="responsive"></amp-instagram>'
    )
    found = find_embeds(page(body))
    assert ids(found) == [
        ("instagram", "BNpLF8LD0GD", "blockquote"),
        ("instagram", "CgPo31co2Hp", "blockquote"),
        ("instagram", "BHisJLwAEeU", "iframe"),
        ("instagram", "CI4vzvdnMGG", "widget"),
    ]
    assert found[0].url == "https://www.instagram.com/p/BNpLF8LD0GD/"
    assert found[0].author_handle == "ladygaga"
    assert found[0].date_text == "Dec 5, 2016"


def test_youtube_iframes_videos_and_playlists():
    body = (
        '<iframe width="560" height="315" '
        'src="https://www.youtube.com/embed/dQw4w9WgXcQ?si=abc&amp;start=30" '
        'title="YouTube video player" allowfullscreen></iframe>'
        '<iframe src="https://www.youtube-nocookie.com/embed/wh5M-xjzus4?playlist=aaaaaaaaaaa,bbbbbbbbbbb">'
        "</iframe>"
        '<iframe src="https://www.youtube.com/embed/videoseries?list=PLUXSZMIiUfFQUnjV3iqRpaoMzsRjZZfs7"></iframe>'
        '<iframe data-src="//www.youtube.com/embed/c8aFcHFu8QM" class="lazyload"></iframe>'
        '<lite-youtube videoid="ogfYd705cRs"></lite-youtube>'
    )
    found = find_embeds(page(body))
    assert ids(found) == [
        ("youtube", "dQw4w9WgXcQ", "iframe"),
        ("youtube", "wh5M-xjzus4", "iframe"),
        ("youtube", "PLUXSZMIiUfFQUnjV3iqRpaoMzsRjZZfs7", "iframe"),
        ("youtube", "c8aFcHFu8QM", "iframe"),
        ("youtube", "ogfYd705cRs", "widget"),
    ]
    assert found[0].url == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    assert found[2].url == "https://www.youtube.com/playlist?list=PLUXSZMIiUfFQUnjV3iqRpaoMzsRjZZfs7"


def test_facebook_xfbml_and_plugin_iframes():
    body = (
        '<div id="fb-root"></div><script async defer crossorigin="anonymous" '
        'src="https://connect.facebook.net/en_US/sdk.js#xfbml=1&amp;version=v3.2"></script>'
        '<div class="fb-post" data-href="https://www.facebook.com/20531316728/posts/10154009990506729/" '
        'data-width="500"><blockquote '
        'cite="https://developers.facebook.com/20531316728/posts/10154009990506729/" '
        'class="fb-xfbml-parse-ignore">Posted by <a '
        'href="https://www.facebook.com/facebook/">Facebook</a> on '
        '<a href="https://developers.facebook.com/20531316728/posts/10154009990506729/">Thursday, August 27, '
        "2015</a></blockquote></div>"
        '<div class="fb-video" data-href="https://www.facebook.com/facebook/videos/10153231379946729/"></div>'
        '<iframe src="https://www.facebook.com/plugins/post.php?href=https%3A%2F%2Fwww.facebook.com%2Fphoto.php'
        '%3Ffbid%3D10207393772231779%26set%3Da.1332832050135%26type%3D3&amp;width=500"></iframe>'
        '<iframe src="https://www.facebook.com/plugins/video.php?height=314&amp;href=https%3A%2F%2F'
        'www.facebook.com%2Fjusticiatv%2Fvideos%2F1661762744185332%2F&amp;show_text=true"></iframe>'
    )
    found = find_embeds(page(body))
    assert ids(found) == [
        ("facebook", "10154009990506729", "widget"),
        ("facebook", "10153231379946729", "widget"),
        ("facebook", "10207393772231779", "iframe"),
        ("facebook", "1661762744185332", "iframe"),
    ]
    assert found[2].url == "https://www.facebook.com/photo.php?fbid=10207393772231779"


def test_vimeo_player_iframe_and_amp():
    body = (
        '<iframe src="https://player.vimeo.com/video/76979871?h=8272103f6e" width="640" height="360" '
        'allow="autoplay; fullscreen; picture-in-picture" allowfullscreen></iframe>'
        '<amp-vimeo data-videoid="51492729" layout="responsive" width="500" height="281"></amp-vimeo>'
    )
    assert ids(find_embeds(page(body))) == [("vimeo", "76979871", "iframe"), ("vimeo", "51492729", "widget")]


def test_mixed_platforms_keep_page_order():
    body = (
        '<iframe src="https://player.vimeo.com/video/76979871"></iframe>\n'
        + TWEET
        + '\n<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ"></iframe>'
    )
    assert [e.platform for e in find_embeds(page(body))] == ["vimeo", "twitter", "youtube"]


def test_lazy_loaders_and_old_flash_embeds():
    body = (
        '<div class="rll-youtube-player" data-src="https://www.youtube.com/embed/dQw4w9WgXcQ" '
        'data-id="dQw4w9WgXcQ" data-query="feature=oembed"></div>'
        '<noscript><iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ?feature=oembed"></iframe></noscript>'
        '<div class="lazyframe" data-vendor="youtube" data-src="https://www.youtube.com/embed/c8aFcHFu8QM"></div>'
        '<object><embed src="http://vimeo.com/moogaloop.swf?clip_id=51492729&amp;server=vimeo.com" '
        'type="application/x-shockwave-flash"></object>'
        '<iframe src="https://www.facebook.com/video/embed?video_id=10153231379946729"></iframe>'
        '<iframe src="https://twitter.com/i/videos/tweet/790936002017755136"></iframe>'
        '<img data-src="https://www.youtube.com/embed/aaaaaaaaaaa" alt="a thumbnail is not a player">'
    )
    assert ids(find_embeds(page(body))) == [
        ("youtube", "dQw4w9WgXcQ", "iframe"),
        ("youtube", "c8aFcHFu8QM", "iframe"),
        ("vimeo", "51492729", "iframe"),
        ("facebook", "10153231379946729", "iframe"),
        ("twitter", "790936002017755136", "iframe"),
    ]


def test_embed_service_frames_and_json_props():
    """Embedly frames (as Medium writes them) and data-attrs JSON (as Substack writes it)."""
    body = (
        '<iframe src="https://cdn.embedly.com/widgets/media.html?src=https%3A%2F%2Fwww.youtube.com%2Fembed%2F'
        "c8aFcHFu8QM%3Ffeature%3Doembed&amp;display_name=YouTube&amp;url=https%3A%2F%2Fwww.youtube.com%2Fwatch"
        '%3Fv%3Dc8aFcHFu8QM&amp;type=text%2Fhtml&amp;schema=youtube"></iframe>\n'
        '<iframe src="https://cdn.embedly.com/widgets/media.html?type=text%2Fhtml&amp;schema=twitter&amp;'
        'url=https%3A//twitter.com/jack/status/20"></iframe>\n'
        '<div class="tweet" data-attrs="{&quot;url&quot;:&quot;https://twitter.com/a/status/1580&quot;,'
        '&quot;full_text&quot;:&quot;Hello&quot;}" data-component-name="Twitter2ToDOM"><p>Hello</p></div>\n'
        '<div class="instagram" data-attrs="{&quot;instagram_id&quot;:&quot;CgPo31co2Hp&quot;,'
        '&quot;title&quot;:&quot;A post&quot;}" data-component-name="InstagramToDOM"></div>\n'
    )
    assert ids(find_embeds(page(body))) == [
        ("youtube", "c8aFcHFu8QM", "iframe"),
        ("twitter", "20", "iframe"),
        ("twitter", "1580", "widget"),
        ("instagram", "CgPo31co2Hp", "widget"),
    ]


def test_button_frames_naming_a_post_are_not_embeds():
    body = (
        '<iframe src="https://platform.twitter.com/widgets/tweet_button.html?url=https%3A%2F%2Ftwitter.com'
        '%2Fjack%2Fstatus%2F20"></iframe>'
        '<iframe src="https://www.facebook.com/plugins/like.php?href=https%3A%2F%2Fwww.facebook.com%2F'
        'facebook%2Fposts%2F10154009990506729"></iframe>'
        '<div data-props=\'{"count": 3, "label": "share"}\'></div>'
    )
    assert find_embeds(page(body)) == []
