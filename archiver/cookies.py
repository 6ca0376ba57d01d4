"""Login cookies for the HTTP side: a Playwright storage state read as a cookie jar.

The browser loads a platform's storage state (--storage-state) itself; the requests we make
without it (data endpoints, media, re-checks, yt-dlp) get the same cookies from here, so that
a logged-in session reaches every request for that platform. Each cookie keeps its domain and
path, so the jar sends it only where the browser would. Cookie values are secrets: nothing here
logs them, and the archive never stores them (no request headers of ours are kept).

    cookie_jar(settings, "twitter")   # one platform's state (yt-dlp's, per post)
    client_jar(settings)              # every state, for an HTTP client serving every platform

An HTTP client serves all platforms, so its jar (client_jar) holds every state's cookies, each
under its own domain: x.com's login goes to x.com (and its subdomains) whichever post asked, and
to no other host. The jar never takes in what the servers set (LoginJar); the client's innermost
transport (credentials.py) adds its cookies to each request as it is sent.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from http.cookiejar import Cookie, CookieJar, DefaultCookiePolicy
from pathlib import Path
from typing import Any

from archiver.errors import SettingsError
from archiver.settings import Settings, parse_storage_states


class LoginJar(CookieJar):
    """A jar of login cookies: what the storage states hold, and nothing the servers set (the
    Set-Cookie of answers is not taken in). A host-only cookie (its domain without a leading
    dot, as Playwright writes one set without a Domain attribute) goes to that very host, not
    to its subdomains, as in a browser."""

    def __init__(self) -> None:
        super().__init__(DefaultCookiePolicy(strict_ns_domain=DefaultCookiePolicy.DomainStrictNonDomain))

    def extract_cookies(self, response: Any, request: Any) -> None:
        """Answers' cookies are not kept."""


def read_cookies(path: Path) -> Iterator[Cookie]:
    """The cookies of one storage-state file (settings checked its shape when they were built;
    a file changed since is a SettingsError that names it, never its content)."""
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not JSON"
        raise SettingsError(f"storage state {path} cannot be read: {why}") from None
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
    """Every storage-state file the settings name, once: the default one first, then each
    platform's (so that, filling a jar in this order, a platform's own cookie wins one that
    the default state holds too)."""
    states = parse_storage_states(settings.storage_state)
    seen: list[Path] = []
    for _, path in sorted(states.items(), key=lambda item: item[0] != ""):
        if path not in seen:
            seen.append(path)
    return seen


def fill_jar(jar: CookieJar, cookies: Iterable[Cookie]) -> CookieJar:
    """`jar` with `cookies` set in it (a later one replaces an earlier of the same domain, path
    and name)."""
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


def client_jar(settings: Settings) -> LoginJar:
    """The login cookies of an HTTP client that serves every platform: every storage state's,
    each under its own domain and path (see the module docstring)."""
    jar = LoginJar()
    for path in storage_state_files(settings):
        fill_jar(jar, read_cookies(path))
    return jar
