"""Consent tools, lazy loaders, CMS embed blocks and platform embed codes: one table of shapes.

Each row is a short snippet shaped like what one tool or CMS writes into a page (the attribute
names, the classes, where the original embed is parked and how it is encoded), and the post
discovery must find in it. Where each shape comes from:

- consent-gated iframes, the attribute each tool parks the real URL in (Borlabs `src-consent`,
  Real Cookie Banner `consent-original-src-_` / `consent-click-original-src-_`, Embed Privacy
  `data-ep-src`, Cookiebot `data-cookieblock-src`, Complianz `data-src-cmplz`, WPConsent
  `data-wpconsent-src`, Avada `data-privacy-src`, iubenda `suppressedsrc`, Usercentrics
  `data-uc-src`/`uc-src`, Cookie Information `data-consent-src`, Moove GDPR
  `data-gdpr-iframesrc`, CookieFirst / Cookie Script / OneTrust `optanon-category-*` with the URL
  in `data-src`): a public feed reader's list of consent-gated embeds (found with the search
  tool's find_string "consent-original-src-_", its cleanup selector table);
- Borlabs Cookie 3: `div.brlbs-cmpnt-content-blocker[data-borlabs-cookie-content=BASE64]`, the
  plugin's ContentBlocker PHP (`base64_encode($content)` into that attribute); Borlabs 2: the
  original in `<script type="text/template">` as base64;
- Embed Privacy (epiphyt/embed-privacy inc/embed/class-template.php):
  `div.embed-privacy-container[data-embed-provider]`, the footer's "open directly" link
  `.embed-privacy-url a[href]`, and the original in `div.embed-privacy-content > script`:
  `var _oembed_MD5 = '<addslashes(wp_json_encode(["embed" => htmlentities(html)]))>'`;
- Real Cookie Banner (devowl's HeadlessContentBlocker.php): a blocked attribute is kept as
  `consent-original-<name>-_` (src, href, data-src; here also a class and a cite);
- WP YouTube Lyte (its widget PHP): `div.lyte-wrapper > div.lyMe#WYL_ID > div#lyte_ID[data-src=
  thumbnail]` and `<noscript><a href="https://youtu.be/ID">`; Lazy Load for Videos (its PHP:
  `a.lazy-load-youtube.preview-lazyload.preview-youtube[href=URL]` in
  `div.container-lazyload.preview-lazyload.container-youtube`);
- zotonic mod_cookie_consent (doc/ref/modules/mod_cookie_consent.rst): the original iframe,
  HTML-escaped, in `<script type="text/x-cookie-consented">`; `data-cookie-consent-src`;
- IchHabRecht/social_gdpr (Resources/Public/JavaScript/decode.js): base64 iframe in `data-iframe`;
- CookieYes / Cookie Law Info `data-cli-src`, consentmanager `data-cmp-src`
  (`class="cmplazyload"`), Klaro `data-name` + `data-src`, Didomi `data-src` + `data-vendor`,
  each tool's documented blocking of an iframe by moving its `src` into a `data-*` attribute;
- lazy loaders: WP Rocket `div.rll-youtube-player[data-src][data-id]` and `iframe[data-lazy-src]`,
  LiteSpeed `iframe[data-lazyloaded][data-src]` / `data-litespeed-src`, a3 Lazy Load
  `iframe.a3-lazy-load[data-src]`, Jetpack `data-lazy-src`, jQuery Lazy `data-loader="iframe"`;
- Condé Nast (wired.com, wired.jp in tests/corpus): `TwitterEmbedContainer` / `IframeEmbed`
  holding a ConsentBanner "This content can also be viewed on the site it originates from";
- BBC News: an embed block (`data-component="embed-block"`) before consent, "Allow Twitter
  content?", "The BBC is not responsible for the content of external sites.", "View original
  tweet on Twitter" (the texts scrapers of BBC pages list as boilerplate), the post only linked;
- Squarespace: `.sqs-block.embed-block[data-block-json]` with the oEmbed answer's `html` and
  `url`, `.sqs-video-wrapper[data-html]` (escaped iframe); its gallery/Instagram blocks' own
  `id="block-yui_..."` (herzundblut.com in tests/corpus) is a trap;
- Drupal core media oEmbed: `iframe.media-oembed-content[src="/media/oembed?url=..."]`;
- Ghost `figure.kg-card.kg-embed-card`; Substack `div.tweet` / `div.instagram` /
  `div.youtube-wrap` with `data-attrs` JSON and `data-component-name`, and its current forms
  (`div.instagram-embed-wrap[data-component-name=InstagramToDOM]`, a tweet card as
  `<a href=status data-component-name="Twitter2ToDOM">`), as readers and exporters of Substack
  posts test them (find_string "Twitter2ToDOM", "InstagramToDOM"); Medium's embedly frame
  `cdn.embedly.com/widgets/media.html?src=...&url=...`;
- Arc XP ANS: `{"type": "oembed_response", "subtype": "twitter", "raw_oembed": {...}}`;
- AMP (amp.dev component docs): amp-twitter `data-tweetid`, amp-instagram `data-shortcode`,
  amp-youtube `data-videoid`, amp-facebook `data-href`, amp-tiktok `data-src`, amp-vimeo and
  amp-dailymotion `data-videoid`, amp-reddit `data-src` + `data-embedtype`, amp-iframe `src`;
- Facebook Instant Articles: `figure.op-interactive > iframe` holding the embed code itself;
- older embed codes: YouTube's and Facebook's Flash players (`<object><param name="movie"
  value="http://www.youtube.com/v/ID">`, `facebook.com/v/ID`), YouTube's `embed?listType=playlist`,
  Twitter's `#!/` status links (2010-2012);
- the platforms' own embed codes (TikTok, Bluesky, Threads, Mastodon, Telegram, Reddit) as
  their embed dialogs write them.
"""

from __future__ import annotations

import base64
import html
import json
from urllib.parse import quote

import pytest

from archiver.discovery.find import find_embeds

YT = "dQw4w9WgXcQ"
YT_EMBED = f"https://www.youtube.com/embed/{YT}?feature=oembed"
YT_FRAME = f'<iframe width="560" height="315" src="{YT_EMBED}" allowfullscreen></iframe>'
TWEET_ID = "1455512589295816707"
TWEET_URL = f"https://twitter.com/amnesty/status/{TWEET_ID}"
TWEET = (
    f'<blockquote class="twitter-tweet"><p lang="en" dir="ltr">Hello</p>&mdash; Amnesty (@amnesty) '
    f'<a href="{TWEET_URL}?ref_src=twsrc%5Etfw">November 2, 2021</a></blockquote>'
    '<script async src="https://platform.twitter.com/widgets.js" charset="utf-8"></script>'
)
IG = "B63DdKjgavx"
IG_URL = f"https://www.instagram.com/p/{IG}/"
INSTAGRAM = (
    f'<blockquote class="instagram-media" data-instgrm-permalink="{IG_URL}?utm_source=ig_embed" '
    f'data-instgrm-version="14"><a href="{IG_URL}">View this post on Instagram</a></blockquote>'
    '<script async src="//www.instagram.com/embed.js"></script>'
)
VIMEO = "76979871"
TIKTOK = "6718335390845095173"
B64 = base64.b64encode


def b64(text: str) -> str:
    return B64(text.encode()).decode()


def attr(text: str) -> str:
    return html.escape(text, quote=True)


def epi_script(markup: str) -> str:
    """Embed Privacy's stored embed (inc/embed/class-template.php): addslashes(wp_json_encode(
    ["embed" => htmlentities(markup)])), inside a single-quoted JavaScript string."""
    encoded = json.dumps({"embed": html.escape(markup)}).replace("/", "\\/")
    return encoded.replace("\\", "\\\\").replace('"', '\\"').replace("'", "\\'")


# Consent tools and lazy loaders that keep an iframe's URL in an attribute of their own:
# (tool, the iframe's attributes with {u} for the embed URL).
PARKED_FRAMES: list[tuple[str, str]] = [
    ("borlabs src-consent", 'src-consent="{u}" src="about:blank"'),
    ("real cookie banner", 'consent-original-src-_="{u}" consent-required="12" consent-by="services"'),
    ("real cookie banner click-to-load", 'consent-click-original-src-_="{u}&amp;autoplay=1"'),
    ("embed privacy data-ep-src", 'data-ep-src="{u}"'),
    ("cookiebot", 'data-cookieblock-src="{u}" data-cookieconsent="marketing" src="about:blank"'),
    (
        "complianz",
        'data-category="marketing" data-service="youtube" class="cmplz-placeholder-element cmplz-iframe '
        'cmplz-video" data-cmplz-target="src" data-src-cmplz="{u}" src="about:blank"',
    ),
    ("wpconsent", 'data-wpconsent-src="{u}"'),
    ("avada privacy", 'data-privacy-src="{u}" data-privacy-type="youtube"'),
    (
        "iubenda",
        'class="_iub_cs_activate" suppressedsrc="{u}" src="//cdn.iubenda.com/cookie_solution/empty.html"',
    ),
    ("iubenda data-suppressedsrc", 'data-suppressedsrc="{u}"'),
    ("usercentrics uc-src", 'uc-src="{u}" data-usercentrics="YouTube Video"'),
    ("usercentrics data-uc-src", 'data-uc-src="{u}"'),
    ("cookie information", 'data-consent-src="{u}" data-category-consent="cookie_cat_marketing"'),
    ("moove gdpr", 'data-gdpr-iframesrc="{u}"'),
    ("cookiefirst", 'data-cookiefirst-category="advertising" data-src="{u}"'),
    ("cookie script", 'data-cookiescript="accepted" data-cookiecategory="targeting" data-src="{u}"'),
    ("onetrust", 'class="optanon-category-C0004" data-src="{u}"'),
    ("klaro", 'data-name="youtube" data-src="{u}"'),
    ("didomi", 'data-src="{u}" data-vendor="didomi:youtube"'),
    (
        "cookieyes / cookie law info",
        'data-cli-class="cli-blocker-script" data-cli-script-type="advertisement" data-cli-src="{u}"',
    ),
    ("cookieyes data-cky", 'data-cky-tag="youtube" data-cky-src="{u}"'),
    ("consentmanager", 'class="cmplazyload" data-cmp-vendor="s30" data-cmp-src="{u}" src="about:blank"'),
    ("zotonic data-cookie-consent-src", 'data-cookie-consent-src="{u}"'),
    ("wp rocket / jetpack data-lazy-src", 'src="about:blank" data-lazy-src="{u}" data-rocket-lazyload="x"'),
    ("litespeed", 'data-lazyloaded="1" src="about:blank" data-src="{u}"'),
    ("litespeed data-litespeed-src", 'data-litespeed-src="{u}"'),
    ("a3 lazy load", 'class="a3-lazy-load" src="//example.org/blank.html" data-src="{u}"'),
    ("jquery lazy", 'data-loader="iframe" data-src="{u}"'),
    ("lazysizes", 'class="lazyload" data-src="{u}"'),
]

# (tool, markup, (platform, post id))
FOUND: list[tuple[str, str, tuple[str, str]]] = [
    *(
        (tool, f"<iframe {attrs.format(u=YT_EMBED)}></iframe>", ("youtube", YT))
        for tool, attrs in PARKED_FRAMES
    ),
    (
        "real cookie banner blockquote class parked",
        TWEET.replace('class="twitter-tweet"', 'consent-original-class-_="twitter-tweet"'),
        ("twitter", TWEET_ID),
    ),
    (
        "zotonic escaped iframe in a text/x-cookie-consented script",
        '<figure class="cookie-consent-preview do_cookie_consent" data-cookie-consent="all">'
        "<figcaption>Please consent to cookies to display external content.</figcaption>"
        f'<script type="text/x-cookie-consented">{html.escape(YT_FRAME)}</script></figure>',
        ("youtube", YT),
    ),
    (
        "cookiebot blocked embed in a text/plain script",
        '<script type="text/plain" '
        f'data-cookieconsent="marketing">document.write({json.dumps(YT_FRAME)})</script>',
        ("youtube", YT),
    ),
    (
        "borlabs 3 content blocker",
        '<div class="brlbs-cmpnt-container brlbs-cmpnt-content-blocker" '
        "data-borlabs-cookie-content-blocker-id="
        f'"youtube-content-blocker" data-borlabs-cookie-content="{b64(YT_FRAME)}"><div '
        'class="brlbs-cmpnt-cb-preset-a">'
        "<p>Sie sehen gerade einen Platzhalterinhalt von YouTube.</p>"
        '<a class="brlbs-cmpnt-cb-btn" href="#" role="button" data-borlabs-cookie-unblock>Inhalt '
        "entsperren</a>"
        "</div></div>",
        ("youtube", YT),
    ),
    (
        "borlabs 2 content blocker",
        '<div class="BorlabsCookie _brlbs-cb-youtube"><div class="_brlbs-content-blocker"><div '
        'class="_brlbs-embed '
        '_brlbs-video-youtube"><a class="_brlbs-btn" href="#" data-borlabs-cookie-unblock '
        'role="button">Video laden</a>'
        '</div></div><div class="borlabs-hide" data-borlabs-cookie-type="content-blocker" '
        f'data-borlabs-cookie-id="youtube"><script type="text/template">{b64(YT_FRAME)}</script></div></div>',
        ("youtube", YT),
    ),
    (
        "embed privacy container with its open-directly link",
        '<div class="embed-privacy-container is-disabled embed-youtube" data-embed-id="oembed_1a2b3c" '
        'data-embed-provider="youtube"><button class="embed-privacy-enable screen-reader-text">Inhalt von '
        "YouTube "
        'anzeigen</button><div class="embed-privacy-overlay"><div class="embed-privacy-inner"><p>Hier '
        "klicken, um "
        "den Inhalt von YouTube anzuzeigen. Erfahre mehr in der <a "
        'href="https://policies.google.com/privacy?hl=de">'
        'Datenschutzerklärung von YouTube</a>.</p></div></div><div class="embed-privacy-footer"><span '
        f'class="embed-privacy-url"><a href="https://www.youtube.com/watch?v={YT}">Inhalt direkt öffnen</a>'
        "</span></div></div>",
        ("youtube", YT),
    ),
    (
        "social_gdpr base64 data-iframe",
        f'<div class="social-gdpr-youtube-video"><a href="#" data-iframe="{b64(YT_FRAME)}">Load '
        "video</a></div>",
        ("youtube", YT),
    ),
    (
        "conde nast consent banner (twitter)",
        '<div aria-label="social media post" class="TwitterEmbedContainer-kxqmQo iqfyew"><div '
        'class="MessageBannerWrapper-fxHHQZ '
        'ConsentBannerWrapper-fjhTDA" data-testid="message-banner"><div class="MessageBannerContent-gbOyDT">'
        '<h4 class="ConsentBannerTitle-gQXSfz">Twitter content</h4><p>This content can also be viewed on the '
        "site it "
        f'<a href="{TWEET_URL}" target="_blank" rel="nofollow noreferrer" class="ConsentBannerLink-gnxXBr">'
        "originates</a> from.</p></div></div></div>",
        ("twitter", TWEET_ID),
    ),
    (
        "conde nast consent banner (vimeo frame)",
        '<figure data-testid="IframeEmbed" class="IframeEmbedWrapper-sc-fgihoU iframe-embed"><div '
        'data-testid="IframeEmbedContainer" class="IframeEmbedContainer-hMsJhd"><div '
        'class="MessageBannerWrapper-fxHHQZ '
        'ConsentBannerWrapper-fjhTDA" data-testid="message-banner"><div><h4 '
        'class="ConsentBannerTitle-gQXSfz">Content</h4>'
        "<p>This content can also be viewed on the site it <a "
        f'href="https://player.vimeo.com/video/{VIMEO}?dnt=1" '
        'class="ConsentBannerLink-gnxXBr">originates</a> from.</p></div></div></div></figure>',
        ("vimeo", VIMEO),
    ),
    (
        "an embed block before consent, its post only linked (BBC News: View original tweet on Twitter)",
        '<div data-component="embed-block" class="ssrcss-uf6wea-RichTextComponentWrapper"><div '
        'class="ssrcss-1ocoo3l-Wrap"><a href="#end-of-twitter-content-1" '
        'class="ssrcss-1f39n02-VisuallyHidden">Skip twitter post by Amnesty</a><div>'
        "<p>Allow Twitter content?</p>"
        "<p>This article contains content provided by Twitter. We ask for your permission before anything is "
        "loaded, as they may be using cookies and other technologies. You may want to read Twitter\u2019s "
        '<a href="https://help.twitter.com/en/rules-and-policies/twitter-cookies">cookie policy</a> and '
        '<a href="https://twitter.com/privacy">privacy '
        "policy</a> before accepting.</p><button>Accept and continue</button></div><p>The BBC is not "
        "responsible "
        f'for the content of external sites.</p><a href="{TWEET_URL}">View original tweet on Twitter</a>'
        '<div id="end-of-twitter-content-1">End of twitter post by Amnesty</div></div></div>',
        ("twitter", TWEET_ID),
    ),
    (
        "a tweet the publisher renders itself (react-tweet: div.react-tweet-theme, simplified inside)",
        '<div class="react-tweet-theme tweet-container_root__0rJLq" data-theme="light"><article '
        'class="tweet-container_article__0ERPK"><div class="tweet-header_header__CXzdi"><a '
        'href="https://x.com/amnesty" class="tweet-header_avatar__0Wi9G">Amnesty</a></div><p '
        'class="tweet-body_root__ChzUj">Hello</p><div class="tweet-info_info__ll3kO"><a '
        f'href="{TWEET_URL}" class="tweet-info-created-at_root__KaxZi">'
        "<time>4:20 PM \u00b7 Nov 2, 2021</time>"
        '</a></div><div class="tweet-actions_actions__UDw7H"><a href="https://x.com/intent/like?tweet_id='
        f'{TWEET_ID}">Like</a><a href="https://x.com/intent/tweet?in_reply_to={TWEET_ID}">Reply</a></div>'
        "</article></div>",
        ("twitter", TWEET_ID),
    ),
    # --- lazy loaders
    (
        "wp rocket youtube facade",
        f'<div class="rll-youtube-player" data-src="{YT_EMBED}" data-id="{YT}" data-query="feature=oembed" '
        'data-alt="A video"></div><noscript>' + YT_FRAME + "</noscript>",
        ("youtube", YT),
    ),
    (
        "lazy div data-iframe-src",
        f'<div class="video-lazy" data-iframe-src="{YT_EMBED}"></div>',
        ("youtube", YT),
    ),
    (
        "embed privacy: the original in its script, JSON in a JS string, entity-escaped",
        '<div class="embed-privacy-container is-disabled embed-youtube" data-embed-id="oembed_0a1b" '
        'data-embed-provider="youtube"><div class="embed-privacy-overlay"><div class="embed-privacy-inner">'
        '<p>Click here to display content from YouTube.</p></div></div><div class="embed-privacy-content">'
        f"<script>var _oembed_0a1b = '{epi_script(YT_FRAME)}';</script></div></div>",
        ("youtube", YT),
    ),
    (
        "percent-encoded embed code in an attribute",
        f'<div class="consent-placeholder" data-consent-html="{quote(YT_FRAME)}">'
        "<p>Accept to watch</p></div>",
        ("youtube", YT),
    ),
    (
        "entity-escaped twice in an attribute",
        f'<div class="privacy-wrapper" data-content="{attr(attr(TWEET))}"><p>Accept to read</p></div>',
        ("twitter", TWEET_ID),
    ),
    (
        "JSON props with \\u003c-escaped markup",
        '<div class="embed-wrapper" data-props="'
        + attr(json.dumps({"html": YT_FRAME}).replace("<", "\\u003c").replace(">", "\\u003e"))
        + '"></div>',
        ("youtube", YT),
    ),
    (
        "a lazy loader's post URL in a src-like attribute",
        f'<div class="lazyload" data-src="{IG_URL}"></div>',
        ("instagram", IG),
    ),
    ("base64 embed URL on a div", f'<div class="yt-lazy" data-src="{b64(YT_EMBED)}"></div>', ("youtube", YT)),
    (
        "iframely",
        '<div class="iframely-embed"><div class="iframely-responsive"><a data-iframely-url '
        'href="//cdn.iframe.ly/api/iframe?url=https%3A%2F%2Ftwitter.com%2Famnesty%2Fstatus%2F'
        f'{TWEET_ID}&amp;key=0a1b2c3d4e5f"></a></div></div>',
        ("twitter", TWEET_ID),
    ),
    (
        "wordpress embed block before its oEmbed ran",
        '<figure class="wp-block-embed is-type-rich is-provider-twitter wp-block-embed-twitter"><div '
        f'class="wp-block-embed__wrapper">\n{TWEET_URL}\n</div></figure>',
        ("twitter", TWEET_ID),
    ),
    (
        "elementor video widget settings",
        '<div class="elementor-element elementor-widget elementor-widget-video" '
        'data-widget_type="video.default" '
        'data-settings="'
        + attr(json.dumps({"youtube_url": f"https://www.youtube.com/watch?v={YT}", "video_type": "youtube"}))
        + '"><div class="elementor-wrapper elementor-open-inline">'
        '<div class="elementor-video"></div></div></div>',
        ("youtube", YT),
    ),
    (
        "a consent tool parks the embed's class (real cookie banner's consent-original-<name>-_)",
        '<div consent-original-class-_="fb-post" consent-required="7" '
        'data-href="https://www.facebook.com/ParksCanada/posts/1712989015384373" data-width="500"></div>',
        ("facebook", "1712989015384373"),
    ),
    (
        "a consent tool parks the embed's cite",
        '<blockquote class="tiktok-embed" consent-original-cite-_="https://www.tiktok.com/@scout2015/video/'
        f'{TIKTOK}"><section></section></blockquote>',
        ("tiktok", TIKTOK),
    ),
    (
        "wp youtube lyte: thumbnail facade and its noscript link",
        f'<div class="lyte-wrapper"><div class="lyMe" id="WYL_{YT}"><div id="lyte_{YT}" '
        f'data-src="https://i.ytimg.com/vi/{YT}/hqdefault.jpg" class="pL"><div class="play"></div>'
        "</div></div>"
        f'<noscript><a href="https://youtu.be/{YT}" rel="nofollow">'
        f'<img src="https://i.ytimg.com/vi/{YT}/0.jpg" '
        'alt="" width="640" height="340" /></a></noscript></div>',
        ("youtube", YT),
    ),
    (
        "lazy load for videos",
        '<div class="container-lazyload preview-lazyload container-youtube js-lazyload--not-loaded">'
        f'<a href="https://youtu.be/{YT}" class="lazy-load-youtube preview-lazyload preview-youtube" '
        f'data-video-title="A video" title="Play video &quot;A video&quot;">https://youtu.be/{YT}</a></div>',
        ("youtube", YT),
    ),
    # --- older embed codes still in archived articles
    (
        "youtube flash object, its player only in a param",
        f'<object width="425" height="344"><param name="Movie" value="http://www.youtube.com/v/{YT}&hl=en&fs=1">'
        '</param><param name="allowFullScreen" value="true"></param></object>',
        ("youtube", YT),
    ),
    (
        "youtube playlist player, older form",
        '<iframe src="https://www.youtube.com/embed?listType=playlist&amp;list=PLFgquLnL59alCl_2TQvOiD5Vgm1hCaGSI">'
        "</iframe>",
        ("youtube", "PLFgquLnL59alCl_2TQvOiD5Vgm1hCaGSI"),
    ),
    (
        "facebook flash video",
        '<object width="400" height="224"><param name="movie" value="http://www.facebook.com/v/10153231379946729"/>'
        '<embed src="http://www.facebook.com/v/10153231379946729" '
        'type="application/x-shockwave-flash"></embed>'
        "</object>",
        ("facebook", "10153231379946729"),
    ),
    (
        "twitter hashbang status link",
        f'<blockquote class="twitter-tweet"><p>Hi</p>&mdash; Amnesty (@amnesty) <a href="https://twitter.com/#!/'
        f'amnesty/status/{TWEET_ID}">May 1, 2012</a></blockquote>',
        ("twitter", TWEET_ID),
    ),
    # --- CMS embed blocks
    (
        "squarespace embed block",
        '<div class="sqs-block embed-block sqs-block-embed" data-block-type="22" data-block-json="'
        + attr(
            json.dumps(
                {
                    "url": TWEET_URL,
                    "html": TWEET,
                    "resolvedBy": "twitter",
                    "resolved": True,
                    "providerName": "Twitter",
                }
            )
        )
        + '" id="block-yui_3_17_2_1_1408962567901_42292"><div class="sqs-block-content">'
        '<div class="intrinsic"><div class="embed-block-wrapper"></div></div></div></div>',
        ("twitter", TWEET_ID),
    ),
    (
        "squarespace video block",
        '<div class="sqs-block video-block sqs-block-video" data-block-json="'
        + attr(
            json.dumps(
                {"url": f"https://www.youtube.com/watch?v={YT}", "html": YT_FRAME, "resolvedBy": "youtube"}
            )
        )
        + '" id="block-yui_3_17_2_1_1408962567901_5555"><div class="sqs-block-content"><div '
        'class="sqs-video-wrapper" '
        f'data-provider-name="YouTube" data-html="{attr(YT_FRAME)}"></div></div></div>',
        ("youtube", YT),
    ),
    (
        "drupal media oembed",
        '<iframe src="/media/oembed?url=https%3A//www.youtube.com/watch%3Fv%3D'
        + YT
        + '&amp;max_width=0&amp;max_height=0&amp;hash=HT3mnbR0iUGB8FmIEMqxHnYq_J0ZDGDYlNpYEEMzdNk" '
        'frameborder="0" allowtransparency width="459" height="344" class="media-oembed-content" '
        'loading="eager" title="A video"></iframe>',
        ("youtube", YT),
    ),
    (
        "ghost embed card",
        f'<figure class="kg-card kg-embed-card">{TWEET}</figure>',
        ("twitter", TWEET_ID),
    ),
    (
        "substack tweet",
        '<div class="tweet" data-attrs="'
        + attr(
            json.dumps(
                {
                    "url": f"{TWEET_URL}?s=20",
                    "full_text": "Hello",
                    "username": "amnesty",
                    "name": "Amnesty",
                    "date": "2021-11-02T12:00:00.000Z",
                }
            )
        )
        + '" data-component-name="Twitter2ToDOM"></div>',
        ("twitter", TWEET_ID),
    ),
    (
        "substack instagram",
        '<div class="instagram" data-attrs="'
        + attr(
            json.dumps({"instagram_id": IG, "title": "A post", "author_name": "nasa", "thumbnail_url": "x"})
        )
        + '" data-component-name="InstagramToDOM"></div>',
        ("instagram", IG),
    ),
    (
        "substack tweet card, current form: a link naming its component",
        '<a href="https://x.com/amnesty/status/1455512589295816707" target="_blank" '
        'rel="noopener noreferrer" data-component-name="Twitter2ToDOM" '
        'class="pencraft pc-display-contents pc-reset"><div class="pencraft '
        'pc-display-flex pc-flexDirection-column tweet-fWkQfo twitter-embed"><div><picture><img '
        'src="https://substackcdn.com/image/fetch/w_40/avatar.jpg" alt="X avatar for @amnesty">'
        "</picture></div>"
        "<span>Amnesty</span><span>@amnesty</span><div>Hello</div></div></a>",
        ("twitter", TWEET_ID),
    ),
    (
        "substack instagram, current form",
        '<div class="instagram-embed-wrap" data-attrs="'
        + attr(json.dumps({"instagram_id": IG, "title": "NASA on Instagram", "author_name": "@nasa"}))
        + '" data-component-name="InstagramToDOM"></div>',
        ("instagram", IG),
    ),
    (
        "substack youtube",
        f'<div id="youtube2-{YT}" class="youtube-wrap" data-attrs="'
        + attr(json.dumps({"videoId": YT, "startTime": None, "endTime": None}))
        + '" data-component-name="Youtube2ToDOM"><div class="youtube-inner"></div></div>',
        ("youtube", YT),
    ),
    (
        "medium embedly frame",
        '<iframe src="https://cdn.embedly.com/widgets/media.html?src=https%3A%2F%2Fwww.youtube.com%2Fembed%2F'
        + YT
        + "%3Ffeature%3Doembed&amp;display_name=YouTube&amp;url=https%3A%2F%2Fwww.youtube.com%2Fwatch%3Fv%3D"
        + YT
        + "&amp;image=https%3A%2F%2Fi.ytimg.com%2Fvi%2Fx%2Fhqdefault.jpg"
        "&amp;key=a19fcc184b9711e1b4764040d3dc5c07"
        '&amp;type=text%2Fhtml&amp;schema=youtube" width="854" height="480" frameborder="0"></iframe>',
        ("youtube", YT),
    ),
    (
        "arc xp ans oembed_response",
        '<script id="fusion-metadata" type="application/javascript">window.Fusion=window.Fusion||{};'
        "Fusion.globalContent="
        + json.dumps(
            {
                "canonical_url": "/story/",
                "content_elements": [
                    {"type": "text", "content": "Intro"},
                    {
                        "type": "oembed_response",
                        "subtype": "twitter",
                        "_id": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                        "raw_oembed": {"url": TWEET_URL, "html": TWEET, "type": "twitter"},
                        "referent": {"id": TWEET_URL, "provider": "https://publish.twitter.com/oembed?url="},
                    },
                ],
            }
        ).replace("</", "<\\/")  # as pages write JSON in a script: no "</script>" inside
        + ";</script>",
        ("twitter", TWEET_ID),
    ),
    # --- AMP components
    (
        "amp-twitter",
        f'<amp-twitter width="375" height="472" layout="responsive" data-tweetid="{TWEET_ID}"></amp-twitter>',
        ("twitter", TWEET_ID),
    ),
    (
        "amp-instagram",
        f'<amp-instagram data-shortcode="{IG}" data-captioned width="400" height="400" '
        'layout="responsive"></amp-instagram>',
        ("instagram", IG),
    ),
    (
        "amp-youtube",
        f'<amp-youtube data-videoid="{YT}" layout="responsive" width="480" height="270"></amp-youtube>',
        ("youtube", YT),
    ),
    (
        "amp-facebook",
        '<amp-facebook width="552" height="310" layout="responsive" '
        'data-href="https://www.facebook.com/ParksCanada/posts/1712989015384373"></amp-facebook>',
        ("facebook", "1712989015384373"),
    ),
    (
        "amp-tiktok by url",
        '<amp-tiktok width="325" height="575" '
        f'data-src="https://www.tiktok.com/@scout2015/video/{TIKTOK}"></amp-tiktok>',
        ("tiktok", TIKTOK),
    ),
    (
        "amp-tiktok by id",
        f'<amp-tiktok width="325" height="575" data-src="{TIKTOK}"></amp-tiktok>',
        ("tiktok", TIKTOK),
    ),
    (
        "amp-vimeo",
        f'<amp-vimeo data-videoid="{VIMEO}" layout="responsive" width="500" height="281"></amp-vimeo>',
        ("vimeo", VIMEO),
    ),
    (
        "amp-dailymotion",
        '<amp-dailymotion data-videoid="x84sh87" layout="responsive" width="480" '
        'height="270"></amp-dailymotion>',
        ("dailymotion", "x84sh87"),
    ),
    (
        "amp-reddit",
        '<amp-reddit layout="responsive" width="300" height="400" data-embedtype="post" '
        'data-src="https://www.reddit.com/r/me_irl/comments/52rmir/me_irl/?ref=share&amp;ref_source=embed"></amp-reddit>',
        ("reddit", "52rmir"),
    ),
    (
        "amp-iframe",
        '<amp-iframe width="200" height="100" sandbox="allow-scripts" layout="responsive" '
        f'src="{YT_EMBED}"></amp-iframe>',
        ("youtube", YT),
    ),
    # --- Facebook Instant Articles
    (
        "instant articles op-interactive",
        f'<figure class="op-interactive"><iframe>{TWEET}</iframe></figure>',
        ("twitter", TWEET_ID),
    ),
    # --- newer platforms' own embed codes
    (
        "tiktok",
        f'<blockquote class="tiktok-embed" cite="https://www.tiktok.com/@scout2015/video/{TIKTOK}" '
        f'data-video-id="{TIKTOK}" '
        'style="max-width: 605px;min-width: 325px;"><section><a target="_blank" title="@scout2015" '
        'href="https://www.tiktok.com/@scout2015?refer=embed">@scout2015</a> Scramble up ur '
        "name</section></blockquote>"
        '<script async src="https://www.tiktok.com/embed.js"></script>',
        ("tiktok", TIKTOK),
    ),
    (
        "bluesky",
        '<blockquote class="bluesky-embed" '
        'data-bluesky-uri="at://did:plc:ic6zqvuw5ulmfpjiwnhsr2ns/app.bsky.feed.post/3k7qmjev5lr2s" '
        'data-bluesky-cid="bafyreiaxc5zkzkn5zofpymdmj5vh5ugvyafdwyxwdwp7qbwsiq7v2dqsyy"><p '
        'lang="en">Hello</p>&mdash; '
        'Jay (<a href="https://bsky.app/profile/did:plc:ic6zqvuw5ulmfpjiwnhsr2ns?ref_src=embed">'
        "@jay.bsky.team</a>) "
        '<a href="https://bsky.app/profile/did:plc:ic6zqvuw5ulmfpjiwnhsr2ns/post/3k7qmjev5lr2s?ref_src=embed">'
        "September 15, 2023 at 4:09 PM</a></blockquote><script async "
        'src="https://embed.bsky.app/static/embed.js" '
        'charset="utf-8"></script>',
        ("bluesky", "did:plc:ic6zqvuw5ulmfpjiwnhsr2ns/3k7qmjev5lr2s"),
    ),
    (
        "threads",
        '<blockquote class="text-post-media" '
        'data-text-post-permalink="https://www.threads.net/@zuck/post/C8Fr0YgS0Bt" '
        'data-text-post-version="0" id="ig-tp-C8Fr0YgS0Bt" style="background:#FFF;"><a '
        'href="https://www.threads.net/@zuck/post/C8Fr0YgS0Bt" style="background:#FFFFFF;" target="_blank">'
        "<div>View on Threads</div></a></blockquote><script async "
        'src="https://www.threads.net/embed.js"></script>',
        ("threads", "C8Fr0YgS0Bt"),
    ),
    (
        "mastodon blockquote",
        '<blockquote class="mastodon-embed" '
        'data-embed-url="https://mastodon.social/@Gargron/109318821117356215/embed" '
        'style="background: #FCF8FF;"><a href="https://mastodon.social/@Gargron/109318821117356215" '
        'target="_blank">'
        "Post by @Gargron@mastodon.social</a></blockquote>"
        '<script data-allowed-prefixes="https://mastodon.social/" async '
        'src="https://mastodon.social/embed.js"></script>',
        ("mastodon", "mastodon.social/@Gargron/109318821117356215"),
    ),
    (
        "mastodon iframe",
        '<iframe src="https://mastodon.social/@Gargron/109318821117356215/embed" class="mastodon-embed" '
        'style="max-width: 100%; border: 0" width="400" allowfullscreen="allowfullscreen"></iframe>'
        '<script src="https://mastodon.social/embed.js" async="async"></script>',
        ("mastodon", "mastodon.social/@Gargron/109318821117356215"),
    ),
    (
        "telegram",
        '<script async src="https://telegram.org/js/telegram-widget.js?22" data-telegram-post="durov/43" '
        'data-width="100%"></script>',
        ("telegram", "durov/43"),
    ),
    (
        "reddit",
        '<blockquote class="reddit-embed-bq" data-embed-height="316"><a '
        'href="https://www.reddit.com/r/investing/'
        'comments/7pfpeq/buffett_on_cyrptocurrencies_i_can_say_almost_with/">Buffett on '
        "cryptocurrencies</a><br> "
        'by <a href="https://www.reddit.com/user/someone/">u/someone</a> in <a '
        'href="https://www.reddit.com/r/investing/">'
        'investing</a></blockquote><script async="" src="https://embed.reddit.com/widgets.js" '
        'charset="UTF-8"></script>',
        ("reddit", "7pfpeq"),
    ),
    (
        "facebook sdk's versioned plugin frame",
        '<iframe src="https://www.facebook.com/v2.3/plugins/post.php?app_id=123&amp;channel=x&amp;href=https%3A%2F'
        '%2Fwww.facebook.com%2FParksCanada%2Fposts%2F1712989015384373&amp;locale=en_US&amp;width=500"></iframe>',
        ("facebook", "1712989015384373"),
    ),
    (
        "facebook embed code copied from a localized page",
        '<div class="fb-video" data-href="https://de-de.facebook.com/ParksCanada/videos/1712989015384373/"></div>',
        ("facebook", "1712989015384373"),
    ),
    (
        "mastodon frame on another instance",
        '<iframe src="https://fosstodon.org/@kev/110234567890123456/embed" class="mastodon-embed" '
        'width="400"></iframe>',
        ("mastodon", "fosstodon.org/@kev/110234567890123456"),
    ),
    (
        "reddit's older embed frame",
        '<iframe id="reddit-embed" src="https://www.redditmedia.com/r/investing/comments/7pfpeq/buffett/'
        '?ref_source=embed&amp;ref=share&amp;embed=true" height="146" width="640"></iframe>',
        ("reddit", "7pfpeq"),
    ),
    (
        "telegram frame",
        '<iframe id="telegram-post-durov-43" src="https://t.me/durov/43?embed=1" width="100%"></iframe>',
        ("telegram", "durov/43"),
    ),
    (
        "linkedin frame of an activity",
        '<iframe src="https://www.linkedin.com/embed/feed/update/urn:li:activity:7012345678901234567" '
        'height="600" width="504"></iframe>',
        ("linkedin", "urn:li:activity:7012345678901234567"),
    ),
    (
        "bluesky frame",
        '<iframe src="https://embed.bsky.app/embed/did:plc:ic6zqvuw5ulmfpjiwnhsr2ns/app.bsky.feed.post/'
        '3k7qmjev5lr2s?id=123"></iframe>',
        ("bluesky", "did:plc:ic6zqvuw5ulmfpjiwnhsr2ns/3k7qmjev5lr2s"),
    ),
]

# (what, markup): nothing here is a post the page shows.
TRAPS: list[tuple[str, str]] = [
    ("twitter share intent", f'<a href="https://twitter.com/intent/tweet?url={TWEET_URL}&text=x">Tweet</a>'),
    (
        "facebook sharer of a post",
        '<a class="share-facebook" '
        'href="https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fwww.facebook.com'
        '%2FParksCanada%2Fposts%2F1712989015384373">Share</a>',
    ),
    (
        "twitter follow button",
        '<a href="https://twitter.com/amnesty" class="twitter-follow-button">Follow @amnesty</a>',
    ),
    (
        "youtube subscribe",
        '<div class="g-ytsubscribe" data-channelid="UC_x5XG1OV2P6uZZ5FSM9Ttw" data-layout="full"></div>',
    ),
    ("instagram profile link", '<a href="https://www.instagram.com/nasa/">@nasa on Instagram</a>'),
    (
        "loader scripts only",
        '<script async src="https://platform.twitter.com/widgets.js"></script>'
        '<script async src="//www.instagram.com/embed.js"></script><script '
        'src="https://www.tiktok.com/embed.js"></script>',
    ),
    (
        "cookiebot-blocked loader without a post",
        '<script type="text/plain" data-cookieconsent="marketing" '
        'src="https://platform.twitter.com/widgets.js"></script>',
    ),
    (
        "shariff share buttons",
        '<div class="shariff" data-services="[&quot;twitter&quot;,&quot;facebook&quot;]" '
        'data-url="https://news.example/story/" data-title="A story"></div>',
    ),
    (
        "amp-social-share",
        '<amp-social-share type="twitter" data-param-url="https://news.example/story/"></amp-social-share>',
    ),
    (
        "amp-facebook-like",
        '<amp-facebook-like data-href="https://www.facebook.com/ParksCanada" '
        'layout="fixed"></amp-facebook-like>',
    ),
    ("amp-twitter wrong shape", '<amp-twitter data-tweetid="embed" width="375" height="472"></amp-twitter>'),
    ("amp-youtube wrong shape", '<amp-youtube data-videoid="video" width="480" height="270"></amp-youtube>'),
    (
        "amp-instagram wrong shape",
        '<amp-instagram data-shortcode="{{shortcode}}" width="400" height="400"></amp-instagram>',
    ),
    (
        "squarespace instagram feed block with its own id",
        '<div class="sqs-block instagram-block sqs-block-instagram" data-block-json="'
        + attr(json.dumps({"pageSize": 1, "connectedAccountId": "61d03b8f7ed04433a61182ce"}))
        + '" data-block-type="25" id="block-yui_3_17_2_1_1408962567901_42292"><div '
        'class="sqs-block-content"></div></div>',
    ),
    ("element id shaped like a video id", f'<div class="youtube-section" id="{YT}"><p>Our channel</p></div>'),
    (
        "site cookie banner with the site's social links",
        '<div id="cookie-notice" class="cookie-consent-banner"><p>We use cookies. <a '
        'href="/privacy">Privacy</a></p>'
        '<a href="https://twitter.com/newsexample">Twitter</a><a '
        'href="https://www.youtube.com/@newsexample">YouTube</a></div>',
    ),
    (
        "consent class on the whole page, post only linked in the text",
        '<div class="cookies-not-accepted">'
        + "<p>"
        + "Lorem ipsum dolor sit amet. " * 80
        + f'<a href="{TWEET_URL}">said on Twitter</a>.</p></div>',
    ),
    (
        "youtube subscribe frame behind a consent attribute",
        '<iframe data-cookieblock-src="https://www.youtube.com/subscribe_embed?channelid=UC_x5XG1OV2P6uZZ5FSM9Ttw">'
        "</iframe>",
    ),
    (
        "facebook page plugin behind a consent attribute",
        '<iframe data-src-cmplz="https://www.facebook.com/plugins/page.php?href=https%3A%2F%2Fwww.facebook.com'
        '%2FParksCanada&amp;tabs=timeline" src="about:blank"></iframe>',
    ),
    (
        "facebook like button of a post",
        '<iframe src="https://www.facebook.com/plugins/like.php?href=https%3A%2F%2Fwww.facebook.com%2FParksCanada'
        '%2Fposts%2F1712989015384373&amp;layout=button_count"></iframe>',
    ),
    (
        "twitter timeline",
        '<a class="twitter-timeline" href="https://twitter.com/amnesty">Tweets by amnesty</a>',
    ),
    (
        "consent box linking two posts",
        '<div class="consent-placeholder"><p>Blocked. Open it on <a href="'
        + TWEET_URL
        + '">Twitter</a> or <a href="https://www.youtube.com/watch?v='
        + YT
        + '">YouTube</a>.</p></div>',
    ),
    (
        "consent attribute holding a template's placeholder",
        '<iframe data-src-cmplz="https://www.youtube.com/embed/{video_id}" src="about:blank"></iframe>',
    ),
    (
        "embed privacy box without its script or link",
        '<div class="embed-privacy-container is-disabled embed-youtube" data-embed-provider="youtube"><p>'
        'Learn more in <a href="https://policies.google.com/privacy?hl=en">YouTube\u2019s privacy policy</a>.'
        "</p></div>",
    ),
    (
        "youtube thumbnail in a related-stories box",
        f'<aside class="related"><a href="/other-story">'
        f'<img src="https://i.ytimg.com/vi/{YT}/hqdefault.jpg"></a></aside>',
    ),
    (
        "no-script site navigation linking the site's own posts",
        '<div class="site-header"><noscript><nav><a href="https://twitter.com/newsexample">Twitter</a> '
        f'<a href="{TWEET_URL}">Our pinned tweet</a></nav></noscript></div>',
    ),
    (
        "a whole article in a video page's noscript, a post linked in its text",
        '<div class="video-page"><noscript><p>'
        + "Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 10
        + f'<a href="{TWEET_URL}">as she said</a>.</p></noscript></div>',
    ),
    (
        "a link classed by its platform in running text",
        f'<p>He <a class="youtube-link" href="https://www.youtube.com/watch?v={YT}">said so on YouTube</a>'
        ".</p>",
    ),
    (
        "a preview-classed link that names no platform",
        f'<p>See <a class="link-preview" href="{TWEET_URL}">the tweet</a>.</p>',
    ),
    (
        "youtube uploads of a user",
        '<iframe src="https://www.youtube.com/embed?listType=user_uploads&amp;list=nasa"></iframe>',
    ),
    (
        "youtube live of a channel",
        '<iframe src="https://www.youtube.com/embed/live_stream?channel=UC_x5XG1OV2P6uZZ5FSM9Ttw"></iframe>',
    ),
    ("instagram profile frame", '<iframe src="https://www.instagram.com/nasa/embed/"></iframe>'),
    (
        "twitter profile timeline frame",
        '<iframe src="https://syndication.twitter.com/srv/timeline-profile/screen-name/nasa"></iframe>',
    ),
    (
        "a social feed widget listing posts",
        '<ul class="juicer-feed" data-feed-id="nasa"><li class="feed-item"><a href="https://www.instagram.com/p/'
        f'BNpLF8LD0GD/">post</a></li><li class="feed-item"><a href="{TWEET_URL}">tweet</a></li></ul>',
    ),
    (
        "a short story on a page whose body says cookies were accepted",
        f'<div class="cookie-consent-given"><p>Brief.</p><p>More.</p><p>Then.</p><p>And.</p><p>As <a href='
        f'"{TWEET_URL}">she tweeted</a>.</p></div>',
    ),
    (
        "a link in running text classed by its platform, naming it nowhere else",
        f'<p>He <a class="twitter" href="{TWEET_URL}">said so</a>.</p>',
    ),
    (
        "an account's feed block showing its latest post (Squarespace's instagram-block)",
        '<div class="sqs-block instagram-block sqs-block-instagram"><div class="sqs-block-content"><div '
        f'class="slide" data-type="image"><a class="content-fill" href="{IG_URL}"><img '
        'src="https://images.squarespace-cdn.com/x.jpeg"></a></div></div></div>',
    ),
    (
        "a twitter feed box with one status",
        f'<div class="twitter-feed"><p>Latest: <a href="{TWEET_URL}">our tweet</a></p></div>',
    ),
    (
        "a box named for one platform linking another's post",
        f'<div class="youtube-video-card"><a href="{TWEET_URL}">see the tweet</a></div>',
    ),
    (
        "telegram discussion widget",
        '<script async src="https://telegram.org/js/telegram-widget.js?22" '
        'data-telegram-discussion="durov/43"></script>',
    ),
    (
        "telegram login widget",
        '<script async src="https://telegram.org/js/telegram-widget.js?22" data-telegram-login="samplebot" '
        'data-size="large"></script>',
    ),
    (
        "youtube embed loader css",
        '<link rel="stylesheet" href="/wp-content/plugins/embed-privacy/assets/style/embed-privacy.min.css">'
        "<style>.embed-youtube .embed-privacy-logo{background:url(youtube.svg)}</style>",
    ),
]


def page(body: str) -> bytes:
    return f"<html><head><title>t</title></head><body><article>{body}</article></body></html>".encode()


@pytest.mark.parametrize(("tool", "markup", "want"), FOUND, ids=[row[0] for row in FOUND])
def test_the_post_is_found(tool: str, markup: str, want: tuple[str, str]):
    found = [(e.platform, e.post_id) for e in find_embeds(page(markup), "https://news.example/story/")]
    assert found == [want], tool


@pytest.mark.parametrize(("what", "markup"), TRAPS, ids=[row[0] for row in TRAPS])
def test_no_post_is_made_up(what: str, markup: str):
    found = [(e.platform, e.post_id) for e in find_embeds(page(markup), "https://news.example/story/")]
    assert found == [], what


def test_a_blocked_embed_in_its_box_counts_beside_a_visible_one():
    """Embed Privacy's script is inside the article, not page data: found even when the page
    shows another embed itself."""
    box = (
        '<div class="embed-privacy-container embed-youtube"><div class="embed-privacy-content">'
        f"<script>var _oembed_0a1b = '{epi_script(YT_FRAME)}';</script></div></div>"
    )
    found = [(e.platform, e.post_id) for e in find_embeds(page(TWEET + box), "https://news.example/story/")]
    assert found == [("twitter", TWEET_ID), ("youtube", YT)]


def test_an_embed_box_is_its_player_not_the_post_its_caption_links():
    box = (
        '<figure class="video-embed"><iframe src="https://player.vimeo.com/video/76979871"></iframe>'
        f'<figcaption>As <a href="{TWEET_URL}">she tweeted</a>.</figcaption></figure>'
    )
    found = [(e.platform, e.post_id) for e in find_embeds(page(box), "https://news.example/story/")]
    assert found == [("vimeo", VIMEO)]


# Every encoding a consent tool keeps an embed's code in, in an attribute of any name, on a box
# that names neither the platform nor consent: the post is found whatever the combination.
ENCODINGS = {
    "entity-escaped": attr,
    "entity-escaped twice": lambda markup: attr(attr(markup)),
    "percent-encoded": quote,
    "percent-encoded twice": lambda markup: quote(quote(markup)),
    "base64": b64,
}
SNIPPETS = {
    "tweet": (TWEET, ("twitter", TWEET_ID)),
    "instagram": (INSTAGRAM, ("instagram", IG)),
    "youtube frame": (YT_FRAME, ("youtube", YT)),
}


@pytest.mark.parametrize("encoding", sorted(ENCODINGS))
@pytest.mark.parametrize("snippet", sorted(SNIPPETS))
@pytest.mark.parametrize("name", ["data-content", "data-original", "data-x-html"])
def test_an_encoded_embed_in_any_attribute(encoding: str, snippet: str, name: str):
    markup, want = SNIPPETS[snippet]
    box = f'<div class="placeholder-box" {name}="{ENCODINGS[encoding](markup)}"><p>Click to load</p></div>'
    found = [(e.platform, e.post_id) for e in find_embeds(page(box), "https://news.example/story/")]
    assert found == [want]


URL_ENCODINGS = {
    "as is": lambda url: url,
    "percent-encoded": lambda url: quote(url, safe=""),
    "percent-encoded twice": lambda url: quote(quote(url, safe=""), safe=""),
    "base64": b64,
    "entity-escaped": lambda url: "".join(f"&#x{ord(c):x};" if c in ":/?=&" else c for c in url),
}


@pytest.mark.parametrize("encoding", sorted(URL_ENCODINGS))
@pytest.mark.parametrize("tag", ["iframe", "div"])
def test_an_encoded_player_url_in_a_parked_attribute(encoding: str, tag: str):
    value = URL_ENCODINGS[encoding](YT_EMBED)
    box = f'<{tag} class="blocked-content" data-consent-src="{value}"></{tag}>'
    found = [(e.platform, e.post_id) for e in find_embeds(page(box), "https://news.example/story/")]
    assert found == [("youtube", YT)]
