"""The flattened-text form of a tweet: in plain text, in HTML without its class, in other languages."""

from __future__ import annotations

import re

import pytest
from shared_support import SHARED, needs_shared

from archiver.discovery import textform
from archiver.discovery.find import find_embeds
from archiver.platforms import twitter
from archiver.platforms.base import DATE_LINE, Platform, TextForm

SEED = SHARED / "seed-article.txt"

FLAT = (
    "Ukraine has captured more Russian soldiers along the Kursk front. pic.twitter.com/ukSCQjXCXD "
    "— OSINT Aggregator (@AggregateOsint) August 7, 2024"
)


def test_plain_text_flattened_tweet():
    text = f"Some article text.\n\n{FLAT}\n\nMore article text."
    [tweet] = find_embeds(text.encode())
    assert (tweet.platform, tweet.post_id, tweet.source, tweet.where) == ("twitter", None, "text", "text")
    assert tweet.url == "https://pic.twitter.com/ukSCQjXCXD"
    assert tweet.media_links == ("https://pic.twitter.com/ukSCQjXCXD",)
    assert (tweet.author_name, tweet.author_handle, tweet.date_text) == (
        "OSINT Aggregator",
        "AggregateOsint",
        "August 7, 2024",
    )
    assert tweet.text is not None and tweet.text.startswith("Ukraine has captured")
    assert tweet.positions == (3,)


@needs_shared("seed-article.txt")
def test_seed_article_lists_both_tweets():
    found = find_embeds(SEED.read_bytes())
    assert [(e.platform, e.post_id, e.source, e.author_handle, e.date_text) for e in found] == [
        ("twitter", None, "text", "AggregateOsint", "August 7, 2024"),
        ("twitter", None, "text", "nexta_tv", "August 7, 2024"),
    ]
    assert [e.author_name for e in found] == ["OSINT Aggregator", "NEXTA"]
    assert [e.url for e in found] == [
        "https://pic.twitter.com/ukSCQjXCXD",
        "https://pic.twitter.com/gX4jujMqtn",
    ]


@pytest.mark.parametrize(
    "date",
    [
        "7. August 2024",  # German
        "16 мая 2018 г.",  # Russian
        "7 de agosto de 2024",  # Spanish
        "7 août 2024",  # French
        "2019年1月26日",  # Japanese
        "7 באוגוסט 2024",  # Hebrew
    ],
)
def test_date_lines_in_other_languages(date: str):
    [tweet] = find_embeds(f"Text pic.twitter.com/abcDEF1234 — Name (@handle_1) {date}\n".encode())
    assert tweet.date_text == date
    assert tweet.author_handle == "handle_1"


def test_flattened_form_inside_html_without_the_embed_class():
    body = (
        "<html><body><p>Article.</p>"
        '<blockquote><p lang="de">Zwei Bilder <a '
        'href="https://t.co/ukSCQjXCXD">pic.twitter.com/ukSCQjXCXD</a></p>'
        "&mdash; OSINT Aggregator (@AggregateOsint) "
        '<a href="https://twitter.com/AggregateOsint/status/1821183329484083200">'
        "7. August 2024</a></blockquote>"
        "<p>Noch ein Absatz. pic.twitter.com/gX4jujMqtn — NEXTA (@nexta_tv) 7. August 2024</p>"
        "</body></html>"
    )
    first, second = find_embeds(body.encode())
    assert (first.post_id, first.source, first.author_handle, first.date_text) == (
        "1821183329484083200",
        "blockquote",
        "AggregateOsint",
        "7. August 2024",
    )
    assert (second.post_id, second.source, second.url) == (None, "text", "https://pic.twitter.com/gX4jujMqtn")
    assert (second.author_name, second.date_text) == ("NEXTA", "7. August 2024")


def test_flattened_form_with_its_status_link_in_a_paragraph():
    body = (
        "<html><body><p>Look: pic.twitter.com/abcDEF1234 — Some One (@someone) "
        '<a href="https://x.com/someone/status/1234567890123">May 1, 2023</a></p></body></html>'
    )
    [tweet] = find_embeds(body.encode())
    assert (tweet.post_id, tweet.source, tweet.author_handle) == ("1234567890123", "text", "someone")


def test_attribution_without_a_date_or_link_is_not_a_post():
    text = "“We will win,” she said. — Jane Doe (@janedoe), spokesperson\n\nAnother — Foo (@foo) 2020 remark."
    assert find_embeds(text.encode()) == []


def test_byline_of_an_embed_remnant():
    forms = (twitter.TEXT_FORM,)
    line = textform.byline("A post shared by xoxo, Gaga (@ladygaga) on Dec 5, 2016 at 2:14pm PST", forms)
    assert line == textform.Byline("xoxo, Gaga", "ladygaga", "Dec 5, 2016")
    german = textform.byline(
        "Ein Beitrag geteilt von SKEP (@skep.association) am 23. Okt 2017 um 9:31 PDT", forms
    )
    assert german is not None and german.handle == "skep.association" and german.date == "23. Okt 2017"


def test_a_text_form_is_read_as_its_platform_declares_it():
    """Discovery knows no text form itself: it reads those the platforms declare."""
    example = Platform(
        name="example",
        url_patterns=(r"https://example\.social/p/(?P<id>\d+)",),
        canonical_url=lambda post_id: f"https://example.social/p/{post_id}",
        text_form=TextForm(
            signature=re.compile(r"~ (?P<name>[^()\n]{1,40}?) \(@(?P<handle>\w+)\) " + DATE_LINE),
            media_link=re.compile(r"(?:https?://)?img\.example\.social/\w+"),
        ),
    )
    text = "Intro.\n\nA photo img.example.social/abc1 ~ Some One (@someone) 1 May 2023 https://example.social/p/42\n"
    [post] = find_embeds(text.encode(), platforms=[example])
    assert (post.platform, post.post_id, post.url, post.source) == (
        "example",
        "42",
        "https://example.social/p/42",
        "text",
    )
    assert (post.author_name, post.author_handle, post.date_text) == ("Some One", "someone", "1 May 2023")
    assert post.media_links == ("https://img.example.social/abc1",)
    assert find_embeds(text.encode(), platforms=[twitter.PLATFORM]) == []
