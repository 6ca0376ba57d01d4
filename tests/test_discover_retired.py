"""Class 4: retired platforms (Vine, Periscope, Google+, Storify) are found as their embed codes
wrote them, and their posts are recorded "unavailable" with the reason, never captured."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from sqlite_utils import Database

from archiver import platforms
from archiver.discovery.find import find_embeds
from archiver.flows.archive import HeldPost, capture_post
from archiver.flows.recheck import how_checked
from storage import Store
from storage.blobs import BlobStore

RETIRED = ["vine", "periscope", "googleplus", "storify"]


def page(body: str) -> bytes:
    return f"<html><body><article><p>Text.</p>{body}<p>More.</p></article></body></html>".encode()


def found(body: str) -> list[tuple[str, str | None]]:
    return [(e.platform, e.post_id) for e in find_embeds(page(body))]


STORY = "amirmc/fosdem"
STORIFY_CODE = (
    f'<div class="storify"><iframe src="//storify.com/{STORY}/embed?header=false&border=false" width="100%" '
    f'height="750" frameborder="no" allowtransparency="true"></iframe><script src="//storify.com/{STORY}.js'
    f'?header=false&border=false"></script><noscript>[<a href="//storify.com/{STORY}" target="_blank">'
    'View the story "Summary of FOSDEM 2014" on Storify</a>]</noscript></div>'
)


@pytest.mark.parametrize(
    ("body", "post"),
    [
        (
            '<iframe class="vine-embed" src="https://vine.co/v/OmpM1YT5OVv/embed/simple" width="600" '
            'height="600" frameborder="0"></iframe>'
            '<script async src="//platform.vine.co/static/scripts/embed.js" charset="utf-8"></script>',
            ("vine", "OmpM1YT5OVv"),
        ),
        ('<iframe src="https://vine.co/v/b39intXxu6e/embed/postcard"></iframe>', ("vine", "b39intXxu6e")),
        ('<iframe src="https://vine.co/v/MPHz7z9pjHE/card?audio=1"></iframe>', ("vine", "MPHz7z9pjHE")),
        ('<amp-vine width="400" height="400" data-vineid="MdKjXez002d"></amp-vine>', ("vine", "MdKjXez002d")),
        (
            '<iframe width="560" height="315" src="//www.periscope.tv/w/1ZkKzPbMVggJv" frameborder="0" '
            "scrolling=no allowfullscreen></iframe>",
            ("periscope", "1ZkKzPbMVggJv"),
        ),
        (
            '<iframe src="https://www.pscp.tv/w/1yoKMZXDLrXJQ?autoplay=false"></iframe>',
            ("periscope", "1yoKMZXDLrXJQ"),
        ),
        (
            '<script src="https://apis.google.com/js/plusone.js" type="text/javascript"></script>'
            '<div class="g-post" data-href="https://plus.google.com/+StephanHovnanian/posts/6apV9FHgo4k"></div>',
            ("googleplus", "+StephanHovnanian/6apV9FHgo4k"),
        ),
        (
            '<iframe src="https://apis.google.com/u/0/_/widget/render/post?usegapi=1&href='
            + quote("https://plus.google.com/107085977904914121234/posts/HmEfgCHhMFS", safe="")
            + '&width=450"></iframe>',
            ("googleplus", "107085977904914121234/HmEfgCHhMFS"),
        ),
        (STORIFY_CODE, ("storify", STORY)),
        (  # the script that wrote the story, and its noscript link
            f'<script src="http://storify.com/{STORY}.js?template=slideshow"></script><noscript>[<a href='
            f'"http://storify.com/{STORY}" target="_blank">View the story on Storify</a>]</noscript>',
            ("storify", STORY),
        ),
    ],
)
def test_retired_platforms_embeds_are_found_as_their_codes_wrote_them(
    body: str, post: tuple[str, str]
) -> None:
    assert found(body) == [post]


@pytest.mark.parametrize(
    "body",
    [
        # Periscope's "On Air" button names a person
        '<a href="https://www.periscope.tv/redaccionmedica" class="periscope-on-air" data-size="large">'
        "@redaccionmedica</a>",
        # a theme's "g-post" box and a footer link to a Storify profile
        '<div class="g-post"><span>Posted by <small>admin</small></span></div>',
        '<a target="_blank" href="http://storify.com/cerosetenta" class="storify">storify</a>',
        '<img src="http://storify.com/public/img/default-thumb.gif">',
        # a Vine id of the wrong shape
        '<amp-vine data-vineid="abc"></amp-vine>',
    ],
)
def test_what_merely_names_a_retired_platform_is_no_post(body: str) -> None:
    assert found(body) == []


def test_every_retired_platform_says_when_and_why() -> None:
    assert [p.name for p in platforms.PLATFORMS if p.retired] == RETIRED
    for name in RETIRED:
        platform = platforms.get(name)
        assert platform.retired and platform.name.lower() in platform.retired.lower().replace("+", "plus")
        assert platform.embed_url is None and platform.fetch_data is None and not platform.video
        assert how_checked(name).method is None and platform.retired in how_checked(name).how


class NoCapture:
    """A capturer that must never be asked: a retired platform's post has nothing to render."""

    async def capture_post(self, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a retired platform's post was sent to the browser")


@pytest.mark.parametrize("name", RETIRED)
def test_a_retired_platforms_post_is_recorded_unavailable_without_a_capture(
    tmp_path: Path, name: str
) -> None:
    platform = platforms.get(name)
    url, post_id = platform.examples[0]
    store = Store(Database(memory=True), BlobStore(tmp_path / "blobs"))
    row = store.upsert_post(name, post_id, platform.canonical_url(post_id))
    held = HeldPost(name, post_id, url, row, "unknown")
    result = asyncio.run(capture_post(store, NoCapture(), held))  # type: ignore[arg-type]
    assert (result.status, result.error, result.complete, result.capture_id) == (
        "unavailable",
        platform.retired,
        True,
        None,
    )
    post = store.get_post(row)
    assert post is not None and post["status"] == "unavailable"
    [check] = store.checks_for_post(row)
    assert (check["method"], check["outcome"], check["detail"]) == (
        "retired",
        "unavailable",
        platform.retired,
    )
