"""After the walk: posts the page shows without a platform's embed markup, and plain links.

- a blockquote that lost its platform's class but still looks like the embed (unclassed_quote);
- a flattened post in text, "— Name (@handle) date", in the text form its platform declares
  (flattened, see textform.py);
- links to posts in running text (plain_links), reported only when asked for, also through a
  link shim or redirect that carries the post URL (l.facebook.com/l.php?u=...).

All of them leave alone what lies inside an embed found already (doc.claimed).
"""

from __future__ import annotations

from typing import Any

from archiver.discovery import textform
from archiver.discovery.document import Document, WrongShape
from archiver.discovery.elements import in_comments, inside, make_embed, names_platform, text_of
from archiver.models import Embed
from archiver.platforms.base import Platform, TextForm

_BLOCK_TAGS = frozenset(
    {"p", "blockquote", "div", "li", "td", "th", "dd", "dt", "figure", "figcaption", "section"}
    | {"article", "aside", "main", "body", "center", "pre"}
)


def unclassed_quote(doc: Document, quote: Any, held: set[Any]) -> Embed | None:
    """A <blockquote> without a platform's class, linking exactly one post, that still looks
    like that post's embed: a class naming the platform (a publisher's own embed markup), the
    remnant byline "(@handle)", a date as the link's text, or the post URL as its only text;
    or one whose embed code's attributes outlived its class (its `cite` and another attribute
    naming the same post: TikTok's cite and data-video-id, whatever links it holds).
    A quotation that merely cites a post in passing is not an embed."""
    if quote in held or inside(quote, doc.claimed) or in_comments(quote):
        return None
    cited = _cited_twice(doc, quote)
    if cited is not None:
        return cited
    posts: dict[tuple[str, str], tuple[Platform, str, str, Any]] = {}
    for anchor in quote.iter("a"):
        href = anchor.get("href")
        match = doc.index.match_url(href) if href else None
        if match is not None and href:
            posts[(match[0].name, match[1])] = (match[0], match[1], href, anchor)
    if len(posts) != 1:
        return None
    platform, post_id, href, anchor = next(iter(posts.values()))
    text = text_of(quote)
    looks_embedded = (
        names_platform(quote, platform)
        or textform.byline(text, doc.index.text_forms) is not None
        or textform.YEAR.search(text_of(anchor)) is not None
        or text.strip() == text_of(anchor).strip()
    )
    return make_embed(doc, platform, post_id, quote, href) if looks_embedded else None


def _cited_twice(doc: Document, quote: Any) -> Embed | None:
    """The post a blockquote's `cite` names when another of its attributes names it too."""
    cite = (quote.get("cite") or "").strip()
    match = doc.index.match_url(doc.absolute(cite)) if cite else None
    if match is None:
        return None
    platform, post_id = match
    for name, value in quote.items():
        if name != "cite" and len(value) < 300 and platform.post_id(value) == post_id:
            try:
                return make_embed(doc, platform, post_id, quote, cite)
            except WrongShape:
                return None
    return None


def flattened(doc: Document, texts: list[Any]) -> list[Embed]:
    """Flattened posts ("— Name (@handle) date", the text forms platforms declare) in text
    outside the embeds found so far."""
    written = [
        (platform, form) for platform in doc.index.platforms if (form := platform.text_form) is not None
    ]
    if not written:
        return []
    found: list[Embed] = []
    seen: set[Any] = set()
    for node in texts:
        block = _block_of(node)
        if block is None or block in seen or doc.is_claimed(block) or inside(block, doc.claimed):
            continue
        if in_comments(block):
            continue
        seen.add(block)
        for platform, form in written:
            found.extend(_flattened_in_block(doc, platform, form, block))
    return found


def _block_of(node: Any) -> Any:
    """The block (paragraph, quote, list item...) a text node stands in, or None."""
    parent = node.getparent()
    if parent is not None and node.is_tail:
        parent = parent.getparent()
    while parent is not None and parent.tag not in _BLOCK_TAGS:
        parent = parent.getparent()
    return parent


def _flattened_in_block(doc: Document, platform: Platform, form: TextForm, block: Any) -> list[Embed]:
    """The flattened posts in one block's text, each named by its status link (the link on its
    date, or the block's only one) or else its media link."""
    text = text_of(block, skip=doc.claimed)
    matches = list(form.signature.finditer(text))
    if not matches:
        return []
    anchors = [a for a in block.iter("a") if platform.match(a.get("href") or "")]
    statuses = [(a.get("href"), text_of(a).strip()) for a in anchors]
    found = []
    previous = 0
    for m in matches:
        body = text[previous : m.start()].strip()
        previous = m.end()
        href = next((h for h, label in statuses if label and label in m.group("date")), None)
        if href is None and len(matches) == 1 and statuses:
            href = statuses[-1][0]
        media = textform.media_links(body, (form,))
        if not media and len(matches) == 1:  # a link whose text is not the media link itself
            hrefs = " ".join(a.get("href") or "" for a in block.iter("a"))
            media = textform.media_links(hrefs, (form,))
        post_id = platform.match(href) if href else None
        if post_id is None and not media:
            continue  # nothing that names the post
        line = textform.signed(m)
        found.append(
            doc.embed(
                platform,
                post_id,
                "text",
                block,
                url=href or media[-1],
                author_name=line.name,
                author_handle=line.handle,
                date_text=line.date,
                text=body or None,
                media_links=media,
            )
        )
    return found


def plain_links(doc: Document, anchors: list[Any]) -> list[Embed]:
    """Links to posts, outside the embeds found, as source="link" with the link's text."""
    found = []
    for anchor in anchors:
        href = anchor.get("href") or ""
        match: tuple[Platform, str, str | None] | None = None
        direct = doc.index.match_url(href)
        if direct is not None:
            match = (direct[0], direct[1], href)
        elif "%" in href or "=" in href:  # a link shim's ?u=, a redirect's ?url= (unwrap.py)
            match = doc.index.find_nested(href)
        if match is None or inside(anchor, doc.claimed):
            continue
        label = text_of(anchor).strip() or None
        try:
            found.append(doc.embed(match[0], match[1], "link", anchor, url=match[2], text=label))
        except WrongShape:
            continue
    return found
