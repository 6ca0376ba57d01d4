"""The shared vocabulary: what flows between discovery, capture, the pipeline and the store."""

from __future__ import annotations

import copy
import hashlib
import json
import re
from dataclasses import asdict, dataclass, field, is_dataclass
from pathlib import Path
from typing import Any

# A post's status, as the platform tells it: the store's list, re-exported (spelled once, there).
from storage.statuses import POST_STATUSES as POST_STATUSES


@dataclass(frozen=True)
class Article:
    """A fetched article: its bytes exactly as served, and what we know of them."""

    url: str
    final_url: str
    body: bytes
    content_type: str = ""
    status: int = 200
    title: str | None = None


@dataclass(frozen=True)
class Embed:
    """One post an article embeds (or, with source="link", merely links).

    Only `platform`, `url` and `source` are always known; the rest is what the embed itself
    carries, extracted leniently. `post_id` is None while unknown (a flattened tweet whose
    only trace is a pic.twitter.com link until that link is resolved).
    """

    platform: str
    post_id: str | None
    url: str
    source: str  # blockquote | iframe | widget | text | link
    where: str = "dom"  # dom | attribute | textarea | noscript | template | script | text
    author_name: str | None = None
    author_handle: str | None = None
    date_text: str | None = None
    text: str | None = None
    media_links: tuple[str, ...] = ()
    raw: str = ""
    positions: tuple[int, ...] = ()
    # static (the article's HTML as fetched) | rendered (its DOM once the browser rendered it) |
    # frame:<url> (the DOM of a frame of the rendered page)
    found_in: str = "static"

    @property
    def key(self) -> tuple[str, str]:
        """What makes two embeds the same post."""
        return (self.platform, self.post_id or self.url)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["media_links"] = list(self.media_links)
        d["positions"] = list(self.positions)
        return d


@dataclass(frozen=True)
class Artifact:
    """A file a capture produced, before it is stored (the store names it by its SHA-256).

    `data` is the bytes, or the Path of a file holding them when they were streamed to disk
    (a large media download); Store.finish_capture takes either.
    """

    kind: str  # screenshot | dom | mhtml | warc | metadata | raw | media | html | render
    data: bytes | Path
    mime: str
    source_url: str | None = None


@dataclass
class PostData:
    """A post's structured data, normalized the same way for every platform.

    `raw` is the platform's answer exactly as received (kept as its own blob). A platform whose
    usual source did not answer and that read a thinner one instead (YouTube's oEmbed when its
    player refused, TikTok's when its page was a challenge) says so with extra["fallback"]:
    such data is not compared with what the full source gave (see `fallback`).
    """

    platform: str
    post_id: str
    url: str
    author_name: str | None = None
    author_handle: str | None = None
    created_at: str | None = None
    text: str | None = None
    lang: str | None = None
    media: list[dict[str, Any]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    raw: bytes = b""

    @property
    def fallback(self) -> bool:
        """Did it come from the platform's thinner fallback source (see the class)?"""
        return self.extra.get("fallback") is True

    @property
    def says_nothing(self) -> bool:
        """Whether the answer gave none of what every post has: text, a date, an author's name,
        media. An empty answer, or one in a format the platform's module no longer reads; such
        data is no record of the post (SAYS_NOTHING). The handle is left out: some modules spell
        it from the post's id."""
        return not (self.text or self.created_at or self.author_name or self.media)

    def normalized(self) -> dict[str, Any]:
        """Everything but the raw bytes, as a copy the caller may change: what a capture keeps as
        its metadata. The same dict as dataclasses.asdict's less "raw", built without its
        per-value deepcopy (a re-check builds thousands)."""
        return {name: _copied(getattr(self, name)) for name in _NORMALIZED}

    def content(self) -> dict[str, Any]:
        """What the post says: the normalized data less its engagement counts, which change on
        nearly every look, and less the signatures of its media URLs, which change on every
        answer. The content hash is computed over this, so a new like is no edit."""
        content: dict[str, Any] = _copied(self._content_view())
        return content

    def _content_view(self) -> dict[str, Any]:
        """content() over the data's own values, not copies: for reading only (content_hash)."""
        view = {name: getattr(self, name) for name in _CONTENT}
        view["media"] = [_unsigned(item) for item in self.media]
        return view


# Why data that says_nothing is not taken as the post's record.
SAYS_NOTHING = "its answer held no text, date, author or media: has the platform changed its format?"

# PostData's fields in their order, less the raw bytes (normalized) and less the counts (content).
_NORMALIZED = tuple(name for name in PostData.__dataclass_fields__ if name != "raw")
_CONTENT = tuple(name for name in _NORMALIZED if name != "counts")
_ATOMS = (str, int, float, bool, type(None))


def _copied(value: Any) -> Any:
    """A copy of `value` as dataclasses.asdict makes one (containers rebuilt, dataclasses as
    dicts), plain JSON values shared instead of deep-copied: they cannot change."""
    if isinstance(value, _ATOMS):
        return value
    if isinstance(value, dict):
        return type(value)((_copied(k), _copied(v)) for k, v in value.items())
    if isinstance(value, list):
        return [_copied(v) for v in value]
    if isinstance(value, tuple) and not hasattr(value, "_fields"):
        return tuple(_copied(v) for v in value)
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    return copy.deepcopy(value)  # a namedtuple, a set...: as asdict would


# Query parameters that sign a media URL for a while (fbcdn's oh/oe, TikTok's x-expires and
# x-signature, S3's): the same photo comes back under a new signature on every look.
_SIGNED = re.compile(r"[?&](?:oh|oe|x-expires|x-signature|expires|x-amz-expires|x-amz-signature)=", re.I)


def _unsigned(item: Any) -> Any:
    """A media item as the content hash sees it: each signed URL in it less its query."""
    if not isinstance(item, dict):
        return item
    return {k: v.split("?", 1)[0] if isinstance(v, str) and _SIGNED.search(v) else v for k, v in item.items()}


def content_hash(data: PostData) -> str:
    """SHA-256 of the post's content as canonical JSON: equal when what the post says is unchanged
    (counts of likes and views left out: they change on nearly every look)."""
    text = json.dumps(data._content_view(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()
