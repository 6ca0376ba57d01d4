"""LinkedIn: the embed iframe (linkedin.com/embed/feed/update/URN) and post URLs.

The post id is the URN the embed code carries: `urn:li:share:N`, `urn:li:ugcPost:N` or
`urn:li:activity:N`. One post can have an activity URN and a share (or ugcPost) URN; telling
that they are the same needs LinkedIn, so they stay two ids.

LinkedIn has no public read API. Its embed view is a page LinkedIn renders on its server, so
`fetch_data` reads that page over HTTP: the post's text, author, images, video poster and
counts where the page carries them. What it cannot tell: the post's date beyond what its URN's
number encodes, and why a post is gone: LinkedIn answers 404 for a deleted post and for one
its author no longer shows to everyone alike, so a 404 is "unavailable", never "deleted" or
"protected". A redirect to the login wall, a 999 (LinkedIn's refusal of a robot) or any other
failure is an error, not a status.
"""

from __future__ import annotations

import html
import re
from datetime import datetime, timezone
from typing import Any

import httpx
from bs4 import BeautifulSoup

from archiver.errors import CaptureError, PostGone
from archiver.models import PostData
from archiver.platforms import oembed
from archiver.platforms.base import Platform, StandIn, StandInAnswer, StandInData, ViewState

_COLON = r"(?::|%3A)"
_URN = rf"urn{_COLON}li{_COLON}(?P<kind>share|ugcPost|activity){_COLON}(?P<num>\d{{6,25}})"
_HOST = r"(?:https?:)?//(?:[a-z]{2,3}\.|www\.)?linkedin\.com"
_KINDS = {"share": "share", "ugcpost": "ugcPost", "activity": "activity"}


def make_id(m: re.Match[str]) -> str:
    return f"urn:li:{_KINDS[m.group('kind').lower()]}:{m.group('num')}"


def canonical_url(post_id: str) -> str:
    return f"https://www.linkedin.com/feed/update/{post_id}/"


def embed_url(post_id: str) -> str:
    return f"https://www.linkedin.com/embed/feed/update/{post_id}"


# The embed view's own markup (its data-test-id and tracking names).
_COMMENTARY = (
    '[data-test-id="main-feed-activity-embed-card__commentary"], .attributed-text-segment-list__content'
)
_ACTOR = '[data-tracking-control-name="public_post_embed_feed-actor-name"]'
_IMAGES = '[data-test-id="feed-images-content"] img'
_FIRST_POST = datetime(2003, 5, 5, tzinfo=timezone.utc)  # LinkedIn's launch: no post is older


def urn_time(post_id: str) -> str | None:
    """When the post was made, from its URN's number: its bits above the lowest 22 are the
    milliseconds since the epoch. None when that gives no plausible date."""
    number = int(post_id.rsplit(":", 1)[-1])
    moment = datetime.fromtimestamp((number >> 22) / 1000, tz=timezone.utc)
    return moment.isoformat() if _FIRST_POST <= moment <= datetime.now(timezone.utc) else None


def _count(value: str | None) -> int | None:
    """ "1,234" or "47 Comments" as a number; an abbreviated "1.2K" is no exact count: None."""
    found = re.fullmatch(r"\s*([\d,]+)(?:\s+\w+)?\s*", value or "")
    return oembed.as_int(found.group(1)) if found else None


def post_from_embed(post_id: str, page: str, raw: bytes) -> PostData:
    """A post's PostData from its embed view's HTML; CaptureError when the page holds no post."""
    soup = BeautifulSoup(page, "html.parser")
    commentary = soup.select_one(_COMMENTARY)
    actor = soup.select_one(_ACTOR)
    og_title = soup.select_one('meta[property="og:title"]')
    if commentary is None and actor is None:
        raise CaptureError(f"linkedin {post_id}: the embed view holds no post")
    profile = str(actor.get("href") or "") if actor is not None else ""
    handle = re.search(r"linkedin\.com/(?:in|company|school)/([^/?#]+)", profile)
    photos = [
        item
        for img in soup.select(_IMAGES)
        if (item := oembed.media(img.get("data-delayed-url") or img.get("src"), "photo", img.get("alt")))
    ]
    poster = soup.select_one("video[data-poster-url]")
    thumbnail = oembed.media(poster.get("data-poster-url"), "thumbnail") if poster is not None else None
    reactions = soup.select_one('[data-test-id="social-actions__reaction-count"]')
    comments = soup.select_one('[data-test-id="social-actions__comments"]')
    counts = {
        "likes": _count(reactions.get_text() if reactions is not None else None),
        "replies": _count(comments.get_text() if comments is not None else None),
    }
    title = oembed.text(og_title.get("content")) if og_title is not None else None
    return PostData(
        platform="linkedin",
        post_id=post_id,
        url=canonical_url(post_id),
        author_name=oembed.text(actor.get_text()) if actor is not None else None,
        author_handle=handle.group(1) if handle else None,
        created_at=urn_time(post_id),
        text=oembed.html_to_text(commentary.decode_contents()) if commentary is not None else None,
        media=[*photos, *([thumbnail] if thumbnail else [])],
        counts={k: v for k, v in counts.items() if v is not None},
        extra={"title": title} if title else {},
        raw=raw,
    )


async def fetch_data(client: httpx.AsyncClient, post_id: str) -> PostData:
    """The embed view's own answer: the post, or a 404/410 (unavailable: LinkedIn does not say
    whether it was deleted or made non-public); a login wall or any other answer is an error."""
    response = await client.get(embed_url(post_id), follow_redirects=True)
    if response.status_code in (404, 410):
        raise PostGone(
            "unavailable", f"linkedin {post_id}: HTTP {response.status_code}", response.status_code
        )
    response.raise_for_status()
    if re.search(r"/(?:authwall|login|uas/login|checkpoint)\b", response.url.path):
        raise CaptureError(
            f"linkedin {post_id}: the embed view sent us to {response.url.path} (a login wall)"
        )
    return post_from_embed(post_id, response.text, response.content)


# For the offline world: the embed view as LinkedIn renders it, and its gone page.
GONE_TEXT = "This post cannot be displayed"


def _view(post_id: str, text: str, **_: Any) -> StandInAnswer:
    body = html.escape(text).replace("\n", "<br>")
    who = "https://www.linkedin.com/in/offline-reporter"
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Offline Reporter on LinkedIn</title>
<meta property="og:title" content="Offline Reporter on LinkedIn">
<link rel="canonical" href="{canonical_url(post_id)}"></head>
<body><article class="main-feed-activity-card" data-activity-urn="{html.escape(post_id)}">
<div data-test-id="main-feed-activity-embed-card__entity-lockup">
<a href="{who}?trk=public_post_embed_feed-actor-image"
 data-tracking-control-name="public_post_embed_feed-actor-image">
<img alt="View profile for Offline Reporter"
 src="https://media.licdn.com/dms/image/offline/profile-displayphoto-shrink_100_100/0"></a>
<a href="{who}?trk=public_post_embed_feed-actor-name"
 data-tracking-control-name="public_post_embed_feed-actor-name">Offline Reporter</a>
<time>2mo</time></div>
<p class="attributed-text-segment-list__content"
 data-test-id="main-feed-activity-embed-card__commentary" dir="ltr">{body}</p>
<ul data-test-id="feed-images-content"><li data-test-id="feed-images-content__list-item">
<img data-delayed-url="https://media.licdn.com/dms/image/offline/feedshare-shrink_800/0/photo.jpg"
 alt="A photo"></li></ul>
<div data-test-id="social-actions"><span data-test-id="social-actions__reaction-count">47</span>
<a data-test-id="social-actions__comments">12 Comments</a></div>
</article></body></html>
"""
    return StandInAnswer(200, page, "text/html; charset=utf-8")


_GONE_PAGE = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>LinkedIn</title></head>
<body><main class="embed-error"><h1>{GONE_TEXT}</h1></main></body></html>
"""


PLATFORM = Platform(
    name="linkedin",
    url_patterns=(
        # The URN itself, wherever it stands: /feed/update/URN, /embed/feed/update/URN, a bare URN.
        r"(?<![\w:%])" + _URN,
        # /posts/AUTHOR_SLUG-activity-N-XXXX: the slug ends with the URN's kind and number.
        _HOST + r"/posts/[^\s\"'<>?#]{0,300}?-(?P<kind>activity|ugcPost|share)-(?P<num>\d{6,25})(?![\d])",
    ),
    canonical_url=canonical_url,
    make_id=make_id,
    iframe_patterns=(r"linkedin\.com/embed/feed/update/(?P<id>urn(?::|%3A)li(?::|%3A)\w+(?::|%3A)\d+)",),
    embed_url=embed_url,
    fetch_data=fetch_data,
    view_states=(
        ViewState("unavailable", "body", r"this post cannot be displayed", "LinkedIn gives no reason"),
    ),
    stand_in=StandIn(
        title="LinkedIn",
        hosts=("www.linkedin.com",),
        path=r"/embed/feed/update/[\w:%-]+",
        image_host="media.licdn.com",
        data=StandInData(
            host="www.linkedin.com",
            path=r"/embed/feed/update/(?P<id>[\w:%-]+)",
            live=_view,
            gone={"unavailable": StandInAnswer(404, _GONE_PAGE, "text/html; charset=utf-8")},
        ),
        gone={"unavailable": f'<main class="embed-error"><h1>{GONE_TEXT}</h1></main>'},
    ),
    probe="https://www.linkedin.com/feed/update/urn:li:share:6857907035879698432/",  # best effort
    examples=(
        (
            "https://www.linkedin.com/embed/feed/update/urn:li:share:7012345678901234567",
            "urn:li:share:7012345678901234567",
        ),
        (
            "https://www.linkedin.com/feed/update/urn:li:activity:7012345678901234567/",
            "urn:li:activity:7012345678901234567",
        ),
        (
            "https://www.linkedin.com/embed/feed/update/urn%3Ali%3AugcPost%3A7198765432109876543?collapsed=1",
            "urn:li:ugcPost:7198765432109876543",
        ),
        (
            "https://www.linkedin.com/posts/satyanadella_ai-copilot-activity-7198765432109876543-AbCd",
            "urn:li:activity:7198765432109876543",
        ),
    ),
)
