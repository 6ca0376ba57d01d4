"""Instagram: blockquote.instagram-media (data-instgrm-permalink) and rendered /embed iframes;
data from Meta's instagram_oembed and the embed view (meta.py says how the two are read).

The embed view (/p/ID/embed/captioned/, served for posts and reels alike) carries the author's
handle (.UsernameText), the caption (.Caption after its a.CaptionUsername), the first photo or a
video's cover (img.EmbeddedMediaImage), the like count (.SocialProof), and for videos and
carousels a `contextJSON` script value holding the post's shortcode_media (video_url, the
carousel's children). For a post Meta will not show it has .EmbedBrokenMedia (older pages:
.EmbedIsBroken) saying "The link to this photo or video may be broken, or the post may have
been removed." Meta answers a deleted post, a private account's and a broken link alike, so
the status is "unavailable". The post's time is read off its shortcode.
"""

from __future__ import annotations

import html
import json
import re
from datetime import datetime, timezone
from typing import Any

from bs4 import BeautifulSoup, Tag

from archiver.errors import CaptureError, PostGone
from archiver.platforms import meta, oembed
from archiver.platforms.base import Platform, StandIn, StandInAnswer, StandInData, ViewState

_HOST = r"(?:https?:)?//(?:www\.|m\.)?instagr(?:am\.com|\.am)"
# Newer permalinks put the account first: instagram.com/<user>/p/<shortcode>/.
_PATH = r"/(?:[A-Za-z0-9_.]{1,30}/)?(?:p|reel|reels|tv)/(?P<id>[A-Za-z0-9_-]{5,64})(?![A-Za-z0-9_-])"


def canonical_url(post_id: str) -> str:
    return f"https://www.instagram.com/p/{post_id}/"


def embed_url(post_id: str) -> str:
    return f"https://www.instagram.com/p/{post_id}/embed/captioned/"


OEMBED = f"{meta.GRAPH}/instagram_oembed"
MEDIA_HOSTS = ("cdninstagram.com", "fbcdn.net")
# Before this, Instagram's media ids were sequential, not times.
_EARLIEST = datetime(2011, 9, 1, tzinfo=timezone.utc)
# Meta's box for a post it will not show, and what it says.
BROKEN = ".EmbedBrokenMedia, .EmbedIsBroken"
BROKEN_MESSAGE = "The link to this photo or video may be broken, or the post may have been removed."


def _shortcode_media(html: str, post_id: str) -> dict[str, Any]:
    """The post's shortcode_media from the view's contextJSON (a JSON document in a script's
    string), when it is this post's; {} otherwise (single photos carry none)."""
    context = meta.script_value(html, "contextJSON")
    try:
        data = json.loads(context) if context else {}
    except ValueError:
        return {}
    found = oembed.mapping(oembed.mapping(oembed.mapping(data).get("gql_data")).get("shortcode_media"))
    return found if found.get("shortcode") in (None, post_id) else {}


def _cdn(value: Any) -> str | None:
    return meta.https_url(value, MEDIA_HOSTS)


def _media(embed: Tag, shortcode_media: dict[str, Any]) -> list[dict[str, Any]]:
    image = embed.select_one("img.EmbeddedMediaImage")
    cover = _cdn(image.get("src")) if image is not None else None
    alt = image.get("alt") if image is not None else None
    kind = str(embed.get("data-media-type") or shortcode_media.get("__typename") or "")
    items: list[dict[str, Any] | None] = []
    children = oembed.mapping(shortcode_media.get("edge_sidecar_to_children")).get("edges")
    if isinstance(children, list) and children:
        for edge in children:
            node = oembed.mapping(oembed.mapping(edge).get("node"))
            video = _cdn(node.get("video_url"))
            photo = _cdn(node.get("display_url"))
            if video:
                items.append(oembed.media(video, "video", preview=photo))
            else:
                items.append(oembed.media(photo, "photo", node.get("accessibility_caption")))
    elif kind.endswith("Video"):
        video = _cdn(shortcode_media.get("video_url"))
        items.append(
            oembed.media(video, "video", preview=cover) if video else oembed.media(cover, "thumbnail")
        )
    else:
        items.append(oembed.media(cover, "photo", alt))
    return [item for item in items if item]


def _caption(root: BeautifulSoup) -> str | None:
    caption = root.select_one(".Caption")
    if caption is None:
        return None
    for part in caption.select("a.CaptionUsername, .CaptionComments"):
        part.decompose()
    return oembed.html_to_text(str(caption))


def _count(root: BeautifulSoup, selector: str, pattern: str) -> int | None:
    found = root.select_one(selector)
    m = re.search(pattern, found.get_text(" ", strip=True)) if found is not None else None
    return oembed.as_int(m.group(1)) if m else None


def read_view(html: str, post_id: str) -> meta.View:
    """What the embed view shows: the post, or Meta's box for one it will not show (PostGone)."""
    root = BeautifulSoup(html, "lxml")
    broken = root.select_one(BROKEN)
    if broken is not None:
        said = broken.select_one(".ebmMessage")
        message = " ".join((said or broken).get_text(" ").split()) or "the embed is broken"
        raise PostGone("unavailable", f"instagram {post_id}: {message}")
    embed = root.select_one(".Embed")
    if embed is None:
        raise CaptureError(f"instagram {post_id}: the embed view shows neither the post nor Meta's box")
    shortcode_media = _shortcode_media(html, post_id)
    owner = oembed.mapping(shortcode_media.get("owner"))
    edges = oembed.mapping(shortcode_media.get("edge_media_to_caption")).get("edges")
    first_edge = edges[0] if isinstance(edges, list) and edges else {}
    caption_json = oembed.text(oembed.mapping(oembed.mapping(first_edge).get("node")).get("text"))
    likes = _count(root, ".SocialProof", r"([\d,]+)\s+like")
    if likes is None:
        likes = oembed.as_int(oembed.mapping(shortcode_media.get("edge_liked_by")).get("count"))
    handle = root.select_one(".UsernameText")
    comments = _count(root, ".CaptionComments", r"([\d,]+)\s+comment")  # before _caption cuts it
    return meta.View(
        url=canonical_url(post_id),
        author_handle=oembed.text(handle.get_text() if handle is not None else owner.get("username")),
        created_at=meta.shortcode_time(post_id, _EARLIEST),
        text=_caption(root) or caption_json,
        media=_media(embed, shortcode_media),
        counts=oembed.counts(
            likes=likes,
            comments=comments,
            views=shortcode_media.get("video_view_count"),
        ),
        extra={"verified": True} if root.select_one(".Username .VerifiedSprite") is not None else {},
    )


def read_oembed(html: str, post_id: str) -> meta.View:
    """What instagram_oembed's blockquote says: the caption (a captioned embed) and its byline,
    "A post shared by NAME (@handle) on <time datetime=...>"."""
    root = BeautifulSoup(html, "lxml")
    byline = root.find(string=re.compile(r"\(@[\w.]{1,30}\)|A post shared by"))
    line = byline.parent if byline is not None and byline.parent is not None else None
    line_text = " ".join(line.get_text(" ").split()) if line is not None else ""
    handle = re.search(r"\(@([\w.]{1,30})\)", line_text)
    name = line.find("a") if line is not None else None
    time = root.find("time")
    caption = None
    for paragraph in root.find_all("p"):
        said = oembed.text(paragraph.get_text())
        if said and "A post shared by" not in said and "View this post on Instagram" not in said:
            caption = said
            break
    return meta.View(
        author_name=oembed.text(name.get_text()) if name is not None else None,
        author_handle=handle.group(1) if handle else None,
        created_at=oembed.iso_datetime(time.get("datetime")) if time is not None else None,
        text=caption,
    )


SITE = meta.Site("instagram", OEMBED, canonical_url, embed_url, read_view, read_oembed)
fetch_data = meta.fetcher(SITE)


# For the offline world: what Meta's oEmbed answers for a live post.


def _oembed_answer(post_id: str, text: str) -> StandInAnswer:
    url = canonical_url(post_id)
    code = (
        f'<blockquote class="instagram-media" data-instgrm-captioned data-instgrm-permalink="{url}'
        f'?utm_source=ig_embed&amp;utm_campaign=loading" data-instgrm-version="14"><div><p>'
        f'<a href="{url}" target="_blank">{html.escape(text)}</a></p><p>A post shared by '
        f'<a href="https://www.instagram.com/nasa/" target="_blank">NASA</a> (@nasa)</p></div></blockquote>\n'
        '<script async src="//www.instagram.com/embed.js"></script>'
    )
    return meta.oembed_answer("Instagram", "https://www.instagram.com/", 658, code)


PLATFORM = Platform(
    name="instagram",
    url_patterns=(_HOST + _PATH,),
    canonical_url=canonical_url,
    # A shortcode is a media id in base64: at most 12 characters; a private post's is far longer,
    # its tail random base64, so it has capitals, small letters and digits (a CMS's block id such
    # as Squarespace's "block-yui_3_17_2_1_1408962567901_42292" has no capital).
    id_shape=r"[A-Za-z0-9_-]{5,12}|(?=[^A-Z]*[A-Z])(?=[^a-z]*[a-z])(?=\D*\d)[A-Za-z0-9_-]{30,50}",
    video=True,
    embed_classes=("instagram-media",),
    embed_tags=("amp-instagram",),
    url_attributes=("data-instgrm-permalink", "cite", "data-href", "data-shortcode"),
    id_attributes=("data-instgrm-permalink",),
    iframe_patterns=(r"instagram\.com" + _PATH + r"/embed",),
    embed_url=embed_url,
    render_selector=".EmbeddedMedia, .Embed, .EmbedFrame",
    fetch_data=fetch_data,
    view_states=(
        ViewState(
            "unavailable",
            ".EmbedBrokenMedia .ebmMessage, .EmbedIsBroken .ebmMessage",
            reason="Meta's box: the link may be broken or the post removed (deleted or private alike)",
        ),
    ),
    stand_in=StandIn(
        title="Instagram",
        hosts=("www.instagram.com", "instagram.com"),
        path=r"/(?:[\w.]+/)?(?:p|reel|tv)/[\w-]+/embed(?:/captioned)?/?",
        image_host="scontent.cdninstagram.com",
        classes="Embed EmbeddedMedia",
        data=StandInData(
            host="graph.facebook.com",
            path=r"/(?:v\d+\.\d+/)?instagram_oembed/?",
            query="url",
            live=_oembed_answer,
            gone={"unavailable": meta.GRAPH_NOT_EMBEDDABLE},
        ),
        gone={
            "unavailable": '<div class="EmbedBrokenMedia"><div class="ebmMessage">'
            + BROKEN_MESSAGE
            + '</div><a class="EmbedVisitInstagram" href="https://www.instagram.com/" target="_blank">'
            "<span>Visit Instagram</span></a></div>"
        },
    ),
    probe="https://www.instagram.com/p/BsOGulcndj-/",  # world_record_egg, Meta's oEmbed docs
    examples=(
        ("https://www.instagram.com/p/BNpLF8LD0GD/", "BNpLF8LD0GD"),
        ("https://instagram.com/p/BIIivW-DEWO/?utm_source=ig_embed", "BIIivW-DEWO"),
        ("https://www.instagram.com/reel/CgPo31co2Hp/", "CgPo31co2Hp"),
        ("https://www.instagram.com/ladygaga/p/Ca-5BfKPURu/", "Ca-5BfKPURu"),
    ),
)
