"""Threads: blockquote.text-post-media (data-text-post-permalink) and /embed iframes, on threads.net
and threads.com.

The post id is the post's shortcode (`C8Fr0YgS0Bt`), which Threads serves under any username
and under /t/. No public data endpoint answers without an app token, so there is no fetch_data:
re-checks of Threads posts go through a capture.
"""

from __future__ import annotations

from archiver.platforms.base import Platform, StandIn

_HOST = r"(?:https?:)?//(?:www\.)?threads\.(?:net|com)"
_PATH = r"/(?:@[A-Za-z0-9_.]{1,30}/post|t|post)/(?P<id>[A-Za-z0-9_-]{6,20})(?![A-Za-z0-9_-])"


def canonical_url(post_id: str) -> str:
    return f"https://www.threads.com/t/{post_id}"


def embed_url(post_id: str) -> str:
    return f"https://www.threads.com/t/{post_id}/embed"


PLATFORM = Platform(
    name="threads",
    url_patterns=(_HOST + _PATH + r"(?![A-Za-z0-9_-])",),
    canonical_url=canonical_url,
    embed_classes=("text-post-media",),
    url_attributes=("data-text-post-permalink", "cite"),
    iframe_patterns=(r"threads\.(?:net|com)" + _PATH + r"/embed",),
    embed_url=embed_url,
    stand_in=StandIn(
        title="Threads",
        hosts=("www.threads.net", "www.threads.com"),
        path=r"/(?:@[\w.]+/post|t)/[\w-]+/embed/?",
        image_host="scontent.cdninstagram.com",
    ),
    probe="https://www.threads.com/@meta/post/DDzbnVKx57R",  # Threads' oEmbed reference
    examples=(
        ("https://www.threads.net/@zuck/post/C8Fr0YgS0Bt", "C8Fr0YgS0Bt"),
        ("https://www.threads.com/@nasa/post/DAbCdEfGhIj?xmt=AQGz", "DAbCdEfGhIj"),
        ("https://www.threads.net/t/CuXFPIeLLod", "CuXFPIeLLod"),
        ("https://www.threads.net/@zuck/post/C8Fr0YgS0Bt/embed", "C8Fr0YgS0Bt"),
    ),
)
