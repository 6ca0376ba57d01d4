"""Remote browsers (--browser-endpoint): a Playwright browser server and a Chromium's DevTools
endpoint, both started here on 127.0.0.1, archive the demo article as a launched browser does."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from urllib.request import urlopen

import browser_servers
import httpx
import pytest
from click.testing import CliRunner

from archiver.capture.browser import context_options, endpoint_label, speaks_cdp
from archiver.capture.capturer import Capturer, PostCapture
from archiver.cli import cli
from archiver.errors import SettingsError
from archiver.flows.archive import archive_sources
from archiver.flows.results import ArticleResult
from archiver.platforms.base import Platform
from archiver.settings import Settings, load_settings
from offline_world import OfflineWorld
from storage import Store

DEMO = Path(__file__).parents[1] / "archiver" / "demo" / "article.html"
LIVE_TWEET, OTHER_TWEET = "1821185274147889728", "1821209936655409728"  # the demo article's


@pytest.fixture()
def playwright_server(browser_path: str) -> Iterator[str]:
    with browser_servers.playwright_server(browser_path) as (endpoint, _):
        yield endpoint


@pytest.fixture()
def devtools_chromium(browser_path: str, tmp_path: Path) -> Iterator[str]:
    with browser_servers.devtools_chromium(browser_path, tmp_path / "profile") as (endpoint, _):
        yield endpoint


def _archive(settings: Settings) -> list[ArticleResult]:
    with Store.open(settings.home) as store:
        return asyncio.run(archive_sources([str(DEMO)], settings, store, network=OfflineWorld().network()))


def _outcome(settings: Settings) -> tuple[list[tuple[str, str]], list[set[str]]]:
    """The posts' statuses and each capture's artifact kinds, in order."""
    [result] = _archive(settings)
    assert result.error is None
    with Store.open(settings.home) as store:
        kinds = [{a["kind"] for a in store.artifacts_for_capture(p.capture_id)} for p in result.posts]
        assert store.verify().ok
    return sorted((p.post_id, p.status) for p in result.posts), kinds


def _settings(home: Path, browser_path: str) -> Settings:
    return Settings(home=home, browser=browser_path, page_timeout=10, capture_timeout=30, host_delay=0)


@pytest.mark.browser
@pytest.mark.parametrize("kind", ["playwright server", "devtools", "devtools ws"])
def test_a_remote_browser_archives_as_a_launched_one(
    kind: str, request: pytest.FixtureRequest, tmp_path: Path, browser_path: str
) -> None:
    endpoint = request.getfixturevalue(
        "playwright_server" if kind == "playwright server" else "devtools_chromium"
    )
    if kind == "devtools ws":  # the ws://.../devtools/browser/<id> URL Chromium prints
        with urlopen(f"{endpoint}/json/version", timeout=10) as answer:
            endpoint = json.load(answer)["webSocketDebuggerUrl"]
    local = _outcome(_settings(tmp_path / "local", browser_path))
    # No executable to find: the setting points nowhere, and the remote browser is used instead.
    remote_settings = replace(_settings(tmp_path / "remote", "/nonexistent"), browser_endpoints=(endpoint,))
    remote = _outcome(remote_settings)

    assert remote == local
    statuses, kinds = remote
    assert {status for _, status in statuses} == {"live"}
    assert all({"screenshot", "dom", "mhtml", "warc"} <= k for k in kinds)


@pytest.mark.browser
def test_an_endpoint_that_does_not_answer_gives_way_to_the_next(
    tmp_path: Path, browser_path: str, devtools_chromium: str
) -> None:
    settings = replace(
        _settings(tmp_path / "home", "/nonexistent"),
        browser_endpoints=("ws://127.0.0.1:9/", devtools_chromium),
    )
    statuses, _ = _outcome(settings)
    assert {status for _, status in statuses} == {"live"}


@pytest.mark.browser
def test_captures_are_spread_over_endpoints_and_a_dead_one_is_taken_out(
    tmp_path: Path, browser_path: str
) -> None:
    world = OfflineWorld()
    posts: list[tuple[Platform | str, str]] = [("twitter", LIVE_TWEET), ("twitter", OTHER_TWEET)] * 2
    with (
        browser_servers.devtools_chromium(browser_path, tmp_path / "one") as (one, _),
        browser_servers.devtools_chromium(browser_path, tmp_path / "two") as (two, second),
    ):
        settings = replace(
            _settings(tmp_path / "home", "/nonexistent"), browser_endpoints=(one, two), concurrency=1
        )

        async def run() -> tuple[list[PostCapture], list[PostCapture], list[int], list[bool]]:
            async with (
                httpx.AsyncClient(transport=world.transport(), timeout=5) as client,
                Capturer(settings, client, install_routes=world.install, retry_backoff=0.1) as capturer,
            ):
                both = await capturer.capture_posts(posts)
                used = [remote.used for remote in capturer._remotes]
                browser_servers.stop(second)  # the second endpoint dies for good: its turns go to the first
                after = await capturer.capture_posts(posts)
                return both, after, used, [remote.out for remote in capturer._remotes]

        both, after, used, out = asyncio.run(run())

    # Both took captures (one page at a time on each); how the four fall depends on which
    # finishes first, so the split is 2/2 or 1/3, never 0/4.
    assert sum(used) == 4 and min(used) >= 1, used
    assert [c.status for c in both + after] == ["live"] * 8, [c.error for c in both + after]
    assert out == [False, True]


# (Through a Playwright server: against the bare DevTools Chromium above, doctor's screenshot
# timed out about once in six runs here, a cause not found yet.)
@pytest.mark.browser
def test_doctor_checks_each_endpoint(tmp_path: Path, playwright_server: str) -> None:
    runner = CliRunner()
    home = str(tmp_path / "home")
    ok = runner.invoke(cli, ["doctor", "--home", home, "--browser-endpoint", playwright_server])
    assert ok.exit_code == 0, ok.output
    assert f"browser  {endpoint_label(playwright_server)} (remote)" in ok.output  # no query shown
    assert "render   ok" in ok.output

    args = ["doctor", "--home", home, "--browser-endpoint", playwright_server]
    bad = runner.invoke(cli, [*args, "--browser-endpoint", "ws://127.0.0.1:9/"])
    assert bad.exit_code == 1
    assert "render   ok" in bad.output, bad.output
    assert "ws://127.0.0.1:9/" in bad.output + (bad.stderr if bad.stderr_bytes is not None else "")


def test_endpoints_from_flags_environment_and_config(tmp_path: Path) -> None:
    env = {"ARCHIVER_BROWSER_ENDPOINTS": "ws://a:3000/, http://b:9222"}
    assert load_settings({}, env=env).browser_endpoints == ("ws://a:3000/", "http://b:9222")
    flags = {"browser_endpoints": ("cdp+wss://c/x?token=s",)}
    assert load_settings(flags, env=env).browser_endpoints == ("cdp+wss://c/x?token=s",)
    assert load_settings({"browser_endpoints": ()}, env=env).browser_endpoints == (
        "ws://a:3000/",
        "http://b:9222",
    )
    config = tmp_path / "config.toml"
    config.write_text('browser_endpoints = ["http://grid:4444/session/x/se/cdp"]\n')
    assert load_settings({}, env={}, config=config).browser_endpoints == (
        "http://grid:4444/session/x/se/cdp",
    )
    assert load_settings({}, env={}).browser_endpoints == ()


@pytest.mark.parametrize("bad", ["ftp://a/", "chromium", "ws://", "http://a:99999999"])
def test_a_bad_endpoint_is_a_settings_error_that_does_not_repeat_it(bad: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings({"browser_endpoints": (f"{bad}?token=s3cret",)}, env={})
    assert "s3cret" not in str(caught.value)


def test_which_endpoints_speak_devtools() -> None:
    assert speaks_cdp("http://127.0.0.1:9222")
    assert speaks_cdp("https://chrome.browserless.io?token=x")
    assert speaks_cdp("ws://127.0.0.1:9222/devtools/browser/1f2e")
    assert speaks_cdp("ws://grid:4444/session/0a1b/se/cdp")
    assert speaks_cdp("cdp+wss://browserless.example?token=x")
    assert not speaks_cdp("ws://127.0.0.1:3000/")
    assert not speaks_cdp("wss://browsers.example/playwright?token=x")


def test_an_endpoint_is_shown_without_its_token() -> None:
    assert endpoint_label("wss://user:pw@browserless.example:443/chromium?token=s3cret") == (
        "wss://browserless.example:443/chromium"
    )


def test_a_remote_browser_is_given_the_proxy_per_context() -> None:
    proxy = {"server": "socks5://127.0.0.1:1080"}
    assert context_options(Settings(), None, proxy)["proxy"] == proxy
    assert "proxy" not in context_options(Settings())


def test_each_endpoint_adds_its_own_concurrency(tmp_path: Path) -> None:
    """The archive and re-check flows start as many captures as the Capturer can run: with two
    endpoints at concurrency 3, six at once (not three shared by both)."""
    one, two = "ws://127.0.0.1:1/", "http://127.0.0.1:2"
    local = _settings(tmp_path / "home", "/nonexistent")
    assert Capturer(replace(local, concurrency=3), httpx.AsyncClient()).capacity == 3
    remote = replace(local, concurrency=3, browser_endpoints=(one, two))
    assert Capturer(remote, httpx.AsyncClient()).capacity == 6
