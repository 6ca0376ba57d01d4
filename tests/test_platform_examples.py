"""Every registered platform's example URLs name their post, and no other platform claims them."""

from __future__ import annotations

import pytest

from archiver.platforms import PLATFORMS, match_url
from archiver.platforms.base import Platform

EXAMPLES = [(p, url, post_id) for p in PLATFORMS for url, post_id in p.examples]


def test_every_platform_has_examples_and_a_unique_name():
    names = [p.name for p in PLATFORMS]
    assert len(names) == len(set(names))
    assert all(name == name.lower() for name in names)
    assert [p.name for p in PLATFORMS if not p.examples] == []


@pytest.mark.parametrize(
    ("platform", "url", "post_id"), EXAMPLES, ids=[f"{p.name}:{u}" for p, u, _ in EXAMPLES]
)
def test_example_matches_only_its_own_platform(platform: Platform, url: str, post_id: str):
    assert platform.match(url) == post_id
    others = [other.name for other in PLATFORMS if other is not platform and other.match(url)]
    assert others == []
    assert match_url(url) == (platform, post_id)


@pytest.mark.parametrize(
    ("platform", "url", "post_id"), EXAMPLES, ids=[f"{p.name}:{u}" for p, u, _ in EXAMPLES]
)
def test_canonical_and_view_urls_are_https(platform: Platform, url: str, post_id: str):
    assert platform.canonical_url(post_id).startswith("https://")
    assert platform.view_url(post_id).startswith("https://")


@pytest.mark.parametrize("platform", PLATFORMS, ids=[p.name for p in PLATFORMS])
def test_iframe_patterns_name_the_post_and_short_links_are_no_posts(platform: Platform):
    for pattern in platform.iframe_res:
        assert {"id", "url"} & set(pattern.groupindex), pattern.pattern
    for pattern in platform.short_link_res:  # resolve.py would chase a post URL it matched
        assert [url for _other, url, _id in EXAMPLES if pattern.match(url)] == [], pattern.pattern
