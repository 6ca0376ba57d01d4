"""The command line: parse options, build Settings once, call the library, print. Nothing else."""

from __future__ import annotations

import functools
import logging
import sqlite3
import sys
from collections.abc import Callable
from dataclasses import fields
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

import click

from archiver import __version__
from archiver.dates import parse_age, parse_since
from archiver.errors import ArchiverError, BrowserError, SettingsError, StoreError
from archiver.models import POST_STATUSES
from archiver.settings import Settings, load_settings

if TYPE_CHECKING:
    from archiver.flows.doctor import RenderCheck
    from archiver.flows.kit import Network

F = TypeVar("F", bound=Callable[..., Any])

# A command's keyword arguments named like a Settings field are settings: the shared flags below,
# and any a command adds itself (say `--concurrency`). The rest come from ARCHIVER_* or the config.
_SETTING_NAMES = frozenset(f.name for f in fields(Settings))


def settings_options(func: F) -> F:
    """Add the shared settings flags to a command and hand it a built `settings` instead."""

    @click.option("--home", type=click.Path(file_okay=False, path_type=Path), help="Archive home [./archive]")
    @click.option(
        "--blob-store",
        metavar="s3://BUCKET/PREFIX",
        help="Keep the blobs in an S3-compatible bucket, not HOME/blobs (AWS_* settings reach it)",
    )
    @click.option(
        "--config",
        "config_file",
        type=click.Path(dir_okay=False, path_type=Path),
        help="TOML config file [HOME/config.toml]",
    )
    @click.option("--browser", help="Chromium/Chrome executable to drive")
    @click.option(
        "--browser-endpoint",
        "browser_endpoints",
        multiple=True,
        metavar="URL",
        help="A remote browser to use instead of launching one: ws(s):// (Playwright server) or "
        "http(s):// (DevTools); repeatable",
    )
    @click.option("--proxy", help="Proxy URL for all traffic (http://, https://, socks5://, socks5h://)")
    @click.option(
        "--ca-bundle",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Extra CA certificate to trust (a TLS-intercepting proxy)",
    )
    @click.option("--user-agent", help="User-Agent for the HTTP client and the browser")
    @click.option("--page-timeout", type=float, help="Seconds for one browser step")
    @click.option("--fetch-timeout", type=float, help="Seconds for one HTTP request")
    @click.option(
        "--allow-private-network",
        is_flag=True,
        default=None,
        help="Let URLs from fetched pages reach this machine and private networks (intranet use)",
    )
    @functools.wraps(func)
    def wrapper(*args: Any, config_file: Path | None, **kwargs: Any) -> Any:
        flags = {name: kwargs.pop(name) for name in list(kwargs) if name in _SETTING_NAMES}
        try:
            kwargs["settings"] = load_settings(flags, config=config_file)
        except SettingsError as exc:  # a bad flag, variable or config value: a usage error
            raise UsageProblem(str(exc)) from exc
        return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _echo(line: str, err: bool = False) -> None:
    """Print a line holding text from a page, a platform or someone's folder: a control
    character (an escape sequence hidden in a post to drive the terminal) prints as "?"."""
    from archiver.console import printable

    click.echo(printable(line), err=err)


offline_option = click.option(
    "--offline", is_flag=True, help="Talk to the bundled offline world, not the network (demo, tests)"
)


def _network(offline: bool) -> Network:
    """The network the flows talk to: the real one, or the bundled offline world (the demo's:
    fixture answers for the platforms' real hostnames). The one place the world is plugged in."""
    from archiver.flows.kit import Network

    if not offline:
        return Network()
    from offline_world import OfflineWorld

    return OfflineWorld().network()


class _Parsed(click.ParamType):
    """An option value read by one of the library's parsers (ValueError: not one)."""

    def __init__(self, name: str, parser: Callable[[str], Any], example: str) -> None:
        self.name = name
        self.parser = parser
        self.example = example

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if not isinstance(value, str):
            return value
        try:
            return self.parser(value)
        except ValueError:
            self.fail(f"{value!r} is no {self.name} (say {self.example})", param, ctx)


AGE = _Parsed("age", parse_age, "7d, 12h or 2w")
DATE = _Parsed("date or age", parse_since, "2025-03-01 or 7d")


class UsageProblem(click.ClickException):
    """A usage error told in one line ("Error: ..." on stderr), exit 2 as for click's own."""

    exit_code = 2


def _check_sources(sources: tuple[str, ...] | list[str]) -> None:
    """A usage error for a SOURCE or URL typed with a control character (a newline, a NUL)."""
    from archiver.fetch import source_problem

    for source in sources:
        problem = source_problem(source)
        if problem is not None and problem.startswith("not a URL"):
            raise UsageProblem(problem)


class ArchiverGroup(click.Group):
    """Turns our errors (and the store's) into one line on stderr and exit 1; bugs keep their
    traceback. Ctrl-C says so in one line and exits 130, as shells expect. Trouble with the
    database file (a damaged page) that reached us past the Store's guard is one line too."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (ArchiverError, StoreError) as exc:
            raise click.ClickException(str(exc)) from exc
        except sqlite3.Error as exc:
            from storage.errors import database_error

            error = database_error(exc, "archive.db")
            if error is None:  # our SQL, not the file: a bug
                raise
            raise click.ClickException(str(error)) from exc
        except (KeyboardInterrupt, click.Abort):
            click.echo("interrupted", err=True)
            ctx.exit(130)


@click.group(cls=ArchiverGroup)
@click.version_option(__version__, prog_name="embed-archiver")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug)")
def cli(verbose: int) -> None:
    """Preserve the social-media posts embedded in news articles.

    Find every embedded post, capture it in a real browser with its media, metadata and
    traffic, and keep it all content-addressed in a SQLite archive, with its history.
    """
    level = logging.WARNING - 10 * verbose
    logging.basicConfig(
        level=max(level, logging.DEBUG),
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


@cli.command()
@settings_options
@click.option("--find", is_flag=True, help="Only print the browser's path (exit 1 when there is none)")
@click.option(
    "--live",
    is_flag=True,
    help="Capture one long-lived public post per platform (in a temporary archive) and tell "
    "which platforms still work as expected",
)
@click.option(
    "--post",
    "posts",
    multiple=True,
    metavar="URL",
    help="With --live: check this post, not its platform's probe (repeatable)",
)
@click.option(
    "--platform", "only", multiple=True, metavar="NAME", help="With --live: only this platform (repeatable)"
)
@click.option("--json", "as_json", is_flag=True, help="With --live: print the table as JSON")
@offline_option
def doctor(
    settings: Settings,
    find: bool,
    live: bool,
    posts: tuple[str, ...],
    only: tuple[str, ...],
    as_json: bool,
    offline: bool,
) -> None:
    """Check the set-up: which browser, its version, the proxy, the archive home, a test render.

    Exits non-zero, with one line saying why, when no browser is found or it cannot render.

    --live captures each platform's probe post (or the --post URLs) through the whole pipeline
    in a temporary archive, deleted afterwards, and prints per platform: found by discovery,
    rendered, data fields, media kept, status. Exits 3, naming them, when any platform is
    degraded: a platform changed its markup or endpoints.

    Usage: archiver doctor [--browser PATH] [--proxy URL]
           archiver doctor --live [--platform instagram] [--post URL] [--json]
    """
    from archiver.flows import doctor as checks

    if live:
        _doctor_live(settings, posts, only, as_json, offline)
        return
    if posts or only or as_json:
        raise UsageProblem("--post, --platform and --json go with --live")
    if find:
        click.echo(checks.locate_browser(settings).path)
        return
    proxy, origin = settings.proxy_origin()
    from_env = f" (from {origin})" if origin and origin != "setting" else ""
    click.echo(f"proxy    {proxy or 'none'}{from_env}")
    home = settings.home.resolve()
    click.echo(f"home     {home}" + ("" if home.is_dir() else " (not created yet)"))
    click.echo(f"video    {checks.video_tools(settings)}")
    if settings.browser_endpoints:
        failed = 0
        for endpoint in settings.browser_endpoints:
            click.echo(f"browser  {checks.endpoint_label(endpoint)} (remote)")
            try:
                result = checks.check_endpoint(settings, endpoint)
            except BrowserError as exc:
                failed += 1
                click.echo(f"render   failed: {exc}")
                continue
            _echo_render(result)
        if failed:
            raise BrowserError(f"{failed} of {len(settings.browser_endpoints)} browser endpoints failed")
        return
    found = checks.locate_browser(settings)
    click.echo(f"browser  {found.path} ({checks.HOW_FOUND[found.how]})")
    _echo_render(checks.check_render(settings))


def _doctor_live(
    settings: Settings, posts: tuple[str, ...], only: tuple[str, ...], as_json: bool, offline: bool
) -> None:
    import asyncio
    import json

    from archiver.flows import live

    report = asyncio.run(live.live_check(settings, _network(offline), posts=posts, only=only))
    if as_json:
        rows = [row.as_json() for row in report.rows]
        click.echo(json.dumps({"posts": rows, "degraded": report.degraded}, indent=2, ensure_ascii=False))
    else:
        for line in live.table(report):
            _echo(line)
    if report.degraded:
        _echo(f"degraded: {', '.join(report.degraded)}", err=True)
        sys.exit(report.exit_code)


def _echo_render(result: RenderCheck) -> None:
    click.echo(f"version  {result.version}")
    click.echo(f"render   ok: a {result.width}x{result.height} test page, its pixels as expected")


@cli.command()
@settings_options
@click.option(
    "--repair",
    is_flag=True,
    help="First remove what killed writes left (orphaned blobs, temp files, spool folders)",
)
@click.option("--older-than", type=AGE, metavar="AGE", help="Left over: untouched for AGE (30m, 2h, 0s) [1h]")
@click.option(
    "--sample",
    type=click.IntRange(min=1),
    metavar="N",
    help="Re-hash N blobs picked at random, not all (a large bucket); every reference is still checked",
)
def verify(settings: Settings, repair: bool, older_than: timedelta | None, sample: int | None) -> None:
    """Check archive.db with SQLite's integrity check, re-hash every blob of the archive and
    check every reference both ways.

    Prints the damage SQLite finds, each corrupt blob, each row naming a missing blob, each
    orphaned blob (named by no row), each temp file an interrupted write left and each media
    spool folder a killed capture left, then a one-line summary. Exits 0 only when all is
    sound. Run it while no capture is in progress. A read-only home is verified as it is.

    --repair first removes the orphaned blobs, temp files and spool folders untouched for
    --older-than (never a blob a row names; no blob at all when archive.db is damaged), prints
    each, then verifies. It refuses while `archiver run` holds the home's run lock.

    With --blob-store the blobs are listed and re-hashed in their bucket; --sample N re-hashes
    only N of them, picked at random (each is read in full), and still checks every reference.

    Usage: archiver verify [--home DIR] [--repair [--older-than 1h]] [--sample N]
    """
    from archiver.flows.lock import RunLock
    from storage import STALE_AFTER, Store

    age = STALE_AFTER if older_than is None else older_than
    with Store.open(settings.home, create=False, blob_store=settings.blob_store) as store:
        if repair and store.read_only:
            raise StoreError(f"the archive at {settings.home} is read-only: --repair cannot change it")
        if repair:
            with RunLock(settings.home) as lock:
                if not lock.held:
                    raise ArchiverError(f"a run is in progress ({lock.holder()}): repair once it is done")
                repaired = store.repair(age)
            for line in repaired.lines():
                _echo(line)
            click.echo(repaired.summary())
        report = store.verify(age, sample=sample)
    for line in report.problems():
        click.echo(line)
    click.echo(report.summary())
    if not report.ok:
        sys.exit(1)


@cli.command()
@settings_options
@click.argument("source")
@click.option("--base-url", metavar="URL", help="Resolve relative URLs against this [page's canonical URL]")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array (platform, post_id, url...)")
@click.option("--links", is_flag=True, help="Also list posts only linked in the text (source: link)")
@click.option(
    "--resolve/--no-resolve",
    default=None,
    help="Follow t.co/pic.twitter.com/vm.tiktok.com short links to their posts [on for URLs]",
)
@click.option(
    "--render",
    is_flag=True,
    help="Also render the article in the browser and find the posts its scripts, frames and "
    "consent wall show (found_in: rendered, frame:URL)",
)
@offline_option
def discover(
    settings: Settings,
    source: str,
    base_url: str | None,
    as_json: bool,
    links: bool,
    resolve: bool | None,
    render: bool,
    offline: bool,
) -> None:
    """List the posts an article embeds: SOURCE is a URL, an HTML or text file, or - for stdin.

    Static by default (the HTML as fetched). With --render the article is also rendered in the
    browser and searched again; a render that fails is said on stderr, the static result is
    printed, and the exit code is 3.

    Usage: archiver discover https://example.com/news/story --json
    """
    from archiver.discovery import output
    from archiver.flows.archive import discover_article, discover_rendered
    from archiver.flows.kit import Kit

    _check_sources([source])
    render_error = None
    if render:
        import asyncio

        found, render_error = asyncio.run(
            discover_rendered(
                source, settings, _network(offline), base_url=base_url, links=links, resolve=resolve
            )
        )
    else:
        kit = Kit(settings, _network(offline), sources=[source])
        found = discover_article(
            source, settings, kit.client, base_url=base_url, links=links, resolve=resolve
        )
    embeds = found.embeds
    if as_json:
        click.echo(output.to_json(embeds))
    else:
        linked = sum(e.source == "link" for e in embeds)
        summary = f"{len(embeds) - linked or 'no'} embedded post(s)" + (f", {linked} linked" if links else "")
        click.echo(f"{summary} in {source}")
        for line in output.to_lines(embeds):
            _echo(line)
    if render_error is not None:
        _echo(f"the render failed, so this is what the HTML shows: {render_error}", err=True)
        sys.exit(3)


@cli.command()
@settings_options
@click.argument("sources", nargs=-1)
@click.option("--from-file", type=click.File("r"), help="Read more sources from this file, one a line")
@click.option("--concurrency", type=int, help="Posts captured at once [4]")
@click.option(
    "--max-posts", type=int, help="Posts captured per article; the rest are recorded, skipped [200]"
)
@click.option("--max-minutes", type=click.FloatRange(min=0), help="Start nothing new after this long")
@click.option(
    "--storage-state",
    metavar="[PLATFORM=]FILE,...",
    help="Playwright storage-state JSON (login cookies), for all or per platform; never stored",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON")
@click.option(
    "--resolve/--no-resolve", default=None, help="Follow short links of posts with no id [on for URLs]"
)
@click.option(
    "--render/--no-render",
    "render_article",
    default=None,
    help="Render the article in the browser: screenshot, DOM, WARC, and the posts only the render "
    "shows; --no-render keeps its HTML and the posts found there [render]",
)
@offline_option
@click.option("-q", "--quiet", is_flag=True, help="No progress output")
def archive(
    settings: Settings,
    sources: tuple[str, ...],
    from_file: Any,
    as_json: bool,
    resolve: bool | None,
    offline: bool,
    quiet: bool,
    max_minutes: float | None,
) -> None:
    """Archive articles: fetch each, find its embedded posts, capture every post, store it all.

    SOURCE is a URL, an HTML or text file, or - for stdin. Exit codes: 0 every post captured in
    full or recorded as gone; 3 not everything was kept (a post failed, is partial or skipped);
    1 nothing could be done; 2 usage error.

    Usage: archiver archive https://example.com/news/story
    """
    import asyncio

    from archiver import console, fetch
    from archiver.flows.archive import archive_sources
    from archiver.flows.results import exit_code
    from archiver.outputs.report import add_reports
    from storage import Store

    listed = (
        [line.strip() for line in from_file if line.strip() and not line.startswith("#")] if from_file else []
    )
    todo = [*sources, *listed]
    if not todo:
        raise click.UsageError("give at least one SOURCE (a URL, a file, or -), or --from-file")
    _check_sources(sources)  # a line of --from-file with one is that line's error, the rest go on
    problems = [fetch.source_problem(source) for source in todo]
    if all(problems):  # nothing can be read: say so, and make no archive home for it
        for source, problem in zip(todo, problems, strict=True):
            _echo(f"not archived {source}: {problem}", err=True)
        sys.exit(1)
    with (
        Store.open(settings.home, blob_store=settings.blob_store) as store,
        console.ProgressReporter(quiet=quiet or as_json) as reporter,
    ):
        results = asyncio.run(
            archive_sources(
                todo,
                settings,
                store,
                network=_network(offline),
                reporter=reporter,
                resolve=resolve,
                max_minutes=max_minutes,
            )
        )
        add_reports(store, results, settings.home)  # HOME/reports/<id>/: links to the blobs, cheap
    if as_json:
        click.echo(console.results_json(results, settings.home))
    else:
        console.print_summary(results, settings.home, blob_store=settings.blob_store)
    sys.exit(exit_code(results))


# --- The scheduled job: watch, run, recheck, status, list, show ------------------------------


class _Lines:
    """A run's output: progress unless quiet; changes always; errors on stderr."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet

    def info(self, line: str) -> None:
        if not self.quiet:
            _echo(line)

    def change(self, line: str) -> None:
        _echo(line)

    def error(self, line: str) -> None:
        _echo(line, err=True)


@cli.group()
def watch() -> None:
    """Sources `archiver run` looks at: feeds whose new articles get archived, and articles
    re-archived when the posts they embed change."""


@watch.command("add")
@settings_options
@click.argument("urls", nargs=-1, required=True)
@click.option("--kind", type=click.Choice(["article", "feed"]), help="Say what it is [told by its content]")
@offline_option
def watch_add(settings: Settings, urls: tuple[str, ...], kind: str | None, offline: bool) -> None:
    """Watch each URL: an article, or an RSS/Atom/JSON feed (told by fetching it).

    Usage: archiver watch add https://example.com/news/feed.xml
    """
    from archiver.flows import watch as watching
    from archiver.flows.kit import Kit
    from storage import Store

    _check_sources(urls)
    kit = Kit(settings, _network(offline), sources=urls)  # watched URLs are the user's choice
    with Store.open(settings.home, blob_store=settings.blob_store) as store, kit.client() as client:
        for url in urls:
            added = watching.add_watch(store, client, url, settings, kind=kind)
            what = f"{added.kind} {url}" + (f" ({added.title})" if added.title else "")
            _echo(("watching " if added.new else "already watching ") + what)
            for feed in added.feeds:
                _echo(f"  its page names a feed: {feed} (watch that to archive its new articles)")


@watch.command("list")
@settings_options
def watch_list(settings: Settings) -> None:
    """List the watched sources: kind, last look and how it went.

    Usage: archiver watch list
    """
    from archiver.flows.history import watch_lines
    from storage import Store

    with Store.open(settings.home, create=False, blob_store=settings.blob_store) as store:
        for line in watch_lines(store):
            _echo(line)


@watch.command("remove")
@settings_options
@click.argument("urls", nargs=-1, required=True)
def watch_remove(settings: Settings, urls: tuple[str, ...]) -> None:
    """Stop watching each URL (or watch id). What was archived from it stays.

    Usage: archiver watch remove https://example.com/news/feed.xml
    """
    from archiver.flows.watch import remove_watch
    from storage import Store

    with Store.open(settings.home, create=False, blob_store=settings.blob_store) as store:
        for url in urls:
            click.echo(f"no longer watching {remove_watch(store, url)['url']}")


@cli.command()
@settings_options
@click.option("--max-minutes", type=click.FloatRange(min=0), help="Stop cleanly after this long")
@click.option(
    "--limit", type=click.IntRange(min=0), help="At most N articles archived and N posts re-checked"
)
@click.option("--dry-run", is_flag=True, help="Say what is due, do nothing")
@click.option("-q", "--quiet", is_flag=True, help="Print only changes and errors (for cron)")
@click.option("--notify-command", metavar="CMD", help="Run CMD for each change, the event as JSON on stdin")
@offline_option
def run(
    settings: Settings,
    max_minutes: float | None,
    limit: int | None,
    dry_run: bool,
    quiet: bool,
    notify_command: str | None,
    offline: bool,
) -> None:
    """The scheduled job: archive new articles of watched feeds, re-archive watched articles whose
    embeds changed, and re-check the posts that are due.

    A second run on the same home while one runs exits 0 at once ("already running"). Killed at
    any moment, a run loses nothing it committed; the next one finishes the work. Exits 1 only
    when the run itself failed or HOME holds no archive. -q prints only changes and errors.

    Usage: archiver run -q --max-minutes 50
    """
    import asyncio

    from archiver.flows import run as cron

    output = _Lines(quiet)
    options = cron.RunOptions(max_minutes, limit, dry_run, notify_command)
    report = asyncio.run(cron.scheduled_run(settings, options, _network(offline), output))
    if report.already_running is not None:
        output.info(f"already running ({report.already_running})")
        return
    if not dry_run:
        output.info(report.summary())
    sys.exit(report.exit_code)


@cli.command()
@settings_options
@click.argument("posts", nargs=-1)
@click.option("--all", "every", is_flag=True, help="Every post in the archive")
@click.option("--older-than", type=AGE, metavar="AGE", help="Posts not checked for AGE (7d, 12h, 2w)")
@click.option("-q", "--quiet", is_flag=True, help="Print only changes and errors")
@offline_option
def recheck(
    settings: Settings,
    posts: tuple[str, ...],
    every: bool,
    older_than: timedelta | None,
    quiet: bool,
    offline: bool,
) -> None:
    """Re-check posts now through their platforms' data (no browser unless one changed).

    POST is a post URL, platform:id or the platform's id. With none, the posts that are due.

    Usage: archiver recheck https://x.com/someone/status/1821185274147889728
    """
    import asyncio

    from archiver.flows import run as cron
    from storage import Store

    if sum((bool(posts), every, older_than is not None)) > 1:
        raise click.UsageError("name POSTs, or give --all, or --older-than AGE: one of them")
    output = _Lines(quiet)
    with Store.open(settings.home, create=False, blob_store=settings.blob_store) as store:
        chosen = cron.posts_to_recheck(store, posts, every=every, older_than=older_than)
        report = asyncio.run(cron.recheck_now(settings, store, chosen, _network(offline), output))
    output.info(report.summary())


@cli.command()
@settings_options
def status(settings: Settings) -> None:
    """Counts of posts by status, what is due, per platform how its posts are re-checked (HTTP,
    the browser, or why not), the watches, and how the last run ended.

    Usage: archiver status
    """
    from archiver.flows.history import status_lines
    from storage import Store

    with Store.open(settings.home, create=False, blob_store=settings.blob_store) as store:
        for line in status_lines(store, view_checks_per_run=settings.view_checks_per_run):
            _echo(line)


@cli.command("list")
@settings_options
@click.option(
    "--status",
    "wanted",
    type=click.Choice([*POST_STATUSES, "changed"]),
    help="Only posts with this status (changed: content a check found different)",
)
@click.option(
    "--since", type=DATE, metavar="DATE", help="In that status since DATE (2025-03-01, or an age: 7d)"
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array")
def list_posts(settings: Settings, wanted: str | None, since: datetime | None, as_json: bool) -> None:
    """List posts, the most recent status change first.

    Usage: archiver list --status deleted --since 7d
    """
    import json

    from archiver.flows import history
    from storage import Store

    with Store.open(settings.home, create=False, blob_store=settings.blob_store) as store:
        rows = history.list_posts(store, wanted, since)
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    for row in rows:
        _echo(history.post_line(row, "changed_at" if wanted == "changed" else "status_since"))


@cli.command()
@settings_options
@click.argument("post")
@click.option("--json", "as_json", is_flag=True, help="Print the post and its timeline as JSON")
def show(settings: Settings, post: str, as_json: bool) -> None:
    """A post's timeline: every check and capture, each status change, its kept files with their
    SHA-256 and path. POST is its URL, platform:id, or id.

    Usage: archiver show https://x.com/someone/status/1821185274147889728
    """
    import json

    from archiver.flows import history
    from storage import Store

    with Store.open(settings.home, create=False, blob_store=settings.blob_store) as store:
        row = history.find_post(store, post)
        if as_json:
            click.echo(json.dumps({"post": row, "timeline": store.timeline(row["id"])}, indent=2))
            return
        for line in history.timeline_lines(store, row):
            _echo(line)


# --- What leaves the archive: export (WACZ, JSON lines, CSV) and the HTML report -----------------


tsa_ca_option = click.option(
    "--tsa-ca",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The TSA's CA certificate (PEM): its timestamps must chain to it",
)


def tsa_options(func: F) -> F:
    """--tsa URL and --tsa-ca FILE: timestamp the manifests at an RFC 3161 authority."""
    func = tsa_ca_option(func)
    return click.option("--tsa", metavar="URL", help="Timestamp each hashes.txt at this RFC 3161 authority")(
        func
    )


def _stamper(settings: Settings, tsa: str | None, tsa_ca: Path | None) -> Callable[[bytes], bytes] | None:
    """--tsa and --tsa-ca as a function timestamping bytes at the TSA, or None without --tsa."""
    if tsa is None:
        if tsa_ca is not None:
            raise click.UsageError("--tsa-ca goes with --tsa URL")
        return None
    from archiver import fetch
    from archiver.guard import Guard
    from archiver.outputs import timestamp

    guard = Guard.for_settings(settings, [tsa])  # the TSA is the user's choice
    return timestamp.stamper(tsa, lambda: fetch.make_client(settings, guard=guard), tsa_ca)


@cli.command()
@settings_options
@click.argument("articles", nargs=-1)
@click.option(
    "--all", "every", is_flag=True, help="Every article in the archive (the default with none named)"
)
@click.option(
    "--wacz", type=click.Path(dir_okay=False, path_type=Path), help="Write a WACZ (web archive) to FILE"
)
@click.option("--json", "as_json", is_flag=True, help="One JSON line per post: status, metadata, artifacts")
@click.option("--csv", "as_csv", is_flag=True, help="The same as CSV, one row per post")
@click.option(
    "-o",
    "--output",
    type=click.File("w", encoding="utf-8", lazy=True),
    help="Write --json/--csv to FILE [stdout]",
)
@tsa_options
def export(
    settings: Settings,
    articles: tuple[str, ...],
    every: bool,
    wacz: Path | None,
    as_json: bool,
    as_csv: bool,
    output: TextIO | None,
    tsa: str | None,
    tsa_ca: Path | None,
) -> None:
    """Export articles and their posts: a WACZ for replay tools, or JSON lines / CSV for scripts.

    ARTICLE is an article's URL or its id; name none (or give --all) for every article. The
    WACZ holds the captures' WARCs, a CDXJ index, the article and each post as pages, every
    other artifact, and a hashes.txt-style manifest per article (with --tsa, timestamped).

    Usage: archiver export https://example.com/news/story --wacz story.wacz
    """
    from archiver.outputs import export as exporting
    from archiver.outputs.wacz import write_wacz
    from storage import Store

    if sum((wacz is not None, as_json, as_csv)) != 1:
        raise click.UsageError("give one of --wacz FILE, --json, --csv")
    if tsa is not None and wacz is None:
        raise click.UsageError("--tsa timestamps the WACZ's manifests: use it with --wacz")
    if output is not None and wacz is not None:
        raise click.UsageError("-o FILE is for --json and --csv: --wacz names its own FILE")
    if every and articles:
        raise click.UsageError("name ARTICLEs or give --all, not both")
    stamp = _stamper(settings, tsa, tsa_ca)
    with Store.open(settings.home, create=False, blob_store=settings.blob_store) as store:
        bundles = exporting.gather_articles(store, articles, all_articles=not articles)
        if wacz is not None:
            made = write_wacz(bundles, wacz, blob_path=store.blobs, stamp=stamp)
            click.echo(
                f"wrote {made.path}: {made.articles} article(s), {made.pages} page(s), "
                f"{made.warcs} WARC(s), {made.files} file(s)"
            )
            return
    text = exporting.csv_text(bundles) if as_csv else exporting.json_text(bundles)
    click.echo(text, nl=False, file=output)


@cli.command()
@settings_options
@click.argument("article")
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the report into [HOME/reports/<article id>]",
)
@tsa_options
def report(
    settings: Settings, article: str, output: Path | None, tsa: str | None, tsa_ca: Path | None
) -> None:
    """Write an article's HTML report: a folder that opens from disk, with the article's screenshot
    and each post as a card (screenshot, author, text, media, status, files with their SHA-256,
    history), and hashes.txt to check every file (with --tsa, timestamped: hashes.txt.tsr).
    ARTICLE is the article's URL or its id.

    Usage: archiver report https://example.com/news/story -o story-report
    """
    from archiver.outputs.report import write_article_report
    from storage import Store

    stamp = _stamper(settings, tsa, tsa_ca)
    with Store.open(settings.home, create=False, blob_store=settings.blob_store) as store:
        index = write_article_report(store, article, settings.home, output, stamp)
    click.echo(f"report: {index.resolve()}")


@cli.command("check-report")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@tsa_ca_option
def check_report(folder: Path, tsa_ca: Path | None) -> None:
    """Check a report folder without the archive: every file against hashes.txt, and hashes.txt
    against its RFC 3161 timestamp (hashes.txt.tsr) when it has one. Exits 1 on any problem.

    Usage: archiver check-report archive/reports/1 --tsa-ca tsa-ca.pem
    """
    from archiver.outputs.report import check_report as check_folder
    from archiver.outputs.timestamp import token_checker

    found = check_folder(folder, token_checker(tsa_ca))
    for line in found.problems:
        _echo(line)
    click.echo(found.summary())
    if found.problems:
        sys.exit(1)
