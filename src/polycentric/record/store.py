"""The embedded store of the record and its query API (:func:`open_record`, :class:`Record`).

Storage: Parquet files in a versioned folder
--------------------------------------------
The record is small (about two million votes, tens of megabytes) and read far
more often than written, by Polars. So it is kept as Parquet files read with
``polars.scan_parquet`` (column pruning and predicate push-down, nothing to
start, any tool that reads Parquet can open them) rather than in a database file
that would need a lock and a server-like library for every read.

Layout of the home folder::

    HOME/CURRENT                 name of the live version folder (one line)
    HOME/v-<time>-<id>/          a complete version of the record
        manifest.json            the sources ingested, their files, hashes and row counts
        sources/<id>/            each source normalised (roll_calls/votes/ledger .parquet, meta.json)
        roll_calls.parquet       ROLL_CALLS
        votes.parquet            VOTES, by roll call (the view, VOTES_VIEW, is built when read)
        ledger.parquet           every input row accounted for
        conflicts.parquet        disagreements between sources
        rejected.parquet         the input rows readers rejected, one by one (the ledger counts them)
        ids.parquet              roll-call identity key -> rollcall_id (ids are stable across ingests)

An ingest builds a complete new version in a temporary folder (hard-linking the
unchanged source files), fsyncs it, records the size and SHA-256 of every file
in ``manifest.json``, renames it into place and replaces ``CURRENT`` through a
temporary name (fsynced, renamed, folder fsynced). One writer at a time holds
the store's lock (``.writer.lock``), so concurrent ingests all land; readers
never take it. A crash or a bad file in the middle leaves ``CURRENT`` pointing
at the previous version, untouched; a damaged ``CURRENT`` is repaired from the
newest complete version. The newest versions (3 by default) are kept. All of
the writing side lives in :mod:`polycentric.record._versions`. A source is
identified by the SHA-256 of its file contents: ingesting the same file again
changes nothing.

The canonical tables are recomputed from all stored sources on every ingest
(:func:`polycentric.record.merge.merge_sources`), so the result does not
depend on the order files were ingested in, except where two files of the
same kind disagree (the later is taken as the newer release).

Dependency rule: imports ``polycentric.sources``, ``polycentric.registry``,
``polycentric.errors``, ``polycentric.config``; never measures, models or shells.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import numpy as np
import polars as pl

from polycentric.config import home_dir
from polycentric.errors import IngestError, PolycentricError, RecordError, RecordNotBuiltError
from polycentric.record import _versions
from polycentric.record.merge import (
    CONFLICTS,
    MATCHES,
    REJECTED_ROWS,
    StoredSource,
    merge_sources,
    sort_votes,
    votes_view,
)
from polycentric.schema import ISSUES, ROLL_CALLS, SC_OUTCOME, STATES, VOTES, VOTES_VIEW, conform
from polycentric.sources.common import (
    LEDGER,
    REJECTED,
    SOURCE_ROLL_CALLS,
    SOURCE_VOTES,
    SourceData,
    normalise_symbol,
)
from polycentric.states import member_states, resolve_state, state_names_at, states_table

__all__ = [
    "TALLY_MISMATCHES",
    "IngestReport",
    "Record",
    "ingest",
    "open_record",
    "refusable_rows",
    "verify_store",
]

TALLY_MISMATCHES: dict[str, pl.DataType] = {
    "rollcall_id": pl.Int64(),
    "resolution": pl.String(),
    "date": pl.Date(),
    "sources": pl.String(),
    "recorded_yes": pl.Int32(),
    "computed_yes": pl.Int32(),
    "recorded_no": pl.Int32(),
    "computed_no": pl.Int32(),
    "recorded_abstain": pl.Int32(),
    "computed_abstain": pl.Int32(),
    "recorded_non_voting": pl.Int32(),
    "computed_non_voting": pl.Int32(),
    "rejected_rows": pl.Int32(),  # rows of the kept source rejected as a second row for a state
    "explained": pl.Boolean(),  # the recorded totals equal the stored votes plus those rejected rows
    "note": pl.String(),
}
"""Roll calls whose recorded totals differ from the totals counted from the stored votes, and why where known."""

_CURRENT = _versions.CURRENT
_FORMAT = 2  # 1: votes.parquet held VOTES_VIEW; 2: VOTES (the view is built when read)
_VOTES_ROW_GROUP = 128_000
_VIEW_WHOLE = 100_000  # a query for more votes than this builds (once) the view of all votes


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


def _current_dir(home: Path) -> Path | None:
    """The live version folder (a damaged pointer is repaired from the newest complete version, with a notice)."""
    return _versions.current_version(home, repair=True)


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
            f"record at {self.home}: {self.roll_calls:,} roll calls, {self.votes:,} votes, {self.conflicts:,} conflicts between sources"
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
    for sid, data in new:
        seq += 1
        d = tmp / "sources" / sid
        d.mkdir(parents=True)
        rc = conform(data.roll_calls, {**SOURCE_ROLL_CALLS, **SC_OUTCOME})
        votes = data.votes.select(list(SOURCE_VOTES)).cast(SOURCE_VOTES)  # type: ignore[arg-type]
        ledger = data.ledger.cast(LEDGER)  # type: ignore[arg-type]
        rc.write_parquet(d / "roll_calls.parquet")
        votes.write_parquet(d / "votes.parquet", compression="lz4")
        ledger.write_parquet(d / "ledger.parquet")
        rejected = data.rejected.select(list(REJECTED)).cast(REJECTED)  # type: ignore[arg-type]
        rejected.write_parquet(d / "rejected.parquet")
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
    _versions.fault_point("sources-written")
    say("merging sources")
    previous_ids = pl.read_parquet(current / "ids.parquet") if current is not None else None
    merged = merge_sources(stored, previous_ids)
    roll_calls = _issue_hook(merged.roll_calls)
    say("writing the record")
    roll_calls.write_parquet(tmp / "roll_calls.parquet")
    merged.votes.write_parquet(
        tmp / "votes.parquet", compression="lz4", statistics=True, row_group_size=_VOTES_ROW_GROUP
    )
    merged.ledger.write_parquet(tmp / "ledger.parquet")
    merged.conflicts.write_parquet(tmp / "conflicts.parquet")
    merged.rejected.write_parquet(tmp / "rejected.parquet")
    merged.matches.write_parquet(tmp / "matches.parquet")
    merged.ids.write_parquet(tmp / "ids.parquet")
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


def refusable_rows(record: Record) -> pl.DataFrame:
    """Stored roll calls an ingest would refuse today: dates outside 1945-10-24 … today, text fields over the limit.

    (Records written before these limits were enforced may hold some.) Columns
    ``rollcall_id``, ``resolution``, ``field``, ``value``, ``problem``; see
    :func:`polycentric.sources._checks.limit_problems`.
    """
    from polycentric.sources._checks import limit_problems

    return limit_problems(record.roll_calls(body=None))


def _fill_counts(report: IngestReport, version: Path) -> None:
    report.roll_calls = pl.scan_parquet(version / "roll_calls.parquet").select(pl.len()).collect().item()
    report.votes = pl.scan_parquet(version / "votes.parquet").select(pl.len()).collect().item()
    report.conflicts = pl.scan_parquet(version / "conflicts.parquet").select(pl.len()).collect().item()


DateLike = dt.date | str | None


def _date(value: DateLike) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _undl_id(value: int | str) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        from polycentric.errors import ConfigurationError

        raise ConfigurationError(f"UN DL record id {value!r} is not a number (e.g. 4067944)") from None


def _not_found(rc: pl.DataFrame, resolution: str) -> str:
    """One line: why no roll call has this symbol, and roll calls of its session by title."""
    from polycentric.sources.common import parse_session

    sym = normalise_symbol(resolution) or resolution
    session, _ = parse_session(sym)
    head = f"no roll call has the symbol {sym}"
    if session is None:
        return f"{head}; find it by title with `polycentric rollcalls --search WORDS --body all`"
    mine = rc.filter(pl.col("session") == session)
    if mine.height == 0:
        last = rc.filter(pl.col("body") == "GA")["date"].max()
        return f"{head}: the record holds no roll call of session {session} (GA votes through {last!s})"
    why = []
    if session.isdigit() and int(session) <= 30:
        why.append(f"for session {session} the record keeps Voeten's own identifiers, not UN symbols")
    n_none = int(mine["resolution"].is_null().sum())
    if n_none:
        why.append(f"{n_none} roll calls of session {session} have no symbol, only a UN DL record id")
    number = pl.col("resolution").str.extract(r"/(\d+)[A-Z]*$", 1).cast(pl.Int64, strict=False)
    target = sym.rsplit("/", 1)[-1]
    digits = "".join(ch for ch in target if ch.isdigit())
    near = mine.filter(pl.col("kind") == "resolution").with_columns(_n=number)
    if digits:
        near = near.with_columns(_d=(pl.col("_n") - int(digits)).abs()).sort("_d", nulls_last=True)
    hints = [
        f"{r or 'UN DL ' + str(u)} '{(t or '')[:50]}'"
        for r, u, t in near.head(3).select("resolution", "undl_id", "title").iter_rows()
    ]
    return (
        f"{head} ({'; '.join(why) or 'not in the record'}); roll calls of session {session} include "
        + ", ".join(hints)
        + f" (list them by title: polycentric rollcalls --session {session} --search WORDS)"
    )


def _issue_column(issue: str) -> str:
    key = issue.strip().lower()
    if key.startswith("issue_"):
        key = key[6:]
    if key in ISSUES:
        return f"issue_{key}"
    for k, name in ISSUES.items():
        if key in name.lower():
            return f"issue_{k}"
    from polycentric.errors import ConfigurationError

    raise ConfigurationError(
        f"unknown issue {issue!r}: expected one of {', '.join(ISSUES)} ({'; '.join(ISSUES.values())})"
    )


class Record:
    """A built record: query roll calls, votes and states; audit the ledger, conflicts and tallies.

    Obtain one with :func:`open_record` (``polycentric.open``). Every query
    returns a Polars DataFrame in the schema of :mod:`polycentric.schema`
    (``.to_pandas()`` works). Filters combine with AND:

    ``session``
        ``"77"``/``77`` (regular), ``"S-10"``, ``"ES-11"``: the session label.
    ``year``, ``start``, ``end``
        Calendar year (int or list) and an inclusive date range.
    ``issue``
        Voeten issue code (``me nu di hr co ec``) or a word of its name.
    ``state``
        Roll calls in which that state has a vote row (any code or name).
    ``resolution``
        A symbol in any accepted spelling (``R/68/262``).
    ``search``
        Case-insensitive text in the symbol, title, agenda or subjects.
    ``kind``
        ``resolution``, ``amendment``, ``paragraph`` or ``procedural``.
    ``undl_id``
        The UN Digital Library record id (records without a symbol are found by it).
    ``body``
        ``"GA"`` (default), ``"SC"``, or None for both.

    Tables in memory
    ----------------
    Each table is read from the store on first use and kept in memory, with
    indexes built once: the votes sorted by roll call and state (the rows of a
    set of roll calls are found by binary search) and the rows of each state.
    Queries filter these frames, so a long-lived record (the HTTP API) answers
    without reading Parquet again. Every query first checks the store's
    ``CURRENT`` pointer (one ``stat``): when another process has ingested a new
    version, the tables in memory are dropped and the new version is read.
    A record may be shared by threads: loading is serialised by a lock and the
    frames are never modified in place (results are copies).
    """

    def __init__(self, path: Path, home: Path) -> None:
        self.home = home
        self._lock = threading.RLock()
        self._path = path
        self._pointer: tuple[int, int, int] | None = _pointer_key(home)
        self._tables: dict[str, Any] = {}

    def __repr__(self) -> str:
        return f"Record({str(self.home)!r})"

    # ------------------------------------------------------------ version and tables
    def _sync(self) -> tuple[Path, dict[str, Any]]:
        """The live version folder and its table cache (both replaced when ``CURRENT`` changed)."""
        key = _pointer_key(self.home)
        with self._lock:
            if key != self._pointer:
                current = _current_dir(self.home)
                if current is None:
                    raise RecordNotBuiltError(f"the record at {self.home} is gone (no CURRENT version)")
                if current != self._path:
                    self._path = current
                    self._tables = {}
                self._pointer = key
            return self._path, self._tables

    @property
    def path(self) -> Path:
        """The folder of the store version being read (it changes when a new version is ingested)."""
        return self._sync()[0]

    @property
    def version(self) -> str:
        """The id of the store version being read, e.g. ``v-20261122T163000-1a2b3c4d`` (for ETags and caches).

        Every ingest that changes the record writes a new version with a new id;
        an ingest that changes nothing keeps it.
        """
        return self._sync()[0].name

    def _get(self, name: str) -> Any:
        """A table (or index) of the live version, loaded on first use."""
        for attempt in range(3):
            path, tables = self._sync()
            if name in tables:
                return tables[name]
            with self._lock:
                if tables is not self._tables:
                    continue  # the version changed meanwhile
                if name not in tables:
                    try:
                        tables[name] = self._load(path, name)
                    except (FileNotFoundError, pl.exceptions.ComputeError) as exc:
                        # the version was replaced and deleted by another process while reading it
                        if attempt == 2 or _current_dir(self.home) == path:
                            raise RecordError(
                                f"cannot read the {name} table of {path} ({exc}); "
                                "run `polycentric check` to see which files are damaged"
                            ) from exc
                        self._pointer = None
                        continue
                return tables[name]
        raise RecordNotBuiltError(f"the record at {self.home} keeps changing; try again")

    def _tables_put(self, path: Path, name: str, value: Any) -> None:
        with self._lock:
            if self._path == path:
                self._tables.setdefault(name, value)

    def _load(self, path: Path, name: str) -> Any:
        if name == "manifest":
            return json.loads((path / "manifest.json").read_text(encoding="utf-8"))
        if name == "roll_calls":
            rc = conform(pl.read_parquet(path / "roll_calls.parquet"), ROLL_CALLS)  # stores before SC_OUTCOME: null
            return rc.sort("date", "rollcall_id", nulls_last=True)
        if name == "roll_call_text":  # lower-case text searched by ``search=``
            rc = self._get("roll_calls")
            return rc.select(
                pl.concat_str(
                    [pl.col(c).fill_null("") for c in ("resolution", "title", "agenda", "subjects")], separator=" "
                ).str.to_lowercase()
            ).to_series()
        if name in ("votes", "votes_view"):
            raw = pl.read_parquet(path / "votes.parquet")
            if set(VOTES_VIEW) <= set(raw.columns):  # a store of format 1 kept the view itself
                view = raw.select(list(VOTES_VIEW)).sort("rollcall_id", "state")
                self._tables_put(path, "votes_view", view)
                return view.select(list(VOTES)) if name == "votes" else view
            if name == "votes":
                return sort_votes(raw.select(list(VOTES)))  # sorted when written: checked, not redone
            return votes_view(self._get("votes"), self._get("roll_calls"))
        if name == "vote_rollcall_ids":  # sorted: the rows of a roll call by binary search
            return self._get("votes")["rollcall_id"].to_numpy()
        if name == "state_rows":  # state -> its rows in the votes, ascending
            v = self._get("votes")
            grouped = v.select("state").with_row_index("_i").group_by("state").agg(pl.col("_i").sort())
            return {str(st): rows.to_numpy() for st, rows in zip(grouped["state"], grouped["_i"], strict=True)}
        if name in ("ledger", "conflicts"):
            return pl.read_parquet(path / f"{name}.parquet")
        if name == "matches":  # stores written before 2026-12 have no such file
            f = path / "matches.parquet"
            return pl.read_parquet(f) if f.exists() else pl.DataFrame(schema=MATCHES)
        if name == "rejected":  # stores written before 2026-11 have no such file
            f = path / "rejected.parquet"
            return pl.read_parquet(f) if f.exists() else pl.DataFrame(schema=REJECTED_ROWS)
        raise KeyError(name)

    # ------------------------------------------------------------ queries
    def _roll_call_filter(
        self,
        session: str | int | None,
        year: int | Sequence[int] | None,
        start: DateLike,
        end: DateLike,
        issue: str | None,
        state: str | None,
        resolution: str | None,
        search: str | None,
        kind: str | None,
        body: str | None,
        undl_id: int | str | None = None,
    ) -> pl.DataFrame:
        rc: pl.DataFrame = self._get("roll_calls")
        preds: list[pl.Expr] = []
        if undl_id is not None:
            preds.append(pl.col("undl_id") == _undl_id(undl_id))
        if resolution is not None:
            body, symbol_pred = _symbol_filter(resolution, body)
            preds.append(symbol_pred)
        if body is not None:
            preds.append(pl.col("body") == body.upper())
        if session is not None:
            label = str(session).strip().upper()
            label = label if not label.isdigit() else str(int(label))
            preds.append(pl.col("session") == label)
        if year is not None:
            years = [int(year)] if isinstance(year, int | str) else [int(y) for y in year]
            preds.append(pl.col("year").is_in(years))
        if start is not None:
            preds.append(pl.col("date") >= _date(start))
        if end is not None:
            preds.append(pl.col("date") <= _date(end))
        if issue is not None:
            preds.append(pl.col(_issue_column(issue)).fill_null(False))
        if kind is not None:
            preds.append(pl.col("kind") == kind.lower())
        if search:
            text: pl.Series = self._get("roll_call_text")
            preds.append(pl.lit(text.str.contains(search.lower(), literal=True)))
        if state is not None:
            rows = self._state_rows(resolve_state(state))
            ids = self._get("votes")["rollcall_id"].gather(rows).unique()
            preds.append(pl.col("rollcall_id").is_in(ids.implode()))
        return rc.filter(*preds) if preds else rc

    def _state_rows(self, state: str) -> np.ndarray:
        rows: dict[str, np.ndarray] = self._get("state_rows")
        return rows.get(state, np.empty(0, dtype=np.uint32))

    def _rollcall_rows(self, ids: np.ndarray) -> np.ndarray:
        """The rows of the votes of the given roll calls (ascending), by binary search in the sorted ids."""
        col: np.ndarray = self._get("vote_rollcall_ids")
        ids = np.unique(ids)
        starts = np.searchsorted(col, ids, side="left")
        lengths = np.searchsorted(col, ids, side="right") - starts
        total = int(lengths.sum())
        offsets = np.cumsum(lengths) - lengths
        return np.asarray(np.arange(total, dtype=np.int64) + np.repeat(starts - offsets, lengths), dtype=np.int64)

    def roll_calls(
        self,
        session: str | int | None = None,
        year: int | Sequence[int] | None = None,
        start: DateLike = None,
        end: DateLike = None,
        issue: str | None = None,
        state: str | None = None,
        resolution: str | None = None,
        search: str | None = None,
        kind: str | None = None,
        body: str | None = "GA",
        undl_id: int | str | None = None,
    ) -> pl.DataFrame:
        """Roll calls matching the filters (ROLL_CALLS schema), by date."""
        out = self._roll_call_filter(session, year, start, end, issue, state, resolution, search, kind, body, undl_id)
        return out.clone()

    def votes(
        self,
        session: str | int | None = None,
        year: int | Sequence[int] | None = None,
        start: DateLike = None,
        end: DateLike = None,
        issue: str | None = None,
        state: str | None = None,
        resolution: str | None = None,
        search: str | None = None,
        kind: str | None = None,
        body: str | None = "GA",
        undl_id: int | str | None = None,
    ) -> pl.DataFrame:
        """Votes on the roll calls matching the filters (VOTES_VIEW schema), by roll call and state.

        ``state`` keeps that state's votes only.
        """
        unfiltered = (
            all(x is None for x in (session, year, start, end, issue, resolution, search, kind, undl_id))
            and body is None
        )
        rows: np.ndarray | None = None
        if not unfiltered:
            rc = self._roll_call_filter(session, year, start, end, issue, None, resolution, search, kind, body, undl_id)
            rows = self._rollcall_rows(rc["rollcall_id"].to_numpy())
        if state is not None:
            mine = self._state_rows(resolve_state(state))
            rows = mine if rows is None else np.intersect1d(rows, mine, assume_unique=True)
        if rows is None:
            return self._get("votes_view").clone()  # type: ignore[no-any-return]
        if len(rows) > _VIEW_WHOLE or "votes_view" in self._sync()[1]:
            return self._get("votes_view")[rows]  # type: ignore[no-any-return]
        # a few votes of a record just opened: their view only (names at the time, roll-call columns)
        return votes_view(self._get("votes")[rows], self._get("roll_calls"))

    def votes_page(
        self,
        offset: int = 0,
        limit: int | None = None,
        *,
        session: str | int | None = None,
        year: int | Sequence[int] | None = None,
        start: DateLike = None,
        end: DateLike = None,
        issue: str | None = None,
        state: str | None = None,
        resolution: str | None = None,
        search: str | None = None,
        kind: str | None = None,
        body: str | None = "GA",
        undl_id: int | str | None = None,
    ) -> tuple[int, pl.DataFrame]:
        """``(total, page)``: how many votes match the filters, and rows ``offset`` to ``offset + limit`` of them.

        The same rows, in the same order, as ``votes(...).slice(offset, limit)``, but only the page is
        built: the memory of a query grows with the page asked for, not with the record (the HTTP API
        pages every vote query through this).
        """
        rc = self._roll_call_filter(session, year, start, end, issue, None, resolution, search, kind, body, undl_id)
        rows = self._rollcall_rows(rc["rollcall_id"].to_numpy())
        if state is not None:
            rows = np.intersect1d(rows, self._state_rows(resolve_state(state)), assume_unique=True)
        total = len(rows)
        rows = rows[offset : None if limit is None else offset + limit]
        if "votes_view" in self._sync()[1]:
            return total, self._get("votes_view")[rows]
        return total, votes_view(self._get("votes")[rows], self._get("roll_calls"))

    def states(self, date: DateLike = None, year: int | None = None) -> pl.DataFrame:
        """The states of the registry (STATES schema).

        With ``date`` (or ``year``, read as 1 July of that year) only the UN members
        on that day, named as they were then.
        """
        table = states_table()
        day = _date(date) if date is not None else (dt.date(int(year), 7, 1) if year is not None else None)
        if day is None:
            return table
        members = member_states(day)
        sub = table.filter(pl.col("state").is_in(members))
        names = state_names_at(sub["state"], pl.Series([day] * sub.height, dtype=pl.Date))
        return sub.with_columns(name=names).select(list(STATES))

    def ledger(self) -> pl.DataFrame:
        """Every input row accounted for: source, file, table, status, reason, rows."""
        return self._get("ledger").clone()  # type: ignore[no-any-return]

    def conflicts(self) -> pl.DataFrame:
        """Disagreements between sources on the same roll call (what was kept, what the other says)."""
        return self._get("conflicts").select(list(CONFLICTS))  # type: ignore[no-any-return]

    def sources(self) -> pl.DataFrame:
        """The sources ingested: id, label, layout, files, ingest time."""
        manifest = self._get("manifest")
        rows = [
            (m["source_id"], m["source"], m["layout"], ";".join(Path(f).name for f in m["files"]), m["ingested_at"])
            for m in manifest["sources"]
        ]
        return pl.DataFrame(
            rows,
            schema={
                "source_id": pl.String,
                "source": pl.String,
                "layout": pl.String,
                "files": pl.String,
                "ingested_at": pl.String,
            },
            orient="row",
        )

    def find(self, resolution: str | None = None, undl_id: int | str | None = None) -> pl.DataFrame:
        """The roll calls (any body) with this symbol or UN DL record id; raise when there is none.

        Raises
        ------
        UnknownResolutionError
            One line saying why nothing matched (no roll call of that session;
            Voeten's own identifiers for sessions 1-30; records without a symbol)
            and suggesting roll calls of that session by title.
        """
        from polycentric.errors import UnknownResolutionError

        if undl_id is not None:
            out = self.roll_calls(undl_id=undl_id, body=None)
            if out.height == 0:
                raise UnknownResolutionError(
                    f"no roll call has the UN Digital Library record id {undl_id}; "
                    "find it by title with `polycentric rollcalls --search WORDS --body all`"
                )
            return out
        if resolution is None:
            raise UnknownResolutionError("give a resolution symbol or a UN DL record id")
        out = self.roll_calls(resolution=resolution, body=None)
        if out.height == 0:
            raise UnknownResolutionError(_not_found(self._get("roll_calls"), resolution))
        return out

    def coverage(self, official: Any = None) -> pl.DataFrame:
        """Per body and session: dates, roll calls, official count, complete yes/no/unknown, partial.

        See :func:`polycentric.record.coverage.coverage` (``official``: totals, a
        path, None to look in the local data folder, False for none).
        """
        from polycentric.record.coverage import coverage

        if official is not None:
            return coverage(self, official)
        path, tables = self._sync()  # the default (official file found in the data folder): once per version
        cached: pl.DataFrame | None = tables.get("coverage")
        if cached is None:
            cached = coverage(self)
            self._tables_put(path, "coverage", cached)
        return cached.clone()

    def periods(self, by: str = "year", official: Any = None) -> pl.DataFrame:
        """Per year or session: ``n_rollcalls`` and the ``partial`` flag measures carry (see ``docs/measures.md``)."""
        from polycentric.record.coverage import period_status

        if official is not None:
            return period_status(self, by, official)
        path, tables = self._sync()  # the default (official file found in the data folder): once per version
        key = f"periods:{by}"
        cached: pl.DataFrame | None = tables.get(key)
        if cached is None:
            cached = period_status(self, by)
            self._tables_put(path, key, cached)
        return cached.clone()

    def coverage_line(self) -> str:
        """``General Assembly votes through DATE; Security Council through DATE`` (footers and reports)."""
        from polycentric.record.coverage import coverage_line

        return coverage_line(self)

    def check_official(self, official: Any = None) -> tuple[pl.DataFrame, pl.DataFrame]:
        """The record against official per-state, per-session totals (see :func:`polycentric.record.coverage.check_official`)."""
        from polycentric.record.coverage import check_official

        return check_official(self, official)

    def matches(self) -> pl.DataFrame:
        """Voeten roll calls stored once with a UN DL roll call that no symbol linked (session, date, tallies).

        Columns :data:`polycentric.record.merge.MATCHES`: Voeten's identifier and
        date, the official symbol, UN DL record id and date, and the shared tallies.
        """
        return self._get("matches").clone()  # type: ignore[no-any-return]

    def rejected(self) -> pl.DataFrame:
        """The input vote rows the readers rejected, one by one, with their roll call, file and line.

        A second row for the same state and roll call is rejected (the ledger
        counts these rows as ``rejected``): for example a UN DL file that lists
        both ``CHN`` and ``TWN`` on a vote before 1971-10-25, when the China seat
        was the Republic of China's (``CHN`` then resolves to ``TWN``).
        """
        return self._get("rejected").clone()  # type: ignore[no-any-return]

    def check(self) -> pl.DataFrame:
        """Roll calls whose recorded totals (where the source gives them) differ from the stored votes.

        ``computed_*`` count the stored Y, N, A and X rows; ``recorded_*`` are the
        totals printed in the source (UN DL files). Rows with no recorded totals
        are not compared. A mismatch is ``explained`` when the recorded totals
        equal the stored votes plus the rows the reader rejected as a second row
        for the same state (``rejected_rows``; see :meth:`rejected`): the source
        counted both rows, the record keeps one. ``note`` names those rows.
        """
        rc = self._get("roll_calls").filter(pl.col("total_yes").is_not_null())
        counts = (
            self._get("votes")
            .group_by("rollcall_id")
            .agg(
                computed_yes=(pl.col("vote") == "Y").sum().cast(pl.Int32),
                computed_no=(pl.col("vote") == "N").sum().cast(pl.Int32),
                computed_abstain=(pl.col("vote") == "A").sum().cast(pl.Int32),
                computed_non_voting=(pl.col("vote") == "X").sum().cast(pl.Int32),
            )
        )
        joined = rc.join(counts, on="rollcall_id", how="left").with_columns(
            pl.col("total_yes").alias("recorded_yes"),
            pl.col("total_no").alias("recorded_no"),
            pl.col("total_abstain").alias("recorded_abstain"),
            pl.col("total_non_voting").alias("recorded_non_voting"),
        )
        diff = pl.lit(False)
        for k in ("yes", "no", "abstain", "non_voting"):
            diff = diff | (
                pl.col(f"recorded_{k}").is_not_null()
                & (pl.col(f"recorded_{k}") != pl.col(f"computed_{k}").fill_null(0))
            )
        mismatches = joined.filter(diff)
        codes = {"yes": "Y", "no": "N", "abstain": "A", "non_voting": "X"}
        rejected = (
            self._get("rejected")
            .filter(pl.col("votes_kept"))
            .group_by("rollcall_id")
            .agg(
                pl.len().cast(pl.Int32).alias("rejected_rows"),
                *[(pl.col("vote") == v).sum().cast(pl.Int32).alias(f"rejected_{k}") for k, v in codes.items()],
                pl.when(pl.col("code") == pl.col("state"))
                .then(pl.format("line {}: {} {}", "line", "code", "vote"))
                .otherwise(pl.format("line {}: {} {}, which is {} on that date", "line", "code", "vote", "state"))
                .str.join("; ")
                .alias("_rows"),
                (pl.col("state") == "TWN").any().alias("_china_seat"),
            )
        )
        out = mismatches.join(rejected, on="rollcall_id", how="left").with_columns(pl.col("rejected_rows").fill_null(0))
        explained = pl.lit(True)
        for k in codes:
            explained = explained & (
                pl.col(f"recorded_{k}").is_null()
                | (
                    pl.col(f"recorded_{k}")
                    == pl.col(f"computed_{k}").fill_null(0) + pl.col(f"rejected_{k}").fill_null(0)
                )
            )
        out = out.with_columns(explained=explained & (pl.col("rejected_rows") > 0)).with_columns(
            note=pl.when(pl.col("explained"))
            .then(
                pl.format(
                    "the recorded totals also count {} row(s) rejected as a second row for a state ({}){}",
                    "rejected_rows",
                    "_rows",
                    pl.when(pl.col("_china_seat"))
                    .then(pl.lit("; until 1971-10-25 the China seat was the Republic of China's (TWN), so CHN is TWN"))
                    .otherwise(pl.lit("")),
                )
            )
            .when(pl.col("rejected_rows") > 0)
            .then(
                pl.format(
                    "{} row(s) rejected as duplicates ({}) do not account for the difference", "rejected_rows", "_rows"
                )
            )
            .otherwise(pl.lit(None, dtype=pl.String))
        )
        return cast("pl.DataFrame", out.select(list(TALLY_MISMATCHES)).cast(TALLY_MISMATCHES).sort("rollcall_id"))

    def non_member_votes(self) -> pl.DataFrame:
        """Stored votes by states that were not UN members on the vote's date per the registry (a data check)."""
        from polycentric.states import membership_periods

        v = self._get("votes_view").select("rollcall_id", "state", "date", "vote", "resolution")
        m = membership_periods()
        inside = (
            v.with_row_index("_i")
            .join(m, on="state", how="left")
            .filter((pl.col("date") >= pl.col("start")) & (pl.col("end").is_null() | (pl.col("date") < pl.col("end"))))
            .select("_i")
            .unique()
        )
        return cast("pl.DataFrame", v.with_row_index("_i").join(inside, on="_i", how="anti").drop("_i").filter(pl.col("date").is_not_null()))


def _symbol_filter(resolution: str, body: str | None) -> tuple[str | None, pl.Expr]:
    """The body a symbol belongs to (``S/...`` Security Council, ``A/...`` General Assembly) and its predicate.

    A symbol names one body's document, so it selects that body whatever the
    ``body`` filter (``body=None``, all bodies, stays so). A Security Council
    resolution symbol without its year (``S/RES/2720``) matches ``S/RES/2720(2023)``.
    """
    symbol = normalise_symbol(resolution)
    pred = (pl.col("resolution") == symbol) | (pl.lit("|") + pl.col("other_symbols").fill_null("") + "|").str.contains(
        f"|{symbol}|", literal=True
    )
    if symbol is not None and body is not None:
        body = "SC" if symbol.startswith("S/") else ("GA" if symbol.startswith("A/") else body)
    if symbol is not None and symbol.startswith("S/RES/") and "(" not in symbol:
        pred = pred | pl.col("resolution").str.starts_with(symbol + "(")
    return body, pred


def _pointer_key(home: Path) -> tuple[int, int, int] | None:
    """What identifies the ``CURRENT`` file as written (it is replaced, never edited, by an ingest)."""
    try:
        st = (home / _CURRENT).stat()
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def open_record(home: str | Path | None = None) -> Record:
    """Open the record at ``home`` (default: ``--home``/``POLYCENTRIC_HOME``/the user data folder).

    Raises :class:`~polycentric.errors.RecordNotBuiltError` when nothing has been
    ingested there yet.
    """
    root = home_dir(home)
    current = _current_dir(root)
    if current is None:
        raise RecordNotBuiltError(f"no record at {root}: run `polycentric build` (or `polycentric ingest PATH`) first")
    return Record(current, root)
