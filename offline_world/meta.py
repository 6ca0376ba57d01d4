"""Meta's platforms in the offline world: Instagram's, Threads' and Facebook's embed views as Meta
renders them on its server, their oEmbed endpoints, and their media CDNs, for any post.

The views are real pages (fixtures/meta/; fixtures/SOURCES.tsv says where each comes from)
with the requested post's shortcode or id, and its text, written in; the same page answers the
HTTP client (fetch_data reads it) and the browser (capture renders it: no script needed, Meta
renders these on its server). For a post `world.data.gone` made gone, the view is what the
platform module declares its real view shows (`stand_in.gone`), and oEmbed gives the module's
declared answer for that status (`stand_in.data.gone`); live, oEmbed gives the module's live
answer with the post's text. The posts' state is world.data's (`describe`), as for every
platform whose data endpoint a module declares; these routes are installed after world.data's,
so they answer first.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterable
from urllib.parse import unquote, urlsplit

from archiver.platforms.base import Platform
from offline_world import embeds, files
from offline_world.core import Request, Response, World
from offline_world.embeds import Describe

# Each platform's live view, and the identifiers in it that the requested post's replace.
_PAGES = {
    "instagram": ("meta/instagram-embed.html", "DdEy97xj9P-"),
    "threads": ("meta/threads-embed.html", "DZvEd60AE9W"),
    "facebook": ("meta/facebook-plugin-post.html", "1485418313406667"),
}
# Where the post's text stands in each page: (before, after) the text.
_TEXT = {
    "instagram": re.compile(
        r'(class="CaptionUsername"[^>]*>[^<]*</a><br /><br />).*?(<div class="CaptionComments")'
    ),
    "threads": re.compile(r'(<span class="BodyTextContainer"><span>).*?(</span></span>)'),
    "facebook": re.compile(
        r'(<div [^>]*class="text_exposed_root">).*?(</div></div></div><div class="_2162)', re.S
    ),
}
# The CDN hosts the pages' photos and videos are on.
MEDIA_HOSTS = (
    "scontent.cdninstagram.com",
    "scontent-tpe1-1.cdninstagram.com",
    "instagram.fkhh1-2.fna.fbcdn.net",
    "scontent.xx.fbcdn.net",
    "static.xx.fbcdn.net",
)
_GONE_PAGE = (
    '<!DOCTYPE html>\n<html lang="en" id="facebook" class="no_js">\n<head><meta charset="utf-8" />'
    '<title id="pageTitle">{title}</title></head><body class="x1 Locale_en_US" dir="ltr">'
    "<div>{markup}</div>\n</body></html>\n"
)


def _as_html(platform: str, text: str) -> str:
    """The post's text as its page writes it: lines broken with <br /> (Facebook: paragraphs)."""
    if platform != "facebook":
        return "<br />".join(html.escape(line) for line in text.split("\n"))
    paragraphs = [html.escape(p).replace("\n", "<br />") for p in text.split("\n\n")]
    return "".join(f"<p>{p}</p>" for p in paragraphs)


def _post_id(platform: Platform, value: str) -> str | None:
    """The post a view's or oEmbed's URL names: the platform's own reading, else (Facebook's
    canonical facebook.com/ID, which names no post by its shape) the URL's last segment."""
    found = platform.post_id(value)
    if found is None and "://" in value:
        last = urlsplit(value).path.rstrip("/").rpartition("/")[2]
        found = last or None
    return found


def _key(platform: Platform, post_id: str) -> str:
    """The post as world.data knows it: its id, or (Facebook) a post URL naming it."""
    if platform.post_id(post_id) is None:
        return f"https://www.facebook.com/offline.world/posts/{post_id}"
    return post_id


def view(platform: Platform, describe: Describe, request: Request) -> Response:
    if platform.name == "facebook":
        post_id = _post_id(platform, unquote(request.query.get("href", "")))
    else:
        post_id = embeds.view_ids(platform)(request.url)
    if post_id is None:
        return Response.make("Not Found", "text/html; charset=utf-8", 404)
    known = describe(platform.name, _key(platform, post_id)) or {}
    status = known.get("status") or "live"
    if status != "live":
        declared = platform.stand_in.gone if platform.stand_in is not None else {}
        markup = declared.get(status) or f"<p>This post is not available ({html.escape(status)}).</p>"
        return Response.html(_GONE_PAGE.format(title=embeds.title_of(platform), markup=markup))
    fixture, fixture_id = _PAGES[platform.name]
    page = files.fixture(fixture).decode("utf-8").replace(fixture_id, post_id)
    text = known.get("text")
    if text:
        written = _as_html(platform.name, text)
        page = _TEXT[platform.name].sub(lambda m: m.group(1) + written + m.group(2), page)
    return Response.html(page)


def oembed(platform: Platform, describe: Describe, request: Request) -> Response:
    data = platform.stand_in.data if platform.stand_in is not None else None
    post_id = _post_id(platform, request.query.get("url", ""))
    if data is None or post_id is None:
        refused = {"message": "Invalid parameter", "type": "OAuthException", "code": 100}
        return Response.json({"error": refused}, 400)
    known = describe(platform.name, _key(platform, post_id)) or {}
    status = known.get("status") or "live"
    if status == "live":
        answer = data.live(post_id, known.get("text") or "")
    else:
        answer = data.gone.get(status) or next(iter(data.gone.values()))
    return Response.make(answer.body, answer.content_type, answer.status)


def media(request: Request) -> Response:
    """Meta's CDNs: a small MP4 for a video's path, else a photo (embeds.media)."""
    if request.path.endswith(".mp4"):
        return Response.make(files.mp4(request.path), "video/mp4")
    return embeds.media(request)


def install(world: World, platforms: Iterable[Platform], describe: Describe) -> None:
    """Route the Meta platforms' views and oEmbed endpoints (those among `platforms` that
    declare a stand-in), and their CDNs."""
    for platform in platforms:
        site = embeds.stand_in_for(platform) if platform.name in _PAGES else None
        if site is None or platform.stand_in is None:
            continue
        for host in site.hosts:
            world.route(host, site.path, functools.partial(view, platform, describe))
        if platform.stand_in.data is not None:
            data = platform.stand_in.data
            world.route(data.host, data.path, functools.partial(oembed, platform, describe))
    for host in MEDIA_HOSTS:
        world.route(host, r"/.+", media)
