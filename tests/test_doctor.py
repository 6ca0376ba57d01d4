from __future__ import annotations

import struct
import zlib
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from archiver.cli import cli
from archiver.errors import BrowserError
from archiver.flows.doctor import decode_png
from archiver.settings import Settings


def _png(width: int, rows: list[bytes], color: int = 2) -> bytes:
    """A PNG from already-filtered rows (each starting with its filter byte)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, len(rows), 8, color, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )


def test_decode_png_undoes_every_filter() -> None:
    rows = [
        bytes([0, 10, 20, 30, 40, 50, 60]),  # none
        bytes([1, 1, 2, 3, 5, 5, 5]),  # sub: + the pixel to the left
        bytes([2, 1, 1, 1, 0, 0, 255]),  # up: + the pixel above
        bytes([3, 4, 4, 4, 1, 1, 1]),  # average of left and up
        bytes([4, 0, 0, 0, 1, 1, 1]),  # paeth
    ]
    width, height, pixel = decode_png(_png(2, rows))
    assert (width, height) == (2, 5)
    assert [pixel(0, 0), pixel(1, 0)] == [(10, 20, 30), (40, 50, 60)]
    assert [pixel(0, 1), pixel(1, 1)] == [(1, 2, 3), (6, 7, 8)]
    assert [pixel(0, 2), pixel(1, 2)] == [(2, 3, 4), (6, 7, 7)]  # 8 + 255 wraps to 7
    # average: 4 + (0 + 2) // 2 = 5 ...; then 1 + (5 + 6) // 2 = 6 ...
    assert [pixel(0, 3), pixel(1, 3)] == [(5, 5, 6), (6, 7, 7)]
    # paeth: first pixel predicts from above (5, 5, 6); the second from above (6, 7, 7), + 1
    assert [pixel(0, 4), pixel(1, 4)] == [(5, 5, 6), (7, 8, 8)]


def test_decode_png_reads_rgba() -> None:
    _, _, pixel = decode_png(_png(1, [bytes([0, 255, 0, 0, 128])], color=6))
    assert pixel(0, 0) == (255, 0, 0)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"GIF89a", "not a PNG"),
        (_png(1, [bytes([0, 1, 2, 3])], color=0), "kind we do not read"),
        (_png(1, [bytes([9, 1, 2, 3])]), "unknown filter"),
        (_png(2, [bytes([0, 1, 2, 3])]), "truncated"),
    ],
)
def test_decode_png_refuses_what_it_cannot_read(data: bytes, message: str) -> None:
    with pytest.raises(BrowserError, match=message):
        decode_png(data)


def _doctor(args: list[str], home: Path, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["doctor", "--home", str(home), *args], env=env)
    return result.exit_code, result.output


def test_doctor_missing_browser_is_one_line(home: Path, tmp_path: Path) -> None:
    code, output = _doctor(["--browser", str(tmp_path / "no-such-chrome")], home)
    assert code == 1
    assert (
        output.splitlines()[-1]
        == f"Error: browser not found or not executable: {tmp_path / 'no-such-chrome'}"
    )
    assert "Traceback" not in output


def test_doctor_with_no_browser_anywhere_says_how_to_get_one(home: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    env = {"PATH": str(empty), "PLAYWRIGHT_BROWSERS_PATH": str(empty)}
    code, output = _doctor(["--find"], home, env)
    assert code == 1
    assert output.startswith("Error: no Chromium found") and "playwright install chromium" in output
    assert output.count("\n") == 1


def test_doctor_browser_that_will_not_start_is_one_line(home: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken-chrome"
    broken.write_text("#!/bin/sh\necho 'no display, no luck' >&2\nexit 3\n")
    broken.chmod(0o755)
    code, output = _doctor(["--browser", str(broken), "--page-timeout", "10"], home)
    assert code == 1
    last = output.splitlines()[-1]
    assert last.startswith(f"Error: {broken} would not start: ")
    assert f"browser  {broken} (from --browser / ARCHIVER_BROWSER)" in output


@pytest.mark.browser
def test_doctor_renders_with_real_chromium(home: Path, browser_path: str) -> None:
    code, output = _doctor(["--browser", browser_path], home)
    assert code == 0, output
    lines = dict(line.split(None, 1) for line in output.splitlines())
    assert lines["browser"].startswith(browser_path)
    assert lines["version"][0].isdigit()
    assert lines["proxy"] == "none"
    assert lines["home"] == str(home.resolve())
    assert lines["render"].startswith("ok: a 64x48 test page")


@pytest.mark.browser
def test_doctor_find_prints_the_path(home: Path, browser_path: str) -> None:
    code, output = _doctor(["--find"], home)
    assert code == 0 and output.strip() == browser_path


def test_doctor_says_what_video_capture_has(tmp_path: Path) -> None:
    from archiver.flows.doctor import video_tools

    settings = Settings(home=tmp_path)
    with_ffmpeg = video_tools(settings, which=lambda name: f"/usr/bin/{name}")
    assert with_ffmpeg.startswith("yt-dlp ") and "up to 1080p" in with_ffmpeg
    assert "ffmpeg /usr/bin/ffmpeg merges" in with_ffmpeg
    assert "no ffmpeg: single-file formats only" in video_tools(settings, which=lambda name: None)
    assert video_tools(replace(settings, video_max_height=0)).startswith("off")
