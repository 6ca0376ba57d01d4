"""Vine (retired): iframes of vine.co/v/ID/embed (simple, postcard) and /card, amp-vine, links.

Vine stopped in January 2017 and its posts are no longer served: discovery still finds them so
that an article's record of what it showed stays complete, and they are recorded as
"unavailable" (the platform is gone), never captured.
"""

from __future__ import annotations

from archiver.platforms.base import Platform

# A post id: 11 letters and digits (vine.co/v/MdKjXez002d).
_ID = r"(?P<id>[A-Za-z0-9]{11})(?![A-Za-z0-9])"


def canonical_url(post_id: str) -> str:
    return f"https://vine.co/v/{post_id}"


PLATFORM = Platform(
    name="vine",
    url_patterns=(r"(?:https?:)?//(?:www\.)?vine\.co/v/" + _ID,),
    canonical_url=canonical_url,
    id_shape=r"[A-Za-z0-9]{11}",
    retired="Vine closed in January 2017: its posts are no longer served",
    # <iframe class="vine-embed" src="https://vine.co/v/ID/embed/simple">, AMP's <amp-vine data-vineid>
    embed_classes=("vine-embed",),
    embed_tags=("amp-vine",),
    url_attributes=("data-vineid", "src", "data-src", "cite", "data-href"),
    iframe_patterns=(r"vine\.co/v/" + _ID + r"/(?:embed|card)",),
    examples=(
        ("https://vine.co/v/MdKjXez002d", "MdKjXez002d"),
        ("https://vine.co/v/OmpM1YT5OVv/embed/simple", "OmpM1YT5OVv"),
        ("http://vine.co/v/b39intXxu6e/embed/postcard?audio=1", "b39intXxu6e"),
    ),
)
