"""Vimeo: player.vimeo.com/video/<id> iframes; data from oEmbed, its 404 checked with the player."""

from __future__ import annotations

import html

import httpx

from archiver.errors import CaptureError, PostGone
from archiver.models import PostData
from archiver.platforms import oembed
from archiver.platforms.base import Platform, StandIn, ViewState, query_to

_ID = r"(?P<id>\d{5,12})(?![\w-])"


def canonical_url(post_id: str) -> str:
    return f"https://vimeo.com/{post_id}"


def embed_url(post_id: str) -> str:
    return f"https://player.vimeo.com/video/{post_id}"


OEMBED = "https://vimeo.com/api/oembed.json"

# The player's page for a video that is not there, in Vimeo's words (its 404 page), and its
# 403 page for a video whose owner allows embedding on some sites only, which Vimeo's help
# says is what "because of its privacy settings" means: no status.
GONE_TEXT = "This video does not exist."
DOMAIN_ONLY = "Because of its privacy settings, this video cannot be played here."


async def fetch_data(client: httpx.AsyncClient, post_id: str) -> PostData:
    """oEmbed; a 404 from it is checked against the player's own page.

    Vimeo's oEmbed answers 404 for a deleted video, a private one and (without the right
    Referer) one embeddable on some sites only alike; its 403 is an embed limited to some sites.
    So a 404 is "deleted" only when the player's page says so too (404, "This video does not
    exist."); when the player says its privacy settings keep it from playing here, or cannot be
    asked, or plays it, the video's state is not known: the error stands.
    """
    try:
        return await oembed.fetch_post(client, "vimeo", post_id, OEMBED, canonical_url(post_id), gone={})
    except httpx.HTTPStatusError as exc:
        if exc.response.status_code not in (404, 410):
            raise
        missing = exc
    try:
        player = await client.get(embed_url(post_id), follow_redirects=True)
    except httpx.HTTPError as exc:
        raise missing from exc
    if player.status_code in (404, 410) or (player.status_code >= 400 and GONE_TEXT in player.text):
        raise PostGone("deleted", f"vimeo {post_id}: oEmbed 404, player: {GONE_TEXT}", player.status_code)
    if "privacy settings" in player.text:
        raise CaptureError(
            f"vimeo {post_id}: oEmbed 404 and the player says {DOMAIN_ONLY!r}: private, or embeddable "
            "on some sites only; Vimeo does not say which"
        )
    raise missing


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
    view_states=(ViewState("deleted", "body", r"this video does not exist", "Vimeo's 404 page"),),
    stand_in=StandIn(
        title="Vimeo",
        hosts=("player.vimeo.com",),
        path=r"/video/\d+",
        image_host="i.vimeocdn.com",
        classes="player",
        gone={"deleted": f'<div class="vp-error"><h1>Sorry</h1><p>{html.escape(GONE_TEXT)}</p></div>'},
    ),
    probe="https://vimeo.com/76979871",  # Vimeo's oEmbed docs' example
    examples=(
        ("https://vimeo.com/51492729", "51492729"),
        ("http://player.vimeo.com/video/51492729?title=0", "51492729"),
        ("https://vimeo.com/channels/staffpicks/76979871", "76979871"),
    ),
)
