"""Placeholders: elements that stand for an embedded post without a platform's embed class.

- an attribute named like *embed*, *permalink* or url holding a post URL (data-embed-url);
- a lazy loader keeping an embed's iframe URL in a src-like attribute (data-src on a div);
- a platform named beside an id on the same element (data-embed-type="instagram" with
  data-embed-id, class="youtube-atom" with data-asset-id, data-youtube-id: see named.py);
- a small JSON object in an attribute with one post URL (or one URL wrapping a post URL), or
  one post named by id beside its platform (Substack's data-attrs, a component's props);
- an "embed" container whose only text (its caption aside) is a post URL (WordPress's
  wp-block-embed__wrapper, or its figure);
- a box or a link that stands for an embed without its code (boxes.py: consent and embed-block
  boxes, a tweet its publisher renders, facade links, noscript fallbacks, component links).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from archiver.discovery import boxes, named
from archiver.discovery.document import Document
from archiver.discovery.elements import make_embed, text_of
from archiver.discovery.index import FRAME_TAGS
from archiver.models import Embed
from archiver.platforms.base import Platform

# Elements that are never a placeholder for an embedded post (links, buttons, media, forms).
_NOT_PLACEHOLDERS = frozenset(
    ("link", "meta", "area", "base", "img", "source", "input", "button", "form", "option", "script", "style")
)
_READ_ELSEWHERE = frozenset({"a", *FRAME_TAGS})  # links and frames: their URLs are read by other rules
_FRAME_SRC = re.compile(r"""<(?:iframe|embed)\b[^>]*?\ssrc=["']([^"']+)""", re.IGNORECASE)
_TYPE_WORDS = ("type", "provider", "platform", "service", "network", "embed", "source")


def placeholder(doc: Document, element: Any) -> Embed | None:
    """The embed `element` stands for, when it is one of the placeholders above."""
    tag = element.tag
    if tag in _NOT_PLACEHOLDERS:
        return None
    classes = (element.get("class") or "").lower()
    items = element.items()
    if tag == "a":  # a link is a placeholder only when it says so (embedly-card, data-iframely-url)
        names = " ".join(name for name, _ in items)  # (one test of them all: pages hold many links)
        says = "embed" in classes or "embed" in names or "iframely" in names
        if not says and not boxes.link_stands_for_embed(doc, element, items, names, classes):
            return None
        if next(element.iterancestors("blockquote"), None) is not None:
            return None  # the blockquote around it is the embed (found after the walk)
        items = [("href", element.get("href") or ""), *items]
    for name, value in items:
        if value.lstrip()[:2] not in ("ht", "//", "aH"):  # a URL, or one in base64
            continue
        if _url_name(name):
            match = doc.index.match_url(doc.absolute(value))
            if match is not None:
                return make_embed(doc, match[0], match[1], element, value, source="widget")
        lazy = "src" in name.lower() or "iframe" in name.lower() or _url_name(name)  # a lazy loader's
        if lazy or name.startswith("data-"):  # or a click-to-play facade's (data-video="...embed/ID")
            frame = doc.index.match_frame(doc.absolute(value)) or (
                doc.index.find_nested(value) if lazy else None
            )
            if frame is not None:
                return make_embed(doc, frame[0], frame[1], element, frame[2], source="iframe")
        if lazy:
            # the post's own URL where a lazy loader keeps its embed's (a frame's own URL is read
            # by _frame and the platforms' detectors only)
            match = doc.index.match_url(doc.absolute(value)) if tag not in _READ_ELSEWHERE else None
            if match is not None:
                return make_embed(doc, match[0], match[1], element, value, source="widget")
    embed = (
        _typed(doc, element, items)
        or _json_attributes(doc, element, items)
        or boxes.box(doc, element)
        or boxes.facade(doc, element)
    )
    if embed is None and "embed" in classes and len(element) <= 3:
        captions = {child for child in element if child.tag == "figcaption"}  # a caption is no URL
        text = text_of(element, captions).strip()
        if text and len(text) < 500 and not any(c.isspace() for c in text):
            match = doc.index.match_url(text)
            if match is not None:
                return make_embed(doc, match[0], match[1], element, text, source="widget")
    return embed


def _url_name(name: str) -> bool:
    name = name.lower()
    return "embed" in name or "permalink" in name or name in ("url", "data-url", "href", "data-iframely-url")


def _typed(doc: Document, element: Any, items: list[tuple[str, str]]) -> Embed | None:
    """<div data-embed-type="instagram" data-embed-id="CI4vzvdnMGG">: a platform named, then an id
    (or a post URL) of its shape; any other platform named beside an id (named.py)."""
    for name, value in items:
        platform = doc.index.by_name.get(value.strip().lower())
        if platform is None or not any(word in name.lower() for word in _TYPE_WORDS):
            continue
        for other, candidate in items:
            if other != name and _url_name(other) and "/" in candidate:
                post_id = platform.post_id(candidate)
                if post_id:
                    return make_embed(doc, platform, post_id, element, candidate, "widget")
    # (a frame is what its URL shows: _frame and the platforms' detectors read it)
    found = named.at_element(doc.index, str(element.tag), items) if element.tag not in FRAME_TAGS else None
    if found is not None:
        return make_embed(doc, found[0], found[1], element, found[2], "widget")
    return None


def _json_attributes(doc: Document, element: Any, items: list[tuple[str, str]]) -> Embed | None:
    """<div class="tweet" data-attrs='{"url": "https://twitter.com/a/status/1", ...}'> and the like:
    one post URL among the values, or an id when the element names one platform."""
    for _name, value in items:
        if not value.startswith("{") or len(value) > 20_000:
            continue
        try:
            data = json.loads(value)
        except ValueError:
            continue
        strings = list(_json_values(data))
        posts: dict[tuple[str, str], tuple[Platform, str, str | None]] = {}
        for _key, text in strings:
            if "<" in text:  # HTML: the players its frames show (a link in it is only a link)
                for src in _FRAME_SRC.findall(text):
                    frame = doc.index.match_frame(doc.absolute(src))
                    if frame is not None:
                        posts[(frame[0].name, frame[1])] = frame
                continue
            if len(text.strip().split()) != 1:
                continue  # a sentence, not a URL
            match = doc.index.find_post(text) if "/" in text or text[:3] == "aHR" else None
            if match is not None:
                posts[(match[0].name, match[1])] = match
        around = named.stated_on(doc.index, str(element.tag), items)
        for obj in named.walk_objects(data, limit=200):
            for found in named.in_object(doc.index, obj, around):
                posts.setdefault((found[0].name, found[1]), found)
        if len(posts) > 1:
            continue  # a feed or a list of posts, not one embed
        for platform, post_id, url in posts.values():
            return make_embed(doc, platform, post_id, element, url, source="widget")
    return None


def _json_values(data: Any, limit: int = 200) -> Iterator[tuple[str, str]]:
    """(key, string value) pairs of a small JSON object, two levels deep."""
    stack: list[tuple[Any, int]] = [(data, 0)]
    seen = 0
    while stack and seen < limit:
        value, depth = stack.pop()
        if isinstance(value, dict) and depth <= 2:
            for key, item in value.items():
                if isinstance(item, str):
                    seen += 1
                    yield str(key), item
                else:
                    stack.append((item, depth + 1))
        elif isinstance(value, list) and depth <= 2:
            stack.extend((item, depth + 1) for item in value)
