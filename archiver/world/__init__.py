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
- a small script-rendered embed view for Instagram, YouTube, TikTok, Facebook, Telegram,
  Bluesky, Mastodon, Threads, Reddit, Vimeo and LinkedIn, and their image hosts (see embeds.py),
  each rendering the element its platform module's render_selector waits for.

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
- `world.requests` (every request seen, with which client sent it) and `world.count(...)`.
"""

from __future__ import annotations

from archiver.world import embeds
from archiver.world.core import DISCONNECTED, HANG, Request, Response, World, WorldTransport, is_loopback
from archiver.world.twitter import TwitterWorld


class OfflineWorld(World):
    """The world with every platform's fixtures installed."""

    def __init__(self, *, hang_seconds: float = 60.0) -> None:
        super().__init__(hang_seconds=hang_seconds)
        embeds.install(self)
        self.twitter = TwitterWorld()
        self.twitter.install(self)


__all__ = [
    "DISCONNECTED",
    "HANG",
    "OfflineWorld",
    "Request",
    "Response",
    "TwitterWorld",
    "World",
    "WorldTransport",
    "is_loopback",
]
