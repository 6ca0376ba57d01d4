"""`archiver doctor --live` against the offline world: every platform passes; a platform whose
embed view "changed its markup" is told degraded, by name, with a non-zero exit."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from archiver import platforms
from archiver.cli import cli
from archiver.errors import InputError
from archiver.flows.live import LiveReport, live_check, table, targets
from archiver.settings import Settings
from offline_world import OfflineWorld
from offline_world.core import Response

# The offline world emulates X closely: only its fixture tweets are live there (jack/status/20,
# the probe, is a 404 in it), so the live check of X is pointed at one of them with --post.
FIXTURE_TWEET = "https://twitter.com/AggregateOsint/status/1821185274147889728"
# What a platform that "changed its markup" serves as its embed view: no post element.
CHANGED = "<!doctype html><html><body><div class='new-layout'><p>A post, drawn anew.</p></div></body></html>"


def settings_for(home: Path, browser_path: str) -> Settings:
    return Settings(
        home=home, browser=browser_path, page_timeout=6, capture_timeout=20, host_delay=0, concurrency=4
    )


def check(settings: Settings, world: OfflineWorld, **kwargs: list[str]) -> LiveReport:
    return asyncio.run(live_check(settings, world.network(), **kwargs))


def test_targets_are_every_platforms_probe_unless_a_post_stands_in() -> None:
    chosen = targets()
    assert [t.platform.name for t in chosen] == [p.name for p in platforms.PLATFORMS if p.retired is None]
    assert all(t.url == t.platform.probe for t in chosen)
    mine = targets([FIXTURE_TWEET], ["twitter", "vimeo"])
    assert [(t.platform.name, t.url) for t in mine] == [
        ("twitter", FIXTURE_TWEET),
        ("vimeo", platforms.get("vimeo").probe),
    ]


@pytest.mark.parametrize(
    ("posts", "only", "message"),
    [
        ([], ["myspace"], "--platform myspace: no such platform"),
        (["https://news.example/story"], [], "not a post URL of any platform"),
        ([FIXTURE_TWEET], ["vimeo"], "is a twitter post, outside --platform vimeo"),
    ],
)
def test_a_bad_platform_or_post_is_one_line(posts: list[str], only: list[str], message: str) -> None:
    with pytest.raises(InputError, match=message):
        targets(posts, only)


@pytest.mark.browser
def test_every_platform_passes_in_the_offline_world(tmp_path: Path, browser_path: str) -> None:
    home = tmp_path / "my-archive"
    report = check(settings_for(home, browser_path), OfflineWorld(), posts=[FIXTURE_TWEET])
    assert [row.platform for row in report.rows] == [p.name for p in platforms.PLATFORMS if p.retired is None]
    assert {row.platform: row.problems for row in report.rows if not row.ok} == {}
    assert report.degraded == [] and report.exit_code == 0
    for row in report.rows:
        assert row.discovered and row.rendered and row.status == "live", row
        if row.data_expected:
            assert row.fields, row
    assert not home.exists()  # a temporary archive, never the user's


@pytest.mark.browser
def test_a_platform_that_changed_its_markup_is_degraded(tmp_path: Path, browser_path: str) -> None:
    world = OfflineWorld()
    vimeo = platforms.get("vimeo")
    assert vimeo.probe is not None
    view = vimeo.view_url(vimeo.match(vimeo.probe) or "")
    world.add(view, Response.make(CHANGED, "text/html; charset=utf-8"))
    report = check(settings_for(tmp_path / "home", browser_path), world, only=["vimeo", "youtube"])
    assert report.degraded == ["vimeo"] and report.exit_code == 3
    rows = {row.platform: row for row in report.rows}
    assert rows["youtube"].ok
    assert not rows["vimeo"].rendered
    assert any(p.startswith("render:") for p in rows["vimeo"].problems)
    lines = table(report)
    assert lines[0].split()[:3] == ["platform", "discovered", "rendered"]
    vimeo_line = next(line for line in lines[1:3] if line.startswith("vimeo"))
    assert vimeo_line.endswith("DEGRADED") and " no " in vimeo_line
    assert any(line.startswith(f"vimeo {vimeo.probe}: render:") for line in lines)


@pytest.mark.browser
def test_the_command_says_which_platform_degraded_and_exits_non_zero(
    tmp_path: Path, browser_path: str
) -> None:
    runner = CliRunner()
    base = ["doctor", "--live", "--offline", "--home", str(tmp_path / "h"), "--browser", browser_path]
    # X's probe is no post the offline world holds: the platform says it is gone.
    gone = runner.invoke(cli, [*base, "--platform", "twitter", "--platform", "telegram"])
    assert gone.exit_code == 3, gone.output
    assert gone.stderr.strip().splitlines()[-1] == "degraded: twitter"
    assert "telegram" in gone.stdout and "DEGRADED" in gone.stdout
    fine = runner.invoke(
        cli, [*base, "--platform", "twitter", "--platform", "telegram", "--post", FIXTURE_TWEET, "--json"]
    )
    assert fine.exit_code == 0, fine.output
    answer = json.loads(fine.stdout)
    assert answer["degraded"] == []
    assert [(row["platform"], row["url"], row["ok"]) for row in answer["posts"]] == [
        ("twitter", FIXTURE_TWEET, True),
        ("telegram", platforms.get("telegram").probe, True),
    ]


def test_live_options_without_live_are_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["doctor", "--json"])
    assert result.exit_code == 2
    assert "go with --live" in result.output


def test_a_bad_platform_name_is_one_line_and_exit_1(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["doctor", "--live", "--offline", "--platform", "myspace"])
    assert result.exit_code == 1
    known = ", ".join(p.name for p in platforms.PLATFORMS)
    assert result.stderr.strip().splitlines() == [
        f"Error: --platform myspace: no such platform (known: {known})"
    ]
