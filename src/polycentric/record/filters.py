"""The record's query filters, written once: :class:`Filters` and its keyword form :class:`FilterKwargs`.

:meth:`polycentric.record.store.Record.roll_calls`, ``votes`` and ``votes_page``
take the same filters, either as keywords (``record.votes(session=77)``) or as a
:class:`Filters` value (``record.votes(Filters(session=77))``; keywords given as
well replace its fields). Filters combine with AND; see :class:`Filters`.

Dependency rule: imports ``polycentric.schema``, ``polycentric.symbols`` and
``polycentric.errors``; never measures, models or shells.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from typing import TypedDict, Unpack

import polars as pl

from polycentric.errors import ConfigurationError
from polycentric.schema import ISSUES
from polycentric.symbols import DateLike, as_date, normalise_symbol

__all__ = ["DateLike", "FilterKwargs", "Filters", "as_date"]


class FilterKwargs(TypedDict, total=False):
    """The filters of :class:`Filters` as keyword arguments (every one optional)."""

    session: str | int | None
    year: int | Sequence[int] | None
    start: DateLike
    end: DateLike
    issue: str | None
    state: str | None
    resolution: str | None
    search: str | None
    kind: str | None
    body: str | None
    undl_id: int | str | None


@dataclass(frozen=True)
class Filters:
    """Which roll calls (and their votes) a query keeps; unset filters keep everything.

    Attributes
    ----------
    session
        ``"77"``/``77`` (regular), ``"S-10"``, ``"ES-11"``: the session label.
    year, start, end
        Calendar year (int or list) and an inclusive date range (dates or ISO strings).
    issue
        Voeten issue code (``me nu di hr co ec``) or a word of its name.
    state
        Roll calls in which that state has a vote row (any code or name); for votes,
        that state's votes only.
    resolution
        A symbol in any accepted spelling (``R/68/262``); it selects its body
        (``S/...`` the Security Council, ``A/...`` the General Assembly).
    search
        Case-insensitive text in the symbol, title, agenda or subjects.
    kind
        ``resolution``, ``amendment``, ``paragraph`` or ``procedural``.
    body
        ``"GA"`` (default), ``"SC"``, or None for both.
    undl_id
        The UN Digital Library record id (records without a symbol are found by it).
    """

    session: str | int | None = None
    year: int | Sequence[int] | None = None
    start: DateLike = None
    end: DateLike = None
    issue: str | None = None
    state: str | None = None
    resolution: str | None = None
    search: str | None = None
    kind: str | None = None
    body: str | None = "GA"
    undl_id: int | str | None = None

    @classmethod
    def of(cls, filters: Filters | None = None, /, **kw: Unpack[FilterKwargs]) -> Filters:
        """``filters`` (default: no filter but ``body="GA"``) with the keywords given replacing its fields."""
        base = cls() if filters is None else filters
        return replace(base, **kw) if kw else base

    def keeps_every_roll_call(self) -> bool:
        """True when no filter but ``state`` is set and ``body`` is None (every roll call of every body)."""
        return self.body is None and all(
            getattr(self, f.name) is None for f in fields(self) if f.name not in ("state", "body")
        )

    def column_predicates(self) -> list[pl.Expr]:
        """The predicates on ROLL_CALLS columns (``search`` and ``state`` need the record's indexes: not here)."""
        preds: list[pl.Expr] = []
        body = self.body
        if self.undl_id is not None:
            preds.append(pl.col("undl_id") == _undl_id(self.undl_id))
        if self.resolution is not None:
            body, symbol_pred = _symbol_filter(self.resolution, body)
            preds.append(symbol_pred)
        if body is not None:
            preds.append(pl.col("body") == body.upper())
        if self.session is not None:
            label = str(self.session).strip().upper()
            label = label if not label.isdigit() else str(int(label))
            preds.append(pl.col("session") == label)
        if self.year is not None:
            year = self.year
            years = [int(year)] if isinstance(year, int | str) else [int(y) for y in year]
            preds.append(pl.col("year").is_in(years))
        if self.start is not None:
            preds.append(pl.col("date") >= as_date(self.start))
        if self.end is not None:
            preds.append(pl.col("date") <= as_date(self.end))
        if self.issue is not None:
            preds.append(pl.col(_issue_column(self.issue)).fill_null(False))
        if self.kind is not None:
            preds.append(pl.col("kind") == self.kind.lower())
        return preds


def _undl_id(value: int | str) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        raise ConfigurationError(f"UN DL record id {value!r} is not a number (e.g. 4067944)") from None


def _issue_column(issue: str) -> str:
    key = issue.strip().lower()
    if key.startswith("issue_"):
        key = key[6:]
    if key in ISSUES:
        return f"issue_{key}"
    for k, name in ISSUES.items():
        if key in name.lower():
            return f"issue_{k}"
    raise ConfigurationError(
        f"unknown issue {issue!r}: expected one of {', '.join(ISSUES)} ({'; '.join(ISSUES.values())})"
    )


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
