"""Reading what comes in: encodings, HTML or text, size caps, and garbage that must not crash."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archiver.discovery.find import find_embeds
from archiver.errors import InputError
from archiver.models import Embed

TWEET = (
    '<blockquote class="twitter-tweet"><p>{text}</p>&mdash; {name} (@handle) '
    '<a href="https://twitter.com/handle/status/1234567890123">{date}</a></blockquote>'
)


def html_page(charset: str, text: str, name: str, date: str) -> str:
    body = TWEET.format(text=text, name=name, date=date)
    return f'<html><head><meta charset="{charset}"><title>t</title></head><body>{body}</body></html>'


@pytest.mark.parametrize(
    ("charset", "text", "name", "date"),
    [
        ("EUC-JP", "日本語のツイート", "高木浩光", "2019年1月26日"),
        ("Shift_JIS", "テスト", "名前", "2019年1月26日"),
        ("windows-1251", "Привет", "Имя", "16 мая 2018 г."),
        ("iso-8859-1", "Grüße aus Köln", "Jürgen", "7. März 2024"),
        ("gb2312", "你好", "名字", "2024年8月7日"),
    ],
)
def test_legacy_charsets_declared_in_meta(charset: str, text: str, name: str, date: str):
    body = html_page(charset, text, name, date).encode(codecs.lookup(charset).name)
    [tweet] = find_embeds(body)
    assert (tweet.post_id, tweet.author_name, tweet.date_text) == ("1234567890123", name, date)
    assert tweet.text == text


def test_charset_from_the_content_type_and_utf16_with_bom():
    page = html_page("x-unknown", "Grüße", "Jürgen", "7. März 2024")
    [tweet] = find_embeds(page.encode("cp1252"), content_type="text/html; charset=windows-1252")
    assert tweet.author_name == "Jürgen"
    [tweet] = find_embeds(codecs.BOM_UTF16_LE + page.encode("utf-16-le"))
    assert tweet.text == "Grüße"


def test_mislabelled_and_broken_utf8_still_reads():
    page = html_page("iso-8859-1", "Grüße", "Jürgen", "7. März 2024").encode("utf-8")
    [tweet] = find_embeds(page)  # really UTF-8 despite the label
    assert tweet.author_name == "Jürgen"
    # an article of UTF-8 text with a cut multi-byte character (the label lies: UTF-8 wins)
    article = "<p>Schöne Grüße aus Köln, München und Zürich.</p>" * 5
    broken = page.replace(b"<body>", f"<body>{article}".encode()).replace(
        "Grüße".encode(), "Grüß".encode()[:-1] + b"e", 1
    )
    assert find_embeds(broken)[0].author_name == "Jürgen"


def test_html_or_text_is_decided_by_content_not_by_type():
    tweet = TWEET.format(text="t", name="N", date="May 5, 2014")
    assert [e.post_id for e in find_embeds(tweet.encode(), content_type="text/plain")] == ["1234567890123"]
    flat = "Text pic.twitter.com/abcDEF1234 — N (@handle) May 5, 2014"
    assert [e.source for e in find_embeds(flat.encode(), content_type="text/html")] == ["text"]


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        (b"", None, "empty"),
        (b"   \n\t ", None, "empty"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", None, "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", None, "PNG"),
        (bytes(range(256)) * 20, None, "binary"),
        (b"<html></html>", "image/jpeg", "content type"),
        (b"{}", "application/json", "content type"),
    ],
)
def test_unreadable_input_is_an_input_error(body: bytes, content_type: str | None, message: str):
    with pytest.raises(InputError, match=message):
        find_embeds(body, content_type=content_type)


def test_input_is_capped():
    tweet = TWEET.format(text="t", name="N", date="May 5, 2014")
    body = ("<html><body>" + "<p>filler</p>" * 10_000 + tweet).encode()
    assert find_embeds(body)
    assert find_embeds(body, max_bytes=50_000) == []  # the tweet is past the cap


def test_deeply_nested_markup():
    tweet = TWEET.format(text="t", name="N", date="May 5, 2014")
    body = "<html><body>" + "<div>" * 50_000 + tweet + "</div>" * 50_000 + "</body></html>"
    assert isinstance(find_embeds(body.encode()), list)


def test_embeds_after_markup_nested_past_256_levels_are_found():
    """libxml2 stopped reading at 256 levels of nesting, losing the rest of the page."""
    tweet = TWEET.format(text="t", name="N", date="May 5, 2014")
    for depth in (300, 1500):
        body = "<html><body>" + "<div>" * depth + "</div>" * depth + tweet + "</body></html>"
        assert [e.post_id for e in find_embeds(body.encode())] == ["1234567890123"]
        unclosed = "<html><body>" + "<div>" * depth + tweet
        assert [e.post_id for e in find_embeds(unclosed.encode())] == ["1234567890123"]


def test_a_lone_surrogate_in_str_input_does_not_end_the_page():
    tweet = TWEET.format(text="t", name="N", date="May 5, 2014")
    assert [e.post_id for e in find_embeds("<html><body><p>\ud800</p>" + tweet)] == ["1234567890123"]


def test_relative_urls_resolve_against_the_base_or_the_canonical_link():
    frame = '<iframe src="/embed/x"></iframe><blockquote class="instagram-media" cite="/p/BNpLF8LD0GD/">'
    page = f'<html><head><link rel="canonical" href="https://www.instagram.com/news/"></head><body>{frame}</body></html>'
    assert [e.url for e in find_embeds(page.encode())] == ["https://www.instagram.com/p/BNpLF8LD0GD/"]
    [embed] = find_embeds(frame.encode(), base_url="https://instagram.com/")
    assert embed.post_id == "BNpLF8LD0GD"


EMBED_BITS = [
    TWEET.format(text="t", name="N", date="May 5, 2014"),
    '<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ"></iframe>',
    '<blockquote class="instagram-media" data-instgrm-permalink="https://www.instagram.com/p/BNpLF8LD0GD/">',
    '<div class="fb-post" data-href="https://www.facebook.com/20531316728/posts/10154009990506729/">',
    "<textarea>&lt;blockquote class=twitter-tweet&gt;",
    '<script type="application/json">{"a": "\\u003cblockquote class=\\"twitter-tweet\\"',
    "<noscript><iframe src='//player.vimeo.com/video/76979871'>",
    "pic.twitter.com/abcDEF1234 — N (@h) May 5, 2014",
    '<div data-embed-url="https://twitter.com/jack/status/20">',
    "<",
    ">",
    "&",
    '"',
    "'",
    "</",
    "<!--",
    "-->",
    "<![CDATA[",
    "<?xml version='1.0' encoding='utf-8'?>",
    "<html>",
    "<body>",
    "</blockquote>",
    "</div>",
    "<p>",
    "\x00",
    "\ufeff",
    "\u202e",
]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(EMBED_BITS), st.text(max_size=40)), max_size=30))
def test_mangled_html_never_crashes(parts: list[str]):
    markup = "".join(parts)
    try:
        found = find_embeds(markup.encode("utf-8", "surrogatepass"))
    except InputError:
        return
    assert all(e.url and e.source in ("blockquote", "iframe", "widget", "text") for e in found)
    assert len({e.key for e in found}) == len(found)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes_never_crash(data: bytes):
    try:
        found = find_embeds(data, links=True)
    except InputError:
        return
    assert isinstance(found, list)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=600), st.sampled_from(EMBED_BITS[:4]))
def test_an_embed_survives_garbage_before_it(garbage: bytes, embed: str):
    clean = garbage.replace(b"<", b"").replace(b"&", b"").replace(b"\x00", b"")
    body = b"<html><body><p>" + clean + b"</p>" + embed.encode() + b"</body></html>"
    try:
        found = find_embeds(body)
    except InputError:
        return
    assert found


def _found(body: bytes, **options: object) -> list[Embed]:
    """What an adversarial page gives; how long it takes is measured in make bench
    (bench/bench_discover.py), not here."""
    return find_embeds(body, **options)  # type: ignore[arg-type]


def test_many_quotes_and_links_take_linear_time():
    """80,000 blockquotes each linking one of a few posts (an adversarial 6 MB page): the scan
    and the merge took time quadratic in their number (minutes); now a few seconds."""
    quote = '<blockquote><a href="https://twitter.com/a/status/{}">x</a></blockquote>\n'
    body = ("<html><body>" + "".join(quote.format(10 + n % 8) for n in range(80_000))).encode()
    found = _found(body)
    assert [e.post_id for e in found] == [str(10 + n) for n in range(8)]
    assert found[0].positions[:3] == (1, 9, 17)  # (libxml2 counts lines up to 65,535 only)


def test_many_flattened_tweets_in_text_take_linear_time():
    """Line numbers and the links beside flattened tweets were found anew for each tweet."""
    flat = "Text pic.twitter.com/abcDEF{:04d} — N (@h) May 5, 2014 https://twitter.com/h/status/{}\n"
    body = "".join(flat.format(n % 10_000, 10 + n) for n in range(30_000)).encode()
    found = _found(body, links=True)
    assert [e.post_id for e in found] == [str(10 + n) for n in range(30_000)]
    assert {e.source for e in found} == {"text"} and found[-1].positions == (30_000,)


def test_each_flattened_tweet_takes_the_status_link_after_its_own_signature():
    """Not the one ending the line before it, nor the next tweet's when it has none."""
    text = (
        "First pic.twitter.com/abcDEF1234 — A (@a) May 5, 2014 https://twitter.com/a/status/111\n"
        "Second — B (@b) May 6, 2014 https://x.com/b/status/222\n"
        "Third pic.twitter.com/zzzZZZ9999 — C (@c) May 7, 2014\n"
        "Fourth — D (@d) May 8, 2014 https://x.com/d/status/444\n"
    )
    found = find_embeds(text.encode())
    assert [(e.post_id, e.author_handle, e.positions) for e in found] == [
        ("111", "a", (1,)),
        ("222", "b", (2,)),
        (None, "c", (3,)),
        ("444", "d", (4,)),
    ]


@pytest.mark.parametrize("label", ["rot13", "hex", "base64", "zlib", "idna", "x-nonsense"])
def test_a_charset_label_that_is_no_text_encoding_is_passed_over(label: str):
    """Python knows these names, but as codecs for bytes (or not for decoding with replacement):
    they escaped as LookupError or UnicodeError."""
    page = html_page(label, "Grüße", "Jürgen", "7. März 2024").encode("cp1252")
    [tweet] = find_embeds(page)
    assert (tweet.author_name, tweet.date_text, tweet.text) == ("Jürgen", "7. März 2024", "Grüße")


@pytest.mark.parametrize("label", ["utf-16", "UTF-16LE", "utf-32"])
def test_a_page_declaring_utf16_without_being_so_is_utf8(label: str):
    page = html_page(label, "Grüße", "Jürgen", "7. März 2024").encode("utf-8")
    broken = page.replace("Grüße".encode(), "Grüß".encode()[:-1] + b"e")  # a cut character
    [tweet] = find_embeds(broken)
    assert (tweet.author_name, tweet.date_text) == ("Jürgen", "7. März 2024")


def test_long_embed_texts_are_read_for_their_byline_in_linear_time():
    """The byline was looked for in all of each embed's text (80 steps a character): 150 quotes
    of 40,000 characters without one took 6 s; it is read from the end of the text."""
    quote = (
        '<blockquote class="twitter-tweet"><p>{}</p>'
        '<a href="https://twitter.com/n/status/{}">May 5</a></blockquote>'
    )
    body = "<html><body>" + "\n".join(quote.format("word " * 8000, 100 + n) for n in range(150))
    found = _found(body.encode())
    assert len(found) == 150 and found[0].author_handle is None
    long_caption = "word " * 8000 + "— Some One (@someone) May 5, 2014"
    [tweet] = find_embeds(quote.format(long_caption, 100).encode())
    assert (tweet.author_name, tweet.author_handle, tweet.date_text) == ("Some One", "someone", "May 5, 2014")
