"""The errors embed-archiver raises on purpose.

    ArchiverError               anything we report as a one-line message
    ├── SettingsError           a bad flag, environment variable or config file
    ├── BrowserError            the browser would not start, or started and would not render
    │   └── BrowserNotFound     no Chromium to drive, and how to get one
    ├── InputError              a source that cannot be read as an article
    │   └── FetchError          the network or the server said no (DNS, 404, timeout, too big)
    │       └── Refused         the network guard said no: a URL that came from fetched content
    │                           names this machine or a private network (guard.py); inside the
    │                           HTTP client it is guard.RefusedRequest, an httpx.TransportError too
    ├── CaptureError            a post could not be captured, for a reason on our side or the network's
    │   ├── PostGone            the platform says the post is gone (deleted, suspended, protected...):
    │                           a *result* to record, not a bug
    │   └── TooLate             its deadline passed while the post waited for a page: never started
    └── OutputError             a report or export could not be written (no half-written one is left)
        ├── BlobMissing         a blob it needs is not in the archive: names the SHA-256 and whose it is
        └── BlobCorrupt         a blob's bytes no longer match its SHA-256: never copied out silently

    StoreError                  the archive home, database or blobs are unusable: storage's own
                                (storage imports nothing from archiver), re-exported here and
                                reported by the command line just like an ArchiverError

Anything else escaping is a bug and deserves its traceback.
"""

from __future__ import annotations

from storage.errors import StoreError as StoreError  # re-exported: see the tree above


class ArchiverError(Exception):
    """Base class: the message is meant for the user, on one line."""


class SettingsError(ArchiverError):
    pass


class BrowserError(ArchiverError):
    pass


class BrowserNotFound(BrowserError):
    pass


class InputError(ArchiverError):
    pass


class FetchError(InputError):
    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class Refused(FetchError):
    """The network guard would not let a request reach its address. One line: what, why, and
    (when it is about the address) the way round it."""

    def __init__(self, target: str, why: str, *, hint: bool = True) -> None:
        way_round = "; --allow-private-network allows it" if hint else ""
        super().__init__(f"refused: {target} {why}{way_round}")
        self.target = target
        self.why = why
        self.hint = hint


class CaptureError(ArchiverError):
    pass


class PostGone(CaptureError):
    """The platform itself says the post is not there: status is one of POST_STATUSES."""

    def __init__(self, status: str, message: str, http_status: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.http_status = http_status


class TooLate(CaptureError):
    """Capturer.capture_post's `start_by` passed while the post waited for a free page: nothing
    was loaded or fetched for it. The caller records it as skipped."""


class MissingCredential(CaptureError):
    """A request needs a credential the settings do not hold (Meta's oEmbed without
    meta_access_token): it was not sent. The caller reads the post another way."""


class OutputError(ArchiverError):
    pass


class BlobMissing(OutputError):
    """A blob an output needs is not in the archive. `what` says whose it is ("the screenshot of
    post 2 (twitter) in article 1, capture 5")."""

    def __init__(self, sha256: str, what: str, why: str = "is missing from the archive") -> None:
        super().__init__(f"{what}: blob {sha256} {why}; `archiver verify` checks every blob")
        self.sha256 = sha256
        self.what = what


class BlobCorrupt(OutputError):
    """A blob's bytes no longer hash to its name: the archive's copy is damaged."""

    def __init__(self, sha256: str, what: str, actual: str) -> None:
        super().__init__(
            f"{what}: blob {sha256} is damaged (its bytes hash to {actual[:16]}…) and was not "
            "copied out; `archiver verify` checks every blob"
        )
        self.sha256 = sha256
        self.what = what
        self.actual = actual
