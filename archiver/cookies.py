"""Login cookies for the HTTP side: a Playwright storage state read as a cookie jar.

The browser loads a platform's storage state (--storage-state) itself; the requests we make
without it (data endpoints, media, re-checks, yt-dlp) get the same cookies from here, so that
a logged-in session reaches every request for that platform. Each cookie keeps its domain and
path, so the jar sends it only where the browser would. Cookie values are secrets: nothing here
logs them, and the archive never stores them (no request headers of ours are kept).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from http.cookiejar import Cookie, CookieJar
from pathlib import Path
from typing import Any

from archiver.settings import Settings, parse_storage_states


def read_cookies(path: Path) -> Iterator[Cookie]:
    """The cookies of one storage-state file (settings checked its shape when they were built)."""
    data = json.loads(path.read_bytes())
    for item in data.get("cookies", []) if isinstance(data, dict) else []:
        cookie = _cookie(item)
        if cookie is not None:
            yield cookie


def _cookie(item: Any) -> Cookie | None:
    if not isinstance(item, dict) or not item.get("name") or not item.get("domain"):
        return None
    domain = str(item["domain"])
    expires = item.get("expires")
    # Playwright writes -1 for a session cookie.
    expires = int(expires) if isinstance(expires, (int, float)) and expires > 0 else None
    return Cookie(
        version=0,
        name=str(item["name"]),
        value=str(item.get("value", "")),
        port=None,
        port_specified=False,
        domain=domain,
        domain_specified=domain.startswith("."),
        domain_initial_dot=domain.startswith("."),
        path=str(item.get("path") or "/"),
        path_specified=True,
        secure=bool(item.get("secure", False)),
        expires=expires,
        discard=expires is None,
        comment=None,
        comment_url=None,
        rest={"HttpOnly": ""} if item.get("httpOnly") else {},
    )


def storage_state_files(settings: Settings) -> list[Path]:
    """Every storage-state file the settings name (each platform's and the default), once."""
    seen: list[Path] = []
    for path in parse_storage_states(settings.storage_state).values():
        if path not in seen:
            seen.append(path)
    return seen


def fill_jar(jar: CookieJar, cookies: Iterable[Cookie]) -> CookieJar:
    for cookie in cookies:
        jar.set_cookie(cookie)
    return jar


def cookie_jar(settings: Settings, platform: str | None = None) -> CookieJar:
    """The cookies for HTTP requests: with `platform`, that platform's storage state (or the
    default one); without, every storage state the settings name. Empty without any."""
    jar = CookieJar()
    if platform is not None:
        path = settings.storage_state_for(platform)
        return fill_jar(jar, read_cookies(path)) if path is not None else jar
    for path in storage_state_files(settings):
        fill_jar(jar, read_cookies(path))
    return jar
