"""One Settings value, built once and passed into everything.

Precedence, highest first: command-line options, ARCHIVER_* environment variables, the TOML
config file (--config or ARCHIVER_CONFIG, else ARCHIVER_HOME/config.toml when present), the
defaults below.
"""

from __future__ import annotations

import json
import math
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from archiver.errors import SettingsError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

PROXY_SCHEMES = ("http", "https", "socks5", "socks5h")
ENDPOINT_SCHEMES = ("ws", "wss", "http", "https", "cdp+ws", "cdp+wss")

# The standard variables, in the order we pick one when our own proxy is unset.
PROXY_ENV = ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy", "HTTP_PROXY", "http_proxy")


@dataclass(frozen=True)
class Settings:
    home: Path = Path("archive")
    # "s3://bucket/prefix": keep the blobs in an S3-compatible bucket instead of HOME/blobs
    # (storage.s3blobs: endpoint, region and credentials from the AWS environment and config)
    blob_store: str | None = None
    browser: str | None = None  # path (or PATH name) of a Chromium/Chrome executable
    # Remote browsers to use instead of launching one (capture/browser.py: connect): a
    # Playwright browser server's ws(s):// URL or a DevTools endpoint's http(s):// URL
    browser_endpoints: tuple[str, ...] = ()
    proxy: str | None = None  # http://, https://, socks5:// or socks5h:// URL for all traffic
    ca_bundle: Path | None = None  # extra CA to trust (a TLS-intercepting proxy)
    user_agent: str = (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36 embed-archiver/0.1"
    )
    fetch_timeout: float = 30.0  # seconds for one HTTP request
    page_timeout: float = 30.0  # seconds for one browser step (navigation, waiting to render)
    capture_timeout: float = 120.0  # seconds for one post's whole capture
    concurrency: int = 4  # browser pages at once
    per_host: int = 2  # concurrent requests to one host
    host_delay: float = 0.25  # seconds between requests to one host
    max_article_bytes: int = 20 * 1024 * 1024
    max_media_bytes: int = 200 * 1024 * 1024
    max_posts: int = 200  # posts captured per article; the rest are recorded and skipped
    # Video through yt-dlp (capture/video.py): the best format up to this height (0: no video
    # through yt-dlp), merged to MP4 when ffmpeg is there; max_media_bytes caps it too.
    video_max_height: int = 1080
    # An access token for Meta's oEmbed endpoints (Instagram, Facebook, Threads): "APPID|TOKEN"
    # when Meta requires one; without it the embed views are read instead. Never logged.
    meta_access_token: str | None = None
    # The article is rendered in the browser (recorded, then discovered again from the rendered
    # DOM and its frames); off: static discovery only (--no-render).
    render_article: bool = True
    # Playwright storage-state files for login walls: "FILE" for every platform, or
    # "twitter=FILE,instagram=FILE2" (an entry without a name is the default for the rest).
    storage_state: str | None = None
    # Re-checks (archiver run / recheck): a post's next check comes after `recheck_backoff` times
    # how long it has been unchanged, kept between the two bounds: a fresh post is due every run,
    # one stable for 4 days daily, one stable for 4 weeks weekly.
    recheck_backoff: float = 0.25
    recheck_min_hours: float = 0.0
    recheck_max_days: float = 7.0
    recheck_concurrency: int = 8  # HTTP re-checks at once (per host, per_host still applies)
    # Posts re-checked per run through their embed view in the browser (platforms with no data
    # endpoint), after the HTTP checks; the rest stay due for the next run.
    view_checks_per_run: int = 20
    # The network guard (guard.py) off: URLs that came from fetched content may then reach this
    # machine and private networks too (for archiving on an intranet).
    allow_private_network: bool = False

    @property
    def db_path(self) -> Path:
        return self.home / "archive.db"

    @property
    def blobs_path(self) -> Path:
        return self.home / "blobs"

    def proxy_origin(self, env: Mapping[str, str] | None = None) -> tuple[str | None, str | None]:
        """The proxy in effect and where it came from ("setting" or the variable's name).

        Ours wins; else the standard HTTPS_PROXY / ALL_PROXY / HTTP_PROXY. A value without a
        scheme ("proxy:3128") means http://, as curl and httpx read it.
        """
        if self.proxy:
            return self.proxy, "setting"
        env = os.environ if env is None else env
        for name in PROXY_ENV:
            value = env.get(name, "").strip()
            if value:
                return (value if "://" in value else f"http://{value}"), name
        return None, None

    def storage_state_for(self, platform: str | None) -> Path | None:
        """The storage-state file for `platform` (None: the default one, for articles)."""
        states = parse_storage_states(self.storage_state)
        return states.get(platform or "", states.get(""))


_FIELDS = {f.name: f for f in fields(Settings)}
_DEFAULTS = Settings()
_PATHS = ("home", "ca_bundle")
_OPTIONAL_STRINGS = ("browser", "proxy", "storage_state", "blob_store", "meta_access_token")
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


def _coerce(name: str, value: Any, where: str) -> Any:
    """`value` as the type of setting `name`; strings (flags, environment) are parsed."""
    default = getattr(_DEFAULTS, name)
    bad = SettingsError(f"{where}: setting {name!r} cannot be {value!r}")
    if isinstance(value, str) and value.strip() == "" and (name in _OPTIONAL_STRINGS or name in _PATHS):
        return None if default is None else default
    if isinstance(default, tuple):  # a list: "a,b" (environment), a TOML list, a repeated flag
        items = value.split(",") if isinstance(value, str) else value
        if not isinstance(items, (list, tuple)) or not all(isinstance(item, str) for item in items):
            raise bad
        return tuple(item.strip() for item in items if item.strip())
    if name in _PATHS or name in _OPTIONAL_STRINGS or isinstance(default, str):
        if not isinstance(value, str):
            raise bad
        return Path(os.path.expanduser(value)) if name in _PATHS else value
    if isinstance(default, bool):  # TOML true/false, a flag, or a word in the environment
        if isinstance(value, str) and value.strip().lower() in _TRUE + _FALSE:
            return value.strip().lower() in _TRUE
        if not isinstance(value, bool):
            raise bad
        return value
    if isinstance(value, bool):  # TOML true/false is no number
        raise bad
    try:
        number = int(value) if isinstance(default, int) else float(value)
    except (TypeError, ValueError):
        raise bad from None
    if isinstance(default, int) and isinstance(value, float) and value != number:
        raise bad
    if not math.isfinite(number) or number < 0:
        raise bad
    return number


def parse_storage_states(spec: str | None) -> dict[str, Path]:
    """ "FILE" or "name=FILE,name2=FILE2" as {name: path}, the default under ""."""
    states: dict[str, Path] = {}
    for entry in (spec or "").split(","):
        if not entry.strip():
            continue
        name, sep, path = entry.partition("=")
        if not sep or "/" in name or "." in name:  # no "name=": the whole entry is a path
            name, path = "", entry
        states[name.strip().lower()] = Path(os.path.expanduser(path.strip()))
    return states


def _check(settings: Settings) -> Settings:
    for name in ("fetch_timeout", "page_timeout", "capture_timeout", "max_article_bytes", "max_media_bytes"):
        if not getattr(settings, name) > 0:  # NaN too
            raise SettingsError(f"setting {name!r} must be greater than 0")
    for name in ("concurrency", "per_host", "recheck_concurrency", "max_posts"):
        if getattr(settings, name) < 1:
            raise SettingsError(f"setting {name!r} must be at least 1")
    if settings.recheck_min_hours > settings.recheck_max_days * 24:
        raise SettingsError("setting 'recheck_min_hours' must not exceed 'recheck_max_days'")
    if settings.proxy is not None:
        check_proxy_url(settings.proxy)
    for endpoint in settings.browser_endpoints:
        check_endpoint_url(endpoint)
    if settings.blob_store is not None and not settings.blob_store.lower().startswith("s3://"):
        # (the value is not repeated: it may hold what was meant to stay private)
        raise SettingsError("setting 'blob_store' must be an S3 URL: s3://bucket/prefix")
    for name, path in parse_storage_states(settings.storage_state).items():
        check_storage_state(path, name)
    if settings.ca_bundle is not None and not settings.ca_bundle.is_file():
        raise SettingsError(f"CA bundle not found: {settings.ca_bundle}")
    return settings


def check_storage_state(path: Path, name: str = "") -> None:
    """A SettingsError unless `path` is a Playwright storage-state file: a JSON object whose
    `cookies` and `origins`, where present, are lists (what the browser will load)."""
    what = f"storage state{' for ' + name if name else ''}"
    try:
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        raise SettingsError(f"{what} not found: {path}") from None
    except (OSError, ValueError) as exc:  # a folder, unreadable, or no JSON
        raise SettingsError(f"{what} {path} is not a storage-state JSON file: {_first_line(exc)}") from None
    if not isinstance(data, dict) or not all(
        isinstance(data.get(key, []), list) for key in ("cookies", "origins")
    ):
        raise SettingsError(f"{what} {path} is not a storage state: a JSON object with cookies and origins")
    cookies = data.get("cookies", [])
    if not all(isinstance(c, dict) and "name" in c and "value" in c for c in cookies):
        raise SettingsError(f"{what} {path} has a cookie without a name and a value")


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def check_proxy_url(url: str) -> None:
    """A SettingsError unless `url` is a proxy URL both httpx and Chromium can use."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise SettingsError(f"proxy {url!r} is not a URL") from None
    if parts.scheme.lower() not in PROXY_SCHEMES or not parts.hostname:
        raise SettingsError(f"proxy {url!r} must look like http://host:port, https://... or socks5://...")
    if port is None and parts.scheme.lower().startswith("socks"):
        raise SettingsError(f"proxy {url!r} needs a port")


def check_endpoint_url(url: str) -> None:
    """A SettingsError unless `url` can name a remote browser (the value is not repeated: a
    Browserless URL carries its token)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - a bad port raises
    except ValueError:
        raise SettingsError("a browser endpoint is not a URL") from None
    if parts.scheme.lower() not in ENDPOINT_SCHEMES or not parts.hostname:
        raise SettingsError("a browser endpoint must look like ws://host:port/... or http://host:port")


def _read_config(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SettingsError(f"config file not found: {path}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SettingsError(f"config file {path} is not valid TOML: {exc}") from None
    except OSError as exc:
        raise SettingsError(f"config file {path} cannot be read: {exc.strerror or exc}") from None
    unknown = sorted(set(data) - set(_FIELDS))
    if unknown:
        raise SettingsError(f"config file {path}: unknown setting(s) {', '.join(unknown)}")
    return data


def load_settings(
    options: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
    config: Path | None = None,
) -> Settings:
    """Build Settings from options (None means 'not given'), the environment and a config file."""
    options = {k: v for k, v in (options or {}).items() if v is not None and v != ()}  # () : no flag
    unknown = sorted(set(options) - set(_FIELDS))
    if unknown:
        raise TypeError(f"not settings: {', '.join(unknown)}")  # a caller's bug, not the user's
    env = os.environ if env is None else env
    from_env = {
        name: env[f"ARCHIVER_{name.upper()}"] for name in _FIELDS if env.get(f"ARCHIVER_{name.upper()}")
    }
    home = Path(os.path.expanduser(str(options.get("home") or from_env.get("home") or _DEFAULTS.home)))
    if config is None and env.get("ARCHIVER_CONFIG"):
        config = Path(os.path.expanduser(env["ARCHIVER_CONFIG"]))
    if config is None and (home / "config.toml").is_file():
        config = home / "config.toml"
    from_file = _read_config(config) if config is not None else {}
    merged: dict[str, Any] = {}
    for layer, where in (
        (from_file, f"config file {config}"),
        (from_env, "environment"),
        (options, "option"),
    ):
        for name, value in layer.items():
            merged[name] = value if isinstance(value, Path) else _coerce(name, value, where)
    return _check(replace(_DEFAULTS, **merged))
