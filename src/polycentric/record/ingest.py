"""The writing side of the store: :func:`ingest`, :class:`IngestReport`, version writing, :func:`verify_store`.

An ingest reads and validates every input first (nothing written on a bad
file), then, holding the store's writer lock, builds a complete new version in
a temporary folder from the sources already stored plus the new ones, merges
them (:func:`polycentric.record.merge.merge_sources`) and makes it live
through :mod:`polycentric.record._versions` (fsync, rename, pointer swap). The
layout of a version and the reading side are described in
:mod:`polycentric.record.store`, which re-exports the public names here.

Dependency rule: imports ``polycentric.sources``, ``polycentric.errors``,
``polycentric.config`` and the rest of ``polycentric.record``; never measures,
models or shells.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from polycentric.config import home_dir
from polycentric.errors import IngestError, PolycentricError
from polycentric.record import _versions
from polycentric.record.merge import StoredSource, merge_sources
from polycentric.schema import ROLL_CALLS, SC_OUTCOME, conform
from polycentric.sources.common import LEDGER, REJECTED, SOURCE_ROLL_CALLS, SOURCE_VOTES, SourceData

__all__ = ["IngestReport", "ingest", "verify_store"]

_CURRENT = _versions.CURRENT
_FORMAT = 2  # 1: votes.parquet held VOTES_VIEW; 2: VOTES (the view is built when read)
_VOTES_ROW_GROUP = 128_000


def _hash_files(paths: Iterable[Path]) -> str:
    h = hashlib.sha256()
    files = sorted(paths, key=lambda q: q.name)
    for p in files:
        if len(files) > 1:  # the parts of a folder source are told apart by name; a lone file by content only
            h.update(p.name.encode())
        with p.open("rb") as fh:
            while chunk := fh.read(1 << 22):
                h.update(chunk)
    return h.hexdigest()[:20]


def _input_files(path: Path) -> list[Path]:
    if path.is_dir():
        from polycentric.sources.voeten import find_unvotes_files

        return list(find_unvotes_files(path).values())
    return [path]


def _link_or_copy(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


@dataclass
class IngestReport:
    """What an ingest did: the sources added, those already present, and the record's size after."""

    added: list[dict[str, Any]] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    roll_calls: int = 0
    votes: int = 0
    conflicts: int = 0
    home: str = ""
    matches: int = 0  # Voeten roll calls linked to a UN DL roll call by session, date and tallies

    def summary(self) -> str:
        lines = [f"{a['source']} ({a['layout']}): {', '.join(Path(f).name for f in a['files'])}" for a in self.added]
        lines += [f"already in the record, unchanged: {u}" for u in self.unchanged]
        if self.matches:
            lines.append(
                f"{self.matches:,} Voeten roll calls matched to UN DL roll calls by session, date and tallies "
                "(stored once; see Record.matches())"
            )
        lines.append(
            f"record at {self.home}: {self.roll_calls:,} roll calls, {self.votes:,} votes, {self.conflicts:,} {'conflict' if self.conflicts == 1 else 'conflicts'} between sources"
        )
        return "\n".join(lines)


def _load_sources(version: Path) -> tuple[list[StoredSource], list[dict[str, Any]]]:
    manifest = json.loads((version / "manifest.json").read_text(encoding="utf-8"))
    out = []
    for m in manifest["sources"]:
        d = version / "sources" / m["source_id"]
        out.append(
            StoredSource(
                source_id=m["source_id"],
                seq=m["seq"],
                source=m["source"],
                kind=m["kind"],
                files=m["files"],
                roll_calls=pl.read_parquet(d / "roll_calls.parquet"),
                votes=pl.read_parquet(d / "votes.parquet"),
                ledger=pl.read_parquet(d / "ledger.parquet"),
                input_rows={(k.split("\t")[0], k.split("\t")[1]): v for k, v in m["input_rows"].items()},
                complete_members=m["complete_members"],
                rejected=(
                    pl.read_parquet(d / "rejected.parquet")
                    if (d / "rejected.parquet").exists()
                    else pl.DataFrame(schema=REJECTED)
                ),
            )
        )
    return out, manifest["sources"]


def _issue_hook(roll_calls: pl.DataFrame) -> pl.DataFrame:
    """Fill issue codes of roll calls Voeten never coded, when the classifier is installed."""
    try:
        from polycentric.record.issues import classify_issues
    except ImportError:
        return roll_calls
    missing = roll_calls.filter(pl.col("issues_source").is_null() & (pl.col("body") == "GA"))
    if missing.height == 0:
        return roll_calls
    filled = classify_issues(missing)
    filled = filled.select(list(ROLL_CALLS)).cast(ROLL_CALLS)  # type: ignore[arg-type]
    return pl.concat([roll_calls.join(filled.select("rollcall_id"), on="rollcall_id", how="anti"), filled]).sort(
        "rollcall_id"
    )


def _expand_inputs(paths: Sequence[str | Path]) -> list[Path]:
    inputs: list[Path] = []
    for raw in paths:
        p = Path(raw).expanduser()
        if p.is_dir() and not any((p / f"un_votes{ext}").exists() for ext in (".csv", ".csv.gz")):
            found = sorted([*p.glob("*.csv"), *p.glob("*.csv.gz")])
            if not found:
                raise IngestError(f"{p}: no CSV files and no unvotes triple in this folder")
            inputs.extend(found)
        else:
            inputs.append(p)
    return inputs


def _known_sources(version: Path | None) -> set[str]:
    if version is None:
        return set()
    try:
        manifest = json.loads((version / "manifest.json").read_text(encoding="utf-8"))
        return {m["source_id"] for m in manifest["sources"]}
    except (OSError, ValueError, KeyError, TypeError):
        return set()


def _read_checked(path: Path, format: str | None) -> SourceData:
    """Read one input and refuse it if it breaks a limit (dates, field sizes) whichever reader read it."""
    from polycentric.sources._checks import check_limits
    from polycentric.sources.detect import read_source

    data = read_source(path, format=format)
    check_limits(data)
    return data


def ingest(
    paths: Sequence[str | Path],
    *,
    home: str | Path | None = None,
    format: str | None = None,
    progress: Callable[[str], None] | None = None,
    lock_timeout: float | None = None,
    keep: int | None = None,
) -> IngestReport:
    """Ingest files (or ``unvotes`` folders) into the record at ``home``, atomically and durably.

    Each input is read and validated first; a malformed input raises
    :class:`~polycentric.errors.InputFormatError` (naming file, line and field)
    before anything is written, and any failure later leaves the previous
    record as it was. One writer at a time: the new version is built from
    the version current while this writer holds the store's lock, so
    concurrent ingests all land (see :mod:`polycentric.record._versions`).

    Parameters
    ----------
    paths
        Files or folders; a folder that is not an ``unvotes`` triple is searched
        for CSV files (``*.csv``, ``*.csv.gz``) one level deep.
    home
        The record's folder (default :func:`polycentric.config.home_dir`).
    format
        Force a reader for every path (see :data:`polycentric.sources.detect.FORMATS`).
    progress
        Called with a short message before each step (the CLI shows it).
    lock_timeout
        Seconds to wait for another writer (default ``POLYCENTRIC_LOCK_TIMEOUT`` or 600);
        then :class:`~polycentric.errors.StoreBusyError`.
    keep
        Complete versions to keep (default ``POLYCENTRIC_KEEP_VERSIONS`` or 3).

    Raises
    ------
    InputFormatError
        A malformed input (nothing written).
    StoreBusyError
        Another writer held the store longer than ``lock_timeout`` (nothing written).
    IngestError
        Writing failed (a full disk, ...): the previous record is live and intact.
    """
    root = home_dir(home)
    root.mkdir(parents=True, exist_ok=True)
    say = progress or (lambda _msg: None)
    n_keep = _versions.keep_versions(keep)
    wait = _versions.lock_timeout(lock_timeout)
    report = IngestReport(home=str(root))

    # read and validate the inputs before taking the lock (the slow part; other writers go on meanwhile)
    seen = _known_sources(_versions.current_version(root, repair=False, quiet=True))
    parsed: list[tuple[Path, str, SourceData | None]] = []
    for p in _expand_inputs(paths):
        if not p.exists():
            from polycentric.errors import InputFormatError

            raise InputFormatError("no such file or folder", path=p)
        sid = _hash_files(_input_files(p))
        if sid in seen or any(sid == s for _, s, _ in parsed):
            parsed.append((p, sid, None))
            continue
        say(f"reading {p.name}")
        parsed.append((p, sid, _read_checked(p, format)))

    with _versions.writer_lock(root, wait):
        _versions.clean_leftovers(root)
        repaired = _versions.read_pointer(root)[1] is not None
        current = _versions.current_version(root, repair=True, locked=True)
        repaired = repaired and current is not None
        old_sources: list[StoredSource] = []
        old_meta: list[dict[str, Any]] = []
        if current is not None:
            old_sources, old_meta = _load_sources(current)
        known = {m["source_id"] for m in old_meta}
        new: list[tuple[str, SourceData]] = []
        for p, sid, data in parsed:
            if sid in known or any(sid == s for s, _ in new):
                report.unchanged.append(str(p))
                say(f"unchanged: {p.name}")
                continue
            if data is None:  # in the record when peeked at, not in the version now current
                say(f"reading {p.name}")
                data = _read_checked(p, format)
            new.append((sid, data))
        if not new:
            if current is not None:
                _fill_counts(report, current)
            return report
        tmp = _versions.new_temp_dir(root)
        try:
            final, merged, roll_calls = _write_version(root, tmp, current, old_sources, old_meta, new, report, say)
        except PolycentricError:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        except Exception as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            raise IngestError(f"ingest failed, record unchanged: {exc}") from exc
        try:
            if not repaired:  # after a repaired pointer every version is kept, for a person to look at
                _versions.prune_versions(root, n_keep, final)
        except OSError:
            pass  # the new version is live; older ones are removed by a later ingest
        _versions.fault_point("pruned")
    report.roll_calls = roll_calls.height
    report.votes = merged.votes.height
    report.conflicts = merged.conflicts.height
    report.matches = merged.matches.height
    return report


def _write(frame: pl.DataFrame, path: Path, **options: Any) -> None:
    """Write one Parquet file and fsync it at once (commit_version fsyncs it again: by then a cheap no-op).

    Flushing each file as soon as it is written lets the disk work while the
    other thread computes, instead of all at once at the commit.
    """
    frame.write_parquet(path, **options)
    _versions.fsync_path(path)


def _write_source(
    folder: Path, roll_calls: pl.DataFrame, votes: pl.DataFrame, ledger: pl.DataFrame, rejected: pl.DataFrame
) -> None:
    """The tables of one new source, in its folder of the version being written."""
    _write(roll_calls, folder / "roll_calls.parquet", compression="lz4")  # long texts: lz4 is cheaper than zstd
    _write(votes, folder / "votes.parquet", compression="lz4")
    _write(ledger, folder / "ledger.parquet")
    _write(rejected, folder / "rejected.parquet")


def _write_version(
    root: Path,
    tmp: Path,
    current: Path | None,
    old_sources: list[StoredSource],
    old_meta: list[dict[str, Any]],
    new: list[tuple[str, SourceData]],
    report: IngestReport,
    say: Callable[[str], None],
) -> tuple[Path, Any, pl.DataFrame]:
    """Write the new version in ``tmp`` and make it live (the writer lock is held)."""
    seq = max((m["seq"] for m in old_meta), default=0)
    manifest_sources = [{k: v for k, v in m.items()} for m in old_meta]
    stored = list(old_sources)
    for m in old_meta:
        assert current is not None
        for name in ("roll_calls.parquet", "votes.parquet", "ledger.parquet", "rejected.parquet"):
            src = current / "sources" / m["source_id"] / name
            if src.exists() or name != "rejected.parquet":  # stores written before 2026-11 have none
                _link_or_copy(src, tmp / "sources" / m["source_id"] / name)
    # the Parquet files are written by a second thread while this one goes on (Polars releases the GIL), each
    # awaited before the fault point that follows it; leaving the block waits for every write, even on an error
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="polycentric-write") as writer:
        source_writes: list[Future[None]] = []
        for sid, data in new:
            seq += 1
            d = tmp / "sources" / sid
            d.mkdir(parents=True)
            rc = conform(data.roll_calls, {**SOURCE_ROLL_CALLS, **SC_OUTCOME})
            votes = data.votes.select(list(SOURCE_VOTES)).cast(SOURCE_VOTES)  # type: ignore[arg-type]
            ledger = data.ledger.cast(LEDGER)  # type: ignore[arg-type]
            rejected = data.rejected.select(list(REJECTED)).cast(REJECTED)  # type: ignore[arg-type]
            source_writes.append(writer.submit(_write_source, d, rc, votes, ledger, rejected))
            meta = {
                "source_id": sid,
                "seq": seq,
                "source": data.source,
                "kind": data.kind,
                "layout": data.layout,
                "files": [str(Path(f).resolve()) for f in data.files],
                "input_rows": {f"{f}\t{t}": n for (f, t), n in data.input_rows.items()},
                "complete_members": data.complete_members,
                "ingested_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            }
            manifest_sources.append(meta)
            report.added.append(meta)
            stored.append(
                StoredSource(
                    sid,
                    seq,
                    data.source,
                    data.kind,
                    data.files,
                    rc,
                    votes,
                    ledger,
                    data.input_rows,
                    data.complete_members,
                    rejected,
                )
            )
        say("merging sources")
        previous_ids = pl.read_parquet(current / "ids.parquet") if current is not None else None
        merged = merge_sources(stored, previous_ids)  # while the sources are written
        for done in source_writes:
            done.result()
        _versions.fault_point("sources-written")
        say("writing the record")
        votes_written = writer.submit(
            _write,
            merged.votes,
            tmp / "votes.parquet",
            compression="lz4",
            statistics=True,
            row_group_size=_VOTES_ROW_GROUP,
        )
        roll_calls = _issue_hook(merged.roll_calls)
        _write(roll_calls, tmp / "roll_calls.parquet", compression="lz4")
        for name in ("ledger", "conflicts", "rejected", "matches", "ids"):
            _write(getattr(merged, name), tmp / f"{name}.parquet")
        votes_written.result()
    _versions.fault_point("tables-written")
    final = _versions.commit_version(root, tmp, {"format": _FORMAT, "sources": manifest_sources}, current)
    return final, merged, roll_calls


def verify_store(home: str | Path | None = None) -> pl.DataFrame:
    """Check every file of every kept version against the size and SHA-256 recorded in its manifest.

    Returns one row per version and file checked with a problem (``version``,
    ``live``, ``file``, ``problem``); an empty frame means every file is intact.
    Also reports a ``CURRENT`` pointer that does not name a complete version.
    """
    root = home_dir(home)
    rows: list[dict[str, Any]] = []
    live, problem = _versions.read_pointer(root)
    if problem is not None and problem != "missing":
        rows.append({"version": "", "live": True, "file": _CURRENT, "problem": problem})
    names = {v.path.name for v in _versions.complete_versions(root)}
    if live is not None:
        names.add(live.name)
    for d in sorted(root.glob("v-*")):
        if d.is_dir() and d.name not in names:
            rows.append({"version": d.name, "live": False, "file": "", "problem": "incomplete version (not used)"})
    for name in sorted(names):
        for file, what in _versions.verify_version(root / name):
            rows.append(
                {"version": name, "live": live is not None and name == live.name, "file": file, "problem": what}
            )
    schema = {"version": pl.String, "live": pl.Boolean, "file": pl.String, "problem": pl.String}
    return pl.DataFrame(rows, schema=schema)


def _fill_counts(report: IngestReport, version: Path) -> None:
    report.roll_calls = pl.scan_parquet(version / "roll_calls.parquet").select(pl.len()).collect().item()
    report.votes = pl.scan_parquet(version / "votes.parquet").select(pl.len()).collect().item()
    report.conflicts = pl.scan_parquet(version / "conflicts.parquet").select(pl.len()).collect().item()
