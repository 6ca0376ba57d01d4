"""Dailymotion: player iframes (geo.dailymotion.com, /embed/video/), the Player Embed Script and
amp-dailymotion.

The post id is the video id: an "x" and letters or digits (`x84sh87`). Playlists (whose ids look
the same) are not posts here. The Player Embed Script names its video on the script itself,
`<script src="https://geo.dailymotion.com/player/PLAYER.js" data-video="x84sh87">`, with an
attribute too common to mark an embed on any element: `detect` reads it on Dailymotion's script.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from archiver.platforms.base import Page, Platform, StandIn, query_to

if TYPE_CHECKING:
    from archiver.models import Embed

_ID = r"(?P<id>x[a-z0-9]{4,14})(?![a-z0-9])"
# The geo player, with a player id (as Dailymotion Studio writes it) or without.
_GEO = r"geo\.dailymotion\.com/player(?:/[\w-]+)?\.html" + query_to("video")
_SCRIPT = re.compile(r"\s*(?:https?:)?//geo\.dailymotion\.com/player/[\w-]+\.js", re.IGNORECASE)


def canonical_url(post_id: str) -> str:
    return f"https://www.dailymotion.com/video/{post_id}"


def embed_url(post_id: str) -> str:
    return f"https://geo.dailymotion.com/player.html?video={post_id}"


def detect(doc: Page) -> Iterator[Embed]:
    """The Player Embed Script: the player is drawn where the script stands."""
    for script in doc.root.iter("script"):
        if doc.is_claimed(script) or not _SCRIPT.match(script.get("src") or ""):
            continue
        post_id = PLATFORM.post_id(script.get("data-video") or "")
        if post_id:
            doc.claim(script)
            yield doc.embed(PLATFORM, post_id, "widget", script)


PLATFORM = Platform(
    name="dailymotion",
    url_patterns=(
        r"(?:https?:)?//(?:www\.)?dailymotion\.com/(?:embed/)?video/" + _ID,
        r"(?:https?:)?//(?:www\.)?dai\.ly/" + _ID,
        r"(?:https?:)?//" + _GEO + _ID,
    ),
    canonical_url=canonical_url,
    video=True,
    embed_tags=("amp-dailymotion",),
    url_attributes=("data-videoid", "data-video", "data-href"),
    iframe_patterns=(
        r"dailymotion\.com/(?:embed/video|swf(?:/video)?)/" + _ID,
        _GEO + _ID,
    ),
    detectors=(detect,),
    embed_url=embed_url,
    stand_in=StandIn(
        title="Dailymotion",
        hosts=("geo.dailymotion.com",),
        path=r"/player(?:/[\w-]+)?\.html",
        image_host="s1.dmcdn.net",
        extra="<video></video>",
    ),
    probe="https://www.dailymotion.com/video/x7tgad0",  # Dailymotion's oEmbed guide
    examples=(
        ("https://www.dailymotion.com/video/x84sh87", "x84sh87"),
        ("https://www.dailymotion.com/video/x2bak9_the-title-of-it_news", "x2bak9"),
        ("https://dai.ly/x9pupog", "x9pupog"),
        ("https://www.dailymotion.com/embed/video/x8j4ob2?autoplay=1", "x8j4ob2"),
        ("https://geo.dailymotion.com/player.html?video=x9pupog", "x9pupog"),
        ("https://geo.dailymotion.com/player/xa1b2.html?mute=true&video=x84sh87", "x84sh87"),
    ),
)
