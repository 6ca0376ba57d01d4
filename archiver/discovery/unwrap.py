"""Post URLs carried inside other URLs.

oEmbed proxies (graph.facebook.com/.../instagram_oembed?url=...), consent services, embed
services and link shims carry the post's URL as a query parameter (?url=, ?u=, ?src=, ?href=,
any name), percent-encoded once or twice, or in base64 (standard or URL-safe, with or without
its padding), sometimes a URL inside a URL inside a URL. `inner_urls` unwraps them all,
whatever the parameter's name, bounded in depth, in how many texts it reads and in length, so
that junk costs little and never loops.
"""

from __future__ import annotations

import base64
import binascii
import html
import re
from collections.abc import Iterator
from urllib.parse import unquote

MAX_STEPS = 8  # decodings and parameters between the outer URL and the innermost one
MAX_TEXTS = 64  # texts read for one outer value, all depths together
MAX_CHARS = 8192  # a longer value is read only this far
_BASE64 = re.compile(r"[A-Za-z0-9+/_-]{16,}={0,2}")
_PRINTABLE = re.compile(r"[\x21-\x7e]+")


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]{1,15}://|//[^/]")


def looks_like_url(text: str) -> bool:
    """Does `text` start as a URL does (https://, at://, or scheme-relative //host)?"""
    return _SCHEME.match(text) is not None


def inner_urls(value: str) -> Iterator[str]:
    """The URLs nested in `value` (a URL, or an encoded one), outermost first, each once; `value`
    itself percent-decoded counts too (a post URL in the outer URL's path is then in plain
    sight for a search). Never raises."""
    seen: set[str] = set()
    queued = {value[:MAX_CHARS]}
    queue: list[tuple[str, int]] = [(value[:MAX_CHARS], 0)]
    texts = 0

    def push(text: str, steps: int) -> None:
        if steps <= MAX_STEPS and text not in queued:
            queued.add(text)
            queue.append((text, steps))

    while queue and texts < MAX_TEXTS:
        text, steps = queue.pop(0)
        texts += 1
        parsed = False
        for form in _forms(text):
            if looks_like_url(form):
                if form != value and form not in seen:
                    seen.add(form)
                    yield form
                if not parsed:  # the URL as written: its parameters are the next level
                    parsed = True
                    for inner in _parameters(form):
                        push(inner, steps + 1)
            else:
                decoded = _base64_text(form)
                if decoded is not None:
                    push(decoded, steps + 1)


def _forms(text: str) -> list[str]:
    """`text` and what percent-decoding it (up to MAX_STEPS times) and unescaping its entities give."""
    forms = [text.strip()]
    current = forms[0]
    if "&amp;" in current or "&#" in current:
        current = html.unescape(current)
        forms.append(current)
    for _ in range(MAX_STEPS):
        if "%" not in current:
            break
        decoded = unquote(current)
        if decoded == current:
            break
        forms.append(decoded)
        current = decoded
    return forms


def _parameters(url: str) -> Iterator[str]:
    """The values of the query and fragment parameters of `url`, as written (not decoded)."""
    at = url.find("?")
    hash_at = url.find("#")
    starts = [i for i in (at, hash_at) if i >= 0]
    if not starts:
        return
    for part in re.split(r"[&#?]|&amp;", url[min(starts) + 1 :]):
        name, sep, item = part.partition("=")
        if sep and item and len(name) <= 40:
            yield item


def _base64_text(text: str) -> str | None:
    """The printable text a base64 value (either alphabet, padded or not) decodes to, if any."""
    if not _BASE64.fullmatch(text):
        return None
    body = text.rstrip("=")
    padded = body + "=" * (-len(body) % 4)
    try:
        if "-" in body or "_" in body:
            data = base64.urlsafe_b64decode(padded)
        else:
            data = base64.b64decode(padded, validate=True)
        decoded = data.decode("ascii")
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None
    return decoded if _PRINTABLE.fullmatch(decoded) else None
