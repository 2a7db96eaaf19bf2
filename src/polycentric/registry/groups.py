"""Groups of states with dated memberships: the built-in registry and user-defined groups.

A *group* (see the glossary in :mod:`polycentric.schema`) is a set of
states with dated membership spells. The built-in groups (NAM, G77, EU, NATO,
BRICS, SCO, CIS, EAEU, CSTO, AU, OIC, LAS, ASEAN, CARICOM, OECD, G7, G20, the
five UN regional groups, RIC and three like-minded initiatives) ship as curated,
sourced CSV files in ``registry/data/groups`` (built by
``scripts/build_groups.py``; sources and uncertainties in that folder's
README.md). Users add their own with :func:`define_group` or
:func:`load_groups_file`; those are stored under ``<home>/groups/`` and listed
with the built-ins.

Membership table (``MEMBERSHIP`` schema), one spell per row:

``group``, ``state`` (canonical id), ``status`` (member, observer, associate,
partner, invited, suspended), ``joined`` (first day, inclusive), ``left``
(last day, inclusive; null while the spell lasts), ``precision`` (day, month
or year: how exact the dates are), ``source`` (citation keys, ``|``-separated),
``uncertain`` (the spell or its dates are doubtful), ``note``.

A state is in a group with a status on date ``d`` when one of its spells with
that status has ``joined <= d`` and (``left`` is null or ``d <= left``).
Spells of one state in one group never overlap.

Note: ``NAM`` is the Non-Aligned Movement here, although it is also Namibia's
ISO3 code; group ids and state ids live in different namespaces.

Dependency rule: imports ``polycentric.errors``, ``polycentric.config`` (the
home folder of user groups) and ``polycentric.states`` (state ids and
names) only.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import polars as pl

from polycentric.errors import RegistryError, UnknownGroupError, UnknownStateError
from polycentric.symbols import as_date

__all__ = [
    "GROUP_KINDS",
    "MEMBERSHIP",
    "STATUSES",
    "Group",
    "define_group",
    "get_group",
    "group_ids",
    "list_groups",
    "load_groups_file",
    "members_on",
    "memberships_of",
    "membership_frame",
    "membership_mask",
    "remove_group",
    "user_groups_dir",
]

STATUSES: tuple[str, ...] = ("member", "observer", "associate", "partner", "invited", "suspended")
"""Membership statuses, from full membership to suspension."""

GROUP_KINDS: tuple[str, ...] = (
    "organisation",
    "negotiating-group",
    "regional-group",
    "format",
    "initiative",
    "user",
)

MEMBERSHIP: dict[str, pl.DataType] = {
    "group": pl.String(),
    "state": pl.String(),
    "status": pl.String(),
    "joined": pl.Date(),
    "left": pl.Date(),
    "precision": pl.String(),
    "source": pl.String(),
    "uncertain": pl.Boolean(),
    "note": pl.String(),
}

_PACKAGE = "polycentric.registry"
_ID_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_+\-]{0,39}$")
# States listed in groups that are not UN members (UN observer states).
_NON_MEMBER_STATES = {"PSE": "Palestine", "VAT": "Holy See"}

DateLike = dt.date | dt.datetime | str


# --------------------------------------------------------------------------------------------- states


@functools.cache
def _state_names() -> dict[str, str]:
    """Canonical state id -> current (or last) name, from the state registry (+ UN observer states)."""
    from polycentric.states import states_table

    table = states_table()
    names = dict(zip(table["state"].to_list(), table["name"].to_list(), strict=True))
    for sid, name in _NON_MEMBER_STATES.items():
        names.setdefault(sid, name)
    return names


def _check_state(state: str) -> str:
    sid = state.strip().upper()
    if sid not in _state_names():
        close = difflib.get_close_matches(sid, list(_state_names()), n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise UnknownStateError(f"{state!r} is not a canonical state id (ISO3-like){hint}")
    return sid


# ---------------------------------------------------------------------------------------------- dates


# ---------------------------------------------------------------------------------------------- Group


@dataclass(frozen=True)
class Group:
    """A group of states with dated membership spells.

    Attributes
    ----------
    id
        The group's identifier (``"NAM"``, ``"EU"``, or a user id).
    name, kind, description
        Human-readable name, one of :data:`GROUP_KINDS`, and a description.
    membership
        One spell per row (:data:`MEMBERSHIP` schema).
    aliases
        Other names :func:`get_group` accepts.
    sources
        Citation keys (see ``registry/data/groups/sources.csv``) or free text for user groups.
    origin
        ``"builtin"`` or ``"user"``.
    """

    id: str
    name: str
    kind: str
    membership: pl.DataFrame = field(repr=False)
    description: str = ""
    aliases: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    origin: str = "builtin"

    def members(
        self,
        date: DateLike | None = None,
        statuses: Sequence[str] | str | None = ("member",),
        *,
        include_uncertain: bool = True,
    ) -> pl.DataFrame:
        """The states in the group on ``date``.

        Parameters
        ----------
        date
            The day membership is evaluated on (a date or ``"YYYY-MM-DD"``); today when None.
        statuses
            Which statuses to list (default full members only); None lists every status.
        include_uncertain
            Whether to keep spells flagged uncertain.

        Returns
        -------
        pl.DataFrame
            ``state``, ``state_name``, ``status``, ``joined``, ``left``, ``precision``,
            ``uncertain``, ``source``, ``note``; sorted by status (as in :data:`STATUSES`) and state.
        """
        d = as_date(date) or dt.date.today()
        wanted = _statuses(statuses)
        m = self.membership.filter(
            pl.col("status").is_in(wanted),
            pl.col("joined").is_null() | (pl.col("joined") <= d),
            pl.col("left").is_null() | (pl.col("left") >= d),
        )
        if not include_uncertain:
            m = m.filter(~pl.col("uncertain"))
        return _with_names(m).sort(
            pl.col("status").replace_strict({s: i for i, s in enumerate(STATUSES)}, return_dtype=pl.Int32),
            "state",
        )

    def states(self, date: DateLike | None = None, statuses: Sequence[str] | str | None = ("member",)) -> list[str]:
        """Sorted canonical ids of the states with ``statuses`` on ``date`` (today when None)."""
        return sorted(self.members(date, statuses)["state"].to_list())

    def is_member(self, state: str, date: DateLike | None = None, statuses: Sequence[str] | str = ("member",)) -> bool:
        """Whether ``state`` holds one of ``statuses`` in the group on ``date`` (today when None)."""
        return state.strip().upper() in set(self.members(date, statuses)["state"].to_list())

    def history(self) -> pl.DataFrame:
        """Every spell of the group with state names, sorted by state and joining date."""
        return _with_names(self.membership).sort("state", "joined", nulls_last=False)

    def __len__(self) -> int:
        return self.membership.height


def _statuses(statuses: Sequence[str] | str | None) -> list[str]:
    if statuses is None:
        return list(STATUSES)
    if isinstance(statuses, str):
        statuses = [statuses]
    bad = [s for s in statuses if s not in STATUSES]
    if bad:
        raise RegistryError(f"unknown status {bad[0]!r}: expected one of {', '.join(STATUSES)}")
    return list(statuses)


def _with_names(m: pl.DataFrame) -> pl.DataFrame:
    names = _state_names()
    return m.select(
        "state",
        pl.col("state").replace_strict(names, default=None, return_dtype=pl.String).alias("state_name"),
        "status",
        "joined",
        "left",
        "precision",
        "uncertain",
        "source",
        "note",
    )


# ------------------------------------------------------------------------------------------ built-ins


def _read_data_csv(name: str, schema: Mapping[str, pl.DataType] | None = None) -> pl.DataFrame:
    raw = resources.files(_PACKAGE).joinpath("data", "groups", name).read_bytes()
    if schema is None:  # every column a string, empty fields as ""
        return pl.read_csv(raw, infer_schema_length=0).fill_null("")
    return pl.read_csv(raw, schema=dict(schema), null_values=[""])


@functools.cache
def _builtin() -> tuple[dict[str, Group], dict[str, str]]:
    """Built-in groups by id, and normalised alias -> id."""
    index = _read_data_csv("groups.csv")
    spells = _read_data_csv("memberships.csv", MEMBERSHIP)
    groups: dict[str, Group] = {}
    aliases: dict[str, str] = {}
    by_group = spells.partition_by("group", as_dict=True, maintain_order=True)
    for r in index.iter_rows(named=True):
        gid = r["id"]
        members = by_group.get((gid,), pl.DataFrame(schema=MEMBERSHIP))
        alias_list = tuple(a for a in r["aliases"].split("|") if a)
        groups[gid] = Group(
            id=gid,
            name=r["name"],
            kind=r["kind"],
            membership=members,
            description=r["description"],
            aliases=alias_list,
            sources=tuple(s for s in r["sources"].split("|") if s),
            origin="builtin",
        )
        for a in (gid, r["name"], *alias_list):
            aliases.setdefault(_norm(a), gid)
    return groups, aliases


def _norm(s: str) -> str:
    return re.sub(r"[^A-Z0-9+]", "", s.upper())


def builtin_sources() -> pl.DataFrame:
    """The citation keys used by the built-in groups: ``key``, ``citation``, ``url``."""
    return _read_data_csv("sources.csv")


# ------------------------------------------------------------------------------------------ user groups


def user_groups_dir(home: str | Path | None = None) -> Path:
    """The folder of user-defined groups: ``<home>/groups`` (not created here)."""
    from polycentric.config import Home

    return Home.at(home).groups


def _user_groups(home: str | Path | None = None) -> dict[str, Group]:
    folder = user_groups_dir(home)
    out: dict[str, Group] = {}
    if not folder.is_dir():
        return out
    for path in sorted(folder.glob("*.json")):
        for g in _parse_json(path):
            out[g.id] = g
    return out


def _all_groups(home: str | Path | None = None) -> tuple[dict[str, Group], dict[str, str]]:
    groups, aliases = _builtin()
    user = _user_groups(home)
    merged = dict(groups)
    al = dict(aliases)
    for gid, g in user.items():
        merged[gid] = g
        for a in (gid, g.name, *g.aliases):
            al.setdefault(_norm(a), gid)
    return merged, al


def group_ids(home: str | Path | None = None) -> list[str]:
    """Ids of every group, built-in then user-defined."""
    return list(_all_groups(home)[0])


def get_group(id_or_alias: str | Group, *, home: str | Path | None = None) -> Group:
    """The group named by an id, alias or name (case-insensitive; ``"G-77"``, ``"European Union"``).

    Raises
    ------
    UnknownGroupError
        No group has this id, alias or name; the message lists close matches.
    """
    if isinstance(id_or_alias, Group):
        return id_or_alias
    groups, aliases = _all_groups(home)
    key = _norm(str(id_or_alias))
    gid = aliases.get(key)
    if gid is not None:
        return groups[gid]
    choices = {_norm(a): a for g in groups.values() for a in (g.id, g.name, *g.aliases)}
    close = difflib.get_close_matches(key, list(choices), n=4, cutoff=0.6)
    close_ids = list(dict.fromkeys(aliases[c] for c in close))
    hint = f"; did you mean {', '.join(close_ids)}?" if close_ids else ""
    raise UnknownGroupError(f"no group is known as {id_or_alias!r}{hint} (polycentric groups list shows them all)")


def list_groups(
    kind: str | None = None, *, date: DateLike | None = None, home: str | Path | None = None
) -> pl.DataFrame:
    """Every group (built-in and user-defined) with its size on ``date`` (today when None).

    Returns
    -------
    pl.DataFrame
        ``id``, ``name``, ``kind``, ``origin``, ``n_members``, ``n_observers``, ``since`` (first
        joining date), ``aliases``, ``sources``, ``description``.
    """
    d = as_date(date) or dt.date.today()
    rows = []
    for g in _all_groups(home)[0].values():
        if kind is not None and g.kind != kind:
            continue
        counts = g.members(d, statuses=None)["status"].value_counts()
        n = dict(zip(counts["status"].to_list(), counts["count"].to_list(), strict=True))
        rows.append(
            {
                "id": g.id,
                "name": g.name,
                "kind": g.kind,
                "origin": g.origin,
                "n_members": n.get("member", 0),
                "n_observers": n.get("observer", 0),
                "since": g.membership["joined"].min() if g.membership.height else None,
                "aliases": "|".join(g.aliases),
                "sources": "|".join(g.sources),
                "description": g.description,
            }
        )
    schema = {
        "id": pl.String,
        "name": pl.String,
        "kind": pl.String,
        "origin": pl.String,
        "n_members": pl.Int64,
        "n_observers": pl.Int64,
        "since": pl.Date,
        "aliases": pl.String,
        "sources": pl.String,
        "description": pl.String,
    }
    return pl.DataFrame(rows, schema=schema)


# ---------------------------------------------------------------------------------- vectorised tests


def _spells(group: str | Group, statuses: Sequence[str] | str | None, home: str | Path | None) -> pl.DataFrame:
    g = get_group(group, home=home)
    return g.membership.filter(pl.col("status").is_in(_statuses(statuses))).select(
        "state",
        pl.col("joined").fill_null(dt.date(1, 1, 1)),
        "left",
    )


GroupLike = str | Group | pl.DataFrame | Any
"""A group: an id or alias, a :class:`Group`, a membership DataFrame, or an object with a ``membership`` frame."""

_FRAME_SCHEMA: dict[str, pl.DataType] = {"state": pl.String(), "status": pl.String(), "joined": pl.Date(), "left": pl.Date()}


def membership_frame(group: GroupLike, *, home: str | Path | None = None) -> tuple[str, pl.DataFrame]:
    """``(id, spells)`` of a group given by id, :class:`Group`, membership frame or object with ``membership``.

    The spells have columns ``state``, ``status``, ``joined``, ``left`` (Date; nulls are
    open ends). A frame without ``status`` is taken as all members; ``YYYY-MM-DD`` text
    dates are read as dates.
    """
    if isinstance(group, str):
        g = get_group(group, home=home)
        gid, frame = g.id, g.membership
    elif isinstance(group, pl.DataFrame):
        gid, frame = "group", group
    elif hasattr(group, "membership"):
        gid = str(getattr(group, "id", None) or getattr(group, "name", "group"))
        frame = group.membership
    else:
        raise RegistryError(f"cannot read a group from {type(group).__name__}: expected an id or a membership frame")
    if "state" not in frame.columns:
        raise RegistryError("a membership frame needs a 'state' column (and joined, left, status)")
    cols = []
    for col, dtype in _FRAME_SCHEMA.items():
        if col in frame.columns:
            expr = pl.col(col)
            if col in ("joined", "left") and frame.schema[col] == pl.String():
                expr = expr.str.to_date(strict=False)
            cols.append(expr.cast(dtype).alias(col))
        else:
            cols.append(pl.lit("member" if col == "status" else None, dtype=dtype).alias(col))
    return gid, frame.select(cols)


def membership_mask(
    votes: pl.DataFrame,
    group: GroupLike,
    *,
    statuses: Sequence[str] | str | None = ("member",),
    state_col: str = "state",
    date_col: str = "date",
    home: str | Path | None = None,
) -> pl.Series:
    """For each row of ``votes``, whether its state was in ``group`` on that row's date.

    A row (state :math:`s`, date :math:`d`) is in the group when some spell of
    :math:`s` with a counted status has ``joined <= d <= left`` (open ends
    unbounded; both ends inclusive). Spells may overlap (a user's frame): the row
    counts once. The one membership test of polycentric: measures, models and
    shells all call it.

    Parameters
    ----------
    votes
        Any frame with a state column and a date column (VOTES_VIEW has both).
    group
        A group id or alias, a :class:`Group`, or a membership frame (see :func:`membership_frame`).
    statuses
        Statuses that count (default full members; ``("member", "observer")`` adds observers).
    state_col, date_col
        Column names in ``votes``.

    Returns
    -------
    pl.Series
        Boolean, named ``in_<group id>``, aligned with ``votes`` (same length and order).
    """
    gid, spells = membership_frame(group, home=home)
    missing = [c for c in (state_col, date_col) if c not in votes.columns]
    if missing:
        raise RegistryError(
            f"votes frame has no column {missing[0]!r}: a group's membership is evaluated at each vote's date"
        )
    spells = spells.filter(pl.col("status").fill_null("member").is_in(_statuses(statuses)))
    rows = votes.select(
        pl.int_range(pl.len(), dtype=pl.UInt32).alias("_row"),
        pl.col(state_col).cast(pl.String).alias("state"),
        pl.col(date_col).cast(pl.Date).alias("date"),
    )
    hit = (
        rows.join(spells, on="state", how="inner")
        .filter(
            (pl.col("joined").is_null() | (pl.col("joined") <= pl.col("date")))
            & (pl.col("left").is_null() | (pl.col("date") <= pl.col("left")))
        )
        .select(pl.col("_row").unique())
    )
    flags = rows.select(pl.col("_row").is_in(hit["_row"].implode()).alias(f"in_{gid}"))
    return flags.to_series()


def members_on(
    group: str | Group,
    dates: Iterable[DateLike] | pl.Series,
    *,
    statuses: Sequence[str] | str | None = ("member",),
    home: str | Path | None = None,
) -> pl.DataFrame:
    """The members of ``group`` on each of ``dates``: one row per (date, state).

    Returns
    -------
    pl.DataFrame
        ``date``, ``state``, ``status``, sorted by date and state. A date with no members has no rows.
    """
    if isinstance(dates, pl.Series):
        ds = dates.cast(pl.Date).unique().drop_nulls()
    else:
        ds = pl.Series("date", [as_date(d) for d in dates], dtype=pl.Date).unique()
    g = get_group(group, home=home)
    spells = g.membership.filter(pl.col("status").is_in(_statuses(statuses))).select(
        "state", "status", "joined", "left"
    )
    out = (
        pl.DataFrame({"date": ds})
        .join(spells, how="cross")
        .filter(
            pl.col("joined").is_null() | (pl.col("joined") <= pl.col("date")),
            pl.col("left").is_null() | (pl.col("left") >= pl.col("date")),
        )
        .select("date", "state", "status")
        .sort("date", "state")
    )
    return out


def memberships_of(state: str, *, home: str | Path | None = None) -> pl.DataFrame:
    """Every membership spell of ``state`` in every group of the registry (built-in and user-defined).

    Returns
    -------
    pl.DataFrame
        ``group, group_name, kind, state, status, joined, left, uncertain, source, note``
        (:meth:`Group.history` rows), current spells (no ``left``) first, then by kind, group and date.
    """
    frames = []
    for gid in group_ids(home=home):
        g = get_group(gid, home=home)
        spells = g.history().filter(pl.col("state") == state)
        if spells.height:
            frames.append(
                spells.select(
                    group=pl.lit(g.id),
                    group_name=pl.lit(g.name),
                    kind=pl.lit(g.kind),
                    state="state",
                    status="status",
                    joined="joined",
                    left="left",
                    uncertain="uncertain",
                    source="source",
                    note="note",
                )
            )
    if not frames:
        return pl.DataFrame(schema={"group": pl.String, "group_name": pl.String, "kind": pl.String})
    df = pl.concat(frames, how="vertical_relaxed")
    return df.sort(pl.col("left").is_not_null(), "kind", "group", "joined", nulls_last=False)


# ------------------------------------------------------------------------- defining and loading groups
# (in the private module below; imported last, as it builds on everything above)
from polycentric.registry._group_files import _parse_json, define_group, load_groups_file, remove_group  # noqa: E402
