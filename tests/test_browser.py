from __future__ import annotations

from pathlib import Path

import pytest

from archiver.capture.browser import (
    CLOSED_NETWORK_FLAGS,
    HOW_TO_GET_ONE,
    FoundBrowser,
    context_options,
    find_browser,
    first_line,
    launch_args,
    launch_options,
    playwright_proxy,
)
from archiver.errors import BrowserNotFound, SettingsError
from archiver.settings import Settings


def _executable(path: Path) -> str:
    path.write_text("#!/bin/sh\necho fake\n")
    path.chmod(0o755)
    return str(path)


class FakeWhich:
    """shutil.which over a fixed table, remembering what it was asked."""

    def __init__(self, table: dict[str, str]) -> None:
        self.table = table
        self.asked: list[str] = []

    def __call__(self, name: str) -> str | None:
        self.asked.append(name)
        return self.table.get(name)


@pytest.fixture
def three(tmp_path: Path) -> tuple[str, str, str]:
    return (
        _executable(tmp_path / "explicit-chrome"),
        _executable(tmp_path / "playwright-chromium"),
        _executable(tmp_path / "system-chromium"),
    )


def test_explicit_setting_wins(three: tuple[str, str, str]) -> None:
    explicit, playwright, system = three
    found = find_browser(explicit, playwright, FakeWhich({"chromium": system}))
    assert found == FoundBrowser(explicit, "setting")


def test_explicit_name_is_looked_up_on_path(three: tuple[str, str, str]) -> None:
    explicit, playwright, _ = three
    found = find_browser("my-chrome", playwright, FakeWhich({"my-chrome": explicit}))
    assert found == FoundBrowser(explicit, "setting")


def test_playwright_before_system(three: tuple[str, str, str]) -> None:
    _, playwright, system = three
    which = FakeWhich({"chromium": system})
    assert find_browser(None, playwright, which) == FoundBrowser(playwright, "playwright")
    assert which.asked == []


def test_system_when_playwright_has_none(tmp_path: Path, three: tuple[str, str, str]) -> None:
    _, _, system = three
    which = FakeWhich({"google-chrome": system})
    found = find_browser(None, str(tmp_path / "not-downloaded"), which)
    assert found == FoundBrowser(system, "system")
    assert which.asked == ["chromium", "chromium-browser", "google-chrome"]


def test_missing_explicit_is_an_error_not_a_fallback(tmp_path: Path, three: tuple[str, str, str]) -> None:
    _, playwright, system = three
    which = FakeWhich({"chromium": system})
    with pytest.raises(BrowserNotFound, match="browser not found or not executable"):
        find_browser(str(tmp_path / "gone"), playwright, which)
    not_executable = tmp_path / "plain-file"
    not_executable.write_text("")
    with pytest.raises(BrowserNotFound):
        find_browser(str(not_executable), playwright, which)
    with pytest.raises(BrowserNotFound):
        find_browser(str(tmp_path), playwright, which)


def test_nothing_found_says_how_to_get_one(tmp_path: Path) -> None:
    with pytest.raises(BrowserNotFound) as info:
        find_browser(None, str(tmp_path / "none"), FakeWhich({}))
    assert str(info.value) == HOW_TO_GET_ONE
    assert "playwright install chromium" in HOW_TO_GET_ONE and "\n" not in HOW_TO_GET_ONE


def test_no_sandbox_only_as_root() -> None:
    assert "--no-sandbox" in launch_args(as_root=True)
    assert "--no-sandbox" not in launch_args(as_root=False)
    found = FoundBrowser("/x/chromium", "system")
    assert launch_options(Settings(), found, as_root=False)["chromium_sandbox"] is True
    assert launch_options(Settings(), found, as_root=True)["chromium_sandbox"] is False


def test_launch_options_carry_closed_network_flags_timeout_and_proxy() -> None:
    settings = Settings(page_timeout=12, proxy="http://user:p%40ss@127.0.0.1:8080")
    options = launch_options(settings, FoundBrowser("/x/chromium", "system"), as_root=False)
    assert options["executable_path"] == "/x/chromium"
    assert options["headless"] is True
    assert options["timeout"] == 12000
    for flag in ("--disable-background-networking", "--disable-component-update", "--disable-sync"):
        assert flag in options["args"] and flag in CLOSED_NETWORK_FLAGS
    assert options["proxy"] == {"server": "http://127.0.0.1:8080", "username": "user", "password": "p@ss"}
    assert "proxy" not in launch_options(Settings(), FoundBrowser("/x", "system"), as_root=False)


def test_our_proxy_ignores_no_proxy_environment_one_honours_it() -> None:
    env = {"NO_PROXY": "localhost,.internal", "HTTPS_PROXY": "http://corp:3128"}
    ours = playwright_proxy(Settings(proxy="socks5h://127.0.0.1:9050"), env)
    assert ours == {"server": "socks5://127.0.0.1:9050"}  # all traffic, names resolved by the proxy
    theirs = playwright_proxy(Settings(), env)
    assert theirs == {"server": "http://corp:3128", "bypass": "localhost,.internal"}
    assert playwright_proxy(Settings(), {}) is None


def test_browser_cannot_log_in_to_socks5() -> None:
    with pytest.raises(SettingsError, match="SOCKS5"):
        playwright_proxy(Settings(proxy="socks5://u:p@127.0.0.1:1080"), {})


def test_context_options_accept_intercepting_proxy_only_with_ca_bundle(tmp_path: Path) -> None:
    assert "ignore_https_errors" not in context_options(Settings())
    ca = tmp_path / "ca.pem"
    ca.write_text("x")
    options = context_options(Settings(ca_bundle=ca, user_agent="ua"))
    assert options["ignore_https_errors"] is True
    assert options["user_agent"] == "ua"
    assert options["service_workers"] == "block"


def test_first_line_of_playwright_message() -> None:
    message = "\n  BrowserType.launch: Executable doesn't exist\n  =========\n  call log: ...\n"
    assert first_line(message) == "BrowserType.launch: Executable doesn't exist"
    assert first_line("") == "unknown error"
