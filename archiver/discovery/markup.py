"""Scan one parsed document for embeds, driven by the platforms' declarations.

One XPath (index.candidates) yields every element worth a look, in document order. Each is, in
this order of preference:

1. a declared embed: an element with a platform's embed class or tag (the post URL in one of
   its url_attributes, else its last link to a post, else a post URL as its text), or any
   element carrying one of a platform's id_attributes;
2. an iframe (or embed/object) whose URL matches a platform's iframe_patterns;
3. a placeholder standing for an embed without a platform's class (placeholders.py);
4. a host of hidden markup (hidden.py), which is parsed and scanned the same way.

Then, outside the embeds found so far (unmarked.py): blockquotes that lost their platform's
class, flattened posts in text (as their platforms' text forms say), and plain links.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from archiver.discovery import hidden, named
from archiver.discovery.document import Document, WrongShape, parse
from archiver.discovery.elements import in_comments, make_embed, text_of
from archiver.discovery.index import FRAME_TAGS
from archiver.discovery.placeholders import placeholder
from archiver.discovery.unmarked import flattened, plain_links, unclassed_quote
from archiver.models import Embed
from archiver.platforms.base import Platform

log = logging.getLogger(__name__)

MAX_DEPTH = 2  # hidden markup inside hidden markup inside the page, no deeper
MAX_FRAGMENT_CHARS = 2_000_000
_PARAMS = frozenset({"movie", "src", "url", "filename"})  # an <object>'s params that name its player
# The site's sidebar: WordPress's widget areas and widgets, and the ids themes give a sidebar.
_SIDEBAR_CLASSES = frozenset({"sidebar", "site-sidebar", "widget-area", "widget"})
_SIDEBAR_IDS = frozenset({"sidebar", "secondary"})
_MICRODATA_URLS = frozenset({"embedUrl", "embedURL"})


@dataclass
class Findings:
    """What a scan found, kept apart by how far it can be trusted to be the article's."""

    embeds: list[Embed] = field(default_factory=list)
    data: list[Embed] = field(default_factory=list)  # found only inside page data (JSON)
    links: list[Embed] = field(default_factory=list)


def scan(doc: Document, links: bool = False) -> Findings:
    """Every embed in `doc` and the hidden markup it holds, as the module docstring tells."""
    found = Findings()
    quotes: list[Any] = []
    anchors: list[Any] = []
    for node in doc.index.candidates(doc.root):
        if node.get("itemprop") in _MICRODATA_URLS:
            found.data.extend(_microdata(doc, node))
            continue
        embed = _found_at(doc, node)
        if embed is not None:
            doc.claim(node)
            if not _sidebar_collection(doc, node, embed) and not in_comments(node):
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
                for embed in detector(doc):
                    element = doc.element_of(embed)
                    if element is None or not in_comments(element):  # a reader's, not the article's
                        found.embeds.append(embed)
            except WrongShape as exc:
                log.debug("%s detector: %s", platform.name, exc)
            except Exception:  # one platform's quirk must not cost the others their embeds
                log.warning("%s detector %s failed", platform.name, getattr(detector, "__name__", detector))
    held = {ancestor for element in doc.claimed for ancestor in element.iterancestors()}
    for quote in quotes:
        embed = unclassed_quote(doc, quote, held)
        if embed is not None:
            doc.claim(quote)
            found.embeds.append(embed)
    found.embeds.extend(flattened(doc, doc.index.signatures(doc.root)))
    if links:
        found.links.extend(plain_links(doc, anchors))
    return found


def _microdata(doc: Document, node: Any) -> list[Embed]:
    """The post a schema.org VideoObject's embedUrl names (<meta itemprop="embedUrl">): what the
    publisher says the page shows, taken as its page data is (only when the page shows no embed
    itself: a player its own script draws from a variable, such as a recipe site's)."""
    value = node.get("content") or node.get("href") or ""
    found = doc.index.find_post(doc.absolute(value)) if "//" in value else None
    if found is None:
        return []
    try:
        return [make_embed(doc, found[0], found[1], node, found[2], source="widget")]
    except WrongShape:
        return []


def _sidebar_collection(doc: Document, node: Any, embed: Embed) -> bool:
    """Is `embed` a collection of posts (a playlist, no one post) standing in the site's sidebar
    widgets (an <aside>, WordPress's .widget and .widget-area, #sidebar), outside any <article>?
    Site chrome such as a blog's "our channel" video widget, not the article's embed."""
    platform = doc.index.by_name.get(embed.platform)
    if platform is None or not platform.collection(embed.post_id):
        return False
    for ancestor in node.iterancestors():
        if ancestor.tag == "article":
            return False
        classes = set((ancestor.get("class") or "").lower().split())
        if ancestor.tag == "aside" or classes & _SIDEBAR_CLASSES or ancestor.get("id") in _SIDEBAR_IDS:
            return True
    return False


def _found_at(doc: Document, node: Any) -> Embed | None:
    """The embed `node` is, by the first rule that finds one; a rule whose id has not its
    platform's shape (WrongShape) gives way to the next."""
    rules: tuple[Callable[[Document, Any], Embed | None], ...] = (
        (_declared, _frame, placeholder) if node.tag in FRAME_TAGS else (_declared, placeholder)
    )
    for rule in rules:
        try:
            embed = rule(doc, node)
        except WrongShape as exc:
            log.debug("%s", exc)
            continue
        if embed is not None:
            return embed
    return None


def _declared(doc: Document, element: Any) -> Embed | None:
    index = doc.index
    for name, platforms in index.by_id_attribute.items():
        value = element.get(name)
        if value:
            for platform in platforms:
                post_id = platform.post_id(value)
                if post_id:
                    return make_embed(doc, platform, post_id, element, value if "/" in value else None)
    candidates: list[Platform] = []
    for name, classes in element.items():
        # the class, or a class a consent tool parked in an attribute of its own until consent
        # (Real Cookie Banner's consent-original-class-_="twitter-tweet")
        if "class" in name:
            for token in classes.lower().split():
                candidates.extend(index.by_class.get(token, ()))
    candidates.extend(index.by_tag.get(element.tag, ()))
    for platform in dict.fromkeys(candidates):
        embed = _from_embed_element(doc, platform, element)
        if embed is not None:
            return embed
    return None


def _from_embed_element(doc: Document, platform: Platform, element: Any) -> Embed | None:
    shortened: str | None = None  # a short link naming the post (vm.tiktok.com/...), for resolve.py
    for name in platform.url_attributes:
        value = element.get(name) or _parked(element, name)
        if value:
            post_id = platform.post_id(value) or platform.post_id(doc.absolute(value))
            if post_id:
                return make_embed(doc, platform, post_id, element, value if "/" in value else None)
            if shortened is None and any(p.match(value.strip()) for p in platform.short_link_res):
                shortened = value.strip()
    last: tuple[str, str] | None = None
    for anchor in element.iter("a"):
        href = anchor.get("href")
        if not href:
            continue
        if "%" in href and platform.match(href) is None:  # encoded once too often by a CMS
            href = unquote(href)
        post_id = platform.match(href)
        if post_id:
            last = (post_id, href)
        elif shortened is None and any(p.match(href) for p in platform.short_link_res):
            shortened = href
    if last is not None:
        return make_embed(doc, platform, last[0], element, last[1])
    text = text_of(element)
    for m in doc.index.any_post_url.finditer(text):
        post_id = platform.match(m.group(0))
        if post_id:
            return make_embed(doc, platform, post_id, element, m.group(0))
    if shortened is not None:
        return make_embed(doc, platform, None, element, shortened)
    return None


def _parked(element: Any, name: str) -> str | None:
    """The value of attribute `name` as a consent tool parked it under a prefixed name until
    consent (Real Cookie Banner: consent-original-<name>-_), if it did."""
    for other, value in element.items():
        if other != name and other.startswith("consent-") and name in other:
            return str(value)
    return None


def _frame(doc: Document, element: Any) -> Embed | None:
    sources = [
        value
        for name, value in element.items()
        if name in ("src", "data") or name.startswith("data-") or value.startswith(("http", "//"))
    ]
    if element.tag == "object":  # a Flash player's URL in its <param name="movie" value=...>
        sources += [
            p.get("value") or ""
            for p in element.iterchildren("param")
            if (p.get("name") or "").lower() in _PARAMS
        ]
    for value in sources:
        found = doc.index.match_frame(doc.absolute(value))
        if found is not None:
            platform, post_id, url = found
            return make_embed(doc, platform, post_id, element, url)
    for value in sources:  # an embed service's or a consent proxy's frame names the post it shows
        wrapped = doc.index.find_nested(doc.absolute(value))  # (Drupal's is relative: /media/oembed?url=)
        if wrapped is not None:
            return make_embed(doc, wrapped[0], wrapped[1], element, wrapped[2])
    for value in sources:  # an embed service's frame naming its post by id beside its platform in
        for platform, post_id, url in named.in_object(doc.index, _query(value)):  # ?source=youtube&vid=ID
            try:
                return make_embed(doc, platform, post_id, element, url)
            except WrongShape:
                continue
    return None


def _query(url: str) -> dict[str, str]:
    """A URL's query parameters (the first value of each), read as one object; none when its
    path or a parameter says it is a button, a profile, a feed (/share?network=twitter&id=...)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return {}
    query = dict(reversed(parse_qsl(parts.query))) if "=" in parts.query else {}
    return {} if named.says_no_post(parts.path, query) else query


def _scan_hidden(doc: Document, node: Any, found: Findings, links: bool) -> None:
    for fragment in hidden.fragments(node, doc.index.hinted, doc.index.is_post_url, _named(doc)):
        mine = hidden.belongs(fragment.owner, doc.page_urls) if fragment.data else True
        if mine is False:
            continue  # another article's body in the page data
        if fragment.post is not None:
            embed = _named_post(doc, node, fragment)
            if embed is not None:
                (found.embeds if mine else found.data).append(embed)
            continue
        root = parse(fragment.markup[:MAX_FRAGMENT_CHARS])
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


def _named(doc: Document) -> hidden.Named:
    """What named.py finds in one JSON object of page data, as hidden.py reports it."""

    def posts(obj: dict[Any, Any], table: list[Any] | None) -> list[tuple[str, str, str | None]]:
        found = named.in_object(doc.index, named.resolved(obj, table))
        return [(platform.name, post_id, url) for platform, post_id, url in found]

    return posts


def _named_post(doc: Document, node: Any, fragment: hidden.Fragment) -> Embed | None:
    """The post page data names by id or URL (fragment.post), found at the script holding it."""
    assert fragment.post is not None
    name, post_id, url = fragment.post
    platform = doc.index.by_name.get(name)
    if platform is None:
        return None
    try:
        embed = doc.embed(platform, post_id, "widget", node, url=url, raw=fragment.markup)
    except WrongShape:
        return None
    return replace(embed, where=fragment.where, source="widget")
