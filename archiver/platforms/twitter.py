"""X/Twitter: blockquote.twitter-tweet, rendered iframes, amp-twitter; data from the syndication CDN."""

from __future__ import annotations

from archiver.platforms.base import Platform

_HOST = r"(?:https?:)?//(?:www\.|mobile\.|m\.)?(?:twitter|x)\.com"


def canonical_url(post_id: str) -> str:
    return f"https://twitter.com/i/status/{post_id}"


def embed_url(post_id: str) -> str:
    return f"https://platform.twitter.com/embed/Tweet.html?id={post_id}"


PLATFORM = Platform(
    name="twitter",
    url_patterns=(_HOST + r"/(?:#!/)?(?:[A-Za-z0-9_]{1,20}|i/web|i)/status(?:es)?/(?P<id>\d{2,20})",),
    canonical_url=canonical_url,
    embed_classes=("twitter-tweet", "twitter-video"),
    embed_tags=("amp-twitter",),
    url_attributes=("cite", "data-href", "data-url", "data-tweetid", "data-tweet-id"),
    # Rendered widgets keep the id on the iframe (even with no src, or a saved local copy).
    id_attributes=("data-tweet-id", "data-tweetid"),
    iframe_patterns=(
        r"platform\.(?:twitter|x)\.com/embed/(?:Tweet|index)\.html\?(?:[^\"']*?&(?:amp;)?)?id=(?P<id>\d{2,20})",
        r"twitframe\.com/show\?(?:[^\"']*?&(?:amp;)?)?url=(?P<url>[^&\"'\s]+)",
    ),
    short_links=(r"(?:https?:)?//(?:pic\.(?:twitter|x)\.com|t\.co)/[A-Za-z0-9]{4,}",),
    embed_url=embed_url,
    render_selector="article",
    examples=(
        ("https://twitter.com/AggregateOsint/status/1821183329484083200", "1821183329484083200"),
        ("https://x.com/nexta_tv/statuses/1821176355424186769?ref_src=twsrc%5Etfw", "1821176355424186769"),
        ("https://mobile.twitter.com/i/web/status/1821176355424186769", "1821176355424186769"),
        ("https://twitter.com/ironshay/statuses/370525864523743232", "370525864523743232"),
        ("https://twitter.com/#!/jack/status/20", "20"),
    ),
)
