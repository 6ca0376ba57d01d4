"""One item per post, in order of appearance, with every position; the best evidence names it."""

from __future__ import annotations

from archiver.discovery.find import find_embeds, merge
from archiver.models import Embed


def embed(post_id: str | None, source: str, line: int, **fields: object) -> Embed:
    url = f"https://twitter.com/i/status/{post_id}" if post_id else "https://pic.twitter.com/abcDEF1234"
    return Embed("twitter", post_id, url, source, positions=(line,), **fields)  # type: ignore[arg-type]


def test_the_same_post_twice_is_one_item_with_both_positions():
    tweet = '<blockquote class="twitter-tweet"><a href="https://x.com/a/status/123">May 5</a></blockquote>'
    page = f"<html><body>\n{tweet}\n<p>Between.</p>\n{tweet}\n</body></html>"
    [found] = find_embeds(page.encode())
    assert found.positions == (2, 4)


def test_merge_keeps_order_fills_fields_and_prefers_the_blockquote():
    merged = merge(
        [
            embed("2", "iframe", 5),
            embed("1", "blockquote", 3),
            embed("2", "blockquote", 7, author_handle="someone"),
            embed("3", "link", 1),
        ]
    )
    assert [(e.post_id, e.source, e.positions) for e in merged] == [
        ("3", "link", (1,)),
        ("1", "blockquote", (3,)),
        ("2", "blockquote", (5, 7)),
    ]
    assert merged[2].author_handle == "someone"


def test_a_link_to_an_embedded_post_adds_nothing():
    merged = merge([embed("1", "link", 1), embed("1", "blockquote", 9)])
    assert [(e.source, e.positions) for e in merged] == [("blockquote", (9,))]
    assert merge([embed("1", "link", 1)], keep_links=False) == []


def test_unresolved_posts_are_told_apart_by_their_short_link():
    one = embed(None, "text", 1)
    other = Embed("twitter", None, "https://pic.twitter.com/zzzZZZ9999", "text", positions=(2,))
    assert len(merge([one, other, one])) == 2


def test_a_flattened_copy_is_the_post_whose_embed_carries_its_short_link():
    flat = Embed(
        "twitter", None, "https://pic.twitter.com/abcDEF1234", "text", author_handle="a", positions=(2,)
    )
    full = embed("7", "blockquote", 8, media_links=("https://pic.twitter.com/abcDEF1234",))
    [merged] = merge([flat, full])
    assert (merged.post_id, merged.source, merged.positions, merged.author_handle) == (
        "7",
        "blockquote",
        (2, 8),
        "a",
    )
