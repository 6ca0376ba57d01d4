"""The flattened-text form of an embed: what is left when a post's embed markup becomes text.

A tweet's blockquote, stripped of its class (or copied as text), reads

    Ukraine has captured ... pic.twitter.com/ukSCQjXCXD — OSINT Aggregator (@AggregateOsint) August 7, 2024

that is: the post's text, its media links, then "— Name (@handle) date". A platform whose embeds
flatten so declares the shape of its signature and media links (its `TextForm`, see
platforms/base.py); this module reads any such form, and the remnant byline of any embed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from archiver.platforms.base import DATE_LINE, YEAR_TEXT, TextForm

YEAR = re.compile(YEAR_TEXT)  # a date line ends with its year (or is a CJK date)
# A remnant byline of any platform's embed: "Name (@handle)", "A post shared by Name (@handle) on ...".
_BYLINE = re.compile(
    r"(?P<name>[^\n\r—–()@]{0,80}?)[ \t\u00a0]*\(@(?P<handle>[A-Za-z0-9_.]{1,30})\)"
    r"(?:[ \t\u00a0]*(?:[a-z]{1,3}\.?\s+)?" + DATE_LINE + r")?"
)
# The byline closes an embed's text; looking for it in all of a long text costs 80 steps a
# character (a name may be 80 long), 50 ms for the 50,000 characters an element's text can be.
BYLINE_REACH = 2000
# "A post shared by", "Ein Beitrag geteilt von", "Une publication partagée par"...
_SHARED_BY = re.compile(r"^(?:\S+\s+){2,}?(?:by|von|par|por|de|da|di|door|av|przez|od)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Byline:
    name: str | None
    handle: str
    date: str | None


@dataclass(frozen=True)
class Flattened:
    """One flattened post found in text, with offsets into that text."""

    byline: Byline
    text: str
    media_links: tuple[str, ...]
    start: int  # where the post's text starts
    signature: int  # where "— Name (@handle) date" starts
    end: int  # where the date line ends


def _name(raw: str | None, shared_by: bool = False) -> str | None:
    if not raw:
        return None
    name = " ".join(raw.split()).strip(" -—–,:")
    if shared_by:  # no dash before it: "A post shared by X (@x)", keep what follows "by"
        name = _SHARED_BY.sub("", name, count=1).strip()
    return name or None


def _date(raw: str | None) -> str | None:
    return " ".join(raw.split()) if raw else None


def signed(m: re.Match[str]) -> Byline:
    """The byline a signature match (of a TextForm's `signature`) gives."""
    return Byline(_name(m.group("name")), m.group("handle"), _date(m.group("date")))


def byline(text: str, forms: Iterable[TextForm]) -> Byline | None:
    """The last byline in an embed's remnant text (its last BYLINE_REACH characters, where an
    embed writes it), if it has one: a signature of one of `forms`, else "Name (@handle) date"."""
    if "(@" not in text:
        return None
    text = text[-BYLINE_REACH:]
    for form in forms:
        signature = None
        for m in form.signature.finditer(text):
            signature = m
        if signature is not None:
            return signed(signature)
    found = None
    for m in _BYLINE.finditer(text):
        found = m
    if found is None:
        return None
    return Byline(
        _name(found.group("name"), shared_by=True), found.group("handle"), _date(found.group("date"))
    )


def media_links(text: str, forms: Iterable[TextForm]) -> tuple[str, ...]:
    """The media links of `forms` in `text` (pic.twitter.com, t.co), in order, without repeats,
    as https URLs."""
    links: list[str] = []
    for form in forms:
        for m in form.media_link.finditer(text):
            url = m.group(0)
            url = url if url.startswith("http") else "https://" + url
            url = "https://" + url.split("://", 1)[1]
            if url not in links:
                links.append(url)
    return tuple(links)


def find_flattened(text: str, form: TextForm) -> list[Flattened]:
    """Every post of `form` in plain text: its text runs back to the paragraph's start, or to
    the line after the previous post's signature (the rest of that line, a status URL, is its)."""
    found: list[Flattened] = []
    previous_end = 0
    for m in form.signature.finditer(text):
        para = max(text.rfind(gap, previous_end, m.start()) for gap in ("\n\n", "\r\n\r\n"))
        line = text.find("\n", previous_end, m.start()) if previous_end else -1
        start = para if para >= 0 else line if line >= 0 else previous_end
        body = text[start : m.start()].strip()
        found.append(
            Flattened(
                byline=signed(m),
                text=body,
                media_links=media_links(body, (form,)),
                start=start + (len(text[start : m.start()]) - len(text[start : m.start()].lstrip())),
                signature=m.start(),
                end=m.end(),
            )
        )
        previous_end = m.end()
    return found
