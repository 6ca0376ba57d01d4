"""--storage-state: login cookies reach the platform they are for, and never the archive."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from archiver.capture.capturer import Capturer
from archiver.settings import Settings
from offline_world import OfflineWorld

pytestmark = pytest.mark.browser

TWEET = "1821185274147889728"


def state_file(path: Path, domain: str, value: str) -> Path:
    cookie = {
        "name": "auth_token", "value": value, "domain": domain, "path": "/", "expires": -1,
        "httpOnly": True, "secure": True, "sameSite": "None",
    }  # fmt: skip
    path.write_text(json.dumps({"cookies": [cookie], "origins": []}))
    return path


def test_a_platforms_cookies_are_sent_to_it_and_kept_out_of_the_warc(
    tmp_path: Path, browser_path: str
) -> None:
    x = state_file(tmp_path / "x.json", ".twitter.com", "x-secret-4711")
    other = state_file(tmp_path / "other.json", ".instagram.com", "ig-secret-0815")
    settings = replace(
        Settings(), browser=browser_path, page_timeout=8, host_delay=0, storage_state=f"{other},twitter={x}"
    )
    world = OfflineWorld()

    async def run() -> list[bytes]:
        async with (
            httpx.AsyncClient(transport=world.transport()) as client,
            Capturer(settings, client, install_routes=world.install) as capturer,
        ):
            capture = await capturer.capture_post("twitter", TWEET)
            assert capture.status == "live", capture.error
            return [a.data for a in capture.artifacts if isinstance(a.data, bytes)]

    kept = asyncio.run(run())
    sent = [r.headers.get("cookie", "") for r in world.requests if r.client == "browser"]
    assert any("x-secret-4711" in c for c in sent)
    assert not any("ig-secret-0815" in c for c in sent)
    assert not any(b"x-secret-4711" in data for data in kept)
