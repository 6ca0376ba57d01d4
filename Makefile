# The two commands a newcomer runs: `make demo` and `make test`. Each sets up what it needs:
# the virtualenv (.venv), the package with its dev tools, and a Chromium when none is found.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# apt-get waits up to 10 minutes for another apt (unattended upgrades) to release its lock.
APT_GET := DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600

# The demo: its archive lands in DEMO_HOME; DEMO_ARTICLE is the bundled sample article.
DEMO_HOME ?= demo-archive
DEMO_ARTICLE ?= archiver/demo/article.html

.PHONY: venv install browser ffmpeg test lint demo bench clean

venv: $(BIN)/python

$(BIN)/python:
	@$(PYTHON) -m venv $(VENV) || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "venv failed: installing Debian's python3-venv"; rm -rf $(VENV); \
	    $(APT_GET) update && $(APT_GET) install -y python3-venv \
	      && $(PYTHON) -m venv $(VENV); \
	  else \
	    echo "cannot create $(VENV): install your system's python3-venv package" >&2; exit 1; \
	  fi; }

# Reinstalled only when pyproject.toml changes.
install: $(STAMP)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

# A browser is installed only when `archiver doctor --find` (the discovery the tool itself
# uses: --browser/ARCHIVER_BROWSER, Playwright's Chromium, a system Chromium) finds none.
browser: install
	@if found=$$($(BIN)/archiver doctor --find 2>/dev/null); then \
	  echo "browser: $$found"; \
	else \
	  echo "no browser found: trying playwright install chromium"; \
	  $(BIN)/playwright install chromium \
	  || if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "playwright could not download one: installing Debian's chromium"; \
	    $(APT_GET) update && $(APT_GET) install -y chromium; \
	  fi; \
	  found=$$($(BIN)/archiver doctor --find) || exit 1; \
	  echo "browser: $$found"; \
	fi

# ffmpeg (with ffprobe) merges a video's separate video and audio tracks into one MP4
# (archiver/capture/video.py); without it yt-dlp keeps the best single file that has both, and
# the video tests skip. Debian's ffmpeg is installed when none is on PATH and we are root.
ffmpeg:
	@if command -v ffmpeg >/dev/null && command -v ffprobe >/dev/null; then \
	  echo "ffmpeg: $$(command -v ffmpeg)"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "no ffmpeg found: installing Debian's ffmpeg"; \
	  { $(APT_GET) update && $(APT_GET) install -y ffmpeg; } \
	  || echo "ffmpeg could not be installed: videos are kept unmerged, the video tests skip" >&2; \
	else \
	  echo "no ffmpeg found: install your system's ffmpeg package to merge videos (the video tests skip)" >&2; \
	fi

test: install browser ffmpeg
	$(BIN)/pytest -q

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# The demo: the bundled sample article (the seed article with its two embedded tweets),
# archived offline through the bundled offline world into $(DEMO_HOME), then checked.
demo: install browser ffmpeg
	$(BIN)/archiver archive --offline --home $(DEMO_HOME) $(DEMO_ARTICLE)
	$(BIN)/archiver verify --home $(DEMO_HOME)
	@echo "The archive is in $(DEMO_HOME)/: archive.db (SQLite) and blobs/ (files by SHA-256)."

bench: install browser ffmpeg
	@set -e; for f in bench/bench_*.py; do \
	  [ -e "$$f" ] || { echo "no benchmarks in bench/"; break; }; \
	  echo "== $$f"; $(BIN)/python "$$f"; \
	done

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis $(DEMO_HOME)
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
