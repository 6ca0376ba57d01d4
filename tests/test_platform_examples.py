"""Every registered platform's example URLs name their post, and no other platform claims them."""

from __future__ import annotations

import time

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


# Embed frames whose URL names the post in its query string (examples hold post URLs).
FRAMES = {
    "twitter": ("https://platform.twitter.com/embed/Tweet.html?dnt=false&amp;id=20",),
    "facebook": (
        "https://www.facebook.com/plugins/post.php?width=500&href=https%3A%2F%2Fwww.facebook.com%2F1%2Fposts%2F23456",
        "https://www.facebook.com/video/embed?autoplay=0&video_id=10153231379946729",
    ),
    "vimeo": ("http://vimeo.com/moogaloop.swf?server=vimeo.com&clip_id=51492729",),
    "telegram": ("https://t.me/durov/43?single&embed=1",),
}


@pytest.mark.parametrize("platform", PLATFORMS, ids=[p.name for p in PLATFORMS])
def test_patterns_stay_fast_on_text_that_repeats_a_post_urls_start(platform: Platform):
    """A pattern with an unbounded run before a literal ("…/posts/[^\\s]*?-activity-") takes time
    quadratic in such text: 0.9 MB of repeated LinkedIn /posts/ URLs took 14 minutes."""
    patterns = (*platform.url_res, *platform.iframe_res, *platform.short_link_res)
    urls = [url for url, _post_id in platform.examples] + list(FRAMES.get(platform.name, ()))
    assert all(any(p.search(url) for p in patterns) for url in urls)
    for url in urls:
        for cut in (len(url) // 3, len(url) * 2 // 3, len(url) - 1):
            text = url[:cut] * (120_000 // cut)
            for pattern in patterns:
                start = time.perf_counter()
                pattern.search(text)
                # a hang guard, not a speed target: linear takes milliseconds, the quadratic
                # patterns this catches took minutes (speed is measured in make bench)
                assert time.perf_counter() - start < 5, (pattern.pattern, url[:cut])


@pytest.mark.parametrize(
    "url",
    [
        "https://twitter.com/someone/status/18211852741478897281821185274147889728",  # 38 digits
        "https://platform.twitter.com/embed/Tweet.html?id=18211852741478897281821185274147889728",
        "https://www.tiktok.com/@someone/video/68060300569562513976806030056956251397123",
        "https://www.facebook.com/someone/posts/123456789012345678901234567890",
        "https://t.me/channel_name/123456789012345",
        "https://www.instagram.com/p/" + "A" * 70 + "/",
        "https://www.threads.net/@someone/post/" + "B" * 30,
    ],
)
def test_an_id_longer_than_the_platforms_is_no_post(url: str) -> None:
    """A too-long id is never cut down to a shorter one that the URL does not name."""
    assert match_url(url) is None


LIVE = [p for p in PLATFORMS if p.retired is None]  # a retired platform has nothing to probe


@pytest.mark.parametrize("platform", LIVE, ids=[p.name for p in LIVE])
def test_every_platform_has_a_probe_that_is_its_own_post(platform: Platform) -> None:
    """`archiver doctor --live` captures each platform's probe: an https post URL of its own."""
    assert platform.probe is not None and platform.probe.startswith("https://")
    found = match_url(platform.probe)
    assert found is not None and found[0] is platform
