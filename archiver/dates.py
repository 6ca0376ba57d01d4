"""Dates and ages as the command line takes them ("7d", "12h", "2025-03-01") and shows them."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any


def parse_age(text: str) -> timedelta:
    """ "7d", "12h", "30m", "2w" (or a bare number of days) as a timedelta; ValueError otherwise
    (a negative age, or one too long for a date: 1e400d)."""
    text = text.strip().lower()
    units = {"w": 7 * 86400, "d": 86400, "h": 3600, "m": 60, "s": 1}
    number, unit = (text[:-1], text[-1]) if text[-1:] in units else (text, "d")
    value = float(number)
    if not value >= 0:  # NaN too
        raise ValueError(text)
    try:
        return timedelta(seconds=value * units[unit])
    except OverflowError:
        raise ValueError(text) from None


def parse_since(text: str, now: datetime | None = None) -> datetime:
    """A --since value: an ISO date or time ("2025-03-01", "2025-03-01T12:00"), or an age ("7d");
    ValueError otherwise."""
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        try:
            return (now or datetime.now(timezone.utc)) - parse_age(text)
        except OverflowError:  # before the year 1
            raise ValueError(text) from None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def short_time(at: Any) -> str:
    """An ISO time as "2025-03-01 12:00:05" (UTC), or "-"."""
    if not at:
        return "-"
    try:
        when = datetime.fromisoformat(str(at)).astimezone(timezone.utc)
    except ValueError:
        return str(at)
    return when.strftime("%Y-%m-%d %H:%M:%S")
