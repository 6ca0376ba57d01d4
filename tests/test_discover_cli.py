"""`archiver discover`: files, stdin and URLs in; a JSON array or lines out; one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from loopback import LocalSite
from shared_support import SHARED, needs_shared

from archiver.cli import cli

SEED = SHARED / "seed-article.txt"
TWEET = (
    '<blockquote class="twitter-tweet"><p>Hi</p>&mdash; Someone (@someone) '
    '<a href="https://twitter.com/someone/status/1234567890123?ref_src=twsrc%5Etfw">'
    "May 5, 2014</a></blockquote>"
)
PAGE = f"<html><head><title>t</title></head><body><p>See <a href='https://youtu.be/dQw4w9WgXcQ'>this</a>.</p>{TWEET}</body></html>"


def run(*args: str, stdin: bytes | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["discover", *args], input=stdin)
    return result.exit_code, result.stdout, result.stderr


@needs_shared("seed-article.txt")
def test_seed_article_json():
    code, out, _ = run(str(SEED), "--json")
    assert code == 0
    items = json.loads(out)
    assert [(i["platform"], i["post_id"], i["source"], i["author_handle"]) for i in items] == [
        ("twitter", None, "text", "AggregateOsint"),
        ("twitter", None, "text", "nexta_tv"),
    ]
    assert items[0]["media_links"] == ["https://pic.twitter.com/ukSCQjXCXD"]
    assert items[0]["date_text"] == "August 7, 2024" and items[0]["author_name"] == "OSINT Aggregator"


def test_file_decided_by_content_whatever_its_name(tmp_path: Path):
    source = tmp_path / "article.txt"
    source.write_text(PAGE)
    code, out, _ = run(str(source), "--json")
    assert code == 0
    [item] = json.loads(out)
    assert (item["platform"], item["post_id"], item["source"]) == ("twitter", "1234567890123", "blockquote")
    assert item["url"] == "https://twitter.com/someone/status/1234567890123"
    assert item["raw"].startswith("<blockquote")


def test_stdin_links_and_readable_lines():
    code, out, _ = run("-", "--links", stdin=PAGE.encode())
    assert code == 0
    assert out.splitlines()[0] == "1 embedded post(s), 1 linked in -"
    assert "youtube  dQw4w9WgXcQ  link" in out
    assert "twitter  1234567890123  blockquote  Someone (@someone)  May 5, 2014" in out
    assert "https://twitter.com/someone/status/1234567890123" in out


def test_nothing_found_is_not_an_error(tmp_path: Path):
    source = tmp_path / "plain.html"
    source.write_text("<html><body><p>No posts here.</p></body></html>")
    assert run(str(source)) == (0, f"no embedded post(s) in {source}\n", "")
    assert run(str(source), "--json")[1] == "[]\n"


def test_relative_urls_use_base_url(tmp_path: Path):
    source = tmp_path / "page.html"
    source.write_text(
        '<html><body><blockquote class="instagram-media" cite="/p/BNpLF8LD0GD/"></blockquote></body></html>'
    )
    assert json.loads(run(str(source), "--json")[1]) == []
    [item] = json.loads(run(str(source), "--json", "--base-url", "https://www.instagram.com/")[1])
    assert item["post_id"] == "BNpLF8LD0GD"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "PNG"),
    ],
)
def test_bad_files_are_one_line_errors(tmp_path: Path, content: bytes, message: str):
    source = tmp_path / "bad.html"
    source.write_bytes(content)
    code, out, err = run(str(source))
    assert code != 0 and out == ""
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_missing_file_is_a_one_line_error(tmp_path: Path):
    code, _, err = run(str(tmp_path / "nope.html"))
    assert code != 0 and "no such file" in err and len(err.strip().splitlines()) == 1


def test_url_is_fetched_and_a_404_is_one_line(local_site: LocalSite):
    url = local_site.add("/story", PAGE)
    code, out, _ = run(url, "--json")
    assert code == 0
    assert [i["post_id"] for i in json.loads(out)] == ["1234567890123"]
    code, out, err = run(local_site.url + "/gone")
    assert code != 0 and "404" in err and len(err.strip().splitlines()) == 1


def test_url_with_flattened_tweet_and_no_resolve(local_site: LocalSite):
    url = local_site.add(
        "/flat", "Story. pic.twitter.com/abcDEF1234 — Some One (@someone) May 1, 2023\n", "text/plain"
    )
    code, out, _ = run(url, "--json", "--no-resolve")
    assert code == 0
    [item] = json.loads(out)
    assert (item["post_id"], item["url"]) == (None, "https://pic.twitter.com/abcDEF1234")
