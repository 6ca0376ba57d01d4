"""One Settings value, built once and passed into everything.

Precedence, highest first: command-line options, ARCHIVER_* environment variables, the TOML
config file (--config, else ARCHIVER_HOME/config.toml when present), the defaults below.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from archiver.errors import SettingsError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


@dataclass(frozen=True)
class Settings:
    home: Path = Path("archive")
    browser: str | None = None  # path to a Chromium/Chrome executable
    proxy: str | None = None  # http://, https:// or socks5:// URL for all traffic
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
    storage_state: Path | None = None  # Playwright storage-state file for login walls

    @property
    def db_path(self) -> Path:
        return self.home / "archive.db"

    @property
    def blobs_path(self) -> Path:
        return self.home / "blobs"

    def effective_proxy(self, env: Mapping[str, str] | None = None) -> str | None:
        """The proxy to use: ours, else the standard HTTPS_PROXY/HTTP_PROXY/ALL_PROXY."""
        if self.proxy:
            return self.proxy
        env = os.environ if env is None else env
        for name in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy", "HTTP_PROXY", "http_proxy"):
            if env.get(name):
                return env[name]
        return None


_FIELDS = {f.name: f for f in fields(Settings)}


def _coerce(name: str, value: Any) -> Any:
    default = getattr(Settings(), name)
    if value is None or value == "":
        return None if default is None or name in ("browser", "proxy") else default
    try:
        if name in ("home", "ca_bundle", "storage_state"):
            return Path(os.path.expanduser(str(value)))
        if isinstance(default, bool):
            return str(value).lower() in ("1", "true", "yes", "on")
        if isinstance(default, int):
            return int(value)
        if isinstance(default, float):
            return float(value)
        return str(value)
    except (TypeError, ValueError):
        raise SettingsError(f"setting {name!r}: cannot use {value!r}") from None


def load_settings(
    options: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
    config: Path | None = None,
) -> Settings:
    """Build Settings from options (None means 'not given'), the environment and a config file."""
    options = {k: v for k, v in (options or {}).items() if v is not None}
    env = os.environ if env is None else env
    from_env = {
        name: env[f"ARCHIVER_{name.upper()}"] for name in _FIELDS if env.get(f"ARCHIVER_{name.upper()}")
    }
    home = Path(options.get("home") or from_env.get("home") or Settings.home)
    config_path = config or (Path(env["ARCHIVER_CONFIG"]) if env.get("ARCHIVER_CONFIG") else None)
    from_file: dict[str, Any] = {}
    if config_path is not None or (home / "config.toml").is_file():
        path = config_path or home / "config.toml"
        try:
            from_file = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise SettingsError(f"config file not found: {path}") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, IsADirectoryError) as exc:
            raise SettingsError(f"config file {path} is not valid TOML: {exc}") from None
        unknown = sorted(set(from_file) - set(_FIELDS))
        if unknown:
            raise SettingsError(f"config file {path}: unknown setting(s) {', '.join(unknown)}")
    merged: dict[str, Any] = {}
    for layer in (from_file, from_env, options):
        for name, value in layer.items():
            if name in _FIELDS:
                merged[name] = _coerce(name, value)
    settings = replace(Settings(), **merged)
    if settings.concurrency < 1:
        raise SettingsError("concurrency must be at least 1")
    if settings.ca_bundle is not None and not settings.ca_bundle.is_file():
        raise SettingsError(f"CA bundle not found: {settings.ca_bundle}")
    return settings
