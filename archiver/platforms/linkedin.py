"""LinkedIn: the embed iframe (linkedin.com/embed/feed/update/URN) and post URLs.

The post id is the URN the embed code carries: `urn:li:share:N`, `urn:li:ugcPost:N` or
`urn:li:activity:N`. One post can have an activity URN and a share (or ugcPost) URN; telling
that they are the same needs LinkedIn, so they stay two ids. LinkedIn has no public data
endpoint, so there is no fetch_data: re-checks go through a capture of the embed view.
"""

from __future__ import annotations

import re

from archiver.platforms.base import Platform, StandIn

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
    stand_in=StandIn(
        title="LinkedIn",
        hosts=("www.linkedin.com",),
        path=r"/embed/feed/update/[\w:%-]+",
        image_host="media.licdn.com",
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
