"""TikTok: blockquote.tiktok-embed (cite, data-video-id), embed/player iframes; data from oEmbed.

The post id is the numeric video id. TikTok serves a video whatever username its URL carries,
so the canonical URL leaves the username out.
"""

from __future__ import annotations

import httpx

from archiver.errors import PostGone
from archiver.models import PostData
from archiver.platforms import oembed
from archiver.platforms.base import Platform, StandIn

_HOST = r"(?:https?:)?//(?:www\.|m\.)?tiktok\.com"
_ID = r"(?P<id>\d{6,25})(?!\d)"
OEMBED = "https://www.tiktok.com/oembed"


def canonical_url(post_id: str) -> str:
    return f"https://www.tiktok.com/@/video/{post_id}"


def embed_url(post_id: str) -> str:
    return f"https://www.tiktok.com/embed/v2/{post_id}"


async def fetch_data(client: httpx.AsyncClient, post_id: str) -> PostData:
    """The video's oEmbed data; PostGone on 404/410 or a 200 that describes nothing.

    TikTok's 400 answers a removed or private video and a URL it cannot read alike, so it
    stays an error ("unknown this time"), never a status.
    """
    url = canonical_url(post_id)
    answer, raw = await oembed.fetch_oembed(client, OEMBED, url)
    if not any(answer.get(k) for k in ("html", "title", "author_name", "embed_product_id")):
        message = oembed.text(answer.get("status_msg")) or oembed.text(answer.get("message")) or "no data"
        raise PostGone("unavailable", f"TikTok video {post_id}: {message}")
    data = oembed.post_from_oembed("tiktok", post_id, url, answer, raw)
    data.author_handle = oembed.text(answer.get("author_unique_id")) or data.author_handle
    if data.author_handle:
        data.url = f"https://www.tiktok.com/@{data.author_handle}/video/{post_id}"
    return data


PLATFORM = Platform(
    name="tiktok",
    url_patterns=(
        _HOST + r"/@[\w.-]*/(?:video|photo)/" + _ID,
        _HOST + r"/(?:embed/v2|embed|player/v1)/" + _ID,
        _HOST + r"/v/" + _ID,
        r"(?:https?:)?//(?:www\.)?tiktok(?:v)?\.com/share/video/" + _ID,
    ),
    canonical_url=canonical_url,
    video=True,
    embed_classes=("tiktok-embed",),
    url_attributes=("cite", "data-video-id"),
    iframe_patterns=(r"tiktok\.com/(?:embed/v2|embed|player/v1)/(?P<id>\d{6,25})(?!\d)",),
    short_links=(
        r"(?:https?:)?//(?:vm|vt)\.tiktok\.com/[A-Za-z0-9]+",
        r"(?:https?:)?//(?:www\.)?tiktok\.com/t/\w+",
    ),
    embed_url=embed_url,
    render_selector="video",
    fetch_data=fetch_data,
    stand_in=StandIn(
        title="TikTok",
        hosts=("www.tiktok.com",),
        path=r"/embed(?:/v2)?/\d+",
        image_host="p16-sign.tiktokcdn.com",
        extra="<video></video>",
    ),
    probe="https://www.tiktok.com/@scout2015/video/6718335390845095173",  # TikTok's embed docs
    examples=(
        ("https://www.tiktok.com/@a3noticias/video/6806030056956251397", "6806030056956251397"),
        (
            "https://www.tiktok.com/@scout2015/video/6718335390845095173?is_from_webapp=1",
            "6718335390845095173",
        ),
        ("https://www.tiktok.com/embed/v2/6718335390845095173", "6718335390845095173"),
        ("https://www.tiktok.com/player/v1/6718335390845095173?autoplay=0", "6718335390845095173"),
        ("https://m.tiktok.com/v/6718335390845095173.html", "6718335390845095173"),
        ("https://www.tiktok.com/@bellapoarch/photo/7156262356339043627", "7156262356339043627"),
    ),
)
