"""What the HTTP clients send on the user's behalf, added as each request leaves: the login
cookies (cookies.py) and Meta's access token.

`Credentials` is every client's innermost transport (fetch.make_client / make_async_client put
it behind the network guard, just in front of the sending). It sends a copy of each request
with them added, so the request the client holds, logs ("HTTP Request: GET ..."), checks with
the guard and hands back with the response (response.request, response.url), and the request
of an error, never carries them:

- the login cookies a browser would send to that URL (each under its own domain and path; a
  host-only cookie to its host only; a secure one over https only), after the cookies the
  client itself keeps, whose names they do not repeat;
- for Meta's oEmbed endpoints (needs_meta_token), `access_token` in the query; without a token
  such a request is not sent at all: MissingCredential, and the caller reads the post another
  way.
"""

from __future__ import annotations

import urllib.request
from http.cookiejar import CookieJar
from typing import Any

import httpx

from archiver.errors import MissingCredential

# Meta's oEmbed endpoints, which take an access token (any Graph API version before the name).
META_TOKEN_HOSTS = {
    "graph.facebook.com": ("instagram_oembed", "oembed_post", "oembed_video", "oembed_page"),
    "graph.threads.net": ("oembed",),
}


def needs_meta_token(url: httpx.URL | str) -> bool:
    """Whether `url` is one of Meta's oEmbed endpoints (over https), which get the token."""
    url = httpx.URL(url) if isinstance(url, str) else url
    endpoints = META_TOKEN_HOSTS.get(url.host.lower().rstrip("."), ())
    return url.scheme == "https" and url.path.rstrip("/").rsplit("/", 1)[-1] in endpoints


class Credentials(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Sends each request through `inner` with the logins of `jar` and, to Meta's oEmbed,
    `token` added (see the module docstring)."""

    def __init__(self, inner: Any, jar: CookieJar, token: str | None) -> None:
        self.inner = inner
        self._jar = jar
        self._token = token

    def __repr__(self) -> str:  # no cookie, no token
        return f"Credentials({self.inner!r})"

    def _sent(self, request: httpx.Request) -> httpx.Request:
        """The request as it goes out: `request` itself when there is nothing to add."""
        token = needs_meta_token(request.url)
        if token and not self._token:
            raise MissingCredential(
                f"{request.url.host}{request.url.path} needs a Meta access token "
                "(setting meta_access_token); the request was not sent"
            )
        cookie = self._cookie_header(request)
        if not token and cookie is None:
            return request
        headers = request.headers.copy()
        if cookie is not None:
            headers["Cookie"] = cookie
        url = request.url.copy_merge_params({"access_token": self._token or ""}) if token else request.url
        return httpx.Request(
            request.method, url, headers=headers, stream=request.stream, extensions=request.extensions
        )

    def _cookie_header(self, request: httpx.Request) -> str | None:
        """The Cookie header with the logins for this URL added; None when it adds none."""
        if not len(self._jar):
            return None
        probe = urllib.request.Request(str(request.url))
        self._jar.add_cookie_header(probe)
        logins = probe.get_header("Cookie")
        if not logins:
            return None
        own = request.headers.get("cookie")
        if not own:
            return logins
        names = {part.split("=", 1)[0].strip() for part in own.split(";")}
        added = [part for part in logins.split("; ") if part.split("=", 1)[0] not in names]
        return "; ".join([own, *added]) if added else None

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        sent = self._sent(request)
        try:
            response: httpx.Response = self.inner.handle_request(sent)
        except httpx.RequestError as exc:
            exc.request = request  # the request as the client holds it, without the credentials
            raise
        return response

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        sent = self._sent(request)
        try:
            response: httpx.Response = await self.inner.handle_async_request(sent)
        except httpx.RequestError as exc:
            exc.request = request
            raise
        return response

    def close(self) -> None:
        self.inner.close()

    async def aclose(self) -> None:
        await self.inner.aclose()
