"""Reddit: blockquote.reddit-embed-bq and reddit-card, div.reddit-embed (comments), embed.reddit.com
and redditmedia.com iframes; data from the post's .json listing, oEmbed when that is refused.

The post id is the thread's base36 id (`7pfpeq`), or `THREAD/COMMENT` (`7pfpeq/dsh3k5x`) when
the embed is one comment. The id does not carry the subreddit, so canonical URLs use Reddit's
subreddit-less form, and capture renders the post page (the embed view needs the subreddit).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

import httpx

from archiver.errors import CaptureError, PostGone
from archiver.models import Embed, PostData
from archiver.platforms import oembed
from archiver.platforms.base import Page, Platform, StandIn

# The scheme is optional so that an iframe pattern can hand over a URL from its host on.
_HOST = (
    r"(?:(?:https?:)?//)?(?<![\w.-])"
    r"(?:(?:(?:www|old|new|np|m|i|amp|sh|embed)\.)?reddit\.com|(?:www\.)?redditmedia\.com)"
)
_BASE36 = r"[a-z0-9]{2,12}"
_THREAD = rf"/(?:(?:r|u|user)/[A-Za-z0-9_-]+/)?comments/(?P<thread>{_BASE36})"
# After the thread id: a slug (or "comment", or "_") and, for one comment, its id.
_COMMENT = rf"(?:/[^/?#\s\"'<>]*/(?P<comment>{_BASE36})(?=[/?#\s\"'<>]|$))?"
OEMBED = "https://www.reddit.com/oembed"
# Why Reddit refuses a listing (the "reason" of its 403/404 JSON), as a post status.
_REASONS = {
    "private": "protected",
    "banned": "unavailable",
    "quarantined": "unavailable",
    "gold_only": "protected",
}
# What removed_by_category says about a post that is no longer shown.
_REMOVED = {"deleted": "deleted", "author": "deleted"}


def make_id(m: re.Match[str]) -> str:
    comment = m.groupdict().get("comment")
    thread = m.group("thread").lower()
    return f"{thread}/{comment.lower()}" if comment else thread


def _parts(post_id: str) -> tuple[str, str | None]:
    thread, _, comment = post_id.partition("/")
    if not re.fullmatch(_BASE36, thread) or (comment and not re.fullmatch(_BASE36, comment)):
        raise ValueError(f"not a Reddit post id (THREAD or THREAD/COMMENT): {post_id!r}")
    return thread, comment or None


def canonical_url(post_id: str) -> str:
    thread, comment = _parts(post_id)
    if comment:
        return f"https://www.reddit.com/comments/{thread}/_/{comment}/"
    return f"https://www.reddit.com/comments/{thread}/"


def _refusal(response: httpx.Response) -> str | None:
    """The reason Reddit gives for refusing a listing ("private", "banned", ...), if it gives one."""
    try:
        reason = oembed.mapping(oembed.json_body(response)).get("reason")
    except CaptureError:
        return None
    return reason if isinstance(reason, str) else None


def _listing_things(data: Any) -> list[dict[str, Any]]:
    """The things in a .json answer: [post listing, comments listing] or one listing."""
    listings = data if isinstance(data, list) else [data]
    things = []
    for listing in listings:
        for child in oembed.mapping(oembed.mapping(listing).get("data")).get("children") or []:
            thing = oembed.mapping(child)
            if thing.get("kind") in ("t1", "t3"):
                things.append({"kind": thing["kind"], **oembed.mapping(thing.get("data"))})
    return things


def _media(post: dict[str, Any]) -> list[dict[str, Any]]:
    items: list[dict[str, Any] | None] = []
    video = oembed.mapping(oembed.mapping(post.get("secure_media") or post.get("media")).get("reddit_video"))
    if video:
        items.append(oembed.media(video.get("fallback_url"), "video", hls=video.get("hls_url")))
    metadata = oembed.mapping(post.get("media_metadata"))
    order = [oembed.mapping(i) for i in oembed.mapping(post.get("gallery_data")).get("items") or []]
    for entry in order or [{"media_id": key} for key in metadata]:
        meta = oembed.mapping(metadata.get(str(entry.get("media_id"))))
        source = oembed.mapping(meta.get("s"))
        url = source.get("u") or source.get("gif") or source.get("mp4")
        kind = "gif" if meta.get("e") == "AnimatedImage" else "photo"
        items.append(
            oembed.media(html.unescape(url) if isinstance(url, str) else None, kind, entry.get("caption"))
        )
    if not items:
        for image in oembed.mapping(post.get("preview")).get("images") or []:
            url = oembed.mapping(oembed.mapping(image).get("source")).get("url")
            items.append(oembed.media(html.unescape(url) if isinstance(url, str) else None, "photo"))
    return [item for item in items if item]


def _gone(thing: dict[str, Any], post_id: str) -> PostGone | None:
    """Reddit keeps a removed thing's shell: read whether it is still shown."""
    removed_by = thing.get("removed_by_category")
    if isinstance(removed_by, str) and removed_by:
        return PostGone(_REMOVED.get(removed_by, "unavailable"), f"Reddit {post_id}: removed ({removed_by})")
    body = thing.get("body") if thing["kind"] == "t1" else thing.get("selftext")
    if body == "[deleted]" and thing.get("author") == "[deleted]":
        return PostGone("deleted", f"Reddit {post_id}: deleted by its author")
    if body == "[removed]":
        return PostGone("unavailable", f"Reddit {post_id}: removed")
    return None


def _from_thing(thing: dict[str, Any], post_id: str, raw: bytes) -> PostData:
    is_comment = thing["kind"] == "t1"
    title = oembed.text(thing.get("title"))
    body = oembed.text(thing.get("body") if is_comment else thing.get("selftext"))
    edited = thing.get("edited")
    permalink = oembed.text(thing.get("permalink"))
    extra = {
        "subreddit": thing.get("subreddit"),
        "title": title,
        "link_url": None if is_comment or thing.get("is_self") else thing.get("url"),
        "edited_at": oembed.iso_datetime(edited) if not isinstance(edited, bool) else None,
        "over_18": thing.get("over_18"),
        "locked": thing.get("locked") or None,
    }
    return PostData(
        platform="reddit",
        post_id=post_id,
        url=f"https://www.reddit.com{permalink}"
        if permalink and permalink.startswith("/")
        else canonical_url(post_id),
        author_name=oembed.text(thing.get("author")),
        author_handle=oembed.text(thing.get("author")),
        created_at=oembed.iso_datetime(thing.get("created_utc")),
        text="\n\n".join(part for part in (title, body) if part) or None,
        media=[] if is_comment else _media(thing),
        counts=oembed.counts(score=thing.get("score"), comments=thing.get("num_comments")),
        extra={k: v for k, v in extra.items() if v is not None},
        raw=raw,
    )


async def _from_oembed(client: httpx.AsyncClient, post_id: str) -> PostData:
    """What oEmbed tells (title, author): the fallback when the listing is refused without a reason."""
    data, raw = await oembed.fetch_oembed(client, OEMBED, canonical_url(post_id))
    return PostData(
        platform="reddit",
        post_id=post_id,
        url=canonical_url(post_id),
        author_name=oembed.text(data.get("author_name")),
        author_handle=oembed.text(data.get("author_name")),
        text=oembed.text(data.get("title")),
        extra={"source": "oembed"},
        raw=raw,
    )


async def fetch_data(client: httpx.AsyncClient, post_id: str) -> PostData:
    """The thread's listing (GET /comments/THREAD.json, ?comment=ID for one comment).

    Reddit keeps a removed post's shell: removed_by_category, or "[deleted]" text, says it is gone.
    A 403/404 names its reason (private, banned, quarantined); a 403 without one is a block of
    our client, not of the post, and oEmbed is asked instead.
    """
    thread, comment = _parts(post_id)
    params = {"raw_json": "1", **({"comment": comment} if comment else {})}
    response = await client.get(
        f"https://www.reddit.com/comments/{thread}/.json", params=params, follow_redirects=True
    )
    if response.status_code in (403, 404):
        reason = _refusal(response)
        if reason in _REASONS:
            raise PostGone(_REASONS[reason], f"Reddit {post_id}: {reason}", response.status_code)
        if response.status_code == 404:
            raise PostGone("deleted", f"Reddit {post_id}: not found", 404)
        return await _from_oembed(client, post_id)  # a refusal without a reason: blocked, not gone
    response.raise_for_status()
    wanted = ("t1", comment) if comment else ("t3", thread)
    thing = next(
        (t for t in _listing_things(oembed.json_body(response)) if (t["kind"], t.get("id")) == wanted), None
    )
    if thing is None:
        raise PostGone("deleted", f"Reddit {post_id}: not in its thread", response.status_code)
    gone = _gone(thing, post_id)
    if gone is not None:
        raise gone
    return _from_thing(thing, post_id, response.content)


EMBED_CLASSES = ("reddit-embed-bq", "reddit-card", "reddit-embed")
_USER_LINK = re.compile(r"reddit\.com/(?:u|user)/([A-Za-z0-9_-]{2,30})/?(?:[?#]|$)")


def detect(doc: Page) -> Iterator[Embed]:
    """Reddit's embed code: the post it shows is its FIRST post link.

    A comment's embed links the comment, then the discussion it belongs to, so the generic
    rule for embed placeholders (the last post link wins, right for tweets) would name the thread.
    """
    for element in doc.root.iter("blockquote", "div"):
        classes = (element.get("class") or "").lower().split()
        if doc.is_claimed(element) or not any(name in classes for name in EMBED_CLASSES):
            continue
        anchors = [(a.get("href") or "", " ".join(a.text_content().split())) for a in element.iter("a")]
        hrefs = [element.get(name) or "" for name in ("cite", "data-href", "data-url")]
        found = next(
            ((href, title) for href, title in [*((h, "") for h in hrefs), *anchors] if PLATFORM.match(href)),
            None,
        )
        if found is None:
            continue
        href, title = found
        author = next((m.group(1) for h, _ in anchors if (m := _USER_LINK.search(h))), None)
        doc.claim(element)
        yield doc.embed(
            PLATFORM,
            PLATFORM.match(href),
            "blockquote" if element.tag == "blockquote" else "widget",
            element,
            url=href,
            author_handle=author,
            text=title or None,
        )


PLATFORM = Platform(
    name="reddit",
    url_patterns=(
        _HOST + _THREAD + _COMMENT,
        r"(?:https?:)?//(?:www\.)?redd\.it/(?P<thread>" + _BASE36 + r")(?![\w])",
    ),
    canonical_url=canonical_url,
    video=True,
    make_id=make_id,
    detectors=(detect,),
    iframe_patterns=(
        r"(?P<url>(?:https?:)?//(?:embed\.reddit\.com|(?:www\.)?redditmedia\.com)/r/[^\s\"'<>?#]+)",
    ),
    short_links=(r"(?:https?:)?//(?:www\.)?reddit\.com/r/[A-Za-z0-9_]+/s/[A-Za-z0-9]+",),
    render_selector="shreddit-post, shreddit-comment",
    fetch_data=fetch_data,
    stand_in=StandIn(
        title="Reddit",
        hosts=("embed.reddit.com", "www.reddit.com"),
        path=r"/(?:r/\w+/)?comments/.+",
        image_host="preview.redd.it",
        tag="shreddit-post",
    ),
    probe="https://www.reddit.com/r/me_irl/comments/52rmir/me_irl/",  # amp-reddit's docs
    examples=(
        (
            "https://www.reddit.com/r/investing/comments/7pfpeq/buffett_on_cyrptocurrencies_i_can_say_almost_with/",
            "7pfpeq",
        ),
        ("https://www.reddit.com/r/investing/comments/7pfpeq/buffett/dsh3k5x/?context=3", "7pfpeq/dsh3k5x"),
        ("https://www.reddit.com/r/pics/comments/92dd8/comment/c0b6xx0/", "92dd8/c0b6xx0"),
        ("https://old.reddit.com/comments/7pfpeq", "7pfpeq"),
        ("https://redd.it/7pfpeq", "7pfpeq"),
        (
            "https://embed.reddit.com/r/gaming/comments/1tki2q5/valorants_new_vanguard_update_seems_to_be/?embed=true",
            "1tki2q5",
        ),
    ),
)
