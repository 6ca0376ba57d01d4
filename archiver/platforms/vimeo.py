"""Vimeo: player.vimeo.com/video/<id> iframes; data from oEmbed."""

from __future__ import annotations

import httpx

from archiver.models import PostData
from archiver.platforms import oembed
from archiver.platforms.base import Platform, StandIn, query_to

_ID = r"(?P<id>\d{5,12})(?![\w-])"


def canonical_url(post_id: str) -> str:
    return f"https://vimeo.com/{post_id}"


def embed_url(post_id: str) -> str:
    return f"https://player.vimeo.com/video/{post_id}"


OEMBED = "https://vimeo.com/api/oembed.json"


async def fetch_data(client: httpx.AsyncClient, post_id: str) -> PostData:
    """oEmbed: 404 is deleted (or made private: Vimeo answers both alike). A 403 means its owner
    allows embedding on some sites only, which says nothing of the video's status: an error."""
    return await oembed.fetch_post(client, "vimeo", post_id, OEMBED, canonical_url(post_id))


PLATFORM = Platform(
    name="vimeo",
    url_patterns=(
        r"(?:https?:)?//(?:www\.)?vimeo\.com/(?:channels/[\w-]+/|groups/[\w-]+/videos/|album/\d+/video/"
        r"|showcase/\d+/video/|video/)?" + _ID,
        r"(?:https?:)?//player\.vimeo\.com/video/" + _ID,
    ),
    canonical_url=canonical_url,
    video=True,
    embed_tags=("amp-vimeo",),
    url_attributes=("data-videoid", "data-href"),
    iframe_patterns=(
        r"player\.vimeo\.com/video/" + _ID,
        r"vimeo\.com/moogaloop\.swf" + query_to("clip_id") + _ID,  # the old Flash embed
    ),
    embed_url=embed_url,
    render_selector=".vp-video-wrapper, .player",
    fetch_data=fetch_data,
    stand_in=StandIn(
        title="Vimeo",
        hosts=("player.vimeo.com",),
        path=r"/video/\d+",
        image_host="i.vimeocdn.com",
        classes="player",
    ),
    probe="https://vimeo.com/76979871",  # Vimeo's oEmbed docs' example
    examples=(
        ("https://vimeo.com/51492729", "51492729"),
        ("http://player.vimeo.com/video/51492729?title=0", "51492729"),
        ("https://vimeo.com/channels/staffpicks/76979871", "76979871"),
    ),
)
