"""Boxes and links that stand for an embed without carrying its code.

- a consent tool's box in place of a blocked embed, or an embed block's before consent (Condé
  Nast's "This content can also be viewed on the site it originates from", BBC's "View original
  tweet on Twitter", Embed Privacy's "Open content directly"), and a tweet the publisher renders
  itself (react-tweet): a small element, named so, holding no embed markup, linking one post;
- a link that says it is a post (Substack's <a data-component-name="Twitter2ToDOM">), a player's
  facade link (a.lazy-load-youtube), a player wrapper's <noscript> link (WP YouTube Lyte);
- a player's facade named for its platform, showing the post's thumbnail as its background
  beside a play button (react-lite-youtube-embed's article.yt-lite).

Each keeps to one post: a box or a noscript linking two is no embed, nor is a page's frame
(body, article...), nor a long section that merely carries such a class.
"""

from __future__ import annotations

import re
from typing import Any

from archiver.discovery import named
from archiver.discovery.document import Document
from archiver.discovery.elements import make_embed, text_of
from archiver.models import Embed
from archiver.platforms.base import Platform

# Class words of a consent tool's box standing for a blocked embed (Conde Nast's ConsentBanner,
# Borlabs' content-blocker, Complianz's cmplz-blocked-content, Embed Privacy's container...).
_CONSENT = re.compile(r"consent|cookie|privacy|gdpr|dsgvo|datenschutz|blocked|blocker|opt-?in", re.I)
_CONSENT_BOX_TEXT = 1500  # characters of text: more is a page section, not one blocked embed
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
_FACADE = re.compile(r"lazy|preview|facade|player|play-?btn|play-?button", re.I)


def link_stands_for_embed(
    doc: Document, anchor: Any, items: list[tuple[str, str]], names: str, classes: str
) -> bool:
    """Does the link `anchor` (its attributes `items`, their `names` joined, its lowercase
    `classes`) stand for the embed of the post it links: a component naming it, a facade, the
    one link of a player's noscript?"""
    if _TYPE_HINT.search(names) is not None and _component_link(doc, anchor, items):
        return True
    if classes and _facade_link(doc, anchor, classes):
        return True
    return _noscript_fallback(doc, anchor)


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


def facade(doc: Document, element: Any) -> Embed | None:
    """A player's facade (react-lite-youtube-embed's article.yt-lite): an element whose class
    names one platform, showing one of its posts' thumbnails as its background, with a play
    button inside and no link elsewhere: it stands for that post's player."""
    style = element.get("style") or ""
    found = doc.index.thumbnail(style) if "url(" in style else None
    if found is None:
        return None
    platform, post_id = found
    if named.stated_on(doc.index, str(element.tag), [("class", element.get("class") or "")]) != {platform}:
        return None  # a related-video card, a gallery: not named as the platform's player
    if not any(
        node.tag == "button" or _FACADE.search(node.get("class") or "") for node in element.iterdescendants()
    ):
        return None
    if any(platform.match(a.get("href") or "") != post_id for a in element.iter("a")):
        return None  # a card linking elsewhere (a story, a channel)
    return make_embed(doc, platform, post_id, element, None, source="widget")


def box(doc: Document, element: Any) -> Embed | None:
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
