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
newest complete version. The newest versions (3 by default) are kept. The
writing side lives in :mod:`polycentric.record.ingest` (:func:`ingest`,
:class:`IngestReport`, :func:`verify_store`, re-exported here) and
:mod:`polycentric.record._versions`; this module is the reading side. A source is
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
import json
import threading
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Unpack, cast

import polars as pl

from polycentric.config import home_dir
from polycentric.errors import RecordError, RecordNotBuiltError, UnknownResolutionError
from polycentric.record import _versions
from polycentric.record._tallies import TALLY_MISMATCHES, tally_mismatches
from polycentric.record.filters import DateLike, FilterKwargs, Filters, as_date
from polycentric.record.ingest import IngestReport, ingest, verify_store
from polycentric.record.merge import CONFLICTS, MATCHES, REJECTED_ROWS, sort_votes, votes_view
from polycentric.schema import ROLL_CALLS, STATES, VOTES, VOTES_VIEW, conform
from polycentric.sources.common import normalise_symbol
from polycentric.states import member_states, resolve_state, state_names_at, states_table

if TYPE_CHECKING:  # numpy is imported where the indexes are used: an ingest never needs it
    import numpy as np

__all__ = [
    "TALLY_MISMATCHES",
    "IngestReport",
    "Record",
    "ingest",
    "open_record",
    "refusable_rows",
    "verify_store",
]

_CURRENT = _versions.CURRENT
_VIEW_WHOLE = 100_000  # a query for more votes than this builds (once) the view of all votes


def _current_dir(home: Path) -> Path | None:
    """The live version folder (a damaged pointer is repaired from the newest complete version, with a notice)."""
    return _versions.current_version(home, repair=True)


def refusable_rows(record: Record) -> pl.DataFrame:
    """Stored roll calls an ingest would refuse today: dates outside 1945-10-24 … today, text fields over the limit.

    (Records written before these limits were enforced may hold some.) Columns
    ``rollcall_id``, ``resolution``, ``field``, ``value``, ``problem``; see
    :func:`polycentric.sources._checks.limit_problems`.
    """
    from polycentric.sources._checks import limit_problems

    return limit_problems(record.roll_calls(body=None))


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


class Record:
    """A built record: query roll calls, votes and states; audit the ledger, conflicts and tallies.

    Obtain one with :func:`open_record` (``polycentric.open``). Every query
    returns a Polars DataFrame in the schema of :mod:`polycentric.schema`
    (``.to_pandas()`` works). The queries take the filters of
    :class:`~polycentric.record.filters.Filters` (``session``, ``year``, ``start``,
    ``end``, ``issue``, ``state``, ``resolution``, ``search``, ``kind``, ``body``,
    ``undl_id``), as keywords or as a ``Filters`` value; they combine with AND.

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
    def _roll_call_filter(self, filters: Filters) -> pl.DataFrame:
        rc: pl.DataFrame = self._get("roll_calls")
        preds = filters.column_predicates()
        if filters.search:
            text: pl.Series = self._get("roll_call_text")
            preds.append(pl.lit(text.str.contains(filters.search.lower(), literal=True)))
        if filters.state is not None:
            rows = self._state_rows(resolve_state(filters.state))
            ids = self._get("votes")["rollcall_id"].gather(rows).unique()
            preds.append(pl.col("rollcall_id").is_in(ids.implode()))
        return rc.filter(*preds) if preds else rc

    def _state_rows(self, state: str) -> np.ndarray:
        import numpy as np

        rows: dict[str, np.ndarray] = self._get("state_rows")
        return rows.get(state, np.empty(0, dtype=np.uint32))

    def _rollcall_rows(self, ids: np.ndarray) -> np.ndarray:
        """The rows of the votes of the given roll calls (ascending), by binary search in the sorted ids."""
        import numpy as np

        col: np.ndarray = self._get("vote_rollcall_ids")
        ids = np.unique(ids)
        starts = np.searchsorted(col, ids, side="left")
        lengths = np.searchsorted(col, ids, side="right") - starts
        total = int(lengths.sum())
        offsets = np.cumsum(lengths) - lengths
        return np.asarray(np.arange(total, dtype=np.int64) + np.repeat(starts - offsets, lengths), dtype=np.int64)

    def _vote_rows(self, filters: Filters, *, whole: bool) -> np.ndarray | None:
        """The rows of the votes matching ``filters`` (ascending); None for every row when ``whole`` allows it."""
        import numpy as np

        rows: np.ndarray | None = None
        if not (whole and filters.keeps_every_roll_call()):
            rc = self._roll_call_filter(replace(filters, state=None))
            rows = self._rollcall_rows(rc["rollcall_id"].to_numpy())
        if filters.state is not None:
            mine = self._state_rows(resolve_state(filters.state))
            rows = mine if rows is None else np.intersect1d(rows, mine, assume_unique=True)
        return rows

    def _votes_at(self, rows: np.ndarray, *, whole: bool = False) -> pl.DataFrame:
        """The view (VOTES_VIEW) of these rows of the votes; ``whole``: build the view of every vote first."""
        if whole or "votes_view" in self._sync()[1]:
            return self._get("votes_view")[rows]  # type: ignore[no-any-return]
        # a few votes of a record just opened: their view only (names at the time, roll-call columns)
        return votes_view(self._get("votes")[rows], self._get("roll_calls"))

    def roll_calls(self, filters: Filters | None = None, /, **kw: Unpack[FilterKwargs]) -> pl.DataFrame:
        """Roll calls matching the filters (ROLL_CALLS schema), by date.

        The filters are those of :class:`~polycentric.record.filters.Filters`, given as
        keywords or as a ``Filters`` value (keywords replace its fields).
        """
        return self._roll_call_filter(Filters.of(filters, **kw)).clone()

    def roll_call(self, rollcall_id: int) -> pl.DataFrame:
        """The roll call (any body) with this ``rollcall_id``: a one-row frame (ROLL_CALLS schema).

        Raises
        ------
        UnknownResolutionError
            No roll call of the record has this id.
        """
        rc: pl.DataFrame = self._get("roll_calls")
        row = rc.filter(pl.col("rollcall_id") == int(rollcall_id))
        if row.height == 0:
            raise UnknownResolutionError(
                f"no roll call has the id {rollcall_id}; list roll calls with `polycentric rollcalls --body all`"
            )
        return row.clone()

    def votes(self, filters: Filters | None = None, /, **kw: Unpack[FilterKwargs]) -> pl.DataFrame:
        """Votes on the roll calls matching the filters (VOTES_VIEW schema), by roll call and state.

        The filters are those of :meth:`roll_calls`; ``state`` keeps that state's votes only.
        """
        rows = self._vote_rows(Filters.of(filters, **kw), whole=True)
        if rows is None:
            return self._get("votes_view").clone()  # type: ignore[no-any-return]
        return self._votes_at(rows, whole=len(rows) > _VIEW_WHOLE)

    def votes_page(
        self,
        offset: int = 0,
        limit: int | None = None,
        *,
        filters: Filters | None = None,
        **kw: Unpack[FilterKwargs],
    ) -> tuple[int, pl.DataFrame]:
        """``(total, page)``: how many votes match the filters, and rows ``offset`` to ``offset + limit`` of them.

        The same rows, in the same order, as ``votes(...).slice(offset, limit)``, but only the page is
        built: the memory of a query grows with the page asked for, not with the record (the HTTP API
        pages every vote query through this).
        """
        rows = self._vote_rows(Filters.of(filters, **kw), whole=False)
        assert rows is not None
        total = len(rows)
        return total, self._votes_at(rows[offset : None if limit is None else offset + limit])

    def states(self, date: DateLike = None, year: int | None = None) -> pl.DataFrame:
        """The states of the registry (STATES schema).

        With ``date`` (or ``year``, read as 1 July of that year) only the UN members
        on that day, named as they were then.
        """
        table = states_table()
        day = as_date(date) if date is not None else (dt.date(int(year), 7, 1) if year is not None else None)
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
        return tally_mismatches(self._get("roll_calls"), self._get("votes"), self._get("rejected"))

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
        return cast(
            "pl.DataFrame",
            v.with_row_index("_i").join(inside, on="_i", how="anti").drop("_i").filter(pl.col("date").is_not_null()),
        )


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
