"""Dailymotion: video ids, and its documented embed code found (and playlists, profiles, other
players' data-video not)."""

from __future__ import annotations

import html

import pytest
from platforms_support import found

from archiver.discovery.find import find_embeds
from archiver.platforms import dailymotion

# Dailymotion's embed code as its developer documentation writes it ({Player ID} filled in).
SCRIPT = '<script src="https://geo.dailymotion.com/player/xa1b2c.js" data-video="x84sh87"></script>'
IFRAME = (
    '<iframe frameborder="0" width="640" height="360"'
    ' src="https://geo.dailymotion.com/player/xa1b2c.html?video=x9pupog"'
    ' allowfullscreen allow="autoplay; fullscreen; picture-in-picture; web-share"></iframe>'
)
PLAIN_IFRAME = (
    '<div style="position:relative;padding-bottom:56.25%;height:0;overflow:hidden;">'
    '<iframe src="https://geo.dailymotion.com/player.html?video=x7tgad0"'
    ' style="width:100%; height:100%; position:absolute; left:0px; top:0px;"'
    ' allowfullscreen title="Dailymotion Video Player" allow="web-share"></iframe></div>'
)
LEGACY_IFRAME = (
    '<iframe frameborder="0" width="480" height="270"'
    ' src="https://www.dailymotion.com/embed/video/x8j4ob2?autoplay=1" allowfullscreen></iframe>'
)
AMP = (
    '<amp-dailymotion data-videoid="x3rdtfy" layout="responsive" width="480" height="270"></amp-dailymotion>'
)


def page(body: str) -> bytes:
    return f"<html><head><title>t</title></head><body><p>Story.</p>{body}</body></html>".encode()


def test_ids():
    match = dailymotion.PLATFORM.match
    assert match("https://www.dailymotion.com/video/x84sh87?playlist=x5zhzj") == "x84sh87"
    assert match("https://www.dailymotion.com/video/x2bak9_some-title_news") == "x2bak9"
    assert match("https://dai.ly/x84sh87") == "x84sh87"
    assert dailymotion.PLATFORM.post_id("x84sh87") == "x84sh87"  # data-video carries the bare id
    assert dailymotion.PLATFORM.view_url("x84sh87") == "https://geo.dailymotion.com/player.html?video=x84sh87"


@pytest.mark.parametrize(
    "url",
    [
        "https://www.dailymotion.com/franceinfo",
        "https://www.dailymotion.com/playlist/x5zhzj",
        "https://geo.dailymotion.com/player/xa1b2c.html?playlist=x5zhzj",
        "https://www.dailymotion.com/video/",
    ],
)
def test_not_videos(url: str):
    assert dailymotion.PLATFORM.match(url) is None


def test_every_documented_embed_form():
    body = "\n".join((SCRIPT, IFRAME, PLAIN_IFRAME, LEGACY_IFRAME, AMP))
    embeds = find_embeds(page(body))
    assert found(embeds, "dailymotion") == [
        ("x84sh87", "widget"),
        ("x9pupog", "iframe"),
        ("x7tgad0", "iframe"),
        ("x8j4ob2", "iframe"),
        ("x3rdtfy", "widget"),
    ]
    assert [e.positions for e in embeds] == [(1,), (2,), (3,), (4,), (5,)]
    assert embeds[0].url == "https://www.dailymotion.com/video/x84sh87"
    assert embeds[0].raw.startswith('<script src="https://geo.dailymotion.com/player/')


def test_the_embed_script_behind_a_consent_wrapper():
    body = f'<div class="consent"><textarea hidden>{html.escape(SCRIPT)}</textarea></div>'
    [embed] = find_embeds(page(body))
    assert (embed.platform, embed.post_id, embed.source, embed.where) == (
        "dailymotion",
        "x84sh87",
        "widget",
        "textarea",
    )


def test_playlists_other_players_and_links_are_not_embeds():
    body = (
        '<script src="https://geo.dailymotion.com/player/xa1b2c.js" data-playlist="x5zhzj"></script>'
        '<script src="https://cdn.example/player.js" data-video="x84sh87"></script>'
        '<div class="video-player" data-video="x84sh87"></div>'
        '<p>Watch <a href="https://www.dailymotion.com/video/x2bak9">the interview</a>.</p>'
    )
    assert find_embeds(page(body)) == []
    assert found(find_embeds(page(body), links=True), "dailymotion") == [("x2bak9", "link")]
