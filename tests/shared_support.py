"""The folder beside the clone that some tests read: ../shared (corpus/, shapes/, seed-article.txt).

A plain clone has no ../shared: the tests that need it skip, each with one line naming what is
missing, so `pytest -rs` shows what did not run. ARCHIVER_SHARED points elsewhere; it is read
when the tests are collected (the tests themselves run without ARCHIVER_* variables).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED = Path(os.environ.get("ARCHIVER_SHARED") or Path(__file__).resolve().parents[2] / "shared")


def _reason(name: str) -> str:
    return f"needs ../shared/{name} (not found at {SHARED / name}): CI lays ../shared beside the clone"


def shared_path(name: str) -> Path:
    """`name` inside ../shared; when it is not there, the calling test is skipped, saying so."""
    __tracebackhide__ = True  # the skip line names the test's own line
    path = SHARED / name
    if not path.exists():
        pytest.skip(_reason(name))
    return path


def needs_shared(name: str) -> pytest.MarkDecorator:
    """A mark that skips a test (or, as `pytestmark`, a module) when ../shared/`name` is missing."""
    return pytest.mark.skipif(not (SHARED / name).exists(), reason=_reason(name))
