"""Checks: the liveness history of a post, one row per look, and what each look did to it.

result = store.record_check(post, method="syndication", outcome="deleted", http_status=404)
result.status_changed, result.content_changed
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from storage.core import StoreCore, Timestamp, _ts
from storage.posts import Posts
from storage.rows import CheckRow
from storage.statuses import CHECK_OUTCOMES, require


@dataclass(frozen=True)
class CheckResult:
    """What one recorded check did to its post."""

    check_id: int
    previous_status: str
    status: str  # the post's status after the check ("unknown" outcomes leave it as it was)
    content_changed: bool

    @property
    def status_changed(self) -> bool:
        return self.status != self.previous_status


class Checks:
    """The checks table; a check also sets its post's status, content hash and schedule (through Posts)."""

    def __init__(self, core: StoreCore, posts: Posts) -> None:
        self._core = core
        self._posts = posts

    def record_check(
        self,
        post: int,
        *,
        method: str,
        outcome: str,
        http_status: int | None = None,
        detail: str | None = None,
        content_hash: str | None = None,
        next_check_at: Timestamp = None,
        at: Timestamp = None,
    ) -> CheckResult:
        """Record one look at a post, and what it tells: its status, whether its content changed.

        `outcome` is a post status; "unknown" (a network error, a rate limit) is kept in the
        history but does not change the post's status. The post's last_checked is set and, when
        given, its next_check_at.
        """
        require(outcome, CHECK_OUTCOMES, "post status")
        t = _ts(at)
        with self._core.write() as db:
            current = db.execute("SELECT status FROM posts WHERE id = ?", [post]).fetchone()
            if current is None:
                raise KeyError(f"no post with id {post}")
            previous = current[0]
            status = previous if outcome == "unknown" else outcome
            self._posts.set_status(db, post, status, t)
            changed = content_hash is not None and self._posts.set_content_hash(db, post, content_hash, t)
            self._posts.mark_checked(db, post, t, next_check_at)
            check_id = self._core.insert(
                db,
                "checks",
                {
                    "post": post,
                    "checked_at": t,
                    "method": method,
                    "outcome": outcome,
                    "previous_status": previous,
                    "http_status": http_status,
                    "content_hash": content_hash,
                    "changed": int(changed),
                    "detail": detail,
                },
            )
        return CheckResult(check_id, previous, status, changed)

    def checks_for_post(self, post: int) -> list[CheckRow]:
        sql = "SELECT * FROM checks WHERE post = ? ORDER BY checked_at, id"
        return self._core.rows(CheckRow, sql, [post])

    def move_post(self, db: Database, post: int, into: int) -> None:
        db.execute("UPDATE checks SET post = ? WHERE post = ?", [into, post])
