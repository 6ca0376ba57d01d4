"""Checks: the liveness history of a post, one row per look, and what each look did to it.

result = store.record_check(post, method="syndication", outcome="deleted", http_status=404)
result.status_changed, result.content_changed

results = store.record_checks([CheckRecord(post, "data", "live", content_hash=h), ...])

record_checks writes many looks in one transaction, all or none: a re-check of thousands of
posts commits them in small batches rather than one by one (a commit costs more than the look's
own writes). What a batch's caller has not committed yet is lost if the process dies; what it
committed stays.
"""

from __future__ import annotations

from collections.abc import Sequence
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


_READ_POST = "SELECT status, content_hash FROM posts WHERE id = ?"
_CHECKED_SET = "last_checked = ?, next_check_at = coalesce(?, next_check_at)"
_INSERT_CHECK = (
    "INSERT INTO checks (post, checked_at, method, outcome, previous_status, http_status, content_hash,"
    " changed, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


@dataclass(frozen=True)
class CheckRecord:
    """One look at a post, to be recorded (Checks.record_check's arguments)."""

    post: int
    method: str
    outcome: str
    http_status: int | None = None
    detail: str | None = None
    content_hash: str | None = None
    next_check_at: Timestamp = None
    at: Timestamp = None


class Checks:
    """The checks table; a check also sets its post's status, content hash and schedule (the same
    columns, with the same rules, as Posts.set_status, set_content_hash and mark_checked)."""

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
        given, its next_check_at. KeyError when there is no such post.
        """
        look = CheckRecord(post, method, outcome, http_status, detail, content_hash, next_check_at, at)
        (result,) = self.record_checks([look])
        if result is None:
            raise KeyError(f"no post with id {post}")
        return result

    def record_checks(self, looks: Sequence[CheckRecord]) -> list[CheckResult | None]:
        """Record many looks in one transaction (all or none), each as record_check does; what
        each did, in their order: None for a post no longer in the archive (nothing recorded)."""
        for look in looks:
            require(look.outcome, CHECK_OUTCOMES, "post status")
        with self._core.write() as db:
            return [self._record(db, look) for look in looks]

    def _record(self, db: Database, look: CheckRecord) -> CheckResult | None:
        """One look's writes, inside the caller's transaction: its post's row read once and
        updated once (the hot path of a re-check: three statements), then its history row."""
        t = _ts(look.at)
        post = look.post
        row = db.execute(_READ_POST, [post]).fetchone()
        if row is None:
            return None
        previous, old_hash = str(row[0]), row[1]
        status = previous if look.outcome == "unknown" else look.outcome
        due = _ts(look.next_check_at) if look.next_check_at is not None else None
        new_hash = look.content_hash
        rehashed = new_hash is not None and new_hash != old_hash
        sets, changes = [_CHECKED_SET], [t, due]  # the usual look: nothing new but when
        if status != previous:
            sets.append("status = ?, status_since = ?")
            changes += [status, t]
        if rehashed:
            sets.append("content_hash = ?, content_since = ?")
            changes += [new_hash, t]
        db.execute(f"UPDATE posts SET {', '.join(sets)} WHERE id = ?", [*changes, post])
        changed = rehashed and old_hash is not None
        values: list[object] = [post, t, look.method, look.outcome, previous, look.http_status]
        values += [new_hash, int(changed), look.detail]
        check_id = db.execute(_INSERT_CHECK, values).lastrowid
        if check_id is None:
            raise RuntimeError("insert into checks returned no rowid")
        return CheckResult(check_id, previous, status, changed)

    def checks_for_post(self, post: int) -> list[CheckRow]:
        sql = "SELECT * FROM checks WHERE post = ? ORDER BY checked_at, id"
        return self._core.rows(CheckRow, sql, [post])

    def move_post(self, db: Database, post: int, into: int) -> None:
        db.execute("UPDATE checks SET post = ? WHERE post = ?", [into, post])
