"""X/Twitter in the offline world: the embed view, the syndication CDN, media hosts, short links."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from archiver.platforms.twitter import syndication_token
from offline_world import files
from offline_world.core import Handler, Request, Response, World

FIXTURES = Path(__file__).parent / "fixtures" / "twitter"
DELETED = "This Post was deleted by the Post author. Learn more"


def _snowflake_url(tweet_id: str, handle: str | None) -> str:
    return f"https://twitter.com/{handle or 'i'}/status/{tweet_id}"


def _static(body: bytes, mime: str) -> Handler:
    def serve(_request: Request) -> Response:
        return Response.make(body, mime)

    return serve


class TwitterWorld:
    """The tweets the world knows, by id: syndication answers (a Tweet, a tombstone, or `{}`)."""

    platform = "twitter"  # emulated here in full: no generic embed view stands in for it

    def __init__(self) -> None:
        self.tweets: dict[str, dict[str, Any]] = {}
        self.short_links: dict[str, str] = {}
        for path in sorted(FIXTURES.glob("tweet-result-*.json")):
            self.add_tweet(json.loads(path.read_text(encoding="utf-8")))

    def add_tweet(self, answer: dict[str, Any]) -> None:
        """Serve `answer` for its id_str; its t.co links start redirecting to their targets."""
        self.tweets[str(answer["id_str"])] = answer
        entities = answer.get("entities") or {}
        for item in [
            *(entities.get("urls") or []),
            *(entities.get("media") or []),
            *(answer.get("mediaDetails") or []),
        ]:
            short, target = item.get("url"), item.get("expanded_url")
            if short and target:
                self.short_links[urlsplit(short).path.strip("/")] = target

    def tombstone(self, tweet_id: str, text: str | None = DELETED) -> None:
        """Answer for `tweet_id` with a TweetTombstone saying `text` (None: a tombstone without text)."""
        body: dict[str, Any] = {"__typename": "TweetTombstone", "tombstone": {}}
        if text is not None:
            body["tombstone"] = {"text": {"text": text, "entities": [], "rtl": False}}
        self.tweets[str(tweet_id)] = body

    def empty(self, tweet_id: str) -> None:
        """Answer `{}` for `tweet_id`, as the CDN does for some posts that are gone."""
        self.tweets[str(tweet_id)] = {}

    def remove(self, tweet_id: str) -> None:
        """Forget `tweet_id`: the CDN answers 404."""
        self.tweets.pop(str(tweet_id), None)

    def live(self, tweet_id: str) -> dict[str, Any] | None:
        answer = self.tweets.get(str(tweet_id))
        return answer if answer and answer.get("__typename") == "Tweet" else None

    # Handlers.

    def syndication(self, request: Request) -> Response:
        tweet_id = request.query.get("id", "")
        if not tweet_id.isdigit():
            return Response.make("Bad Request", "text/plain", 400)
        if request.query.get("token") != syndication_token(tweet_id):
            # The real CDN has been seen to refuse wrong tokens; a wrong one here is our bug.
            return Response.make("Bad Request", "text/plain", 400)
        if tweet_id not in self.tweets:
            return Response.make("", "application/json;charset=utf-8", 404, access_control_allow_origin="*")
        return Response.json(self.tweets[tweet_id])

    def oembed(self, request: Request) -> Response:
        url = request.query.get("url", "")
        match = re.search(r"/status(?:es)?/(\d+)", url)
        tweet = self.live(match.group(1)) if match else None
        if tweet is None:
            return Response.make("", "application/json", 404)
        user = tweet.get("user") or {}
        handle = user.get("screen_name", "")
        status_url = _snowflake_url(tweet["id_str"], handle)
        text = str(tweet.get("text", "")).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        html = (
            f'<blockquote class="twitter-tweet"><p lang="{tweet.get("lang", "en")}" dir="ltr">{text}</p>'
            f"&mdash; {user.get('name', '')} (@{handle}) "
            f'<a href="{status_url}?ref_src=twsrc%5Etfw">{tweet.get("created_at", "")}</a></blockquote>\n'
            '<script async src="https://platform.twitter.com/widgets.js" charset="utf-8"></script>\n'
        )
        return Response.json(
            {
                "url": status_url,
                "author_name": user.get("name"),
                "author_url": f"https://twitter.com/{handle}",
                "html": html,
                "width": 550,
                "height": None,
                "type": "rich",
                "cache_age": "3153600000",
                "provider_name": "Twitter",
                "provider_url": "https://twitter.com",
                "version": "1.0",
            }
        )

    def short_link(self, request: Request) -> Response:
        target = self.short_links.get(request.path.strip("/"))
        return Response.redirect(target) if target else Response.not_found()

    def status_page(self, request: Request) -> Response:
        match = re.search(r"/status(?:es)?/(\d+)", request.path)
        tweet = self.live(match.group(1)) if match else None
        if tweet is None:
            return Response.html(
                "<!DOCTYPE html><title>Page not found / X</title><p>This page doesn't exist.", 404
            )
        user = tweet.get("user") or {}
        title = f"{user.get('name', '')} on X: \u201c{tweet.get('text', '')}\u201d"
        safe = title.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
        return Response.html(
            f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{safe}</title>'
            f'<meta property="og:title" content="{safe}"></head>'
            f"<body><noscript>{safe}</noscript></body></html>"
        )

    @staticmethod
    def image(request: Request) -> Response:
        path = request.path
        fmt = request.query.get("format") or path.rpartition(".")[2].lower()
        if fmt == "png":
            return Response.make(files.png(path), "image/png", cache_control="max-age=604800")
        if path.startswith("/profile_images/"):
            name = "avatar"
        elif path.startswith(("/ext_tw_video_thumb/", "/amplify_video_thumb/", "/tweet_video_thumb/")):
            name = "poster"
        else:
            return Response.make(files.photo(path), "image/jpeg", cache_control="max-age=604800")
        return Response.make(files.fixture(f"media/{name}.jpg"), "image/jpeg", cache_control="max-age=604800")

    @staticmethod
    def video(request: Request) -> Response:
        if request.path.endswith(".m3u8"):
            mp4 = request.url.replace("/pl/", "/vid/avc1/640x360/").replace(".m3u8", ".mp4")
            playlist = f"#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=832000,RESOLUTION=640x360\n{mp4}\n"
            return Response.make(playlist, "application/x-mpegURL")
        if request.path.endswith(".mp4"):
            return Response.make(files.mp4(request.path), "video/mp4", accept_ranges="bytes")
        return Response.not_found()

    def install(self, world: World) -> None:
        static = {
            "/embed/Tweet.html": ("Tweet.html", "text/html; charset=utf-8"),
            "/embed/embed.tweet.js": ("embed.tweet.js", "application/javascript; charset=utf-8"),
            "/widgets.js": ("widgets.js", "application/javascript; charset=utf-8"),
        }
        for path, (name, mime) in static.items():
            world.route(
                "platform.twitter.com", re.escape(path), _static((FIXTURES / name).read_bytes(), mime)
            )
        world.route("cdn.syndication.twimg.com", r"/tweet-result", self.syndication)
        for host in ("publish.twitter.com", "publish.x.com"):
            world.route(host, r"/oembed", self.oembed)
        world.route("pbs.twimg.com", r"/.+", self.image)
        world.route("video.twimg.com", r"/.+", self.video)
        world.route("t.co", r"/\w+", self.short_link)
        world.route("pic.twitter.com", r"/\w+", self.short_link)
        world.route("pic.x.com", r"/\w+", self.short_link)
        for host in ("twitter.com", "www.twitter.com", "mobile.twitter.com", "x.com", "www.x.com"):
            world.route(host, r"/.*", self.status_page)
