"""The registry: every platform embed-archiver knows, in the order a URL is tried against them.

Adding a platform is a module in this package that builds its `Platform` as PLATFORM (see
base.py), plus its line in PLATFORMS (and its name in the import above it): one file and one
line. Explicit imports, not module names in strings, so that mypy and readers see them all.
"""

from __future__ import annotations

from archiver.platforms import (
    bluesky,
    dailymotion,
    facebook,
    googleplus,
    instagram,
    linkedin,
    mastodon,
    periscope,
    reddit,
    storify,
    telegram,
    threads,
    tiktok,
    twitter,
    vimeo,
    vine,
    youtube,
)
from archiver.platforms.base import Platform

PLATFORMS: tuple[Platform, ...] = (
    twitter.PLATFORM,
    instagram.PLATFORM,
    youtube.PLATFORM,
    facebook.PLATFORM,
    vimeo.PLATFORM,
    dailymotion.PLATFORM,
    tiktok.PLATFORM,
    bluesky.PLATFORM,
    mastodon.PLATFORM,
    telegram.PLATFORM,
    threads.PLATFORM,
    reddit.PLATFORM,
    linkedin.PLATFORM,
    # Retired platforms: their posts are found and recorded as gone with them, never captured.
    vine.PLATFORM,
    periscope.PLATFORM,
    googleplus.PLATFORM,
    storify.PLATFORM,
)


def get(name: str) -> Platform:
    """The platform named `name`; KeyError when none is."""
    for platform in PLATFORMS:
        if platform.name == name:
            return platform
    raise KeyError(name)


def match_url(url: str) -> tuple[Platform, str] | None:
    """Which platform's post `url` is, with the post id; None when it is no known post URL."""
    for platform in PLATFORMS:
        post_id = platform.match(url)
        if post_id:
            return platform, post_id
    return None
