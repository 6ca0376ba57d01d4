"""What a re-check tells (`on_event`, report.events): one event per status or content change,
each with every field filled as committed; a check that changes nothing tells nothing."""

from __future__ import annotations

import asyncio
import copy
import json
from pathlib import Path
from typing import Any

import httpx

from archiver.flows import recheck
from archiver.models import content_hash
from archiver.platforms import twitter
from archiver.settings import Settings
from storage import Store

FIXTURES = Path(__file__).resolve().parents[1] / "offline_world" / "fixtures" / "twitter"
FIXTURE = FIXTURES / "tweet-result-1821185274147889728.json"
SAME, EDITED, GONE = "1821185274147880001", "1821185274147880002", "1821185274147880003"


def answer(tweet_id: str) -> dict[str, Any]:
    tweet = copy.deepcopy(json.loads(FIXTURE.read_text(encoding="utf-8")))
    tweet["id_str"] = tweet_id
    return tweet


def cdn(request: httpx.Request) -> httpx.Response:
    tweet_id = request.url.params["id"]
    if tweet_id == GONE:
        return httpx.Response(404)
    tweet = answer(tweet_id)
    if tweet_id == EDITED:
        tweet["text"] += " (edited)"
    return httpx.Response(200, json=tweet)


def test_each_change_is_told_once_with_every_field_and_an_unchanged_post_tells_nothing(
    store: Store, settings: Settings
) -> None:
    posts = {}
    for tweet_id in (SAME, EDITED, GONE):
        post = store.upsert_post("twitter", tweet_id, twitter.canonical_url(tweet_id), status="live")
        capture = store.start_capture(post=post, tool_version="test")
        digest = content_hash(twitter.normalize(answer(tweet_id)))
        store.finish_capture(capture, "complete", content_hash=digest)
        store.record_check(post, method=recheck.METHOD, outcome="live", content_hash=digest)
        posts[tweet_id] = post
    heard: list[recheck.CheckEvent] = []

    async def capture(post: Any, data: Any) -> None:
        pass

    report = asyncio.run(
        recheck.recheck_posts(
            store,
            settings,
            store.posts_due(),
            transport=httpx.MockTransport(cdn),
            capture=capture,
            on_event=heard.append,
        )
    )

    assert heard == report.events
    told = {(event.post_id, event.kind): event.to_dict() for event in heard}
    assert set(told) == {(EDITED, "content"), (GONE, "status")}
    checks = {tweet_id: store.checks_for_post(post)[-1] for tweet_id, post in posts.items()}
    assert told[(EDITED, "content")] == {
        "event": "post_content_changed",
        "kind": "content",
        "post": posts[EDITED],
        "platform": "twitter",
        "post_id": EDITED,
        "url": twitter.canonical_url(EDITED),
        "previous": "live",
        "status": "live",
        "at": checks[EDITED]["checked_at"],
        "detail": None,
        "http_status": None,
    }
    gone = told[(GONE, "status")]
    assert gone["event"] == "post_status_changed"
    assert (gone["previous"], gone["status"], gone["http_status"]) == ("live", "deleted", 404)
    assert gone["at"] == checks[GONE]["checked_at"]
    assert "not found" in gone["detail"]
    assert report.changed == 1 and report.checked == 3
