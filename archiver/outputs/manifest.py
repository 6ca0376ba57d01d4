"""A manifest of SHA-256 hashes in the format `sha256sum` reads and writes, so that anyone can
check the files of a report folder or a WACZ without our tool:

    <64 hex digits><two spaces><relative path>

one line per file, sorted by path (`cd FOLDER && sha256sum -c hashes.txt`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from storage.blobs import hash_file

MANIFEST_NAME = "hashes.txt"
_LINE = re.compile(r"([0-9a-f]{64}) [ *](.+)")


def manifest_text(entries: Iterable[tuple[str, str]]) -> str:
    """The manifest of (sha256, relative path) pairs, each path once, sorted by path."""
    by_path: dict[str, str] = {}
    for sha, path in entries:
        if "\n" in path or path.startswith("/") or ".." in Path(path).parts:
            raise ValueError(f"a manifest path is relative and on one line: {path!r}")
        by_path[path] = sha
    return "".join(f"{by_path[path]}  {path}\n" for path in sorted(by_path))


def parse_manifest(text: str) -> list[tuple[str, str]]:
    """(sha256, path) pairs of a manifest; ValueError on a line that is not one."""
    pairs = []
    for number, line in enumerate(text.splitlines(), 1):
        match = _LINE.fullmatch(line)
        if match is None:
            raise ValueError(f"manifest line {number} is not '<sha256>  <path>': {line[:80]!r}")
        pairs.append((match.group(1), match.group(2)))
    return pairs


def check_manifest(folder: Path, text: str) -> list[str]:
    """One line per file of the manifest that is missing under `folder` or does not match."""
    problems = []
    for sha, relative in parse_manifest(text):
        path = folder / relative
        if not path.is_file():
            problems.append(f"missing: {relative}")
        elif hash_file(path) != sha:
            problems.append(f"changed: {relative} no longer matches its SHA-256")
    return problems
