"""Hidden places: embed markup a plain DOM walk does not see as elements.

- escaped HTML inside an attribute (consent wrappers: data-content='&lt;blockquote ...');
- the same, base64-encoded (consent plugins keep the original embed code so: data-html="PGJs...");
- the raw text of a <textarea> (privacy wrappers keep the embed code there until consent);
- <noscript>/<template> content kept as text, and <script type="text/template">;
- HTML strings inside JSON or JavaScript in a <script> (framework props, page state);
- posts that an object of that JSON names by id beside its platform (a YoutubeBlockElement's
  assetId), as the `named` test passed in finds them (named.py): a Fragment with `post` set.

The first kinds are the article's own markup, waiting to be shown. JSON in a script is page
*data*, which often also carries other articles' or sidebars' posts: its fragments are marked
`data=True`, those under keys that name other content ("related", "recommended"...) are left
out, and each carries its `owner`: the URLs (or slug) of the nearest object around it that
names an article, so that `belongs` can tell this article's body from another's.
"""

from __future__ import annotations

import base64
import binascii
import html
import itertools
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from archiver.discovery import jsdata

MAX_FRAGMENTS = 200  # per element: one holding thousands of escaped snippets is no article's
MAX_SCRIPT_CHARS = 5_000_000
MAX_CALLING_SCRIPT = 50_000  # characters of a script read for calls of a platform's API (not a bundle)
MAX_HELD_SCRIPT = 20_000  # characters of a script inside an embed's box that keeps its embed
# Class words of a box around an embed or standing for a blocked one.
_EMBED_BOX = re.compile(r"embed|consent|cookie|privacy|gdpr|blocked|blocker", re.IGNORECASE)
_OTHER_CONTENT = re.compile(
    r"related|recommend|recirc|popular|trending|latest|sidebar|teaser|promo|most_?read|"
    r"more_?(?:stories|articles|news|from)|next_?(?:article|story|post)|also_?read|feed",
    re.IGNORECASE,
)
# Keys whose value names the article an object is (its URL, path or slug).
_NAMING_KEYS = frozenset(
    {"url", "link", "canonical_url", "canonicalurl", "canonical", "permalink", "website_url", "websiteurl"}
    | {"slug", "share_url", "shareurl", "path"}
)
_MARKUP_SCRIPT_TYPES = re.compile(r"template|html|x-tmpl|handlebars|mustache|underscore", re.IGNORECASE)
_JSON_SCRIPT_TYPES = re.compile(r"json", re.IGNORECASE)
_STRING = re.compile(r'"((?:[^"\\\n]|\\.){20,})"|\'((?:[^\'\\\n]|\\.){20,})\'')
_BASE64 = re.compile(r"[A-Za-z0-9+/]+={0,2}")
_ESCAPED_TAG = re.compile(r"<|\\u003c|\\x3c|&lt;|^%(?:25)?3c", re.IGNORECASE)
# Elements whose raw text may be markup waiting to be shown, and the place each is reported as.
_RAW_TEXT_TAGS = {"textarea": "textarea", "noscript": "noscript", "template": "template"}
_RAW_TEXT_TAGS |= {"xmp": "textarea", "iframe": "template"}
# Page data keyed by an article's URL without its scheme: "www.example.com/news/story".
_HOST_PATH = re.compile(r"(?:[a-z0-9-]+\.)+[a-z]{2,}(?=/)", re.IGNORECASE)
# `x = JSON.parse('...')`: page data given as a string literal (its quote, backtick or not).
_JSON_PARSE = re.compile(r"(?<![\w$.])JSON\.parse\(\s*([`'\"])")
# `x = {` in a script: where its JSON value starts (the first such, within its first characters:
# `window.Fusion=window.Fusion||{};Fusion.globalContent={...}`).
_ASSIGNED = re.compile(r"(?<![=!<>])=\s*(?=[{\[])")


@dataclass(frozen=True)
class Fragment:
    """Markup found hidden inside an element, to be parsed and scanned as a document of its own."""

    markup: str
    where: str  # attribute | textarea | noscript | template | script
    host: Any  # the element that held it (its line is the fragment's position)
    data: bool = False  # page data (JSON), not markup waiting to be shown
    owner: tuple[str, ...] = ()  # for data: URLs/slug of the article object around it, if any
    # A post a JSON object names without markup: (platform, post id, its URL if written); the
    # markup is then the object's JSON, kept as the embed's raw form.
    post: tuple[str, str, str | None] | None = None


Test = Callable[[str], bool]
# The posts one JSON object names (platform, post id, URL or None), see named.py.
# The posts one JSON object names (platform, post id, URL or None), see named.py; the second
# argument is the document's top-level array, when it is one (devalue's table of values).
Named = Callable[[dict[Any, Any], list[Any] | None], list[tuple[str, str, str | None]]]


def fragments(element: Any, hint: Test, is_post_url: Test, named: Named | None = None) -> Iterator[Fragment]:
    """The hidden markup `element` holds (in its attributes or its raw text) that may embed a post,
    MAX_FRAGMENTS at most.

    `hint` says whether text may hold embed markup at all; `is_post_url` tells a post's own URL
    (in an oEmbed object) from an article's, when looking for the article a JSON string is in;
    `named` finds the posts a JSON object of a script names by id.
    """
    return itertools.islice(_fragments(element, hint, is_post_url, named), MAX_FRAGMENTS)


def _fragments(element: Any, hint: Test, is_post_url: Test, named: Named | None) -> Iterator[Fragment]:
    tag = element.tag if isinstance(element.tag, str) else ""
    for _name, value in element.items():
        decoded = _base64_markup(value) or _escaped_markup(value)
        if decoded is not None and hint(decoded):
            yield Fragment(decoded, "attribute", element)
        elif "<" in value and hint(value):
            stripped = value.lstrip()
            if stripped[:1] in "{[":
                for text, owner, _post in _json_strings(stripped, hint, is_post_url, None):
                    yield Fragment(text, "attribute", element, data=True, owner=owner)
            else:
                yield Fragment(value, "attribute", element)
    text = element.text or ""
    if tag in _RAW_TEXT_TAGS and "<" in text and hint(text):
        # (an iframe's own text: Facebook Instant Articles' figure.op-interactive > iframe holds
        # the embed code itself)
        yield Fragment(text, _RAW_TEXT_TAGS[tag], element)
    elif tag in ("script", "template", "textarea") and (decoded := _base64_markup(text)) is not None:
        if hint(decoded):
            yield Fragment(decoded, "template" if tag == "script" else tag, element)
    elif tag == "script" and text and hint(text[:MAX_SCRIPT_CHARS]):
        kind = element.get("type") or ""
        start = text.lstrip()[:4]
        markup = start[:1] == "<" and not _JSON_SCRIPT_TYPES.search(kind)
        if markup or _MARKUP_SCRIPT_TYPES.search(kind):
            yield Fragment(text, "template", element)
            return
        if start == "&lt;" and not _JSON_SCRIPT_TYPES.search(kind):
            # a consent tool's blocked embed kept HTML-escaped (zotonic's text/x-cookie-consented)
            yield Fragment(html.unescape(text), "template", element)
            return
        # A small script inside an embed's or a consent tool's box keeps that embed (Embed Privacy's
        # `var _oembed_x = '{"embed": "&lt;iframe ..."}'` in div.embed-privacy-content): it is the
        # article's markup waiting to be shown, not page data.
        data = len(text) > MAX_HELD_SCRIPT or not _in_embed_box(element)
        for value, owner, post in _json_strings(text[:MAX_SCRIPT_CHARS], hint, is_post_url, named):
            yield Fragment(value, "script", element, data=data, owner=owner, post=post)
    elif tag == "script" and named is not None and "embed" in text[:MAX_SCRIPT_CHARS].lower():
        # page data naming no platform in plain words may still hold an embed proxy's URL whose
        # post URL is encoded (unwrap.py): its objects are read for that alone
        data = _load_json(text[:MAX_SCRIPT_CHARS])
        for value, owner, post in _walk(data, hint, is_post_url, named) if data is not None else ():
            yield Fragment(value, "script", element, data=True, owner=owner, post=post)


Found = tuple[str, tuple[str, ...], "tuple[str, str, str | None] | None"]


def _json_strings(text: str, hint: Test, is_post_url: Test, named: Named | None) -> Iterator[Found]:
    """HTML-bearing strings in JSON or JavaScript text, with their owner when it is JSON; and the
    posts its objects name (with their JSON as the text)."""
    data = _load_json(text)
    if data is not None:
        yield from _walk(data, hint, is_post_url, named)
        return
    if named is not None and (literal := jsdata.read(text)) is not None:
        # page data as a JavaScript literal (Nuxt 2's payload): the posts its objects name;
        # its HTML strings are read below, as any script's
        yield from _walk(literal, _never, is_post_url, named)
    if named is not None and len(text) <= MAX_CALLING_SCRIPT:
        # the platforms' own JavaScript APIs: new YT.Player("el", {videoId: ...}),
        # twttr.widgets.createTweet("20", el), in a page's own small script
        for call in jsdata.calls(text, hint):
            for post in named(call, None):
                yield _compact(call), (), post
    for m in _STRING.finditer(text):
        raw = m.group(1) if m.group(1) is not None else m.group(2)
        if not _ESCAPED_TAG.search(raw) or not hint(raw):
            continue
        value = jsdata.unescape(raw)
        if value[:1] == "%":  # embed code kept percent-encoded
            value = _escaped_markup(value) or value
        if value.lstrip()[:1] in "{[" and (inner := _load_json(value)) is not None:
            # JSON kept in a JavaScript string: its HTML strings, entity-escaped or not
            for text_in, _owner, _post in _walk(inner, hint, is_post_url, None):
                yield text_in, (), None
            continue
        if "<" not in value and "&lt;" in value:
            value = html.unescape(value)
        if "<" in value:
            yield value, (), None


def _never(_text: str) -> bool:
    return False


def _load_json(text: str) -> Any:
    stripped = text.strip()
    start = 0 if stripped[:1] in "{[" else -1
    if start < 0:  # `var x = {...};`, `window.__STATE__ = {...}`: the value after the "="
        eq = _ASSIGNED.search(stripped, 0, 300)
        if eq is not None:
            stripped = stripped[eq.end() :]
        elif (parsed := _parsed_literal(stripped)) is not None:
            stripped = parsed.strip()
        else:
            return None
    try:
        value, _end = json.JSONDecoder().raw_decode(stripped)
    except (ValueError, RecursionError):
        return None
    return value


def _parsed_literal(text: str) -> str | None:
    """The JSON text of `x = JSON.parse('...')` (or "..." or `...`): the string literal's text,
    unescaped; None when the script does not start so, or the literal does not end."""
    m = _JSON_PARSE.search(text, 0, 300)
    if m is None:
        return None
    quote, start = m.group(1), m.end()
    end = start
    while (end := text.find(quote, end)) >= 0:
        before = end
        while before > start and text[before - 1] == "\\":
            before -= 1
        if (end - before) % 2 == 0:  # not an escaped quote
            return jsdata.unescape(text[start:end])
        end += 1
    return None


def _walk(data: Any, hint: Test, is_post_url: Test, named: Named | None) -> Iterator[Found]:
    stack: list[tuple[Any, tuple[str, ...]]] = [(data, ())]
    while stack:
        value, owner = stack.pop()
        if isinstance(value, str):
            decoded = _escaped_markup(value) if value[:1] == "%" else None
            if decoded is not None and hint(decoded):  # embed code kept percent-encoded
                yield decoded, owner, None
            elif ("<" in value or "&lt;" in value) and hint(value):
                yield (value if "<" in value else html.unescape(value)), owner, None
            elif value.lstrip()[:1] in "{[" and hint(value):  # JSON inside a JSON string
                inner = _load_json(value)
                if inner is not None:
                    stack.append((inner, owner))
        elif isinstance(value, dict):
            names = _article_names(value, is_post_url) or owner
            for post in named(value, data if isinstance(data, list) else None) if named is not None else ():
                yield _compact(value), names, post
            for key, item in reversed(list(value.items())):
                if isinstance(key, str) and _OTHER_CONTENT.search(key):
                    continue
                stack.append((item, names))
        elif isinstance(value, list):
            stack.extend((item, owner) for item in reversed(value))


def _compact(obj: dict[Any, Any]) -> str:
    """A JSON object as short text (the raw form of the post it names)."""
    try:
        return json.dumps(obj, ensure_ascii=False)[:2000]
    except (TypeError, ValueError):
        return ""


def _article_names(obj: dict[Any, Any], is_post_url: Test) -> tuple[str, ...]:
    """The URLs and slug by which a JSON object names an article (not a post's own oEmbed URL)."""
    names = []
    for key, value in obj.items():
        if isinstance(key, str) and key.lower() in _NAMING_KEYS and isinstance(value, str):
            value = value.strip()
            if value and len(value) < 500 and " " not in value and not is_post_url(value):
                names.append(value)
    return tuple(names)


def _in_embed_box(element: Any) -> bool:
    """Is `element` inside (at most two levels below) an element whose class names an embed or a
    consent tool's box?"""
    parent = element.getparent()
    for _ in range(2):
        if parent is None:
            return False
        if _EMBED_BOX.search(parent.get("class") or ""):
            return True
        parent = parent.getparent()
    return False


def _escaped_markup(value: str) -> str | None:
    """The markup an attribute keeps percent-encoded ("%3Ciframe%20src...") or entity-escaped once
    more than the parser undoes ("&lt;blockquote ..."), when it starts so; else None."""
    if value[:1] not in ("%", "&"):
        return None
    head = value[:6].lower()
    text = value
    for _ in range(3):
        if head.startswith(("%3c", "%253c")):
            text = unquote(text)
        elif head.startswith("&lt;"):
            text = html.unescape(text)
        else:
            break
        head = text[:6].lower()
    return text if text is not value and text[:1] == "<" else None


def _base64_markup(value: str) -> str | None:
    """The markup a base64 value encodes, when it is one (it starts with "<" once decoded)."""
    head = value[:64].strip()
    if len(head) < 40 or not _BASE64.fullmatch(head):
        return None
    try:
        if b"<" not in base64.b64decode(head[:40])[:12]:
            return None
        data = base64.b64decode("".join(value.split()), validate=False)
    except (ValueError, binascii.Error):
        return None
    text = data.decode("utf-8", "replace")
    return text if "<" in text else None


def belongs(owner: tuple[str, ...], page_urls: tuple[str, ...]) -> bool | None:
    """Is page data named `owner` this article's? True when it names this page, False when it
    names another, None when it cannot be told (no names, or a page that does not say its URL)."""
    pages = [p for p in (_path(u) for u in page_urls) if p]
    names = [n for n in owner if n.strip("/")]
    if not names or not pages:
        return None
    for name in names:
        if "/" in name:
            if _path(name) in pages:
                return True
        elif any(page.rsplit("/", 1)[-1] == name.lower() for page in pages):
            return True
    return False


def _path(url: str) -> str:
    if _HOST_PATH.match(url.strip()):
        url = "//" + url.strip()
    try:
        path = urlsplit(url).path if "://" in url or url.startswith("//") else url.split("?")[0]
    except ValueError:
        return ""
    path = path.strip().rstrip("/").lower()
    return path if not path or path.startswith("/") else "/" + path
