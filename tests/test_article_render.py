"""The article as a reader saw it: rendered, its consent wall accepted, scrolled, recorded, and
searched again for posts (capture/article.py, flows/archive.py discover_after_render).

One article on loopback shows six posts, each a different way: one in its HTML (static), one its
script injects after a delay, one behind a OneTrust-shaped consent wall, one lazy below the
fold, one only in its page data (JSON) that its script expands, and one inside a frame of the
page. Every one is found, marked with where it
was found, and captured; static discovery (`discover`, `archive --no-render`) finds only the
first; the article's WARC holds the embed frames' responses; a page whose render hangs is a
partial article capture that says why, its static posts captured all the same; and a run that
did not render does not take an embed only a render found for removed.
"""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from loopback import LocalSite
from warcio.archiveiterator import ArchiveIterator

from archiver.cli import cli
from archiver.console import results_json
from archiver.flows.archive import archive_sources
from archiver.flows.results import ArticleResult
from archiver.outputs.report import write_report
from archiver.settings import Settings
from offline_world import OfflineWorld, Response
from storage import Store

pytestmark = pytest.mark.browser

STATIC, INJECTED, GATED, LAZY = (
    "1821185274147889728",
    "1821209936655409728",
    "1821221560231620608",
    "1703436713362870723",
)
VIDEO = "dQw4w9WgXcQ"
ISLAND = "C-Xy12abcD"  # an Instagram post only the page's data holds, which its script expands
BOX = "https://widgets.news.example/box.html"  # a frame of the page, holding a video embed
TWEET_VIEW = "https://platform.twitter.com/embed/Tweet.html?id="
HANG = "https://hang.example/block.js"

ARTICLE = f"""<!doctype html><html><head><title>Rendered</title></head><body><article>
<h1>What the render shows</h1>
<blockquote class="twitter-tweet"><p>Captured soldiers.</p>&mdash; OSINT Aggregator (@AggregateOsint)
<a href="https://twitter.com/AggregateOsint/status/{STATIC}">August 7, 2024</a></blockquote>
<script async src="https://platform.twitter.com/widgets.js"></script>
<div id="later"></div>
<div id="onetrust-banner-sdk"><p>We use cookies.</p>
<button id="onetrust-accept-btn-handler">Accept All Cookies</button></div>
<div id="gated"></div>
<iframe src="{BOX}" width="600" height="400"></iframe>
<div style="height: 4000px">A long read.</div>
<div id="lazy">…</div>
<div id="island"></div>
<script type="application/json" id="page-data">{{"body": "<blockquote class=\\"instagram-media\\" \
data-instgrm-permalink=\\"https://www.instagram.com/p/{ISLAND}/\\"><a \
href=\\"https://www.instagram.com/p/{ISLAND}/\\">View this post</a></blockquote>"}}</script>
</article>
<script>
function tweet(id, into) {{
  var frame = document.createElement("iframe");
  frame.src = "{TWEET_VIEW}" + id;
  frame.style.cssText = "width:560px;height:420px;border:0";
  document.getElementById(into).appendChild(frame);
}}
setTimeout(function () {{ tweet("{INJECTED}", "later"); }}, 400);
document.getElementById("onetrust-accept-btn-handler").addEventListener("click", function () {{
  document.getElementById("onetrust-banner-sdk").remove();
  tweet("{GATED}", "gated");
}});
new IntersectionObserver(function (seen, observer) {{
  if (!seen.some(function (s) {{ return s.isIntersecting; }})) return;
  observer.disconnect();
  tweet("{LAZY}", "lazy");
}}).observe(document.getElementById("lazy"));
var data = JSON.parse(document.getElementById("page-data").textContent);
document.getElementById("island").innerHTML = data.body;
</script>
</body></html>"""

HUNG = f"""<!doctype html><html><head><title>Hung</title><script src="{HANG}"></script></head>
<body><blockquote class="twitter-tweet"><p>Captured soldiers.</p>&mdash; OSINT Aggregator (@AggregateOsint)
<a href="https://twitter.com/AggregateOsint/status/{STATIC}">August 7, 2024</a></blockquote></body></html>"""


def world_for_test() -> OfflineWorld:
    world = OfflineWorld(hang_seconds=20)
    box = f'<!doctype html><body><iframe src="https://www.youtube.com/embed/{VIDEO}"></iframe></body>'
    world.add(BOX, Response.html(box))
    world.hang(HANG)
    return world


def settings_for(home: Path, browser_path: str, **changes: object) -> Settings:
    settings = Settings(
        home=home, browser=browser_path, page_timeout=8, capture_timeout=40, host_delay=0, concurrency=3
    )
    return replace(settings, **changes)  # type: ignore[arg-type]


@dataclass
class Archived:
    result: ArticleResult
    home: Path
    url: str


def archive(url: str, settings: Settings) -> ArticleResult:
    with Store.open(settings.home) as store:
        (result,) = asyncio.run(archive_sources([url], settings, store, network=world_for_test().network()))
    return result


@pytest.fixture(scope="module")
def site() -> Iterator[LocalSite]:
    with LocalSite() as served:
        served.add("/story", ARTICLE)
        served.add("/hung", HUNG)
        yield served


@pytest.fixture(scope="module")
def rendered(site: LocalSite, browser_path: str, tmp_path_factory: pytest.TempPathFactory) -> Archived:
    home = tmp_path_factory.mktemp("rendered") / "archive"
    url = site.url + "/story"
    return Archived(archive(url, settings_for(home, browser_path)), home, url)


def test_every_post_the_reader_saw_is_found_marked_and_captured(rendered: Archived) -> None:
    result = rendered.result
    found = {p.post_id: p.found_in for p in result.posts}
    assert found == {
        STATIC: "static",
        INJECTED: "rendered",
        GATED: "rendered",
        LAZY: "rendered",
        ISLAND: "rendered",
        VIDEO: f"frame:{BOX}",
    }, [(p.post_id, p.found_in, p.error) for p in result.posts]
    assert all(p.status == "live" for p in result.posts), [
        (p.post_id, p.status, p.error) for p in result.posts
    ]
    assert result.consent == "OneTrust"
    assert result.screenshot_error is None and result.article_missing == [] and result.complete
    # Said in `archive --json`, and kept in the archive.
    posts = json.loads(results_json([result], rendered.home))["articles"][0]["posts"]
    assert {p["post_id"]: p["found_in"] for p in posts} == found
    with Store.open(rendered.home) as store:
        assert result.article_row is not None
        kept = {e["post"]: e["found_in"] for e in store.embeds_for_article(result.article_row)}
        assert sorted(kept.values()) == sorted(found.values())
        for post in result.posts:
            assert post.capture_id is not None
            kinds = {a["kind"] for a in store.artifacts_for_capture(post.capture_id)}
            assert {"screenshot", "warc"} <= kinds, (post.post_id, kinds)
        # And on each post's card in the report.
        page = write_report(store, result.article_row, rendered.home / "report").read_text(encoding="utf-8")
    assert page.count("found once the article had rendered") == 4
    assert page.count("found in the article&#39;s HTML") == 1
    assert f"found in a frame of the article ({BOX})" in page


def test_the_article_capture_keeps_its_render_and_every_embed_frames_traffic(rendered: Archived) -> None:
    with Store.open(rendered.home) as store:
        assert rendered.result.article_row is not None
        (capture,) = store.captures_for_article(rendered.result.article_row)
        assert capture["status"] == "complete"
        assert {"load", "consent", "scroll", "idle", "screenshot", "warc"} <= set(capture["timings"] or {})
        files = {a["kind"]: Path(a["path"]) for a in store.artifacts_for_capture(capture["id"])}
    assert set(files) == {"html", "screenshot", "dom", "render", "warc"}
    assert files["screenshot"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    dom = files["dom"].read_text(encoding="utf-8")
    assert '<div id="onetrust-banner-sdk">' not in dom and f"{TWEET_VIEW}{GATED}" in dom  # accepted
    notes = json.loads(files["render"].read_bytes())
    assert notes["consent"] == {
        "platform": "OneTrust",
        "selector": "#onetrust-accept-btn-handler",
        "clicked": True,
        "error": None,
    }
    assert {f"{TWEET_VIEW}{tweet}" for tweet in (STATIC, INJECTED, GATED, LAZY)} | {BOX} <= {
        f["url"] for f in notes["frames"]
    }
    responses = {
        record.rec_headers.get_header("WARC-Target-URI"): record.http_headers.get_statuscode()
        for record in ArchiveIterator(io.BytesIO(files["warc"].read_bytes()))
        if record.rec_type == "response"
    }
    assert responses[rendered.url] == "200"  # the page itself
    for tweet in (STATIC, INJECTED, GATED, LAZY):  # each embed frame, and what it loaded
        assert responses[f"{TWEET_VIEW}{tweet}"] == "200"
        assert any(
            u.startswith("https://cdn.syndication.twimg.com/") and f"id={tweet}" in u for u in responses
        )
    assert responses[BOX] == "200" and responses[f"https://www.youtube.com/embed/{VIDEO}"] == "200"


def test_static_discovery_alone_finds_only_the_posts_in_the_html(
    site: LocalSite, browser_path: str, tmp_path: Path
) -> None:
    url = site.url + "/story"
    printed = CliRunner().invoke(cli, ["discover", url, "--json"])
    assert printed.exit_code == 0, printed.output
    assert [(e["post_id"], e["found_in"]) for e in json.loads(printed.output)] == [(STATIC, "static")]

    result = archive(url, settings_for(tmp_path / "archive", browser_path, render_article=False))
    assert [(p.post_id, p.found_in, p.status) for p in result.posts] == [(STATIC, "static", "live")]
    assert result.complete and result.consent is None
    with Store.open(tmp_path / "archive") as store:
        assert result.article_row is not None
        (capture,) = store.captures_for_article(result.article_row)
        assert [a["kind"] for a in store.artifacts_for_capture(capture["id"])] == ["html"]


def test_discover_render_finds_what_the_rendered_page_shows(site: LocalSite, browser_path: str) -> None:
    printed = CliRunner().invoke(
        cli, ["discover", site.url + "/story", "--render", "--json", "--offline", "--browser", browser_path]
    )
    assert printed.exit_code == 0, printed.output
    found = {e["post_id"]: e["found_in"] for e in json.loads(printed.output)}
    # (The CLI's own offline world has no widgets.news.example: the video in that frame is not there.)
    assert found == {
        STATIC: "static",
        INJECTED: "rendered",
        GATED: "rendered",
        LAZY: "rendered",
        ISLAND: "rendered",
    }


def test_a_render_that_hangs_is_a_partial_article_capture_and_its_posts_are_captured(
    site: LocalSite, browser_path: str, tmp_path: Path
) -> None:
    settings = settings_for(tmp_path / "archive", browser_path, page_timeout=3)
    result = archive(site.url + "/hung", settings)
    assert result.error is None
    assert [(p.post_id, p.status) for p in result.posts] == [(STATIC, "live")]
    assert result.screenshot_error is not None
    assert result.screenshot_error.startswith("loading the article: timed out after 3s"), (
        result.screenshot_error
    )
    assert result.article_missing[0] == f"render: {result.screenshot_error}"
    assert "screenshot: not kept" in result.article_missing
    assert not result.complete and result.exit_code == 3
    with Store.open(tmp_path / "archive") as store:
        assert result.article_row is not None
        (capture,) = store.captures_for_article(result.article_row)
        assert capture["status"] == "partial" and capture["error"] == result.screenshot_error
        assert capture["missing"] == result.article_missing
        assert "html" in {a["kind"] for a in store.artifacts_for_capture(capture["id"])}


def test_an_embed_only_a_render_found_is_not_removed_by_a_run_that_did_not_render(tmp_path: Path) -> None:
    from archiver.flows.archive import HeldPost, _mark_removed

    with Store.open(tmp_path / "archive") as store:
        article = store.record_article("https://news.example/story", html=b"<p>story</p>")
        static, rendered = (
            store.upsert_post("twitter", tweet, f"https://x.com/i/status/{tweet}") for tweet in (STATIC, LAZY)
        )
        store.record_embed(article, static, source="blockquote")
        store.record_embed(article, rendered, source="iframe", found_in="rendered")
        seen = [HeldPost("twitter", STATIC, "https://x.com/i/status/1", static, "live", "static")]

        _mark_removed(store, article, seen, rendered=False)  # --no-render, or the render failed
        assert [e["removed_at"] for e in store.embeds_for_article(article)] == [None, None]
        _mark_removed(store, article, seen, rendered=True)  # rendered, and it is not there
        removed = {e["post"]: e["removed_at"] is not None for e in store.embeds_for_article(article)}
        assert removed == {static: False, rendered: True}
