"""Instagram: blockquote.instagram-media (data-instgrm-permalink) and rendered /embed iframes."""

from __future__ import annotations

from archiver.platforms.base import Platform, StandIn

_HOST = r"(?:https?:)?//(?:www\.|m\.)?instagr(?:am\.com|\.am)"
# Newer permalinks put the account first: instagram.com/<user>/p/<shortcode>/.
_PATH = r"/(?:[A-Za-z0-9_.]{1,30}/)?(?:p|reel|reels|tv)/(?P<id>[A-Za-z0-9_-]{5,64})(?![A-Za-z0-9_-])"


def canonical_url(post_id: str) -> str:
    return f"https://www.instagram.com/p/{post_id}/"


def embed_url(post_id: str) -> str:
    return f"https://www.instagram.com/p/{post_id}/embed/captioned/"


PLATFORM = Platform(
    name="instagram",
    url_patterns=(_HOST + _PATH,),
    canonical_url=canonical_url,
    video=True,
    embed_classes=("instagram-media",),
    embed_tags=("amp-instagram",),
    url_attributes=("data-instgrm-permalink", "cite", "data-href", "data-shortcode"),
    id_attributes=("data-instgrm-permalink",),
    iframe_patterns=(r"instagram\.com" + _PATH + r"/embed",),
    embed_url=embed_url,
    render_selector=".EmbeddedMedia, .Embed, .EmbedFrame",
    stand_in=StandIn(
        title="Instagram",
        hosts=("www.instagram.com", "instagram.com"),
        path=r"/(?:[\w.]+/)?(?:p|reel|tv)/[\w-]+/embed(?:/captioned)?/?",
        image_host="scontent.cdninstagram.com",
        classes="Embed EmbeddedMedia",
    ),
    probe="https://www.instagram.com/p/BsOGulcndj-/",  # world_record_egg, Meta's oEmbed docs
    examples=(
        ("https://www.instagram.com/p/BNpLF8LD0GD/", "BNpLF8LD0GD"),
        ("https://instagram.com/p/BIIivW-DEWO/?utm_source=ig_embed", "BIIivW-DEWO"),
        ("https://www.instagram.com/reel/CgPo31co2Hp/", "CgPo31co2Hp"),
        ("https://www.instagram.com/ladygaga/p/Ca-5BfKPURu/", "Ca-5BfKPURu"),
    ),
)
