"""Every markup form a news page carries a post in, per platform the corpora hold no real page of.

tests/corpus and ../shared/corpus hold real pages embedding YouTube, Twitter, Instagram,
Facebook, Vimeo and Dailymotion only. For TikTok, Bluesky, Threads, Mastodon, Telegram, Reddit,
LinkedIn and the retired Vine, Periscope, Google+ and Storify, this table holds one small shape
per form the platform's own embed code, AMP, the CMSs and the lazy-load and consent tools write,
each with where the shape comes from, and the exact post discovery must find in it (platform
and id); TRAPS holds what names such a platform without being one post it shows (follow and
share buttons, profiles, feeds, hashtags, channels, comment widgets, a post only linked in text).

Where the shapes come from (the markup each writes, not code):
- TikTok: developers.tiktok.com "Embed Videos" (blockquote.tiktok-embed with cite and
  data-video-id, embed.js), "Embed Player" (www.tiktok.com/player/v1/ID), "Embed Creator
  Profile" (blockquote.tiktok-embed data-embed-type="creator" data-unique-id, cite the
  profile); the embed.js frame (www.tiktok.com/embed/v2/ID); AMP's amp-tiktok
  (ampproject/amphtml extensions/amp-tiktok/amp-tiktok.md: data-src, a URL or the id);
  justinribeiro/lite-tiktok (<lite-tiktok videoid=ID>), and the `video-id` spelling of other
  facades (find_string "<lite-tiktok ").
- Bluesky: embed.bsky.app's oEmbed (blockquote.bluesky-embed data-bluesky-uri, embed.js), the
  frame embed.js writes (embed.bsky.app/embed/DID/app.bsky.feed.post/RKEY, data-bluesky-id);
  mary-ext/bluesky-embed (<bluesky-post src="at://..."> holding blockquote.bluesky-post-fallback).
- Threads: Meta's Threads embed (blockquote.text-post-media data-text-post-permalink, embed.js)
  and the frame it writes (/@USER/post/ID/embed); Threads' web intents (threads.net/intent/...).
- Mastodon: the embed dialog of Mastodon 4.3+ (blockquote.mastodon-embed data-embed-url, an
  <a> to the post, embed.js with data-allowed-prefixes) and of earlier versions
  (iframe.mastodon-embed src=/@USER/ID/embed); its profile links (rel="me").
- Telegram: core.telegram.org/widgets/post (telegram-widget.js with data-telegram-post, the
  frame it writes: t.me/CHANNEL/ID?embed=1, id="telegram-post-CHANNEL-ID"), /widgets/discussion
  (data-telegram-discussion), /widgets/login (data-telegram-login), /widgets/share.
- Reddit: Reddit's embed dialog (blockquote.reddit-embed-bq, embed.reddit.com/widgets.js, the
  frame it writes on embed.reddit.com; a comment's blockquote links the comment first, then its
  discussion), its older codes (blockquote.reddit-card with embed.redditmedia.com's
  platform.js, div.reddit-embed for comments, redditmedia.com frames), AMP's amp-reddit
  (extensions/amp-reddit/amp-reddit.md: data-embedtype post|comment, data-src).
- LinkedIn: the post's "Embed this post" dialog (iframe linkedin.com/embed/feed/update/URN
  with urn:li:share, urn:li:ugcPost, urn:li:activity); LinkedIn's share and follow plugins
  (platform.linkedin.com/in.js with script type IN/Share, IN/FollowCompany).
- Vine: Vine's embed code (iframe.vine-embed vine.co/v/ID/embed/simple|postcard, embed.js),
  AMP's amp-vine (data-vineid), Jetpack's vine shortcode (an iframe.vine-embed).
- Periscope: its broadcast link (periscope.tv/w/ID) in a frame, and the On Air button
  Twitter's widgets.js drew (a.periscope-on-air linking a profile).
- Google+: plusone.js (div.g-post data-href, the widget frame it drew), its buttons and badges
  (g-plusone, g-follow, g-page, g-person, g-plus data-action=share).
- Storify: its embed code (div.storify holding the /embed frame, the USER/SLUG.js script and a
  noscript link).
- WordPress core's embed block (figure.wp-block-embed.is-provider-X, the URL as the text of
  div.wp-block-embed__wrapper before oEmbed ran, the provider's code after); Drupal core's
  media oEmbed frame (/media/oembed?url=); Medium's embedly frame (?url=); a CMS's srcdoc frame
  (the provider's code entity-escaped in the attribute); Embed Privacy (epiphyt/embed-privacy
  inc/embed/class-template.php: its "open directly" link) and Borlabs Cookie 3
  (data-borlabs-cookie-content, base64) around another platform's code; Arc XP's ANS
  oembed_response and its unresolved reference ({"type": "reference", "referent": {"type",
  "id"}}, arc ANS schema's reference); headless CMSs' page data: WPGraphQL content blocks
  (wpengine/wp-graphql-content-blocks: CoreEmbed with attributes.url and providerNameSlug),
  Automattic/vip-block-data-api (blocks of name and attributes), Sanity's portable text
  (`_type`, `_key`), Contentful's rich text (`nodeType: embedded-entry-block`, data.target);
  schema.org's VideoObject in microdata (itemprop="embedUrl").
- Facebook's JavaScript SDK plugins (developers.facebook.com: Embedded Posts, Embedded
  Comments, Page Plugin, Comments Plugin); the photo page's URL its embed dialog gives
  (/photo/?fbid=ID); Twitter's widgets.js timelines, moments and grids.
- AMP (amp.dev) has no component for Bluesky, Threads, Mastodon, Telegram or LinkedIn (none is
  in ampproject/amphtml's extensions): AMP pages show their frames in amp-iframe.
- Substack's Bluesky component (div.bluesky-wrap[data-component-name=BlueskyCreateBlueskyEmbed]
  with its post as data-attrs JSON), as a public embed resolver's tests copy it (find_string
  "BlueskyCreateBlueskyEmbed").
- Facades and players: paulirish/lite-youtube-embed (<lite-youtube videoid params playlabel>),
  slightlyoff/lite-vimeo (<lite-vimeo videoid>), Jetpack's youtube shortcode (Automattic/jetpack
  modules/shortcodes: span.embed-youtube > iframe.youtube-player), YouTube's privacy-enhanced
  mode (youtube-nocookie.com), Vimeo's dnt=1.
- What is not the article's: WordPress's comment template (div#comments.comments-area >
  ol.comment-list > li.comment > article.comment-body), IndieWeb webmentions
  (article.p-comment.h-entry: pfefferle/wordpress-semantic-linkbacks tests/templates), and
  WordPress's Video widget in a sidebar (section#sidebar > div.widget.widget_media_video).
"""

from __future__ import annotations

import base64
import html
import json

import pytest

from archiver.discovery.find import find_embeds

TIKTOK = "6718335390845095173"
TIKTOK_URL = f"https://www.tiktok.com/@scout2015/video/{TIKTOK}"
TIKTOK_CODE = (
    f'<blockquote class="tiktok-embed" cite="{TIKTOK_URL}" data-video-id="{TIKTOK}" '
    'style="max-width: 605px;min-width: 325px;"><section><a target="_blank" title="@scout2015" '
    'href="https://www.tiktok.com/@scout2015?refer=embed">@scout2015</a> Scramble up ur name '
    '<a title="foryoupage" target="_blank" href="https://www.tiktok.com/tag/foryoupage?refer=embed">'
    '#foryoupage</a> <a target="_blank" title="♬ original sound - tiff" '
    'href="https://www.tiktok.com/music/original-sound-6689804660171082501?refer=embed">'
    "♬ original sound - tiff</a></section></blockquote>"
    '<script async src="https://www.tiktok.com/embed.js"></script>'
)
DID = "did:plc:ic6zqvuw5ulmfpjiwnhsr2ns"
RKEY = "3k7qmjev5lr2s"
BSKY = f"{DID}/{RKEY}"
BSKY_URI = f"at://{DID}/app.bsky.feed.post/{RKEY}"
THREADS = "C8Fr0YgS0Bt"
THREADS_URL = f"https://www.threads.net/@zuck/post/{THREADS}"
TOOT = "109318821117356215"
TOOT_URL = f"https://mastodon.social/@Gargron/{TOOT}"
TOOT_ID = f"mastodon.social/@Gargron/{TOOT}"
REDDIT_THREAD = "https://www.reddit.com/r/investing/comments/7pfpeq/buffett_on_cyrptocurrencies/"
REDDIT_COMMENT = REDDIT_THREAD + "dsh3k5x/"
LI_SHARE = "urn:li:share:6898724209876471808"
LI_UGC = "urn:li:ugcPost:7198765432109876543"
LI_ACTIVITY = "urn:li:activity:7012345678901234567"
VINE = "MdKjXez002d"
GPLUS_URL = "https://plus.google.com/109813896768294978296/posts/hdbPtrsqMXQ"
GPLUS = "109813896768294978296/hdbPtrsqMXQ"
STORY = "amirmc/fosdem"


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def attr(text: str) -> str:
    return html.escape(text, quote=True)


def next_data(data: object) -> str:
    return '<script id="__NEXT_DATA__" type="application/json">' + json.dumps(data) + "</script>"


def wp_block(provider: str, inner: str, kind: str = "rich") -> str:
    return (
        f'<figure class="wp-block-embed is-type-{kind} is-provider-{provider} wp-block-embed-{provider}">'
        f'<div class="wp-block-embed__wrapper">\n{inner}\n</div></figure>'
    )


def embedly(url: str) -> str:
    quoted = url.replace(":", "%3A").replace("/", "%2F").replace("@", "%40")
    return (
        f'<iframe class="embedly-embed" src="https://cdn.embedly.com/widgets/media.html?src={quoted}'
        f"&amp;display_name=TikTok&amp;url={quoted}&amp;key=a19fcc184b9711e1b4764040d3dc5c07"
        '&amp;type=text%2Fhtml&amp;schema=tiktok" width="340" height="700"></iframe>'
    )


def drupal(url: str) -> str:
    return (
        f'<iframe src="/media/oembed?url={url.replace(":", "%3A").replace("?", "%3F")}&amp;max_width=0'
        '&amp;max_height=0&amp;hash=HT3mnbR0iUGB8FmIEMqxHnYq_J0ZDGDYlNpYEEMzdNk" '
        'class="media-oembed-content" loading="eager" title="A post"></iframe>'
    )


def embed_privacy(provider: str, url: str) -> str:
    return (
        f'<div class="embed-privacy-container is-disabled embed-{provider}" data-embed-id="oembed_1a2b3c" '
        f'data-embed-provider="{provider}"><button class="embed-privacy-enable screen-reader-text">Display '
        f"content from {provider}</button>"
        '<div class="embed-privacy-overlay"><div class="embed-privacy-inner">'
        f"<p>Click here to display content from {provider}.</p></div></div>"
        '<div class="embed-privacy-footer"><span class="embed-privacy-url">'
        f'<a href="{url}">Open content directly</a></span></div></div>'
    )


def borlabs(code: str) -> str:
    return (
        '<div class="brlbs-cmpnt-container brlbs-cmpnt-content-blocker" '
        f'data-borlabs-cookie-content-blocker-id="default" data-borlabs-cookie-content="{b64(code)}">'
        '<div class="brlbs-cmpnt-cb-preset-a"><p>You are currently viewing a placeholder content.</p>'
        '<a class="brlbs-cmpnt-cb-btn" href="#" role="button" data-borlabs-cookie-unblock>Unblock</a>'
        "</div></div>"
    )


# (form, markup, (platform, post id)): the one post the markup shows.
FOUND: list[tuple[str, str, tuple[str, str]]] = [
    # --- TikTok
    ("tiktok official blockquote", TIKTOK_CODE, ("tiktok", TIKTOK)),
    (
        "tiktok blockquote with data-video-id only",
        f'<blockquote class="tiktok-embed" data-video-id="{TIKTOK}" style="max-width:605px">'
        "<section></section></blockquote>",
        ("tiktok", TIKTOK),
    ),
    (
        "tiktok embed.js frame",
        f'<iframe src="https://www.tiktok.com/embed/v2/{TIKTOK}?lang=en-US" name="__tt_embed__v3802"'
        ' style="width: 100%; height: 739px;"></iframe>',
        ("tiktok", TIKTOK),
    ),
    (
        "tiktok embed player",
        f'<iframe height="740" width="325" src="https://www.tiktok.com/player/v1/{TIKTOK}?music_info=1'
        '&amp;description=1" allow="fullscreen" title="test"></iframe>',
        ("tiktok", TIKTOK),
    ),
    (
        "amp-tiktok by id",
        f'<amp-tiktok width="325" height="575" data-src="{TIKTOK}"></amp-tiktok>',
        ("tiktok", TIKTOK),
    ),
    (
        "amp-tiktok by url",
        f'<amp-tiktok width="325" height="575" data-src="{TIKTOK_URL}"></amp-tiktok>',
        ("tiktok", TIKTOK),
    ),
    ("lite-tiktok videoid", f'<lite-tiktok videoid="{TIKTOK}"></lite-tiktok>', ("tiktok", TIKTOK)),
    (
        "lite-tiktok video-id",
        f'<lite-tiktok video-id="{TIKTOK}" username="scout2015"></lite-tiktok>',
        ("tiktok", TIKTOK),
    ),
    (
        "wordpress embed block before oembed (tiktok)",
        wp_block("tiktok", TIKTOK_URL, "video"),
        ("tiktok", TIKTOK),
    ),
    (
        "wordpress embed block after oembed (tiktok)",
        wp_block("tiktok", TIKTOK_CODE, "video"),
        ("tiktok", TIKTOK),
    ),
    ("drupal media oembed (tiktok)", drupal(TIKTOK_URL), ("tiktok", TIKTOK)),
    ("medium embedly frame (tiktok)", embedly(TIKTOK_URL), ("tiktok", TIKTOK)),
    ("embed privacy (tiktok)", embed_privacy("tiktok", TIKTOK_URL), ("tiktok", TIKTOK)),
    ("borlabs content blocker (tiktok)", borlabs(TIKTOK_CODE), ("tiktok", TIKTOK)),
    (
        "srcdoc frame holding the tiktok code",
        f'<iframe srcdoc="{attr(TIKTOK_CODE)}" frameborder="0" width="100%"></iframe>',
        ("tiktok", TIKTOK),
    ),
    (
        "arc xp oembed_response (tiktok)",
        '<script id="fusion-metadata">Fusion.globalContent='
        + json.dumps(
            {
                "canonical_url": "/story/",
                "content_elements": [
                    {
                        "type": "oembed_response",
                        "subtype": "tiktok",
                        "raw_oembed": {"url": TIKTOK_URL, "html": TIKTOK_CODE, "type": "tiktok"},
                    }
                ],
            }
        ).replace("</", "<\\/")
        + ";</script>",
        ("tiktok", TIKTOK),
    ),
    # --- Bluesky
    (
        "bluesky official blockquote",
        f'<blockquote class="bluesky-embed" data-bluesky-uri="{BSKY_URI}" '
        'data-bluesky-cid="bafyreiaxc5zkzkn5zofpymdmj5vh5ugvyafdwyxwdwp7qbwsiq7v2dqsyy" '
        'data-bluesky-embed-color-mode="system"><p lang="en">Hello</p>&mdash; Jay '
        f'(<a href="https://bsky.app/profile/{DID}?ref_src=embed">@jay.bsky.team</a>) '
        f'<a href="https://bsky.app/profile/{DID}/post/{RKEY}?ref_src=embed">September 15, 2023</a>'
        '</blockquote><script async src="https://embed.bsky.app/static/embed.js" charset="utf-8"></script>',
        ("bluesky", BSKY),
    ),
    (
        "bluesky embed.js frame",
        f'<iframe data-bluesky-id="6485290838786375" src="https://embed.bsky.app/embed/{DID}/'
        f'app.bsky.feed.post/{RKEY}?id=6485290838786375&amp;ref_url=https%253A%252F%252Fnews.example%252F" '
        'width="100%" frameborder="0" scrolling="no"></iframe>',
        ("bluesky", BSKY),
    ),
    (
        "bluesky-post element (mary-ext/bluesky-embed)",
        f'<bluesky-post src="{BSKY_URI}"><blockquote class="bluesky-post-fallback"><p dir="auto">Hello</p>'
        f'&mdash; Jay (@jay.bsky.team) <a href="https://bsky.app/profile/{DID}/post/{RKEY}">'
        "January 16, 2024 at 9:11 AM</a></blockquote></bluesky-post>",
        ("bluesky", BSKY),
    ),
    (
        "bluesky-post element without its fallback",
        f'<bluesky-post src="https://bsky.app/profile/{DID}/post/{RKEY}"></bluesky-post>',
        ("bluesky", BSKY),
    ),
    (
        "wordpress embed block before oembed (bluesky)",
        wp_block("bluesky", f"https://bsky.app/profile/{DID}/post/{RKEY}"),
        ("bluesky", BSKY),
    ),
    (
        "embed privacy (bluesky)",
        embed_privacy("bluesky", f"https://bsky.app/profile/{DID}/post/{RKEY}"),
        ("bluesky", BSKY),
    ),
    (
        "bluesky-post element naming its author by handle, with a declarative shadow root",
        '<bluesky-post contextless="true" src="at://newsroom.example/app.bsky.feed.post/3miq7aeuwbg42">'
        '<template shadowrootmode="open"><link '
        'href="https://cdn.jsdelivr.net/npm/bluesky-post-embed/core.css" '
        'rel="stylesheet"><slot></slot></template><blockquote><p dir="auto">Hello.</p><p>&mdash; Newsroom '
        '(@newsroom.example) <a href="https://bsky.app/profile/newsroom.example/post/3miq7aeuwbg42">'
        "2026-02-15</a></p></blockquote></bluesky-post>",
        ("bluesky", "newsroom.example/3miq7aeuwbg42"),
    ),
    (
        "substack bluesky component (its post as JSON, the frame inside)",
        '<div class="bluesky-wrap outer" style="height: auto; display: flex;" data-attrs="'
        + attr(
            json.dumps(
                {
                    "postId": RKEY,
                    "authorDid": DID,
                    "authorName": "Jay",
                    "authorHandle": "jay.bsky.team",
                    "text": "Hello",
                    "uri": BSKY_URI,
                    "imageUrls": [f"https://cdn.bsky.app/img/feed_thumbnail/plain/{DID}/bafkreithumb@jpeg"],
                }
            )
        )
        + '" data-component-name="BlueskyCreateBlueskyEmbed"><iframe id="bluesky-3k7qmjev5lr2s" '
        f'data-bluesky-id="1234567890123456" src="https://embed.bsky.app/embed/{DID}/app.bsky.feed.post/'
        f'{RKEY}?id=1234567890123456" width="100%" frameborder="0" scrolling="no"></iframe></div>',
        ("bluesky", BSKY),
    ),
    (
        "substack bluesky component before its frame is drawn",
        '<div class="bluesky-wrap outer" data-attrs="'
        + attr(json.dumps({"postId": RKEY, "authorDid": DID, "text": "Hello", "uri": BSKY_URI}))
        + '" data-component-name="BlueskyCreateBlueskyEmbed"></div>',
        ("bluesky", BSKY),
    ),
    # --- Threads
    (
        "threads official blockquote",
        f'<blockquote class="text-post-media" data-text-post-permalink="{THREADS_URL}" '
        f'data-text-post-version="0" id="ig-tp-{THREADS}" style="background:#FFF;"><a href="{THREADS_URL}" '
        'target="_blank"><div>View on Threads</div></a></blockquote>'
        '<script async src="https://www.threads.net/embed.js"></script>',
        ("threads", THREADS),
    ),
    (
        "threads embed.js frame",
        f'<iframe class="text-post-media" src="{THREADS_URL}/embed/" scrolling="no" '
        'style="width:100%"></iframe>',
        ("threads", THREADS),
    ),
    (
        "threads frame on threads.com /t/",
        f'<iframe src="https://www.threads.com/t/{THREADS}/embed"></iframe>',
        ("threads", THREADS),
    ),
    ("wordpress embed block before oembed (threads)", wp_block("threads", THREADS_URL), ("threads", THREADS)),
    (
        "borlabs content blocker (threads)",
        borlabs(
            f'<blockquote class="text-post-media" data-text-post-permalink="{THREADS_URL}"></blockquote>'
        ),
        ("threads", THREADS),
    ),
    # --- Mastodon
    (
        "mastodon 4.3 blockquote",
        f'<blockquote class="mastodon-embed" data-embed-url="{TOOT_URL}/embed" '
        'style="background: #FCF8FF; border-radius: 8px;">'
        f'<a href="{TOOT_URL}" target="_blank" style="color: #1C1A25;"><div>Post by @Gargron@mastodon.social'
        "</div><div>View on Mastodon</div></a></blockquote>"
        '<script data-allowed-prefixes="https://mastodon.social/" async '
        'src="https://mastodon.social/embed.js"></script>',
        ("mastodon", TOOT_ID),
    ),
    (
        "mastodon 4.3 blockquote on an instance of any name",
        '<blockquote class="mastodon-embed" data-embed-url="https://social.example-news.org/@desk/'
        '113456789012345678/embed"><a href="https://social.example-news.org/@desk/113456789012345678">'
        "Post by @desk@social.example-news.org</a></blockquote>"
        '<script data-allowed-prefixes="https://social.example-news.org/" async '
        'src="https://social.example-news.org/embed.js"></script>',
        ("mastodon", "social.example-news.org/@desk/113456789012345678"),
    ),
    (
        "mastodon frame",
        f'<iframe src="{TOOT_URL}/embed" class="mastodon-embed" style="max-width: 100%; border: 0" '
        'width="400" allowfullscreen="allowfullscreen"></iframe>'
        '<script src="https://mastodon.social/embed.js" async="async"></script>',
        ("mastodon", TOOT_ID),
    ),
    (
        "mastodon frame without its class, on an instance of any name",
        '<iframe src="https://social.example-news.org/@desk/113456789012345678/embed" width="400"></iframe>',
        ("mastodon", "social.example-news.org/@desk/113456789012345678"),
    ),
    ("wordpress embed block before oembed (mastodon)", wp_block("mastodon", TOOT_URL), ("mastodon", TOOT_ID)),
    # --- Telegram
    (
        "telegram widget script",
        '<script async src="https://telegram.org/js/telegram-widget.js?22" data-telegram-post="durov/43" '
        'data-width="100%" data-userpic="false" data-dark="1"></script>',
        ("telegram", "durov/43"),
    ),
    (
        "telegram widget frame",
        '<iframe id="telegram-post-durov-43" src="https://t.me/durov/43?embed=1&amp;userpic=false&amp;dark=1"'
        ' width="100%" height="" frameborder="0" scrolling="no" style="overflow: hidden;"></iframe>',
        ("telegram", "durov/43"),
    ),
    (
        "telegram frame of a channel's web preview post",
        '<iframe src="https://t.me/s/durov/43?embed=1"></iframe>',
        ("telegram", "durov/43"),
    ),
    (
        "embed privacy (telegram)",
        embed_privacy("telegram", "https://t.me/durov/43"),
        ("telegram", "durov/43"),
    ),
    (
        "borlabs content blocker (telegram)",
        borlabs(
            '<script async src="https://telegram.org/js/telegram-widget.js?22" data-telegram-post="durov/43">'
            "</script>"
        ),
        ("telegram", "durov/43"),
    ),
    # --- Reddit
    (
        "reddit embed blockquote (post)",
        '<blockquote class="reddit-embed-bq" style="height:316px" data-embed-height="316">'
        f'<a href="{REDDIT_THREAD}">'
        'Buffett on Cyrptocurrencies</a><br> by <a href="https://www.reddit.com/user/someone/">u/someone</a>'
        ' in <a href="https://www.reddit.com/r/investing/">investing</a></blockquote>'
        '<script async="" src="https://embed.reddit.com/widgets.js" charset="UTF-8"></script>',
        ("reddit", "7pfpeq"),
    ),
    (
        "reddit embed blockquote (comment, then its discussion)",
        '<blockquote class="reddit-embed-bq" data-embed-showedits="false" data-embed-height="240">'
        f'<a href="{REDDIT_COMMENT}">Comment</a><br> by <a href="https://www.reddit.com/user/someone/">'
        f'u/someone</a> from discussion <a href="{REDDIT_THREAD}">Buffett on Cyrptocurrencies</a><br> in '
        '<a href="https://www.reddit.com/r/investing/">investing</a></blockquote>'
        '<script async="" src="https://embed.reddit.com/widgets.js" charset="UTF-8"></script>',
        ("reddit", "7pfpeq/dsh3k5x"),
    ),
    (
        "reddit card (older)",
        f'<blockquote class="reddit-card" data-card-created="1515772460"><a href="{REDDIT_THREAD}">Buffett'
        '</a> from <a href="http://www.reddit.com/r/investing">r/investing</a></blockquote>'
        '<script async src="//embed.redditmedia.com/widgets/platform.js" charset="UTF-8"></script>',
        ("reddit", "7pfpeq"),
    ),
    (
        "reddit comment embed (older div.reddit-embed)",
        '<div class="reddit-embed" data-embed-media="www.redditmedia.com" data-embed-parent="false" '
        'data-embed-live="false" data-embed-uuid="4e4a2d9f-9c36-4e1f-8a52-3c1b2f0e2a11" '
        f'data-embed-created="2018-01-12T16:27:10.000Z"><a href="{REDDIT_COMMENT}">Comment</a> from '
        f'discussion <a href="{REDDIT_THREAD}">Buffett on Cyrptocurrencies</a>.</div>'
        '<script async src="https://www.redditstatic.com/comment-embed.js"></script>',
        ("reddit", "7pfpeq/dsh3k5x"),
    ),
    (
        "reddit embed frame",
        '<iframe id="reddit-embed" src="https://embed.reddit.com/r/investing/comments/7pfpeq/'
        "buffett_on_cyrptocurrencies/?embed=true&amp;ref_source=embed&amp;ref=share&amp;utm_medium=widgets"
        '&amp;utm_source=embedv2&amp;utm_term=23&amp;utm_name=iframe_embed" sandbox="allow-scripts '
        'allow-same-origin allow-popups" style="border: none;" height="316" width="640" scrolling="no">'
        "</iframe>",
        ("reddit", "7pfpeq"),
    ),
    (
        "reddit embed frame of a comment",
        '<iframe src="https://embed.reddit.com/r/investing/comments/7pfpeq/comment/dsh3k5x/?embed=true'
        '&amp;showmedia=false&amp;depth=1"></iframe>',
        ("reddit", "7pfpeq/dsh3k5x"),
    ),
    (
        "redditmedia frame (older)",
        '<iframe id="reddit-embed" src="https://www.redditmedia.com/r/investing/comments/7pfpeq/'
        'buffett_on_cyrptocurrencies/?ref_source=embed&amp;ref=share&amp;embed=true" height="146"></iframe>',
        ("reddit", "7pfpeq"),
    ),
    (
        "amp-reddit post",
        f'<amp-reddit layout="responsive" width="300" height="400" data-embedtype="post" '
        f'data-src="{REDDIT_THREAD}?ref=share&amp;ref_source=embed"></amp-reddit>',
        ("reddit", "7pfpeq"),
    ),
    (
        "amp-reddit comment",
        '<amp-reddit layout="responsive" width="400" height="400" data-embedtype="comment" '
        f'data-src="{REDDIT_COMMENT}" data-uuid="b1246282-bd7b-4778-8c5b-5b08ac0e175e" '
        'data-embedcreated="2016-09-26T21:26:17.823Z" data-embedparent="true" data-embedlive="true">'
        "</amp-reddit>",
        ("reddit", "7pfpeq/dsh3k5x"),
    ),
    ("wordpress embed block before oembed (reddit)", wp_block("reddit", REDDIT_THREAD), ("reddit", "7pfpeq")),
    ("drupal media oembed (reddit)", drupal(REDDIT_THREAD), ("reddit", "7pfpeq")),
    # --- LinkedIn
    (
        "linkedin frame of a share",
        f'<iframe src="https://www.linkedin.com/embed/feed/update/{LI_SHARE}" height="1197" width="504" '
        'frameborder="0" allowfullscreen="" title="Embedded post"></iframe>',
        ("linkedin", LI_SHARE),
    ),
    (
        "linkedin frame of a ugcPost, collapsed",
        f'<iframe src="https://www.linkedin.com/embed/feed/update/{LI_UGC}?collapsed=1" height="265" '
        'width="504" title="Embedded post"></iframe>',
        ("linkedin", LI_UGC),
    ),
    (
        "linkedin frame of an activity, its urn percent-encoded",
        '<iframe src="https://www.linkedin.com/embed/feed/update/' + LI_ACTIVITY.replace(":", "%3A") + '">'
        "</iframe>",
        ("linkedin", LI_ACTIVITY),
    ),
    (
        "linkedin frame behind cookiebot",
        f'<iframe data-cookieblock-src="https://www.linkedin.com/embed/feed/update/{LI_SHARE}" '
        'data-cookieconsent="marketing" src="about:blank"></iframe>',
        ("linkedin", LI_SHARE),
    ),
    (
        "embed privacy (linkedin)",
        embed_privacy("linkedin", f"https://www.linkedin.com/feed/update/{LI_SHARE}/"),
        ("linkedin", LI_SHARE),
    ),
    # --- frames a consent tool parked (each tool's attribute, as tests/test_discover_consent_tools.py lists)
    (
        "tiktok frame behind usercentrics",
        f'<iframe data-uc-src="https://www.tiktok.com/embed/v2/{TIKTOK}" data-usercentrics="TikTok">'
        "</iframe>",
        ("tiktok", TIKTOK),
    ),
    (
        "bluesky frame behind real cookie banner",
        f'<iframe consent-original-src-_="https://embed.bsky.app/embed/{DID}/app.bsky.feed.post/{RKEY}" '
        'consent-required="12" consent-by="services"></iframe>',
        ("bluesky", BSKY),
    ),
    (
        "threads frame behind complianz",
        f'<iframe data-src-cmplz="{THREADS_URL}/embed" src="about:blank" class="cmplz-iframe"></iframe>',
        ("threads", THREADS),
    ),
    (
        "mastodon frame behind cookiebot",
        f'<iframe data-cookieblock-src="{TOOT_URL}/embed" data-cookieconsent="marketing" '
        'class="mastodon-embed" src="about:blank"></iframe>',
        ("mastodon", TOOT_ID),
    ),
    (
        "mastodon frame of an instance of any name behind complianz",
        '<iframe data-src-cmplz="https://social.example-news.org/@desk/113456789012345678/embed" '
        'src="about:blank"></iframe>',
        ("mastodon", "social.example-news.org/@desk/113456789012345678"),
    ),
    (
        "telegram frame behind borlabs src-consent",
        '<iframe src-consent="https://t.me/durov/43?embed=1" src="about:blank"></iframe>',
        ("telegram", "durov/43"),
    ),
    (
        "reddit frame behind iubenda",
        '<iframe class="_iub_cs_activate" '
        'suppressedsrc="https://embed.reddit.com/r/investing/comments/7pfpeq/'
        'buffett/?embed=true" src="//cdn.iubenda.com/cookie_solution/empty.html"></iframe>',
        ("reddit", "7pfpeq"),
    ),
    # --- AMP components of the other platforms (amp.dev: extensions/amp-*/amp-*.md)
    (
        "amp-twitter",
        '<amp-twitter width="375" height="472" layout="responsive" data-tweetid="885634330868850689">'
        "</amp-twitter>",
        ("twitter", "885634330868850689"),
    ),
    (
        "amp-instagram",
        '<amp-instagram data-shortcode="fBwFP" data-captioned width="400" height="400" layout="responsive">'
        "</amp-instagram>",
        ("instagram", "fBwFP"),
    ),
    (
        "amp-facebook video",
        '<amp-facebook width="552" height="574" layout="responsive" data-embed-as="video" '
        'data-href="https://www.facebook.com/zuck/videos/10102509264909801/"></amp-facebook>',
        ("facebook", "10102509264909801"),
    ),
    (
        "amp-youtube",
        '<amp-youtube data-videoid="mGENRKrdoGY" layout="responsive" width="480" height="270"></amp-youtube>',
        ("youtube", "mGENRKrdoGY"),
    ),
    (
        "amp-vimeo",
        '<amp-vimeo data-videoid="27246366" layout="responsive" width="500" height="281"></amp-vimeo>',
        ("vimeo", "27246366"),
    ),
    (
        "amp-dailymotion",
        '<amp-dailymotion data-videoid="x2m8jpp" layout="responsive" width="480" height="270">'
        "</amp-dailymotion>",
        ("dailymotion", "x2m8jpp"),
    ),
    # AMP has no component for Bluesky, Threads, Mastodon, Telegram or LinkedIn: AMP pages (and
    # the WordPress AMP plugin) show their frames in an amp-iframe
    (
        "amp-iframe of a bluesky post",
        f'<amp-iframe width="400" height="500" layout="responsive" sandbox="allow-scripts allow-same-origin" '
        f'src="https://embed.bsky.app/embed/{DID}/app.bsky.feed.post/{RKEY}"></amp-iframe>',
        ("bluesky", BSKY),
    ),
    (
        "amp-iframe of a mastodon post",
        '<amp-iframe width="400" height="300" layout="responsive" sandbox="allow-scripts" '
        f'src="{TOOT_URL}/embed">'
        "</amp-iframe>",
        ("mastodon", TOOT_ID),
    ),
    (
        "amp-iframe of a telegram post",
        '<amp-iframe width="400" height="300" layout="responsive" sandbox="allow-scripts allow-same-origin" '
        'src="https://t.me/durov/43?embed=1"></amp-iframe>',
        ("telegram", "durov/43"),
    ),
    (
        "amp-iframe of a linkedin post",
        f'<amp-iframe width="504" height="600" layout="responsive" sandbox="allow-scripts allow-same-origin" '
        f'src="https://www.linkedin.com/embed/feed/update/{LI_SHARE}"></amp-iframe>',
        ("linkedin", LI_SHARE),
    ),
    # --- facades (paulirish/lite-youtube-embed, slightlyoff/lite-vimeo), privacy-enhanced players
    (
        "lite-youtube",
        '<lite-youtube videoid="ogfYd705cRs" playlabel="Play: Keynote" params="controls=0&amp;start=10">'
        "</lite-youtube>",
        ("youtube", "ogfYd705cRs"),
    ),
    (
        "lite-youtube with its thumbnail as background",
        '<lite-youtube videoid="ogfYd705cRs" style="background-image: url(\'https://i.ytimg.com/vi/'
        'ogfYd705cRs/hqdefault.jpg\');"><a href="https://youtube.com/watch?v=ogfYd705cRs" '
        'class="lty-playbtn" title="Play Video"><span class="lyt-visually-hidden">Play</span></a>'
        "</lite-youtube>",
        ("youtube", "ogfYd705cRs"),
    ),
    ("lite-vimeo", '<lite-vimeo videoid="364402896"></lite-vimeo>', ("vimeo", "364402896")),
    (
        "react-lite-youtube-embed facade (only its thumbnail names the video)",
        '<article class="yt-lite" data-title="Keynote" style="background-image: '
        "url(&quot;https://i.ytimg.com/vi/"
        'ogfYd705cRs/hqdefault.jpg&quot;);"><button type="button" class="lty-playbtn" '
        'aria-label="Watch Keynote">'
        "</button></article>",
        ("youtube", "ogfYd705cRs"),
    ),
    (
        "youtube privacy-enhanced mode",
        '<iframe src="https://www.youtube-nocookie.com/embed/ogfYd705cRs?rel=0" allowfullscreen></iframe>',
        ("youtube", "ogfYd705cRs"),
    ),
    (
        "vimeo do-not-track player",
        '<iframe src="https://player.vimeo.com/video/76979871?dnt=1&amp;h=8272103f6e" allowfullscreen>'
        "</iframe>",
        ("vimeo", "76979871"),
    ),
    # --- embed codes as a page saved after their scripts ran keeps them (the code and its frame)
    (
        "tiktok blockquote holding the frame embed.js drew",
        f'<blockquote class="tiktok-embed" cite="{TIKTOK_URL}" data-video-id="{TIKTOK}" '
        'style="max-width:605px">'
        '<iframe name="__tt_embed__v2343" sandbox="allow-popups allow-scripts allow-same-origin" '
        f'src="https://www.tiktok.com/embed/v2/{TIKTOK}?lang=en-US&amp;referrer=https%3A%2F%2Fnews.example'
        '%2Fstory&amp;embedFrom=oembed"></iframe></blockquote>',
        ("tiktok", TIKTOK),
    ),
    (
        "telegram widget script beside the frame it drew",
        '<script async src="https://telegram.org/js/telegram-widget.js?22" data-telegram-post="durov/43" '
        'data-width="100%"></script><iframe id="telegram-post-durov-43" src="https://t.me/durov/43?embed=1" '
        'width="100%" frameborder="0" scrolling="no"></iframe>',
        ("telegram", "durov/43"),
    ),
    (
        "reddit blockquote beside the frame widgets.js drew",
        f'<blockquote class="reddit-embed-bq" data-embed-height="316"><a href="{REDDIT_THREAD}">Buffett</a>'
        '</blockquote><iframe src="https://embed.reddit.com/r/investing/comments/7pfpeq/buffett/?embed=true'
        '&amp;ref_source=embed"></iframe>',
        ("reddit", "7pfpeq"),
    ),
    (
        "threads blockquote holding its frame",
        f'<blockquote class="text-post-media" data-text-post-permalink="{THREADS_URL}">'
        f'<iframe src="{THREADS_URL}/embed/?theme=light" class="text-post-media"></iframe></blockquote>',
        ("threads", THREADS),
    ),
    (
        "mastodon 4.3 blockquote beside the frame embed.js drew",
        f'<blockquote class="mastodon-embed" data-embed-url="{TOOT_URL}/embed" style="display: none;">'
        f'<a href="{TOOT_URL}">Post by @Gargron@mastodon.social</a></blockquote>'
        f'<iframe src="{TOOT_URL}/embed" class="mastodon-embed" width="400" id="mastodon-embed-1"></iframe>',
        ("mastodon", TOOT_ID),
    ),
    # --- the WordPress embed block's URL as themes and filters leave it
    (
        "wordpress embed block with a caption",
        '<figure class="wp-block-embed is-type-video is-provider-tiktok wp-block-embed-tiktok">'
        f'<div class="wp-block-embed__wrapper">\n{TIKTOK_URL}\n</div>'
        '<figcaption class="wp-element-caption">The video that started it all.</figcaption></figure>',
        ("tiktok", TIKTOK),
    ),
    (
        "wordpress embed block, the URL autolinked",
        '<figure class="wp-block-embed is-type-rich is-provider-reddit wp-block-embed-reddit">'
        f'<div class="wp-block-embed__wrapper"><a href="{REDDIT_THREAD}">{REDDIT_THREAD}</a></div></figure>',
        ("reddit", "7pfpeq"),
    ),
    (
        "wordpress embed block, the URL in the figure itself",
        f'<figure class="wp-block-embed is-provider-bluesky">https://bsky.app/profile/{DID}/post/{RKEY}'
        "<figcaption>A post.</figcaption></figure>",
        ("bluesky", BSKY),
    ),
    (
        "tweet blockquote whose link a CMS percent-encoded once too often",
        '<blockquote class="twitter-tweet"><p>Text.</p>&mdash; N (@n) '
        '<a href="https%3A%2F%2Ftwitter.com%2Fn%2Fstatus%2F1821185274147889728">August 7, 2024</a>'
        "</blockquote>",
        ("twitter", "1821185274147889728"),
    ),
    (
        "tiktok blockquote that lost its class (cite and data-video-id kept)",
        f'<blockquote cite="{TIKTOK_URL}" data-video-id="{TIKTOK}"><section><a title="@scout2015" '
        'href="https://www.tiktok.com/@scout2015?refer=embed">@scout2015</a> Scramble up ur name '
        '<a href="https://www.tiktok.com/tag/foryoupage?refer=embed">#foryoupage</a></section></blockquote>',
        ("tiktok", TIKTOK),
    ),
    # --- other CMS and embed-service forms
    (
        "arc xp ans reference not yet resolved (tiktok)",
        '<script id="fusion-metadata">Fusion.globalContent='
        + json.dumps(
            {
                "canonical_url": "/story/",
                "content_elements": [
                    {"type": "reference", "referent": {"type": "tiktok", "id": TIKTOK_URL, "provider": ""}}
                ],
            }
        ).replace("</", "<\\/")
        + ";</script>",
        ("tiktok", TIKTOK),
    ),
    (
        "amp-embedly-card",
        f'<amp-embedly-card data-url="{TIKTOK_URL}" layout="responsive" width="150" height="80">'
        "</amp-embedly-card>",
        ("tiktok", TIKTOK),
    ),
    (
        "amp-iframely by url",
        f'<amp-iframely data-url="{REDDIT_THREAD}" layout="responsive" width="1" height="1"></amp-iframely>',
        ("reddit", "7pfpeq"),
    ),
    (
        "webflow video embed (embedly frame)",
        '<div class="w-video w-embed" style="padding-top:56.25%">' + embedly(TIKTOK_URL) + "</div>",
        ("tiktok", TIKTOK),
    ),
    (
        "jetpack youtube shortcode output",
        '<span class="embed-youtube" style="text-align:center; display: block;"><iframe '
        'class="youtube-player" '
        'width="640" height="360" src="https://www.youtube.com/embed/ogfYd705cRs?version=3&amp;rel=1&amp;'
        "showsearch=0&amp;showinfo=1&amp;iv_load_policy=1&amp;fs=1&amp;hl=en-US&amp;autohide=2&amp;"
        'wmode=transparent" allowfullscreen="true" style="border:0;" sandbox="allow-scripts '
        "allow-same-origin "
        'allow-popups allow-presentation"></iframe></span>',
        ("youtube", "ogfYd705cRs"),
    ),
    (
        "jetpack vine shortcode output",
        f'<iframe class="vine-embed" src="https://vine.co/v/{VINE}/embed/simple" width="480" height="480" '
        'frameborder="0"></iframe>',
        ("vine", VINE),
    ),
    (
        "instagram reel frame, captioned",
        '<iframe class="instagram-media instagram-media-rendered" id="instagram-embed-0" '
        'src="https://www.instagram.com/reel/CgPo31co2Hp/embed/captioned/?cr=1&amp;v=14&amp;wp=540" '
        'allowtransparency="true" allowfullscreen="true" frameborder="0" height="946"></iframe>',
        ("instagram", "CgPo31co2Hp"),
    ),
    (
        "instagram tv frame",
        '<iframe src="https://www.instagram.com/tv/CgPo31co2Hp/embed/"></iframe>',
        ("instagram", "CgPo31co2Hp"),
    ),
    # --- headless CMSs' page data (a page that shows nothing else): the block's platform and URL
    (
        "wpgraphql / faust core/embed block",
        next_data(
            {
                "props": {
                    "pageProps": {
                        "post": {
                            "uri": "/story/",
                            "blocks": [
                                {
                                    "__typename": "CoreEmbed",
                                    "name": "core/embed",
                                    "attributes": {
                                        "url": TIKTOK_URL,
                                        "type": "video",
                                        "providerNameSlug": "tiktok",
                                    },
                                }
                            ],
                        }
                    }
                }
            }
        ),
        ("tiktok", TIKTOK),
    ),
    (
        "wordpress vip block data api core/embed",
        next_data(
            {
                "blocks": [
                    {"name": "core/embed", "attributes": {"url": REDDIT_THREAD, "providerNameSlug": "reddit"}}
                ]
            }
        ),
        ("reddit", "7pfpeq"),
    ),
    (
        "sanity portable text block named for its platform",
        next_data(
            {
                "body": [
                    {
                        "_type": "blueskyPost",
                        "_key": "a1b2c3",
                        "url": f"https://bsky.app/profile/{DID}/post/{RKEY}",
                    }
                ]
            }
        ),
        ("bluesky", BSKY),
    ),
    (
        "contentful entry with an embedUrl",
        next_data(
            {
                "content": [
                    {
                        "nodeType": "embedded-entry-block",
                        "data": {
                            "target": {"sys": {"id": "socialEmbed"}, "fields": {"embedUrl": TIKTOK_URL}}
                        },
                    }
                ]
            }
        ),
        ("tiktok", TIKTOK),
    ),
    # --- Facebook's JavaScript SDK plugins (developers.facebook.com: Embedded Posts, Comments)
    (
        "facebook post of a photo, the photo page's newer URL",
        '<div class="fb-post" data-href="https://www.facebook.com/photo/?fbid=10160123456789012&amp;set=a.10150123"'
        ' data-width="500" data-show-text="true"></div>',
        ("facebook", "10160123456789012"),
    ),
    (
        "facebook embedded comment (its post)",
        '<div class="fb-comment-embed" data-href="https://www.facebook.com/zuck/posts/10102577175875681?'
        'comment_id=1193531464007751&amp;reply_comment_id=654912701278942" data-width="560"></div>',
        ("facebook", "10102577175875681"),
    ),
    # --- Vine (retired)
    (
        "vine embed code (simple)",
        f'<iframe class="vine-embed" src="https://vine.co/v/{VINE}/embed/simple" width="600" height="600" '
        'frameborder="0"></iframe><script async src="//platform.vine.co/static/scripts/embed.js" '
        'charset="utf-8"></script>',
        ("vine", VINE),
    ),
    (
        "vine embed code (postcard), no class",
        f'<iframe src="https://vine.co/v/{VINE}/embed/postcard?audio=1" width="480" height="480"></iframe>',
        ("vine", VINE),
    ),
    ("amp-vine", f'<amp-vine width="400" height="400" data-vineid="{VINE}"></amp-vine>', ("vine", VINE)),
    (
        "wordpress embed block before oembed (vine)",
        wp_block("vine", f"https://vine.co/v/{VINE}"),
        ("vine", VINE),
    ),
    # --- Periscope (retired)
    (
        "periscope broadcast frame",
        '<iframe src="https://www.periscope.tv/w/1ZkKzPbMVggJv" width="100%" height="600"></iframe>',
        ("periscope", "1ZkKzPbMVggJv"),
    ),
    # --- Google+ (retired)
    (
        "google+ post (plusone.js)",
        f'<div class="g-post" data-href="{GPLUS_URL}"></div><script '
        'src="https://apis.google.com/js/plusone.js">'
        "</script>",
        ("googleplus", GPLUS),
    ),
    (
        "google+ post widget frame",
        '<iframe src="https://apis.google.com/_/widget/render/post?usegapi=1&amp;href='
        + GPLUS_URL.replace(":", "%3A").replace("/", "%2F")
        + '&amp;hl=en"></iframe>',
        ("googleplus", GPLUS),
    ),
    # --- Storify (retired)
    (
        "storify embed code",
        f'<div class="storify"><iframe src="//storify.com/{STORY}/embed?header=false&border=false" '
        'width="100%" height="750" frameborder="no" allowtransparency="true"></iframe>'
        f'<script src="//storify.com/{STORY}.js?header=false&border=false"></script><noscript>'
        f'[<a href="//storify.com/{STORY}" target="_blank">View the story on Storify</a>]</noscript></div>',
        ("storify", STORY),
    ),
]

# (form, markup): nothing here is a post the page shows.
TRAPS: list[tuple[str, str]] = [
    # --- TikTok
    (
        "tiktok creator profile embed",
        '<blockquote class="tiktok-embed" cite="https://www.tiktok.com/@scout2015" '
        'data-unique-id="scout2015" '
        'data-embed-type="creator" style="max-width: 780px; min-width: 288px;"><section><a target="_blank" '
        'href="https://www.tiktok.com/@scout2015?refer=creator_embed">@scout2015</a></section></blockquote>'
        '<script async src="https://www.tiktok.com/embed.js"></script>',
    ),
    (
        "tiktok hashtag embed",
        '<blockquote class="tiktok-embed" cite="https://www.tiktok.com/tag/foryoupage" data-tag-id="42164" '
        'data-embed-type="tag"><section><a href="https://www.tiktok.com/tag/foryoupage?refer=tag_embed">'
        "#foryoupage</a></section></blockquote>",
    ),
    (
        "tiktok music embed",
        '<blockquote class="tiktok-embed" '
        'cite="https://www.tiktok.com/music/original-sound-6689804660171082501"'
        ' data-music-id="6689804660171082501" data-embed-type="music"><section></section></blockquote>',
    ),
    ("tiktok profile link", '<p>Follow us <a href="https://www.tiktok.com/@scout2015">on TikTok</a>.</p>'),
    ("tiktok post only linked in text", f'<p>As <a href="{TIKTOK_URL}">her video</a> shows.</p>'),
    ("tiktok loader script only", '<script async src="https://www.tiktok.com/embed.js"></script>'),
    (
        "tiktok hashtag embed with a long tag id",
        '<blockquote class="tiktok-embed" cite="https://www.tiktok.com/tag/fyp" '
        'data-tag-id="1607775014393862"'
        ' data-embed-type="tag"><section></section></blockquote>',
    ),
    # --- Bluesky
    (
        "bluesky profile link and follow button",
        f'<p><a href="https://bsky.app/profile/{DID}">@jay.bsky.team</a> '
        '<a class="bluesky-follow" href="https://bsky.app/profile/jay.bsky.team">Follow on Bluesky</a></p>',
    ),
    (
        "bluesky share intent",
        '<a href="https://bsky.app/intent/compose?text=A%20story%20https%3A%2F%2Fnews.example%2Fstory">'
        "Share on Bluesky</a>",
    ),
    (
        "bluesky profile feed element (mary-ext/bluesky-embed)",
        '<bluesky-profile-feed actor="did:plc:ragtjsm2j2vknwkz3zp4oxrd" include-pins></bluesky-profile-feed>',
    ),
    (
        "bluesky post only linked in text",
        f'<p>He <a href="https://bsky.app/profile/{DID}/post/{RKEY}">posted</a>.</p>',
    ),
    # --- Threads
    (
        "threads follow intent",
        '<a href="https://www.threads.net/intent/follow?username=zuck">Follow on Threads</a>',
    ),
    (
        "threads share intent",
        '<a href="https://www.threads.net/intent/post?text=A%20story&amp;url=https%3A%2F%2Fnews.example%2F">'
        "Share on Threads</a>",
    ),
    ("threads profile link", '<a href="https://www.threads.net/@zuck">@zuck on Threads</a>'),
    ("threads post only linked in text", f'<p>He <a href="{THREADS_URL}">wrote</a>.</p>'),
    # --- Mastodon
    (
        "mastodon profile link (rel=me)",
        '<a rel="me" href="https://mastodon.social/@Gargron">Mastodon</a>',
    ),
    (
        "mastodon share button",
        '<a class="share-mastodon" href="https://mastodonshare.com/?text=A%20story&amp;url='
        'https%3A%2F%2Fnews.example%2Fstory">Toot</a>',
    ),
    ("mastodon post only linked in text", f'<p>She <a href="{TOOT_URL}">tooted</a>.</p>'),
    (
        "mastodon loader script only",
        '<script data-allowed-prefixes="https://mastodon.social/" async '
        'src="https://mastodon.social/embed.js">'
        "</script>",
    ),
    # --- Telegram
    (
        "telegram discussion widget",
        '<script async src="https://telegram.org/js/telegram-widget.js?22" '
        'data-telegram-discussion="durov/43" '
        'data-comments-limit="5"></script>',
    ),
    (
        "telegram login widget",
        '<script async src="https://telegram.org/js/telegram-widget.js?22" data-telegram-login="samplebot" '
        'data-size="large" data-onauth="onTelegramAuth(user)"></script>',
    ),
    (
        "telegram share button",
        '<script async src="https://telegram.org/js/telegram-widget.js?22" '
        'data-telegram-share-url="https://core.telegram.org/widgets/share" data-comment="A story"></script>',
    ),
    (
        "telegram share link",
        '<a href="https://t.me/share/url?url=https%3A%2F%2Fnews.example%2Fstory&amp;text=A%20story">Share</a>',
    ),
    ("telegram channel link", '<a href="https://t.me/durov">Our Telegram channel</a>'),
    ("telegram channel preview frame", '<iframe src="https://t.me/s/durov"></iframe>'),
    ("telegram post only linked in text", '<p>He <a href="https://t.me/durov/43">wrote</a>.</p>'),
    # --- Reddit
    ("reddit subreddit link", '<a href="https://www.reddit.com/r/investing/">r/investing</a>'),
    ("reddit user link", '<a href="https://www.reddit.com/user/someone/">u/someone</a>'),
    (
        "reddit submit button",
        '<a href="https://www.reddit.com/submit?url=https%3A%2F%2Fnews.example%2Fstory&amp;title=A">Reddit</a>',
    ),
    (
        "reddit subreddit widget",
        '<script src="https://www.reddit.com/r/investing/new/.embed?limit=5&amp;t=all" '
        'type="text/javascript"></script>',
    ),
    ("reddit post only linked in text", f'<p>On <a href="{REDDIT_THREAD}">Reddit</a> they asked.</p>'),
    # --- LinkedIn
    (
        "linkedin share button",
        '<a href="https://www.linkedin.com/shareArticle?mini=true&amp;url=https%3A%2F%2Fnews.example%2F">'
        'Share</a><a href="https://www.linkedin.com/sharing/share-offsite/?url=https%3A%2F%2Fnews.example%2F">'
        "Share</a>",
    ),
    (
        "linkedin in.js plugins",
        '<script src="https://platform.linkedin.com/in.js" type="text/javascript">lang: en_US</script>'
        '<script type="IN/Share" data-url="https://news.example/story"></script>'
        '<script type="IN/FollowCompany" data-id="1337" data-counter="bottom"></script>',
    ),
    (
        "linkedin company and profile links",
        '<a href="https://www.linkedin.com/company/news-example/">LinkedIn</a> '
        '<a href="https://www.linkedin.com/in/someone/">Someone</a>',
    ),
    (
        "linkedin post only linked in text",
        f'<p>As <a href="https://www.linkedin.com/feed/update/{LI_SHARE}/">he posted</a>.</p>',
    ),
    # --- AMP and players showing a feed, a page or a channel, not a post
    (
        "amp-twitter timeline",
        '<amp-twitter width="375" height="472" layout="responsive" data-timeline-source-type="profile" '
        'data-timeline-screen-name="amphtml"></amp-twitter>',
    ),
    (
        "amp-youtube live stream of a channel",
        '<amp-youtube data-live-channelid="UCB8Kb4pxYzsDsHxzBfnid4Q" width="358" height="204" '
        'layout="responsive"></amp-youtube>',
    ),
    (
        "amp-facebook-page and comments",
        '<amp-facebook-page width="340" height="130" layout="fixed" '
        'data-href="https://www.facebook.com/imdb/"></amp-facebook-page>'
        '<amp-facebook-comments width="486" height="657" layout="responsive" '
        'data-href="https://news.example/story"></amp-facebook-comments>',
    ),
    (
        "youtube channel uploads and search players",
        '<iframe src="https://www.youtube.com/embed?listType=user_uploads&amp;list=GoogleDevelopers"></iframe>'
        '<iframe src="https://www.youtube.com/embed?listType=search&amp;list=news"></iframe>',
    ),
    (
        "a player's channel id beside the platform's name",
        '<div class="youtube-embed" data-channel-id="UCB8Kb4pxYzsDsHxzBfnid4Q"></div>',
    ),
    # --- CMS blocks of a profile or a feed
    ("wordpress embed block of a tiktok profile", wp_block("tiktok", "https://www.tiktok.com/@scout2015")),
    ("wordpress embed block of a subreddit", wp_block("reddit", "https://www.reddit.com/r/investing/")),
    (
        "jetpack instagram gallery block (an account's latest posts)",
        '<div class="wp-block-jetpack-instagram-gallery"><div '
        'class="wp-block-jetpack-instagram-gallery__grid '
        'wp-block-jetpack-instagram-gallery__grid-columns-3">'
        '<a class="wp-block-jetpack-instagram-gallery__grid-post" '
        'href="https://www.instagram.com/p/BNpLF8LD0GD/"'
        ' rel="noopener noreferrer" target="_blank"><img alt="a" '
        'src="https://scontent.cdninstagram.com/a.jpg">'
        '</a><a class="wp-block-jetpack-instagram-gallery__grid-post" '
        'href="https://www.instagram.com/p/BIIivW-DEWO/"><img alt="b" '
        'src="https://scontent.cdninstagram.com/b.jpg">'
        "</a></div></div>",
    ),
    (
        "amp-embedly-card of a profile",
        '<amp-embedly-card data-url="https://twitter.com/amphtml" layout="responsive" width="150" '
        'height="80">'
        "</amp-embedly-card>",
    ),
    # --- pages of a platform that are no post
    (
        "tiktok creator embed frame and live link",
        '<iframe src="https://www.tiktok.com/embed/@scout2015?refer=creator_embed"></iframe>'
        '<a href="https://www.tiktok.com/@scout2015/live">Live now</a>',
    ),
    (
        "bluesky feed, list and starter pack links, a frame naming no post",
        f'<a href="https://bsky.app/profile/{DID}/feed/whats-hot">Feed</a>'
        f'<a href="https://bsky.app/profile/{DID}/lists/3kflxyxyzz22c">List</a>'
        f'<a href="https://bsky.app/starter-pack/{DID}/3kflxyxyzz22c">Starter pack</a>'
        f'<iframe src="https://embed.bsky.app/embed/{DID}"></iframe>',
    ),
    (
        "telegram invite links",
        '<a href="https://t.me/+AbCdEfGhIjKlMnOp">Join</a><a href="https://t.me/joinchat/AbCdEfGhIjKlMnOp">'
        "Join</a>",
    ),
    (
        "mastodon hashtag and profile frame",
        '<a href="https://mastodon.social/tags/journalism">#journalism</a>'
        '<iframe src="https://mastodon.social/@Gargron/embed"></iframe>',
    ),
    (
        "a quotation citing a post (cite only)",
        f'<blockquote cite="{TIKTOK_URL}"><p>"We did not expect this," she said in the video, which was '
        "watched two million times before it was taken down on Monday.</p></blockquote>"
        '<blockquote cite="https://twitter.com/amnesty/status/1455512589295816707"><p>"Release them '
        'now," the '
        "group wrote.</p></blockquote>",
    ),
    (
        "page data with the site's own profiles",
        next_data(
            {
                "footer": {
                    "_type": "socialLinks",
                    "tiktok": "https://www.tiktok.com/@scout2015",
                    "bluesky": f"https://bsky.app/profile/{DID}",
                    "telegram": "https://t.me/durov",
                }
            }
        ),
    ),
    # --- posts readers pasted in their comments (WordPress's comment list, IndieWeb webmentions)
    (
        "an embed code in a wordpress comment",
        '<div id="comments" class="comments-area"><ol class="comment-list"><li id="comment-42" '
        'class="comment even thread-even depth-1"><article class="comment-body"><div class="comment-content">'
        f"<p>Look at this:</p>{TIKTOK_CODE}</div></article></li></ol></div>",
    ),
    (
        "a mastodon embed code a reader pasted in a comment",
        '<ol class="comment-list"><li class="comment"><div class="comment-content">'
        f'<iframe src="{TOOT_URL}/embed" class="mastodon-embed" width="400"></iframe></div></li></ol>',
    ),
    (
        "a flattened tweet in a webmention comment",
        '<section><article class="p-comment h-entry" id="comment49317"><div class="e-content">'
        '<p lang="en" dir="ltr">So true.</p>&mdash; One Bright Light (@onebrightlight) '
        '<a href="https://twitter.com/onebrightlight/status/885325418924056576">July 13, 2017</a>'
        "</div></article></section>",
    ),
    # --- the older platforms' widgets of a page, a feed or a collection
    (
        "facebook page plugin and comments plugin",
        '<div class="fb-page" data-href="https://www.facebook.com/ParksCanada/" data-tabs="timeline"></div>'
        '<div class="fb-comments" data-href="https://news.example/story" data-numposts="5"></div>',
    ),
    (
        "twitter moment, grid and timeline",
        '<a class="twitter-moment" href="https://twitter.com/i/moments/650667182356082688">A moment</a>'
        '<a class="twitter-grid" href="https://twitter.com/TwitterDev/timelines/539487832448843776">'
        "A grid</a>"
        '<a class="twitter-timeline" href="https://twitter.com/TwitterDev/lists/national-parks">A list</a>',
    ),
    (
        "instagram profile embed",
        '<blockquote class="instagram-media" '
        'data-instgrm-permalink="https://www.instagram.com/nasa/?utm_source='
        'ig_embed"><a href="https://www.instagram.com/nasa/">nasa</a></blockquote>',
    ),
    (
        "vimeo showcase and dailymotion playlist players",
        '<iframe src="https://vimeo.com/showcase/7008490/embed"></iframe>'
        '<iframe src="https://www.dailymotion.com/embed/playlist/x6hynp"></iframe>',
    ),
    (
        "a related-video card named for youtube, its thumbnail linking a story",
        '<div class="youtube-video-card" style="background-image: url(https://i.ytimg.com/vi/ogfYd705cRs/'
        'hqdefault.jpg)"><a href="/videos/keynote">Watch the keynote</a><span '
        'class="play-icon"></span></div>',
    ),
    (
        "a channel banner and a thumbnail with no play button",
        '<div class="youtube-channel-banner" style="background-image: url(https://i.ytimg.com/vi/ogfYd705cRs/'
        'maxresdefault.jpg)"><button>Subscribe</button></div>'
        '<div class="yt-facade" style="background-image: '
        'url(https://i.ytimg.com/vi/ogfYd705cRs/hqdefault.jpg)">'
        "</div>",
    ),
    # --- Vine, Periscope, Google+, Storify
    ("vine profile link", '<a href="https://vine.co/u/1234567890123456789">Vine</a>'),
    (
        "periscope on air button",
        '<a href="https://www.periscope.tv/jack" class="periscope-on-air" data-size="large">@jack</a>',
    ),
    (
        "google+ buttons and badges",
        '<div class="g-plusone" data-href="https://news.example/story"></div>'
        '<div class="g-follow" data-href="https://plus.google.com/109813896768294978296"></div>'
        '<div class="g-page" data-href="https://plus.google.com/109813896768294978296"></div>'
        '<div class="g-person" data-href="https://plus.google.com/109813896768294978296"></div>'
        '<div class="g-plus" data-action="share" data-href="https://news.example/story"></div>',
    ),
    ("storify profile link", '<a href="https://storify.com/amirmc">Storify</a>'),
]


def page(body: str) -> bytes:
    return (
        f"<html><head><title>t</title></head><body><article><p>Text.</p>{body}<p>More.</p></article>"
        "</body></html>"
    ).encode()


@pytest.mark.parametrize(("form", "markup", "want"), FOUND, ids=[row[0] for row in FOUND])
def test_the_one_post_is_found(form: str, markup: str, want: tuple[str, str]) -> None:
    found = [(e.platform, e.post_id) for e in find_embeds(page(markup), "https://news.example/story")]
    assert found == [want]


@pytest.mark.parametrize(("form", "markup"), TRAPS, ids=[row[0] for row in TRAPS])
def test_the_trap_is_no_post(form: str, markup: str) -> None:
    assert find_embeds(page(markup), "https://news.example/story") == []


def test_a_trap_beside_an_embed_leaves_the_embed_alone() -> None:
    markup = "".join(m for _, m in TRAPS) + TIKTOK_CODE
    found = [(e.platform, e.post_id) for e in find_embeds(page(markup), "https://news.example/story")]
    assert found == [("tiktok", TIKTOK)]


PLAYLIST = "PL_BLT-XbKL5GH_vUbAXpE2c3K_sKxYHbo"
PLAYLIST_FRAME = f'<iframe src="https://www.youtube.com/embed/videoseries?list={PLAYLIST}"></iframe>'


def test_a_playlist_in_the_article_is_its_embed() -> None:
    found = [(e.platform, e.post_id) for e in find_embeds(page(PLAYLIST_FRAME), "https://news.example/s")]
    assert found == [("youtube", PLAYLIST)]


@pytest.mark.parametrize(
    "sidebar",
    [
        '<section id="sidebar" class="site-sidebar"><div class="widget '
        'widget_media_video">{}</div></section>',
        '<aside class="sidebar sidebar-primary widget-area" role="complementary">{}</aside>',
        '<div id="secondary"><h3>Our channel</h3>{}</div>',
    ],
    ids=["wordpress video widget", "genesis widget area", "a theme's #secondary"],
)
def test_a_playlist_in_the_sites_sidebar_is_chrome(sidebar: str) -> None:
    """A collection of posts (a playlist, no one video) in the site's sidebar widgets, outside the
    article (WordPress's Video widget showing the blog's channel), is no post the article shows;
    the article's own embed beside it still is."""
    body = (
        f"<html><body><main><article><p>Text.</p>{TIKTOK_CODE}</article>"
        f"{sidebar.format(PLAYLIST_FRAME)}</main></body></html>"
    )
    found = [(e.platform, e.post_id) for e in find_embeds(body.encode(), "https://news.example/s")]
    assert found == [("tiktok", TIKTOK)]


MICRODATA = (
    '<div itemprop="video" itemscope itemtype="http://schema.org/VideoObject">'
    '<meta itemprop="name" content="Easy Pineapple Upside-Down Cake" />'
    '<meta itemprop="thumbnailUrl" content="https://images.example/cake.jpg" />'
    '<meta itemprop="embedUrl" content="https://www.youtube.com/embed/cvcededObYE" /></div>'
    '<script>document.addEventListener("DOMContentLoaded", function () { var settings = {id: "cvcededObYE"};'
    " Site.Video.createVideo(settings); });</script>"
)


def test_a_video_the_publisher_describes_in_microdata_is_found_when_nothing_else_shows() -> None:
    """schema.org microdata (a VideoObject's <meta itemprop="embedUrl">) names the video a
    publisher's own script draws from a variable: the page's data, counted as page data is
    (only when the page shows no embed itself)."""
    found = [(e.platform, e.post_id) for e in find_embeds(page(MICRODATA), "https://news.example/s")]
    assert found == [("youtube", "cvcededObYE")]
    beside = [
        (e.platform, e.post_id) for e in find_embeds(page(MICRODATA + TIKTOK_CODE), "https://news.example/s")
    ]
    assert beside == [("tiktok", TIKTOK)]
