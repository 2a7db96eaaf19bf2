"""One resolver for the names people type: states and groups, in every shell.

The command line, the HTTP API and the dashboard all accept a state by any code or name
(``IND``, ``India``, ``SUN``, ``Russia``, ``643``, ``cow:365``) and a group by id, alias or
name (``NAM``, ``G-77``, ``European Union``, ``group:EU``). :func:`resolve` decides which
is meant and returns a :class:`Resolved`; a text that names nothing raises
:class:`~polycentric.errors.UnknownStateError` (or ``UnknownGroupError`` for ``group:``)
whose message suggests close matches ("did you mean Russian Federation (RUS)?").

:func:`resolve_symbol` does the same for resolution symbols against a table of roll calls.

Dependency rule: imports ``polycentric.errors``, ``sources.common`` (symbols) and the registry only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import polars as pl

from polycentric import states as _states
from polycentric.errors import UnknownGroupError, UnknownResolutionError, UnknownStateError
from polycentric.registry import groups as _groups
from polycentric.symbols import as_date

__all__ = [
    "Resolved",
    "UnknownRollCallError",
    "resolve",
    "resolve_group",
    "resolve_reference",
    "resolve_states",
    "resolve_symbol",
]

DateLike = dt.date | dt.datetime | str | None


@dataclass(frozen=True)
class Resolved:
    """What a text names: ``kind`` ("state" or "group"), the canonical ``id`` and its ``name``."""

    kind: Literal["state", "group"]
    id: str
    name: str

    @property
    def reference(self) -> str:
        """The form the measures take: ``"RUS"`` for a state, ``"group:EU"`` for a group."""
        return self.id if self.kind == "state" else f"group:{self.id}"


def _group(text: str, home: str | Path | None) -> Resolved:
    g = _groups.get_group(text, home=home)
    return Resolved("group", g.id, g.name)


def resolve_group(text: str, *, home: str | Path | None = None) -> str:
    """The id of the group ``text`` names (id, alias, name, or ``group:ID``); suggestions when unknown."""
    text = text.strip()
    if text.lower().startswith("group:"):
        text = text.split(":", 1)[1]
    return _group(text, home).id


def resolve(
    text: str,
    date: DateLike = None,
    *,
    kinds: tuple[str, ...] = ("state", "group"),
    home: str | Path | None = None,
) -> Resolved:
    """The state or group ``text`` names.

    Parameters
    ----------
    text
        A state code or name (any scheme :func:`~polycentric.states.resolve_state`
        reads), a group id, alias or name, or ``group:ID`` to force a group.
    date
        The date a historical code was used on (``YUG`` before or after 2000-11-01).
    kinds
        What may be meant: states first, then groups (a text that is both, such as ``EU``,
        is a group because no state is called so).

    Raises
    ------
    UnknownStateError
        Nothing of the allowed kinds is called ``text``; the message suggests close states and groups.
    UnknownGroupError
        ``text`` is ``group:ID`` (or only groups are allowed) and no group is called so.
    """
    value = str(text).strip()
    if not value:
        raise UnknownStateError("empty state or group name")
    if value.lower().startswith("group:") or kinds == ("group",):
        return _group(value.split(":", 1)[1] if ":" in value else value, home)
    state_error: UnknownStateError | None = None
    if "state" in kinds:
        try:
            sid = _states.resolve_state(value, date)
            return Resolved("state", sid, _states.state_name(sid, as_date(date)))
        except UnknownStateError as exc:
            if "ambiguous" in str(exc):
                raise
            state_error = exc
    if "group" in kinds:
        try:
            return _group(value, home)
        except UnknownGroupError as exc:
            group_hint = str(exc).partition("; did you mean ")[2].partition("?")[0]
            message = str(state_error) if state_error is not None else str(exc)
            if group_hint and state_error is not None:
                message = (
                    message.rstrip("?") + f" (or the group {group_hint})?"
                    if "did you mean" in message
                    else message + f"; did you mean the group {group_hint}?"
                )
            raise UnknownStateError(message) from None
    assert state_error is not None
    raise state_error


def resolve_reference(text: str, date: DateLike = None, *, home: str | Path | None = None) -> str:
    """A reference for the measures: ``"RUS"`` for ``"Russia"``/``"SUN"``, ``"group:EU"`` for ``"EU"``/``"group:EU"``."""
    return resolve(text, date, home=home).reference


def resolve_states(texts: Iterable[str], date: DateLike = None) -> list[str]:
    """Canonical ids of several states (codes or names), in order, without repeats."""
    out: list[str] = []
    for t in texts:
        sid = resolve(t, date, kinds=("state",)).id
        if sid not in out:
            out.append(sid)
    return out


UnknownRollCallError = UnknownResolutionError
"""A resolution symbol with no roll call in the record (``errors.UnknownResolutionError``)."""


def resolve_symbol(text: str, roll_calls: pl.DataFrame) -> str:
    """The normalised symbol ``text`` names (``R/68/262`` -> ``A/RES/68/262``), checked against ``roll_calls``.

    Raises
    ------
    UnknownRollCallError
        No roll call of ``roll_calls`` is on that resolution; the message names the
        closest symbols of the record (``did you mean A/RES/ES-11/1?``).
    """
    import difflib

    from polycentric.sources.common import normalise_symbol

    symbol = normalise_symbol(text)
    known = roll_calls["resolution"].drop_nulls().unique()
    if symbol is not None and (known == symbol).any():
        return str(symbol)
    close = difflib.get_close_matches(str(symbol or text), known.to_list(), n=3, cutoff=0.8)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise UnknownRollCallError(f"no roll call on {text!r} in the record{hint}")
