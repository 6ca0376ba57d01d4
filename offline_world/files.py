"""The bytes the offline world serves as media: shipped JPEGs, generated PNGs and MP4s."""

from __future__ import annotations

import hashlib
import struct
import zlib
from functools import cache
from pathlib import Path


@cache
def fixture(name: str) -> bytes:
    """A file shipped under offline_world/fixtures/."""
    return (Path(__file__).parent / "fixtures" / name).read_bytes()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(seed: str, width: int = 320, height: int = 200) -> bytes:
    """A real RGB PNG: a diagonal gradient whose colours come from `seed` (same seed, same bytes)."""
    r0, g0, b0, r1, g1, b1 = hashlib.sha256(seed.encode()).digest()[:6]
    rows = bytearray()
    for y in range(height):
        rows.append(0)  # filter: none
        for x in range(width):
            t = (x + y) / (width + height)
            rows += bytes((int(r0 + (r1 - r0) * t), int(g0 + (g1 - g0) * t), int(b0 + (b1 - b0) * t)))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(bytes(rows), 6))
        + _chunk(b"IEND", b"")
    )


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def mp4(seed: str, size: int = 4096) -> bytes:
    """A small ISO-BMFF file (ftyp, free, mdat) of about `size` bytes, its payload drawn from `seed`.

    It is downloaded and hashed, never played, so a structurally sound container is enough.
    """
    ftyp = _box(b"ftyp", b"isom" + struct.pack(">I", 512) + b"isomiso2avc1mp41")
    free = _box(b"free", b"embed-archiver offline world")
    block = hashlib.sha256(seed.encode()).digest()
    payload = (block * (max(size - len(ftyp) - len(free) - 8, 32) // len(block) + 1))[
        : max(size - len(ftyp) - len(free) - 8, 32)
    ]
    return ftyp + free + _box(b"mdat", payload)


def photo(seed: str) -> bytes:
    """One of the shipped photo JPEGs, always the same one for the same `seed`."""
    return fixture(f"media/photo-{'ab'[hashlib.blake2s(seed.encode()).digest()[0] % 2]}.jpg")
