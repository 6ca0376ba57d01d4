"""Placeholders: elements that stand for an embedded post without a platform's embed class.

- an attribute named like *embed*, *permalink* or url holding a post URL (data-embed-url);
- a lazy loader keeping an embed's iframe URL in a src-like attribute (data-src on a div);
- a platform named beside an id on the same element (data-embed-type="instagram" with
  data-embed-id, class="youtube-atom" with data-asset-id, data-youtube-id: see named.py);
- a small JSON object in an attribute with one post URL (or one URL wrapping a post URL), or
  one post named by id beside its platform (Substack's data-attrs, a component's props);
- an "embed" container whose only text is a post URL (WordPress's wp-block-embed__wrapper).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from archiver.discovery import named
from archiver.discovery.document import Document
from archiver.discovery.elements import make_embed, text_of
from archiver.discovery.index import FRAME_TAGS
from archiver.models import Embed
from archiver.platforms.base import Platform

# Elements that are never a placeholder for an embedded post (links, buttons, media, forms).
_NOT_PLACEHOLDERS = frozenset(
    ("link", "meta", "area", "base", "img", "source", "input", "button", "form", "option", "script", "style")
)
# Class words of a consent tool's box standing for a blocked embed (Conde Nast's ConsentBanner,
# Borlabs' content-blocker, Complianz's cmplz-blocked-content, Embed Privacy's container...).
_CONSENT = re.compile(r"consent|cookie|privacy|gdpr|dsgvo|datenschutz|blocked|blocker|opt-?in", re.I)
_CONSENT_BOX_TEXT = 1500
_EMBED_BOX = re.compile(r"embed", re.I)
# Words that make a box named for a platform one post of it ("tweet-card", "youtube-video").
_POST_WORDS = re.compile(r"tweet|post|video|card|status|quote|reel|clip", re.I)
_NOT_BOXES = frozenset({"html", "body", "main", "article", "header", "footer", "nav", "aside", "form"})
_NOT_BOXES |= {"ul", "ol", "table", "p", "span"}
_BOX_PARAGRAPHS = 4  # a box says a few lines about the blocked embed; a story has more
_BOX_NAMES = ("class", "id", "data-testid", "data-component")  # attributes that say what a box is
_EMBED_MARKUP = ("iframe", "blockquote", "object", "embed", "amp-iframe", "script")
# Class words of a wrapper around a player or an embed, whose <noscript> says what it shows.
_WRAPPER = re.compile(r"embed|player|video|lazy|lyte|facade|consent|privacy", re.I)
_FALLBACK_TEXT = 300
# A quick test before named.type_like, for the many links that carry no such attribute.
_TYPE_HINT = re.compile(r"component|type|provider|platform|kind|widget|module|block")
# Class words of a link standing for a player until clicked.
_FACADE = re.compile(
    r"lazy|preview|facade|player|play-?btn|play-?button", re.I
)  # characters of text: more is a page section, not one blocked embed
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
        says = says or (_TYPE_HINT.search(names) is not None and _component_link(doc, element, items))
        says = says or (bool(classes) and _facade_link(doc, element, classes))
        if not says and not _noscript_fallback(doc, element):
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
        if "src" in name.lower() or "iframe" in name.lower() or _url_name(name):  # a lazy loader's
            frame = doc.index.match_frame(doc.absolute(value)) or doc.index.find_nested(value)
            if frame is not None:
                return make_embed(doc, frame[0], frame[1], element, frame[2], source="iframe")
            match = doc.index.match_url(doc.absolute(value)) if tag != "a" else None
            if match is not None:  # the post's own URL where a lazy loader keeps its embed's
                return make_embed(doc, match[0], match[1], element, value, source="widget")
    embed = _typed(doc, element, items) or _json_attributes(doc, element, items) or _consent_box(doc, element)
    if embed is None and "embed" in classes and len(element) <= 3:
        text = text_of(element).strip()
        if text and len(text) < 500 and not any(c.isspace() for c in text):
            match = doc.index.match_url(text)
            if match is not None:
                return make_embed(doc, match[0], match[1], element, text, source="widget")
    return embed


def _component_link(doc: Document, anchor: Any, items: list[tuple[str, str]]) -> bool:
    """Is `anchor` a component that says, in an attribute other than its class, that it is a
    post of the platform it links (Substack's <a data-component-name="Twitter2ToDOM"
    href=".../status/ID">, the tweet's card inside it)? A class naming the platform is not
    enough: links in running text are classed so."""
    typed = [(n, v) for n, v in items if n != "class" and named.type_like(n)]
    stated = named.stated_on(doc.index, "a", typed) if typed else frozenset()
    if not stated:
        return False
    match = doc.index.match_url(anchor.get("href") or "")
    return match is not None and match[0] in stated


def _facade_link(doc: Document, anchor: Any, classes: str) -> bool:
    """Is `anchor` a player's facade, a link that becomes the embed when clicked: its class names
    the platform of the post it links and a facade (Lazy Load for Videos' "lazy-load-youtube
    preview-lazyload")? A link classed by its platform alone ("youtube-link") is no embed."""
    if not classes or not _FACADE.search(classes):
        return False
    match = doc.index.match_url(anchor.get("href") or "")
    return match is not None and any(word in classes for word in (match[0].name, *match[0].aliases))


def _noscript_fallback(doc: Document, anchor: Any) -> bool:
    """Is `anchor` the one post link of a small <noscript> that a player's or an embed's wrapper
    holds (WP YouTube Lyte's and Lazy Load for Videos' "the video, without JavaScript")? What a
    wrapper shows without scripts is what its script shows: that post."""
    if not doc.in_noscript(anchor):
        return False
    noscript = next(anchor.iterancestors("noscript"), None)
    if noscript is None or len(text_of(noscript)) > _FALLBACK_TEXT:
        return False
    wrapper = noscript.getparent()
    names = " ".join(
        f"{node.get('class') or ''} {node.get('id') or ''}"
        for node in (wrapper, wrapper.getparent() if wrapper is not None else None)
        if node is not None
    )
    if not _WRAPPER.search(names):
        return False
    posts = {(m[0].name, m[1]) for a in noscript.iter("a") if (m := doc.index.match_url(a.get("href") or ""))}
    return len(posts) == 1


def _consent_box(doc: Document, element: Any) -> Embed | None:
    """A consent tool's or an embed block's box in place of the embed ("This content can also be
    viewed on the site it originates from", "View original tweet on Twitter"), or a post as the
    publisher renders it itself (react-tweet's "react-tweet-theme", a "tweet-card"): a small
    element whose class, id, test id or component name says consent, cookies, blocked content,
    embed, or names one platform as a post (not a feed, a button, a profile), holding no embed
    markup of its own, linking exactly one post (of that platform) or one embed frame's URL.
    (Discovery looks at elements whose class says tweet, embed or consent: a box named for
    another platform alone is not looked at, see index._candidates.)"""
    if element.tag in _NOT_BOXES:
        return None  # <body class="cookies-accepted">: a page, not one blocked embed
    names = " ".join(element.get(name) or "" for name in _BOX_NAMES)
    named_as: frozenset[Platform] = frozenset()
    if not _CONSENT.search(names) and not _EMBED_BOX.search(names):
        if not _POST_WORDS.search(names):
            return None  # "instagram-block": an account's feed block, not one post
        named_as = named.stated_on(doc.index, str(element.tag), [("class", names)])
        if len(named_as) != 1:
            return None
    text = text_of(element)
    if len(text) > _CONSENT_BOX_TEXT or sum(1 for _ in element.iter("p")) > _BOX_PARAGRAPHS:
        return None  # a page or a section under a consent class, not one blocked embed
    if any(True for _ in element.iter(*_EMBED_MARKUP)):
        return None  # the embed itself is inside: it is found as what it is
    posts: dict[tuple[str, str], tuple[Platform, str, str | None, str]] = {}
    for anchor in element.iter("a"):
        href = (anchor.get("href") or "").strip()
        if href[:2] not in ("ht", "//"):
            continue
        found = doc.index.find_post(doc.absolute(href))
        if found is not None:
            posts.setdefault((found[0].name, found[1]), (*found, href))
    if len(posts) != 1:
        return None
    platform, post_id, url, href = next(iter(posts.values()))
    if named_as and platform not in named_as:
        return None  # a box named for one platform linking another's post
    return make_embed(doc, platform, post_id, element, url or href, source="widget")


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
