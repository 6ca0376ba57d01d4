"""embed-archiver: preserve the social-media posts embedded in news articles."""

from __future__ import annotations

__version__ = "0.1.0"
