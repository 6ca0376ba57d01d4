"""Facebook: div.fb-post / fb-video (data-href) and plugins/post.php, video.php iframes."""

from __future__ import annotations

from urllib.parse import quote

from archiver.platforms.base import Platform, StandIn, query_to

_HOST = r"(?:https?:)?//(?:www\.|m\.|web\.|mbasic\.|business\.|graph\.)?facebook\.com"
# Post ids are numeric, or the newer opaque "pfbid..." form.
_ID = r"(?P<id>pfbid[A-Za-z0-9]{10,}|\d{5,25}(?!\d))"


def canonical_url(post_id: str) -> str:
    return f"https://www.facebook.com/{post_id}"


def embed_url(post_id: str) -> str:
    return "https://www.facebook.com/plugins/post.php?href=" + quote(canonical_url(post_id), safe="")


PLATFORM = Platform(
    name="facebook",
    url_patterns=(
        _HOST + r"/[\w.-]+/(?:posts|videos|photos(?:/[\w.-]+)?)/(?:[\w.-]+/)?" + _ID,
        _HOST + r"/groups/[\w.-]+/(?:permalink|posts)/" + _ID,
        _HOST + r"/(?:photo|permalink|story|video)\.php" + query_to("fbid|story_fbid|v") + _ID,
        _HOST + r"/(?:watch/?" + query_to("v") + r"|reel/)" + _ID,
    ),
    canonical_url=canonical_url,
    video=True,
    embed_classes=("fb-post", "fb-video"),
    embed_tags=("amp-facebook",),
    url_attributes=("data-href", "cite"),
    iframe_patterns=(
        r"facebook\.com/plugins/(?:post|video|comment_embed)\.php"
        + query_to("href")
        + r"(?P<url>[^&\"'\s]+)",
        r"facebook\.com/video/embed"
        + query_to("video_id")
        + r"(?P<id>\d{5,25})(?!\d)",  # the old video embed
    ),
    short_links=(r"(?:https?:)?//(?:fb\.watch/\w+|(?:www\.)?facebook\.com/share/[pvr]/\w+)",),
    url_query=("fbid", "story_fbid", "id", "v"),
    embed_url=embed_url,
    render_selector="._5pcr, .userContentWrapper, [role=article]",
    stand_in=StandIn(
        title="Facebook",
        hosts=("www.facebook.com",),
        path=r"/plugins/(?:post|video)\.php",
        image_host="scontent.xx.fbcdn.net",
    ),
    probe="https://www.facebook.com/20531316728/posts/10154009990506729/",  # Embedded Posts docs
    examples=(
        (
            "https://www.facebook.com/photo.php?fbid=10207393772231779&set=a.1332832050135&type=3",
            "10207393772231779",
        ),
        ("https://www.facebook.com/justiciatv/videos/1661762744185332/", "1661762744185332"),
        ("https://graph.facebook.com/100044264924472/posts/488827215936105/", "488827215936105"),
        ("https://www.facebook.com/Sozialdemokratie/videos/928812574504508/", "928812574504508"),
        ("https://www.facebook.com/watch/?v=3485430308204317", "3485430308204317"),
        ("https://www.facebook.com/zuck/posts/pfbid02abcDEFghiJKLmno", "pfbid02abcDEFghiJKLmno"),
    ),
)
