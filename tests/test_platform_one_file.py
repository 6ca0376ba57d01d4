"""A platform is one file: a throwaway platform, declared here as a module would declare it, is
registered, discovered, stood in for by the offline world and captured offline, live and then
gone, with no edit anywhere else (not in offline_world/, not in another test's list).
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
import pytest
from platforms_support import found, register

from archiver import platforms
from archiver.discovery.find import find_embeds
from archiver.errors import CaptureError, PostGone
from archiver.flows.archive import archive_sources
from archiver.flows.results import ArticleResult
from archiver.models import PostData
from archiver.platforms.base import Platform, StandIn, StandInAnswer, StandInData
from archiver.settings import Settings
from offline_world import OfflineWorld
from storage import Store

# --- pebble.py, as it would be written -----------------------------------------------------


def canonical_url(post_id: str) -> str:
    return f"https://pebble.example/p/{post_id}"


def embed_url(post_id: str) -> str:
    return f"https://embed.pebble.example/p/{post_id}"


def data_url(post_id: str) -> str:
    return f"https://api.pebble.example/v1/pebbles/{post_id}"


async def fetch_data(client: httpx.AsyncClient, post_id: str) -> PostData:
    """The pebble's JSON. PostGone when Pebble says it is not there (404) or not for us (403)."""
    response = await client.get(data_url(post_id))
    if response.status_code == 404:
        raise PostGone("deleted", f"pebble: {post_id} not found (HTTP 404)", 404)
    if response.status_code == 403:
        raise PostGone("protected", f"pebble: {post_id} is private (HTTP 403)", 403)
    response.raise_for_status()
    try:
        answer = json.loads(response.content)
    except ValueError:
        raise CaptureError(f"pebble: the answer for {post_id} is not JSON") from None
    return PostData(
        platform="pebble",
        post_id=post_id,
        url=canonical_url(post_id),
        author_handle=answer.get("author"),
        text=answer.get("text"),
        raw=response.content,
    )


def live_answer(post_id: str, text: str) -> StandInAnswer:
    """What Pebble's API answers for a live pebble saying `text`."""
    return StandInAnswer(200, json.dumps({"id": post_id, "author": "rocky", "text": text}))


PEBBLE = Platform(
    name="pebble",
    url_patterns=(r"(?:https?:)?//(?:www\.)?pebble\.example/p/(?P<id>[a-z0-9]{6,12})(?![a-z0-9])",),
    canonical_url=canonical_url,
    embed_classes=("pebble-embed",),
    embed_url=embed_url,
    render_selector="div.pebble-card",
    fetch_data=fetch_data,
    examples=(
        ("https://pebble.example/p/abc123", "abc123"),
        ("https://www.pebble.example/p/zz9plural?ref=news", "zz9plural"),
    ),
    # Its view is drawn with the defaults (its element read off render_selector); its data
    # endpoint is declared, with the answers that say a pebble is gone.
    stand_in=StandIn(
        data=StandInData(
            host="api.pebble.example",
            path=r"/v1/pebbles/(?P<id>[a-z0-9]+)",
            live=live_answer,
            gone={
                "deleted": StandInAnswer(404, '{"error": "no such pebble"}'),
                "protected": StandInAnswer(403, '{"error": "this pebble is private"}'),
            },
        )
    ),
)

# --- the tests ------------------------------------------------------------------------------

POST = "abc123"
ARTICLE = f"""<!doctype html><html><head><title>Pebbles</title>
<link rel="canonical" href="https://news.example/pebbles"></head><body><article>
<p>A story about pebbles.</p>
<blockquote class="pebble-embed" cite="https://pebble.example/p/{POST}"><p>A round one.</p></blockquote>
<script async src="https://embed.pebble.example/embed.js"></script>
</article></body></html>"""


@pytest.fixture
def pebble(monkeypatch: pytest.MonkeyPatch) -> Platform:
    register(monkeypatch, PEBBLE)
    return PEBBLE


def fetch(world: OfflineWorld, post_id: str) -> PostData:
    async def run() -> PostData:
        async with httpx.AsyncClient(transport=world.transport(), timeout=2) as client:
            return await fetch_data(client, post_id)

    return asyncio.run(run())


def test_registered_it_is_found_in_an_article(pebble: Platform) -> None:
    assert platforms.get("pebble") is pebble
    assert platforms.match_url("https://pebble.example/p/abc123?utm=x") == (pebble, "abc123")
    assert found(find_embeds(ARTICLE), "pebble") == [(POST, "blockquote")]


def test_the_world_stands_in_for_it_live_edited_and_gone(pebble: Platform) -> None:
    world = OfflineWorld()  # made after the registration: nothing in offline_world/ names pebble
    with httpx.Client(transport=world.transport()) as client:
        view = client.get(pebble.view_url(POST))
        assert view.status_code == 200 and '"classes": "pebble-card"' in view.text
        data = fetch(world, POST)
        assert (data.post_id, data.author_handle) == (POST, "rocky") and data.text
        assert data.text in view.text  # the view shows what the data says

        world.data.edit("pebble", POST, text="Smoother now.")
        assert fetch(world, POST).text == "Smoother now."
        assert set(world.data.statuses("pebble")) == {"deleted", "protected"}
        for status in ("deleted", "protected"):
            world.data.gone("pebble", f"https://pebble.example/p/{POST}", status)
            with pytest.raises(PostGone) as gone:
                fetch(world, POST)
            assert gone.value.status == status
            assert f'"gone": "{status}"' in client.get(pebble.view_url(POST)).text
        with pytest.raises(ValueError, match="pebble has no way of saying a post is 'suspended'"):
            world.data.gone("pebble", POST, "suspended")
        world.data.live("pebble", POST)
        assert fetch(world, POST).text == data.text


def test_a_platform_that_declares_no_stand_in_gets_one_from_its_declaration() -> None:
    gravel = Platform(
        name="gravel",
        url_patterns=(r"//gravel\.example/(?P<id>\d+)",),
        canonical_url=lambda post_id: f"https://gravel.example/{post_id}",
        embed_url=lambda post_id: f"https://view.gravel.example/embed?post={post_id}",
        render_selector="[data-gravel], section.gravel-card.is-rendered",
        examples=(("https://gravel.example/42", "42"),),
    )
    world = OfflineWorld(platforms=(gravel,))  # the constructor's seam, without the registry
    with httpx.Client(transport=world.transport()) as client:
        view = client.get(gravel.view_url("7"))
        assert view.status_code == 200
        assert '"tag": "section"' in view.text and '"classes": "gravel-card is-rendered"' in view.text
        image = view.text.split('"image": "', 1)[1].split('"', 1)[0]
        assert image.startswith("https://view.gravel.example/offline/")
        assert client.get(image).content[:2] == b"\xff\xd8"
    with pytest.raises(ValueError, match="serves no data for gravel"):
        world.data.gone("gravel", "7")


def archive(source: Path, home: Path, browser_path: str, world: OfflineWorld) -> ArticleResult:
    settings = Settings(home=home, browser=browser_path, page_timeout=8, capture_timeout=20, host_delay=0)
    with Store.open(home) as store:
        [result] = asyncio.run(archive_sources([str(source)], settings, store, network=world.network()))
    return result


@pytest.mark.browser
def test_it_is_captured_offline_live_then_recorded_gone(
    pebble: Platform, tmp_path: Path, home: Path, browser_path: str
) -> None:
    source = tmp_path / "pebbles.html"
    source.write_text(ARTICLE, encoding="utf-8")
    world = OfflineWorld()

    first = archive(source, home, browser_path, world)
    assert first.error is None
    [post] = first.posts
    assert (post.platform, post.post_id, post.status) == ("pebble", POST, "live"), post.error
    assert post.missing == [] and first.exit_code == 0  # its view rendered: render_selector found
    assert post.capture_id is not None and post.post_row is not None
    with Store.open(home) as store:
        kinds = {a["kind"] for a in store.artifacts_for_capture(post.capture_id)}
        assert {"screenshot", "metadata", "raw", "warc"} <= kinds, kinds
        row = store.get_post(post.post_row)
        assert row is not None
        assert (row["author_handle"], row["status"]) == ("rocky", "live")
        assert row["text"] == fetch(world, POST).text
    assert world.count("embed.pebble.example/p/", client="browser") >= 1

    world.data.gone("pebble", POST, "deleted")
    again = archive(source, home, browser_path, world)
    [post] = again.posts
    assert post.status == "deleted", post.error
    with Store.open(home) as store:
        found_row = store.find_post("pebble", POST)
        assert found_row is not None and found_row["status"] == "deleted"
        assert store.checks_for_post(found_row["id"])[-1]["outcome"] == "deleted"
        assert len(store.captures_for_post(found_row["id"])) == 2
