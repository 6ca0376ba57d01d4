"""The flattened-text form of an embed: what is left when a post's embed markup becomes text.

A tweet's blockquote, stripped of its class (or copied as text), reads

    Ukraine has captured ... pic.twitter.com/ukSCQjXCXD — OSINT Aggregator (@AggregateOsint) August 7, 2024

that is: the post's text, its media short links, then "— Name (@handle) date". The date line is in
the language the embed was made in ("25. September 2018", "16 мая 2018 г.", "2019年1月26日"),
so a date here is anything short that ends with a year, not a list of month names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_YEAR_TEXT = r"(?:\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|(?:19|20)\d{2}(?:\s*г\.?|\s*년)?)"
_DATE = r"(?P<date>[^\n\r—–()@]{0,40}?" + _YEAR_TEXT + r")"
YEAR = re.compile(_YEAR_TEXT)  # a date line ends with its year (or is a CJK date)
# The signature of a flattened tweet: a dash, the author's name, "(@handle)" and the date line.
SIGNATURE = re.compile(
    r"(?:[—–―]|(?<!\S)--?(?=\s))[ \t\u00a0]*(?P<name>[^\n\r—–()@]{1,80}?)[ \t\u00a0]*"
    r"\(@(?P<handle>[A-Za-z0-9_]{1,15})\)[ \t\u00a0]*" + _DATE
)
# A remnant byline of any platform's embed: "Name (@handle)", "A post shared by Name (@handle) on ...".
_BYLINE = re.compile(
    r"(?P<name>[^\n\r—–()@]{0,80}?)[ \t\u00a0]*\(@(?P<handle>[A-Za-z0-9_.]{1,30})\)"
    r"(?:[ \t\u00a0]*(?:[a-z]{1,3}\.?\s+)?" + _DATE + r")?"
)
# The byline closes an embed's text; looking for it in all of a long text costs 80 steps a
# character (a name may be 80 long), 50 ms for the 50,000 characters an element's text can be.
BYLINE_REACH = 2000
SHORT_LINK = re.compile(r"(?:https?://)?(?:pic\.(?:twitter|x)\.com|t\.co)/[A-Za-z0-9]{4,}")
# "A post shared by", "Ein Beitrag geteilt von", "Une publication partagée par"...
_SHARED_BY = re.compile(r"^(?:\S+\s+){2,}?(?:by|von|par|por|de|da|di|door|av|przez|od)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Byline:
    name: str | None
    handle: str
    date: str | None


@dataclass(frozen=True)
class Flattened:
    """One flattened tweet found in text, with offsets into that text."""

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


def byline(text: str) -> Byline | None:
    """The last "Name (@handle) date" in an embed's remnant text (its last BYLINE_REACH
    characters, where an embed writes it), if it has one."""
    if "(@" not in text:
        return None
    text = text[-BYLINE_REACH:]
    found = None
    for m in SIGNATURE.finditer(text):
        found = m
    shared_by = found is None
    if found is None:
        for m in _BYLINE.finditer(text):
            found = m
    if found is None:
        return None
    return Byline(_name(found.group("name"), shared_by), found.group("handle"), _date(found.group("date")))


def short_links(text: str) -> tuple[str, ...]:
    """Media short links (pic.twitter.com, t.co) in order, without repeats, as https URLs."""
    links: list[str] = []
    for m in SHORT_LINK.finditer(text):
        url = m.group(0)
        url = url if url.startswith("http") else "https://" + url
        url = "https://" + url.split("://", 1)[1]
        if url not in links:
            links.append(url)
    return tuple(links)


def find_flattened(text: str) -> list[Flattened]:
    """Every flattened tweet in plain text: its text runs back to the paragraph's start, or to
    the line after the previous tweet's signature (the rest of that line, a status URL, is its)."""
    found: list[Flattened] = []
    previous_end = 0
    for m in SIGNATURE.finditer(text):
        para = max(text.rfind(gap, previous_end, m.start()) for gap in ("\n\n", "\r\n\r\n"))
        line = text.find("\n", previous_end, m.start()) if previous_end else -1
        start = para if para >= 0 else line if line >= 0 else previous_end
        body = text[start : m.start()].strip()
        found.append(
            Flattened(
                byline=Byline(_name(m.group("name")), m.group("handle"), _date(m.group("date"))),
                text=body,
                media_links=short_links(body),
                start=start + (len(text[start : m.start()]) - len(text[start : m.start()].lstrip())),
                signature=m.start(),
                end=m.end(),
            )
        )
        previous_end = m.end()
    return found
