"""Find the posts an article embeds: find_embeds(body) -> [Embed], deduplicated, in page order.

HTML is parsed once with lxml and scanned by archiver.discovery.markup, which runs every
registered platform's declarations (and detectors) over the page and its hidden places; plain
text (a flattened article) is scanned for flattened posts (the platforms' text forms) and post
URLs.

Page data (JSON in a script) also holds other articles' posts. An HTML string in it counts
when the object around it names this page (its canonical URL or slug), never when it names
another article, and, when it names none, only if the page itself shows no embed.
"""

from __future__ import annotations

import bisect
import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from urllib.parse import urlsplit

from lxml import etree

from archiver import decode
from archiver import platforms as registry
from archiver.discovery import textform
from archiver.discovery.document import Document, clean_url, parse
from archiver.discovery.index import Index, build
from archiver.discovery.markup import Findings, scan
from archiver.models import Embed
from archiver.platforms.base import Platform, TextForm

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 20 * 1024 * 1024  # Settings.max_article_bytes
# When one post is found several ways, the strongest evidence names the item.
_SOURCE_RANK = {"blockquote": 0, "iframe": 1, "widget": 2, "text": 3, "link": 4}


def find_embeds(
    body: bytes | str,
    base_url: str | None = None,
    *,
    links: bool = False,
    content_type: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    platforms: Sequence[Platform] | None = None,
) -> list[Embed]:
    """Every post `body` embeds (and, with links=True, merely links), in order of appearance.

    `body` is HTML or plain text (decided by content), bytes in any declared or legacy
    encoding, read up to `max_bytes`. Relative URLs resolve against `base_url`, else the page's
    canonical/og:url. Raises InputError only when nothing can be read (empty, binary, a
    content type that is no article); garbage markup gives what can be found, often [].
    """
    text = decode.to_text(body, content_type, max_bytes)
    index = build(tuple(platforms) if platforms is not None else registry.PLATFORMS)
    root = parse(text) if decode.looks_like_html(text) else None
    if root is None:
        log.debug("no HTML tree in the input: reading it as text")
        found = _scan_text(text, index, links)
    else:
        own = page_urls(root)
        if base_url and _has_path(base_url):  # the URL it was fetched from names it too
            own = (*own, base_url)
        doc = Document(root=root, index=index, base_url=base_url or next(iter(own), None), page_urls=own)
        found = scan(doc, links)
    embeds = merge(found.embeds)
    if not embeds:  # a page that shows nothing itself: what its data carries is the article's
        embeds = merge(found.data)
    return merge([*embeds, *found.links], keep_links=links)


def page_urls(root: etree._Element) -> tuple[str, ...]:
    """The page's own URLs as it declares them: canonical link, og:url, <base href>."""
    urls: list[str] = []
    for xpath in (
        "//link[@rel='canonical']/@href",
        "//meta[@property='og:url']/@content",
        "//base/@href",
    ):
        values = root.xpath(xpath)
        for value in values if isinstance(values, list) else ():
            url = str(value).strip()
            if url.lower().startswith(("http://", "https://")) and url not in urls:
                urls.append(url)
    return tuple(urls)


def merge(embeds: Iterable[Embed], keep_links: bool = True) -> list[Embed]:
    """One item per post, in order of first appearance, with every position it was found at.

    A post found as an embed and also as a link is an embed; fields one finding lacks are
    taken from another (a blockquote's author, an iframe's id). A post known only by its media
    short link is the post whose embed carries that link, when one does.
    """
    embeds = list(embeds)
    by_media = {(e.platform, link): e.key for e in embeds if e.post_id for link in e.media_links}
    merged: dict[tuple[str, str], Embed] = {}
    first_seen: dict[tuple[str, str], int] = {}
    spots: dict[tuple[str, str], set[int]] = {}  # positions, kept apart: rebuilt once, at the end
    for n, embed in enumerate(embeds):
        if embed.source == "link" and not keep_links:
            continue
        key = by_media.get((embed.platform, embed.url), embed.key) if embed.post_id is None else embed.key
        have = merged.get(key)
        if have is None or (have.source == "link" and embed.source != "link"):
            merged[key] = embed
            first_seen[key] = n
            spots[key] = set(embed.positions)
            continue
        if embed.source == "link" and have.source != "link":
            continue  # a link to a post the article embeds anyway
        best, other = (
            (embed, have)
            if (embed.post_id is None, _rank(embed)) < (have.post_id is None, _rank(have))
            else (have, embed)
        )
        merged[key] = _fill(best, other)
        spots[key].update(embed.positions)
    ordered = sorted(merged, key=lambda key: (min(spots[key], default=0), first_seen[key]))
    return [_with_positions(merged[key], tuple(sorted(spots[key]))) for key in ordered]


def _with_positions(embed: Embed, positions: tuple[int, ...]) -> Embed:
    return embed if embed.positions == positions else replace(embed, positions=positions)


def _rank(embed: Embed) -> int:
    return _SOURCE_RANK.get(embed.source, len(_SOURCE_RANK))


def _fill(have: Embed, other: Embed) -> Embed:
    updates = {
        name: getattr(other, name)
        for name in ("author_name", "author_handle", "date_text", "text")
        if getattr(have, name) is None and getattr(other, name) is not None
    }
    if not have.media_links and other.media_links:
        updates["media_links"] = other.media_links
    if have.where != "dom" and other.where == "dom":
        updates["where"] = "dom"
    return replace(have, **updates) if updates else have


def _has_path(url: str) -> bool:
    try:
        return bool(urlsplit(url).path.strip("/"))
    except ValueError:
        return False


def _scan_text(text: str, index: Index, links: bool) -> Findings:
    """Plain text: flattened posts (of the platforms that declare a text form), and post URLs
    standing in the text as links."""
    found = Findings()
    spans: list[tuple[int, int]] = []  # of the flattened posts found
    for platform in index.platforms:
        if platform.text_form is not None:
            found.embeds.extend(_flattened_posts(text, platform, platform.text_form, spans))
    if links:
        found.links.extend(_text_links(text, index, sorted(spans)))
    return found


def _flattened_posts(
    text: str, platform: Platform, form: TextForm, spans: list[tuple[int, int]]
) -> list[Embed]:
    """Each flattened post of `form` that names its post, by a status URL in its signature or
    after it (before the next one's), else by its media link; the span of each goes in `spans`."""
    found = []
    lines = _Lines(text)
    flats = textform.find_flattened(text, form)
    for n, flat in enumerate(flats):
        limit = min(flat.end + 200, flats[n + 1].signature if n + 1 < len(flats) else len(text))
        urls = (m for pattern in platform.url_res for m in pattern.finditer(text, flat.signature, limit))
        first = min((m for m in urls if platform.match(m.group(0))), key=lambda m: m.start(), default=None)
        if first is None and not flat.media_links:
            continue
        spans.append((flat.start, flat.end))
        post_id = platform.match(first.group(0)) if first else None
        embed = Embed(
            platform=platform.name,
            post_id=post_id,
            url=clean_url(platform, first.group(0), post_id) if first else flat.media_links[-1],
            source="text",
            where="text",
            author_name=flat.byline.name,
            author_handle=flat.byline.handle,
            date_text=flat.byline.date,
            text=flat.text or None,
            media_links=flat.media_links,
            raw=text[flat.start : flat.end],
            positions=(lines.at(flat.start),),
        )
        found.append(embed)
    return found


def _text_links(text: str, index: Index, spans: list[tuple[int, int]]) -> Iterator[Embed]:
    """Post URLs in plain text, but those inside a flattened post (`spans`, in order)."""
    starts = [start for start, _end in spans]
    lines = _Lines(text)
    for m in index.any_post_url.finditer(text):
        at = bisect.bisect_right(starts, m.start()) - 1
        if at >= 0 and m.start() < spans[at][1]:
            continue
        match = index.match_url(m.group(0))
        if match is None:
            continue
        platform, post_id = match
        url = m.group(0) if m.group(0).startswith("http") else "https:" + m.group(0)
        yield Embed(
            platform=platform.name,
            post_id=post_id,
            url=clean_url(platform, url, post_id),
            source="link",
            where="text",
            raw=m.group(0),
            positions=(lines.at(m.start()),),
        )


class _Lines:
    """Line numbers of offsets into one text, counted once when the offsets come in order
    (counting from the start for each would take time quadratic in the text's size)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.offset = 0
        self.line = 1

    def at(self, offset: int) -> int:
        if offset < self.offset:
            self.offset, self.line = 0, 1
        self.line += self.text.count("\n", self.offset, offset)
        self.offset = offset
        return self.line
