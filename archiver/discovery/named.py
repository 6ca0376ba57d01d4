"""Posts named by a bare id in the publisher's own data, next to a word that names the platform.

Publishers' page data and components name a post by its id under their own keys:

    {"_type": "model.dotcomrendering.pageElements.YoutubeBlockElement", "assetId": "dQw4w9WgXcQ"}
    {"provider": "twitter", "id": "1821183329484083200"}
    <div class="youtube-atom" data-asset-id="dQw4w9WgXcQ">
    <div data-youtube-id="dQw4w9WgXcQ">

An id counts only when the platform is stated beside it (in the same JSON object, or on the same
element: a type-like key or attribute whose value names the platform, or the id's own key naming
it) AND the id has that platform's shape (Platform.valid_id); a word naming a person or a page
of the platform ("twitterUser", "youtube-channel") states no post. A bare 11-character string
with no platform beside it is never a YouTube video. A URL under such a key, or an embed URL
anywhere in the object (an oEmbed proxy's, unwrapped), names its post the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from archiver.discovery.index import Index
from archiver.discovery.unwrap import looks_like_url
from archiver.platforms.base import Platform

# Words that make a mention of the platform something else than a post: a person, a page, a
# button, or what a post is filed under (a sound, a tag, a playlist: TikTok's music and hashtag
# embeds carry data-music-id and data-tag-id of a video id's shape).
_NOT_A_POST = re.compile(
    r"user|author|account|channel|profile|owner|creator|handle|screen_?name|follow|share|like|"
    r"subscri|login|logo|icon|button|hashtag|timeline|feed|page|avatar|banner|thumb|image|poster|"
    r"app_?id|app-id|client|pixel|tracking|analytics|sdk|music|sound|audio|playlist|"
    r"(?-i:(?:^|[^A-Za-z])[Tt]ags?(?![a-z])|[a-z]Tags?(?![a-z]))",
    re.IGNORECASE,
)
# Keys (and attributes) whose value may say what a thing is.
_TYPE_KEY = re.compile(
    r"type|kind|provider|platform|service|source|network|component|block|widget|embed|module|callee|"
    r"template|layout|variant|vendor|class|element|is$|^name$|^(?:data-)?name$",
    re.IGNORECASE,
)
# Keys (and attributes) whose value may be an id: "id", "assetId", "video_id", "data-embed-id",
# "vid" (a video's).
_ID_KEY = re.compile(r"(?:^|[^a-z])id$|[a-z]Id$|^vid$|^shortcode$|^code$")
_ID_NOUN = re.compile(r"(?:video|asset|media|post|content|item|clip|embed|status|story|entry)id$")
# An id is no plain word: it has a digit, or capitals among small letters ("dQw4w9WgXcQ"); and
# no short number (a publisher's own counter for its embed block: data-id="48213").
_NOT_A_WORD = re.compile(r"\d|[a-z][A-Z]|[A-Z]{2}")
_SHORT_NUMBER = re.compile(r"\d{1,7}")
# Attributes a player wrapper may keep its bare id in, as it would a URL (div.mm-youtube-container
# data-src="dQw4w9WgXcQ"): an id there counts when the element states its platform.
_BARE_SRC_KEY = re.compile(r"(?:data-)?(?:lazy-)?(?:src|video|embed)", re.IGNORECASE)
# Keys under which a component keeps its properties.
_PROPS_KEY = re.compile(r"props|properties|attrs|attributes|params|options|settings|config|data", re.I)
# Keys saying their value is what is embedded ("embedUrl", "embed_url", "oembedUrl").
_EMBED_URL_KEY = re.compile(r"embed_?(?:url|src|link)$", re.IGNORECASE)
# Keys whose value may be the post's URL.
_URL_KEY = re.compile(r"url|src|href|link|permalink|uri", re.IGNORECASE)
# Attributes that name the element itself in its page (unique per page), never a post it shows.
_OWN_NAMES = frozenset({"id", "name", "for", "form", "aria-labelledby", "aria-describedby", "aria-controls"})
MAX_MARKER = 100  # characters of a value that names a platform: a type, a class
MAX_STRINGS = 60  # string values of one object read
Post = tuple[Platform, str, str | None]  # platform, post id, its URL when one was written


def named_platform(index: Index, text: str) -> Platform | None:
    """The one platform `text` (a type, a component's name, a key: a few words at most, never
    a sentence such as a headline that mentions it) names as a kind of post."""
    if not text or len(text) > MAX_MARKER or "://" in text or not index.names_any.search(text):
        return None
    if len(text.split()) > 3:
        return None
    text = re.split(r"[./:]", text)[-1]  # "model.pageElements.YoutubeBlockElement": the type's own name
    if _NOT_A_POST.search(text):
        return None
    named = [platform for platform, pattern in index.naming if pattern.search(text)]
    return named[0] if len(named) == 1 else None


def says_no_post(path: str, obj: dict[str, str]) -> bool:
    """Does a URL's `path`, or a type in its query `obj`, say it is a button, a profile, a feed,
    not a post (/share?network=twitter&id=..., ?type=follow&source=youtube)?"""
    types = (v for k, v in obj.items() if _TYPE_KEY.search(k) and len(v) <= MAX_MARKER)
    return bool(_NOT_A_POST.search(path)) or any(_NOT_A_POST.search(v) for v in types)


def _is_id_key(index: Index, key: str) -> bool:
    """Does `key` name an id ("id", "assetId", "video_id", "data-embed-id", "youtubeid")?"""
    low = key.lower()
    if _NOT_A_POST.search(key) or not low.endswith("id"):
        return False
    return bool(_ID_KEY.search(key) or _ID_NOUN.search(low) or named_platform(index, low[:-2]))


def _bare_id(index: Index, platform: Platform, value: str) -> bool:
    """Is `value` an id of `platform` as a bare value (not a word, not a platform's name)?"""
    return (
        bool(_NOT_A_WORD.search(value))
        and not _SHORT_NUMBER.fullmatch(value)
        and platform.valid_id(value)
        and not any(value.lower() == p.name for p in index.platforms)
    )


def _post_of(index: Index, platform: Platform, key: str, value: str) -> tuple[str, str | None] | None:
    """(post id, URL) of `platform` that `value` under `key` names, if any."""
    value = value.strip()
    if not value or len(value) > 2000:
        return None
    if looks_like_url(value) or "%2F" in value:
        # under a URL's key, or an id's (Arc XP's reference: {"type": "tiktok", "id": POST_URL})
        if not (_URL_KEY.search(key) or _is_id_key(index, key)) or _NOT_A_POST.search(key):
            return None
        found = index.find_post(value)
        if found is not None and found[0] is platform:
            return found[1], found[2]
        return None
    if (_is_id_key(index, key) or _BARE_SRC_KEY.fullmatch(key)) and _bare_id(index, platform, value):
        return value, None
    return None


def in_object(index: Index, obj: dict[Any, Any], around: frozenset[Platform] = frozenset()) -> list[Post]:
    """The posts one JSON object names: by an id (or URL) beside a word naming their platform
    (in the object, or `around` it: the element whose props it is), or by an embed URL that
    wraps a post URL; (platform, post id, URL if one was written)."""
    strings = [(str(k), v) for k, v in list(obj.items())[:MAX_STRINGS] if isinstance(v, str)]
    if not strings:
        return []
    if "callee0" in obj and any(k.startswith("callee") and _NOT_A_POST.search(v) for k, v in strings):
        return []  # a call of a platform's API making a button, a feed, a profile (jsdata.calls)
    found: dict[tuple[str, str], Post] = {}
    stated = {p for key, value in strings if _TYPE_KEY.search(key) and (p := named_platform(index, value))}
    stated |= around
    if len(stated) > 1:
        stated = set()  # two platforms named: neither is stated
    if stated and not around:
        # a component and its props: {is: "tweet", props: {id: "1397..."}} (Vue, Nuxt),
        # {type: "youtube", attrs: {videoId: ...}}: the platform is stated beside the props
        for key, value in list(obj.items())[:MAX_STRINGS]:
            if isinstance(value, dict) and _PROPS_KEY.fullmatch(str(key)):
                for inner in in_object(index, value, frozenset(stated)):
                    found.setdefault((inner[0].name, inner[1]), inner)
    for key, value in strings:
        owners = set(stated)
        by_key = named_platform(index, key)  # "youtubeId", "tweet_id"
        if by_key is not None:
            owners.add(by_key)
        for platform in owners:
            post = _post_of(index, platform, key, value)
            if post is not None:
                found.setdefault((platform.name, post[0]), (platform, *post))
        if not owners and "embed" in value[:300].lower() and looks_like_url(value.strip()):
            wrapped = index.find_post(value)  # an embed proxy's URL (oEmbed ?url=...)
            if wrapped is not None and wrapped[2] != value.strip():
                found.setdefault((wrapped[0].name, wrapped[1]), wrapped)
        elif not owners and _EMBED_URL_KEY.search(key) and looks_like_url(value.strip()):
            named = index.find_post(value)  # a post URL under a key saying it is embedded
            if named is not None:
                found.setdefault((named[0].name, named[1]), named)
    return list(found.values())


def type_like(name: str) -> bool:
    """Is `name` (a key or an attribute) one whose value may say what a thing is?"""
    return _TYPE_KEY.search(name) is not None


def stated_on(index: Index, tag: str, items: Iterable[tuple[str, str]]) -> frozenset[Platform]:
    """The platforms an element says it is (its tag, a class word, a type-like attribute)."""
    markers = [tag] + [
        word
        for name, value in items
        if _TYPE_KEY.search(name)
        for word in (value.split() if name == "class" else (value,))
    ]
    if any(_NOT_A_POST.search(word) for word in markers if len(word) <= MAX_MARKER):
        return frozenset()  # <amp-social-share type="facebook">: a button, whatever ids it carries
    stated = frozenset(p for value in markers if (p := named_platform(index, value)))
    return stated if len(stated) == 1 else frozenset()  # two platforms named: neither is stated


def at_element(index: Index, tag: str, items: Iterable[tuple[str, str]]) -> Post | None:
    """The one post an element's attributes name as the module docstring tells (its class, type
    or tag naming the platform, an id attribute beside it), or None."""
    items = list(items)
    stated = stated_on(index, tag, items)
    posts: dict[tuple[str, str], tuple[Platform, str, str | None]] = {}
    for name, value in items:
        if name.lower() in _OWN_NAMES:
            continue  # the element's own name in the page (a CMS's "block-yui_3_17_..."), no post's
        owners = set(stated)
        by_name = named_platform(index, name)
        if by_name is not None:
            owners.add(by_name)
        for platform in owners:
            post = _post_of(index, platform, name, value)
            if post is not None:
                posts.setdefault((platform.name, post[0]), (platform, *post))
    return next(iter(posts.values())) if len(posts) == 1 else None


def resolved(obj: dict[Any, Any], table: list[Any] | None) -> dict[Any, Any]:
    """`obj` with its values looked up in `table` when it is a devalue object (Nuxt 3's and
    SvelteKit's payloads: a flat array whose objects hold, as every value, the index of the
    value in that array: {"provider": 149, "url": 150}); else `obj` itself."""
    if not table or not obj or not all(type(v) is int and 0 <= v < len(table) for v in obj.values()):
        return obj
    return {key: table[index] for key, index in obj.items()}


def walk_objects(data: Any, limit: int = 20_000) -> Iterator[dict[Any, Any]]:
    """Every JSON object in `data` (at most `limit`), depth first."""
    stack = [data]
    seen = 0
    while stack and seen < limit:
        value = stack.pop()
        if isinstance(value, dict):
            seen += 1
            yield value
            stack.extend(reversed(list(value.values())))
        elif isinstance(value, list):
            stack.extend(reversed(value))
