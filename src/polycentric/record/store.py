"""The embedded store of the record and its query API (:func:`open_record`, :class:`Record`).

Storage: Parquet files in a versioned folder
--------------------------------------------
The record is small (about two million votes, tens of megabytes) and read far
more often than written, by Polars. So it is kept as Parquet files read with
``polars.scan_parquet`` (column pruning and predicate push-down, nothing to
start, any tool can open them, DuckDB included) rather than in a database file
that would need a lock and a server-like library for every read.

Layout of the home folder::

    HOME/CURRENT                 name of the live version folder (one line)
    HOME/v-<time>-<id>/          a complete version of the record
        manifest.json            the sources ingested, their files, hashes and row counts
        sources/<id>/            each source normalised (roll_calls/votes/ledger .parquet, meta.json)
        roll_calls.parquet       ROLL_CALLS
        votes.parquet            VOTES_VIEW (VOTES joined with roll call and state name)
        ledger.parquet           every input row accounted for
        conflicts.parquet        disagreements between sources
        ids.parquet              roll-call identity key -> rollcall_id (ids are stable across ingests)

An ingest builds a complete new version in a temporary folder (hard-linking the
unchanged source files), then renames it into place and replaces ``CURRENT``
with ``os.replace`` (atomic). A crash or a bad file in the middle leaves
``CURRENT`` pointing at the previous version, untouched. Old versions are
deleted after the swap. A source is identified by the SHA-256 of its file
contents: ingesting the same file again changes nothing.

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
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from polycentric.config import home_dir
from polycentric.errors import IngestError, PolycentricError, RecordNotBuiltError
from polycentric.record.merge import CONFLICTS, StoredSource, merge_sources
from polycentric.record.schema import ISSUES, ROLL_CALLS, STATES, VOTES_VIEW
from polycentric.registry.states import member_states, resolve_state, state_names_at, states_table
from polycentric.sources.common import LEDGER, SOURCE_ROLL_CALLS, SOURCE_VOTES, SourceData, normalise_symbol

__all__ = [
    "TALLY_MISMATCHES",
    "IngestReport",
    "Record",
    "ingest",
    "open_record",
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
}
"""Roll calls whose recorded totals differ from the totals counted from the stored votes."""

_CURRENT = "CURRENT"


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
    pointer = home / _CURRENT
    if not pointer.is_file():
        return None
    name = pointer.read_text(encoding="utf-8").strip()
    d = home / name
    return d if name and d.is_dir() else None


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

    def summary(self) -> str:
        lines = [f"{a['source']} ({a['layout']}): {', '.join(Path(f).name for f in a['files'])}" for a in self.added]
        lines += [f"already in the record, unchanged: {u}" for u in self.unchanged]
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
            )
        )
    return out, manifest["sources"]


def _issue_hook(roll_calls: pl.DataFrame) -> pl.DataFrame:
    """Fill issue codes of roll calls Voeten never coded, when the classifier is installed."""
    try:
        from polycentric.record.issues import classify_issues  # type: ignore[attr-defined]
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


def ingest(
    paths: Sequence[str | Path],
    *,
    home: str | Path | None = None,
    format: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> IngestReport:
    """Ingest files (or ``unvotes`` folders) into the record at ``home``, atomically.

    Each input is read and validated first; a malformed input raises
    :class:`~polycentric.errors.InputFormatError` (naming file, line and field)
    before anything is written, and any failure later leaves the previous
    record as it was.

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
    """
    from polycentric.sources.detect import read_source

    root = home_dir(home)
    root.mkdir(parents=True, exist_ok=True)
    say = progress or (lambda _msg: None)
    current = _current_dir(root)
    old_sources: list[StoredSource] = []
    old_meta: list[dict[str, Any]] = []
    if current is not None:
        old_sources, old_meta = _load_sources(current)
    known = {m["source_id"] for m in old_meta}
    report = IngestReport(home=str(root))

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

    new: list[tuple[str, SourceData]] = []
    for p in inputs:
        if not p.exists():
            from polycentric.errors import InputFormatError

            raise InputFormatError("no such file or folder", path=p)
        sid = _hash_files(_input_files(p))
        if sid in known or any(sid == s for s, _ in new):
            report.unchanged.append(str(p))
            say(f"unchanged: {p.name}")
            continue
        say(f"reading {p.name}")
        new.append((sid, read_source(p, format=format)))
    if not new:
        if current is not None:
            _fill_counts(report, current)
        return report

    tmp = root / f".tmp-{uuid.uuid4().hex[:12]}"
    try:
        tmp.mkdir()
        seq = max((m["seq"] for m in old_meta), default=0)
        manifest_sources = list(old_meta)
        stored = list(old_sources)
        assert current is not None or not old_meta
        for m in old_meta:
            for name in ("roll_calls.parquet", "votes.parquet", "ledger.parquet"):
                _link_or_copy(current / "sources" / m["source_id"] / name, tmp / "sources" / m["source_id"] / name)  # type: ignore[operator]
        for sid, data in new:
            seq += 1
            d = tmp / "sources" / sid
            d.mkdir(parents=True)
            rc = data.roll_calls.select(list(SOURCE_ROLL_CALLS)).cast(SOURCE_ROLL_CALLS)  # type: ignore[arg-type]
            votes = data.votes.select(list(SOURCE_VOTES)).cast(SOURCE_VOTES)  # type: ignore[arg-type]
            ledger = data.ledger.cast(LEDGER)  # type: ignore[arg-type]
            rc.write_parquet(d / "roll_calls.parquet")
            votes.write_parquet(d / "votes.parquet", compression="lz4")
            ledger.write_parquet(d / "ledger.parquet")
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
                )
            )
        say("merging sources")
        previous_ids = pl.read_parquet(current / "ids.parquet") if current is not None else None
        merged = merge_sources(stored, previous_ids)
        roll_calls = _issue_hook(merged.roll_calls)
        say("writing the record")
        roll_calls.write_parquet(tmp / "roll_calls.parquet")
        merged.votes.write_parquet(tmp / "votes.parquet", compression="lz4", statistics=True, row_group_size=128_000)
        merged.ledger.write_parquet(tmp / "ledger.parquet")
        merged.conflicts.write_parquet(tmp / "conflicts.parquet")
        merged.ids.write_parquet(tmp / "ids.parquet")
        (tmp / "manifest.json").write_text(
            json.dumps({"format": 1, "sources": manifest_sources}, indent=1), encoding="utf-8"
        )
        final = root / f"v-{dt.datetime.now(dt.UTC).strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
        os.replace(tmp, final)
        pointer_tmp = root / f".{_CURRENT}.{uuid.uuid4().hex[:8]}"
        pointer_tmp.write_text(final.name + "\n", encoding="utf-8")
        os.replace(pointer_tmp, root / _CURRENT)
    except PolycentricError:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    except Exception as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise IngestError(f"ingest failed, record unchanged: {exc}") from exc
    for old in root.glob("v-*"):
        if old.name != final.name:
            shutil.rmtree(old, ignore_errors=True)
    report.roll_calls = roll_calls.height
    report.votes = merged.votes.height
    report.conflicts = merged.conflicts.height
    return report


def _fill_counts(report: IngestReport, version: Path) -> None:
    report.roll_calls = pl.scan_parquet(version / "roll_calls.parquet").select(pl.len()).collect().item()
    report.votes = pl.scan_parquet(version / "votes.parquet").select(pl.len()).collect().item()
    report.conflicts = pl.scan_parquet(version / "conflicts.parquet").select(pl.len()).collect().item()


DateLike = dt.date | str | None


def _date(value: DateLike) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


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
    returns a Polars DataFrame in the schema of :mod:`polycentric.record.schema`
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
        ``resolution``, ``amendment`` or ``paragraph``.
    ``body``
        ``"GA"`` (default), ``"SC"``, or None for both.
    """

    def __init__(self, path: Path, home: Path) -> None:
        self.path = path
        self.home = home

    def __repr__(self) -> str:
        return f"Record({str(self.home)!r})"

    # ------------------------------------------------------------ tables
    def _scan(self, name: str) -> pl.LazyFrame:
        return pl.scan_parquet(self.path / f"{name}.parquet")

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
    ) -> pl.LazyFrame:
        lf = self._scan("roll_calls")
        if body is not None:
            lf = lf.filter(pl.col("body") == body.upper())
        if session is not None:
            label = str(session).strip().upper()
            label = label if not label.isdigit() else str(int(label))
            lf = lf.filter(pl.col("session") == label)
        if year is not None:
            years = [int(year)] if isinstance(year, int | str) else [int(y) for y in year]
            lf = lf.filter(pl.col("year").is_in(years))
        if start is not None:
            lf = lf.filter(pl.col("date") >= _date(start))
        if end is not None:
            lf = lf.filter(pl.col("date") <= _date(end))
        if issue is not None:
            lf = lf.filter(pl.col(_issue_column(issue)).fill_null(False))
        if resolution is not None:
            lf = lf.filter(pl.col("resolution") == normalise_symbol(resolution))
        if kind is not None:
            lf = lf.filter(pl.col("kind") == kind.lower())
        if search:
            needle = search.lower()
            text = pl.concat_str(
                [pl.col(c).fill_null("") for c in ("resolution", "title", "agenda", "subjects")], separator=" "
            ).str.to_lowercase()
            lf = lf.filter(text.str.contains(needle, literal=True))
        if state is not None:
            sid = resolve_state(state)
            ids = self._scan("votes").filter(pl.col("state") == sid).select("rollcall_id").unique()
            lf = lf.join(ids, on="rollcall_id", how="semi")
        return lf

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
    ) -> pl.DataFrame:
        """Roll calls matching the filters (ROLL_CALLS schema), by date."""
        lf = self._roll_call_filter(session, year, start, end, issue, state, resolution, search, kind, body)
        return lf.sort("date", "rollcall_id", nulls_last=True).collect().select(list(ROLL_CALLS))

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
    ) -> pl.DataFrame:
        """Votes on the roll calls matching the filters (VOTES_VIEW schema); ``state`` keeps that state's votes only."""
        unfiltered = (
            all(v is None for v in (session, year, start, end, issue, resolution, search, kind)) and body is None
        )
        lf = self._scan("votes")
        if not unfiltered:
            rc = self._roll_call_filter(session, year, start, end, issue, None, resolution, search, kind, body).select(
                "rollcall_id"
            )
            lf = lf.join(rc, on="rollcall_id", how="semi")
        if state is not None:
            lf = lf.filter(pl.col("state") == resolve_state(state))
        return lf.sort("rollcall_id", "state").collect().select(list(VOTES_VIEW))

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
        return self._scan("ledger").collect()

    def conflicts(self) -> pl.DataFrame:
        """Disagreements between sources on the same roll call (what was kept, what the other says)."""
        return self._scan("conflicts").collect().select(list(CONFLICTS))

    def sources(self) -> pl.DataFrame:
        """The sources ingested: id, label, layout, files, ingest time."""
        manifest = json.loads((self.path / "manifest.json").read_text(encoding="utf-8"))
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

    def check(self) -> pl.DataFrame:
        """Roll calls whose recorded totals (where the source gives them) differ from the stored votes.

        ``computed_*`` count the stored Y, N, A and X rows; ``recorded_*`` are the
        totals printed in the source (UN DL files). Rows with no recorded totals
        are not compared.
        """
        rc = self._scan("roll_calls").filter(pl.col("total_yes").is_not_null())
        counts = (
            self._scan("votes")
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
        return joined.filter(diff).select(list(TALLY_MISMATCHES)).sort("rollcall_id").collect()

    def non_member_votes(self) -> pl.DataFrame:
        """Stored votes by states that were not UN members on the vote's date per the registry (a data check)."""
        from polycentric.registry.states import membership_periods

        v = self._scan("votes").select("rollcall_id", "state", "date", "vote", "resolution").collect()
        m = membership_periods()
        inside = (
            v.with_row_index("_i")
            .join(m, on="state", how="left")
            .filter((pl.col("date") >= pl.col("start")) & (pl.col("end").is_null() | (pl.col("date") < pl.col("end"))))
            .select("_i")
            .unique()
        )
        return v.with_row_index("_i").join(inside, on="_i", how="anti").drop("_i").filter(pl.col("date").is_not_null())


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
