"""Logins on the HTTP side: the storage states' cookies reach the HTTP clients (each cookie only
its own domain), Meta's oEmbed endpoints get the access token; neither is ever logged, put in
an error message, handed back in a URL or written to a WARC."""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from archiver.capture.warc import Exchange, write_warc
from archiver.cookies import client_jar, cookie_jar
from archiver.credentials import Credentials, needs_meta_token
from archiver.errors import ArchiverError, MissingCredential, SettingsError
from archiver.fetch import fetch_article, make_async_client, make_client
from archiver.guard import GuardTransport
from archiver.settings import Settings

X_SECRET = "x-secret-4711"
IG_SECRET = "ig-secret-0815"
TOKEN = "123|meta-token-secret-42"
SECRETS = (X_SECRET, IG_SECRET, TOKEN, "default-secret-1")


def state(path: Path, *cookies: tuple[str, str, str]) -> Path:
    """A storage-state file of (domain, name, value) cookies."""
    items = [
        {"name": name, "value": value, "domain": domain, "path": "/", "expires": -1, "httpOnly": True,
         "secure": True, "sameSite": "None"}
        for domain, name, value in cookies
    ]  # fmt: skip
    path.write_text(json.dumps({"cookies": items, "origins": []}))
    return path


@pytest.fixture
def logins(tmp_path: Path) -> Settings:
    default = state(tmp_path / "all.json", (".x.com", "auth_token", "default-secret-1"))
    x = state(tmp_path / "x.json", (".x.com", "auth_token", X_SECRET))
    ig = state(tmp_path / "ig.json", (".instagram.com", "sessionid", IG_SECRET))
    # The platform's own state is named before the default one: it must still win.
    return Settings(storage_state=f"twitter={x},instagram={ig},{default}", meta_access_token=TOKEN)


class Seen:
    """A MockTransport handler that records each request and answers 200 (or what `answer` says)."""

    def __init__(self, answer: dict[str, httpx.Response] | None = None) -> None:
        self.requests: list[httpx.Request] = []
        self.answer = answer or {}

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.answer.get(request.url.host, httpx.Response(200, text="{}"))

    def cookie(self, host: str) -> list[str]:
        return [r.headers.get("cookie", "") for r in self.requests if r.url.host == host]


def get_all(settings: Settings, handler: Seen, urls: list[str]) -> list[httpx.Response]:
    async def run() -> list[httpx.Response]:
        async with make_async_client(settings, httpx.MockTransport(handler)) as client:
            return [await client.get(url) for url in urls]

    return asyncio.run(run())


def test_each_cookie_goes_to_its_own_domain_only(logins: Settings) -> None:
    seen = Seen()
    responses = get_all(
        logins,
        seen,
        [
            "https://cdn.x.com/i/status/20",
            "https://www.instagram.com/p/BsOGulcndj-/embed/",
            "https://news.example/story",
            "http://x.com/plain-http",  # a secure cookie never goes over plain http
        ],
    )
    assert seen.cookie("cdn.x.com") == [f"auth_token={X_SECRET}"]  # the platform's own, not the default's
    assert seen.cookie("www.instagram.com") == [f"sessionid={IG_SECRET}"]
    assert seen.cookie("news.example") == [""]
    assert seen.cookie("x.com") == [""]
    # The cookies ride on the copy sent: the request the caller holds afterwards has none.
    assert [r.request.headers.get("cookie") for r in responses] == [None] * 4


def test_a_host_only_cookie_goes_to_its_host_only(tmp_path: Path) -> None:
    # Playwright writes a cookie set without a Domain attribute with its host, no leading dot.
    only = state(tmp_path / "s.json", ("instagram.com", "sessionid", IG_SECRET), (".x.com", "ct0", X_SECRET))
    seen = Seen()
    get_all(
        Settings(storage_state=str(only)),
        seen,
        ["https://instagram.com/p/1/", "https://www.instagram.com/p/1/", "https://api.x.com/1"],
    )
    assert seen.cookie("instagram.com") == [f"sessionid={IG_SECRET}"]
    assert seen.cookie("www.instagram.com") == [""]
    assert seen.cookie("api.x.com") == [f"ct0={X_SECRET}"]  # a domain cookie reaches subdomains


def test_a_platforms_jar_for_yt_dlp_holds_its_state_or_the_default(logins: Settings) -> None:
    assert [(c.domain, c.value) for c in cookie_jar(logins, "twitter")] == [(".x.com", X_SECRET)]
    assert [c.value for c in cookie_jar(logins, "youtube")] == ["default-secret-1"]
    assert sorted(c.value for c in client_jar(logins)) == sorted([X_SECRET, IG_SECRET])
    assert list(cookie_jar(Settings())) == []


def test_cookies_servers_set_do_not_ride_on_later_requests_of_the_shared_client(logins: Settings) -> None:
    set_by_meta = httpx.Response(200, headers={"set-cookie": "fr=meta-answer; Domain=.facebook.com; Path=/"})
    seen = Seen({"graph.facebook.com": set_by_meta})
    get_all(
        logins,
        seen,
        [
            "https://graph.facebook.com/v19.0/instagram_oembed?url=https://www.instagram.com/p/BsOGulcndj-/",
            "https://graph.facebook.com/v19.0/oembed_post?url=https://www.facebook.com/20531316728/posts/1",
        ],
    )
    assert seen.cookie("graph.facebook.com") == ["", ""]


def test_the_article_client_keeps_a_cookie_across_its_own_redirects(logins: Settings, tmp_path: Path) -> None:
    sent: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request.headers.get("cookie", ""))
        if request.url.path == "/gate":
            return httpx.Response(302, headers={"location": "/story", "set-cookie": "seen=1; Path=/"})
        ok = "seen=1" in request.headers.get("cookie", "")
        return httpx.Response(200 if ok else 403, headers={"content-type": "text/html"}, text="<p>ok</p>")

    news = state(tmp_path / "news.json", (".news.example", "member", "m-1"), (".news.example", "seen", "0"))
    settings = replace(logins, storage_state=f"{logins.storage_state},news={news}")
    with make_client(settings, httpx.MockTransport(handler)) as client:
        assert fetch_article(client, "https://news.example/gate", settings).status == 200
    # The login's own "seen" gives way to the one the site set; no name is sent twice.
    assert sent == ["member=m-1; seen=0", "seen=1; member=m-1"]


def test_the_meta_token_is_sent_to_metas_oembed_and_nowhere_else(logins: Settings) -> None:
    seen = Seen()
    oembed = "https://graph.facebook.com/v19.0/instagram_oembed?url=https://www.instagram.com/p/BsOGulcndj-/"
    responses = get_all(
        logins,
        seen,
        [oembed, "https://graph.threads.net/v1.0/oembed?url=u", "https://graph.facebook.com/v19.0/me"],
    )
    tokens = [r.url.params.get("access_token") for r in seen.requests]
    assert tokens == [TOKEN, TOKEN, None]
    assert seen.requests[0].url.params["url"] == "https://www.instagram.com/p/BsOGulcndj-/"
    # What the caller holds afterwards (response.url, response.request) never carries it.
    assert str(responses[0].url) == oembed
    assert all(TOKEN not in str(r.url) and TOKEN not in str(r.request.url) for r in responses)


@pytest.mark.parametrize(
    ("url", "needs"),
    [
        ("https://graph.facebook.com/v19.0/instagram_oembed?url=x", True),
        ("https://graph.facebook.com/oembed_post", True),
        ("https://graph.facebook.com/v8.0/oembed_video/", True),
        ("https://graph.facebook.com/v19.0/oembed_page?url=x", True),
        ("https://graph.threads.net/v1.0/oembed?url=x", True),
        ("https://graph.threads.net/oembed", True),
        ("https://graph.facebook.com/v19.0/me", False),
        ("https://www.facebook.com/plugins/post/oembed.json/", False),
        ("https://graph.facebook.com.evil.example/v19.0/instagram_oembed", False),
        ("http://graph.facebook.com/v19.0/instagram_oembed", False),
        ("https://api.instagram.com/oembed", False),
    ],
)
def test_which_requests_take_the_meta_token(url: str, needs: bool) -> None:
    assert needs_meta_token(url) is needs


def test_without_a_token_metas_oembed_is_not_sent_at_all() -> None:
    seen = Seen()
    with pytest.raises(MissingCredential, match="meta_access_token"):
        get_all(Settings(), seen, ["https://graph.facebook.com/v19.0/oembed_post?url=u"])
    assert seen.requests == []
    get_all(Settings(), seen, ["https://www.youtube.com/oembed?url=u"])  # the rest goes on as before
    assert len(seen.requests) == 1


def test_the_credentials_sit_behind_the_guard_on_the_real_networks_client(logins: Settings) -> None:
    settings = replace(logins, proxy="http://127.0.0.1:9")
    with make_client(settings) as client:
        transports = [client._transport, *(t for t in client._mounts.values() if t is not None)]
        for transport in transports:
            assert isinstance(transport, GuardTransport)  # the guard checks the URL without it
            assert isinstance(transport.inner, Credentials)
            assert not [s for s in SECRETS if s in repr(transport.inner)]


def test_secrets_are_never_logged_nor_in_an_error(logins: Settings, caplog: pytest.LogCaptureFixture) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("oembed_video"):
            raise httpx.ConnectError("connection reset", request=request)
        if request.url.host == "cdn.x.com":
            return httpx.Response(500, headers={"set-cookie": f"echo={X_SECRET}"})
        return httpx.Response(200, text="{}")

    errors: list[str] = []

    async def run() -> None:
        async with make_async_client(logins, httpx.MockTransport(handler)) as client:
            for url in (
                "https://graph.facebook.com/v19.0/oembed_video?url=u",
                "https://cdn.x.com/i/status/20",
                "https://www.instagram.com/p/BsOGulcndj-/",
            ):
                try:
                    (await client.get(url)).raise_for_status()
                except httpx.HTTPError as exc:
                    errors.append(f"{exc} {exc.request.url!s} {exc!r}")

    with caplog.at_level(logging.DEBUG):
        logging.getLogger().setLevel(logging.DEBUG)
        asyncio.run(run())
        with (
            make_client(logins, httpx.MockTransport(handler)) as client,
            pytest.raises(ArchiverError) as caught,
        ):
            fetch_article(client, "https://cdn.x.com/i/status/20", logins)
        errors.append(str(caught.value))
    assert len(errors) == 3
    assert caplog.records  # httpx did log its requests
    logged = caplog.text + "".join(errors)
    assert not [s for s in SECRETS if s in logged]


def test_a_storage_state_changed_since_is_one_line_without_its_content(tmp_path: Path) -> None:
    path = state(tmp_path / "s.json", (".x.com", "auth_token", X_SECRET))
    settings = Settings(storage_state=str(path))
    path.write_text('{"cookies": [' + X_SECRET)
    with pytest.raises(SettingsError) as caught:
        make_async_client(settings, httpx.MockTransport(Seen()))
    assert str(caught.value) == f"storage state {path} cannot be read: not JSON"


def test_a_warc_request_record_never_carries_credentials() -> None:
    exchange = Exchange(
        url="https://x.com/i/status/20",
        method="GET",
        status=200,
        body=b"ok",
        request_headers=[
            ("Cookie", f"auth_token={X_SECRET}"),
            ("authorization", f"Bearer {TOKEN}"),
            ("Proxy-Authorization", "Basic c2VjcmV0"),
            ("Accept", "text/html"),
        ],
    )
    warc = write_warc([exchange], software="test")
    assert b"Accept: text/html" in warc
    assert not [s for s in (X_SECRET, TOKEN, "c2VjcmV0") if s.encode() in warc]


@pytest.mark.browser
def test_nothing_of_the_logins_or_the_token_is_stored(tmp_path: Path, browser_path: str) -> None:
    """An article embedding X, Instagram, Facebook and Threads posts, archived through the
    offline world with a login for X and one for Meta's sites, and a Meta token: not a byte of
    them in the archive (database, blobs: WARCs, raw data, DOM, MHTML)."""
    from archiver.flows.archive import archive_sources
    from offline_world import OfflineWorld
    from storage import Store

    posts = [
        ("twitter-tweet", "https://twitter.com/AggregateOsint/status/1821185274147889728"),
        ("instagram-media", "https://www.instagram.com/p/BsOGulcndj-/"),
        ("fb-post", "https://www.facebook.com/20531316728/posts/10154009990506729/"),
        ("text-post-media", "https://www.threads.com/@meta/post/DDzbnVKx57R"),
    ]
    article = tmp_path / "article.html"
    article.write_text(
        "<html><body><p>Logged in.</p>"
        + "".join(f'<blockquote class="{c}"><a href="{u}">{u}</a></blockquote>' for c, u in posts)
        + "</body></html>"
    )
    x = state(tmp_path / "x.json", (".twitter.com", "auth_token", X_SECRET), (".x.com", "ct0", X_SECRET))
    meta = state(
        tmp_path / "meta.json",
        (".instagram.com", "sessionid", IG_SECRET),
        (".facebook.com", "xs", IG_SECRET),
        (".threads.com", "sessionid", IG_SECRET),
    )
    home = tmp_path / "home"
    settings = Settings(
        home=home, browser=browser_path, page_timeout=8, capture_timeout=30, host_delay=0, concurrency=4,
        storage_state=f"twitter={x},{meta}", meta_access_token=TOKEN,
    )  # fmt: skip
    world = OfflineWorld()
    with Store.open(home) as store:
        results = asyncio.run(archive_sources([str(article)], settings, store, network=world.network()))
    assert [p.platform for p in results[0].posts] == ["twitter", "instagram", "facebook", "threads"]
    sent = [r.headers.get("cookie", "") for r in world.requests]
    assert any(X_SECRET in c for c in sent) and any(IG_SECRET in c for c in sent)  # the logins were used
    assert any(r.query.get("access_token") == TOKEN for r in world.requests if r.host == "graph.facebook.com")
    leaks = [
        str(path.relative_to(home))
        for path in home.rglob("*")
        if path.is_file() and any(s.encode() in path.read_bytes() for s in (X_SECRET, IG_SECRET, TOKEN))
    ]
    assert leaks == []
