"""Articles: each page we fetched, by its URL, with its latest HTML kept as a blob.

article = store.record_article(url, html=body, title="…")
store.get_article(article), store.get_article(url), store.find_article(url_or_final_url)
"""

from __future__ import annotations

from storage.core import StoreCore, Timestamp, _ts
from storage.rows import ArticleRow
from storage.statuses import ARTICLE_STATUSES, require


class Articles:
    """The articles table."""

    def __init__(self, core: StoreCore) -> None:
        self._core = core

    def record_article(
        self,
        url: str,
        *,
        final_url: str | None = None,
        title: str | None = None,
        html: bytes | None = None,
        http_status: int | None = None,
        status: str = "fetched",
        error: str | None = None,
        at: Timestamp = None,
    ) -> int:
        """Insert or update the article at `url` (its HTML kept as a blob); returns its id.

        A failed fetch (status "failed") keeps what an earlier one learned (title, HTML).
        """
        require(status, ARTICLE_STATUSES, "article status")
        sha = self._core.blobs.put(html) if html is not None else None
        t = _ts(at)
        with self._core.write() as db:
            return self._core.returning_id(
                db,
                """
                INSERT INTO articles (url, final_url, title, status, http_status, error, html_sha256,
                                      first_fetched, last_fetched)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (url) DO UPDATE SET
                    final_url = coalesce(excluded.final_url, final_url),
                    title = coalesce(excluded.title, title),
                    status = excluded.status,
                    http_status = excluded.http_status,
                    error = excluded.error,
                    html_sha256 = coalesce(excluded.html_sha256, html_sha256),
                    last_fetched = excluded.last_fetched
                RETURNING id
                """,
                [url, final_url, title, status, http_status, error, sha, t, t],
            )

    def get_article(self, article: int | str) -> ArticleRow | None:
        """An article by id, or by url."""
        column = "id" if isinstance(article, int) else "url"
        return self._core.row(ArticleRow, f"SELECT * FROM articles WHERE {column} = ?", [article])

    def find_article(self, url: str) -> ArticleRow | None:
        """The article fetched from `url`, or else the first one that was redirected to it."""
        return self.get_article(url) or self._core.row(
            ArticleRow, "SELECT * FROM articles WHERE final_url = ? ORDER BY id LIMIT 1", [url]
        )

    def list_articles(self) -> list[ArticleRow]:
        """Every article, in the order they were first recorded."""
        return self._core.rows(ArticleRow, "SELECT * FROM articles ORDER BY id")
