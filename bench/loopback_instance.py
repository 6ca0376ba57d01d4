"""A Mastodon-like instance on 127.0.0.1 for the capture benchmark: every answer comes after a delay.

    with serve(posts=16, delay=0.3) as site:
        site.article_url        # a news page embedding every post (Mastodon's blockquote embed code)
        site.post_ids           # "127.0.0.1:PORT/@newsdesk/ID", as archiver.platforms.mastodon names them
        site.view_urls          # each post's embed view, http://127.0.0.1:PORT/@newsdesk/ID/embed

What it serves, each response held back `delay` seconds as a distant server would (so that
concurrent captures have network waits to overlap):

- /news/story.html: an article with a stylesheet, a photo and a blockquote.mastodon-embed per post;
- /@USER/ID/embed: the embed view, which loads a stylesheet and a script that renders the post
  (div.status: avatar, name, text, a photo) from the status JSON inlined in the page;
- /api/v1/statuses/ID: the status as Mastodon's API answers (shaped on the shipped fixture);
- /packs/embed.css, /packs/embed.js, /media/*.jpg: the assets.

It runs in a process of its own, a thread per connection so that the delays of concurrent
requests overlap, and speaks HTTP/1.1 with keep-alive as a real server does.
"""

from __future__ import annotations

import copy
import html
import http.server
import json
import multiprocessing
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from multiprocessing.connection import Connection
from typing import Any

from offline_world import files

USER = "newsdesk"
FIRST_ID = 113_507_250_183_436_100
STATUS_FIXTURE = "mastodon/status-117020583223442465.json"

_VIEW = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Post by @{user}</title>
<link rel="stylesheet" href="/packs/embed.css">
<script src="/packs/embed.js" defer></script>
</head>
<body class="embed">
<div id="mastodon" data-props="{props}"></div>
</body>
</html>
"""

_CSS = """body.embed { margin: 0; font: 15px/1.45 system-ui, sans-serif; color: #282c37; background: #fff; }
.status { max-width: 540px; padding: 16px; border: 1px solid #c0cdd9; border-radius: 8px; }
.status__header { display: flex; gap: 10px; align-items: center; margin-bottom: 10px; }
.status__header img { width: 46px; height: 46px; border-radius: 8px; }
.status__name strong { display: block; }
.status__content p { margin: 0 0 10px; }
.media-gallery img { width: 100%; border-radius: 6px; display: block; }
.status__meta { color: #606984; font-size: 13px; margin-top: 10px; }
"""

# Renders the post from the JSON the page carries, as Mastodon's embed view does with its own bundle.
_JS = """(function () {
  var root = document.getElementById("mastodon");
  var s = JSON.parse(root.getAttribute("data-props"));
  var el = function (tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  };
  var status = el("div", "status detailed-status");
  var header = el("div", "status__header");
  var avatar = el("img"); avatar.src = s.account.avatar; avatar.alt = "";
  var name = el("div", "status__name");
  name.append(el("strong", "", s.account.display_name), el("span", "", "@" + s.account.acct));
  header.append(avatar, name);
  var content = el("div", "status__content");
  content.innerHTML = s.content;
  var gallery = el("div", "media-gallery");
  var loading = [];
  s.media_attachments.forEach(function (m) {
    if (m.type === "video") {  // a player that loads the whole file first, as Telegram's does
      var video = el("video"); video.muted = true; gallery.append(video);
      loading.push(fetch(m.url).then(function (r) { return r.blob(); })
        .then(function (b) { video.src = URL.createObjectURL(b); }));
      return;
    }
    var img = el("img"); img.src = m.url; img.alt = m.description || ""; gallery.append(img);
  });
  var meta = el("div", "status__meta", new Date(s.created_at).toUTCString() + " \\u00b7 " +
    s.favourites_count + " favourites");
  status.append(header, content, gallery, meta);
  Promise.all(loading).then(function () { root.append(status); });  // shown once its video is in
})();
"""

_ARTICLE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>What the town said about the flood</title>
<link rel="canonical" href="{url}">
<link rel="stylesheet" href="/packs/site.css">
</head>
<body>
<article>
<h1>What the town said about the flood</h1>
<p class="byline">By the newsdesk</p>
<img class="lead" src="/media/lead.jpg" alt="The river at its highest">
{body}
</article>
</body>
</html>
"""

_EMBED = """<p>Paragraph {n}: residents described the night the river rose, and the council answered.</p>
<blockquote class="mastodon-embed" data-embed-url="{view}" style="max-width: 540px;">
<a href="{post}" target="_blank">Post by @{user}@{host}</a> <div>View on Mastodon</div>
</blockquote>
"""


@cache
def _status_template() -> dict[str, Any]:
    value: dict[str, Any] = json.loads(files.fixture(STATUS_FIXTURE))
    return value


@dataclass(frozen=True)
class Instance:
    """The instance's pages and addresses, at `host` (127.0.0.1:PORT), with `posts` posts."""

    host: str
    posts: int

    @property
    def origin(self) -> str:
        return f"http://{self.host}"

    @property
    def sids(self) -> list[str]:
        return [str(FIRST_ID + n) for n in range(self.posts)]

    @property
    def post_ids(self) -> list[str]:
        return [f"{self.host}/@{USER}/{sid}" for sid in self.sids]

    @property
    def view_urls(self) -> list[str]:
        return [f"{self.origin}/@{USER}/{sid}/embed" for sid in self.sids]

    @property
    def article_url(self) -> str:
        return f"{self.origin}/news/story.html"

    def answer(self, path: str) -> tuple[int, str, bytes]:
        parts = path.strip("/").split("/")
        if path == "/news/story.html":
            return 200, "text/html; charset=utf-8", self.article().encode()
        if len(parts) == 3 and parts[0] == f"@{USER}" and parts[1] in self.sids and parts[2] == "embed":
            props = html.escape(json.dumps(self.status(parts[1])), quote=True)
            return 200, "text/html; charset=utf-8", _VIEW.format(user=USER, props=props).encode()
        if len(parts) == 4 and parts[:3] == ["api", "v1", "statuses"] and parts[3] in self.sids:
            return 200, "application/json; charset=utf-8", json.dumps(self.status(parts[3])).encode()
        if path in ("/packs/embed.css", "/packs/site.css"):
            return 200, "text/css; charset=utf-8", _CSS.encode()
        if path == "/packs/embed.js":
            return 200, "text/javascript; charset=utf-8", _JS.encode()
        if path == "/media/avatar.jpg":
            return 200, "image/jpeg", files.fixture("media/avatar.jpg")
        if path.startswith("/media/") and path.endswith(".jpg"):
            return 200, "image/jpeg", files.photo(path)
        return 404, "text/plain; charset=utf-8", b"Not Found"

    def article(self) -> str:
        body = "".join(
            _EMBED.format(n=n + 1, view=view, post=view.removesuffix("/embed"), user=USER, host=self.host)
            for n, view in enumerate(self.view_urls)
        )
        return _ARTICLE.format(url=self.article_url, body=body)

    def status(self, sid: str) -> dict[str, Any]:
        """The status `sid` in the API's shape: the fixture, re-addressed to this instance."""
        status = copy.deepcopy(_status_template())
        status["id"] = sid
        status["url"] = f"{self.origin}/@{USER}/{sid}"
        status["uri"] = f"{self.origin}/users/{USER}/statuses/{sid}"
        status["content"] = (
            f"<p>Post {html.escape(sid)}: the water reached the bridge at midnight; "
            "the council opened the school hall for anyone who had to leave.</p>"
        )
        account = status["account"]
        account.update(username=USER, acct=USER, display_name="The Newsdesk")
        account["avatar"] = account["avatar_static"] = f"{self.origin}/media/avatar.jpg"
        status["media_attachments"] = [
            {
                "id": sid,
                "type": "image",
                "url": f"{self.origin}/media/{sid}.jpg",
                "preview_url": f"{self.origin}/media/{sid}-small.jpg",
                "description": "The bridge under water",
            }
        ]
        return status


def _handler(instance: Instance, delay: float) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            time.sleep(delay)
            status, content_type, body = instance.answer(self.path.split("?", 1)[0])
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a page closed mid-answer is no error
            super().handle_error(request, client_address)


def _serve(posts: int, delay: float, started: Connection) -> None:
    """The server process: bind a free port, say which, answer until terminated."""
    server = _Server(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
    instance = Instance(f"127.0.0.1:{server.server_address[1]}", posts)
    server.RequestHandlerClass = _handler(instance, delay)
    started.send(instance.host)
    server.serve_forever()


@contextmanager
def serve(posts: int, delay: float) -> Iterator[Instance]:
    """The instance, served from a process of its own (not this one's interpreter and GIL, as a
    distant server would not be) for as long as the `with` lasts."""
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_serve, args=(posts, delay, send), daemon=True)
    process.start()
    try:
        if not receive.poll(30):
            raise RuntimeError("the loopback instance did not start")
        yield Instance(receive.recv(), posts)
    finally:
        process.terminate()
        process.join()
