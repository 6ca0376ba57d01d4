"""Bad input, clean errors: a table of hostile and mistaken inputs across the commands.

Each case asserts the exit code, a message of one line (click's own usage errors add their
"Usage:"/"Try" hint lines, which do not count), no traceback, and that the archive it ran
against is unchanged and sound afterwards (or, with no archive, that none was made).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from archiver.cli import cli
from storage import Store

TWEET = "1821185274147889728"
STATE = "--storage-state"


@dataclass(frozen=True)
class Case:
    name: str
    args: tuple[str, ...]
    code: int
    says: str  # a piece of the one-line message
    archive: bool = True  # run against the prepared archive (else against a home that is not there)


def _files(tmp: Path) -> dict[str, Path]:
    """Files the cases name, made in the test's folder."""
    made = {
        "empty.html": b"",
        "binary.bin": bytes(range(256)) * 64,
        "bad.json": b"nope",
        "list.json": b"[]",
        "cookies.json": b'{"cookies": [{"domain": "x"}], "origins": []}',
        "bad.toml": b"this is = = not toml",
        "article.html": b"<p>no posts here</p>",
    }
    paths = {}
    for name, body in made.items():
        path = tmp / name
        path.write_bytes(body)
        paths[name] = path
    (tmp / "folder").mkdir()
    paths["folder"] = tmp / "folder"
    return paths


CASES = [
    # archive
    Case("archive with nothing to do", ("archive",), 2, "give at least one SOURCE"),
    Case("archive a missing file", ("archive", "{tmp}/nosuch.html"), 1, "no such file"),
    Case("archive a host typed as a file", ("archive", "news.example/story"), 1, "give its http://"),
    Case("archive a URL with a newline", ("archive", "http://news.example/a\nb"), 2, "control character"),
    Case("archive a URL with a NUL", ("archive", "http://news.example/a\x00b"), 2, "control character"),
    Case("archive a file name with a tab", ("archive", "a\tb.html"), 2, "control character"),
    Case("archive an empty file", ("archive", "-q", "{tmp}/empty.html"), 1, "empty"),
    Case("archive a binary file", ("archive", "-q", "{tmp}/binary.bin"), 1, "binary"),
    Case("archive a folder", ("archive", "-q", "{tmp}/folder"), 1, "is a directory"),
    Case("archive concurrency 0", ("archive", "--concurrency", "0", "x.html"), 2, "concurrency"),
    Case("archive concurrency negative", ("archive", "--concurrency", "-3", "x.html"), 2, "concurrency"),
    Case("archive concurrency not a number", ("archive", "--concurrency", "many", "x.html"), 2, "many"),
    Case("archive max-posts 0", ("archive", "--max-posts", "0", "x.html"), 2, "max_posts"),
    Case("archive a negative deadline", ("archive", "--max-minutes", "-1", "x.html"), 2, "-1"),
    Case("archive a negative timeout", ("archive", "--page-timeout", "-1", "x.html"), 2, "page_timeout"),
    Case("archive a NaN timeout", ("archive", "--fetch-timeout", "nan", "x.html"), 2, "nan"),
    Case("archive an ftp proxy", ("archive", "--proxy", "ftp://proxy:21", "x.html"), 2, "proxy"),
    Case("archive a proxy that is no URL", ("archive", "--proxy", "proxy", "x.html"), 2, "proxy"),
    Case("archive a missing storage state", ("archive", STATE, "{tmp}/no.json", "x"), 2, "not found"),
    Case("archive a storage state not JSON", ("archive", STATE, "{tmp}/bad.json", "x"), 2, "JSON"),
    Case("archive a storage state list", ("archive", STATE, "{tmp}/list.json", "x"), 2, "cookies"),
    Case("archive a nameless cookie", ("archive", STATE, "{tmp}/cookies.json", "x"), 2, "cookie"),
    Case("archive a missing CA bundle", ("archive", "--ca-bundle", "{tmp}/no.pem", "x.html"), 2, "CA bundle"),
    Case("archive a missing --from-file", ("archive", "--from-file", "{tmp}/no.txt"), 2, "no.txt"),
    Case("archive a broken config", ("archive", "--config", "{tmp}/bad.toml", "x.html"), 2, "bad.toml"),
    Case(
        "archive into a home under a file",
        ("archive", "--home", "{tmp}/empty.html/h", "{tmp}/article.html"),
        1,
        "",
    ),
    # discover
    Case("discover a missing file", ("discover", "{tmp}/nosuch.html"), 1, "no such file"),
    Case("discover a NUL", ("discover", "a\x00b"), 2, "control character"),
    Case("discover a binary file", ("discover", "{tmp}/binary.bin"), 1, "binary"),
    Case("discover an empty file", ("discover", "{tmp}/empty.html"), 1, "empty"),
    # watch
    Case("watch add a javascript: link", ("watch", "add", "javascript:alert(1)"), 1, "http"),
    Case("watch add a newline", ("watch", "add", "http://news.example/\nfeed"), 2, "control character"),
    Case("watch add no URL at all", ("watch", "add", "feed"), 1, "http"),
    Case("watch remove what is not watched", ("watch", "remove", "https://news.example/x"), 1, "not watched"),
    Case("watch list with no archive", ("watch", "list"), 1, "", archive=False),
    # run, recheck, status, list, show
    Case("run with no archive", ("run",), 1, "", archive=False),
    Case("run a negative limit", ("run", "--limit", "-1"), 2, "-1"),
    Case("run a negative deadline", ("run", "--max-minutes", "-5"), 2, "-5"),
    Case("recheck a post not held", ("recheck", "twitter:1"), 1, "no twitter post 1"),
    Case("recheck all and one", ("recheck", "--all", f"twitter:{TWEET}"), 2, "one of them"),
    Case("recheck an age that is none", ("recheck", "--older-than", "soon"), 2, "soon"),
    Case("status with no archive", ("status",), 1, "", archive=False),
    Case("list a status that is none", ("list", "--status", "vanished"), 2, "vanished"),
    Case("list since a date that is none", ("list", "--since", "yesterday-ish"), 2, "yesterday-ish"),
    Case("show a post not held", ("show", "twitter:1"), 1, "no twitter post 1"),
    # verify, export, report
    Case("verify with no archive", ("verify",), 1, "", archive=False),
    Case("export with no format", ("export",), 2, "one of"),
    Case("export two formats", ("export", "--json", "--csv"), 2, "one of"),
    Case("export an article not held", ("export", "https://news.example/none", "--json"), 1, "none"),
    Case("export --tsa without --wacz", ("export", "--json", "--tsa", "http://tsa.example"), 2, "--wacz"),
    Case("report an article not held", ("report", "https://news.example/none"), 1, "none"),
    Case("report into a file", ("report", "1", "-o", "{tmp}/empty.html"), 2, "is a file"),
    Case("check-report a folder not there", ("check-report", "{tmp}/nowhere"), 2, "nowhere"),
]


def test_the_table_is_big_enough() -> None:
    assert len(CASES) >= 40
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive with an article (its HTML kept) and a post."""
    home = tmp_path_factory.mktemp("prepared") / "archive"
    with Store.open(home) as store:
        article = store.record_article("https://news.example/a", html=b"<p>a</p>", title="A")
        post = store.upsert_post("twitter", TWEET, f"https://twitter.com/i/status/{TWEET}")
        store.record_embed(article, post, source="blockquote")
    return home


def fingerprint(home: Path) -> str:
    """The archive's rows and its files, as one hash."""
    digest = hashlib.sha256()
    with sqlite3.connect(f"file:{home / 'archive.db'}?mode=ro", uri=True) as db:
        tables = [r[0] for r in db.execute("select name from sqlite_master where type='table' order by 1")]
        for table in tables:
            for row in db.execute(f"select * from [{table}] order by 1"):
                digest.update(json.dumps(row, default=str).encode())
    for path in sorted((home / "blobs").rglob("*")):
        digest.update(str(path.relative_to(home)).encode())
    return digest.hexdigest()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_bad_input_is_one_line_and_the_right_exit_code(case: Case, prepared: Path, tmp_path: Path) -> None:
    _files(tmp_path)
    home = prepared if case.archive else tmp_path / "no-archive"
    args = [a.replace("{tmp}", str(tmp_path)) for a in case.args]
    if args[0] != "check-report" and "--home" not in args:
        args += ["--home", str(home)]  # options may follow the arguments
    before = fingerprint(prepared)

    result = CliRunner().invoke(cli, args)

    assert result.exit_code == case.code, (result.output, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    lines = [
        line
        for line in result.stderr.splitlines()
        if line.strip() and not line.startswith(("Usage:", "Try ", "  "))
    ]
    assert len(lines) == 1, result.stderr
    assert case.says.lower() in lines[0].lower()
    assert fingerprint(prepared) == before or case.args[0] == "archive"
    if not case.archive:
        assert not home.exists()  # a mistyped home is not made
    with Store.open(prepared, create=False) as store:
        assert store.verify().ok
