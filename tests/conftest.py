"""Shared fixtures: small and generic. Add yours with a small edit."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from loopback import LocalSite, LoopbackProxy
from s3_support import S3Server
from s3_support import environment as s3_environment

from archiver.settings import Settings
from offline_world import OfflineWorld
from storage import Store

PROXY_VARIABLES = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees the developer's ARCHIVER_* settings or proxy variables."""
    import os

    for name in list(os.environ):
        if name.startswith("ARCHIVER_") or name in PROXY_VARIABLES or name.lower() == "no_proxy":
            monkeypatch.delenv(name)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """An empty archive home in a temporary folder."""
    path = tmp_path / "archive"
    path.mkdir()
    return path


@pytest.fixture
def store(home: Path) -> Iterator[Store]:
    """The archive in `home`, open."""
    with Store.open(home) as opened:
        yield opened


@pytest.fixture
def world() -> OfflineWorld:
    """The offline world, its hanging URLs cut after 2 s."""
    return OfflineWorld(hang_seconds=2)


@pytest.fixture
def settings(home: Path) -> Settings:
    """Settings for `home` with no politeness delay and short HTTP timeouts."""
    return Settings(home=home, host_delay=0.0, fetch_timeout=2.0)


@pytest.fixture
def local_site() -> Iterator[LocalSite]:
    """A website on 127.0.0.1: `local_site.add(path, body)` returns the page's URL."""
    with LocalSite() as site:
        yield site


@pytest.fixture
def loopback_proxy() -> Iterator[LoopbackProxy]:
    """A forwarding proxy (HTTP, CONNECT, SOCKS5) on 127.0.0.1; fill `.hosts` to map names."""
    with LoopbackProxy() as proxy:
        yield proxy


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    """moto's S3 server, in a process of its own on 127.0.0.1 (tests/s3_support.py)."""
    with S3Server() as server:
        yield server


@pytest.fixture
def s3_url(s3_server: S3Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The blob store URL of a new, empty bucket on `s3_server`; boto3 sees dummy credentials
    and none of the developer's AWS settings."""
    for name, value in s3_environment(tmp_path).items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    return s3_server.url(s3_server.new_bucket())


@pytest.fixture(scope="session")
def browser_path() -> str:
    """The Chromium browser-marked tests drive, found as `archiver doctor` finds it; else skip."""
    from archiver.errors import BrowserNotFound
    from archiver.flows.doctor import locate_browser
    from archiver.settings import Settings

    try:
        return locate_browser(Settings()).path
    except BrowserNotFound as exc:
        pytest.skip(str(exc))
