"""The offline world: fixture answers for the platforms' real hostnames, for tests and the demo.

Nothing here reaches the internet. One table of routes answers both clients:

- the HTTP client, through `world.transport()`: an `httpx.MockTransport` subclass that works
  for `httpx.Client` and `httpx.AsyncClient` alike;
- the browser, through `await world.install(context)`: a Playwright `BrowserContext.route`
  handler for every URL.

Production code is unchanged: whatever does I/O takes an httpx transport (or client) and a
route installer as optional arguments, None meaning the real network. With the world:

    world = OfflineWorld()
    client = httpx.AsyncClient(transport=world.transport())
    async with Capturer(settings, client, install_routes=world.install) as capturer:
        ...

What it serves, over https, on the real hosts:

- platform.twitter.com: the embed view `/embed/Tweet.html?id=ID`, whose script fetches the
  tweet from the syndication CDN with the widget's token and renders an `<article>` (author,
  text, photos from pbs.twimg.com, video poster); a tombstone box when the tweet is gone;
  `/widgets.js`, which turns `blockquote.twitter-tweet` into those iframes;
- cdn.syndication.twimg.com `/tweet-result?id=&token=`: the tweet's JSON (fixtures shaped on
  the real answer, in fixtures/twitter/), a TweetTombstone, `{}`, 404 for unknown ids, 400 for
  a wrong token;
- pbs.twimg.com (JPEG/PNG images), video.twimg.com (small MP4s, HLS playlists), t.co,
  pic.twitter.com (redirects from the fixtures' own short links), publish.twitter.com oEmbed,
  twitter.com/x.com status pages;
- for every other platform, a small script-rendered embed view and its image host (see
  embeds.py), drawn as the platform module declares it (`stand_in`: see StandIn in
  archiver/platforms/base.py), or as the world derives it from the module's declaration when it
  declares none; each renders the element its platform module's render_selector waits for;
- Instagram's, Threads' and Facebook's embed views as Meta renders them on its server (real
  pages with the post written in, or the module's `stand_in.gone` markup), their oEmbed
  endpoints on graph.facebook.com and graph.threads.net, and Meta's CDNs (see meta.py);
- every data endpoint a platform's `fetch_data` asks, answering for ANY post id (see data.py),
  so that fetch_data comes back live. The platforms the world emulates closely get a fixture
  shaped on the real answer, the post's id, URL and author written in: oEmbed on
  www.youtube.com, vimeo.com and www.tiktok.com; Bluesky's public.api.bsky.app getPostThread,
  resolveHandle and getProfile; Mastodon's /api/v1/statuses/ID and /api/v1/accounts/lookup on
  every well-known instance (their embed views too); Telegram's t.me/CHANNEL/ID?embed=1 widget
  (which is also its embed view); Reddit's /comments/THREAD/.json listing (?comment=ID) and
  its oEmbed. Any other platform is answered as its module declares (`stand_in.data`: see
  StandInData).

The platforms are the registry's (`archiver.platforms.PLATFORMS`) as it is when the world is
made, or those given: `OfflineWorld(platforms=(*PLATFORMS, mine))`. A platform module is all
the world needs to stand in for a new platform.

Any other host fails at once like a dead network: `httpx.ConnectError` for the HTTP client,
`route.abort("internetdisconnected")` in the browser. Loopback URLs (127.0.0.1, localhost)
pass through to the real network, so tests and benchmarks can serve local pages.

Per test, the table can be changed:

- `world.add(url, Response(...))` or `world.add(url, handler)`: answer one URL (a URL without a
  query answers any query); a handler gets the `Request` and may do anything (count, raise,
  return a different answer each time);
- `world.route(host, path_regex, handler)`: answer a whole host or path family;
- `world.hang(url)`: never answer (the HTTP client gets ReadTimeout after its own read timeout;
  the browser waits `hang_seconds` before the request is aborted);
- `world.disconnect(url)`: fail like an unreachable host;
- `world.twitter.tombstone(id, text)`, `.empty(id)`, `.remove(id)`, `.add_tweet(answer)`;
- `world.data.gone(platform, post_id, status="deleted")`: the platform answers that the post is
  gone, the way it really says so (`world.data.statuses(platform)` lists the statuses it can
  say and how: for a platform emulated closely, `data.GONE`: a 404 from oEmbed, a 403
  "Forbidden" for a private YouTube video, Mastodon's 404 with its account lookup saying
  suspended, Bluesky's NotFound with getProfile's AccountTakedown, Telegram's widget error box,
  Reddit's [deleted]/[removed] shell or a private subreddit's 403; for any other, the answers
  its module declares; for a platform with no data endpoint, its embed view alone says it: the
  statuses of its view_states, drawn as its stand-in's `gone` markup); "suspended" (and
  Bluesky's "unavailable", a deactivated account) take the author's whole account, as they do
  on the platform;
- `world.data.edit(platform, post_id, text=...)`: the post now says `text`, marked edited where
  the platform marks edits (Mastodon's edited_at, Reddit's edited, Telegram's "edited");
- `world.data.live(platform, post_id)`: back to the fixture's (or declared) live answer.
  `post_id` is the platform's id or any of its post URLs. The embed views follow: they show the
  edited text, and a "not available" box for a post that is gone. Mastodon's API names a status by its number
  alone: its author is fixed the first time the world hears of it, as the user in the post id
  given to one of these calls, else (its data asked first) the fixture's account;
- `world.requests` (every request seen, with which client sent it) and `world.count(...)`.
"""

from __future__ import annotations

from collections.abc import Iterable

from archiver import platforms as registry
from archiver.capture.politeness import is_loopback
from archiver.flows.kit import Network
from archiver.platforms.base import Platform
from offline_world import embeds, meta
from offline_world.core import DISCONNECTED, HANG, Request, Response, World, WorldTransport
from offline_world.data import DataWorld
from offline_world.twitter import TwitterWorld


class OfflineWorld(World):
    """The world with every platform's fixtures installed."""

    def network(self) -> Network:
        """The world as the flows' Network: both HTTP clients and the browser talk to it."""
        return Network(self.transport(), self.install)

    def __init__(self, *, hang_seconds: float = 60.0, platforms: Iterable[Platform] | None = None) -> None:
        """`platforms`: those the world stands in for; by default the registry's, read now."""
        super().__init__(hang_seconds=hang_seconds)
        self.platforms = tuple(registry.PLATFORMS if platforms is None else platforms)
        self.data = DataWorld(self.platforms)
        self.twitter = TwitterWorld()
        embeds.install(self, self.platforms, self.data.describe, skip=(TwitterWorld.platform,))
        self.twitter.install(self)
        self.data.install(self)  # after the embed views: a data path on a view host wins
        meta.install(self, self.platforms, self.data.describe)  # Meta's server-rendered views


__all__ = [
    "DISCONNECTED",
    "HANG",
    "DataWorld",
    "OfflineWorld",
    "Request",
    "Response",
    "TwitterWorld",
    "World",
    "WorldTransport",
    "is_loopback",
]
