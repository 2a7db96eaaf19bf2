"""Reader of the UN member-state authority file (UN Digital Library record 4082085).

The Dag Hammarskjöld Library publishes its name authorities for Member States
as ``member_states_auths_YYYY-MM-DD.csv``: one row per *name* a Member State
has had in the UN, with the dates the name was in use, its codes, and a link to
the name before or after it. Columns (as third-party code reads them; a real
copy could not be checked here), matched case-insensitively:

``Member State`` (the name), ``M49 Code``, ``ISO Code``, ``Start date``,
``End date``, ``Other Names``, ``Earlier or Later Name``, ``Earlier (a) or
Later (b)``, then ``Geographic Term``, ``Membership Document Symbol``, ``Scope
Note`` and the names in French, Spanish, Arabic, Chinese and Russian (kept out
of the tables here).

A name used in several episodes (Egypt before and after the United Arab
Republic) holds comma-separated start and end dates, paired in order; a start
with no end is an episode still open. Dates are ISO ``YYYY-MM-DD`` or US
``M/D/YY`` / ``M/D/YYYY``.

:func:`read_member_state_authorities` returns one row per name episode.
:func:`name_successions` lists the links between names (earlier -> later) with
the date of the change. :func:`resolve_state_ids` gives each episode the id
of the state it belongs to: an episode that ends on the day (±1) a later name
of it starts is a *rename* and belongs to the state of that later name, followed
to the end of the chain (Upper Volta -> Burkina Faso, USSR -> Russian
Federation, United Arab Republic -> Egypt); an episode that ends otherwise (a
dissolution, a split, or a merger such as Egypt and Syria into the United Arab
Republic, whose later name has two earlier names ending that day) keeps its own
code. The registry's own succession rules
take precedence over these suggestions (the glossary in
:mod:`polycentric.schema`).

Dependency rule: imports ``polycentric.errors`` only (plus polars).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path

import polars as pl

from polycentric.errors import InputFormatError, UnknownLayoutError

__all__ = [
    "AUTHORITY_COLUMNS",
    "AUTHORITY_SCHEMA",
    "check_header",
    "name_successions",
    "read_member_state_authorities",
    "resolve_state_ids",
]

AUTHORITY_COLUMNS: tuple[str, ...] = (
    "Member State", "M49 Code", "ISO Code", "Start date", "End date", "Other Names",
    "Earlier or Later Name", "Earlier (a) or Later (b)",
)  # fmt: skip
"""The columns read (others are ignored); the first five and ``Earlier or Later Name`` are required."""

_REQUIRED = ("Member State", "ISO Code", "Start date", "End date", "Earlier or Later Name")

AUTHORITY_SCHEMA: dict[str, pl.DataType] = {
    "code": pl.String(),  # ISO Code column (upper case)
    "name": pl.String(),  # Member State column
    "episode": pl.Int32(),  # 1-based index of this episode among the name's date pairs
    "start": pl.Date(),
    "end": pl.Date(),  # null while the name is in use
    "m49": pl.Int32(),
    "other_names": pl.String(),
    "linked_name": pl.String(),  # Earlier or Later Name
    "link": pl.String(),  # "earlier" / "later": what linked_name is to this name; null when not said
    "line": pl.Int32(),  # line of the row in the file
}
"""Schema of :func:`read_member_state_authorities`: one row per name episode."""


def check_header(columns: Sequence[str], path: str | Path | None = None) -> dict[str, int]:
    """Map each known column to its index, or raise :class:`UnknownLayoutError` naming the expected ones."""
    lower = [c.strip().lower() for c in columns]
    found = {name: lower.index(name.lower()) for name in AUTHORITY_COLUMNS if name.lower() in lower}
    missing = [c for c in _REQUIRED if c not in found]
    if missing:
        raise UnknownLayoutError(
            f"not a UN member-state authority file: missing {', '.join(missing)}. "
            f"Expected the columns {', '.join(AUTHORITY_COLUMNS)}. Found: {', '.join(columns)}",
            path=path,
            line=1,
        )
    return found


def _parse_date(text: str, path: Path, line: int, field: str) -> dt.date:
    s = text.strip()
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", s)
    try:
        if m:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})", s)
        if m:
            year = int(m[3])
            if len(m[3]) == 2:  # two-digit years: the UN was founded in 1945
                year += 1900 if year >= 45 else 2000
            return dt.date(year, int(m[1]), int(m[2]))
    except ValueError:
        pass
    raise InputFormatError(f"impossible or malformed date {text!r}", path=path, line=line, field=field)


def _split_dates(text: str, path: Path, line: int, field: str) -> list[dt.date]:
    return [_parse_date(p, path, line, field) for p in re.split(r"[,;|]", text) if p.strip()]


def read_member_state_authorities(path: str | Path) -> pl.DataFrame:
    """Read a ``member_states_auths_*.csv`` file: one row per name episode.

    Returns
    -------
    polars.DataFrame
        :data:`AUTHORITY_SCHEMA`: ``code, name, episode, start, end, m49,
        other_names, linked_name, link, line``.

    Raises
    ------
    UnknownLayoutError
        A required column is missing.
    InputFormatError
        A bad date, more end dates than start dates, an end before its start, or
        a bad M49 code; the message names line and field.
    """
    path = Path(path)
    rows: list[dict[str, object]] = []
    with path.open("r", encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        try:
            header = next(reader, None)
            if header is None:
                raise UnknownLayoutError("the file is empty (no header row)", path=path, line=1)
            cols = check_header(header, path)

            def get(row: list[str], name: str) -> str:
                i = cols.get(name)
                return row[i].strip() if i is not None and i < len(row) else ""

            for row in reader:
                line = reader.line_num
                if not any(c.strip() for c in row):
                    continue
                if len(row) != len(header):
                    raise InputFormatError(f"row has {len(row)} fields, the header {len(header)}", path=path, line=line)
                name = get(row, "Member State")
                if not name:
                    raise InputFormatError("empty name", path=path, line=line, field="Member State")
                code = get(row, "ISO Code").upper() or None
                starts = _split_dates(get(row, "Start date"), path, line, "Start date")
                ends = _split_dates(get(row, "End date"), path, line, "End date")
                if len(ends) > len(starts) or len(ends) < len(starts) - 1:
                    raise InputFormatError(
                        f"{len(starts)} start date(s) but {len(ends)} end date(s)",
                        path=path,
                        line=line,
                        field="End date",
                    )
                m49_text = get(row, "M49 Code")
                m49 = None
                if m49_text:
                    if not re.fullmatch(r"\d{1,3}(\.0)?", m49_text):
                        raise InputFormatError(f"not an M49 code: {m49_text!r}", path=path, line=line, field="M49 Code")
                    m49 = int(float(m49_text))
                flag = get(row, "Earlier (a) or Later (b)").lower().strip("() ")
                link = {"a": "earlier", "earlier": "earlier", "b": "later", "later": "later"}.get(flag)
                episodes = list(zip(starts, [*ends, None][: len(starts)], strict=True)) if starts else [(None, None)]
                for k, (start, end) in enumerate(episodes, start=1):
                    if start is not None and end is not None and end < start:
                        raise InputFormatError(
                            f"episode {k} ends ({end}) before it starts ({start})",
                            path=path,
                            line=line,
                            field="End date",
                        )
                    rows.append(
                        {
                            "code": code,
                            "name": name,
                            "episode": k,
                            "start": start,
                            "end": end,
                            "m49": m49,
                            "other_names": get(row, "Other Names") or None,
                            "linked_name": get(row, "Earlier or Later Name") or None,
                            "link": link,
                            "line": line,
                        }
                    )
        except UnicodeDecodeError as exc:
            raise InputFormatError(f"not UTF-8 text ({exc.reason})", path=path, line=reader.line_num + 1) from exc
        except csv.Error as exc:
            raise InputFormatError(f"malformed CSV: {exc}", path=path, line=reader.line_num) from exc
    return pl.from_dicts(rows, schema=AUTHORITY_SCHEMA)


def _by_name(auth: pl.DataFrame) -> dict[str, list[dict[str, object]]]:
    out: dict[str, list[dict[str, object]]] = {}
    for r in auth.iter_rows(named=True):
        out.setdefault(str(r["name"]).casefold(), []).append(r)
    return out


def _starts(rows: list[dict[str, object]]) -> list[dt.date]:
    return sorted(o["start"] for o in rows if isinstance(o["start"], dt.date))


def name_successions(auth: pl.DataFrame) -> pl.DataFrame:
    """The links between names, oriented from the earlier name to the later one.

    A row's ``linked_name`` is earlier when its flag says ``a`` (earlier) and
    later when ``b``; without a flag, the name whose first episode starts first
    is the earlier. ``date`` is the first start of the later name on or after
    the earlier name's first start. A link to a name absent from the file is
    kept with null ``to_code`` / ``from_code`` so nothing is lost.

    Returns
    -------
    polars.DataFrame
        ``from_code, from_name, to_code, to_name, date``, one row per distinct link.
    """
    names = _by_name(auth)
    seen: set[tuple[str, str]] = set()
    out: list[dict[str, object]] = []
    for r in auth.filter(pl.col("episode") == 1).iter_rows(named=True):
        other = r["linked_name"]
        if not other:
            continue
        other_rows = names.get(str(other).casefold(), [])
        this_first = r["start"]
        other_first = min(_starts(other_rows), default=None)
        if r["link"] == "earlier":
            earlier_is_other = True
        elif r["link"] == "later":
            earlier_is_other = False
        else:
            earlier_is_other = other_first is not None and (this_first is None or other_first < this_first)
        if earlier_is_other:
            from_name, from_rows, to_name, to_rows = (
                str(other),
                other_rows,
                str(r["name"]),
                names.get(str(r["name"]).casefold(), []),
            )
        else:
            from_name, from_rows, to_name, to_rows = (
                str(r["name"]),
                names.get(str(r["name"]).casefold(), []),
                str(other),
                other_rows,
            )
        key = (from_name.casefold(), to_name.casefold())
        if key in seen:
            continue
        seen.add(key)
        from_first = min(_starts(from_rows), default=None)
        to_starts = _starts(to_rows)
        date = next((s for s in to_starts if from_first is None or s >= from_first), None)
        out.append(
            {
                "from_code": from_rows[0]["code"] if from_rows else None,
                "from_name": from_rows[0]["name"] if from_rows else from_name,
                "to_code": to_rows[0]["code"] if to_rows else None,
                "to_name": to_rows[0]["name"] if to_rows else to_name,
                "date": date,
            }
        )
    return pl.from_dicts(
        out,
        schema={
            "from_code": pl.String(),
            "from_name": pl.String(),
            "to_code": pl.String(),
            "to_name": pl.String(),
            "date": pl.Date(),
        },
    )


def resolve_state_ids(auth: pl.DataFrame, *, tolerance_days: int = 1) -> pl.DataFrame:
    """Give each name episode the id of the state it belongs to (see the module docstring).

    An episode is a rename when it ends within ``tolerance_days`` of a start of
    exactly one of the names it links to as later; it then takes that later
    episode's state, followed to the end of the chain. Other episodes keep their
    own code.

    Returns
    -------
    polars.DataFrame
        ``auth`` with a ``state`` column (String) added, and ``renamed_to`` (the
        next name of the chain, or null).
    """
    successions = name_successions(auth)
    later_of: dict[str, list[str]] = {}
    earlier_of: dict[str, list[str]] = {}
    for s in successions.iter_rows(named=True):
        later_of.setdefault(str(s["from_name"]).casefold(), []).append(str(s["to_name"]).casefold())
        earlier_of.setdefault(str(s["to_name"]).casefold(), []).append(str(s["from_name"]).casefold())
    names = _by_name(auth)
    tol = dt.timedelta(days=tolerance_days)

    def near(a: object, b: object) -> bool:
        return isinstance(a, dt.date) and isinstance(b, dt.date) and abs(a - b) <= tol

    def n_predecessors(o: dict[str, object]) -> int:
        """How many names linked as earlier end when the episode ``o`` starts (2 or more: a merger)."""
        return sum(
            any(near(e["end"], o["start"]) for e in names.get(earlier, []))
            for earlier in set(earlier_of.get(str(o["name"]).casefold(), []))
        )

    def next_episode(r: dict[str, object]) -> dict[str, object] | None:
        if not isinstance(r["end"], dt.date):
            return None
        candidates = [
            o
            for later in set(later_of.get(str(r["name"]).casefold(), []))
            for o in names.get(later, [])
            if near(o["start"], r["end"])
        ]
        if len(candidates) != 1 or n_predecessors(candidates[0]) != 1:
            return None  # a dissolution, a split or a merger: not a rename
        return candidates[0]

    states: list[str | None] = []
    renamed: list[str | None] = []
    for r in auth.iter_rows(named=True):
        nxt = next_episode(r)
        renamed.append(str(nxt["name"]) if nxt else None)
        cur: dict[str, object] = r
        visited = {(str(r["name"]), r["episode"])}
        while nxt is not None and (str(nxt["name"]), nxt["episode"]) not in visited:
            visited.add((str(nxt["name"]), nxt["episode"]))
            cur = nxt
            nxt = next_episode(cur)
        states.append(str(cur["code"]) if cur["code"] is not None else None)
    return auth.with_columns(
        pl.Series("state", states, dtype=pl.String()), pl.Series("renamed_to", renamed, dtype=pl.String())
    )
