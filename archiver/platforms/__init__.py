"""The registry: every platform embed-archiver knows, in the order a URL is tried against them.

Adding a platform is a module in this package that builds its `Platform` as PLATFORM (see
base.py), plus its name in MODULES: one file and one line.
"""

from __future__ import annotations

from importlib import import_module

from archiver.platforms.base import Platform

MODULES = (
    "twitter",
    "instagram",
    "youtube",
    "facebook",
    "vimeo",
    "dailymotion",
    "tiktok",
    "bluesky",
    "mastodon",
    "telegram",
    "threads",
    "reddit",
    "linkedin",
)
PLATFORMS: tuple[Platform, ...] = tuple(import_module(f"{__name__}.{name}").PLATFORM for name in MODULES)


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
