"""Video through yt-dlp (capture/video.py).

The real yt-dlp library, end to end, against loopback media (a direct MP4 and an HLS playlist
made with ffmpeg, through yt-dlp's generic extractor); the per-platform calls at the boundary
(an injected VideoFetcher); yt-dlp's reasons as post statuses; a capture through the Capturer.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import json
import shutil
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from video_support import Media, MediaServer, duration, ffmpeg_missing, make_media, playlist

from archiver import platforms
from archiver.capture.capturer import Capturer
from archiver.capture.relay import Relay
from archiver.capture.video import (
    VIDEO_INFO,
    VideoFile,
    VideoOutcome,
    VideoRequest,
    VideoResult,
    YtDlpFetcher,
    _params,
    _YoutubeDL,
    download_video,
    format_options,
    one_line,
    sanitize,
    stated_status,
    video_status,
    video_wanted,
)
from archiver.guard import Guard
from archiver.models import Artifact, PostData
from archiver.platforms.base import Platform
from archiver.settings import Settings


@pytest.fixture(scope="session")
def media(tmp_path_factory: pytest.TempPathFactory) -> Media:
    why = ffmpeg_missing()
    if why:
        pytest.skip(why)
    return make_media(tmp_path_factory.mktemp("media"))


@pytest.fixture
def server(media: Media) -> Any:
    with MediaServer(media.folder) as served:
        yield served


def loopback_platform(server: MediaServer, host: str = "127.0.0.1") -> Platform:
    """A platform whose posts are files on the loopback server (post id = file name)."""
    return Platform(
        name="loopvideo",
        url_patterns=(r"/(?P<id>[\w.-]+)$",),
        canonical_url=lambda post_id: server.url(post_id, host),
        video=True,
    )


def fetch(
    settings: Settings,
    platform: Platform,
    post_id: str,
    spool: Path,
    *,
    guard: Guard | None = None,
    relay: Relay | None = None,
    fetcher: Any = None,
) -> VideoOutcome:
    guard = guard if guard is not None else Guard.for_settings(settings)
    return asyncio.run(
        download_video(fetcher or YtDlpFetcher(), settings, guard, platform, post_id, spool, relay=relay)
    )


def media_of(outcome: VideoOutcome) -> list[Artifact]:
    return [a for a in outcome.artifacts if a.kind == "media" and not a.mime.startswith("image/")]


def sha256(path: Path | bytes) -> str:
    return hashlib.sha256(path if isinstance(path, bytes) else path.read_bytes()).hexdigest()


OPEN = Settings(allow_private_network=True, fetch_timeout=10, capture_timeout=60)


# --- The real yt-dlp against loopback media ------------------------------------------------------


def test_a_direct_mp4_is_kept_as_served_with_its_info(
    server: MediaServer, media: Media, tmp_path: Path
) -> None:
    outcome = fetch(OPEN, loopback_platform(server), media.mp4, tmp_path)
    assert outcome.missing == [] and outcome.status is None
    [video] = media_of(outcome)
    assert isinstance(video.data, Path) and video.mime == "video/mp4"
    assert sha256(video.data) == sha256(media.folder / media.mp4)  # the very bytes served
    assert video.source_url == server.url(media.mp4)
    [info] = [a for a in outcome.artifacts if a.kind == VIDEO_INFO]
    assert isinstance(info.data, bytes) and info.mime == "application/json"
    kept = json.loads(info.data)
    assert kept["extractor"] == "generic" and kept["webpage_url"] == server.url(media.mp4)
    assert str(tmp_path) not in info.data.decode()  # no paths of ours


def test_an_hls_playlist_becomes_a_playable_mp4(server: MediaServer, media: Media, tmp_path: Path) -> None:
    outcome = fetch(OPEN, loopback_platform(server), media.hls, tmp_path)
    assert outcome.missing == []
    [video] = media_of(outcome)
    assert isinstance(video.data, Path) and video.data.suffix == ".mp4" and video.mime == "video/mp4"
    assert duration(video.data) == pytest.approx(2.0, abs=0.3)
    assert video.source_url is None  # made of segments: no one URL served these bytes
    assert any(path.startswith("/seg") for path in server.paths)
    assert any(a.kind == VIDEO_INFO for a in outcome.artifacts)


def test_a_page_s_video_and_its_thumbnail_are_kept(server: MediaServer, media: Media, tmp_path: Path) -> None:
    outcome = fetch(OPEN, loopback_platform(server), media.page, tmp_path)
    assert outcome.missing == []
    files = {a.mime: a for a in outcome.artifacts if a.kind == "media"}
    assert set(files) == {"video/mp4", "image/jpeg"}
    assert files["image/jpeg"].source_url == server.url(media.thumbnail)
    for mime, name in (("video/mp4", media.mp4), ("image/jpeg", media.thumbnail)):
        kept = files[mime].data
        assert isinstance(kept, Path) and sha256(kept) == sha256(media.folder / name)


def test_an_audio_only_post_keeps_its_audio(server: MediaServer, media: Media, tmp_path: Path) -> None:
    outcome = fetch(OPEN, loopback_platform(server), media.audio, tmp_path)
    assert outcome.missing == []
    [audio] = media_of(outcome)
    assert audio.mime == "audio/mp4" and isinstance(audio.data, Path)
    assert duration(audio.data) == pytest.approx(2.0, abs=0.3)


def test_a_video_over_the_size_cap_is_skipped(server: MediaServer, media: Media, tmp_path: Path) -> None:
    small = replace(OPEN, max_media_bytes=20_000)
    for name in (media.mp4, media.hls):
        outcome = fetch(small, loopback_platform(server), name, tmp_path)
        assert media_of(outcome) == [], name
        [line] = outcome.missing
        assert line.startswith("skipped: video ") and "cap" in line, line
        assert outcome.status is None
    left = [p for p in tmp_path.rglob("*") if p.is_file() and p.stat().st_size > 20_000]
    assert left == []


def test_a_404_is_missing_with_its_reason_and_no_status(server: MediaServer, tmp_path: Path) -> None:
    outcome = fetch(OPEN, loopback_platform(server), "gone.mp4", tmp_path)
    [line] = outcome.missing
    assert "404" in line and "\n" not in line
    assert outcome.status is None and outcome.artifacts == []


def test_cookies_reach_yt_dlp_but_no_artifact(server: MediaServer, media: Media, tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    cookie = {"name": "sid", "value": "s3cr3t-c00kie", "domain": "127.0.0.1", "path": "/"}
    state.write_text(json.dumps({"cookies": [cookie], "origins": []}))
    settings = replace(OPEN, storage_state=f"loopvideo={state}")
    spool = tmp_path / "spool"
    spool.mkdir()
    outcome = fetch(settings, loopback_platform(server), media.hls, spool)
    assert media_of(outcome)
    assert server.cookies and all("sid=s3cr3t-c00kie" in sent for sent in server.cookies)
    for artifact in outcome.artifacts:
        data = artifact.data.read_bytes() if isinstance(artifact.data, Path) else artifact.data
        assert b"s3cr3t-c00kie" not in data, artifact.kind


def test_no_cookie_or_authorization_survives_sanitize() -> None:
    info = {
        "id": "x",
        "http_headers": {"Cookie": "a=1", "Authorization": "Bearer t", "User-Agent": "u"},
        "formats": [{"url": "https://v/1", "cookies": "a=1; Domain=v", "http_headers": {"cookie": "a=1"}}],
        "requested_downloads": [{"filepath": "/spool/x.mp4"}],
    }
    clean = sanitize(info)
    assert clean["http_headers"] == {"User-Agent": "u"}
    assert clean["formats"] == [{"url": "https://v/1", "http_headers": {}}]
    assert "requested_downloads" not in clean and "a=1" not in json.dumps(clean)


# --- The network guard ----------------------------------------------------------------------------


class Recording:
    """A VideoFetcher that records its requests and gives nothing."""

    def __init__(self, result: VideoResult | None = None) -> None:
        self.requests: list[VideoRequest] = []
        self.result = result or VideoResult(error="nothing here")

    def fetch(self, request: VideoRequest) -> VideoResult:
        self.requests.append(request)
        return self.result


def test_the_guard_refuses_a_loopback_video_before_yt_dlp_sees_it(
    server: MediaServer, tmp_path: Path
) -> None:
    recording = Recording()
    outcome = fetch(Settings(), loopback_platform(server), "clip.mp4", tmp_path, fetcher=recording)
    assert recording.requests == []
    [line] = outcome.missing
    assert line.startswith("video: ") and "loopback" in line
    assert server.paths == []


def test_through_the_relay_segments_on_a_refused_address_are_never_fetched(
    server: MediaServer, media: Media, tmp_path: Path
) -> None:
    """The playlist's host is one the user named (trusted); its segments point at 127.0.0.1,
    which the guard refuses: the relay refuses the connection, so no segment is fetched."""
    moved = playlist(media, "moved.m3u8", f"http://127.0.0.1:{server.port}")
    platform = loopback_platform(server, host="localhost")
    guard = Guard(trusted_hosts=frozenset({"localhost"}))

    async def run(post_id: str) -> VideoOutcome:
        relay = Relay(guard)
        await relay.start()
        try:
            return await download_video(
                YtDlpFetcher(), Settings(), guard, platform, post_id, tmp_path, relay=relay
            )
        finally:
            await relay.close()

    outcome = asyncio.run(run(moved))
    assert f"/{moved}" in server.paths
    assert not any(path.startswith("/seg") for path in server.paths)
    assert media_of(outcome) == []
    [line] = outcome.missing
    assert "127.0.0.1" in line and "loopback" in line, line
    # The same playlist with its segments on the trusted host comes whole through the relay.
    outcome = asyncio.run(run(media.hls))
    assert outcome.missing == [] and len(media_of(outcome)) == 1


def test_a_relay_and_a_user_proxy_reach_yt_dlp(server: MediaServer, tmp_path: Path) -> None:
    recording = Recording()
    platform = loopback_platform(server, host="video.example")

    async def run() -> VideoRequest:
        relay = Relay(Guard())
        await relay.start()
        try:
            await download_video(recording, Settings(), Guard(), platform, "a.mp4", tmp_path, relay=relay)
        finally:
            await relay.close()
        return recording.requests[-1]

    request = asyncio.run(run())
    assert request.proxy.startswith("socks5h://127.0.0.1:") and request.native_only
    proxied = Settings(proxy="http://proxy.example:3128")
    guard = Guard.for_settings(proxied, ["http://video.example/"])  # trusted: not looked up here
    fetch(proxied, platform, "a.mp4", tmp_path, guard=guard, fetcher=recording)
    assert recording.requests[-1].proxy == "http://proxy.example:3128"


def test_yt_dlp_trusts_the_ca_bundle(tmp_path: Path) -> None:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test CA")
    ca = tmp_path / "ca.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", str(tmp_path / "ca.key"), "-out", str(ca), "-days", "2", "-subj", "/CN=video test CA",
         "-addext", "basicConstraints=critical,CA:TRUE"],
        check=True, capture_output=True,
    )  # fmt: skip
    with _YoutubeDL({"quiet": True}, ca) as ydl:
        contexts = [handler._make_sslcontext() for handler in ydl._request_director.handlers.values()]
    assert contexts
    for context in contexts:
        names = [dict(pair[0] for pair in cert["subject"]) for cert in context.get_ca_certs()]
        assert {"commonName": "video test CA"} in names


# --- The boundary: per-platform calls ------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "post", "url"),
    [
        ("instagram", "https://www.instagram.com/p/C9xYz12AbCd/", "https://www.instagram.com/p/C9xYz12AbCd/"),
        ("youtube", "https://youtu.be/dQw4w9WgXcQ", "https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
        (
            "dailymotion",
            "https://www.dailymotion.com/video/x84sh87",
            "https://www.dailymotion.com/video/x84sh87",
        ),
        ("tiktok", "https://www.tiktok.com/@a/video/6806030056956251397", None),
    ],
)
def test_each_platform_asks_for_its_canonical_url(
    name: str, post: str, url: str | None, tmp_path: Path
) -> None:
    platform = platforms.get(name)
    post_id = platform.post_id(post)
    assert post_id is not None
    recording = Recording(VideoResult())
    settings = replace(OPEN, video_max_height=720, max_media_bytes=12345, fetch_timeout=7)
    fetch(settings, platform, post_id, tmp_path, fetcher=recording)
    [request] = recording.requests
    assert request.url == (url or platform.canonical_url(post_id))
    assert (request.max_height, request.max_bytes, request.socket_timeout) == (720, 12345, 7)
    assert request.folder.parent == tmp_path and request.proxy == "" and not request.native_only


VIDEO_PLATFORMS = [p for p in platforms.PLATFORMS if p.video]


@functools.cache
def _extractors() -> list[Any]:
    from yt_dlp.extractor import gen_extractor_classes

    return [ie for ie in gen_extractor_classes() if ie.ie_key() != "Generic"]


def extractor(url: str) -> str:
    """The yt-dlp extractor that reads `url` (Generic: none of the sites' own)."""
    return next((ie.ie_key() for ie in _extractors() if ie.suitable(url)), "Generic")


@pytest.mark.parametrize("platform", VIDEO_PLATFORMS, ids=[p.name for p in VIDEO_PLATFORMS])
def test_every_video_platform_hands_yt_dlp_its_post_url(platform: Platform, tmp_path: Path) -> None:
    _, post_id = platform.examples[0]
    reason = "[x] 1: This video has been removed by the uploader"
    recording = Recording(VideoResult(error=reason, status=video_status(reason)))
    outcome = fetch(OPEN, platform, post_id, tmp_path, fetcher=recording)
    [request] = recording.requests
    assert request.url.startswith("https://") and platform.post_id(request.url) == post_id
    assert extractor(request.url) != "Generic"  # yt-dlp's own extractor for the site reads it
    assert outcome.status == "deleted" and outcome.missing == [f"video {request.url}: {reason}"]


def test_the_format_honours_the_height_setting_and_ffmpeg(tmp_path: Path) -> None:
    assert format_options(720, True, 99) == {
        "format": "bv*[filesize<=?99]+ba[filesize<=?99]/b[filesize<=?99]/b*[filesize<=?99]/bv*+ba/b/b*",
        "format_sort": ["res:720", "ext:mp4:m4a"],
        "merge_output_format": "mp4",
    }
    assert format_options(480, False, 99)["format"] == "b[filesize<=?99]/b*[filesize<=?99]/b/b*"
    assert "merge_output_format" not in format_options(480, False, 99)
    request = VideoRequest("https://v.example/1", tmp_path, 360, 1000, 5, "socks5h://127.0.0.1:9")
    params = _params(request, None, lambda status: None, lambda info: None)  # type: ignore[arg-type]
    assert params["format_sort"][0] == "res:360" and "[filesize<=?1000]" in params["format"]
    assert params["proxy"] == "socks5h://127.0.0.1:9" and params["socket_timeout"] == 5
    assert params["external_downloader"] == {"default": "native"}  # ffmpeg never fetches


def test_no_yt_dlp_when_the_height_setting_is_zero() -> None:
    instagram = platforms.get("instagram")
    assert video_wanted(Settings(), instagram, None)
    assert not video_wanted(Settings(video_max_height=0), instagram, None)
    assert not video_wanted(Settings(), platforms.get("linkedin"), None)


def post(*media: dict[str, Any]) -> PostData:
    return PostData("x", "1", "https://x.example/1", media=list(media))


@pytest.mark.parametrize(
    ("media", "kept", "wanted"),
    [
        ([], {}, False),  # the data says: no media
        ([{"type": "photo", "url": "p"}], {"p": True}, False),
        ([{"type": "video", "url": "v"}], {"v": True}, False),  # X, Telegram: the data's file kept
        ([{"type": "video", "url": "v"}], {"v": False}, True),  # too large for us, failed
        ([{"type": "hls", "url": "h"}], {}, True),  # Bluesky
        ([{"type": "thumbnail", "url": "t"}], {}, True),  # Telegram's large video; oEmbed's picture
        ([{"type": "video", "url": "v", "hls": "h"}], {"v": True}, True),  # Reddit: a silent track
    ],
)
def test_yt_dlp_fills_in_what_the_data_did_not_keep(
    media: list[dict[str, Any]], kept: dict[str, bool], wanted: bool
) -> None:
    assert video_wanted(Settings(), platforms.get("twitter"), post(*media), kept) is wanted


# --- yt-dlp's reasons --------------------------------------------------------------------------------

REASONS = [
    ("[youtube] abc: Video unavailable", "deleted"),
    ("[youtube] abc: Video unavailable. This video has been removed by the uploader", "deleted"),
    ("[youtube] abc: This video has been removed for violating YouTube's Terms of Service", "deleted"),
    ("[youtube] abc: Private video. Sign in if you've been granted access to this video", "protected"),
    ("[vimeo] 1: This video is private", "protected"),
    (
        "[youtube] abc: Video unavailable. This video is no longer available because the YouTube "
        "account associated with this video has been terminated.",
        "suspended",
    ),
    (
        "[youtube] abc: Video unavailable. The uploader has not made this video available in your country",
        "geo_blocked",
    ),
    ("[DailyMotion] x8: This video is not available in your country", "geo_blocked"),
    (
        "[youtube] abc: Sign in to confirm your age. This video may be inappropriate for some users.",
        "login_required",
    ),
    ("[Instagram] C9: Requested content is not available, rate-limit reached or login required", None),
    ("[facebook] 1: This video is only available for registered users", "login_required"),
    (
        "[facebook] 1: This video is age-restricted and requires authentication. Use --cookies",
        "login_required",
    ),
    ("[TikTok] 1: TikTok is requiring login for access to this content", "login_required"),
    ("[TikTok] 1: This post may not be comfortable for some audiences. Log in for access", "login_required"),
    ("[generic] x: This video is not available from your location due to geo restriction", "geo_blocked"),
    ("[TikTok] 1: Video not available, status code 10204", None),  # no word on why
    ("[generic] x: Unable to download webpage: ProxyError('Unable to connect to proxy')", None),
    ("[generic] x: Unable to download webpage: HTTP Error 404: Not Found", None),
    ("[youtube] abc: Unable to download API page: <urlopen error [Errno -3] Temporary failure>", None),
    ("Unsupported URL: https://example.com/", None),
    ("[twitter] 1: Error(s) while querying API: Something went wrong", None),
    ("[TikTok] 1: Unable to extract universal data for rehydration", None),
    ("[youtube] abc: Got error: The read operation timed out", None),
]


@pytest.mark.parametrize(("reason", "status"), REASONS)
def test_a_reason_gives_a_status_only_when_the_platform_states_it(reason: str, status: str | None) -> None:
    assert video_status(reason) == status


def test_reasons_are_one_line_without_advice() -> None:
    message = (
        "ERROR: [youtube] abc: Sign in to confirm your age. Use --cookies-from-browser or --cookies\nmore"
    )
    assert (
        one_line(message)
        == "[youtube] abc: Sign in to confirm your age. Use --cookies-from-browser or --cookies"
    )
    assert one_line("\x1b[0;31mERROR:\x1b[0m [generic] x: gone; please report this issue on  https://x") == (
        "[generic] x: gone"
    )


def test_a_login_wall_is_no_status_when_the_view_showed_the_post() -> None:
    assert stated_status(VideoOutcome(status="deleted"), rendered=True) == "deleted"
    assert stated_status(VideoOutcome(status="login_required"), rendered=True) is None
    assert stated_status(VideoOutcome(status="login_required"), rendered=False) == "login_required"
    assert stated_status(VideoOutcome(status="geo_blocked"), rendered=True) is None


def test_a_hung_fetch_ends_with_the_capture_timeout(tmp_path: Path) -> None:
    released = threading.Event()

    class Hung:
        def fetch(self, request: VideoRequest) -> VideoResult:
            request.cancel.wait(10)  # a real fetch stops at its next chunk once cancelled
            released.set()
            return VideoResult()

    settings = replace(OPEN, capture_timeout=0.2)
    outcome = fetch(settings, platforms.get("instagram"), "C9xYz12AbCd", tmp_path, fetcher=Hung())
    assert outcome.missing and "not done within 0.2s" in outcome.missing[0]
    assert released.wait(5)  # the thread was told to stop, and did


def test_a_download_needs_no_thread_of_the_loop_s_pool(tmp_path: Path) -> None:
    """A download takes minutes: in the loop's default pool it would hold a thread the relay and
    the guard need to resolve names. Here that pool's one thread is busy, and the fetch goes on."""

    async def run() -> VideoOutcome:
        loop = asyncio.get_running_loop()
        loop.set_default_executor(ThreadPoolExecutor(max_workers=1))
        release = threading.Event()
        busy = loop.run_in_executor(None, release.wait, 10)
        try:
            instagram = platforms.get("instagram")
            got = download_video(Recording(VideoResult()), OPEN, Guard(), instagram, "C9xYz12AbCd", tmp_path)
            return await asyncio.wait_for(got, 5)
        finally:
            release.set()
            await busy

    assert asyncio.run(run()).missing == []


# --- Through the Capturer ----------------------------------------------------------------------------


class Served:
    """A VideoFetcher standing in for a platform at the boundary: writes a file, or fails."""

    def __init__(self, error: str | None = None) -> None:
        self.error = error
        self.urls: list[str] = []

    def fetch(self, request: VideoRequest) -> VideoResult:
        self.urls.append(request.url)
        if self.error:
            return VideoResult(error=self.error, status=video_status(self.error))
        path = request.folder / "v.mp4"
        path.write_bytes(b"\x00\x00\x00\x18ftypmp42 a video")
        return VideoResult(files=[VideoFile(path, "video/mp4")], info={"id": "v", "title": "t"})


@pytest.mark.browser
@pytest.mark.parametrize(
    ("served", "status", "kept"),
    [
        (Served(), "live", True),
        (Served("[Instagram] C9xYz12AbCd: This video has been removed by the uploader"), "deleted", False),
        # Instagram asks yt-dlp for a login even for public posts: the view showed the post
        (Served("[Instagram] C9xYz12AbCd: login required to view this post"), "live", False),
        (Served("[Instagram] C9xYz12AbCd: Unable to download webpage: HTTP Error 500"), "live", False),
    ],
)
def test_a_capture_keeps_the_video_and_its_word_on_the_post(
    world: Any, settings: Settings, served: Served, status: str, kept: bool
) -> None:
    settings = replace(settings, page_timeout=10, capture_timeout=60)
    # A platform whose data endpoint we do not read: the video comes from yt-dlp alone.
    instagram = replace(platforms.get("instagram"), fetch_data=None)

    async def run() -> Any:
        async with (
            httpx.AsyncClient(transport=world.transport(), timeout=5) as client,
            Capturer(settings, client, install_routes=world.install, video=served) as capturer,
        ):
            result = await capturer.capture_post(instagram, "C9xYz12AbCd")
            files = [(a.kind, a.mime, a.data.read_bytes() if isinstance(a.data, Path) else a.data)
                     for a in result.artifacts]  # fmt: skip
            return result, files

    result, files = asyncio.run(run())
    assert served.urls == [instagram.canonical_url("C9xYz12AbCd")]
    assert result.status == status and result.post_status == status
    videos = [data for kind, mime, data in files if kind == "media" and mime == "video/mp4"]
    assert (videos == [b"\x00\x00\x00\x18ftypmp42 a video"]) is kept
    assert any(kind == VIDEO_INFO for kind, _, _ in files) is kept
    assert any(kind == "screenshot" for kind, _, _ in files)
    if not kept:
        assert [line for line in result.missing if line.startswith("video ")] == [
            f"video {instagram.canonical_url('C9xYz12AbCd')}: {served.error}"
        ]


# --- Nothing but yt-dlp itself connects -------------------------------------------------------------


def test_an_hls_stream_yt_dlp_would_hand_to_ffmpeg_is_refused(
    server: MediaServer, media: Media, tmp_path: Path
) -> None:
    """yt-dlp's own HLS downloader hands a stream it cannot read to ffmpeg, which would connect
    by itself, around the relay (without the guard, ffmpeg fetches key.bin and the segments):
    with the guard on, that is refused, and ffmpeg fetches nothing."""
    text = (media.folder / media.hls).read_text()
    key = '#EXT-X-KEY:METHOD=SAMPLE-AES,URI="key.bin",IV=0x00000000000000000000000000000001\n'
    (media.folder / "locked.m3u8").write_text(text.replace("#EXTINF", key + "#EXTINF", 1))
    request = VideoRequest(server.url("locked.m3u8"), tmp_path, 1080, 10**8, 10, "", ffmpeg=True)
    result = YtDlpFetcher().fetch(request)
    assert result.error == (
        "yt-dlp would hand this download to ffmpeg, whose connections the network guard cannot check"
    )
    assert result.status is None and result.files == []
    assert not any(path.startswith(("/seg", "/key")) for path in server.paths)


def test_a_download_by_another_program_is_refused_when_the_guard_is_on() -> None:
    from yt_dlp.utils import DownloadCancelled

    rtmp = {"id": "a", "url": "rtmp://video.example/live/a", "protocol": "rtmp", "ext": "flv"}
    with (
        _YoutubeDL({"quiet": True}, None, native_only=True) as ydl,
        pytest.raises(DownloadCancelled) as refused,
    ):
        ydl.dl("a.flv", dict(rtmp))
    assert "rtmpdump" in str(refused.value) and "network guard" in str(refused.value)


@pytest.mark.browser
def test_a_capture_through_the_relay_keeps_a_real_hls_video(
    server: MediaServer, media: Media, settings: Settings
) -> None:
    """The production path whole: the Capturer with the guard on starts its relay, renders the
    view, and yt-dlp (the real library) fetches the HLS video through that relay, merged to MP4."""
    platform = replace(loopback_platform(server), embed_url=lambda post_id: server.url(media.page))
    guard = Guard(trusted_hosts=frozenset({"127.0.0.1"}))  # as a source the user named

    class Seen(YtDlpFetcher):
        def __init__(self) -> None:
            self.proxies: list[str] = []

        def fetch(self, request: VideoRequest) -> VideoResult:
            self.proxies.append(request.proxy)
            return super().fetch(request)

    fetcher = Seen()
    settings = replace(settings, page_timeout=10, capture_timeout=60, fetch_timeout=10)

    async def run() -> tuple[Any, list[tuple[str, str, float | None]]]:
        async with (
            httpx.AsyncClient(timeout=5) as client,
            Capturer(settings, client, guard=guard, video=fetcher) as capturer,
        ):
            assert capturer._relay is not None
            result = await capturer.capture_post(platform, media.hls)
            assert fetcher.proxies == [f"socks5h://127.0.0.1:{capturer._relay.port}"]  # the relay carried it
            kept = [
                (
                    a.kind,
                    a.mime,
                    duration(a.data) if a.mime == "video/mp4" and isinstance(a.data, Path) else None,
                )
                for a in result.artifacts
            ]
            return result, kept

    result, kept = asyncio.run(run())
    assert result.status == "live" and result.missing == [], result.missing
    [(_, _, seconds)] = [k for k in kept if k[0] == "media" and k[1] == "video/mp4"]
    assert seconds == pytest.approx(2.0, abs=0.3)
    assert any(kind == VIDEO_INFO for kind, _, _ in kept) and any(kind == "screenshot" for kind, _, _ in kept)
    assert any(path.startswith("/seg") for path in server.paths)
