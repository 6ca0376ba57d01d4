"""Hidden places: embed markup a plain DOM walk does not see as elements.

- escaped HTML inside an attribute (consent wrappers: data-content='&lt;blockquote ...');
- the raw text of a <textarea> (privacy wrappers keep the embed code there until consent);
- <noscript>/<template> content kept as text, and <script type="text/template">;
- HTML strings inside JSON or JavaScript in a <script> (framework props, page state).

The first kinds are the article's own markup, waiting to be shown. JSON in a script is page
*data*, which often also carries other articles' or sidebars' posts: its fragments are marked
`data=True`, and those under keys that name other content ("related", "recommended"...) are
left out.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

MAX_FRAGMENTS = 200  # per document: a page with thousands of escaped snippets is not an article
MAX_SCRIPT_CHARS = 5_000_000
_OTHER_CONTENT = re.compile(
    r"related|recommend|recirc|popular|trending|latest|sidebar|teaser|promo|most_?read|"
    r"more_?(?:stories|articles|news|from)|next_?(?:article|story|post)|also_?read|feed",
    re.IGNORECASE,
)
_MARKUP_SCRIPT_TYPES = re.compile(r"template|html|x-tmpl|handlebars|mustache|underscore", re.IGNORECASE)
_JSON_SCRIPT_TYPES = re.compile(r"json", re.IGNORECASE)
_STRING = re.compile(r'"((?:[^"\\\n]|\\.){20,})"|\'((?:[^\'\\\n]|\\.){20,})\'')
_ESCAPED_TAG = re.compile(r"<|\\u003c|\\x3c|&lt;", re.IGNORECASE)


@dataclass(frozen=True)
class Fragment:
    markup: str
    where: str  # attribute | textarea | noscript | template | script
    host: Any  # the element that held it (its line is the fragment's position)
    data: bool = False  # page data (JSON), not markup waiting to be shown


Hint = Callable[[str], bool]  # might this text hold embed markup? (Index.hinted)


def fragments(element: Any, hint: Hint) -> Iterator[Fragment]:
    """The hidden markup `element` holds (in its attributes or its raw text) that may embed a post."""
    tag = element.tag if isinstance(element.tag, str) else ""
    for _name, value in element.items():
        if "<" in value and hint(value):
            stripped = value.lstrip()
            if stripped[:1] in "{[":
                for text, _path in _json_strings(stripped, hint):
                    yield Fragment(text, "attribute", element, data=True)
            else:
                yield Fragment(value, "attribute", element)
    text = element.text or ""
    if tag in ("textarea", "noscript", "template", "xmp") and "<" in text and hint(text):
        yield Fragment(text, "textarea" if tag == "xmp" else tag, element)
    elif tag == "script" and text and hint(text[:MAX_SCRIPT_CHARS]):
        kind = element.get("type") or ""
        markup = text.lstrip()[:1] == "<" and not _JSON_SCRIPT_TYPES.search(kind)
        if markup or _MARKUP_SCRIPT_TYPES.search(kind):
            yield Fragment(text, "template", element)
            return
        for value, _path in _json_strings(text[:MAX_SCRIPT_CHARS], hint):
            yield Fragment(value, "script", element, data=True)


def _json_strings(text: str, hint: Hint) -> Iterator[tuple[str, str]]:
    """HTML-bearing strings in JSON or JavaScript text, with their key path when it is JSON."""
    data = _load_json(text)
    if data is not None:
        yield from _walk(data, hint)
        return
    for m in _STRING.finditer(text):
        raw = m.group(1) if m.group(1) is not None else m.group(2)
        if not _ESCAPED_TAG.search(raw) or not hint(raw):
            continue
        value = _unescape_js(raw)
        if "<" not in value and "&lt;" in value:
            value = html.unescape(value)
        if "<" in value:
            yield value, ""


def _load_json(text: str) -> Any:
    stripped = text.strip()
    start = 0 if stripped[:1] in "{[" else -1
    if start < 0:  # `var x = {...};`, `window.__STATE__ = {...}`: the value after the first "="
        eq = stripped.find("=")
        if eq < 0 or eq > 200:
            return None
        rest = stripped[eq + 1 :].lstrip()
        if rest[:1] not in "{[":
            return None
        stripped = rest
    try:
        value, _end = json.JSONDecoder().raw_decode(stripped)
    except (ValueError, RecursionError):
        return None
    return value


def _walk(data: Any, hint: Hint) -> Iterator[tuple[str, str]]:
    stack: list[tuple[Any, str]] = [(data, "")]
    found = 0
    while stack and found < MAX_FRAGMENTS:
        value, path = stack.pop()
        if isinstance(value, str):
            if ("<" in value or "&lt;" in value) and hint(value):
                found += 1
                yield (value if "<" in value else html.unescape(value)), path
            elif value.lstrip()[:1] in "{[" and hint(value):  # JSON inside a JSON string
                inner = _load_json(value)
                if inner is not None:
                    stack.append((inner, path))
        elif isinstance(value, dict):
            for key, item in reversed(list(value.items())):
                if isinstance(key, str) and _OTHER_CONTENT.search(key):
                    continue
                stack.append((item, f"{path}/{key}"))
        elif isinstance(value, list):
            stack.extend((item, path) for item in reversed(value))


def _unescape_js(raw: str) -> str:
    try:
        return str(json.loads(f'"{raw}"'))
    except ValueError:
        pass
    text = raw.replace("\\/", "/").replace("\\'", "'").replace('\\"', '"')
    text = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)
    text = re.sub(r"\\x([0-9a-fA-F]{2})", lambda m: chr(int(m.group(1), 16)), text)
    return text.replace("\\n", "\n").replace("\\t", "\t").replace("\\\\", "\\")
