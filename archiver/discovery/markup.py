"""Scan one parsed document for embeds, driven by the platforms' declarations.

One XPath (index.candidates) yields every element worth a look, in document order. Each is, in
this order of preference:

1. a declared embed: an element with a platform's embed class or tag (the post URL in one of
   its url_attributes, else its last link to a post, else a post URL as its text), or any
   element carrying one of a platform's id_attributes;
2. an iframe (or embed/object) whose URL matches a platform's iframe_patterns;
3. a placeholder that carries only a post URL: an attribute named like *embed*/permalink/url,
   a platform-named type attribute with an id, or an "embed" container whose text is the URL;
4. a host of hidden markup (hidden.py), which is parsed and scanned the same way.

Then, outside the embeds found so far: unclassed blockquotes that link exactly one post (an
embed whose class was stripped), flattened tweets in text (textform.py), and plain links.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from lxml import etree, html

from archiver.discovery import hidden, textform
from archiver.discovery.document import Document
from archiver.discovery.index import FRAME_TAGS
from archiver.models import Embed
from archiver.platforms.base import Platform

log = logging.getLogger(__name__)

MAX_DEPTH = 2  # hidden markup inside hidden markup inside the page, no deeper
MAX_FRAGMENT_CHARS = 2_000_000
_TEXT_LIMIT = 50_000
_BLOCK_TAGS = frozenset(
    {"p", "blockquote", "div", "li", "td", "th", "dd", "dt", "figure", "figcaption", "section"}
    | {"article", "aside", "main", "body", "center", "pre"}
)
# Elements that are never a placeholder for an embedded post (links, buttons, media, forms).
_NOT_PLACEHOLDERS = frozenset(
    ("link", "meta", "area", "base", "img", "source", "input", "button", "form", "option", "script", "style")
)
# Frames that are buttons or boxes about a page, not a post: like, share, follow, comments...
_BUTTONS = re.compile(r"like|share|follow|send|subscribe|comment|button|page\.php|login", re.IGNORECASE)
_TYPE_WORDS = ("type", "provider", "platform", "service", "network", "embed", "source")


@dataclass
class Findings:
    embeds: list[Embed] = field(default_factory=list)
    data: list[Embed] = field(default_factory=list)  # found only inside page data (JSON)
    links: list[Embed] = field(default_factory=list)


def scan(doc: Document, links: bool = False) -> Findings:
    found = Findings()
    quotes: list[Any] = []
    anchors: list[Any] = []
    texts: list[Any] = []
    for node in doc.index.candidates(doc.root):
        if isinstance(node, str):
            texts.append(node)
            continue
        if not isinstance(node.tag, str):
            continue
        embed = _declared(doc, node)
        if embed is None and node.tag in FRAME_TAGS:
            embed = _frame(doc, node)
        if embed is None:
            embed = _placeholder(doc, node)
        if embed is not None:
            doc.claimed.add(node)
            found.embeds.append(embed)
        elif node.tag == "blockquote":
            quotes.append(node)
        elif node.tag == "a":
            anchors.append(node)
        if doc.depth < MAX_DEPTH:
            _scan_hidden(doc, node, found, links)
    for platform in doc.index.platforms:
        for detector in platform.detectors:
            try:
                found.embeds.extend(detector(doc))
            except Exception:  # one platform's quirk must not cost the others their embeds
                log.warning("%s detector %s failed", platform.name, getattr(detector, "__name__", detector))
    held = {ancestor for element in doc.claimed for ancestor in element.iterancestors()}
    for quote in quotes:
        embed = _unclassed_quote(doc, quote, held)
        if embed is not None:
            doc.claimed.add(quote)
            found.embeds.append(embed)
    found.embeds.extend(_flattened(doc, texts))
    if links:
        found.links.extend(_links(doc, anchors))
    return found


# --- 1. declared embed markup ------------------------------------------------------------------


def _declared(doc: Document, element: Any) -> Embed | None:
    index = doc.index
    for name, platforms in index.by_id_attribute.items():
        value = element.get(name)
        if value:
            for platform in platforms:
                post_id = platform.post_id(value)
                if post_id:
                    return _make(doc, platform, post_id, element, value if "/" in value else None)
    candidates: list[Platform] = []
    classes = element.get("class")
    if classes:
        for token in classes.lower().split():
            candidates.extend(index.by_class.get(token, ()))
    candidates.extend(index.by_tag.get(element.tag, ()))
    for platform in dict.fromkeys(candidates):
        embed = _from_embed_element(doc, platform, element)
        if embed is not None:
            return embed
    return None


def _from_embed_element(doc: Document, platform: Platform, element: Any) -> Embed | None:
    for name in platform.url_attributes:
        value = element.get(name)
        if value:
            post_id = platform.post_id(value) or platform.post_id(doc.absolute(value))
            if post_id:
                return _make(doc, platform, post_id, element, value if "/" in value else None)
    last: tuple[str, str] | None = None
    shortened: str | None = None
    for anchor in element.iter("a"):
        href = anchor.get("href")
        if not href:
            continue
        post_id = platform.match(href)
        if post_id:
            last = (post_id, href)
        elif shortened is None and any(p.match(href) for p in platform.short_link_res):
            shortened = href
    if last is not None:
        return _make(doc, platform, last[0], element, last[1])
    text = _text(element)
    for m in doc.index.any_post_url.finditer(text):
        post_id = platform.match(m.group(0))
        if post_id:
            return _make(doc, platform, post_id, element, m.group(0))
    if shortened is not None:
        return _make(doc, platform, None, element, shortened)
    return None


# --- 2. iframes ----------------------------------------------------------------------------------


def _frame(doc: Document, element: Any) -> Embed | None:
    sources = [
        value
        for name, value in element.items()
        if name in ("src", "data") or name.startswith("data-") or value.startswith(("http", "//"))
    ]
    for value in sources:
        found = doc.index.match_frame(doc.absolute(value))
        if found is not None:
            platform, post_id, url = found
            return _make(doc, platform, post_id, element, url)
    for value in sources:  # an embed service's frame (Embedly, Iframely) names the post it shows
        for inner in _url_parameters(value):
            found = doc.index.match_frame(inner)
            match = (found[0], found[1]) if found is not None else doc.index.match_url(inner)
            if match is not None:
                return _make(doc, match[0], match[1], element, inner)
    return None


def _url_parameters(src: str) -> list[str]:
    """URLs in the query of an iframe's src, unless the frame is a button or a page box."""
    try:
        parts = urlsplit(src)
    except ValueError:
        return []
    if not parts.query or _BUTTONS.search(parts.path):
        return []
    return [v for _, v in parse_qsl(parts.query) if v.startswith(("http://", "https://", "//"))]


# --- 3. placeholders -------------------------------------------------------------------------------


def _placeholder(doc: Document, element: Any) -> Embed | None:
    tag = element.tag
    if tag in _NOT_PLACEHOLDERS:
        return None
    classes = (element.get("class") or "").lower()
    items = element.items()
    if tag == "a":  # a link is a placeholder only when it says so (embedly-card, data-iframely-url)
        if "embed" not in classes and not any("embed" in n or "iframely" in n for n, _ in items):
            return None
        if next(element.iterancestors("blockquote"), None) is not None:
            return None  # the blockquote around it is the embed (found after the walk)
        items = [("href", element.get("href") or ""), *items]
    for name, value in items:
        if value.lstrip()[:2] not in ("ht", "//"):
            continue
        if _url_name(name):
            match = doc.index.match_url(doc.absolute(value))
            if match is not None:
                return _make(doc, match[0], match[1], element, value, source="widget")
        if "src" in name.lower() or "iframe" in name.lower():  # a lazy loader's placeholder
            frame = doc.index.match_frame(doc.absolute(value))
            if frame is not None:
                return _make(doc, frame[0], frame[1], element, frame[2], source="iframe")
    embed = _typed(doc, element, items) or _json_attributes(doc, element, items)
    if embed is None and "embed" in classes and len(element) <= 3:
        text = _text(element).strip()
        if text and len(text) < 500 and not any(c.isspace() for c in text):
            match = doc.index.match_url(text)
            if match is not None:
                return _make(doc, match[0], match[1], element, text, source="widget")
    return embed


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
        posts: dict[tuple[str, str], tuple[Platform, str, str]] = {}
        for _key, text in strings:
            match = doc.index.match_url(text) if "/" in text else None
            if match is not None:
                posts[(match[0].name, match[1])] = (match[0], match[1], text)
        if len(posts) > 1:
            continue  # a feed or a list of posts, not one embed
        for platform, post_id, text in posts.values():
            return _make(doc, platform, post_id, element, text, source="widget")
        named = [p for p in doc.index.platforms if _names_platform(element, p, parents=0)]
        if len(named) == 1:
            for key, text in strings:
                found_id = named[0].post_id(text) if "id" in key.lower() else None
                if found_id:
                    return _make(doc, named[0], found_id, element, None, source="widget")
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


def _url_name(name: str) -> bool:
    name = name.lower()
    return "embed" in name or "permalink" in name or name in ("url", "data-url", "href", "data-iframely-url")


def _typed(doc: Document, element: Any, items: list[tuple[str, str]]) -> Embed | None:
    """<div data-embed-type="instagram" data-embed-id="CI4vzvdnMGG">: a platform named, then an id."""
    for name, value in items:
        platform = doc.index.by_name.get(value.strip().lower())
        if platform is None or not any(word in name.lower() for word in _TYPE_WORDS):
            continue
        for other, candidate in items:
            if other != name and ("id" in other.lower() or _url_name(other)):
                post_id = platform.post_id(candidate)
                if post_id:
                    url = candidate if "/" in candidate else None
                    return _make(doc, platform, post_id, element, url, "widget")
    return None


# --- 4. hidden markup ------------------------------------------------------------------------------


def _scan_hidden(doc: Document, node: Any, found: Findings, links: bool) -> None:
    for fragment in hidden.fragments(node, doc.index.hinted, doc.index.is_post_url):
        mine = hidden.belongs(fragment.owner, doc.page_urls) if fragment.data else True
        if mine is False:
            continue  # another article's body in the page data
        root = parse_fragment(fragment.markup)
        if root is None:
            continue
        sub = Document(
            root=root,
            index=doc.index,
            base_url=doc.base_url,
            where=fragment.where,
            host_line=doc.line(node),
            depth=doc.depth + 1,
            page_urls=doc.page_urls,
        )
        inner = scan(sub, links and not fragment.data)
        if mine is None:  # page data of no known article: used only when the page shows nothing
            found.data.extend(inner.embeds)
        else:
            found.embeds.extend(inner.embeds)
            found.links.extend(inner.links)
        found.data.extend(inner.data)


def parse_fragment(markup: str) -> Any:
    markup = markup[:MAX_FRAGMENT_CHARS]
    if not markup.strip():
        return None
    try:
        return html.document_fromstring(markup)
    except (etree.ParserError, ValueError):
        return None


# --- after the walk: what carries no declared markup ----------------------------------------------


def _unclassed_quote(doc: Document, quote: Any, held: set[Any]) -> Embed | None:
    """A <blockquote> without a platform's class, linking exactly one post, that still looks
    like that post's embed: a class naming the platform (a publisher's own embed markup), the
    remnant byline "(@handle)", a date as the link's text, or the post URL as its only text.
    A quotation that merely cites a post in passing is not an embed."""
    if quote in held or _inside(quote, doc.claimed):
        return None
    posts: dict[tuple[str, str], tuple[Platform, str, str, Any]] = {}
    for anchor in quote.iter("a"):
        href = anchor.get("href")
        match = doc.index.match_url(href) if href else None
        if match is not None and href:
            posts[(match[0].name, match[1])] = (match[0], match[1], href, anchor)
    if len(posts) != 1:
        return None
    platform, post_id, href, anchor = next(iter(posts.values()))
    text = _text(quote)
    looks_embedded = (
        _names_platform(quote, platform)
        or textform.byline(text) is not None
        or textform.YEAR.search(_text(anchor)) is not None
        or text.strip() == _text(anchor).strip()
    )
    return _make(doc, platform, post_id, quote, href) if looks_embedded else None


def _names_platform(element: Any, platform: Platform, parents: int = 2) -> bool:
    """Do the classes/ids of the element or its parents name the platform ("js-tweet")?"""
    words = {platform.name}
    words.update(w for c in platform.embed_classes for w in re.split(r"[-_]", c) if len(w) >= 4)
    for node in (element, *list(element.iterancestors())[:parents]):
        names = f"{node.get('class') or ''} {node.get('id') or ''}".lower()
        if any(word in names for word in words):
            return True
    return False


def _flattened(doc: Document, texts: list[Any]) -> list[Embed]:
    """Flattened tweets ("— Name (@handle) date") in text outside the embeds found so far."""
    twitter = doc.index.by_name.get("twitter")
    if twitter is None:
        return []
    found: list[Embed] = []
    seen: set[Any] = set()
    for node in texts:
        parent = node.getparent()
        if parent is None:
            continue
        if node.is_tail:
            parent = parent.getparent()
        block = parent
        while block is not None and block.tag not in _BLOCK_TAGS:
            block = block.getparent()
        if block is None or block in seen or block in doc.claimed or _inside(block, doc.claimed):
            continue
        seen.add(block)
        text = _text(block, skip=doc.claimed)
        matches = list(textform.SIGNATURE.finditer(text))
        if not matches:
            continue
        anchors = [a for a in block.iter("a") if twitter.match(a.get("href") or "")]
        statuses = [(a.get("href"), _text(a).strip()) for a in anchors]
        previous = 0
        for m in matches:
            body = text[previous : m.start()].strip()
            previous = m.end()
            href = next((h for h, label in statuses if label and label in m.group("date")), None)
            if href is None and len(matches) == 1 and statuses:
                href = statuses[-1][0]
            media = textform.short_links(body)
            if not media and len(matches) == 1:  # a link whose text is not the short link itself
                hrefs = " ".join(a.get("href") or "" for a in block.iter("a"))
                media = textform.short_links(hrefs)
            post_id = twitter.match(href) if href else None
            if post_id is None and not media:
                continue  # nothing that names the post
            line = textform.byline(m.group(0))
            found.append(
                doc.embed(
                    twitter,
                    post_id,
                    "text",
                    block,
                    url=href or media[-1],
                    author_name=line.name if line else None,
                    author_handle=m.group("handle"),
                    date_text=" ".join(m.group("date").split()),
                    text=body or None,
                    media_links=media,
                )
            )
    return found


def _links(doc: Document, anchors: list[Any]) -> list[Embed]:
    found = []
    for anchor in anchors:
        href = anchor.get("href") or ""
        match = doc.index.match_url(href)
        if match is None or _inside(anchor, doc.claimed):
            continue
        label = _text(anchor).strip() or None
        found.append(doc.embed(match[0], match[1], "link", anchor, url=href, text=label))
    return found


# --- helpers --------------------------------------------------------------------------------------


def _make(
    doc: Document,
    platform: Platform,
    post_id: str | None,
    element: Any,
    url: str | None,
    source: str | None = None,
) -> Embed:
    tag = element.tag
    if source is None:
        source = "iframe" if tag in FRAME_TAGS else "blockquote" if tag == "blockquote" else "widget"
    fields: dict[str, Any] = {}
    if tag not in FRAME_TAGS:
        text = _text(element)
        line = textform.byline(text)
        if line is not None:
            fields.update(author_name=line.name, author_handle=line.handle, date_text=line.date)
        paragraph = next(element.iter("p"), None)
        body = _text(paragraph) if paragraph is not None else ""
        if body.strip():
            fields["text"] = " ".join(body.split())
        hrefs = " ".join(a.get("href") or "" for a in element.iter("a"))
        fields["media_links"] = textform.short_links(f"{body} {hrefs}")
    if url and not platform.match(url) and post_id is not None:
        url = None
    return doc.embed(platform, post_id, source, element, url=url, **fields)


def _text(element: Any, skip: set[Any] | None = None) -> str:
    """An element's text, capped, leaving out the subtrees in `skip` (embeds already found)."""
    if not skip:
        try:
            return str(element.text_content())[:_TEXT_LIMIT]
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
            if size > _TEXT_LIMIT:
                break
    return "".join(parts)[:_TEXT_LIMIT]


def _inside(element: Any, claimed: set[Any]) -> bool:
    return any(ancestor in claimed for ancestor in element.iterancestors())
