"""The other platforms in the offline world: a small embed view per platform, and its image host.

What each view looks like is its platform module's declaration (`stand_in`, see StandIn in
archiver/platforms/base.py): the view (the URL the module's `embed_url`, or else
`canonical_url`, gives) renders from script, as the real embeds do, one post element carrying
the platform's own well-known class names (what its render_selector waits for), the post's
address, a line of text and one image from the platform's media host. It is enough to capture a
post of every platform offline. For a platform whose data endpoint the world serves (data.py),
the view shows the same text as the data, and a "not available" box instead of the post when
the data says it is gone.
"""

from __future__ import annotations

import functools
import html
import json
import zlib
from collections.abc import Callable, Iterable

from archiver.platforms.base import Platform, StandIn
from offline_world import files
from offline_world.core import Request, Response, World

# (platform, view URL) -> {"status": ..., "text": ...} of the post, or None when not known.
Describe = Callable[[str, str], "dict[str, str | None] | None"]


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
video {{ width: 100%; height: 240px; background: #000; display: block; }}
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


def embed_page(platform: str, site: StandIn, describe: Describe | None, request: Request) -> Response:
    known = describe(platform, request.url) if describe is not None else None
    image = f"https://{site.image_host}/offline/{zlib.crc32(request.url.encode()):08x}.jpg"
    post = {
        "platform": platform,
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


def install(world: World, platforms: Iterable[Platform], describe: Describe | None = None) -> None:
    """Route the embed view and image host of every platform that declares a stand-in;
    `describe` tells a view its post's state."""
    for platform in platforms:
        site = platform.stand_in
        if site is None:
            continue
        for host in site.hosts:
            world.route(host, site.path, functools.partial(embed_page, platform.name, site, describe))
        world.route(site.image_host, r"/.+", media)
