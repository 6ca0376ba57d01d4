"""What a loaded embed view says about its post: a gone state its platform declares, or the
post's content as a fingerprint.

    state = await view_state(page, platform, timeout=5)        # ViewState("deleted", ...) or None
    digest = await post_fingerprint(page, platform.render_selector, timeout=5)

`view_state` looks for each of the platform's `view_states` (see ViewState in platforms/base.py)
in one round trip: the visible elements its selector finds ("body": the whole page), and, when
the state has a `text` regex, whether it is found (ignoring case) in their rendered text. The
first state that matches is the platform's word on the post. `wait` keeps looking a while for a
state a script draws late. Every look is capped in time, and a page that navigated, closed or
crashed meanwhile, an invalid selector or regex, is no match: these never raise.

`post_fingerprint` is the SHA-256 of the rendered post's text, normalized so that two loads of
an unchanged post give the same one (see `fingerprint`). It is what a re-check through the
browser compares, and a capture without data keeps it as its content hash.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import time
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from playwright.async_api import Error as PlaywrightError

if TYPE_CHECKING:
    from playwright.async_api import Page

    from archiver.platforms.base import Platform, ViewState

log = logging.getLogger(__name__)

POLL = 0.25  # seconds between two looks while waiting for a state
_TEXT_LIMIT = 20_000  # characters of an element's text looked at
_ELEMENTS = 5  # elements per selector looked at

# For each [selector, ...]: the rendered text of the first few visible elements it finds, or
# null when the selector does not parse here.
_READ_STATES = """({selectors, limit, elements}) => selectors.map((selector) => {
  let found;
  try {
    found = selector === "body" ? [document.body] : [...document.querySelectorAll(selector)];
  } catch (e) { return null; }
  const texts = [];
  for (const el of found) {
    if (!el || (el.checkVisibility && !el.checkVisibility())) continue;
    texts.push((el.innerText || el.textContent || "").slice(0, limit));
    if (texts.length >= elements) break;
  }
  return texts;
})"""

# The visible text of the post element, piece by piece (each text node), leaving out what
# changes from one load to the next without the post changing: times, buttons (like, follow,
# play), media players, and anything hidden. null when the element is not there.
_READ_TEXT = """(selector) => {
  let root;
  try { root = document.querySelector(selector); } catch (e) { return null; }
  if (!root) return null;
  const skip = "time, [datetime], abbr[title], button, [role=button], script, style, noscript, "
    + "template, svg, video, audio, iframe, input, select, textarea";
  const pieces = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest(skip)) continue;
    if (parent.checkVisibility && !parent.checkVisibility()) continue;
    if (node.nodeValue.trim()) pieces.push(node.nodeValue);
    if (pieces.length >= 2000) break;
  }
  return pieces;
}"""

# A short piece (a count, an age, a "View all 12 comments") has its numbers masked: they change
# on every look. In a longer one (the post's own text) numbers are kept: an edited figure is
# an edit worth a new capture.
SHORT_PIECE = 8  # words
_NUMBER = re.compile(r"\d[\d.,'\u00a0\u202f]*(?:\s?[^\W\d_]{1,3}\b)?")


@dataclass(frozen=True)
class ViewCheck:
    """What one look at a post's embed view told (Capturer.check_view): the platform's own word
    that it is gone (`state`), else whether the post rendered and its fingerprint; `error` when
    the view did not load (or not in time)."""

    state: ViewState | None = None
    rendered: bool = False
    fingerprint: str | None = None
    error: str | None = None
    http_status: int | None = None

    @property
    def status(self) -> str:
        """The post's status as the view tells it: a gone state's, "live" when the post
        rendered, else "unknown" (nothing the platform said)."""
        if self.state is not None:
            return self.state.status
        return "live" if self.rendered and self.error is None else "unknown"

    @property
    def detail(self) -> str | None:
        """One line for the check's history."""
        if self.state is not None:
            return f"embed view: {self.state.reason or self.state.selector}"
        if self.error is not None:
            return self.error
        if not self.rendered:
            return "embed view: neither the post nor a gone state its platform declares appeared"
        return None


async def view_state(
    page: Page, platform: Platform, *, timeout: float, wait: float = 0.0
) -> ViewState | None:
    """The first of the platform's view_states the page shows, or None. Looks once, then again
    every POLL seconds for up to `wait` seconds; each look takes at most `timeout` seconds."""
    states = platform.view_states
    if not states:
        return None
    until = time.monotonic() + wait
    while True:
        found = await _look(page, states, timeout)
        if found is not None or time.monotonic() + POLL > until:
            return found
        await asyncio.sleep(POLL)


async def _look(page: Page, states: Sequence[ViewState], timeout: float) -> ViewState | None:
    asked = {"selectors": [state.selector for state in states], "limit": _TEXT_LIMIT, "elements": _ELEMENTS}
    try:
        texts = await asyncio.wait_for(page.evaluate(_READ_STATES, asked), timeout)
    except (PlaywrightError, asyncio.TimeoutError):  # the page went away or hangs: no word from it
        return None
    if not isinstance(texts, list) or len(texts) != len(states):
        return None
    for state, found in zip(states, texts, strict=True):
        if found and _says(state, found):
            return state
    return None


def _says(state: ViewState, texts: list[Any]) -> bool:
    if state.text is None:
        return True
    try:
        pattern = re.compile(state.text, re.IGNORECASE)
    except re.error:
        log.warning("view state %s: its text is no regex: %r", state.status, state.text)
        return False
    return any(isinstance(text, str) and pattern.search(text) for text in texts)


async def post_fingerprint(page: Page, selector: str | None, *, timeout: float) -> str | None:
    """The fingerprint of the post element `selector` finds; None when it is not there (or the
    page would not say in `timeout` seconds)."""
    if selector is None:
        return None
    try:
        pieces = await asyncio.wait_for(page.evaluate(_READ_TEXT, selector), timeout)
    except (PlaywrightError, asyncio.TimeoutError):
        return None
    if not isinstance(pieces, list):
        return None
    return fingerprint(piece for piece in pieces if isinstance(piece, str))


def normalized(pieces: Iterable[str]) -> list[str]:
    """The post's text pieces as the fingerprint reads them: Unicode-normalized (NFKC), spaces
    collapsed, empty ones dropped, the numbers of short pieces masked as "#"."""
    lines = []
    for piece in pieces:
        text = " ".join(unicodedata.normalize("NFKC", piece).split())
        if not text:
            continue
        if len(text.split()) <= SHORT_PIECE:
            text = _NUMBER.sub("#", text)
        lines.append(text)
    return lines


def fingerprint(pieces: Iterable[str]) -> str:
    """SHA-256 (hex) of the normalized pieces, one a line: equal for two loads of an unchanged
    post (times, counts, buttons, hidden text left out), different when its text changed."""
    return hashlib.sha256("\n".join(normalized(pieces)).encode()).hexdigest()
