"""The words the archive stores for a status, an outcome or a kind: each list spelled here once.

The store refuses a value outside its list (a ValueError naming the list); archiver/ imports
the lists from here (archiver.models re-exports POST_STATUSES) instead of spelling them again.
The schema has no CHECK constraints: these lists are the whole rule (tests/test_store.py holds
the store to them).
"""

from __future__ import annotations

from collections.abc import Sequence

# A post's status, as the platform tells it (never guessed): "unresolved" while its real id is
# not known, "unknown" when a look could not tell (a network error, a rate limit).
# "protected" is private (a private post or account); "geo_blocked" is not shown where we asked
# from; "login_required" is shown only to a logged-in reader (an age gate, say); "unavailable"
# is gone for a reason the platform does not give, or with the whole platform (Vine).
POST_STATUSES = (
    "live",
    "deleted",
    "suspended",
    "protected",
    "geo_blocked",
    "login_required",
    "unavailable",
    "unresolved",
    "unknown",
)
# A check's outcome is the status it found; "unknown" is kept in the history and leaves the
# post's status as it was.
CHECK_OUTCOMES = POST_STATUSES
# The latest fetch of an article.
ARTICLE_STATUSES = ("fetched", "failed")
# A capture is "running" from start_capture until finish_capture gives it one of the others
# (close_unfinished_captures: "failed", when its run was killed). "running" stays first.
CAPTURE_STATUSES = ("running", "complete", "partial", "failed")
# A capture that kept something: its content hash counts as what the archive holds of the post.
KEPT_CAPTURE_STATUSES = ("complete", "partial")
WATCH_KINDS = ("article", "feed")
# How the last look at a watched source went: "unchanged" found nothing new to archive.
WATCH_LOOK_STATUSES = ("ok", "unchanged", "failed")
# A run's outcome: "stopped" reached its deadline or limit with work left for the next run;
# "interrupted" was killed (found still "running" by the next run). "running" stays first.
RUN_OUTCOMES = ("running", "complete", "stopped", "failed", "interrupted")


def require(value: str, allowed: Sequence[str], what: str) -> None:
    """ValueError unless `value` is one of `allowed` (`what` names it in the message)."""
    if value not in allowed:
        raise ValueError(f"{what} must be one of {tuple(allowed)}, not {value!r}")
