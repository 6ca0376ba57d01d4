from __future__ import annotations

from archiver.flows.results import ArticleResult, PostResult, exit_code


def article(*statuses: str, error: str | None = None) -> ArticleResult:
    posts = [
        PostResult("twitter", str(n), f"https://twitter.com/i/status/{n}", s) for n, s in enumerate(statuses)
    ]
    return ArticleResult("src", error=error, posts=posts)


def test_gone_posts_are_results_not_failures() -> None:
    assert exit_code([article("live", "deleted", "suspended", "unresolved")]) == 0


def test_a_failed_post_is_3_and_an_unreadable_article_alone_is_1() -> None:
    assert exit_code([article("live", "timeout")]) == 3
    assert exit_code([article(error="HTTP 404")]) == 1
    assert exit_code([article(error="HTTP 404"), article("live")]) == 3
    assert exit_code([article("live"), article("live")]) == 0


def test_a_partial_capture_is_3_not_0() -> None:
    partial = article("live")
    partial.posts[0].missing.append("media: HTTP 404")
    assert exit_code([partial]) == 3
    assert exit_code([article("live", "deleted")]) == 0
