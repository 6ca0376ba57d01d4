"""YouTube: iframes on youtube.com and youtube-nocookie.com, videos and playlists; data from oEmbed."""

from __future__ import annotations

import httpx

from archiver.models import PostData
from archiver.platforms import oembed
from archiver.platforms.base import Platform, StandIn, query_to

_HOST = r"(?:https?:)?//(?:www\.|m\.|music\.)?youtube(?:-nocookie)?\.com"
_VIDEO = r"(?P<id>[A-Za-z0-9_-]{11})(?![A-Za-z0-9_-])"
_PLAYLIST = r"(?P<id>[A-Za-z0-9_-]{12,64})"
# Path words of 11 letters that are not video ids.
_NOT_AN_ID = r"(?!videoseries|live_stream)"


def canonical_url(post_id: str) -> str:
    """A video id is 11 characters; a playlist id (PL..., UU..., OL...) is longer."""
    if len(post_id) == 11:
        return f"https://www.youtube.com/watch?v={post_id}"
    return f"https://www.youtube.com/playlist?list={post_id}"


def embed_url(post_id: str) -> str:
    if len(post_id) == 11:
        return f"https://www.youtube-nocookie.com/embed/{post_id}"
    return f"https://www.youtube-nocookie.com/embed/videoseries?list={post_id}"


OEMBED = "https://www.youtube.com/oembed"


async def fetch_data(client: httpx.AsyncClient, post_id: str) -> PostData:
    """oEmbed: 404 is deleted, 403 (or a 200 whose whole body is "Forbidden") private. A 401
    means its owner disabled embedding, which says nothing of the video's status: an error."""
    return await oembed.fetch_post(
        client,
        "youtube",
        post_id,
        OEMBED,
        canonical_url(post_id),
        gone={404: "deleted", 410: "deleted", 403: "protected"},
        gone_bodies={"Forbidden": "protected"},
    )


PLATFORM = Platform(
    name="youtube",
    url_patterns=(
        _HOST + r"/watch/?" + query_to("v") + _VIDEO,
        _HOST + r"/(?:embed|v|e|shorts|live)/" + _NOT_AN_ID + _VIDEO,
        r"(?:https?:)?//(?:www\.)?youtu\.be/" + _VIDEO,
        _HOST + r"/(?:playlist|embed/videoseries|embed/?)" + query_to("list") + _PLAYLIST,
    ),
    canonical_url=canonical_url,
    video=True,
    embed_classes=("youtube-player", "youtube-embed"),
    embed_tags=("amp-youtube", "lite-youtube", "youtube-video"),
    url_attributes=(
        "data-videoid",
        "videoid",
        "video-id",
        "data-video-id",
        "data-youtube-id",
        "data-id",
        "data-src",
        "src",
        "data-href",
    ),
    iframe_patterns=(
        r"youtube(?:-nocookie)?\.com/(?:embed|v)/" + _NOT_AN_ID + _VIDEO,
        r"youtube(?:-nocookie)?\.com/embed/(?:videoseries)?" + query_to("list") + _PLAYLIST,
    ),
    url_query=("v", "list"),
    embed_url=embed_url,
    render_selector="video, .ytp-cued-thumbnail-overlay, .ytp-title",
    fetch_data=fetch_data,
    stand_in=StandIn(
        title="YouTube",
        hosts=("www.youtube.com", "youtube.com", "www.youtube-nocookie.com"),
        path=r"/embed/[\w-]+",
        image_host="i.ytimg.com",
        classes="html5-video-player",
        extra='<div class="ytp-title">Offline video</div>',
    ),
    probe="https://www.youtube.com/watch?v=jNQXAC9IVRw",  # "Me at the zoo", the first video
    examples=(
        ("https://www.youtube.com/watch?v=1j7j2U_BGNo", "1j7j2U_BGNo"),
        ("https://youtu.be/c8aFcHFu8QM?t=42", "c8aFcHFu8QM"),
        ("https://www.youtube-nocookie.com/embed/Q0CbN8sfihY?start=30", "Q0CbN8sfihY"),
        ("https://www.youtube.com/shorts/wky9pETRuqI", "wky9pETRuqI"),
        (
            "https://www.youtube.com/playlist?list=PLUXSZMIiUfFQUnjV3iqRpaoMzsRjZZfs7",
            "PLUXSZMIiUfFQUnjV3iqRpaoMzsRjZZfs7",
        ),
        (
            "https://www.youtube.com/embed/videoseries?list=PLUXSZMIiUfFQUnjV3iqRpaoMzsRjZZfs7",
            "PLUXSZMIiUfFQUnjV3iqRpaoMzsRjZZfs7",
        ),
    ),
)
