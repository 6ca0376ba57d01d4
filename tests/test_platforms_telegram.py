"""Telegram: channel/ID ids, the widget script and its iframe, and the widget HTML as data."""

from __future__ import annotations

import httpx
import pytest
from platforms_support import fetch, fixture, found, status

from archiver.discovery.find import find_embeds
from archiver.errors import CaptureError, PostGone
from archiver.platforms import telegram

POST = "topwar_official/70991"
MESSAGE = "telegram/message-topwar_official-70991.html"


def widget_page(inner: bytes | str) -> bytes:
    """The ?embed=1 page around one message block, as t.me serves it."""
    body = inner.decode() if isinstance(inner, bytes) else inner
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Telegram Widget</title></head>'
        f'<body class="body_widget_post emoji_image">{body}</body></html>'
    ).encode()


def test_ids():
    match = telegram.PLATFORM.match
    assert match("https://t.me/durov/43") == "durov/43"
    assert match("https://t.me/s/Durov/43") == "durov/43"
    assert match("https://telegram.me/durov/43?single") == "durov/43"
    assert telegram.PLATFORM.post_id("Durov/43") == "durov/43"  # data-telegram-post
    assert telegram.PLATFORM.view_url("durov/43") == "https://t.me/durov/43?embed=1"


@pytest.mark.parametrize(
    "url",
    [
        "https://t.me/durov",
        "https://t.me/s/Minuto30",
        "https://t.me/share/url?url=https://example.com/a",
        "https://t.me/joinchat/AAAAAEkk2WdoDrB4-Q8-gg",
        "https://t.me/c/1234567890/55",  # a private chat's message: no public post
        "https://t.me/addstickers/Animals",
    ],
)
def test_not_posts(url):
    assert telegram.PLATFORM.match(url) is None


def test_live_post_from_widget_html():
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.host == "t.me" and request.url.path == "/topwar_official/70991"
        assert request.url.params["embed"] == "1" and request.url.params["mode"] == "tme"
        return httpx.Response(200, content=widget_page(fixture(MESSAGE)))

    data, _ = fetch(telegram.PLATFORM, POST, handler)
    assert data.author_name == "Военное обозрение"
    assert data.author_handle == "topwar_official"
    assert data.created_at == "2023-02-28T08:48:01+00:00"
    assert data.text is not None
    assert data.text.startswith(
        "Неопознанный летающий объект замечен в 160 – 200 км от Петербурга\n\nПо данным"
    )
    assert data.counts == {"views": 33400}
    assert data.raw == widget_page(fixture(MESSAGE))


def test_media_reply_and_edits():
    inner = """
    <div class="tgme_widget_message js-widget_message" data-post="nexta_live/12345">
      <div class="tgme_widget_message_author"><a class="tgme_widget_message_owner_name"
        href="https://t.me/nexta_live"><span dir="auto">NEXTA Live</span></a></div>
      <a class="tgme_widget_message_reply" href="https://t.me/nexta_live/12340">
        <div class="tgme_widget_message_text js-message_text">the message replied to</div></a>
      <div class="tgme_widget_message_forwarded_from">Forwarded from
        <a class="tgme_widget_message_forwarded_from_name" href="https://t.me/other">Other channel</a></div>
      <a class="tgme_widget_message_photo_wrap" href="https://t.me/nexta_live/12345?single"
        style="width:800px;background-image:url('https://cdn4.telegram-cdn.org/file/photo.jpg')"></a>
      <a class="tgme_widget_message_video_player" href="https://t.me/nexta_live/12345?single">
        <i class="tgme_widget_message_video_thumb"
          style="background-image:url('https://cdn4.telegram-cdn.org/file/thumb.jpg')"></i>
        <div class="tgme_widget_message_video_wrap">
          <video src="https://cdn4.telegram-cdn.org/file/video.mp4" class="tgme_widget_message_video"></video>
        </div></a>
      <div class="tgme_widget_message_text js-message_text" dir="auto">Own <b>text</b><br>second line</div>
      <div class="tgme_widget_message_footer"><span class="tgme_widget_message_views">1.2M</span>
        <span class="tgme_widget_message_meta">edited <a class="tgme_widget_message_date"
          href="https://t.me/nexta_live/12345"><time datetime="2024-08-07T10:00:00+00:00">10:00</time></a>
        </span>
      </div>
    </div>"""
    data, _ = fetch(
        telegram.PLATFORM, "nexta_live/12345", lambda r: httpx.Response(200, content=widget_page(inner))
    )
    assert data.text == "Own text\nsecond line"
    assert data.media == [
        {"url": "https://cdn4.telegram-cdn.org/file/photo.jpg", "type": "photo", "alt": None},
        {
            "url": "https://cdn4.telegram-cdn.org/file/video.mp4",
            "type": "video",
            "alt": None,
            "preview": "https://cdn4.telegram-cdn.org/file/thumb.jpg",
        },
    ]
    assert data.counts == {"views": 1_200_000}
    assert data.extra == {"edited": True, "forwarded_from": "Other channel"}


def test_sparse_message_degrades():
    inner = '<div class="tgme_widget_message" data-post="durov/43"></div>'
    data, _ = fetch(telegram.PLATFORM, "durov/43", lambda r: httpx.Response(200, content=widget_page(inner)))
    assert (data.author_name, data.text, data.created_at, data.media, data.counts) == (
        None,
        None,
        None,
        [],
        {},
    )
    assert data.author_handle == "durov"


@pytest.mark.parametrize(
    ("message", "expected"),
    [("Post not found", "deleted"), ("Channel is private", "protected"), ("Something odd", "unavailable")],
)
def test_widget_error_box(message, expected):
    page = widget_page(f'<div class="tgme_widget_message_error">{message}</div>')
    with pytest.raises(PostGone) as gone:
        fetch(telegram.PLATFORM, "durov/43", lambda r: httpx.Response(200, content=page))
    assert gone.value.status == expected


def test_a_page_that_is_no_widget_is_an_error_not_a_status():
    with pytest.raises(CaptureError) as error:
        fetch(
            telegram.PLATFORM,
            "durov/43",
            lambda r: httpx.Response(200, content=b"<html><body>hi</body></html>"),
        )
    assert not isinstance(error.value, PostGone)


@pytest.mark.parametrize("code", [429, 502])
def test_rate_limit_is_not_a_status(code):
    with pytest.raises(httpx.HTTPStatusError):
        fetch(telegram.PLATFORM, "durov/43", status(code))


def test_detect_widget_script_and_its_iframe():
    page = (
        '<p>One.</p><script async src="https://telegram.org/js/telegram-widget.js?22" '
        'data-telegram-post="durov/43" data-width="100%"></script>'
        '<p>Two.</p><iframe id="telegram-post-nexta_live-12345" src="https://t.me/nexta_live/12345?embed=1" '
        'width="100%" frameborder="0" scrolling="no"></iframe>'
    )
    assert found(find_embeds(page.encode()), "telegram") == [
        ("durov/43", "widget"),
        ("nexta_live/12345", "iframe"),
    ]


def test_channel_links_share_buttons_and_discussions_are_not_embeds():
    page = (
        '<a href="https://t.me/s/Minuto30">Telegram</a>'
        '<a href="https://t.me/share/url?url=https%3A%2F%2Fexample.com%2Fa">Share</a>'
        '<script async src="https://telegram.org/js/telegram-widget.js?22" '
        'data-telegram-discussion="durov/43" data-comments-limit="5"></script>'
    )
    assert found(find_embeds(page.encode(), links=True), "telegram") == []
