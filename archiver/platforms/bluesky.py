"""Bluesky: blockquote.bluesky-embed (data-bluesky-uri), embed.bsky.app iframes; data from the public API.

The post id is `AUTHORITY/RKEY`: the author's DID (`did:plc:...`) or handle, a slash, and the
post's record key, as in `did:plc:ic6zqvuw5ulmfpjiwnhsr2ns/3k7qmjev5lr2s`. Embed code always
carries the DID (the at:// URI); a link on bsky.app may carry the handle instead, and the same
post reached both ways is two ids until a handle is resolved.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

import httpx

from archiver.errors import CaptureError, PostGone
from archiver.models import PostData
from archiver.platforms import oembed
from archiver.platforms.base import Platform, StandIn

API = "https://public.api.bsky.app/xrpc/"
_WHO = r"(?P<who>[^/?#\s\"'<>]+)"
_RKEY = r"(?P<rkey>[A-Za-z0-9_~-]{1,64})"
_DID = re.compile(r"did:[a-z]+:[A-Za-z0-9._:-]+")
_HANDLE = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]*[a-z0-9]")
# The API's error names for an author who is not there to show the post.
_ACCOUNT_GONE = {"AccountTakedown": "suspended", "AccountDeactivated": "unavailable"}


def make_id(m: re.Match[str]) -> str | None:
    who = unquote(m.group("who"))
    if _DID.fullmatch(who):
        return f"{who}/{m.group('rkey')}"
    who = who.lower().lstrip("@")
    if _HANDLE.fullmatch(who):
        return f"{who}/{m.group('rkey')}"
    return None


def _split(post_id: str) -> tuple[str, str]:
    who, sep, rkey = post_id.rpartition("/")
    if not sep or not who or not rkey:
        raise ValueError(f"not a Bluesky post id (AUTHORITY/RKEY): {post_id!r}")
    return who, rkey


def canonical_url(post_id: str) -> str:
    who, rkey = _split(post_id)
    return f"https://bsky.app/profile/{who}/post/{rkey}"


def at_uri(did: str, rkey: str) -> str:
    return f"at://{did}/app.bsky.feed.post/{rkey}"


def embed_url(post_id: str) -> str | None:
    """The embed view needs the DID; with only a handle, capture renders the post page."""
    who, rkey = _split(post_id)
    if who.startswith("did:"):
        return f"https://embed.bsky.app/embed/{who}/app.bsky.feed.post/{rkey}"
    return None


class _XrpcError(Exception):
    def __init__(self, error: str, message: str, response: httpx.Response) -> None:
        super().__init__(f"{error}: {message}")
        self.error = error
        self.message = message
        self.response = response


async def _xrpc(
    client: httpx.AsyncClient, method: str, params: dict[str, str]
) -> tuple[dict[str, Any], bytes]:
    """Call one XRPC method. A 400 names its error; the caller decides what it means."""
    response = await client.get(API + method, params=params, follow_redirects=True)
    if response.status_code == 400:
        body = oembed.json_body(response) if response.content else {}
        error = body.get("error") if isinstance(body, dict) else None
        message = body.get("message") if isinstance(body, dict) else None
        raise _XrpcError(str(error or "InvalidRequest"), str(message or ""), response)
    response.raise_for_status()
    return oembed.json_object(response), response.content


async def _resolve(client: httpx.AsyncClient, handle: str) -> str:
    try:
        data, _ = await _xrpc(client, "com.atproto.identity.resolveHandle", {"handle": handle})
    except _XrpcError as exc:
        # The handle names no account now: renamed or gone, the post is not reachable by it.
        raise PostGone("unavailable", f"Bluesky handle {handle}: {exc}", 400) from None
    did = data.get("did")
    if not isinstance(did, str) or not _DID.fullmatch(did):
        raise CaptureError(f"Bluesky handle {handle}: resolved to no DID")
    return did


async def _why_missing(client: httpx.AsyncClient, did: str, post_id: str) -> PostGone:
    """The post is not found: ask whether its author is suspended or deactivated."""
    try:
        await _xrpc(client, "app.bsky.actor.getProfile", {"actor": did})
    except _XrpcError as exc:
        status = _ACCOUNT_GONE.get(exc.error)
        if status:
            return PostGone(status, f"Bluesky post {post_id}: {exc}", 400)
    return PostGone("deleted", f"Bluesky post {post_id}: not found", 400)


def _media(embed: Any) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Media items and link/quote details from a post's embed view, whatever its type."""
    items: list[dict[str, Any]] = []
    extra: dict[str, Any] = {}
    if not isinstance(embed, dict):
        return items, extra
    kind = str(embed.get("$type", ""))
    for image in embed.get("images") or []:
        if isinstance(image, dict):
            item = oembed.media(image.get("fullsize") or image.get("thumb"), "photo", image.get("alt"))
            if item:
                items.append(item)
    if kind.startswith("app.bsky.embed.video"):
        item = oembed.media(embed.get("playlist"), "hls", embed.get("alt"), preview=embed.get("thumbnail"))
        if item:
            items.append(item)
    external = embed.get("external")
    if isinstance(external, dict) and external.get("uri"):
        extra["link"] = {k: external.get(k) for k in ("uri", "title", "description", "thumb")}
    record = oembed.mapping(embed.get("record"))
    quoted = oembed.mapping(record.get("record")) or record  # recordWithMedia nests it once more
    if isinstance(quoted.get("uri"), str):
        extra["quoted"] = quoted["uri"]
    inner = embed.get("media")
    if isinstance(inner, dict):  # recordWithMedia: a quote plus images or a video
        more, more_extra = _media(inner)
        items.extend(more)
        extra.update(more_extra)
    return items, extra


async def fetch_data(client: httpx.AsyncClient, post_id: str) -> PostData:
    """The post through app.bsky.feed.getPostThread (resolving a handle to its DID first)."""
    who, rkey = _split(post_id)
    did = who if who.startswith("did:") else await _resolve(client, who)
    params = {"uri": at_uri(did, rkey), "depth": "0", "parentHeight": "0"}
    try:
        data, raw = await _xrpc(client, "app.bsky.feed.getPostThread", params)
    except _XrpcError as exc:
        if exc.error == "NotFound":
            raise await _why_missing(client, did, post_id) from None
        raise CaptureError(f"Bluesky post {post_id}: {exc}") from None
    thread = oembed.mapping(data.get("thread"))
    kind = str(thread.get("$type", ""))
    if kind.endswith("#notFoundPost"):
        raise await _why_missing(client, did, post_id)
    if kind.endswith("#blockedPost"):
        raise PostGone("unavailable", f"Bluesky post {post_id}: blocked", 200)
    post = oembed.mapping(thread.get("post"))
    if not post:
        raise CaptureError(f"Bluesky post {post_id}: answer has no post")
    author = oembed.mapping(post.get("author"))
    record = oembed.mapping(post.get("record"))
    media, extra = _media(post.get("embed"))
    labels = [oembed.mapping(label).get("val") for label in post.get("labels") or []]
    extra.update({"uri": post.get("uri"), "cid": post.get("cid"), "did": did})
    if any(labels):
        extra["labels"] = [label for label in labels if label]
    langs = record.get("langs")
    return PostData(
        platform="bluesky",
        post_id=post_id,
        url=canonical_url(post_id),
        author_name=oembed.text(author.get("displayName")),
        author_handle=oembed.text(author.get("handle")),
        created_at=oembed.iso_datetime(record.get("createdAt") or post.get("indexedAt")),
        text=oembed.text(record.get("text")),
        lang=langs[0] if isinstance(langs, list) and langs and isinstance(langs[0], str) else None,
        media=media,
        counts=oembed.counts(
            replies=post.get("replyCount"),
            reposts=post.get("repostCount"),
            likes=post.get("likeCount"),
            quotes=post.get("quoteCount"),
        ),
        extra=extra,
        raw=raw,
    )


PLATFORM = Platform(
    name="bluesky",
    url_patterns=(
        r"(?:https?:)?//(?:www\.|staging\.)?bsky\.app/profile/" + _WHO + r"/post/" + _RKEY,
        r"at://" + _WHO + r"/app\.bsky\.feed\.post/" + _RKEY,
        # A DID and a post's record path, wherever they stand: embed.bsky.app/embed/DID/..., at://DID/...
        r"(?<![\w.:%-])(?P<who>did(?::|%3A)[a-z]+(?::|%3A)[A-Za-z0-9._%-]+)/app\.bsky\.feed\.post/" + _RKEY,
    ),
    canonical_url=canonical_url,
    video=True,
    make_id=make_id,
    embed_classes=("bluesky-embed",),
    url_attributes=("data-bluesky-uri", "cite"),
    iframe_patterns=(
        r"embed\.bsky\.app/embed/(?P<id>did(?::|%3A)[^/\s\"'<>]+/app\.bsky\.feed\.post/[\w~-]+)",
    ),
    embed_url=embed_url,
    fetch_data=fetch_data,
    # The embed view, and the post page capture renders for a post known by its handle only.
    stand_in=StandIn(
        title="Bluesky",
        hosts=("embed.bsky.app", "bsky.app"),
        path=r"/embed/.+|/profile/[^/]+/post/[\w~.:-]+",
        image_host="cdn.bsky.app",
    ),
    probe="https://bsky.app/profile/did:plc:ic6zqvuw5ulmfpjiwnhsr2ns/post/3k7qmjev5lr2s",  # best effort
    examples=(
        (
            "https://bsky.app/profile/did:plc:ic6zqvuw5ulmfpjiwnhsr2ns/post/3k7qmjev5lr2s",
            "did:plc:ic6zqvuw5ulmfpjiwnhsr2ns/3k7qmjev5lr2s",
        ),
        (
            "https://bsky.app/profile/SoubhikBarari.bsky.social/post/3k7qmjev5lr2s?ref_src=embed",
            "soubhikbarari.bsky.social/3k7qmjev5lr2s",
        ),
        (
            "at://did:plc:ic6zqvuw5ulmfpjiwnhsr2ns/app.bsky.feed.post/3k7qmjev5lr2s",
            "did:plc:ic6zqvuw5ulmfpjiwnhsr2ns/3k7qmjev5lr2s",
        ),
        (
            "https://embed.bsky.app/embed/did:plc:z72i7hdynmk6r22z27h6tvur/app.bsky.feed.post/3laa6xmdcmk2a",
            "did:plc:z72i7hdynmk6r22z27h6tvur/3laa6xmdcmk2a",
        ),
    ),
)
