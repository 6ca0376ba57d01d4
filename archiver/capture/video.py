"""A post's video and audio through yt-dlp, used as a library (yt_dlp.YoutubeDL).

    fetcher = YtDlpFetcher()                      # the production one; tests pass their own
    got = await download_video(fetcher, settings, guard, platform, post_id, spool, relay=relay)
    got.artifacts, got.missing, got.status        # the files, what could not be had, the verdict

yt-dlp is the maintained extractor for each video site (HLS and DASH, separate audio and
video merged by ffmpeg). Everything it does runs on a worker thread behind one small boundary,
`VideoFetcher.fetch(VideoRequest) -> VideoResult`, so that the capture's event loop never
waits on it and tests can stand in for a whole site at that boundary.

What is asked for: the best format up to settings.video_max_height (0: no yt-dlp at all), with
video and audio merged to MP4 when ffmpeg is on PATH, else the best single file that has both;
under settings.max_media_bytes (formats known to be larger come last; every chunk is counted
and the files are checked; yt-dlp's own max_filesize is not used: it applies to each HLS
segment, and a segment over it turns into "fragment not found"); every file written (the
video, an audio-only file, the thumbnail) lands in the capture's spool folder and becomes an
Artifact("media", path, ...) the store hashes into the blob store (what a failed download left
there is removed); yt-dlp's info JSON, sanitized (no cookie or authorization header, no cookie field),
becomes an Artifact("video-info", ...).

The network: the start URL is checked by the network guard first. With the guard active and no
proxy of the user's, yt-dlp goes through the capture's guard relay (capture/relay.py, as
socks5h: the relay resolves, checks and pins every connection, each redirect and HLS segment
included), and only yt-dlp's own downloaders are allowed (never ffmpeg as a downloader, which
would connect by itself). With a proxy of the user's, yt-dlp uses that proxy and the start URL
is checked by name here; where the proxy then connects is the proxy's business. The settings'
CA bundle is added to the certificates yt-dlp trusts; the platform's cookies (cookies.py) are
loaded into its cookie jar and never logged or kept.

A video yt-dlp cannot get is listed as missing with yt-dlp's reason in one line; the reason
gives the post a status only where it is the platform's own statement (video_status).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import mimetypes
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlsplit

from archiver.capture.warc import SECRET_REQUEST_HEADERS
from archiver.cookies import cookie_jar
from archiver.errors import Refused
from archiver.models import Artifact, PostData

if TYPE_CHECKING:
    from archiver.capture.relay import Relay
    from archiver.guard import Guard
    from archiver.platforms.base import Platform
    from archiver.settings import Settings

log = logging.getLogger(__name__)

VIDEO_INFO = "video-info"  # the artifact kind of yt-dlp's info JSON
_MAX_ENTRIES = 20  # videos kept from one post (a gallery of them)

# --- Which posts get yt-dlp -------------------------------------------------------------------

# The media types (oembed.media's words) that say the post has a video the data did not give us
# as a whole file: a streaming playlist, or only a video's picture (Telegram's too-large video,
# the oEmbed thumbnail of YouTube, Vimeo, TikTok).
_VIDEO_ELSEWHERE = ("hls", "thumbnail")
_FILE_TYPES = ("video", "gif")


def video_wanted(
    settings: Settings,
    platform: Platform,
    data: PostData | None,
    kept: Mapping[str, bool] | None = None,
) -> bool:
    """Whether yt-dlp is to fetch this post's video: the platform has video, the setting is on,
    and either there is no data to tell (none fetched, or it failed), or the data names a video
    it does not give as a file we kept: a streaming playlist or only a thumbnail, a video file
    that could not be downloaded (too large, failed), or a file that is one track of a stream
    (it also names an "hls" playlist: Reddit's file has no audio; yt-dlp merges the stream).
    `kept`: media URL -> whether the download of that file succeeded."""
    if settings.video_max_height <= 0 or not platform.video:
        return False
    if data is None:
        return True
    kept = kept or {}
    for item in data.media:
        kind, url = item.get("type"), item.get("url")
        if kind in _VIDEO_ELSEWHERE:
            return True
        if kind in _FILE_TYPES and (item.get("hls") or not kept.get(str(url), False)):
            return True
    return False


# --- The boundary ------------------------------------------------------------------------------


@dataclass(frozen=True)
class VideoRequest:
    """Everything one fetch needs: what to get, where to write it, how to reach it."""

    url: str
    folder: Path  # a new, empty folder for this fetch's files
    max_height: int
    max_bytes: int
    socket_timeout: float
    proxy: str  # "" for none
    ca_bundle: Path | None = None
    cookies: CookieJar = field(default_factory=CookieJar, compare=False, repr=False)
    user_agent: str | None = None
    ffmpeg: bool = False  # merge video and audio to MP4
    native_only: bool = True  # no downloader but yt-dlp's own (ffmpeg would connect by itself)
    cancel: threading.Event = field(default_factory=threading.Event, compare=False, repr=False)


@dataclass(frozen=True)
class VideoFile:
    path: Path
    mime: str
    source_url: str | None = None  # the URL whose bytes these exactly are, when there is one


@dataclass
class VideoResult:
    """What a fetch gave: its files and info, or why not (`error`, one line; `status`, the post's
    status when the reason is the platform's own statement; `skipped`, over the size cap;
    `no_video`, the post has none)."""

    files: list[VideoFile] = field(default_factory=list)
    info: dict[str, Any] | None = None
    error: str | None = None
    status: str | None = None
    skipped: bool = False
    no_video: bool = False


class VideoFetcher(Protocol):
    """Fetches one post's video; runs on a worker thread, must end soon after request.cancel is set."""

    def fetch(self, request: VideoRequest) -> VideoResult: ...


# --- yt-dlp's reasons ---------------------------------------------------------------------------

# Reasons that are ours or the network's, never the platform's word on the post (checked first).
_NOT_A_STATEMENT = re.compile(
    r"unsupported url|unable to (?:download|extract|connect)|http error \d|timed? ?out|"
    r"connection|proxy ?error|tunnel|socks|ssl|certificate|resolve|network|rate.?limit|too many requests|"
    r"name or service|errno|refused",
    re.IGNORECASE,
)
# (status, pattern) in order: the first that matches gives the status. YouTube says "Video
# unavailable. This video is private", so the specific ones come before "unavailable".
STATUS_TABLE: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (status, re.compile(pattern, re.IGNORECASE))
    for status, pattern in (
        (
            "suspended",
            r"account (?:\w+ )*has been terminated|account (?:has been )?suspended|"
            r"terminated account|channel (?:\w+ )*(?:was|has been) (?:removed|terminated)",
        ),
        (
            "protected",
            r"\bprivate (?:video|post|account)|\bis private\b|this account is private|"
            r"protected (?:tweet|post|account)",
        ),
        (
            "geo_blocked",
            r"not (?:made this video )?available in your (?:country|region|location)|"
            r"geo.?restrict|blocked in your (?:country|region)|not available from your location",
        ),
        (
            "login_required",
            r"sign in to confirm your age|age.?restrict|login required|requir\w* (?:a )?log ?in|"
            r"log ?in (?:to (?:view|watch|see)|for access)|only available for registered users|"
            r"requires authentication|you need to log in|inappropriate for some users",
        ),
        (
            "deleted",
            r"video unavailable|has been removed|(?:was|has been) deleted|no longer available|"
            r"does not exist|post (?:was )?not found|video (?:was )?not found",
        ),
    )
)
_NO_VIDEO = re.compile(
    r"no video (?:formats? )?(?:found|in this)|there is no video|no media found", re.IGNORECASE
)


def video_status(reason: str) -> str | None:
    """The post status yt-dlp's `reason` states, when it is the platform's own word (removed,
    private, terminated, geo-blocked, login or age gate); None for ours (the network, an
    extractor that broke, a URL it does not know)."""
    if _NOT_A_STATEMENT.search(reason):
        return None
    return next((status for status, pattern in STATUS_TABLE if pattern.search(reason)), None)


# Statuses about our access to the post, not the post itself: yt-dlp is told them by a login or
# geo wall the embed view may not have (Instagram asks yt-dlp for a login for public posts).
ACCESS_STATUSES = ("login_required", "geo_blocked")


def stated_status(video: VideoOutcome, rendered: bool) -> str | None:
    """The post status yt-dlp's answer gives the capture, where nothing else gave one: a gone
    post (deleted, private, suspended) always; a login or geo wall only when the embed view did
    not show the post either."""
    if video.status in ACCESS_STATUSES and rendered:
        return None
    return video.status


def one_line(message: str) -> str:
    """yt-dlp's message in one line: no "ERROR:" prefix, no colour codes, no advice after it."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", message).strip()
    text = re.sub(r"^(?:ERROR|WARNING):\s*", "", text)
    text = text.splitlines()[0] if text else "yt-dlp gave no reason"
    # yt-dlp's advice to its command-line users (--cookies, updating) is no reason
    text = re.split(r";\s*(?:please report|use --|see\s+https?://|confirm you are on the latest)", text)[0]
    return text[:300]


# --- The info JSON -----------------------------------------------------------------------------

_SECRET_KEYS = ("cookies", "__files_to_move", "__postprocessors", "__real_download")


def sanitize(info: Any) -> Any:
    """yt-dlp's info made JSON-safe (its own sanitize_info) with no secret left: no cookies field,
    no cookie or authorization header anywhere, no paths of our spool folder."""
    from yt_dlp import YoutubeDL  # type: ignore[import-untyped, unused-ignore]

    clean = YoutubeDL.sanitize_info(info, remove_private_keys=True)
    return _strip(clean)


def _strip(value: Any) -> Any:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if key in _SECRET_KEYS or key in ("filepath", "_filename", "filename"):
                continue
            if key == "http_headers" and isinstance(item, dict):
                out[key] = {k: v for k, v in item.items() if str(k).lower() not in SECRET_REQUEST_HEADERS}
            else:
                out[key] = _strip(item)
        return out
    if isinstance(value, list):
        return [_strip(item) for item in value]
    return value


# --- The production fetcher ----------------------------------------------------------------------


def has_ffmpeg() -> bool:
    return shutil.which("ffmpeg") is not None and shutil.which("ffprobe") is not None


def format_options(max_height: int, ffmpeg: bool, max_bytes: int) -> dict[str, Any]:
    """yt-dlp's format choice: the best up to `max_height` (else the smallest above it), MP4
    preferred; separate video and audio merged when ffmpeg is there, else one file with both
    (or, failing that, the best single file: audio only, say). Formats whose size is known
    to be over `max_bytes` come last, so a smaller one under the cap is taken first; what is
    then still over it is stopped while it downloads (the progress hook)."""
    choices = ("bv*+ba", "b", "b*") if ffmpeg else ("b", "b*")
    under = f"[filesize<=?{max_bytes}]"
    fitting = ["+".join(part + under for part in choice.split("+")) for choice in choices]
    options: dict[str, Any] = {
        "format": "/".join([*fitting, *choices]),
        "format_sort": [f"res:{max_height}", "ext:mp4:m4a"],
    }
    if ffmpeg:
        options["merge_output_format"] = "mp4"
    return options


class _Log:
    """yt-dlp's logger: what it says is kept (the last lines) for the reason of a failure, and
    passed to ours at debug level. yt-dlp does not print cookies unless asked to print traffic."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.refuse: re.Pattern[str] | None = None  # a warning that announces what must not happen
        self.stop: type[Exception] = Exception
        self.refused: str | None = None

    def _keep(self, message: str) -> None:
        self.lines = [*self.lines[-40:], message]

    def debug(self, message: str) -> None:
        self._keep(message)

    def info(self, message: str) -> None:
        self._keep(message)

    def warning(self, message: str) -> None:
        self._keep(message)
        log.debug("yt-dlp: %s", one_line(message))
        found = self.refuse.search(message) if self.refuse is not None else None
        if found:
            self.refused = _OUTSIDE.format(found[1])
            raise self.stop(self.refused)

    def error(self, message: str) -> None:
        self._keep(message)


class YtDlpFetcher:
    """The VideoFetcher of the product: yt_dlp.YoutubeDL with the request's settings."""

    def fetch(self, request: VideoRequest) -> VideoResult:
        from yt_dlp.utils import DownloadError, GeoRestrictedError  # type: ignore[import-untyped, unused-ignore]

        logger = _Log()
        stopped: list[tuple[str, bool]] = []  # why our hook stopped it, and whether over the cap
        stop = _cancelled_type()

        def progress(status: dict[str, Any]) -> None:
            # (a fragment's downloader may swallow what we raise: `stopped` remembers it)
            if request.cancel.is_set():
                stopped.append(("the capture ended before the video did", False))
                raise stop(stopped[-1][0])
            # (what the server declared, else what has come: HLS declares no total)
            if max(status.get("total_bytes") or 0, status.get("downloaded_bytes") or 0) > request.max_bytes:
                stopped.append(
                    (f"more than {request.max_bytes} bytes, over the {request.max_bytes}-byte cap", True)
                )
                raise stop(stopped[-1][0])

        def no_live(info: Mapping[str, Any], *, incomplete: bool = False) -> str | None:
            if info.get("is_live"):
                raise stop("a live stream: not archived")
            return None

        params = _params(request, logger, progress, no_live)
        try:
            with _YoutubeDL(params, request.ca_bundle, request.native_only) as ydl:
                for cookie in request.cookies:
                    ydl.cookiejar.set_cookie(cookie)
                info = ydl.extract_info(request.url, download=True)
        except DownloadError as exc:
            cause = exc.exc_info[1] if exc.exc_info else None
            if logger.refused:
                return VideoResult(error=logger.refused)
            if stopped:
                return VideoResult(error=stopped[0][0], skipped=stopped[0][1])
            reason = one_line(str(exc.msg or exc))
            status = "geo_blocked" if isinstance(cause, GeoRestrictedError) else video_status(reason)
            return VideoResult(error=reason, status=status, no_video=bool(_NO_VIDEO.search(reason)))
        except stop as exc:  # ours, from the hooks
            return VideoResult(error=str(exc), skipped=bool(stopped and stopped[0][1]))
        except OSError as exc:  # the spool folder: a full disk, say
            return VideoResult(error=f"cannot keep it: {exc.strerror or exc}")
        if stopped:
            return VideoResult(error=stopped[0][0], skipped=stopped[0][1])
        if info is None:
            return VideoResult(error=_last_reason(logger.lines))
        return _collect(request, info, logger.lines)


@functools.cache
def _cancelled_type() -> type[Exception]:
    """What our hooks raise to stop a download (over the cap, cancelled, live): a yt-dlp
    DownloadCancelled, which it lets through to the caller. Made once yt-dlp is imported (only
    when a video is fetched: it is a large import)."""
    from yt_dlp.utils import DownloadCancelled  # type: ignore[import-untyped, unused-ignore]

    return type("Stopped", (DownloadCancelled,), {})


def _last_reason(lines: Iterable[str]) -> str:
    said = [line for line in lines if line.startswith(("ERROR", "WARNING"))]
    return one_line(said[-1]) if said else "yt-dlp downloaded nothing"


def _params(
    request: VideoRequest,
    logger: _Log,
    progress: Callable[[dict[str, Any]], None],
    match_filter: Callable[..., str | None],
) -> dict[str, Any]:
    params: dict[str, Any] = {
        "logger": logger,
        "quiet": True,
        "no_warnings": False,
        "noprogress": True,
        "color": {"stdout": "never", "stderr": "never"},
        # (one template: the thumbnail's path yt-dlp records is the default template's)
        "outtmpl": {"default": "%(id).60B-%(format_id).40B.%(ext)s"},
        "paths": {"home": str(request.folder), "temp": str(request.folder)},
        "restrictfilenames": True,
        "windowsfilenames": True,
        "socket_timeout": request.socket_timeout,
        "retries": 2,
        "fragment_retries": 2,
        "skip_unavailable_fragments": False,  # a video with a hole is no copy of it
        "extractor_retries": 1,
        "file_access_retries": 0,
        "proxy": request.proxy,
        "writethumbnail": True,
        "noplaylist": True,
        "playlistend": _MAX_ENTRIES,
        "progress_hooks": [progress],
        "match_filter": match_filter,
        "cachedir": False,
        "updatetime": False,
        "overwrites": True,
        "check_formats": False,
        "ffmpeg_location": shutil.which("ffmpeg") if request.ffmpeg else None,
        "fixup": "detect_or_warn" if request.ffmpeg else "never",
        **format_options(request.max_height, request.ffmpeg, request.max_bytes),
    }
    if request.user_agent:
        params["http_headers"] = {"User-Agent": request.user_agent}
    if request.native_only:
        # yt-dlp's own downloaders only: their connections go where `proxy` says (the relay)
        params["external_downloader"] = {"default": "native"}
        params["hls_prefer_native"] = True
    return params


_OUTSIDE = "yt-dlp would hand this download to {}, whose connections the network guard cannot check"


def _YoutubeDL(params: dict[str, Any], ca_bundle: Path | None, native_only: bool = False) -> Any:
    """A YoutubeDL whose TLS also trusts `ca_bundle` (a TLS-intercepting proxy's CA) and, with
    `native_only`, that refuses a download by any program but yt-dlp itself.

    yt-dlp takes no CA file: each request handler builds its SSL context in _make_sslcontext
    (certifi's roots, or the system's). The handlers are wrapped as the director is built, so
    every context they make loads the bundle too; a yt-dlp without that method fails here,
    loudly, instead of running without the CA.

    yt-dlp hands some downloads to other programs: ffmpeg for a live stream, rtmpdump for RTMP,
    and ffmpeg for an HLS stream its own downloader cannot read (AES-128 without pycryptodomex,
    other encryption). Those connect by themselves, around the relay. `dl` refuses a download
    whose downloader is not yt-dlp's own, and the logger stops the one HLS hand-over, which
    yt-dlp announces with a warning just before it makes it."""
    from yt_dlp import YoutubeDL  # type: ignore[import-untyped, unused-ignore]
    from yt_dlp.downloader import get_suitable_downloader  # type: ignore[import-untyped, unused-ignore]
    from yt_dlp.downloader.external import ExternalFD  # type: ignore[import-untyped, unused-ignore]
    from yt_dlp.downloader.rtmp import RtmpFD  # type: ignore[import-untyped, unused-ignore]

    stop = _cancelled_type()

    class Guarded(YoutubeDL):  # type: ignore[misc, unused-ignore]
        def build_request_director(self, handlers: Any, preferences: Any = None) -> Any:
            director = super().build_request_director(handlers, preferences)
            if ca_bundle is not None:
                for handler in director.handlers.values():
                    _trust(handler, ca_bundle)
            return director

        def dl(self, name: str, info: dict[str, Any], subtitle: bool = False, test: bool = False) -> Any:
            if native_only and info.get("url"):
                downloader = get_suitable_downloader(info, self.params, to_stdout=name == "-")
                if issubclass(downloader, RtmpFD):
                    raise stop(_OUTSIDE.format("rtmpdump"))
                if issubclass(downloader, ExternalFD):
                    raise stop(_OUTSIDE.format(downloader.get_basename()))
            return super().dl(name, info, subtitle, test)

    logger = params.get("logger")
    if native_only and isinstance(logger, _Log):
        logger.refuse = re.compile(r"delegated to (\w+)")
        logger.stop = stop
    return Guarded(params)


def _trust(handler: Any, ca_bundle: Path) -> None:
    make = getattr(handler, "_make_sslcontext", None)
    if make is None:
        raise RuntimeError("cannot give yt-dlp the CA bundle: its request handlers changed")

    def with_bundle(*args: Any, **kwargs: Any) -> Any:
        context = make(*args, **kwargs)
        context.load_verify_locations(cafile=str(ca_bundle))
        return context

    handler._make_sslcontext = with_bundle


_MIMES = {
    ".mp4": "video/mp4",
    ".m4a": "audio/mp4",
    ".webm": "video/webm",
    ".mkv": "video/x-matroska",
    ".mp3": "audio/mpeg",
    ".ogg": "audio/ogg",
    ".opus": "audio/ogg",
    ".ts": "video/mp2t",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".png": "image/png",
}
_LEFTOVERS = (".part", ".ytdl", ".temp", ".frag")


def _collect(request: VideoRequest, info: dict[str, Any], lines: list[str]) -> VideoResult:
    """The files yt-dlp wrote (each checked against the cap) and the sanitized info."""
    entries = info.get("entries") or [info]
    sources: dict[str, str | None] = {}
    audio_only: set[str] = set()
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        for done in entry.get("requested_downloads") or []:
            path = done.get("filepath")
            if not path:
                continue
            # the URL these bytes are, when one plain download made the file (not merged, no HLS)
            single = str(done.get("protocol", "")).startswith("http") and not done.get("requested_formats")
            sources[str(Path(path).resolve())] = done.get("url") if single else None
            if done.get("vcodec") == "none":
                audio_only.add(str(Path(path).resolve()))
        for thumbnail in entry.get("thumbnails") or []:
            if thumbnail.get("filepath"):
                sources[str(Path(thumbnail["filepath"]).resolve())] = thumbnail.get("url")
    result = VideoResult(info=sanitize(info))
    for path in sorted(request.folder.iterdir()):
        if not path.is_file() or path.name.endswith(_LEFTOVERS) or ".part-Frag" in path.name:
            continue
        size = path.stat().st_size
        if size > request.max_bytes:
            path.unlink()
            result.skipped = True
            result.error = f"{size} bytes, over the {request.max_bytes}-byte cap"
            continue
        key = str(path.resolve())
        mime = (
            _MIMES.get(path.suffix.lower())
            or mimetypes.guess_type(path.name)[0]
            or "application/octet-stream"
        )
        if key in audio_only and mime.startswith("video/"):
            mime = "audio/" + mime.split("/", 1)[1]
        result.files.append(VideoFile(path, mime, sources.get(key)))
    if not any(not f.mime.startswith("image/") for f in result.files) and result.error is None:
        result.error = _last_reason(lines)
    return result


# --- In the capture -------------------------------------------------------------------------------


@dataclass
class VideoOutcome:
    """What the capture keeps of one post's video: artifacts, what is missing, and the status
    the platform stated to yt-dlp (None: it stated none)."""

    artifacts: list[Artifact] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    status: str | None = None
    reason: str = ""
    seconds: float = 0.0


async def download_video(
    fetcher: VideoFetcher,
    settings: Settings,
    guard: Guard,
    platform: Platform,
    post_id: str,
    spool: Path,
    relay: Relay | None = None,
) -> VideoOutcome:
    """The post's video through `fetcher` on a worker thread, within the capture's time; never
    raises for the post's sake."""
    started = time.monotonic()
    outcome = VideoOutcome()
    url = (platform.video_url or platform.canonical_url)(post_id)
    proxy = settings.proxy_origin()[0]
    try:
        guard.check_url(url)
        if guard.active and proxy is not None and relay is None:
            parts = urlsplit(url)
            port = parts.port or (443 if parts.scheme == "https" else 80)
            await asyncio.to_thread(guard.check_resolved, parts.hostname or "", port, url)
    except Refused as exc:
        outcome.missing.append(f"video: {exc}")
        return outcome
    folder = Path(tempfile.mkdtemp(prefix="video-", dir=spool))
    request = VideoRequest(
        url=url,
        folder=folder,
        max_height=settings.video_max_height,
        max_bytes=settings.max_media_bytes,
        socket_timeout=settings.fetch_timeout,
        proxy=f"socks5h://127.0.0.1:{relay.port}" if relay is not None else (proxy or ""),
        ca_bundle=settings.ca_bundle,
        cookies=cookie_jar(settings, platform.name),
        user_agent=settings.user_agent,
        ffmpeg=has_ffmpeg(),
        native_only=guard.active,
    )
    refused_before = dict(relay.refused) if relay is not None else {}
    try:
        got = await asyncio.wait_for(_on_own_thread(fetcher.fetch, request), settings.capture_timeout)
    except asyncio.TimeoutError:
        got = VideoResult(error=f"not done within {settings.capture_timeout:g}s")
    except Exception as exc:  # a bug in yt-dlp or ours costs the video, not the capture
        log.exception("fetching the video of %s %s crashed", platform.name, post_id)
        got = VideoResult(error=f"{type(exc).__name__}: {exc}")
    finally:
        request.cancel.set()  # a thread still running stops at its next chunk
    _keep(got, outcome, url, _refusal(relay, refused_before, got.error))
    kept = {artifact.data for artifact in outcome.artifacts}
    for left in folder.iterdir():  # a partial download, fragments: nothing to keep
        if left not in kept:
            left.unlink(missing_ok=True)
    outcome.seconds = time.monotonic() - started
    return outcome


async def _on_own_thread(fetch: Callable[[VideoRequest], VideoResult], request: VideoRequest) -> VideoResult:
    """`fetch(request)` on a thread of its own, not the event loop's default pool: a download
    takes minutes, and in that pool it would hold a thread the relay and the guard need to
    resolve names (the download waiting on them); a daemon thread, so a hung one never holds
    up the process's exit either (it stops at its next chunk once request.cancel is set)."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future[VideoResult] = loop.create_future()

    def settle(result: VideoResult | None, error: BaseException | None) -> None:
        if done.done():  # given up on: the capture ended
            return
        if error is not None:
            done.set_exception(error)
        else:
            assert result is not None
            done.set_result(result)

    def run() -> None:
        result: VideoResult | None = None
        error: BaseException | None = None
        try:
            result = fetch(request)
        except BaseException as exc:  # handed to the awaiting task, which says what it was
            error = exc
        with contextlib.suppress(RuntimeError):  # the loop is gone: nobody waits any more
            loop.call_soon_threadsafe(settle, result, error)

    threading.Thread(target=run, name=f"yt-dlp {request.url}"[:60], daemon=True).start()
    return await done


def _refusal(relay: Relay | None, before: Mapping[str, Refused], error: str | None) -> str | None:
    """Why the relay refused a connection of this fetch, when it did: the guard's one line."""
    if relay is None or error is None:
        return None
    new = {host: why for host, why in relay.refused.items() if before.get(host) is not why}
    named = [why for host, why in relay.refused.items() if host in error]
    found = named or list(new.values())
    return str(found[-1]) if found else None


def _keep(got: VideoResult, outcome: VideoOutcome, url: str, refused: str | None) -> None:
    for file in got.files:
        outcome.artifacts.append(Artifact("media", file.path, file.mime, source_url=file.source_url))
    if got.info is not None:
        text = json.dumps(got.info, indent=1, sort_keys=True, ensure_ascii=False, default=str)
        outcome.artifacts.append(Artifact(VIDEO_INFO, text.encode(), "application/json", source_url=url))
    if got.error is None or got.no_video:
        return
    if refused is not None:
        outcome.missing.append(f"video: {refused}")
    elif got.skipped:
        outcome.missing.append(f"skipped: video {url}: {got.error}")
    else:
        outcome.missing.append(f"video {url}: {got.error}")
        outcome.status = got.status
        outcome.reason = got.error
