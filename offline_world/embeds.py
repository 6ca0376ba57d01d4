"""The other platforms in the offline world: a small embed view per platform, and its image host.

What each view looks like is its platform module's declaration (`stand_in`, see StandIn in
archiver/platforms/base.py), its defaults filled in from the rest of the declaration; a
platform that declares no stand-in gets one derived from its declaration alone (stand_in_for).
The view (the URL the module's `embed_url`, or else `canonical_url`, gives) renders from script,
as the real embeds do, one post element carrying the platform's own well-known class names
(what its render_selector waits for), the post's address, a line of text and one image from the
platform's media host. It is enough to capture a post of every platform offline. For a platform
whose data endpoint the world serves (data.py), the view shows the same text as the data; for a
post that is gone (by its data, or, on a platform without one, as `world.data.gone` set it), the
view shows instead of the post what the platform's real view shows for that status
(`stand_in.gone`, what its `view_states` look for), else a plain "not available" box.
"""

from __future__ import annotations

import functools
import html
import json
import re
import zlib
from collections.abc import Callable, Collection, Iterable
from dataclasses import replace
from urllib.parse import urlsplit

from archiver.platforms.base import Platform, StandIn
from offline_world import files
from offline_world.core import Request, Response, World

# (platform, post id) -> {"status": ..., "text": ...} of the post, or None when not known.
Describe = Callable[[str, str], "dict[str, str | None] | None"]

# A selector alternative made of a tag and classes only (what a stand-in can be read off).
_SIMPLE = re.compile(r"(?P<tag>[A-Za-z][\w-]*)?(?P<classes>(?:\.[\w-]+)*)")


def view_hosts(platform: Platform) -> tuple[str, ...]:
    """The hosts of the views of the platform's examples (embed_url, else canonical_url)."""
    hosts: list[str] = []
    for _, post_id in platform.examples:
        try:
            host = (urlsplit(platform.view_url(post_id)).hostname or "").lower()
        except (ValueError, KeyError):
            continue
        if host and host not in hosts:
            hosts.append(host)
    return tuple(hosts)


def _read_off(selector: str | None) -> StandIn:
    """A stand-in whose element `selector` finds: the tag and classes of its first alternative
    made of those only (else the default element, an article, which has role=article)."""
    for alternative in (selector or "").split(","):
        m = _SIMPLE.fullmatch(alternative.strip())
        if m and (m["tag"] or m["classes"]):
            return StandIn(tag=m["tag"] or "article", classes=" ".join(m["classes"].split(".")[1:]))
    return StandIn()


def title_of(platform: Platform) -> str:
    """How the world names the platform: its stand-in's title, else its name capitalized."""
    declared = platform.stand_in.title if platform.stand_in is not None else ""
    return declared or platform.name.capitalize()


def stand_in_for(platform: Platform) -> StandIn | None:
    """The stand-in the world draws for `platform`: its declaration (or, when it declares none,
    the defaults) with the defaults filled in from the rest of the platform's declaration: the
    title from its name, the hosts from its examples' views, the image host the view's own, and
    when the stand-in says nothing of the post element, the element read off render_selector.
    None when no view can be placed (no example to take a host from), or the platform is
    retired (Vine: it has no view any more to stand in for)."""
    if platform.retired is not None:
        return None
    site = platform.stand_in or StandIn()
    if site.tag == "article" and not site.classes and not site.extra:  # nothing said of the element
        element = _read_off(platform.render_selector)
        site = replace(site, tag=element.tag, classes=element.classes)
    hosts = site.hosts or view_hosts(platform)
    if not hosts:
        return None
    return replace(
        site,
        title=title_of(platform),
        hosts=hosts,
        image_host=site.image_host or hosts[0],
    )


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title} embed</title>
<style>
body {{ margin: 0; padding: 8px; font: 15px/1.4 system-ui, sans-serif; color: #1c1e21; }}
.embed-post {{ max-width: 540px; border: 1px solid #dbdbdb; border-radius: 8px; padding: 12px; }}
.embed-post header {{ font-weight: 600; margin-bottom: 8px; }}
.embed-post img {{ width: 100%; border-radius: 4px; display: block; }}
video {{ width: 100%; height: 240px; background: #000; display: block; }}
</style>
</head>
<body>
<div id="root"></div>
<script>
(function () {{
  var post = {post};
  if (post.gone && post.goneMarkup) {{
    document.getElementById("root").innerHTML = post.goneMarkup;
    return;
  }}
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


def _view_url(platform: Platform, post_id: str) -> str | None:
    try:
        return platform.view_url(post_id)
    except (ValueError, KeyError):
        return None


def view_ids(platform: Platform) -> Callable[[str], str | None]:
    """Which post a view URL shows: read off the views of the platform's examples (each with
    its id cut out; a candidate counts when its own view is that URL), else the URL itself
    when it is a post URL of the platform. None when neither tells."""
    shapes = []
    for _, example in platform.examples:
        url = _view_url(platform, example)
        if url and example in url:
            before, _, after = url.partition(example)
            shapes.append(re.compile(re.escape(before) + "(?P<id>.+?)" + re.escape(after)))

    def post_of(url: str) -> str | None:
        for shape in shapes:
            m = shape.fullmatch(url)
            if m and _view_url(platform, m["id"]) == url:
                return m["id"]
        return platform.post_id(url)

    return post_of


def embed_page(
    platform: str,
    site: StandIn,
    post_of: Callable[[str], str | None],
    describe: Describe | None,
    request: Request,
) -> Response:
    post = post_of(request.url)
    known = describe(platform, post) if describe is not None and post is not None else None
    image = f"https://{site.image_host}/offline/{zlib.crc32(request.url.encode()):08x}.jpg"
    gone = known["status"] if known and known.get("status") != "live" else None
    page = {
        "platform": platform,
        "title": site.title,
        "classes": site.classes,
        "tag": site.tag,
        "extra": site.extra,
        "url": request.url,
        "image": image,
        "text": known.get("text") if known else None,
        "gone": gone,
        # What the real view shows instead of a gone post (its platform's view_states read it).
        "goneMarkup": site.gone.get(gone) if gone else None,
    }
    # </script> cannot occur in JSON we build from a URL once '<' is escaped.
    data = json.dumps(page).replace("<", "\\u003c")
    return Response.html(_PAGE.format(title=html.escape(site.title), post=data))


def media(request: Request) -> Response:
    if request.path.lower().endswith(".png"):
        return Response.make(files.png(request.url), "image/png")
    return Response.make(files.photo(request.path), "image/jpeg")


def install(
    world: World,
    platforms: Iterable[Platform],
    describe: Describe | None = None,
    *,
    skip: Collection[str] = (),
) -> None:
    """Route the embed view and image host of every platform but those in `skip` (the world
    emulates those itself); `describe` tells a view its post's state."""
    for platform in platforms:
        site = None if platform.name in skip else stand_in_for(platform)
        if site is None:
            continue
        for host in site.hosts:
            view = functools.partial(embed_page, platform.name, site, view_ids(platform), describe)
            world.route(host, site.path, view)
        # On a view's own host, its images are a path of their own (routed last: asked first).
        images = r"/offline/[0-9a-f]{8}\.jpg" if site.image_host in site.hosts else r"/.+"
        world.route(site.image_host, images, media)
