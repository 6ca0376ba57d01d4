"""What the archive knows, told to a reader: `status`, `list`, `show` and `watch list` build
their lines here.

post = find_post(store, "https://x.com/a/status/123")   # or "twitter:123", "123", a row id
for line in timeline_lines(store, post): print(line)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

from archiver import platforms
from archiver.dates import short_time
from archiver.errors import InputError
from archiver.flows import recheck, watch
from storage import PostRow, Store


def find_post(store: Store, ref: str) -> PostRow:
    """The post `ref` names: its URL, "platform:id", the platform's own id, or the archive's row id."""
    ref = ref.strip()
    if "://" in ref:
        matched = platforms.match_url(ref)
        row = store.find_post(matched[0].name, matched[1]) if matched else None
        if row is None:
            raise InputError(f"no post in the archive for {ref}")
        return row
    name, sep, rest = ref.partition(":")
    if sep and name in {p.name for p in platforms.PLATFORMS}:
        row = store.find_post(name, rest)
        if row is None:
            raise InputError(f"no {name} post {rest} in the archive")
        return row
    rows = store.posts_with_id(ref)
    if len(rows) == 1:
        return rows[0]
    if len(rows) > 1:
        names = ", ".join(f"{r['platform']}:{ref}" for r in rows)
        raise InputError(f"{ref} is the id of several posts: say which ({names})")
    if ref.isdigit():
        row = store.get_post(int(ref))
        if row is not None:
            return row
    raise InputError(f"no post {ref} in the archive (give its URL, platform:id, or id)")


def post_line(row: Mapping[str, Any], when: str = "status_since") -> str:
    author = f"@{row['author_handle']}" if row.get("author_handle") else "-"
    since = short_time(row.get(when))
    return (
        f"{row['status']:<11} {since:<20} {row['platform']:<9} {row['post_id']:<22} {author:<18} {row['url']}"
    )


def watch_lines(store: Store) -> list[str]:
    """The watched sources, one a line: id, kind, last look, how it went, URL (and the error)."""
    lines = []
    for w in store.list_watches():
        how = w["last_status"] or "not looked at yet"
        error = f" ({w['last_error']})" if w["last_error"] else ""
        lines.append(
            f"{w['id']:>4}  {w['kind']:<7}  {short_time(w['last_run']):<19}  {how:<9}  {w['url']}{error}"
        )
    return lines or ["nothing watched: add a feed or an article with `archiver watch add URL`"]


def list_posts(store: Store, status: str | None, since: datetime | None) -> Sequence[PostRow]:
    if status == "changed":
        return store.changed_posts(since)
    return store.list_posts(status=status, since=since)


def status_lines(
    store: Store, now: datetime | None = None, view_checks_per_run: int | None = None
) -> list[str]:
    """Counts by status, what is due, per platform how its posts are re-checked, the watches,
    and how the last run went."""
    now = now or datetime.now(timezone.utc)
    counts = store.status_counts()
    total = sum(counts.values())
    lines = [
        f"posts     {total}"
        + (": " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) if total else "")
    ]
    due = store.posts_due(now)
    checkable = sum(1 for post in due if recheck.checkable(post))
    next_due = store.next_due()
    later = f"; next at {short_time(next_due)}" if next_due and next_due > now.isoformat() else ""
    lines.append(f"due       {checkable} re-check(s) now" + later)
    lines.extend(platform_lines(store, now, view_checks_per_run))
    watches = store.list_watches()
    feeds = sum(1 for w in watches if w["kind"] == "feed")
    waiting, given_up = watch.entries_to_archive(store)
    lines.append(
        f"watching  {feeds} feed(s), {len(watches) - feeds} article(s)"
        + (f"; {len(waiting)} feed article(s) waiting to be archived" if waiting else "")
    )
    for entry in given_up:
        lines.append(
            f"          given up after {entry['attempts']} failures: {entry['url']}: {entry['error']}"
        )
    failing = [w for w in watches if w["last_status"] == "failed"]
    for w in failing:
        lines.append(f"          failing: {w['url']}: {w['last_error']}")
    last = store.last_run()
    if last is None:
        lines.append("last run  never")
    else:
        took = f", finished {short_time(last['finished'])}" if last["finished"] else ""
        lines.append(f"last run  {short_time(last['started'])}{took}: {last['outcome']}")
        counts_line = _run_counts(last.get("counts") or {})
        if counts_line:
            lines.append(f"          {counts_line}")
        if last.get("error"):
            lines.append(f"          {last['error']}")
    return lines


def platform_lines(store: Store, now: datetime, view_checks_per_run: int | None = None) -> list[str]:
    """Per platform: the posts held, how many are due now, and how they are re-checked (over
    HTTP, in the browser, or why not); unresolved posts (no id yet) are never checkable."""
    rows = store.platform_counts(now)
    if not rows:
        return []
    lines = [f"          {'platform':<11} {'posts':>6} {'due':>5}  re-checked by"]
    for row in rows:
        how = recheck.how_checked(row["platform"])
        text = how.how
        if how.method == recheck.VIEW_METHOD and view_checks_per_run is not None:
            text += f", at most {view_checks_per_run} a run" if view_checks_per_run > 0 else ", turned off"
        if row["unresolved"]:
            text += f"; {row['unresolved']} unresolved (no id: not checkable)"
        due = str(row["due"]) if how.method is not None else "-"
        lines.append(f"          {row['platform']:<11} {row['posts']:>6} {due:>5}  {text}")
    return lines


def _run_counts(counts: Mapping[str, Any]) -> str:
    parts = []
    if counts.get("articles") or counts.get("articles_failed"):
        parts.append(f"{counts.get('articles', 0)} article(s) archived")
    if counts.get("articles_failed"):
        parts.append(f"{counts['articles_failed']} failed")
    checked = (counts.get("recheck") or {}).get("checked")
    if checked:
        parts.append(f"{checked} post(s) re-checked")
    if counts.get("events"):
        parts.append(f"{counts['events']} change(s)")
    if counts.get("left"):
        parts.append(f"{counts['left']} left for the next run")
    return ", ".join(parts)


def timeline_lines(store: Store, post: Mapping[str, Any]) -> list[str]:
    """A post's header and its timeline: every check, capture (artifacts, hashes, paths), status change."""
    lines = [
        f"{post['platform']} {post['post_id']}  {post['url']}",
        f"status {post['status']} since {short_time(post['status_since'])}"
        + (f"; by @{post['author_handle']}" if post.get("author_handle") else "")
        + (f"; content {post['content_hash'][:12]}" if post.get("content_hash") else ""),
    ]
    if post.get("next_check_at"):
        lines.append(f"next check {short_time(post['next_check_at'])}")
    if post.get("text"):
        lines.append(f'text "{_clip(post["text"], 100)}"')
    lines.append("")
    for event in store.timeline(int(post["id"])):
        lines.extend(_event_lines(event))
    return lines


def _event_lines(event: Mapping[str, Any]) -> Sequence[str]:
    at = short_time(event["at"])
    kind = event["event"]
    if kind == "first_seen":
        return [f"{at}  first seen"]
    if kind == "embedded":
        return [f"{at}  embedded in {event['article']}"]
    if kind == "embed_removed":
        return [f"{at}  REMOVED from {event['article']}"]
    if kind == "status_change":
        return [f"{at}  STATUS {event['from']} -> {event['to']}"]
    if kind == "check":
        http = f" HTTP {event['http_status']}" if event.get("http_status") else ""
        changed = ", content changed" if event.get("changed") else ""
        detail = f" ({_clip(event['detail'], 80)})" if event.get("detail") else ""
        return [f"{at}  check ({event['method']}): {event['outcome']}{http}{changed}{detail}"]
    if kind == "capture":
        missing = event.get("missing") or []
        head = f"{at}  capture #{event['id']}: {event['status']}"
        if event.get("duration") is not None:
            head += f" in {event['duration']:.1f}s"
        if missing:
            head += f", missing {', '.join(missing)}"
        if event.get("error"):
            head += f" ({_clip(event['error'], 80)})"
        lines = [head]
        for artifact in event.get("artifacts") or []:
            size = f"{artifact['size']:>9} B"
            lines.append(
                f"      {artifact['kind']:<10} {size}  sha256:{artifact['sha256']}  {artifact['path']}"
            )
        return lines
    return [f"{at}  {kind}"]


def _clip(text: str, width: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"
