from __future__ import annotations

from archiver.cli import cli

if __name__ == "__main__":
    cli()
