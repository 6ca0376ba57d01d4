"""Finding a Chromium to drive, and launching it the way a closed network needs.

Order: an explicit setting (--browser / ARCHIVER_BROWSER), Playwright's own downloaded
Chromium, a system Chromium or Chrome on PATH. Else BrowserNotFound says how to get one.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from archiver.errors import BrowserNotFound

if TYPE_CHECKING:
    from playwright.async_api import Browser, Playwright

    from archiver.settings import Settings

SYSTEM_BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")

# Without these, Chromium keeps phoning home: on a closed network that is a stream of refused
# connections, and on an open one it is traffic that is not the page's.
CLOSED_NETWORK_FLAGS = (
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--disable-breakpad",
    "--no-first-run",
    "--no-default-browser-check",
    "--metrics-recording-only",
    "--disable-features=Translate,OptimizationHints,MediaRouter,DialMediaRouteProvider",
    "--disable-gpu",
    "--disable-quic",
    "--disable-dev-shm-usage",
    "--mute-audio",
)

HOW_TO_GET_ONE = (
    "no Chromium found: set --browser PATH or ARCHIVER_BROWSER, run `playwright install chromium`, "
    "or install your system's chromium package (Debian: apt-get install chromium)"
)


@dataclass(frozen=True)
class FoundBrowser:
    path: str
    how: str  # "setting" | "playwright" | "system"


def find_browser(
    explicit: str | None,
    playwright_path: str | None,
    which: Callable[[str], str | None] = shutil.which,
) -> FoundBrowser:
    """Pick the browser executable, in the documented order."""
    if explicit:
        path = which(explicit) if os.sep not in explicit else explicit
        if not path or not os.access(path, os.X_OK) or not Path(path).is_file():
            raise BrowserNotFound(f"browser not found or not executable: {explicit}")
        return FoundBrowser(path, "setting")
    if playwright_path and Path(playwright_path).is_file() and os.access(playwright_path, os.X_OK):
        return FoundBrowser(playwright_path, "playwright")
    for name in SYSTEM_BROWSERS:
        path = which(name)
        if path:
            return FoundBrowser(path, "system")
    raise BrowserNotFound(HOW_TO_GET_ONE)


def launch_args(running_as_root: bool | None = None) -> list[str]:
    if running_as_root is None:
        running_as_root = hasattr(os, "geteuid") and os.geteuid() == 0
    args = list(CLOSED_NETWORK_FLAGS)
    if running_as_root:
        # Chromium's sandbox refuses to run as root; elsewhere we keep it.
        args.append("--no-sandbox")
    return args


def playwright_proxy(proxy: str | None, env: Mapping[str, str] | None = None) -> dict[str, str] | None:
    """Settings' proxy URL in Playwright's form (credentials split out, NO_PROXY as bypass)."""
    if not proxy:
        return None
    env = os.environ if env is None else env
    parts = urlsplit(proxy)
    server = f"{parts.scheme}://{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    result = {"server": server}
    if parts.username:
        result["username"] = parts.username
        result["password"] = parts.password or ""
    bypass = env.get("NO_PROXY") or env.get("no_proxy")
    if bypass:
        result["bypass"] = bypass
    return result


async def launch(pw: Playwright, settings: Settings) -> tuple[Browser, FoundBrowser]:
    """Launch headless Chromium per `settings`; returns the browser and which one it is."""
    found = find_browser(settings.browser, pw.chromium.executable_path)
    kwargs: dict[str, Any] = {
        "executable_path": found.path,
        "headless": True,
        "args": launch_args(),
        "timeout": settings.page_timeout * 1000,
    }
    proxy = playwright_proxy(settings.effective_proxy())
    if proxy:
        kwargs["proxy"] = proxy
    browser = await pw.chromium.launch(**kwargs)
    return browser, found


def context_options(settings: Settings) -> dict[str, Any]:
    """Options for every new browser context: one per post, so no state leaks between them."""
    options: dict[str, Any] = {
        "user_agent": settings.user_agent,
        "viewport": {"width": 1280, "height": 1000},
        "device_scale_factor": 1,
        "locale": "en-US",
        "service_workers": "block",  # their traffic would escape route() and the WARC
    }
    if settings.ca_bundle is not None:
        # A TLS-intercepting proxy signs with its own CA; Chromium has no per-launch CA option.
        options["ignore_https_errors"] = True
    if settings.storage_state is not None:
        options["storage_state"] = str(settings.storage_state)
    return options
