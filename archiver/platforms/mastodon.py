"""Mastodon, on any instance: blockquote.mastodon-embed and /embed iframes; data from the instance's API.

The post id carries its instance: `HOST/@USER/ID`, as in `mastodon.social/@Gargron/109318821117356215`
(a remote author's handle keeps its domain: `HOST/@user@domain/ID`). ID is the status id on HOST.

Any site can run Mastodon, and many non-Mastodon sites have /@user/123 paths, so a bare link is
read as a Mastodon post only on well-known instances (or hosts named like one). Embed markup is
evidence enough on any host: a blockquote.mastodon-embed, an iframe.mastodon-embed, or an
/@user/ID/embed iframe next to the embed.js script of the same host or whose ID is a snowflake.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx

from archiver.errors import CaptureError, PostGone
from archiver.models import Embed, PostData
from archiver.platforms import oembed
from archiver.platforms.base import Page, Platform, StandIn

# Large general instances and those newsrooms embed from; any other host is recognised by its markup.
KNOWN_INSTANCES = (
    "mastodon.social",
    "mastodon.online",
    "mastodon.world",
    "mstdn.social",
    "mas.to",
    "fosstodon.org",
    "hachyderm.io",
    "infosec.exchange",
    "techhub.social",
    "universeodon.com",
    "journa.host",
    "newsie.social",
    "mastodon.art",
    "masto.ai",
    "c.im",
    "chaos.social",
    "det.social",
    "social.coop",
    "social.vivaldi.net",
    "sfba.social",
    "aus.social",
    "mastodon.nl",
    "mastodon.uno",
    "mamot.fr",
    "piaille.fr",
    "troet.cafe",
    "norden.social",
    "mastodon.scot",
    "toot.community",
    "tech.lgbt",
    "kolektiva.social",
    "mstdn.jp",
    "pawoo.net",
    "social.network.europa.eu",
)
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_KNOWN = "|".join(re.escape(host) for host in KNOWN_INSTANCES)
# A host named like an instance: a label that starts with mastodon, mstdn, masto or toot.
_NAMED = rf"(?:{_LABEL}\.)*(?:mastodon|mstdn|masto|toot)[a-z0-9-]*(?:\.{_LABEL})+"
# An instance on this machine (a development or test server, such as http://localhost:3000) is
# reached over plain http, port and all; every other instance over https on its default port.
_LOOPBACK = r"(?:localhost|127\.0\.0\.1|\[::1\])(?::\d{1,5})?"
_ANY_HOST = rf"(?:(?:{_LABEL}\.)+[a-z]{{2,63}}|{_LOOPBACK})"
_USER = r"(?P<user>[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*(?:@[A-Za-z0-9.-]+\.[a-z]{2,})?)"
_SID = r"(?P<sid>\d{1,20})"
_ID = re.compile(r"(?P<host>[^/]+)/@(?P<user>[^/]+)/(?P<sid>\d+)")
_LOOPBACK_HOST = re.compile(_LOOPBACK, re.I)


def make_id(m: re.Match[str]) -> str:
    return f"{m.group('host').lower()}/@{m.group('user')}/{m.group('sid')}"


def _parts(post_id: str) -> tuple[str, str, str]:
    m = _ID.fullmatch(post_id)
    if not m:
        raise ValueError(f"not a Mastodon post id (HOST/@USER/ID): {post_id!r}")
    return m.group("host"), m.group("user"), m.group("sid")


def _origin(host: str) -> str:
    """https://HOST, or http://HOST for an instance on this machine (loopback, any port)."""
    return f"{'http' if _LOOPBACK_HOST.fullmatch(host) else 'https'}://{host}"


def canonical_url(post_id: str) -> str:
    host, user, sid = _parts(post_id)
    return f"{_origin(host)}/@{user}/{sid}"


def embed_url(post_id: str) -> str:
    return canonical_url(post_id) + "/embed"


# Mastodon's attachment types in the words PostData uses everywhere (capture keeps photo/video/gif).
_MEDIA_TYPES = {"image": "photo", "gifv": "gif", "video": "video", "audio": "audio"}


def _media(attachments: Any) -> list[dict[str, Any]]:
    items = []
    for attachment in attachments if isinstance(attachments, list) else []:
        a = oembed.mapping(attachment)
        kind = _MEDIA_TYPES.get(str(a.get("type")), "unknown")
        item = oembed.media(
            a.get("url") or a.get("remote_url"), kind, a.get("description"), preview=a.get("preview_url")
        )
        if item:
            items.append(item)
    return items


async def _account_suspended(client: httpx.AsyncClient, host: str, user: str) -> bool:
    """Whether the instance says the author's account is suspended (a missing post's likely cause)."""
    try:
        response = await client.get(f"{_origin(host)}/api/v1/accounts/lookup", params={"acct": user})
    except httpx.HTTPError:
        return False
    if response.status_code == 410:
        return True
    if response.status_code != 200:
        return False
    try:
        return bool(oembed.json_object(response).get("suspended"))
    except CaptureError:
        return False


async def fetch_data(client: httpx.AsyncClient, post_id: str) -> PostData:
    """GET HOST/api/v1/statuses/ID. A 404 is "deleted" (or "suspended" when the account is);
    a 401/403 from an instance that wants a login stays an error, not a status."""
    host, user, sid = _parts(post_id)
    try:
        response = await oembed.get(client, f"{_origin(host)}/api/v1/statuses/{sid}")
    except PostGone as gone:
        if await _account_suspended(client, host, user):
            raise PostGone(
                "suspended", f"Mastodon account @{user} on {host} is suspended", gone.http_status
            ) from None
        raise
    data = oembed.json_object(response)
    account = oembed.mapping(data.get("account"))
    acct = oembed.text(account.get("acct")) or user
    card = oembed.mapping(data.get("card"))
    extra = {
        "uri": data.get("uri"),
        "edited_at": data.get("edited_at"),
        "visibility": data.get("visibility"),
        "sensitive": data.get("sensitive"),
        "content_warning": oembed.text(data.get("spoiler_text")),
    }
    if card.get("url"):
        extra["link"] = {k: card.get(k) for k in ("url", "title", "description", "image")}
    if oembed.mapping(data.get("poll")):
        extra["poll"] = data["poll"]
    return PostData(
        platform="mastodon",
        post_id=post_id,
        url=oembed.text(data.get("url")) or canonical_url(post_id),
        author_name=oembed.text(account.get("display_name")) or oembed.text(account.get("username")),
        author_handle=acct if "@" in acct else f"{acct}@{host}",
        created_at=oembed.iso_datetime(data.get("created_at")),
        text=oembed.html_to_text(data.get("content") if isinstance(data.get("content"), str) else None),
        lang=oembed.text(data.get("language")),
        media=_media(data.get("media_attachments")),
        counts=oembed.counts(
            replies=data.get("replies_count"),
            reblogs=data.get("reblogs_count"),
            favourites=data.get("favourites_count"),
            quotes=data.get("quotes_count"),
        ),
        extra={k: v for k, v in extra.items() if v is not None},
        raw=response.content,
    )


_EMBED_VIEW = re.compile(
    rf"^\s*(?:https?:)?//(?P<host>{_ANY_HOST})/@{_USER}/{_SID}/embed/?(?:[?#]|\s*$)", re.I
)
_POST_LINK = re.compile(rf"^\s*(?:https?:)?//(?P<host>{_ANY_HOST})/@{_USER}/{_SID}/?(?:[?#]|\s*$)", re.I)
_INSTANCE = re.compile(rf"{_KNOWN}|{_NAMED}", re.I)
# A status id since Mastodon 2.0 (2017): a 64-bit snowflake. A frame of /@USER/SNOWFLAKE/embed is
# Mastodon's embed view on whatever host it stands, class, script or not.
_SNOWFLAKE = re.compile(r"\d{16,20}")


def _frame_source(element: Any) -> str:
    """The frame's URL: its src, or where a lazy loader or a consent tool parked it (data-src,
    data-cookieblock-src, consent-original-src-_, suppressedsrc...)."""
    src = element.get("src") or ""
    if _EMBED_VIEW.match(src):
        return src
    for name, value in element.items():
        low = name.lower()
        if "src" in low and low not in ("srcdoc", "srcset") and "/embed" in value:
            return str(value)
    return src


def _host(url: str | None) -> str:
    try:
        return (urlsplit((url or "").strip()).hostname or "").lower()
    except ValueError:
        return ""


def _embed(doc: Page, m: re.Match[str], source: str, element: Any) -> Embed:
    user, host = m.group("user"), m.group("host").lower()
    post_id = make_id(m)
    handle = user if "@" in user else f"{user}@{host}"
    return doc.embed(PLATFORM, post_id, source, element, url=canonical_url(post_id), author_handle=handle)


def detect(doc: Page) -> Iterator[Embed]:
    """Mastodon embeds on any instance, from markup that proves them.

    An /@user/ID/embed iframe counts when it has the class mastodon-embed, when the page loads
    embed.js from the same host (Mastodon's embed code does both), when its host is a known
    instance, or when its id is a snowflake (every status since Mastodon 2.0); its URL may be
    parked by a lazy loader or a consent tool in any *src* attribute. A blockquote.mastodon-embed
    counts by its data-embed-url, else its post link; it is reported with the post's URL, not
    the embed view's (even when a known instance's data-embed-url was already seen as a
    placeholder: the merge keeps the blockquote).
    """
    scripts = {
        _host(script.get("src"))
        for script in doc.root.iter("script")
        if urlsplit((script.get("src") or "").strip()).path.endswith("/embed.js")
    }
    for element in doc.root.iter("iframe", "amp-iframe", "blockquote"):  # in page order
        classes = (element.get("class") or "").lower().split()
        if element.tag == "blockquote":
            if "mastodon-embed" not in classes:
                continue
            m = _EMBED_VIEW.match(doc.absolute(element.get("data-embed-url") or ""))
            for anchor in element.iter("a") if m is None else ():
                m = _POST_LINK.match(doc.absolute(anchor.get("href") or ""))
                if m:
                    break
        elif doc.is_claimed(element):
            continue
        else:
            src = _frame_source(element)
            m = _EMBED_VIEW.match(doc.absolute(src)) if src else None
            host = m.group("host").lower() if m else ""
            if m and not (
                "mastodon-embed" in classes
                or host in scripts
                or _INSTANCE.fullmatch(host)
                or _SNOWFLAKE.fullmatch(m.group("sid"))
            ):
                m = None
        if m is not None:
            doc.claim(element)
            yield _embed(doc, m, "blockquote" if element.tag == "blockquote" else "iframe", element)


PLATFORM = Platform(
    name="mastodon",
    url_patterns=(
        # A post on a known (or so-named) instance, in its web or ActivityPub form.
        rf"(?:https?:)?//(?P<host>{_KNOWN}|{_NAMED})/@{_USER}/{_SID}(?![\d])",
        rf"(?:https?:)?//(?P<host>{_KNOWN}|{_NAMED})/users/{_USER}/statuses/{_SID}",
    ),
    canonical_url=canonical_url,
    # HOST/@USER/ID on any instance (embed markup proves one the URL patterns do not know)
    id_shape=r"[^/\s]+/@[^/\s]+/\d{1,20}",
    make_id=make_id,
    detectors=(detect,),
    embed_url=embed_url,
    render_selector=".status, .detailed-status",
    fetch_data=fetch_data,
    stand_in=StandIn(
        title="Mastodon",
        hosts=KNOWN_INSTANCES,
        path=r"/@\w+/\d+/embed",
        image_host="files.mastodon.social",
        classes="status detailed-status",
    ),
    probe="https://mastodon.social/@trwnh/99664077509711321",  # Mastodon's oEmbed docs
    examples=(
        (
            "https://mastodon.social/@Gargron/109318821117356215",
            "mastodon.social/@Gargron/109318821117356215",
        ),
        ("https://fosstodon.org/@linux/112063219463431427/embed", "fosstodon.org/@linux/112063219463431427"),
        (
            "https://mastodon.social/users/Gargron/statuses/109318821117356215",
            "mastodon.social/@Gargron/109318821117356215",
        ),
        (
            "https://mastodon.gamedev.place/@dev/111111111111111111",
            "mastodon.gamedev.place/@dev/111111111111111111",
        ),
    ),
)
