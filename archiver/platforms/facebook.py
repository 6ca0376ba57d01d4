"""Facebook: div.fb-post / fb-video (data-href) and plugins/post.php, video.php iframes; data from
Meta's oembed_post and the embedded-post plugin (meta.py says how the two are read).

The plugin (plugins/post.php?href=POST) is rendered on Meta's server: the author (the avatar's
aria-label, the link to the page), the text ([data-testid=post_message], its folded part
included), the time (abbr[data-utime], absent on videos), photos (img on Meta's CDN, the avatar
aside), a video's URL (hd_src / sd_src in a script), the counts (the Like, Comment and Share
buttons), and the post's permalink. For a post it will not show it says "This Facebook post is
no longer available. It may have been removed or the privacy settings of the post may have
changed.": deleted or made private alike, so the status is "unavailable".
"""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import quote, urljoin

from bs4 import BeautifulSoup, Tag

from archiver.errors import CaptureError, PostGone
from archiver.platforms import meta, oembed
from archiver.platforms.base import Platform, StandIn, StandInAnswer, StandInData, ViewState, query_to

# (and a language's own host, as localized pages copy it into their embed code: de-de., pt-br.)
_HOST = (
    r"(?:https?:)?//(?:www\.|m\.|web\.|mbasic\.|business\.|graph\.|touch\.|[a-z]{2}-[a-z]{2}\.)?facebook\.com"
)
# Post ids are numeric, or the newer opaque "pfbid..." form.
_ID = r"(?P<id>pfbid[A-Za-z0-9]{10,}|\d{5,25}(?!\d))"


def canonical_url(post_id: str) -> str:
    return f"https://www.facebook.com/{post_id}"


def video_url(post_id: str) -> str:
    """What yt-dlp's Facebook extractor reads (it does not read facebook.com/ID): a video's watch
    page, or the permalink of a pfbid post."""
    if post_id.isdigit():
        return f"https://www.facebook.com/watch/?v={post_id}"
    return f"https://www.facebook.com/permalink.php?story_fbid={post_id}"


def embed_url(post_id: str) -> str:
    return "https://www.facebook.com/plugins/post.php?href=" + quote(canonical_url(post_id), safe="")


OEMBED = f"{meta.GRAPH}/oembed_post"
MEDIA_HOSTS = ("fbcdn.net",)
NO_LONGER_AVAILABLE = "This Facebook post is no longer available"
_GONE_TEXT = re.compile(r"no longer available", re.I)
_ORIGIN = "https://www.facebook.com/"


def _permalink(root: Tag, post_id: str) -> str | None:
    """The post's own address as the plugin links it (less its ?ref=embed_post), when it names
    this post."""
    for link in root.select("a[href*='/posts/'], a[href*='/videos/'], a[href*='story_fbid=']"):
        url = urljoin(_ORIGIN, str(link.get("href")))
        url = meta.unsigned(url) if "story_fbid=" not in url else url.split("&ref=", 1)[0]
        if PLATFORM.match(url) == post_id:
            return url
    return None


def _text(root: Tag) -> str | None:
    message = root.select_one("[data-testid=post_message]")
    if message is None:
        return None
    for hidden in message.select(".text_exposed_hide"):  # "..." and "See more"
        hidden.decompose()
    return oembed.html_to_text(str(message))


def _media(root: Tag, page: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    video = meta.script_value(page, "hd_src") or meta.script_value(page, "sd_src")
    video_url = meta.https_url(video, MEDIA_HOSTS)
    for image in root.select("[role=feed] img[src]"):
        if image.get("aria-label") is not None:
            continue  # the author's avatar
        url = meta.https_url(image.get("src"), MEDIA_HOSTS)
        if url and "/rsrc.php/" not in url:  # static.xx.fbcdn.net: Facebook's own icons
            kind = "thumbnail" if video_url else "photo"
            items.append(oembed.media(url, kind, image.get("alt")) or {})
    if video_url:
        items.insert(0, oembed.media(video_url, "video") or {})
    return [item for item in items if item]


def _handle(link: Any) -> str | None:
    """The page or profile a link names: facebook.com/NAME (not profile.php, not a post)."""
    path = meta.unsigned(urljoin(_ORIGIN, str(link.get("href")))).removeprefix(_ORIGIN).strip("/")
    return path if path and "/" not in path and not path.endswith(".php") else None


def read_view(page: str, post_id: str) -> meta.View:
    """What the plugin shows: the post, or Meta's "no longer available" (PostGone)."""
    root = BeautifulSoup(page, "lxml")
    body = root.body or root
    feed = body.select_one("[role=feed]") or body
    said = feed.get_text(" ", strip=True)
    if _GONE_TEXT.search(said) and feed.select_one("[data-testid=post_message]") is None:
        message = " ".join(said.split())[:300]
        raise PostGone("unavailable", f"facebook {post_id}: {message}")
    card = feed.select_one("[data-testid=post_message], abbr[data-utime], img[aria-label]")
    if card is None:
        raise CaptureError(f"facebook {post_id}: the plugin shows neither the post nor Meta's notice")
    avatar = feed.select_one("img[aria-label]")
    author = avatar.find_parent("a", href=True) if avatar is not None else None
    named = feed.select_one("._2iem")
    name = named.get_text() if named is not None else avatar.get("aria-label") if avatar is not None else None
    when = feed.select_one("abbr[data-utime]")
    buttons = {b.get("title"): oembed.as_int(b.get_text(strip=True)) for b in feed.select("div[title]")}
    return meta.View(
        url=_permalink(feed, post_id),
        author_name=oembed.text(name),
        author_handle=_handle(author) if author is not None else None,
        created_at=oembed.iso_datetime(oembed.as_int(when.get("data-utime"))) if when is not None else None,
        text=_text(feed),
        media=_media(feed, page),
        counts=oembed.counts(
            likes=buttons.get("Like"), comments=buttons.get("Comment"), shares=buttons.get("Share")
        ),
    )


def read_oembed(code: str, post_id: str) -> meta.View:
    """What oembed_post's embed code says: div.fb-post > blockquote.fb-xfbml-parse-ignore, its
    text in <p>, then "Posted by <a href=AUTHOR>NAME</a> on <a href=POST>DATE</a>"."""
    root = BeautifulSoup(code, "lxml")
    quote_ = root.select_one("blockquote")
    if quote_ is None:
        return meta.View()
    paragraphs = [p.extract() for p in quote_.select("p")]
    links = quote_.select("a[href]")
    text = "\n\n".join(t for p in paragraphs if (t := oembed.text(p.get_text("\n"))))
    return meta.View(
        url=_permalink(root, post_id),
        author_name=oembed.text(links[0].get_text()) if links else None,
        author_handle=_handle(links[0]) if links else None,
        text=text or None,
    )


SITE = meta.Site("facebook", OEMBED, canonical_url, embed_url, read_view, read_oembed)
fetch_data = meta.fetcher(SITE)


# For the offline world: what Meta's oEmbed answers for a live post.


def _oembed_answer(post_id: str, text: str) -> StandInAnswer:
    post = f"https://www.facebook.com/maltadaily.mt/posts/{post_id}"
    code = (
        '<div id="fb-root"></div> <script async="1" defer="1" crossorigin="anonymous" '
        'src="https://connect.facebook.net/en_US/sdk.js#xfbml=1&amp;version=v26.0"></script>'
        f'<div class="fb-post" data-href="{post}" data-width="552"><blockquote cite="{post}" '
        f'class="fb-xfbml-parse-ignore"><p>{html.escape(text)}</p>Posted by '
        f'<a href="https://www.facebook.com/maltadaily.mt">Malta Daily</a> on '
        f'<a href="{post}">Thursday, December 25, 2025</a></blockquote></div>'
    )
    return meta.oembed_answer("Facebook", "https://www.facebook.com", 552, code)


PLATFORM = Platform(
    name="facebook",
    url_patterns=(
        _HOST + r"/[\w.-]+/(?:posts|videos|photos(?:/[\w.-]+)?)/(?:[\w.-]+/)?" + _ID,
        _HOST + r"/groups/[\w.-]+/(?:permalink|posts)/" + _ID,
        # (and the photo page's newer form without .php: /photo/?fbid=ID, /photo?fbid=ID)
        _HOST + r"/(?:(?:photo|permalink|story|video)\.php|photo/?)" + query_to("fbid|story_fbid|v") + _ID,
        _HOST + r"/(?:watch/?" + query_to("v") + r"|reel/)" + _ID,
    ),
    canonical_url=canonical_url,
    id_shape=r"pfbid[A-Za-z0-9]{10,100}|\d{5,20}",  # its canonical URL names no id again
    video=True,
    video_url=video_url,
    embed_classes=("fb-post", "fb-video", "fb-comment-embed"),  # a comment's embed names its post
    embed_tags=("amp-facebook", "fb:post", "fb:video"),  # the last two: XFBML, the SDK's older tags
    url_attributes=("data-href", "cite", "href"),  # href: fb:post
    iframe_patterns=(
        r"facebook\.com/plugins/(?:post|video|comment_embed)\.php"
        + query_to("href")
        + r"(?P<url>[^&\"'\s]+)",
        r"facebook\.com/video/embed"
        + query_to("video_id")
        + r"(?P<id>\d{5,25})(?!\d)",  # the old video embed
        r"facebook\.com/v/(?P<id>\d{5,25})(?!\d)",  # the Flash video player before it
    ),
    short_links=(r"(?:https?:)?//(?:fb\.watch/\w+|(?:www\.)?facebook\.com/share/[pvr]/\w+)",),
    url_query=("fbid", "story_fbid", "id", "v"),
    embed_url=embed_url,
    # The plugin's post card (its message, or its header for a post without text); the older
    # plugin's .userContentWrapper.
    render_selector="[role=feed] ._4-u2, [data-testid=post_message], ._5pcr, .userContentWrapper",
    fetch_data=fetch_data,
    view_states=(
        ViewState(
            "unavailable",
            "body",
            text=NO_LONGER_AVAILABLE,
            reason="Meta: no longer available (removed, or its privacy settings changed)",
        ),
    ),
    stand_in=StandIn(
        title="Facebook",
        hosts=("www.facebook.com",),
        path=r"/plugins/(?:post|video)\.php",
        image_host="scontent.xx.fbcdn.net",
        data=StandInData(
            host="graph.facebook.com",
            path=r"/(?:v\d+\.\d+/)?oembed_(?:post|video)/?",
            query="url",
            live=_oembed_answer,
            gone={"unavailable": meta.GRAPH_NOT_EMBEDDABLE},
        ),
        gone={
            "unavailable": '<div class="pam uiBoxWhite"><p class="_1q3v">'
            f"{NO_LONGER_AVAILABLE}. It may have been removed or the privacy settings of the post "
            'may have changed.</p><div class="_1q3w"><a href="https://developers.facebook.com/docs/'
            'plugins/embedded-posts/?ref=embed_post" target="_blank">Help Center</a></div></div>'
        },
    ),
    probe="https://www.facebook.com/20531316728/posts/10154009990506729/",  # Embedded Posts docs
    examples=(
        (
            "https://www.facebook.com/photo.php?fbid=10207393772231779&set=a.1332832050135&type=3",
            "10207393772231779",
        ),
        ("https://www.facebook.com/justiciatv/videos/1661762744185332/", "1661762744185332"),
        ("https://graph.facebook.com/100044264924472/posts/488827215936105/", "488827215936105"),
        ("https://www.facebook.com/Sozialdemokratie/videos/928812574504508/", "928812574504508"),
        ("https://www.facebook.com/watch/?v=3485430308204317", "3485430308204317"),
        ("https://www.facebook.com/photo/?fbid=10160123456789012&set=a.10150123", "10160123456789012"),
        ("https://www.facebook.com/zuck/posts/pfbid02abcDEFghiJKLmno", "pfbid02abcDEFghiJKLmno"),
    ),
)
