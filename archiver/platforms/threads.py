"""Threads: blockquote.text-post-media (data-text-post-permalink) and /embed iframes, on threads.net
and threads.com; data from Meta's Threads oEmbed and the embed view (meta.py says how).

The post id is the post's shortcode (`C8Fr0YgS0Bt`), which Threads serves under any username
and under /t/. The embed view (/t/ID/embed) is rendered on Meta's server: the author
(.HeaderLink), the text (.BodyTextContainer), photos and videos (.SingleInnerMediaContainer and
the other media containers), the counts (.ActionBarCount). For a post it will not show it has
.EmbedError saying "Thread not available" (deleted, private or hidden alike: "unavailable").
The post's time is read off its shortcode; the view's own line ("9:58 AM · Aug 15, 2024") is
in the viewer's time zone, and relative for recent posts.
"""

from __future__ import annotations

import html
from datetime import datetime, timezone
from typing import Any

from bs4 import BeautifulSoup

from archiver.errors import CaptureError, PostGone
from archiver.platforms import meta, oembed
from archiver.platforms.base import Platform, StandIn, StandInAnswer, StandInData, ViewState

_HOST = r"(?:https?:)?//(?:www\.)?threads\.(?:net|com)"
_PATH = r"/(?:@[A-Za-z0-9_.]{1,30}/post|t|post)/(?P<id>[A-Za-z0-9_-]{6,20})(?![A-Za-z0-9_-])"


def canonical_url(post_id: str) -> str:
    return f"https://www.threads.com/t/{post_id}"


def embed_url(post_id: str) -> str:
    return f"https://www.threads.com/t/{post_id}/embed"


OEMBED = f"{meta.THREADS_GRAPH}/oembed"
MEDIA_HOSTS = ("cdninstagram.com", "fbcdn.net")
_EARLIEST = datetime(2023, 7, 1, tzinfo=timezone.utc)  # Threads opened on 5 July 2023
NOT_AVAILABLE = "Thread not available"


def _post_url(handle: str | None, post_id: str) -> str:
    return f"https://www.threads.com/@{handle}/post/{post_id}" if handle else canonical_url(post_id)


def _media(root: BeautifulSoup) -> list[dict[str, Any]]:
    """The post's photos and videos, in order, from its media boxes (the avatar is outside them)."""
    items: list[dict[str, Any]] = []
    seen: set[str] = set()
    for box in root.select("[class*=MediaContainer]"):
        videos = box.select("video")
        for video in videos:
            source = video.select_one("source[src]")
            url = meta.https_url((source or video).get("src"), MEDIA_HOSTS)
            if url and url not in seen:
                seen.add(url)
                poster = meta.https_url(video.get("poster"), MEDIA_HOSTS)
                items.append(oembed.media(url, "video", preview=poster) or {})
        if videos:
            continue  # an image beside a video is its cover
        for image in box.select("img[src]"):
            url = meta.https_url(image.get("src"), MEDIA_HOSTS)
            if url and url not in seen:
                seen.add(url)
                items.append(oembed.media(url, "photo", image.get("alt")) or {})
    return [item for item in items if item]


def read_view(page: str, post_id: str) -> meta.View:
    """What the embed view shows: the post, or Meta's "Thread not available" (PostGone)."""
    root = BeautifulSoup(page, "lxml")
    error = root.select_one(".EmbedError")
    if error is not None:
        message = " ".join(error.get_text(" ").split()) or NOT_AVAILABLE
        raise PostGone("unavailable", f"threads {post_id}: {message}")
    embed = root.select_one(".Embed")
    if embed is None:
        raise CaptureError(f"threads {post_id}: the embed view shows neither the post nor Meta's error")
    author = root.select_one(".HeaderLink") or root.select_one(".AvatarContainer img[alt]")
    handle = oembed.text(author.get_text() if author is not None and author.name != "img" else None)
    if handle is None and author is not None:
        handle = oembed.text(author.get("alt"))
    body = root.select_one(".BodyTextContainer")
    counts = [oembed.as_int(c.get_text(strip=True)) for c in root.select(".ActionBarIcon")]
    named = dict(zip(("likes", "replies", "reposts", "shares"), counts, strict=False))
    return meta.View(
        url=_post_url(handle, post_id),
        author_handle=handle,
        created_at=meta.shortcode_time(post_id, _EARLIEST),
        text=oembed.html_to_text(str(body)) if body is not None else None,
        media=_media(root),
        counts=oembed.counts(**named),
        extra={"verified": True} if root.select_one(".AuthorIdentity .VerifiedBadge") is not None else {},
    )


def read_oembed(code: str, post_id: str) -> meta.View:
    """What the Threads oEmbed blockquote says: its permalink names the author."""
    root = BeautifulSoup(code, "lxml")
    quote = root.select_one("blockquote[data-text-post-permalink]")
    link = str(quote.get("data-text-post-permalink") or "") if quote is not None else ""
    handle = link.split("/@", 1)[1].split("/", 1)[0] if "/@" in link else None
    return meta.View(url=_post_url(handle, post_id), author_handle=handle)


SITE = meta.Site("threads", OEMBED, canonical_url, embed_url, read_view, read_oembed)
fetch_data = meta.fetcher(SITE)


# For the offline world: what Meta's oEmbed answers for a live post.


def _oembed_answer(post_id: str, text: str) -> StandInAnswer:
    link = f"https://www.threads.com/@zuck/post/{post_id}"
    code = (
        f'<blockquote class="text-post-media" data-text-post-permalink="{link}" '
        f'data-text-post-version="0" id="ig-tp-{post_id}"><a href="{link}" target="_blank">'
        f"<div>{html.escape(text)}</div><div>Post by @zuck</div><div>View on Threads</div></a>"
        '</blockquote>\n<script async src="https://www.threads.com/embed.js"></script>'
    )
    return meta.oembed_answer("Threads", "https://www.threads.com/", 658, code)


PLATFORM = Platform(
    name="threads",
    url_patterns=(_HOST + _PATH + r"(?![A-Za-z0-9_-])",),
    canonical_url=canonical_url,
    embed_classes=("text-post-media",),
    url_attributes=("data-text-post-permalink", "cite"),
    iframe_patterns=(r"threads\.(?:net|com)" + _PATH + r"/embed",),
    embed_url=embed_url,
    render_selector=".Embed .EmbedContainer, .Embed",
    fetch_data=fetch_data,
    view_states=(
        ViewState(
            "unavailable", ".EmbedError", text=r"(?i)not available", reason="Meta: Thread not available"
        ),
    ),
    stand_in=StandIn(
        title="Threads",
        hosts=("www.threads.net", "www.threads.com"),
        path=r"/(?:@[\w.]+/post|t)/[\w-]+/embed/?",
        image_host="scontent.cdninstagram.com",
        data=StandInData(
            host="graph.threads.net",
            path=r"/(?:v\d+\.\d+/)?oembed/?",
            query="url",
            live=_oembed_answer,
            gone={"unavailable": meta.GRAPH_NOT_EMBEDDABLE},
        ),
        gone={
            "unavailable": '<div class="EmbedError"><div class="OuterErrorContainer"><svg></svg>'
            f'<span class="ErrorText">{NOT_AVAILABLE}</span></div></div>'
        },
    ),
    probe="https://www.threads.com/@meta/post/DDzbnVKx57R",  # Threads' oEmbed reference
    examples=(
        ("https://www.threads.net/@zuck/post/C8Fr0YgS0Bt", "C8Fr0YgS0Bt"),
        ("https://www.threads.com/@nasa/post/DAbCdEfGhIj?xmt=AQGz", "DAbCdEfGhIj"),
        ("https://www.threads.net/t/CuXFPIeLLod", "CuXFPIeLLod"),
        ("https://www.threads.net/@zuck/post/C8Fr0YgS0Bt/embed", "C8Fr0YgS0Bt"),
    ),
)
