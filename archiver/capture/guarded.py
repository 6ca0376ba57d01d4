"""What the network guard refused while one browser context loaded (Refusals), and how it is
told: through the relay (relay_refused, on a request that failed) or, behind a proxy of the
user's, by a route handler on the context (guard_route).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from playwright.async_api import Error as PlaywrightError

from archiver.capture.relay import Relay
from archiver.errors import Refused
from archiver.guard import Guard

if TYPE_CHECKING:
    from playwright.async_api import Request, Route

log = logging.getLogger(__name__)


@dataclass
class Refusals:
    """What the guard refused while one browser context loaded: each (reason, was it the
    page's own navigation), once."""

    found: list[tuple[str, bool]] = field(default_factory=list)

    def add(self, reason: str, navigation: bool) -> None:
        if (reason, navigation) not in self.found:
            self.found.append((reason, navigation))

    @property
    def navigation(self) -> str | None:
        return next((reason for reason, navigation in self.found if navigation), None)

    @property
    def subresources(self) -> list[str]:
        return [reason for reason, navigation in self.found if not navigation]


async def guard_route(
    guard: Guard, refusals: Refusals, verdicts: dict[str, Refused | None], route: Route
) -> None:
    """Each request a context makes through a proxy of the user's: its host checked, as a
    literal and, when the local resolver knows the name, by what it resolves to (kept per
    host for the context's short life). Redirect hops never come here (Playwright continues
    them itself): behind a proxy the guard sees first requests only."""
    request = route.request
    refused: Refused | None = None
    try:
        parts = urlsplit(request.url)
        host, port = parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        host, port = "", 0
    if host and parts.scheme in ("http", "https"):
        key = f"{host}:{port}"
        if key not in verdicts:
            try:
                await asyncio.to_thread(guard.check_resolved, host, port, request.url)
                verdicts[key] = None
            except Refused as exc:
                verdicts[key] = exc
        refused = verdicts[key]
    try:
        if refused is None:
            await route.fallback()
            return
        refusals.add(str(Refused(request.url, refused.why, hint=refused.hint)), navigates(request))
        await route.abort("blockedbyclient")
    except PlaywrightError as exc:  # the page or context went away meanwhile
        log.debug("guard route %s: %s", request.url, exc)


def navigates(request: Request) -> bool:
    """Whether `request` is the page's own navigation (a redirect hop of it included)."""
    try:
        return request.is_navigation_request() and request.frame.parent_frame is None
    except PlaywrightError:  # a service worker's request has no frame
        return False


def relay_refused(relay: Relay, refusals: Refusals, request: Request) -> None:
    """A request that failed in a context: when the relay refused its host, the guard's reason."""
    try:
        refused = relay.refusal(urlsplit(request.url).hostname or "")
    except ValueError:
        return
    if refused is not None:
        refusals.add(str(Refused(request.url, refused.why, hint=refused.hint)), navigates(request))
