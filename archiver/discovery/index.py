"""The registry's declarations turned into lookup tables and one XPath, built once per registry.

Everything discovery knows about a platform comes from its `Platform` declaration: adding a
platform module changes what is found here without touching the scanning code.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from lxml import etree

from archiver.discovery import unwrap
from archiver.platforms.base import QUERY_REACH, Platform, TextForm

# Elements whose own markup is the embed's (not a place a post can be linked from).
FRAME_TAGS = ("iframe", "embed", "object", "amp-iframe", "frame")
# URLs that are buttons or boxes about a page, not a post: like, share, follow, comments...
BUTTONS = re.compile(r"like|share|follow|send|subscribe|comment|button|page\.php|login|intent", re.IGNORECASE)
# A query parameter value this long is a blob (widgets.js's base64 `features`, a tracking
# payload), never what names a post.
BLOB_PARAMETER = 200


def without_blobs(url: str) -> str | None:
    """`url` with its blob-long query parameters left out, when it has any and a query longer
    than the platforms' patterns read (base.QUERY_REACH): a second look finds the id that comes
    after them (Twitter's iframes put `id=` after a kilobyte of `features=`). None otherwise."""
    if len(url) <= QUERY_REACH or "?" not in url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    kept = [(name, value) for name, value in pairs if len(value) <= BLOB_PARAMETER]
    if len(kept) == len(pairs) or len(parts.query) <= QUERY_REACH:
        return None
    return urlunsplit(parts._replace(query=urlencode(kept)))


@dataclass(frozen=True)
class Index:
    """What discovery looks up: the platforms by their markup, and the patterns of them all."""

    platforms: tuple[Platform, ...]
    by_class: dict[str, tuple[Platform, ...]]
    by_tag: dict[str, tuple[Platform, ...]]
    by_id_attribute: dict[str, tuple[Platform, ...]]
    by_name: dict[str, Platform]
    text_forms: tuple[TextForm, ...]  # the platforms' flattened-text forms (see textform.py)
    any_post_url: re.Pattern[str]  # a quick filter: might this string hold some post URL?
    markers: tuple[str, ...]  # lowercase words that embed markup of some platform contains
    candidates: etree.XPath  # every element discovery looks at, in document order
    signatures: etree.XPath  # text nodes that may hold a byline's "(@handle)"
    # Each platform with a pattern of the words naming it in page data (named.py): its name and
    # aliases, starting a word or a camelCase part ("YoutubeBlockElement", "youtube-atom").
    naming: tuple[tuple[Platform, re.Pattern[str]], ...] = ()
    names_any: re.Pattern[str] = re.compile(r"(?!)")  # any of those words, to pass over the rest

    def hinted(self, text: str) -> bool:
        """Might this markup hold an embed at all? (a cheap test before parsing it)"""
        low = text.lower()
        return any(marker in low for marker in self.markers)

    def match_url(self, url: str) -> tuple[Platform, str] | None:
        """The platform and post id of a post URL, or None."""
        if not self.any_post_url.search(url):
            return None
        candidates = [url]
        compact = without_blobs(url)
        if compact is not None:
            candidates.append(compact)
        for candidate in candidates:
            for platform in self.platforms:
                post_id = platform.match(candidate)
                if post_id:
                    return platform, post_id
        return None

    def is_post_url(self, url: str) -> bool:
        """Is `url` a post of some platform?"""
        return self.match_url(url) is not None

    def match_frame(self, src: str) -> tuple[Platform, str, str | None] | None:
        """The platform, post id and (when the src carries one) post URL an iframe shows."""
        found = self._match_frame(src)
        compact = without_blobs(src) if found is None else None
        return self._match_frame(compact) if compact else found

    def _match_frame(self, src: str) -> tuple[Platform, str, str | None] | None:
        for platform in self.platforms:
            for pattern in platform.iframe_res:
                m = pattern.search(src)
                if not m:
                    continue
                groups = m.groupdict()
                if groups.get("id"):
                    return platform, platform.post_id(groups["id"]) or groups["id"], None
                if groups.get("url"):
                    inner = groups["url"]
                    for _ in range(3):
                        if "%" not in inner:
                            break
                        inner = unquote(inner)
                    post_id = platform.match(inner)
                    if post_id:
                        return platform, post_id, inner
        return None

    def find_post(self, value: str) -> tuple[Platform, str, str | None] | None:
        """The platform, post id and (when known) post URL that a URL names: as a post URL or an
        embed frame, or by a post URL nested inside it (an oEmbed proxy's ?url=, a consent
        service's base64 src: see unwrap.py)."""
        return self.find_nested(value, itself=True)

    def find_nested(self, value: str, itself: bool = False) -> tuple[Platform, str, str | None] | None:
        """The post named by a post URL (or embed frame) nested inside the URL `value` (and, with
        `itself`, by `value` itself): see find_post."""
        for url in _unwrapped(value.strip(), itself):
            match = self.match_url(url)
            if match is not None:
                at = self.any_post_url.search(url)  # the post URL where it stands in a decoded outer one
                return match[0], match[1], url[at.start() :] if at is not None else url
            frame = self.match_frame(url)
            if frame is not None:
                return frame
        return None

    def thumbnail(self, text: str) -> tuple[Platform, str] | None:
        """The platform and post id of a post's thumbnail image named in `text`, or None."""
        for platform in self.platforms:
            for pattern in platform.thumbnail_res:
                m = pattern.search(text)
                if m and platform.valid_id(m.group("id")):
                    return platform, m.group("id")
        return None

    def short_link(self, url: str) -> Platform | None:
        """The platform a short link (t.co, vm.tiktok.com) leads to, when one declares it."""
        for platform in self.platforms:
            if any(p.match(url) for p in platform.short_link_res):
                return platform
        return None


def _unwrapped(value: str, itself: bool) -> Iterator[str]:
    """(`value`, when `itself`, then) the URLs nested in it, unless it is a button (a share
    button's ?url= names what it shares, not what it shows)."""
    if not value:
        return
    if itself:
        yield value
    if not BUTTONS.search(value.split("?", 1)[0]):
        yield from unwrap.inner_urls(value)


def _xpath_literal(text: str) -> str:
    return f"'{text}'" if "'" not in text else f'"{text}"'


def _without_groups(pattern: str) -> str:
    return re.sub(r"\(\?P<\w+>", "(?:", pattern)


def _frame_hosts(pattern: str) -> list[str]:
    """Host words of an iframe pattern ("youtube" in youtube(?:-nocookie)?\\.com/embed/...)."""
    return [w.lower() for w in re.findall(r"[A-Za-z][A-Za-z0-9-]{4,}", pattern.split("/", 1)[0])]


_SCHEME = "(?:https?:)?//"


def _alternatives(patterns: list[str]) -> str:
    """One pattern matching what any of `patterns` matches. Those that start with the optional
    scheme share it (and the host's first character after it), so that most places in a text
    are passed over at their first character or two."""
    shared = [p[len(_SCHEME) :] for p in patterns if p.startswith(_SCHEME)]
    others = [p for p in patterns if not p.startswith(_SCHEME)]
    branches = [f"{_SCHEME}(?=[\\w\\[])(?:{'|'.join(f'(?:{p})' for p in shared)})"] if shared else []
    branches += [f"(?:{p})" for p in others]
    return "|".join(branches) or r"(?!)"


@lru_cache(maxsize=8)
def build(platforms: tuple[Platform, ...]) -> Index:
    """The Index of `platforms` (cached: the registry is built once per process)."""
    by_class: dict[str, list[Platform]] = {}
    by_tag: dict[str, list[Platform]] = {}
    by_attr: dict[str, list[Platform]] = {}
    for platform in platforms:
        for name in platform.embed_classes:
            by_class.setdefault(name.lower(), []).append(platform)
        for name in platform.embed_tags:
            by_tag.setdefault(name.lower(), []).append(platform)
        for name in platform.id_attributes:
            by_attr.setdefault(name.lower(), []).append(platform)
    url_patterns = [_without_groups(p) for platform in platforms for p in platform.url_patterns]
    any_post_url = re.compile(_alternatives(url_patterns), re.IGNORECASE)
    # Markers of embed markup: class names, tag names, id attributes and iframe hosts.
    frame_words = [w for platform in platforms for p in platform.iframe_patterns for w in _frame_hosts(p)]
    names = {p.name for p in platforms} | {a.lower() for p in platforms for a in p.aliases}
    markers = tuple(sorted({*by_class, *by_tag, *by_attr, *frame_words, *names}))
    return Index(
        platforms=platforms,
        by_class={k: tuple(v) for k, v in by_class.items()},
        by_tag={k: tuple(v) for k, v in by_tag.items()},
        by_id_attribute={k: tuple(v) for k, v in by_attr.items()},
        by_name={p.name: p for p in platforms},
        text_forms=tuple(p.text_form for p in platforms if p.text_form is not None),
        any_post_url=any_post_url,
        markers=markers,
        candidates=etree.XPath(
            _candidates(
                list(by_class),
                list(by_tag),
                list(by_attr),
                _spellings(platforms),
                sorted({w for p in platforms for t in p.thumbnails for w in _frame_hosts(t)}),
            )
        ),
        signatures=etree.XPath("/descendant::text()[contains(., '(@')]"),
        naming=tuple((p, _naming(p)) for p in platforms),
        names_any=re.compile("|".join(re.escape(w) for w in sorted(names)) or r"(?!)", re.IGNORECASE),
    )


def _naming(platform: Platform) -> re.Pattern[str]:
    words = "|".join(re.escape(w) for w in (platform.name, *platform.aliases))
    return re.compile(rf"(?:(?<![A-Za-z])|(?<=[a-z])(?=[A-Z]))(?i:{words})")


def _spellings(platforms: tuple[Platform, ...]) -> list[str]:
    """How page data spells the platforms' names: youtube, Youtube, YouTube (its stand-in's title)."""
    words: set[str] = set()
    for platform in platforms:
        for word in (platform.name, *platform.aliases):
            words.update((word, word.capitalize()))
        if platform.stand_in is not None and platform.stand_in.title:
            words.add(platform.stand_in.title)
    return sorted(w for w in words if "'" not in w)


def _candidates(
    classes: list[str], tags: list[str], id_attributes: list[str], names: list[str], thumbnails: list[str]
) -> str:
    """The XPath of every element discovery looks at: the platforms' declared markup, and all
    that may be a placeholder or hold hidden markup."""
    # A script worth reading holds embed markup (a blockquote, an iframe, an id attribute), or
    # names a platform (its data may name a post by id: named.py).
    script_words = ["blockquote", "iframe", "embed", *(a for a in id_attributes if "'" not in a), *names]
    # consent tools' boxes in place of a blocked embed (boxes.box)
    consent_words = ["onsent", "ookie", "rivacy", "gdpr", "GDPR", "dsgvo", "locke"]  # (b)locke(d|r)
    # and a publisher's own rendering of a post, classed by its platform ("react-tweet-theme")
    # and a tweet its publisher renders itself ("react-tweet-theme", "tweet-card"): every
    # platform's name here would cost a quarter of a parse more (its social icons and buttons)
    class_words = [*classes, "embed", "Embed", *consent_words, "weet"]
    tests = [  # each says of one element whether discovery looks at it
        "@class[" + " or ".join(f"contains(., {_xpath_literal(c)})" for c in class_words) + "]",
        *(f"self::{tag}" for tag in (*tags, *FRAME_TAGS) if re.fullmatch(r"[a-z][a-z0-9-]*", tag)),
        # a prefixed tag as the HTML parser keeps it (XFBML's fb:post)
        *(f"name()={_xpath_literal(tag)}" for tag in tags if re.fullmatch(r"[a-z]+:[a-z][a-z0-9-]*", tag)),
        *("@" + a for a in id_attributes if re.fullmatch(r"[a-z][a-z0-9_-]*", a)),
        "self::blockquote",
        "self::textarea",
        "self::template",
        "self::noscript[contains(., '<')]",
        "self::script[" + " or ".join(f"contains(., {_xpath_literal(w)})" for w in script_words) + "]",
        "self::script[starts-with(normalize-space(substring(., 1, 100)), 'P')]",  # base64 of "<..."
        "self::a[@href]",
        # a player's facade showing a post's thumbnail as its picture (boxes.facade)
        *(
            ["@style[" + " or ".join(f"contains(., {_xpath_literal(w)})" for w in thumbnails) + "]"]
            if thumbnails
            else []
        ),
        # schema.org microdata: a VideoObject's embedUrl (<meta itemprop="embedUrl" content=...>)
        "@itemprop='embedUrl' or @itemprop='embedURL'",
        # markup in an attribute, escaped or base64 ("<b", "<i"... encode as PG, PH); JSON props
        # (data-attrs='{"url": ...}'); a URL in an attribute named like an embed's
        "@*[contains(., '<') or starts-with(., 'PG') or starts-with(., 'PH') or starts-with(., '{')"
        # markup percent-encoded or entity-escaped twice ("%3Ciframe", "&lt;blockquote")
        " or starts-with(., '%') or starts-with(., '&')"
        # a consent tool's parked attributes (consent-original-class-_, consent-original-cite-_)
        " or starts-with(name(), 'consent-')"
        # a box saying it is an embed (BBC's data-component="embed-block")
        " or ((name() = 'data-component' or name() = 'data-testid')"
        " and contains(., 'mbed'))"
        " or contains(name(), 'embed') or contains(name(), 'permalink') or name() = 'url'"
        # an id beside the platform's name (named.py): data-asset-id, data-video-id, videoid; or a
        # post URL beside it (div.tweet data-url="https://twitter.com/...")
        " or (substring(name(), string-length(name()) - 1) = 'id' and string-length(name()) > 2)"
        " or (substring(name(), string-length(name()) - 2) = 'url' and contains(., '//'))"
        # a click-to-play facade keeping its player's URL (div.video-container data-video=".../embed/ID")
        " or (starts-with(name(), 'data-') and contains(., '//')"
        " and (contains(., '/embed') or contains(., 'player.') or contains(., '/plugins/')))]",
        # lazy loaders keep the iframe URL on a placeholder: data-src, data-lazy-src, data-iframe-src
        # (or its base64, "aHR0c..." being "http")
        # (or a player wrapper's bare id there: div.mm-youtube-container data-src="dQw4w9WgXcQ")
        "not(self::img or self::iframe or self::script or self::source)"
        " and @*[contains(name(), 'src') and (contains(., '//') or starts-with(., 'aHR0c')"
        " or (string-length(.) < 65 and not(contains(., '.')) and not(contains(., '/'))))]",
    ]
    # One step from the document with one predicate, never a union or a `//x[...]` path: libxml2
    # merges the node sets of those in time quadratic in their size (80,000 quotes took 90 s).
    return "/descendant::*[" + " or ".join(f"({test})" for test in tests) + "]"
