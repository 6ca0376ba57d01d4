"""The discovery document: one parsed tree (the page, or markup found hidden inside it).

Platform `detectors` receive a Document (as the `Page` that platforms/base.py describes) and
build their Embeds with `doc.embed(...)`, which fills in where the markup was, its position in
the page and its raw markup. It is also the one gate every id passes (check_id): an id without
its platform's shape raises WrongShape, and the rule that found it gives way to the next.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from lxml import etree, html

from archiver import decode
from archiver.discovery import flatten
from archiver.discovery.index import Index
from archiver.models import Embed
from archiver.platforms.base import Platform

log = logging.getLogger(__name__)

RAW_LIMIT = 20_000  # characters of an embed's own markup kept in Embed.raw
# Hidden places inside the page's own tree (libxml2 parses these as elements).
_HIDING_TAGS = ("template", "noscript", "textarea")


_NOSCRIPT_LINKS = etree.XPath("/descendant::noscript/descendant::a")


class WrongShape(ValueError):
    """An id that its platform's post ids never look like (a wrapper's name, a cut number)."""


def check_id(platform: Platform, post_id: str | None) -> None:
    """Raise WrongShape unless `post_id` (when there is one) has `platform`'s shape: the test
    every id discovery reports goes through (Platform.valid_id says what the shape is)."""
    if post_id is not None and not platform.valid_id(post_id):
        raise WrongShape(f"{platform.name}: {post_id[:80]!r} is no post id")


@dataclass
class Document:
    """One parsed tree being scanned, with what its embeds need to know about where it stands."""

    root: html.HtmlElement
    index: Index
    base_url: str | None = None
    where: str = "dom"  # dom | attribute | textarea | noscript | template | script
    host_line: int | None = None  # a hidden fragment's position: the line of what held it
    depth: int = 0  # how many hidden places deep this document is
    claimed: set[Any] = field(default_factory=set)  # elements that already are an embed
    page_urls: tuple[str, ...] = ()  # the article's own URLs (canonical, og:url), to tell its data
    _noscript_links: set[Any] | None = field(default=None, repr=False)
    _elements: dict[int, tuple[Embed, Any]] = field(default_factory=dict, repr=False)

    def element_of(self, embed: Embed) -> Any | None:
        """The element `embed` was built at by `embed()` (a detector's embed says no more)."""
        pair = self._elements.get(id(embed))
        return pair[1] if pair is not None and pair[0] is embed else None

    def claim(self, element: Any) -> None:
        """Mark `element` as an embed found: later rules leave it, and what it holds, alone."""
        self.claimed.add(element)

    def is_claimed(self, element: Any) -> bool:
        """Is `element` an embed found already?"""
        return element in self.claimed

    def in_noscript(self, element: Any) -> bool:
        """Is `element` a link inside a <noscript> the parser read as elements? (the set of them
        is gathered once per document, not by walking every link's ancestors)"""
        if self._noscript_links is None:
            self._noscript_links = set(_NOSCRIPT_LINKS(self.root))
        return element in self._noscript_links

    def line(self, element: Any) -> int:
        """The element's line in the page (for hidden markup, the line of what held it)."""
        if self.host_line is not None:
            return self.host_line
        return int(getattr(element, "sourceline", None) or 0)

    def absolute(self, url: str) -> str:
        """`url` made absolute against the page's base URL (https for a scheme-relative one)."""
        url = url.strip()
        if url.startswith("//"):
            return "https:" + url
        if self.base_url and not url.lower().startswith(("http://", "https://")):
            try:
                return urljoin(self.base_url, url)
            except ValueError:
                return url
        return url

    def where_of(self, element: Any) -> str:
        """Where the element was hidden: the document's hidden place, or the one around it."""
        if self.where != "dom":
            return self.where
        for ancestor in element.iterancestors(*_HIDING_TAGS):
            return str(ancestor.tag)
        return "dom"

    def embed(
        self,
        platform: Platform,
        post_id: str | None,
        source: str,
        element: Any,
        url: str | None = None,
        **fields: Any,
    ) -> Embed:
        """An Embed of `platform` found at `element`; `url` is the post URL as found, if any.
        WrongShape when `post_id` is none of the platform's."""
        check_id(platform, post_id)
        if url:
            post_url = clean_url(platform, self.absolute(url), post_id)
        elif post_id:
            post_url = platform.canonical_url(post_id)
        else:
            raise ValueError("an embed needs a post id or a URL")
        if post_id and (not platform.match(post_url) or not post_url.startswith(("https://", "http://"))):
            # what was found is no post URL a person can open (say an at:// URI): use the canonical one
            post_url = platform.canonical_url(post_id)
        found = Embed(
            platform=platform.name,
            post_id=post_id,
            url=post_url,
            source=source,
            where=self.where_of(element),
            raw=fields.pop("raw", None) or markup(element),
            positions=(self.line(element),),
            **fields,
        )
        self._elements[id(found)] = (found, element)
        return found


def parse(text: str) -> html.HtmlElement | None:
    """The tree of an HTML document or fragment, or None when lxml can make none of it.

    huge_tree: past 256 levels of nesting libxml2 otherwise stops reading and the rest of the
    page is lost; it now stops at 2048. A page deeper than that (browsers show it all) is
    parsed again with its nesting capped (flatten.py), so what is in and after the deep part
    is found too.
    """
    if not text or text.isspace():
        return None
    text = decode.strip_xml_declaration(text)
    parser = html.HTMLParser(huge_tree=True)  # one a call: a parser is not shared across threads
    try:
        root = html.document_fromstring(text, parser=parser)
        if flatten.too_deep([entry.message for entry in parser.error_log]):
            log.warning("markup nested deeper than the parser goes: read again with its nesting capped")
            root = html.document_fromstring(flatten.flatten(text), parser=html.HTMLParser(huge_tree=True))
    except (etree.ParserError, ValueError):
        return None
    return root


def markup(element: Any) -> str:
    """The element's own HTML (not its tail), at most RAW_LIMIT characters."""
    try:
        text = etree.tostring(element, encoding="unicode", with_tail=False, method="html")
    except (TypeError, ValueError):
        return ""
    return text[:RAW_LIMIT]


def clean_url(platform: Platform, url: str, post_id: str | None = None) -> str:
    """The post URL without noise: https, no fragment, only the platform's own query parameters,
    and nothing after the post id (a tweet's /photo/1, a video's &feature=share)."""
    try:
        parts = urlsplit(url.replace("&amp;", "&"))
    except ValueError:
        return url
    scheme = "https" if parts.scheme in ("", "http", "https") else parts.scheme
    keep = set(platform.url_query)
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k in keep])
    cleaned = urlunsplit((scheme, parts.netloc.lower(), parts.path, query, ""))
    at = cleaned.rfind(post_id, len(scheme) + 3 + len(parts.netloc)) if post_id else -1
    if at >= 0:
        end = at + len(post_id or "")
        cleaned = cleaned if cleaned[end:] == "/" else cleaned[:end]
    return cleaned
