"""Class 3: every id discovery reports has its platform's shape, checked in one place
(Document.embed -> check_id -> Platform.valid_id); a wrapper's own name is never a post."""

from __future__ import annotations

import html
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archiver.discovery.document import WrongShape, check_id
from archiver.discovery.find import find_embeds
from archiver.platforms import PLATFORMS, get
from archiver.platforms.base import Platform

INSTAGRAM = (
    '<blockquote class="instagram-media" data-instgrm-permalink="https://www.instagram.com/p/B63DdKjgavx/">'
    '<a href="https://www.instagram.com/p/B63DdKjgavx/">View this post on Instagram</a></blockquote>'
)


def page(body: str) -> bytes:
    return f"<html><body><article><p>Text.</p>{body}</article></body></html>".encode()


def test_a_consent_wrapper_is_the_one_post_its_template_holds() -> None:
    body = (
        '<div class="embed-box" data-embed-id="instagram" data-module-id="EmbedBoxModule" '
        'data-embed-url="https://www.instagram.com/p/EmbedBoxModule/">'
        f"<template>{INSTAGRAM}</template></div>"
    )
    assert [(e.platform, e.post_id) for e in find_embeds(page(body))] == [("instagram", "B63DdKjgavx")]


@pytest.mark.parametrize(
    ("platform", "post_id"),
    [
        ("instagram", "EmbedBoxModule"),
        ("instagram", "A" * 20),
        ("twitter", "18211852741478897281"),  # 20 digits: past a signed 64-bit number
        ("twitter", "0182118532"),
        ("youtube", "abcdefghijj"),  # an 11-character video id never ends so
        ("youtube", "videoseriess"),
        ("tiktok", "12345"),
        ("facebook", "EmbedBoxModule"),
    ],
)
def test_ids_of_the_wrong_shape_are_refused(platform: str, post_id: str) -> None:
    with pytest.raises(WrongShape):
        check_id(get(platform), post_id)


def test_every_example_has_its_platforms_shape() -> None:
    for platform in PLATFORMS:
        for _url, post_id in platform.examples:
            check_id(platform, post_id)


# Every way discovery reads an id, given any id: the markup each platform's declarations make.
def forms(platform: Platform, post_id: str) -> list[str]:
    try:
        url = platform.canonical_url(post_id)
    except (ValueError, KeyError, IndexError):
        return []
    view = platform.view_url(post_id) if platform.embed_url else url
    quoted = html.escape(url)
    made = [
        f'<a href="{quoted}">{quoted}</a>',
        f'<iframe src="{html.escape(view)}"></iframe>',
        f'<div data-provider="{platform.name}" data-id="{html.escape(post_id)}"></div>',
        "<script>var d = "
        + json.dumps({"url": "https://news.example/a", "x": {"type": platform.name, "id": post_id}})
        + ";</script>",
        f'<div data-embed-type="{platform.name}" data-embed-id="{html.escape(post_id)}"></div>',
    ]
    made += [
        f'<blockquote class="{c}" cite="{quoted}"><a href="{quoted}">x</a></blockquote>'
        for c in platform.embed_classes
    ]
    made += [f'<div {a}="{html.escape(post_id)}"></div>' for a in platform.id_attributes]
    return made


IDS = st.one_of(
    st.text(alphabet="abcdefghijkABCDEFGHIJKxyzXYZ0123456789_-", min_size=1, max_size=70),
    st.from_regex(r"\d{1,40}", fullmatch=True),
    st.sampled_from(["EmbedBoxModule", "instagram", "videoseries", "live_stream", "embed", "undefined"]),
)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(PLATFORMS), IDS, st.booleans())
def test_no_id_of_the_wrong_shape_is_ever_a_post(platform: Platform, post_id: str, links: bool) -> None:
    body = "".join(forms(platform, post_id))
    for embed in find_embeds(page(body), "https://news.example/a", links=links):
        owner = get(embed.platform)
        assert embed.post_id is None or owner.valid_id(embed.post_id), (embed.platform, embed.post_id)
        if embed.platform == platform.name and not platform.valid_id(post_id):
            assert embed.post_id != post_id
