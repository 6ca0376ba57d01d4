"""Reading elements and building Embeds from them: what every discovery rule shares."""

from __future__ import annotations

import itertools
import re
from typing import Any

from lxml import etree

from archiver.discovery import textform
from archiver.discovery.document import Document
from archiver.discovery.index import FRAME_TAGS
from archiver.models import Embed
from archiver.platforms.base import Platform

TEXT_LIMIT = 50_000  # characters of an element's text read


def make_embed(
    doc: Document,
    platform: Platform,
    post_id: str | None,
    element: Any,
    url: str | None,
    source: str | None = None,
) -> Embed:
    """The Embed `element` is, with what it carries: byline, text, media short links.

    The source follows from the element (iframe, blockquote, else widget) unless given; a URL
    that is not the platform's post URL gives way to the canonical one.
    """
    tag = element.tag
    if source is None:
        source = "iframe" if tag in FRAME_TAGS else "blockquote" if tag == "blockquote" else "widget"
    fields: dict[str, Any] = {}
    if tag not in FRAME_TAGS:
        text = text_of(element)
        line = textform.byline(text, doc.index.text_forms)
        if line is not None:
            fields.update(author_name=line.name, author_handle=line.handle, date_text=line.date)
        paragraph = next(element.iter("p"), None)
        body = text_of(paragraph) if paragraph is not None else ""
        if body.strip():
            fields["text"] = " ".join(body.split())
        hrefs = " ".join(a.get("href") or "" for a in element.iter("a"))
        fields["media_links"] = textform.media_links(f"{body} {hrefs}", doc.index.text_forms)
    if url and not platform.match(url) and post_id is not None:
        url = None
    return doc.embed(platform, post_id, source, element, url=url, **fields)


def text_of(element: Any, skip: set[Any] | None = None) -> str:
    """An element's text, capped, leaving out the subtrees in `skip` (embeds already found)."""
    if not skip:
        try:
            return str(element.text_content())[:TEXT_LIMIT]
        except ValueError:
            return ""
    parts: list[str] = []
    size = 0
    walker = etree.iterwalk(element, events=("start", "end"))
    for event, node in walker:
        if event == "start":
            if node in skip and node is not element:
                walker.skip_subtree()
                continue
            text = node.text if isinstance(node.tag, str) else None
        else:
            text = node.tail if node is not element else None
        if text:
            parts.append(text)
            size += len(text)
            if size > TEXT_LIMIT:
                break
    return "".join(parts)[:TEXT_LIMIT]


def inside(element: Any, claimed: set[Any]) -> bool:
    """Is the element inside one of the `claimed` elements (an embed found already)?"""
    return any(ancestor in claimed for ancestor in element.iterancestors())


# A reader's comment and the comments section around it (WordPress's, IndieWeb's webmentions).
_COMMENT_CLASSES = frozenset(
    {"comment", "comments", "p-comment", "u-comment", "comment-list", "commentlist", "comment-body"}
    | {"comment-content", "comments-area"}
)
_COMMENT_ID = re.compile(r"comments?(?:-?\d+)?$", re.IGNORECASE)


def in_comments(element: Any) -> bool:
    """Is the element in a reader's comment (a post a reader pasted is not the article's)?"""
    for node in (element, *element.iterancestors()):
        if node.tag in ("body", "html"):
            break  # a page's own class ("comment" on an opinion section's pages) names no comment
        if _COMMENT_ID.match(node.get("id") or "") or not _COMMENT_CLASSES.isdisjoint(
            (node.get("class") or "").lower().split()
        ):
            return True
    return False


def names_platform(element: Any, platform: Platform, parents: int = 2) -> bool:
    """Do the classes/ids of the element or its parents name the platform ("js-tweet")?"""
    words = {platform.name}
    words.update(w for c in platform.embed_classes for w in re.split(r"[-_]", c) if len(w) >= 4)
    for node in (element, *itertools.islice(element.iterancestors(), parents)):
        names = f"{node.get('class') or ''} {node.get('id') or ''}".lower()
        if any(word in names for word in words):
            return True
    return False
