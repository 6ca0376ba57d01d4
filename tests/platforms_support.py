"""What the platform tests share: fixture files, a fetch_data run against a fake transport, and
registering a platform a test defines."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from archiver import platforms
from archiver.models import Embed, PostData
from archiver.platforms.base import Platform

FIXTURES = Path(__file__).resolve().parents[1] / "offline_world" / "fixtures"

Handler = Callable[[httpx.Request], httpx.Response]


def fixture(path: str) -> bytes:
    return (FIXTURES / path).read_bytes()


def fixture_json(path: str) -> Any:
    return json.loads(fixture(path))


def fetch(platform: Platform, post_id: str, handler: Handler) -> tuple[PostData, list[httpx.Request]]:
    """Run `platform.fetch_data` against `handler`; also return the requests it made."""
    seen: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return handler(request)

    async def run() -> PostData:
        assert platform.fetch_data is not None
        async with httpx.AsyncClient(transport=httpx.MockTransport(record)) as client:
            return await platform.fetch_data(client, post_id)

    return asyncio.run(run()), seen


def status(code: int, body: Any = None, **headers: str) -> Handler:
    """A handler answering every request with `code` (and a JSON body when given)."""

    named = {name.replace("_", "-"): value for name, value in headers.items()}

    def handler(request: httpx.Request) -> httpx.Response:
        if body is None:
            return httpx.Response(code, headers=named)
        return httpx.Response(code, json=body, headers=named)

    return handler


def found(embeds: list[Embed], platform: str) -> list[tuple[str | None, str]]:
    """(post_id, source) of the embeds of one platform, in order."""
    return [(e.post_id, e.source) for e in embeds if e.platform == platform]


def register(monkeypatch: pytest.MonkeyPatch, *added: Platform) -> tuple[Platform, ...]:
    """Register `added` after the registry's platforms, for one test: discovery, capture and an
    OfflineWorld made afterwards all read `archiver.platforms.PLATFORMS` when they run, so
    patching it is all it takes. Returns the registry as it now is."""
    after = (*platforms.PLATFORMS, *added)
    monkeypatch.setattr(platforms, "PLATFORMS", after)
    return after
