"""Loopback video for the yt-dlp tests and bench: small media made with ffmpeg, and a server.

    media = make_media(folder)                  # clip.mp4, an HLS playlist and its segments
    with MediaServer(media.folder) as server:    # http://127.0.0.1:PORT/clip.mp4 ...
        server.url("clip.mp4"); server.cookies  # the Cookie headers it was sent

The server serves the folder's files with their content types (Range requests too, as yt-dlp
may ask for them), answers 404 for anything else, and can wait `delay` seconds before each
answer (the bench's realistic latency). `playlist(name, base)` writes an HLS playlist whose
segment URLs start with `base` (another host, to test the network guard on segments).
"""

from __future__ import annotations

import http.server
import re
import shutil
import socketserver
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from loopback import _Served

_TYPES = {
    ".mp4": "video/mp4",
    ".m3u8": "application/vnd.apple.mpegurl",
    ".ts": "video/mp2t",
    ".jpg": "image/jpeg",
    ".m4a": "audio/mp4",
    ".html": "text/html; charset=utf-8",
}

# A post page as video sites serve it to a link preview: its video and picture in Open Graph tags.
PAGE = """<!doctype html><html><head><title>A post</title>
<meta property="og:title" content="A post"><meta property="og:image" content="/thumb.jpg">
<meta property="og:video" content="/clip.mp4"><meta property="og:video:type" content="video/mp4">
</head><body><video src="/clip.mp4" poster="/thumb.jpg"></video></body></html>"""


def ffmpeg_missing() -> str | None:
    """Why the video tests cannot run here, or None."""
    missing = [tool for tool in ("ffmpeg", "ffprobe") if shutil.which(tool) is None]
    return f"{' and '.join(missing)} not on PATH (make ffmpeg installs it)" if missing else None


@dataclass(frozen=True)
class Media:
    folder: Path
    mp4: str = "clip.mp4"
    hls: str = "clip.m3u8"
    audio: str = "clip.m4a"  # the tone alone
    thumbnail: str = "thumb.jpg"
    page: str = "page.html"  # names clip.mp4 and thumb.jpg


def make_media(
    folder: Path, seconds: float = 2.0, size: str = "320x240", segment: float | None = None
) -> Media:
    """A clip of `seconds` (test picture and a tone) as MP4 and as HLS in segments of `segment`
    seconds (default: a third of the clip; a keyframe every second)."""
    folder.mkdir(parents=True, exist_ok=True)
    source = [
        "-f", "lavfi", "-i", f"testsrc=duration={seconds}:size={size}:rate=25",
        "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}",
    ]  # fmt: skip
    codecs = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "25", "-c:a", "aac"]
    run = ["ffmpeg", "-nostdin", "-loglevel", "error", "-y"]
    subprocess.run([*run, *source, *codecs, "-movflags", "+faststart", str(folder / "clip.mp4")], check=True)
    hls = ["-f", "hls", "-hls_time", f"{segment or max(seconds / 3, 0.5):g}", "-hls_playlist_type", "vod"]
    hls += ["-hls_segment_filename", str(folder / "seg%d.ts")]
    subprocess.run([*run, *source, *codecs, *hls, str(folder / "clip.m3u8")], check=True)
    subprocess.run([*run, *source[4:], "-c:a", "aac", str(folder / "clip.m4a")], check=True)
    subprocess.run([*run, *source[:4], "-frames:v", "1", str(folder / "thumb.jpg")], check=True)
    (folder / "page.html").write_text(PAGE)
    return Media(folder)


def playlist(media: Media, name: str, base: str) -> str:
    """A copy of the HLS playlist named `name` whose segments are fetched from `base`."""
    text = (media.folder / media.hls).read_text()
    (media.folder / name).write_text(
        re.sub(r"(?m)^(seg\d+\.ts)$", lambda m: base.rstrip("/") + "/" + m[1], text)
    )
    return name


def duration(path: Path) -> float:
    """The media's duration in seconds, as ffprobe reads it (it fails on a file it cannot play)."""
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    return float(out.stdout.strip())


class MediaServer(_Served):
    """A threaded HTTP server on 127.0.0.1 for a folder of media; serves while used as a context
    manager (loopback.py's)."""

    def __init__(self, folder: Path, delay: float = 0.0) -> None:
        self.folder = folder
        self.delay = delay
        self.cookies: list[str] = []
        self.paths: list[str] = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_HEAD(self) -> None:
                self._answer(body=False)

            def do_GET(self) -> None:
                self._answer(body=True)

            def _answer(self, body: bool) -> None:
                server.paths.append(self.path)
                if self.headers.get("Cookie"):
                    server.cookies.append(self.headers["Cookie"])
                if server.delay:
                    time.sleep(server.delay)
                name = self.path.split("?", 1)[0].lstrip("/")
                path = server.folder / name
                if "/" in name or not name or not path.is_file():
                    self.send_response(404)
                    self.send_header("Content-Type", "text/plain")
                    self.send_header("Content-Length", "9")
                    self.end_headers()
                    if body:
                        self.wfile.write(b"not found")
                    return
                data = path.read_bytes()
                start, end = 0, len(data) - 1
                wanted = re.fullmatch(r"bytes=(\d+)-(\d*)", self.headers.get("Range", ""))
                if wanted:
                    start = int(wanted[1])
                    end = min(int(wanted[2]) if wanted[2] else end, end)
                    self.send_response(206)
                    self.send_header("Content-Range", f"bytes {start}-{end}/{len(data)}")
                else:
                    self.send_response(200)
                self.send_header("Content-Type", _TYPES.get(path.suffix, "application/octet-stream"))
                self.send_header("Content-Length", str(end - start + 1))
                self.send_header("Accept-Ranges", "bytes")
                self.end_headers()
                if body:
                    self.wfile.write(data[start : end + 1])

        class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
            daemon_threads = True
            allow_reuse_address = True

            def handle_error(self, request: object, client_address: object) -> None:
                pass  # a client that hung up (yt-dlp stopping a download): nothing to say

        self.server = Server(("127.0.0.1", 0), Handler)

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def url(self, name: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}/{name}"
