"""Storify (retired): stories at storify.com/USER/SLUG, embedded as

    <div class="storify"><iframe src="//storify.com/USER/SLUG/embed?border=false" ...></iframe>
    <script src="//storify.com/USER/SLUG.js?border=false"></script>
    <noscript>[<a href="//storify.com/USER/SLUG">View the story "..." on Storify</a>]</noscript></div>

or by the script and its noscript link alone (a script that wrote the story into the page).
Storify closed on 16 May 2018: its stories are found and recorded as "unavailable" (the
platform is gone), never captured. The post id is USER/SLUG.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from archiver.platforms.base import Page, Platform

if TYPE_CHECKING:
    from archiver.models import Embed

# Paths of Storify's own pages, not a user's story.
_NOT_A_USER = (
    r"(?!(?:public|story|stories|api|login|signup|about|faq|tos|privacy|embed|static|images|img|css|js)/)"
)
_ID = r"(?P<id>" + _NOT_A_USER + r"[A-Za-z0-9_]{1,40}/[A-Za-z0-9_-]{1,200})(?![A-Za-z0-9_-])"
_SCRIPT = re.compile(r"(?:https?:)?//(?:www\.)?storify\.com/" + _ID + r"\.js(?:[?#]|$)", re.IGNORECASE)


def canonical_url(post_id: str) -> str:
    return f"https://storify.com/{post_id}"


def detect(page: Page) -> Iterator[Embed]:
    """The script that wrote a story into the page (storify.com/USER/SLUG.js), when nothing
    around it was found as the story already."""
    for script in page.root.iter("script"):
        m = _SCRIPT.match((script.get("src") or "").strip())
        if m is None or page.is_claimed(script):
            continue
        if any(page.is_claimed(ancestor) for ancestor in script.iterancestors()):
            continue
        page.claim(script)
        yield page.embed(PLATFORM, m.group("id"), "widget", script)


PLATFORM = Platform(
    name="storify",
    url_patterns=(r"(?:https?:)?//(?:www\.)?storify\.com/" + _ID,),
    canonical_url=canonical_url,
    retired="Storify closed on 16 May 2018: its stories are no longer served",
    embed_classes=("storify",),
    url_attributes=("data-href",),
    iframe_patterns=(r"storify\.com/" + _ID + r"/embed",),
    detectors=(detect,),
    examples=(
        ("https://storify.com/amirmc/fosdem", "amirmc/fosdem"),
        ("http://storify.com/belteshassar/reactions-to-metricbot", "belteshassar/reactions-to-metricbot"),
        (
            "//storify.com/SMartBe/smart-in-progress/embed?header=false&border=false",
            "SMartBe/smart-in-progress",
        ),
    ),
)
