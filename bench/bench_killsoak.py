"""Kill soak: `archiver archive` killed with SIGKILL at random moments, then run to the end,
repaired and verified. Nothing half-written may survive, and nothing may be written twice.

Usage: python bench/bench_killsoak.py [--kills N] [--aimed N] [--seed N] [--video-mb N] [--rate-mb N]
                                      [--deadline S] [--keep]

Two news articles on 127.0.0.1 (bench/killsoak_site.py) embed four Mastodon posts of that
instance (one post in both articles), each with a photo and a video of `video-mb` MB served at
`rate-mb` MB/s, and one tweet each, which `--offline` answers from the offline world on Twitter's
real hostnames. All traffic stays on this machine. The archive runs as people run it:
`python -m archiver archive --offline --allow-private-network --home HOME URL URL` (the posts'
instance is this machine, which the network guard refuses otherwise), in its own process group,
with ARCHIVER_BROWSER from `archiver doctor --find` and ARCHIVER_HOST_DELAY=0.

1. One run to the end into a scratch home measures how long a run lives.
2. Then, into one HOME, runs are started and the whole process group (the archiver, Playwright's
   driver, Chromium) gets SIGKILL: `--kills` runs (default 30) at a moment drawn uniformly over
   that life (a seeded RNG: the seed is printed, and `--seed` draws the same moments again), and
   `--aimed` runs (default 2) each at a moment too short to meet by chance: as a blob write
   starts (a new temp file in blobs/tmp) and as a report is being written (its temporary
   folder in HOME/reports), the home looked at every 2 ms. A run that ends before its moment is
   counted, not killed. After each kill: what it was doing (from what the server was sending and
   what the home and archive.db hold) and what it left.
3. One run to the end, then `archiver verify --older-than 0s` (what is left over before repair),
   `archiver verify --repair --older-than 0s` and `archiver verify`.

It fails (exit 1, one line per failure) unless: the last run exits 0; the repair removes all it
finds and keeps nothing; verify then exits 0; blobs/tmp is empty, and HOME holds no spool folder
(archiver-capture-*) and HOME/reports no temporary report folder (.ID.*.tmp, .ID.*.old);
archive.db has no duplicate article, post (platform, post_id), embed (article, post) or
artifact, no capture left "running", and every blob a row names is there; and every post of
both articles has a complete capture from the last run (each Mastodon post's with its whole
video), and each article its screenshot. `--deadline` (seconds, default 600) bounds the soak.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import secrets
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from killsoak_site import MB, Site, Traffic, serve

SPOOL_GLOB = "archiver-capture-*"
PHASES = (
    "start-up: no article asked for yet",
    "articles and views: no video moving",
    "video download in flight",
    "blob write cut short (temp file left)",
    "after every post was stored",
    "report being written (temp folder left)",
)


class Deadline(Exception):
    pass


@dataclass
class Soak:
    site: Site
    traffic: Traffic
    home: Path
    logs: Path
    browser: str
    deadline: float  # time.monotonic() when the soak must be over

    def left(self) -> float:
        return self.deadline - time.monotonic()

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "archiver", *args]

    def env(self) -> dict[str, str]:
        return {**os.environ, "ARCHIVER_BROWSER": self.browser, "ARCHIVER_HOST_DELAY": "0"}

    def start(self, home: Path, name: str) -> subprocess.Popen[bytes]:
        args = ["archive", "--offline", "--allow-private-network", "--home", str(home)]
        with open(self.logs / f"{name}.out", "wb") as out:
            return subprocess.Popen(
                self.command(*args, *self.site.article_urls),
                env=self.env(),
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # its own process group: the driver and Chromium in it
            )

    def run_to_end(self, home: Path, name: str) -> tuple[int, float]:
        started = time.monotonic()
        proc = self.start(home, name)
        try:
            code = proc.wait(max(1.0, min(300.0, self.left())))
        except subprocess.TimeoutExpired:
            kill_group(proc)
            raise Deadline(f"the run {name!r} did not end in time (log: {self.logs / name}.out)") from None
        return code, time.monotonic() - started

    def archiver(self, *args: str) -> subprocess.CompletedProcess[str]:
        try:
            return subprocess.run(
                self.command(*args, "--home", str(self.home)),
                env=self.env(),
                capture_output=True,
                text=True,
                timeout=max(1.0, min(300.0, self.left())),
            )
        except subprocess.TimeoutExpired:
            raise Deadline(f"archiver {' '.join(args)} did not end in time") from None


def group_members(pgid: int) -> list[int]:
    """Processes of process group `pgid` still alive (zombies, which hold nothing, left out)."""
    alive = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        state, _ppid, group = text[text.rindex(")") + 2 :].split()[:3]
        if int(group) == pgid and state != "Z":
            alive.append(int(stat.parent.name))
    return alive


def kill_group(proc: subprocess.Popen[bytes]) -> list[int]:
    """SIGKILL to the whole group; wait for it to be gone. Returns any that survived 10 s."""
    with contextlib.suppress(ProcessLookupError):  # the whole group ended already
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(30)
    until = time.monotonic() + 10
    while (members := group_members(proc.pid)) and time.monotonic() < until:
        time.sleep(0.05)
    return members


def temp_files(home: Path) -> set[str]:
    tmp = home / "blobs" / "tmp"
    return {p.name for p in tmp.iterdir() if p.is_file()} if tmp.is_dir() else set()


def read_db(home: Path) -> sqlite3.Connection | None:
    db = home / "archive.db"
    if not db.exists():
        return None
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    connection.row_factory = sqlite3.Row
    return connection


def when(text: str) -> datetime:
    return datetime.fromisoformat(text)


def captures_since(home: Path, since: datetime) -> Counter[str]:
    """The post captures started since `since`, by status."""
    connection = read_db(home)
    if connection is None:
        return Counter()
    try:
        rows = connection.execute("SELECT status, started FROM captures WHERE post IS NOT NULL").fetchall()
    except sqlite3.Error:  # the first run was killed before it made the tables
        return Counter()
    finally:
        connection.close()
    return Counter(row["status"] for row in rows if when(row["started"]) >= since)


@dataclass
class Kill:
    aim: str  # RANDOM, or the moment it waited for (AIMS)
    at: float  # seconds after the start
    phase: str
    temp_files: int  # blob temp files it left
    report_temps: int  # temporary report folders it left in HOME/reports
    spool_files: int  # files in its media spool folder (-1: no folder)
    running: int  # post captures it left "running"
    stored: int  # post captures it completed


@dataclass
class Tally:
    kills: list[Kill] = field(default_factory=list)
    ended_first: list[tuple[str, int]] = field(default_factory=list)  # (aim, exit code): not killed
    survivors: list[int] = field(default_factory=list)


RANDOM = "at a random moment"
BLOB_WRITE = "as a blob write starts"
REPORT = "as a report is being written"
AIMS = (BLOB_WRITE, REPORT)


def report_temps(home: Path) -> set[str]:
    """What outputs/atomic.py writes beside a report folder: .ID.<random>.tmp, .ID.<random>.old."""
    reports = home / "reports"
    return {p.name for p in reports.iterdir() if p.name.startswith(".")} if reports.is_dir() else set()


def wait_for(proc: subprocess.Popen[bytes], aim: str, moment: float, home: Path, temps: set[str]) -> bool:
    """Wait for the kill's moment: `moment` seconds, or until what `aim` names shows in the
    home (looked at every 2 ms, for at most `moment`). False when the run ended first."""
    if aim == RANDOM:
        try:
            proc.wait(moment)
        except subprocess.TimeoutExpired:
            return True
        return False
    reports = report_temps(home)
    until = time.monotonic() + moment
    while proc.poll() is None and time.monotonic() < until:
        seen = temp_files(home) - temps if aim == BLOB_WRITE else report_temps(home) - reports
        if seen:
            return True
        time.sleep(0.002)
    return proc.poll() is None


def one_round(soak: Soak, rng: random.Random, life: float, name: str, aim: str, tally: Tally) -> bool:
    """One run, killed at its moment; False when it ended before."""
    posts = len(soak.site.mastodon_ids) + 1 + len(soak.site.tweet_ids)  # the shared post twice
    moment = rng.uniform(0.02, 1.0) * life if aim == RANDOM else 3 * life
    temps_before, reports_before = temp_files(soak.home), report_temps(soak.home)
    soak.traffic.reset()
    since = datetime.now(timezone.utc)
    started = time.monotonic()
    proc = soak.start(soak.home, name)
    if not wait_for(proc, aim, moment, soak.home, temps_before):
        tally.ended_first.append((aim, proc.wait()))
        return False
    seen = soak.traffic.snapshot()
    tally.survivors += kill_group(proc)
    at = time.monotonic() - started
    new_temps = temp_files(soak.home) - temps_before
    new_reports = report_temps(soak.home) - reports_before
    spools = list(soak.home.glob(f"archiver-capture-*-{proc.pid}-*"))
    spool_files = sum(1 for folder in spools for p in folder.rglob("*") if p.is_file()) if spools else -1
    captures = captures_since(soak.home, since)
    if new_reports:
        phase = PHASES[5]
    elif new_temps:
        phase = PHASES[3]
    elif seen.in_flight:
        phase = PHASES[2]
    elif captures["complete"] + captures["partial"] + captures["failed"] >= posts:
        phase = PHASES[4]
    elif seen.articles:
        phase = PHASES[1]
    else:
        phase = PHASES[0]
    tally.kills.append(
        Kill(
            aim,
            at,
            phase,
            len(new_temps),
            len(new_reports),
            spool_files,
            captures["running"],
            captures["complete"],
        )
    )
    return True


def problems(lines: list[str]) -> Counter[str]:
    """verify's problem lines, counted by kind (the word before the first colon)."""
    kinds = ("damaged", "corrupt", "missing", "orphaned", "temp file", "stray file", "spool folder")
    return Counter(line.split(":")[0] for line in lines if line.split(":")[0] in kinds)


def check_database(soak: Soak, final_start: datetime) -> list[str]:
    """Duplicates, dangling names and the last run's captures, read straight from archive.db."""
    failures = []
    connection = read_db(soak.home)
    if connection is None:
        return ["no archive.db after the last run"]
    q = connection.execute
    try:
        duplicates = {
            "articles (url)": "SELECT url FROM articles GROUP BY url HAVING count(*) > 1",
            "posts (platform, post_id)": (
                "SELECT platform, post_id FROM posts GROUP BY platform, post_id HAVING count(*) > 1"
            ),
            "embeds (article, post)": (
                "SELECT article, post FROM embeds GROUP BY article, post HAVING count(*) > 1"
            ),
            "artifacts (capture, kind, sha256, source_url)": (
                "SELECT capture FROM artifacts GROUP BY capture, kind, sha256, coalesce(source_url, '')"
                " HAVING count(*) > 1"
            ),
        }
        for what, sql in duplicates.items():
            if rows := q(sql).fetchall():
                failures.append(f"duplicate rows in {what}: {len(rows)} group(s), e.g. {tuple(rows[0])}")
        if running := q("SELECT count(*) FROM captures WHERE status = 'running'").fetchone()[0]:
            failures.append(f"{running} capture(s) left 'running' after the last run")
        named = [r[0] for r in q("SELECT sha256 FROM artifacts UNION SELECT html_sha256 FROM articles")]
        absent = [
            sha for sha in named if sha and not (soak.home / "blobs" / sha[:2] / sha[2:4] / sha).is_file()
        ]
        if absent:
            failures.append(f"{len(absent)} blob(s) named by a row are not in blobs/, e.g. {absent[0]}")

        articles = {r["url"]: r["id"] for r in q("SELECT id, url FROM articles")}
        if sorted(articles) != sorted(soak.site.article_urls):
            failures.append(f"articles in archive.db: {sorted(articles)}, not the two served")
        expected = {("mastodon", p) for p in soak.site.mastodon_ids} | {
            ("twitter", t) for t in soak.site.tweet_ids
        }
        posts = {(r["platform"], r["post_id"]): r["id"] for r in q("SELECT id, platform, post_id FROM posts")}
        if set(posts) != expected:
            failures.append(f"posts in archive.db: {sorted(set(posts) ^ expected)} differ from those served")
        if (embeds := q("SELECT count(*) FROM embeds").fetchone()[0]) != 7:
            failures.append(f"{embeds} embed rows, not 7 (3 Mastodon posts and a tweet, 2 and a tweet)")
        for (platform, post_id), row in sorted(posts.items()):
            captures = q(
                "SELECT id, status, started, missing FROM captures WHERE post = ? ORDER BY id", [row]
            ).fetchall()
            last = [c for c in captures if when(c["started"]) >= final_start]
            complete = [c for c in last if c["status"] == "complete"]
            if not complete:
                said = ", ".join(f"{c['status']} {c['missing'] or ''}".strip() for c in last) or "none"
                failures.append(f"{platform} {post_id}: no complete capture from the last run ({said})")
                continue
            if platform == "mastodon":
                sizes = [
                    r[0]
                    for r in q(
                        "SELECT size FROM artifacts WHERE capture = ? AND mime = 'video/mp4'",
                        [complete[-1]["id"]],
                    )
                ]
                if sizes != [soak.site.video_bytes]:
                    failures.append(
                        f"{post_id}: the last capture's video is {sizes}, not {soak.site.video_bytes} bytes"
                    )
        for url, article in articles.items():
            shots = q(
                "SELECT status, started FROM captures WHERE post IS NULL AND article = ?", [article]
            ).fetchall()
            if not any(s["status"] == "complete" and when(s["started"]) >= final_start for s in shots):
                failures.append(f"article {url}: no complete capture (its screenshot) from the last run")
    finally:
        connection.close()
    return failures


def report(tally: Tally, life: float, outcome: Outcome) -> None:
    kills = tally.kills
    print()
    aims = Counter(k.aim for k in kills)
    print(f"{'kills':44} {len(kills):>5}")
    for aim in (RANDOM, *AIMS):
        print(f"  {aim:42} {aims[aim]:>5}")
    ended = [f"{aim}: exit {code}" for aim, code in tally.ended_first]
    print(
        f"{'runs that ended before their moment':44} {len(ended):>5}"
        + (f"   ({', '.join(ended)})" if ended else "")
    )
    if kills:
        moments = sorted(k.at for k in kills if k.aim == RANDOM) or [0.0]
        said = f"random moments, s (a whole run: {life:.1f} s)"
        print(f"{said:44} {moments[0]:5.1f} to {moments[-1]:.1f}")
    print()
    print("kills by phase (what the server was sending and the home held at the kill):")
    phases = Counter(k.phase for k in kills)
    for phase in PHASES:
        print(f"  {phase:42} {phases[phase]:>5}")
    print()
    print("what the kills left (each found right after its kill):")
    rows = [
        ("blob temp files", sum(k.temp_files for k in kills), sum(1 for k in kills if k.temp_files)),
        ("report temp folders", sum(k.report_temps for k in kills), sum(1 for k in kills if k.report_temps)),
        ("media spool folders", sum(1 for k in kills if k.spool_files >= 0), None),
        ("  with downloads in them", sum(max(k.spool_files, 0) for k in kills), None),
        ("post captures left 'running'", sum(k.running for k in kills), sum(1 for k in kills if k.running)),
        ("post captures completed before the kill", sum(k.stored for k in kills), None),
    ]
    for what, count, by in rows:
        print(f"  {what:42} {count:>5}" + (f"   (by {by} kill(s))" if by is not None else ""))
    print()
    print("after the last run, before repair (archiver verify --older-than 0s):")
    for kind in ("orphaned", "temp file", "spool folder", "corrupt", "missing", "stray file", "damaged"):
        print(f"  {kind:42} {outcome.before[kind]:>5}")
    print(f"  {'report temp folders (verify does not look)':42} {outcome.report_temps:>5}")
    print("removed by archiver verify --repair --older-than 0s:")
    for kind in REMOVED:
        print(f"  {kind:42} {outcome.removed[kind]:>5}")
    print(f"final archiver verify: {outcome.verified}")


def kill_rounds(soak: Soak, rng: random.Random, life: float, kills: int, aimed: int) -> Tally:
    """Start runs into the soak's home and kill each at its moment: `kills` at random moments
    and `aimed` at each of AIMS, in an order the RNG shuffles."""
    tally = Tally()
    todo = [RANDOM] * kills + [aim for aim in AIMS for _ in range(aimed)]
    rng.shuffle(todo)
    n = 0
    while todo:
        if soak.left() < life * 3:  # room for the last run and the checks
            raise Deadline(f"{len(tally.kills)} kills, {len(todo)} still to do at the deadline")
        n += 1
        aim = todo.pop()
        if not one_round(soak, rng, life, f"round-{n:02d}", aim, tally) and aim == RANDOM:
            todo.append(RANDOM)  # not killed: another run takes its place
        if len(tally.ended_first) > kills:
            raise Deadline("runs keep ending before their kill moment: the life measured is off")
        if n % 10 == 0:
            print(f"  {len(tally.kills)} kills, {n} runs", file=sys.stderr)
    return tally


@dataclass
class Outcome:
    failures: list[str] = field(default_factory=list)
    before: Counter[str] = field(default_factory=Counter)  # verify's findings before repair
    removed: Counter[str] = field(default_factory=Counter)  # what repair removed, by kind
    verified: str = ""  # the last verify's exit and summary
    report_temps: int = 0  # temporary report folders in HOME/reports before repair


REMOVED = ("temp file", "orphaned blob", "spool folder")
NEVER = ("orphaned", "corrupt", "missing", "damaged", "temp file", "spool folder", "stray file")


def last_run_repair_verify(soak: Soak) -> Outcome:
    """The run to the end, verify, verify --repair, verify; then the home and archive.db read directly."""
    out = Outcome()
    final_start = datetime.now(timezone.utc)
    code, took = soak.run_to_end(soak.home, "last")
    print(f"the last run: exit {code} in {took:.1f} s")
    if code != 0:
        out.failures.append(f"the last run exited {code}, not 0 (log: {soak.logs}/last.out)")
    out.before = problems(soak.archiver("verify", "--older-than", "0s").stdout.splitlines())
    out.report_temps = len(report_temps(soak.home))
    repair = soak.archiver("verify", "--repair", "--older-than", "0s")
    lines = repair.stdout.splitlines()
    out.removed = Counter(k for line in lines for k in REMOVED if line.startswith(f"removed: {k}"))
    if kept := [line for line in lines if line.startswith("kept: ")]:
        out.failures.append(f"repair kept {len(kept)}: {kept[0]}")
    if repair.returncode != 0:
        said = (lines or repair.stderr.splitlines() or [""])[-1]
        out.failures.append(f"verify --repair exited {repair.returncode}: {said}")
    after = soak.archiver("verify")
    summary = (after.stdout.splitlines() or after.stderr.splitlines() or [""])[-1]
    out.verified = f"exit {after.returncode}, {summary}"
    if after.returncode != 0:
        out.failures.append(f"verify after repair exited {after.returncode}: {summary}")
    found = problems(after.stdout.splitlines())
    out.failures += [f"verify after repair: {found[kind]} {kind}" for kind in NEVER if found[kind]]
    if left := temp_files(soak.home):
        out.failures.append(f"{len(left)} temp file(s) in blobs/tmp after repair")
    if spools := list(soak.home.glob(SPOOL_GLOB)):
        out.failures.append(f"{len(spools)} spool folder(s) in HOME after repair: {spools[0].name}")
    if reports := sorted(report_temps(soak.home)):
        out.failures.append(
            f"{len(reports)} temporary report folder(s) left by kills in HOME/reports after repair "
            f"(e.g. {reports[0]}): verify does not report them, verify --repair does not remove them"
        )
    out.failures += check_database(soak, final_start)
    return out


def run_soak(args: argparse.Namespace, rng: random.Random, browser: str, work: Path) -> list[str]:
    """The whole soak in `work`; its failures."""
    with serve(int(args.video_mb * MB), args.rate_mb * MB) as (site, traffic):
        soak = Soak(site, traffic, work / "home", work / "logs", browser, time.monotonic() + args.deadline)
        print(
            f"{len(site.article_urls)} articles on {site.origin}: {len(site.mastodon_ids)} Mastodon "
            f"posts (one in both), each with a {args.video_mb:g} MB video sent at {args.rate_mb:g} MB/s, "
            f"and {len(site.tweet_ids)} tweets"
        )
        code, life = soak.run_to_end(work / "scratch", "calibration")
        if code != 0:
            return [f"the calibration run exited {code} (log: {soak.logs}/calibration.out)"]
        shutil.rmtree(work / "scratch")
        print(
            f"a whole run lives {life:.1f} s; killing {args.kills} runs at moments drawn over that, "
            f"and {args.aimed} each {' and '.join(AIMS)}"
        )
        tally = kill_rounds(soak, rng, life, args.kills, args.aimed)
        outcome = last_run_repair_verify(soak)
        report(tally, life, outcome)
        survived = (
            [f"processes survived SIGKILL of their group: {tally.survivors}"] if tally.survivors else []
        )
        return survived + outcome.failures


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--kills", type=int, default=30, help="runs to kill (default 30)")
    parser.add_argument(
        "--aimed",
        type=int,
        default=2,
        help="runs killed as a blob write starts, and as many as a report does",
    )
    parser.add_argument("--seed", type=int, help="the RNG's seed for the kill moments (default: a new one)")
    parser.add_argument("--video-mb", type=float, default=20, help="each post's video, MB (default 20)")
    parser.add_argument("--rate-mb", type=float, default=6, help="MB/s a video is sent at (default 6)")
    parser.add_argument("--deadline", type=float, default=600, help="seconds for it all (default 600)")
    parser.add_argument("--keep", action="store_true", help="keep the archive home and the runs' logs")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else secrets.randbelow(2**32)
    print(f"seed {seed} (the same kill moments again: python bench/bench_killsoak.py --seed {seed})")
    found = subprocess.run(
        [sys.executable, "-m", "archiver", "doctor", "--find"], capture_output=True, text=True
    )
    if found.returncode != 0:
        print(f"FAIL: no browser: {found.stderr.strip()}")
        return 1
    work = Path(tempfile.mkdtemp(prefix="bench-killsoak-"))
    (work / "logs").mkdir()
    try:
        failures = run_soak(args, random.Random(seed), found.stdout.strip(), work)
    except Deadline as exc:
        failures = [f"deadline of {args.deadline:.0f} s: {exc}"]
    if args.keep or failures:
        print(f"kept for a look: {work} (home/, logs/)")
    else:
        shutil.rmtree(work, ignore_errors=True)
    print()
    for failure in failures:
        print(f"FAIL: {failure}")
    if failures:
        return 1
    print("all sound: no orphan, no corrupt blob, no temp file, spool or report folder, no duplicate row;")
    print("every post of both articles completely captured by the last run")
    print(f"load average when done: {' '.join(f'{x:.1f}' for x in os.getloadavg())} (1, 5, 15 min)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
