"""Finding a Chromium to drive, and launching it the way a closed network needs; or
connecting to one running elsewhere (--browser-endpoint).

Order: an explicit setting (--browser / ARCHIVER_BROWSER), Playwright's own downloaded
Chromium, a system Chromium or Chrome on PATH. Else BrowserNotFound says how to get one.

A remote browser is a Playwright browser server (`playwright run-server`, `launch_server`: a
ws:// or wss:// URL, through chromium.connect) or a DevTools endpoint (Browserless, Chromium with
--remote-debugging-port, Selenium Grid 4: an http(s):// URL, or a ws(s):// one whose path is
/devtools/browser/..., through chromium.connect_over_cdp). Its launch flags are the remote
side's; what we decide goes into each context (context_options: the proxy among them).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from archiver.errors import BrowserError, BrowserNotFound, SettingsError

if TYPE_CHECKING:
    from playwright.async_api import Browser, Playwright

    from archiver.settings import Settings

SYSTEM_BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")

# Playwright launches Chromium with a --disable-features list of its own, and Chromium reads only
# the last such switch: ours carries Playwright's (chromiumSwitches.ts, Playwright 1.65) so as
# not to turn those back on (HttpsUpgrades, PaintHolding, ThirdPartyStoragePartitioning...).
# tests/test_browser.py checks, in a launched browser, that ours still holds all of Playwright's.
PLAYWRIGHT_DISABLED_FEATURES = (
    "AvoidUnnecessaryBeforeUnloadCheckSync",
    "DestroyProfileOnBrowserClose",
    "HttpsUpgrades",
    "HttpsFirstBalancedModeAutoEnable",
    "LensOverlay",
    "MediaRouter",
    "PaintHolding",
    "ThirdPartyStoragePartitioning",
    "AvoidCorsURLLoaderRestartOnRedirect",
    "TcpPortRandomizationWin",
    "OptimizationHints",
    "NetworkTimeServiceQuerying",
    "AimEnabled",
    "PreconnectToSearch",
    "msForceBrowserSignIn",
    "msEdgeUpdateLaunchServicesPreferredVersion",
)
# Ours: no translation or casting; and no address bar popup. Headless Chromium still builds
# every new context's window its omnibox popup, two WebUI pages (chrome://omnibox-popup.top-chrome/)
# in a renderer of their own: with a fresh context per capture, that renderer cost as much CPU
# as the page captured (0.92 -> 0.45 CPU-s a small page loaded, shot and read at 4 at once).
DISABLED_FEATURES = (
    *PLAYWRIGHT_DISABLED_FEATURES,
    "Translate",
    "DialMediaRouteProvider",
    "WebUIOmniboxPopup",
    "WebUIOmniboxAimPopup",
    "WebUIOmniboxFullPopup",
)

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
    "--disable-features=" + ",".join(DISABLED_FEATURES),
    "--disable-gpu",
    "--disable-quic",
    "--disable-dev-shm-usage",
    "--mute-audio",
    # WebRTC's UDP would go around the proxy (ours, the guard's relay, or the user's): no
    # STUN to an internal address, no real address leaked past Tor.
    "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
)

HOW_TO_GET_ONE = (
    "no Chromium found: set --browser PATH or ARCHIVER_BROWSER, run `playwright install chromium`, "
    "or install your system's chromium package (Debian: apt-get install chromium)"
)


@dataclass(frozen=True)
class FoundBrowser:
    path: str  # the executable, or a remote browser's endpoint as shown (endpoint_label)
    how: str  # "setting" | "playwright" | "system" | "remote"


def find_browser(
    explicit: str | None,
    playwright_path: str | None,
    which: Callable[[str], str | None] = shutil.which,
) -> FoundBrowser:
    """Pick the browser executable, in the documented order."""
    if explicit:
        explicit = os.path.expanduser(explicit)
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


def running_as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def launch_args(as_root: bool | None = None) -> list[str]:
    if as_root is None:
        as_root = running_as_root()
    args = list(CLOSED_NETWORK_FLAGS)
    if as_root:
        # Chromium's sandbox refuses to run as root; elsewhere we keep it.
        args.append("--no-sandbox")
    return args


def playwright_proxy(settings: Settings, env: Mapping[str, str] | None = None) -> dict[str, str] | None:
    """The proxy in effect, in Playwright's form (credentials split out).

    Our own setting carries all traffic, with no exceptions. A proxy taken from the standard
    HTTPS_PROXY/HTTP_PROXY variables comes with their NO_PROXY list as the browser's bypass,
    as the HTTP client honours it.
    """
    env = os.environ if env is None else env
    proxy, origin = settings.proxy_origin(env)
    if not proxy:
        return None
    parts = urlsplit(proxy)
    scheme = parts.scheme.lower()
    if scheme == "socks5h":  # Chromium always resolves names through a SOCKS5 proxy
        scheme = "socks5"
    host = f"[{parts.hostname}]" if parts.hostname and ":" in parts.hostname else parts.hostname
    result = {"server": f"{scheme}://{host}" + (f":{parts.port}" if parts.port else "")}
    if parts.username:
        if scheme == "socks5":
            raise SettingsError("the browser cannot log in to a SOCKS5 proxy: use one without a password")
        result["username"] = unquote(parts.username)
        result["password"] = unquote(parts.password or "")
    bypass = env.get("NO_PROXY") or env.get("no_proxy")
    if origin != "setting" and bypass:
        result["bypass"] = bypass
    return result


def launch_options(
    settings: Settings,
    found: FoundBrowser,
    as_root: bool | None = None,
    proxy: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Keyword arguments for Playwright's chromium.launch(). `proxy`, in Playwright's form,
    stands in for the settings' (the network guard's relay, capture/relay.py)."""
    if as_root is None:
        as_root = running_as_root()
    options: dict[str, Any] = {
        "executable_path": found.path,
        "headless": True,
        "args": launch_args(as_root),
        # Playwright turns the sandbox off unless asked; only root must go without it.
        "chromium_sandbox": not as_root,
        "timeout": settings.page_timeout * 1000,
        # Ctrl-C reaches Playwright's driver too (it shares our process group), and by default
        # it then kills the browser and quits at once, under our feet. Without that, we close
        # the browser ourselves as the run unwinds; a driver whose parent is gone still ends it.
        "handle_sigint": False,
    }
    proxy = proxy or playwright_proxy(settings)
    if proxy:
        options["proxy"] = proxy
    return options


async def launch(
    pw: Playwright, settings: Settings, proxy: dict[str, str] | None = None
) -> tuple[Browser, FoundBrowser]:
    """Launch headless Chromium per `settings` (through `proxy` when given: see launch_options);
    returns the browser and which one it is."""
    from playwright.async_api import Error as PlaywrightError

    found = find_browser(settings.browser, pw.chromium.executable_path)
    try:
        browser = await pw.chromium.launch(**launch_options(settings, found, proxy=proxy))
    except PlaywrightError as exc:
        raise BrowserError(f"{found.path} would not start: {first_line(exc.message)}") from exc
    return browser, found


def first_line(message: str) -> str:
    """Playwright's messages run to many lines of call log; the first one says what happened."""
    lines = [line.strip() for line in message.strip().splitlines() if line.strip()]
    return lines[0] if lines else "unknown error"


def endpoint_label(endpoint: str) -> str:
    """A remote browser's endpoint as we print it: no credentials, no query (Browserless's
    ?token=...)."""
    try:
        parts = urlsplit(endpoint)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "(a browser endpoint that is not a URL)"
    host = f"[{host}]" if ":" in host else host
    return f"{parts.scheme}://{host}{port}{parts.path}"


def speaks_cdp(endpoint: str) -> bool:
    """Whether `endpoint` is a DevTools (CDP) endpoint rather than a Playwright browser server:
    an http(s):// URL, the ws:// URL Chromium prints (/devtools/browser/<id>), Selenium Grid's
    (/session/<id>/se/cdp), or any ws(s):// URL marked cdp+ws(s):// (Browserless's, say)."""
    parts = urlsplit(endpoint)
    path = parts.path.rstrip("/")
    return (
        parts.scheme.lower() in ("http", "https", "cdp+ws", "cdp+wss")
        or path.startswith("/devtools/browser/")
        or path.endswith("/se/cdp")
    )


def _unmarked(endpoint: str) -> str:
    """`endpoint` without the cdp+ of cdp+ws(s)://, as Playwright takes it."""
    return endpoint[4:] if endpoint.lower().startswith("cdp+") else endpoint


async def connect(pw: Playwright, settings: Settings, endpoint: str) -> tuple[Browser, FoundBrowser]:
    """Connect to the remote browser at `endpoint` (see the module's docstring)."""
    from playwright.async_api import Error as PlaywrightError

    found = FoundBrowser(endpoint_label(endpoint), "remote")
    timeout = settings.page_timeout * 1000
    try:
        if speaks_cdp(endpoint):
            browser = await pw.chromium.connect_over_cdp(_unmarked(endpoint), timeout=timeout)
        else:
            browser = await pw.chromium.connect(endpoint, timeout=timeout)
    except PlaywrightError as exc:
        why = first_line(exc.message).replace(_unmarked(endpoint), found.path)  # no token in it
        raise BrowserError(f"no browser at {found.path}: {why}") from exc
    return browser, found


def context_options(
    settings: Settings, platform: str | None = None, proxy: dict[str, str] | None = None
) -> dict[str, Any]:
    """Options for every new browser context: one per post, so no state leaks between them;
    `platform` picks its login cookies (--storage-state), None the default ones. `proxy`, in
    Playwright's form, is the context's own (a remote browser's: a launched one has its proxy
    from launch_options)."""
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
    state = settings.storage_state_for(platform)
    if state is not None:
        options["storage_state"] = str(state)
    if proxy is not None:
        options["proxy"] = proxy
    return options
