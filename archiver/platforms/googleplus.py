"""Google+ (retired): embedded posts as div.g-post data-href="https://plus.google.com/USER/posts/ID"
(with apis.google.com's plusone.js or platform.js), and the widget frames that script rendered.

Google+ for consumers closed on 2 April 2019: its posts are found and recorded as "unavailable"
(the platform is gone), never captured. The post id keeps its author (USER/ID), as the URL does.
"""

from __future__ import annotations

import re

from archiver.platforms.base import Platform, query_to

_HOST = r"(?:https?:)?//plus\.google\.com/(?:u/\d+/)?(?!communities/)"
_USER = r"(?P<user>\+[\w.-]{1,100}|\d{15,25}|[A-Za-z][\w.-]{0,100})"
_POST = r"(?P<post>[A-Za-z0-9_-]{6,20})(?![A-Za-z0-9_-])"


def canonical_url(post_id: str) -> str:
    user, _, post = post_id.partition("/")
    if not post:
        raise ValueError(f"a Google+ post id is USER/POST: {post_id!r}")
    return f"https://plus.google.com/{user}/posts/{post}"


def make_id(m: re.Match[str]) -> str | None:
    return f"{m.group('user')}/{m.group('post')}"


PLATFORM = Platform(
    name="googleplus",
    url_patterns=(
        r"(?:https?:)?//plus\.google\.com/(?:u/\d+/)?(?!communities/)" + _USER + r"/posts/" + _POST,
    ),
    canonical_url=canonical_url,
    make_id=make_id,
    aliases=("gplus",),
    retired="Google+ closed on 2 April 2019: its posts are no longer served",
    embed_classes=("g-post",),
    url_attributes=("data-href", "href"),
    # The frame plusone.js drew for a g-post: apis.google.com/_/widget/render/post?...&href=POST
    iframe_patterns=(
        r"apis\.google\.com/(?:u/\d+/)?_/widget/render/post" + query_to("href") + r"(?P<url>[^&\"'\s]+)",
    ),
    examples=(
        (
            "https://plus.google.com/109813896768294978296/posts/hdbPtrsqMXQ",
            "109813896768294978296/hdbPtrsqMXQ",
        ),
        ("https://plus.google.com/u/0/+StephanHovnanian/posts/6apV9FHgo4k", "+StephanHovnanian/6apV9FHgo4k"),
        (
            "https://plus.google.com/107085977904914121234/posts/HmEfgCHhMFS",
            "107085977904914121234/HmEfgCHhMFS",
        ),
    ),
)
