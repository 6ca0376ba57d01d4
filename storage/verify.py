"""Verification: is what the archive names there, and is it what it was?

    report = store.verify()       # verify(blobs, references), given the rows naming blobs
    report.ok, report.summary(), report.problems()

Store.verify first runs SQLite's integrity check on archive.db. verify() lists the blob store
once (a folder, or a bucket: storage.blobs), re-hashes every blob and checks references both
ways: every row naming a blob (storage.migrations.BLOB_COLUMNS, read by storage.queries) finds
it, every blob is named by some row, and the store holds no temp files left by an interrupted
write and nothing else stray; the home holds no media spool folder a killed capture left
(storage.leftovers). A damaged database is reported with the blobs still re-hashed, but not
the references: rows it can no longer read would make their blobs look orphaned.

For a large bucket, `sample=N` re-hashes N blobs picked at random instead of all of them (each
is read in full); the references and orphans are still checked for all, from the listing.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storage.blobs import Blobs, is_sha256
from storage.errors import RECOVER_HINT


@dataclass(frozen=True)
class MissingBlob:
    table: str
    row_id: int
    column: str
    sha256: str


@dataclass
class VerifyReport:
    """What Store.verify found: sound when every list is empty."""

    blobs: int = 0  # blobs re-hashed
    listed: int | None = None  # blobs in the store, when only a sample of them was re-hashed
    references: int | None = 0  # rows naming a blob; None: not checked (archive.db is damaged)
    damage: list[str] = field(default_factory=list)  # SQLite's integrity check, one line each
    corrupt: list[str] = field(default_factory=list)
    missing: list[MissingBlob] = field(default_factory=list)
    orphaned: list[str] = field(default_factory=list)
    temp_files: list[Path] = field(default_factory=list)
    strays: list[Path | str] = field(default_factory=list)  # a file, or an object's s3:// URL
    spools: list[Path] = field(default_factory=list)  # media spool folders a killed capture left

    @property
    def ok(self) -> bool:
        found = (self.damage, self.corrupt, self.missing, self.orphaned, self.temp_files, self.strays)
        return not any(found) and not self.spools

    def problems(self) -> list[str]:
        """One line per problem."""
        lines = [f"damaged: archive.db: {line}" for line in self.damage]
        lines += [f"corrupt: blob {sha} no longer matches its hash" for sha in self.corrupt]
        lines += [
            f"missing: {m.table} row {m.row_id} names blob {m.sha256} ({m.column}), which is not there"
            for m in self.missing
        ]
        lines += [f"orphaned: blob {sha} is named by no row" for sha in self.orphaned]
        lines += [f"temp file: {path} is left from an interrupted write" for path in self.temp_files]
        lines += [f"stray file: {path} is not a blob where it belongs" for path in self.strays]
        lines += [f"spool folder: {path} is left from an interrupted capture" for path in self.spools]
        return lines

    def summary(self) -> str:
        hashed = f"{self.blobs} blob(s)"
        if self.listed is not None:
            hashed = f"{self.blobs} of {self.listed} blob(s) (a random sample)"
        if self.references is None:
            checked = f"verified {hashed}, not their references"
        else:
            checked = f"verified {hashed} and {self.references} reference(s)"
        if self.ok:
            return f"{checked}: all sound"
        found = [f"archive.db is damaged ({len(self.damage)} problem(s))"] if self.damage else []
        counts = [
            (len(self.corrupt), "corrupt"),
            (len(self.missing), "missing"),
            (len(self.orphaned), "orphaned"),
            (len(self.temp_files), "temp file(s)"),
            (len(self.strays), "stray file(s)"),
            (len(self.spools), "spool folder(s)"),
        ]
        found += [f"{n} {what}" for n, what in counts if n]
        hint = f"; {RECOVER_HINT}" if self.damage else ""
        return f"{checked}: " + ", ".join(found) + hint


def verify(
    blobs: Blobs,
    references: Iterable[tuple[str, int, str, Any]] | None,
    damage: Iterable[str] = (),
    spools: Iterable[Path] = (),
    sample: int | None = None,
) -> VerifyReport:
    """Re-hash every blob (or a random `sample` of them) and check references both ways (see
    VerifyReport); `references` are the rows naming a blob: (table, row id, column, the value
    it holds), or None when the database is too damaged to tell (`damage`: what its integrity
    check found); `spools` the spool folders left over in the home.

    Run it when no capture is in progress: a blob written just before its row would be
    reported as orphaned.
    """
    rows = None if references is None else list(references)
    report = VerifyReport(
        damage=list(damage), references=None if rows is None else len(rows), spools=list(spools)
    )
    listed, strays = blobs.inventory()
    present = set(listed)
    referenced: set[str] = set()
    for table, row_id, column, sha in rows or ():
        if is_sha256(sha) and sha in present:
            referenced.add(sha)
        else:
            report.missing.append(MissingBlob(table, row_id, column, str(sha)))
    hashed = listed
    if sample is not None and sample < len(listed):
        hashed = sorted(random.sample(listed, max(sample, 0)))
        report.listed = len(listed)
    for sha in hashed:
        report.blobs += 1
        if not blobs.verify(sha):
            report.corrupt.append(sha)
    if rows is not None:
        report.orphaned = [sha for sha in listed if sha not in referenced]
    report.temp_files = blobs.temp_files()
    report.strays = list(strays)
    return report
