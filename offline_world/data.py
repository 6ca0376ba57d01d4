"""The platforms' data endpoints in the offline world: any post id answers, as the platform would.

For the platforms the world emulates closely (GONE lists them), each answer is a fixture shaped
on the platform's real one (fixtures/<platform>/, SOURCES.tsv says where each comes from) with
the requested post's identifiers written in: its id, its URL, and the author its id names (a
Mastodon user, a Bluesky handle, a Telegram channel); the rest (title, text, counts, dates) is
the fixture's. Any other platform whose module declares its data endpoint (`stand_in.data`, see
StandInData in archiver/platforms/base.py) is answered from that declaration: its live answer
for the post's id and text, and its answer for each gone status it declares. So `fetch_data`
of any post comes back live.

Per test, a post can be changed (`post_id` in the platform's own form, or any of its URLs):

- `gone(platform, post_id, status)`: the platform answers that the post is not there, the way it
  really says so (`statuses(platform)`: GONE, or the declared answers); a status it has no way
  of saying is a ValueError;
- `edit(platform, post_id, text=...)`: the post now says `text` (and is marked edited where the
  platform marks edits);
- `live(platform, post_id)`: back to the fixture's live answer.

The embed views in embeds.py ask `describe` for a post's text and status, so a screenshot shows
the same text as the data, or a "not available" box for a post that is gone.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cache, partial
from typing import Any
from urllib.parse import unquote

from archiver import platforms as registry
from archiver.platforms import mastodon
from archiver.platforms.base import Platform, StandInData
from offline_world import embeds, files, videos
from offline_world.core import Request, Response, World

# How each platform the world emulates closely says that a post is gone, in the statuses its
# fetch_data reads back.
GONE: dict[str, dict[str, str]] = {
    "youtube": {
        "deleted": "oEmbed 404; player ERROR: removed by the uploader",
        "protected": "oEmbed 403 Forbidden; player LOGIN_REQUIRED: This video is private",
        "login_required": "player LOGIN_REQUIRED: Sign in to confirm your age",
        "geo_blocked": "player UNPLAYABLE: not made available in your country",
        "suspended": "oEmbed 404; player ERROR: the account has been terminated",
        "unavailable": "oEmbed 404; player ERROR: removed for violating the Terms of Service",
    },
    "vimeo": {"deleted": "oEmbed 404 and the player's 404 page: This video does not exist."},
    "tiktok": {
        "deleted": "post page statusCode 10204 item doesn't exist; oEmbed 404",
        "protected": "post page statusCode 10216 (a private post); oEmbed 400",
        "geo_blocked": "post page statusCode 10204 cross_border_violation_ur",
        "unavailable": "post page without its data (a bot challenge); oEmbed 200 carrying only a status_msg",
    },
    "bluesky": {
        "deleted": "getPostThread 400 NotFound",
        "suspended": "getPostThread NotFound; getProfile 400 AccountTakedown",
        "unavailable": "getPostThread NotFound; getProfile 400 AccountDeactivated",
    },
    "mastodon": {
        "deleted": "statuses 404 Record not found",
        "suspended": "statuses 404; accounts/lookup says suspended: true",
    },
    "telegram": {
        "deleted": "widget error box: Post not found",
        "protected": "widget error box: Channel is private",
        "unavailable": "widget error box: the channel cannot be displayed",
    },
    "reddit": {
        "deleted": "the listing keeps the shell: [deleted] author and text, removed_by_category deleted",
        "unavailable": "the listing keeps the shell: [removed] text, removed_by_category moderator",
        "protected": "403 with reason private (a private subreddit)",
    },
}
_TELEGRAM_ERRORS = {
    "deleted": "Post not found",
    "protected": "Channel is private",
    "unavailable": "This channel can't be displayed because it violated Telegram's Terms of Service.",
}

# The identifiers in each fixture that the requested post's take the place of.
_YOUTUBE_VIDEO, _YOUTUBE_LIST = "eiHXASgRTcA", "PL4qTakKkQATKOyZPJG_cAMnRtF7fAIdST"
_VIMEO = "235352744"
_TIKTOK = "6806030056956251397"
_BSKY_DID, _BSKY_HANDLE, _BSKY_RKEY = (
    "did:plc:ic6zqvuw5ulmfpjiwnhsr2ns",
    "soubhikbarari.bsky.social",
    "3k7qmjev5lr2s",
)
_MASTODON_ORIGIN, _MASTODON_USER, _MASTODON_SID = (
    "http://localhost:3000",
    "mastodonpy_test",
    "117020583223442465",
)
_TELEGRAM_CHANNEL, _TELEGRAM_MSG = "topwar_official", "70991"
_REDDIT_THREAD, _REDDIT_COMMENT = "7pfpeq", "dsh3k5x"

_FIXTURES = {
    "youtube": f"youtube/oembed-{_YOUTUBE_VIDEO}.json",
    "youtube-playlist": f"youtube/oembed-playlist-{_YOUTUBE_LIST}.json",
    "vimeo": f"vimeo/oembed-{_VIMEO}.json",
    "tiktok": f"tiktok/oembed-{_TIKTOK}.json",
    "bluesky": f"bluesky/getPostThread-{_BSKY_RKEY}.json",
    "mastodon": f"mastodon/status-{_MASTODON_SID}.json",
    "telegram": f"telegram/message-{_TELEGRAM_CHANNEL}-{_TELEGRAM_MSG}.html",
    "reddit": f"reddit/listing-{_REDDIT_THREAD}.json",
    "reddit-oembed": f"reddit/oembed-{_REDDIT_THREAD}.json",
}


@cache
def _fixture_text(name: str) -> str:
    return files.fixture(_FIXTURES[name]).decode("utf-8")


def _filled(name: str, replacements: dict[str, str]) -> Any:
    """A JSON fixture with its identifiers replaced (each new value is JSON-safe: ids, hosts, names)."""
    text = _fixture_text(name)
    for old, new in replacements.items():
        text = text.replace(old, new)
    return json.loads(text)


def _as_html(text: str) -> str:
    """Plain text as post HTML: paragraphs at blank lines, <br> at line breaks."""
    paragraphs = [html.escape(p).replace("\n", "<br>") for p in text.split("\n\n")]
    return "".join(f"<p>{p}</p>" for p in paragraphs)


def _not_found(body: str = "Not Found") -> Response:
    return Response.make(body, "text/html; charset=utf-8", 404)


@dataclass
class _Post:
    status: str = "live"
    text: str | None = None
    edited_at: datetime | None = None


class DataWorld:
    """Every data endpoint that a platform's fetch_data asks, answering for any post id."""

    def __init__(self, platforms: Iterable[Platform] = ()) -> None:
        # The platforms it stands in for (the registry's, by default, and one a test defines);
        # its own emulations look theirs up in the registry if they are not among them.
        self._platforms = {p.name: p for p in platforms}
        self._posts: dict[tuple[str, str], _Post] = {}
        self._authors: dict[str, str] = {}  # Mastodon "HOST/SID" -> its author, fixed once known
        self._accounts: dict[str, str] = {}  # Bluesky DID or Mastodon "HOST/@USER" -> status
        self._handles: dict[str, str] = {_BSKY_DID: _BSKY_HANDLE}  # Bluesky DID -> handle

    # Per-test controls.

    def statuses(self, platform: str) -> Mapping[str, str]:
        """The gone statuses the world can make `platform` say, each with how the platform says
        it; ValueError when the world serves no data for it."""
        if platform in GONE:
            return GONE[platform]
        data = self._declared(platform)
        if data is None:
            shown = self._shown(platform)
            if shown:  # no data endpoint: its embed view alone tells
                return shown
            raise ValueError(f"the offline world serves no data for {platform}")
        return {status: f"HTTP {answer.status}" for status, answer in data.gone.items()}

    def _shown(self, platform: str) -> dict[str, str]:
        """For a platform without a data endpoint: the gone statuses its embed view shows
        (its view_states, and the markup its stand-in draws for a gone post)."""
        try:
            declared = self._platform(platform)
        except ValueError:
            return {}
        if declared.fetch_data is not None:
            return {}
        shown = {
            state.status: f"its embed view: {state.reason or state.selector}"
            for state in declared.view_states
        }
        drawn = declared.stand_in.gone if declared.stand_in is not None else {}
        return shown | {status: "its embed view" for status in drawn if status not in shown}

    def gone(self, platform: str, post_id: str, status: str = "deleted") -> None:
        """The platform now answers that the post is `status` (one of statuses(platform))."""
        ways = self.statuses(platform)
        if status not in ways:
            raise ValueError(
                f"{platform} has no way of saying a post is {status!r}; it says: {', '.join(ways)}"
            )
        key = self._key(platform, post_id)
        self._posts.setdefault((platform, key), _Post()).status = status
        if status in ("suspended", "unavailable") and platform in ("bluesky", "mastodon"):
            self._accounts[self._account(platform, key)] = status

    def edit(self, platform: str, post_id: str, *, text: str, at: datetime | None = None) -> None:
        """The post now says `text`, edited at `at` (now by default). For an oEmbed platform the
        text is the title (a description is dropped); for a Reddit thread it is the body (a
        title cannot be edited), so its data reads the title, a blank line, then `text`."""
        self.statuses(platform)  # a ValueError when there is no data to edit
        post = self._posts.setdefault((platform, self._key(platform, post_id)), _Post())
        post.text = text
        post.edited_at = at or datetime.now(timezone.utc)

    def live(self, platform: str, post_id: str) -> None:
        """The post (and its author's account) as the fixture has it again: live, unedited."""
        self.statuses(platform)
        key = self._key(platform, post_id)
        self._posts.pop((platform, key), None)
        if platform in ("bluesky", "mastodon"):
            self._accounts.pop(self._account(platform, key), None)

    def describe(self, platform: str, value: str) -> dict[str, str | None] | None:
        """For an embed view of a post (`value`: its id or a post URL): the post's status and
        text, None for a platform without data."""
        if platform not in GONE and self._declared(platform) is None and not self._shown(platform):
            return None
        try:
            key = self._key(platform, value, remember=False)
        except ValueError:
            return None
        post = self._post(platform, key)
        status = post.status
        if platform in ("bluesky", "mastodon") and status == "live":
            status = self._accounts.get(self._account(platform, key), "live")
        return {"status": status, "text": post.text or self._default_text(platform, key)}

    # Identities.

    def _platform(self, name: str) -> Platform:
        try:
            return self._platforms.get(name) or registry.get(name)
        except KeyError:
            raise ValueError(f"the offline world knows no platform {name!r}") from None

    def _declared(self, name: str) -> StandInData | None:
        """The data endpoint `name` declares, when the world has no emulation of its own for it."""
        try:
            stand_in = self._platform(name).stand_in
        except ValueError:
            return None
        return stand_in.data if stand_in is not None and name not in GONE else None

    def _key(self, platform: str, value: str, *, remember: bool = True) -> str:
        """The world's key for a post: its id, with Bluesky's handle resolved to the DID and
        Mastodon's user set aside: its API names a status by HOST and number alone, so the
        world fixes a status's author the first time it hears of it, from a control's post id
        (`remember`), else from its first data answer (the fixture's account). A view does not
        count, or the author would depend on which of two concurrent requests came first; nor
        does a later control, or the data would change under a test that asks again."""
        post_id = self._platform(platform).post_id(value)
        if post_id is None:
            raise ValueError(f"not a {platform} post: {value!r}")
        if platform == "bluesky":
            who, _, rkey = post_id.rpartition("/")
            return f"{who if who.startswith('did:') else self.did_for(who)}/{rkey}"
        if platform == "mastodon":
            host, _, rest = post_id.partition("/@")
            user, _, sid = rest.rpartition("/")
            if remember:
                self._authors.setdefault(f"{host}/{sid}", user)
            return f"{host}/{sid}"
        return post_id

    def _account(self, platform: str, key: str) -> str:
        if platform == "bluesky":
            return key.rpartition("/")[0]
        return f"{key.partition('/')[0]}/@{self._authors.get(key, _MASTODON_USER)}"

    def _post(self, platform: str, key: str) -> _Post:
        return self._posts.get((platform, key)) or _Post()

    def did_for(self, handle: str) -> str:
        """The DID a Bluesky handle resolves to: the fixture's for its author, else one made from it."""
        handle = handle.lower().lstrip("@")
        for did, known in self._handles.items():
            if known == handle:
                return did
        digest = base64.b32encode(hashlib.sha256(handle.encode()).digest()).decode().lower()
        did = f"did:plc:{digest[:24]}"
        self._handles[did] = handle
        return did

    def handle_for(self, did: str) -> str:
        return self._handles.get(did) or f"{did.rpartition(':')[2][:10]}.bsky.social"

    def _default_text(self, platform: str, key: str) -> str | None:
        if platform == "youtube":
            fixture = "youtube" if len(key) == 11 else "youtube-playlist"
            return str(_filled(fixture, {}).get("title"))
        if platform in ("vimeo", "tiktok"):
            return str(_filled(platform, {}).get("title"))
        if platform == "bluesky":
            return str(_filled("bluesky", {})["thread"]["post"]["record"]["text"])
        if platform == "mastodon":
            return "Toot!"
        if platform == "reddit":
            return str(_filled("reddit", {})[0]["data"]["children"][0]["data"]["title"])
        if self._declared(platform) is not None:
            return f"An offline copy of the {embeds.title_of(self._platform(platform))} post {key}"
        return None

    # oEmbed: YouTube, Vimeo, TikTok.

    def oembed(self, platform: str, answer: Callable[[str, _Post], Response], request: Request) -> Response:
        """An oEmbed endpoint: the post its `url` parameter names, answered by `answer`."""
        post_id = self._platform(platform).match(request.query.get("url", ""))
        if post_id is None:
            return Response.make("Bad Request", "text/html; charset=utf-8", 400)
        return answer(post_id, self._post(platform, post_id))

    @staticmethod
    def _retitled(answer: dict[str, Any], post: _Post) -> Response:
        if post.text is not None:
            answer["title"] = post.text
            answer.pop("description", None)
        return Response.json(answer)

    @classmethod
    def youtube(cls, post_id: str, post: _Post) -> Response:
        if post.status in ("deleted", "suspended", "unavailable"):
            return _not_found()
        if post.status == "protected":
            return Response.make("Forbidden", "text/html; charset=utf-8", 403)
        if len(post_id) == 11:
            return cls._retitled(_filled("youtube", {_YOUTUBE_VIDEO: post_id}), post)
        return cls._retitled(_filled("youtube-playlist", {_YOUTUBE_LIST: post_id}), post)

    @classmethod
    def vimeo(cls, post_id: str, post: _Post) -> Response:
        if post.status == "deleted":
            return Response.json({"error": "not found"}, 404)
        return cls._retitled({**_filled("vimeo", {_VIMEO: post_id}), "video_id": int(post_id)}, post)

    @classmethod
    def tiktok(cls, post_id: str, post: _Post) -> Response:
        if post.status == "deleted":
            return Response.json({"code": 404, "message": "Not Found", "status_msg": "Not Found"}, 404)
        if post.status == "protected":
            return Response.json({"code": 400, "message": "Something went wrong", "status_msg": ""}, 400)
        if post.status == "unavailable":
            return Response.json({"code": 400, "message": "Something went wrong", "status_msg": ""})
        return cls._retitled(_filled("tiktok", {_TIKTOK: post_id}), post)

    # Bluesky's public API.

    @staticmethod
    def _xrpc_error(error: str, message: str) -> Response:
        return Response.json({"error": error, "message": message}, 400)

    def _actor(self, actor: str) -> str:
        return actor if actor.startswith("did:") else self.did_for(actor)

    def bluesky_thread(self, request: Request) -> Response:
        uri = request.query.get("uri", "")
        m = re.fullmatch(r"at://([^/]+)/app\.bsky\.feed\.post/([A-Za-z0-9_~.:-]+)", uri)
        if m is None:
            return self._xrpc_error("InvalidRequest", "Error: uri must be a valid at-uri")
        did, rkey = self._actor(m.group(1)), m.group(2)
        post = self._post("bluesky", f"{did}/{rkey}")
        if post.status != "live" or did in self._accounts:
            return self._xrpc_error("NotFound", f"Post not found: {uri}")
        handle = self.handle_for(did)
        answer = _filled("bluesky", {_BSKY_DID: did, _BSKY_RKEY: rkey, _BSKY_HANDLE: handle})
        view = answer["thread"]["post"]
        if did != _BSKY_DID:
            view["author"]["displayName"] = handle.split(".")[0]
        if post.text is not None:
            view["record"]["text"] = post.text
            view["record"].pop("facets", None)  # their byte ranges were the old text's
            digest = base64.b32encode(hashlib.sha256(post.text.encode()).digest()).decode().lower()
            view["cid"] = "bafyrei" + digest[:52]
        return Response.json(answer)

    def bluesky_resolve(self, request: Request) -> Response:
        handle = request.query.get("handle", "")
        if not handle:
            return self._xrpc_error("InvalidRequest", 'Error: Params must have the property "handle"')
        return Response.json({"did": self.did_for(handle)})

    def bluesky_profile(self, request: Request) -> Response:
        did = self._actor(request.query.get("actor", ""))
        status = self._accounts.get(did)
        if status == "suspended":
            return self._xrpc_error("AccountTakedown", "Account has been suspended")
        if status == "unavailable":
            return self._xrpc_error("AccountDeactivated", "Account is deactivated")
        thread = _filled("bluesky", {_BSKY_DID: did, _BSKY_HANDLE: self.handle_for(did)})
        author = thread["thread"]["post"]["author"]
        if did != _BSKY_DID:
            author["displayName"] = self.handle_for(did).split(".")[0]
        counts = {"followersCount": 212, "followsCount": 180, "postsCount": 97}
        return Response.json({**author, **counts, "indexedAt": author.get("createdAt")})

    # Mastodon's API, on every well-known instance.

    def _mastodon_author(self, host: str, sid: str) -> str:
        return self._authors.setdefault(f"{host}/{sid}", _MASTODON_USER)

    def mastodon_status(self, request: Request) -> Response:
        host, sid = request.host, request.path.rsplit("/", 1)[1]
        user = self._mastodon_author(host, sid)
        post = self._post("mastodon", f"{host}/{sid}")
        if post.status != "live" or f"{host}/@{user}" in self._accounts:
            return Response.json({"error": "Record not found"}, 404)
        answer = _filled(
            "mastodon", {_MASTODON_ORIGIN: f"https://{host}", _MASTODON_SID: sid, _MASTODON_USER: user}
        )
        account = answer["account"]
        account["username"] = user.split("@")[0]
        if user != _MASTODON_USER:
            account["display_name"] = account["username"]
        if post.text is not None:
            answer["content"] = _as_html(post.text)
            answer["edited_at"] = (post.edited_at or datetime.now(timezone.utc)).isoformat()
        return Response.json(answer)

    def mastodon_lookup(self, request: Request) -> Response:
        user = request.query.get("acct", "").lstrip("@")
        if not user:
            return Response.json({"error": "Record not found"}, 404)
        replacements = {
            _MASTODON_ORIGIN: f"https://{request.host}",
            _MASTODON_SID: "0",
            _MASTODON_USER: user,
        }
        account = _filled("mastodon", replacements)["account"]
        account["username"] = user.split("@")[0]
        if self._accounts.get(f"{request.host}/@{user}") == "suspended":
            # What Mastodon serializes for a suspended account: the name and little else.
            account.update(display_name="", note="", fields=[], emojis=[], suspended=True)
        return Response.json(account)

    # Telegram's widget: the data and the embed view alike.

    def telegram_widget(self, request: Request) -> Response | None:
        if "embed" not in request.query:
            return None  # the post page, not the widget: the embed view's route answers it
        m = re.fullmatch(r"/(?:s/)?(\w+)/(\d+)", request.path)
        if m is None:
            return None
        channel, msg = m.group(1).lower(), m.group(2)
        post = self._post("telegram", f"{channel}/{msg}")
        if post.status != "live":
            error = html.escape(_TELEGRAM_ERRORS[post.status])
            block = f'<div class="tgme_widget_message_error">{error}</div>'
        else:
            block = self._telegram_message(channel, msg, post)
        return Response.html(
            '<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n<title>Telegram Widget</title>\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1.0">\n</head>\n'
            f'<body class="body_widget_post emoji_image">\n{block}\n</body>\n</html>\n'
        )

    @staticmethod
    def _telegram_message(channel: str, msg: str, post: _Post) -> str:
        block = _fixture_text("telegram")
        block = block.replace(f"{_TELEGRAM_CHANNEL}/{_TELEGRAM_MSG}", f"{channel}/{msg}")
        block = block.replace(f"https://t.me/{_TELEGRAM_CHANNEL}", f"https://t.me/{channel}")
        if channel != _TELEGRAM_CHANNEL:
            block = re.sub(
                r'(tgme_widget_message_owner_name"[^>]*><span dir="auto">)[^<]*',
                lambda m: m.group(1) + html.escape(channel),
                block,
            )
        if post.text is not None:
            body = html.escape(post.text).replace("\n", "<br/>")
            block = re.sub(
                r'(<div class="tgme_widget_message_text[^>]*>).*?(</div>)',
                lambda m: m.group(1) + body + m.group(2),
                block,
                count=1,
                flags=re.S,
            )
            block = block.replace(
                'class="tgme_widget_message_meta">', 'class="tgme_widget_message_meta">edited ', 1
            )
        return block

    # Reddit's listings and oEmbed.

    def reddit_listing(self, request: Request) -> Response:
        thread = request.path.split("/")[2].removesuffix(".json").lower()
        comment = request.query.get("comment", "").lower() or None
        post = self._post("reddit", thread)
        states = (post.status, self._post("reddit", f"{thread}/{comment}").status if comment else "")
        if "protected" in states:
            return Response.json({"reason": "private", "message": "Forbidden", "error": 403}, 403)
        replacements = {_REDDIT_THREAD: thread, **({_REDDIT_COMMENT: comment} if comment else {})}
        listing = _filled("reddit", replacements)
        link = listing[0]["data"]["children"][0]["data"]
        self._reddit_thing(link, post, "selftext")
        if comment:
            reply = listing[1]["data"]["children"][0]["data"]
            self._reddit_thing(reply, self._post("reddit", f"{thread}/{comment}"), "body")
        return Response.json(listing)

    @staticmethod
    def _reddit_thing(thing: dict[str, Any], post: _Post, body: str) -> None:
        """Write the post's state into a listing's t3 (body "selftext") or t1 (body "body")."""
        if post.text is not None:
            thing[body] = post.text
            thing[f"{body}_html"] = html.escape(f'<div class="md">{_as_html(post.text)}</div>')
            thing["edited"] = (post.edited_at or datetime.now(timezone.utc)).timestamp()
            if body == "selftext":
                thing["is_self"] = True
        if post.status == "deleted":
            thing.update({body: "[deleted]", "author": "[deleted]", f"{body}_html": None})
            if body == "selftext":
                thing["removed_by_category"] = "deleted"
        elif post.status == "unavailable":
            thing.update({body: "[removed]", f"{body}_html": None})
            if body == "selftext":
                thing["removed_by_category"] = "moderator"
            else:
                thing["author"] = "[deleted]"

    def reddit_oembed(self, request: Request) -> Response:
        post_id = self._platform("reddit").match(request.query.get("url", ""))
        if post_id is None:
            return Response.json({"message": "Bad Request", "error": 400}, 400)
        if self._post("reddit", post_id).status != "live":
            return Response.json({"message": "Not Found", "error": 404}, 404)
        return Response.json(_filled("reddit-oembed", {_REDDIT_THREAD: post_id.split("/")[0]}))

    # A data endpoint a platform declares (StandInData).

    def declared(self, platform: Platform, data: StandInData, request: Request) -> Response:
        """The declared answer for the post the request names (the path's group `id`, else the
        query parameter `data.query`): live with its text, or as the post's gone status says."""
        named = re.fullmatch(data.path, request.path)
        value = named["id"] if named and named.groupdict().get("id") else None
        value = unquote(value) if value else request.query.get(data.query or "", "")
        post_id = platform.post_id(value) if value else None
        if post_id is None:
            return Response.make("Bad Request", "text/plain; charset=utf-8", 400)
        post = self._post(platform.name, post_id)
        if post.status == "live":
            answer = data.live(post_id, post.text or self._default_text(platform.name, post_id) or "")
        else:
            answer = data.gone[post.status]
        return Response.make(answer.body, answer.content_type, answer.status)

    def install(self, world: World) -> None:
        """Route every data endpoint: the world's own emulations, and those its other platforms
        declare (after the embed views: these routes are asked first)."""
        for platform in self._platforms.values():
            data = self._declared(platform.name)
            if data is not None:
                world.route(data.host, data.path, partial(self.declared, platform, data))
        world.route("www.youtube.com", r"/oembed", partial(self.oembed, "youtube", self.youtube))
        world.route("vimeo.com", r"/api/oembed\.json", partial(self.oembed, "vimeo", self.vimeo))
        world.route("www.tiktok.com", r"/oembed", partial(self.oembed, "tiktok", self.tiktok))
        videos.install(world, self.describe)  # the video platforms' other endpoints
        api = "public.api.bsky.app"
        world.route(api, r"/xrpc/app\.bsky\.feed\.getPostThread", self.bluesky_thread)
        world.route(api, r"/xrpc/com\.atproto\.identity\.resolveHandle", self.bluesky_resolve)
        world.route(api, r"/xrpc/app\.bsky\.actor\.getProfile", self.bluesky_profile)
        for host in mastodon.KNOWN_INSTANCES:
            world.route(host, r"/api/v1/statuses/\d+", self.mastodon_status)
            world.route(host, r"/api/v1/accounts/lookup", self.mastodon_lookup)
        world.route("t.me", r"/(?:s/)?\w+/\d+", self.telegram_widget)
        world.route("www.reddit.com", r"/comments/[a-z0-9]+/?\.json", self.reddit_listing)
        world.route("www.reddit.com", r"/oembed", self.reddit_oembed)
