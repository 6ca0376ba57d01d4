"""Embeds: which article embeds which post, one row per (article, post), and since when.

store.record_embed(article, post, source="blockquote", raw=markup, positions=[0])
store.mark_removed_embeds(article, present=[post, …])     # the others: removed_at is set
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from sqlite_utils import Database

from storage.core import StoreCore, Timestamp, _ts
from storage.rows import EmbedRow


class Embeds:
    """The embeds table."""

    def __init__(self, core: StoreCore) -> None:
        self._core = core

    def record_embed(
        self,
        article: int,
        post: int,
        *,
        source: str,
        where: str = "dom",
        raw: str = "",
        positions: Sequence[int] = (),
        author_name: str | None = None,
        author_handle: str | None = None,
        date_text: str | None = None,
        text: str | None = None,
        media_links: Sequence[str] = (),
        found_in: str = "static",
        at: Timestamp = None,
    ) -> int:
        """Record that `article` embeds `post` (one row per pair); returns the embed id.

        Seen again, the embed's last_seen, positions and found_in (static, rendered or
        frame:<url>) are refreshed and a removal is undone; the markup and text first found are
        kept as they were.
        """
        t = _ts(at)
        with self._core.write() as db:
            return self._core.returning_id(
                db,
                """
                INSERT INTO embeds (article, post, position, positions, source, where_found, raw, author_name,
                                    author_handle, date_text, text, media_links, found_in, first_seen,
                                    last_seen)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (article, post) DO UPDATE SET
                    position = excluded.position,
                    positions = excluded.positions,
                    last_seen = excluded.last_seen,
                    found_in = excluded.found_in,
                    removed_at = NULL
                RETURNING id
                """,
                [
                    article,
                    post,
                    min(positions) if positions else None,
                    json.dumps(list(positions)),
                    source,
                    where,
                    raw,
                    author_name,
                    author_handle,
                    date_text,
                    text,
                    json.dumps(list(media_links)),
                    found_in,
                    t,
                    t,
                ],
            )

    def mark_removed_embeds(self, article: int, present: Iterable[int], *, at: Timestamp = None) -> list[int]:
        """Mark the article's embeds of posts not in `present` as removed; returns those post ids."""
        keep = set(present)
        t = _ts(at)
        with self._core.write() as db:
            gone = [
                int(post)
                for (post,) in db.execute(
                    "SELECT post FROM embeds WHERE article = ? AND removed_at IS NULL", [article]
                ).fetchall()
                if post not in keep
            ]
            for post in gone:
                db.execute(
                    "UPDATE embeds SET removed_at = ? WHERE article = ? AND post = ?", [t, article, post]
                )
        return gone

    def embeds_for_article(self, article: int) -> list[EmbedRow]:
        return self._core.rows(
            EmbedRow, "SELECT * FROM embeds WHERE article = ? ORDER BY position, id", [article]
        )

    def move_post(self, db: Database, post: int, into: int) -> None:
        """Move the embeds of `post` to `into`; one of an article that already embeds `into` is
        dropped (the article's HTML blob still holds its markup)."""
        db.execute(
            "UPDATE embeds SET post = ? WHERE post = ? AND article NOT IN "
            "(SELECT article FROM embeds WHERE post = ?)",
            [into, post, into],
        )
        db.execute("DELETE FROM embeds WHERE post = ?", [post])
