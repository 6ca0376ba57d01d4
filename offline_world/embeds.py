"""The other platforms in the offline world: a small embed view per platform, and its image host.

Each view (the URL a platform module's `embed_url`, or else `canonical_url`, gives) renders from
script, as the real embeds do, one post element carrying the platform's own well-known class
names (what its render_selector waits for), the post's address, a line of text and one image
from the platform's media host. It is enough to capture a post of every platform offline. For a
platform whose data endpoint the world serves (data.py), the view shows the same text as the
data, and a "not available" box instead of the post when the data says it is gone.
"""

from __future__ import annotations

import functools
import html
import json
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from archiver.platforms import mastodon
from offline_world import files
from offline_world.core import Request, Response, World

# (platform, view URL) -> {"status": ..., "text": ...} of the post, or None when not known.
Describe = Callable[[str, str], "dict[str, str | None] | None"]

_VIDEO = '<video class="player" muted playsinline style="width:100%;height:240px;background:#000"></video>'


@dataclass(frozen=True)
class EmbedSite:
    platform: str
    title: str
    hosts: tuple[str, ...]
    path: str  # regex the embed view's path fully matches
    image_host: str
    classes: str = ""  # the platform's own class names on the rendered post
    tag: str = "article"  # the rendered post's element (Reddit's is a custom element)
    extra: str = ""  # markup inside the post that the platform's render_selector looks for


SITES = (
    EmbedSite(
        "instagram",
        "Instagram",
        ("www.instagram.com", "instagram.com"),
        r"/(?:[\w.]+/)?(?:p|reel|tv)/[\w-]+/embed(?:/captioned)?/?",
        "scontent.cdninstagram.com",
        "Embed EmbeddedMedia",
    ),
    EmbedSite(
        "youtube",
        "YouTube",
        ("www.youtube.com", "youtube.com", "www.youtube-nocookie.com"),
        r"/embed/[\w-]+",
        "i.ytimg.com",
        "html5-video-player",
        extra='<div class="ytp-title">Offline video</div>',
    ),
    EmbedSite(
        "tiktok",
        "TikTok",
        ("www.tiktok.com",),
        r"/embed(?:/v2)?/\d+",
        "p16-sign.tiktokcdn.com",
        extra=_VIDEO,
    ),
    EmbedSite(
        "facebook",
        "Facebook",
        ("www.facebook.com",),
        r"/plugins/(?:post|video)\.php",
        "scontent.xx.fbcdn.net",
    ),
    EmbedSite(
        "telegram",
        "Telegram",
        ("t.me",),
        r"/(?:s/)?\w+/\d+",
        "cdn4.telegram-cdn.org",
        "tgme_widget_message js-widget_message",
    ),
    EmbedSite("bluesky", "Bluesky", ("embed.bsky.app",), r"/embed/.+", "cdn.bsky.app"),
    EmbedSite(
        "mastodon",
        "Mastodon",
        mastodon.KNOWN_INSTANCES,
        r"/@\w+/\d+/embed",
        "files.mastodon.social",
        "status detailed-status",
    ),
    EmbedSite(
        "threads",
        "Threads",
        ("www.threads.net", "www.threads.com"),
        r"/(?:@[\w.]+/post|t)/[\w-]+/embed/?",
        "scontent.cdninstagram.com",
    ),
    EmbedSite(
        "reddit",
        "Reddit",
        ("embed.reddit.com", "www.reddit.com"),
        r"/(?:r/\w+/)?comments/.+",
        "preview.redd.it",
        tag="shreddit-post",
    ),
    EmbedSite("vimeo", "Vimeo", ("player.vimeo.com",), r"/video/\d+", "i.vimeocdn.com", "player"),
    EmbedSite(
        "dailymotion",
        "Dailymotion",
        ("geo.dailymotion.com",),
        r"/player(?:/[\w-]+)?\.html",
        "s1.dmcdn.net",
        extra=_VIDEO,
    ),
    EmbedSite(
        "linkedin",
        "LinkedIn",
        ("www.linkedin.com",),
        r"/embed/feed/update/[\w:%-]+",
        "media.licdn.com",
    ),
)

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title} embed</title>
<style>
body {{ margin: 0; padding: 8px; font: 15px/1.4 system-ui, sans-serif; color: #1c1e21; }}
article {{ max-width: 540px; border: 1px solid #dbdbdb; border-radius: 8px; padding: 12px; }}
article header {{ font-weight: 600; margin-bottom: 8px; }}
article img {{ width: 100%; border-radius: 4px; display: block; }}
</style>
</head>
<body>
<div id="root"></div>
<script>
(function () {{
  var post = {post};
  if (post.gone) {{
    var box = document.createElement("div");
    box.className = "embed-unavailable";
    box.textContent = "This " + post.title + " post is not available (" + post.gone + ").";
    document.getElementById("root").appendChild(box);
    return;
  }}
  var article = document.createElement(post.tag);
  article.className = "embed-post " + post.classes;
  article.setAttribute("role", "article");
  article.style.display = "block";
  article.setAttribute("data-platform", post.platform);
  article.setAttribute("data-post", post.url);
  var header = document.createElement("header");
  header.textContent = post.title + " \u00b7 offline fixture";
  var text = document.createElement("p");
  text.className = "text";
  text.textContent = post.text || "An offline copy of the " + post.title + " post at " + post.url;
  var img = document.createElement("img");
  img.src = post.image;
  img.alt = "";
  article.append(header, text, img);
  article.insertAdjacentHTML("beforeend", post.extra);
  document.getElementById("root").appendChild(article);
}})();
</script>
</body>
</html>
"""


def embed_page(site: EmbedSite, describe: Describe | None, request: Request) -> Response:
    known = describe(site.platform, request.url) if describe is not None else None
    image = f"https://{site.image_host}/offline/{zlib.crc32(request.url.encode()):08x}.jpg"
    post = {
        "platform": site.platform,
        "title": site.title,
        "classes": site.classes,
        "tag": site.tag,
        "extra": site.extra,
        "url": request.url,
        "image": image,
        "text": known.get("text") if known else None,
        "gone": known["status"] if known and known.get("status") != "live" else None,
    }
    # </script> cannot occur in JSON we build from a URL once '<' is escaped.
    data = json.dumps(post).replace("<", "\\u003c")
    return Response.html(_PAGE.format(title=html.escape(site.title), post=data))


def media(request: Request) -> Response:
    if request.path.lower().endswith(".png"):
        return Response.make(files.png(request.url), "image/png")
    return Response.make(files.photo(request.path), "image/jpeg")


def install(world: World, describe: Describe | None = None) -> None:
    """Route every site's embed view and image host; `describe` tells a view its post's state."""
    for site in SITES:
        for host in site.hosts:
            world.route(host, site.path, functools.partial(embed_page, site, describe))
        world.route(site.image_host, r"/.+", media)
