"""Browse and search the record as a reader does: a filtered, sorted list of cited roll calls, and one search box.

:func:`list_roll_calls` filters roll calls by body, session, year range, issue, words of the text,
adoption status and important votes, sorts them and adds how to cite each one
(:func:`polycentric.record.cite.with_citation`: ``status``, ``link``, ``citation``).
:func:`search` finds states (any code or name), groups (id, alias, name), known resolution series
and roll calls (symbol in any spelling, or every word of the query in the symbol, title, agenda or
subjects, in any order: "aggression against Ukraine" finds A/RES/ES-11/1 titled "Aggression against
Ukraine"). The dashboard's ``#/rollcalls`` and ``#/search`` pages and the CLI are shells over these.

Dependency rule: reads frames of the record; imports ``record.cite``, the registry and
``measures.series`` (the known series); nothing imports it but the shells.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import polars as pl

from polycentric.errors import MeasureError, UnknownGroupError, UnknownStateError
from polycentric.measures.vetoes import PERMANENT_MEMBERS, VETOES, veto_counts, vetoes
from polycentric.record.cite import display_title, with_citation
from polycentric.schema import ISSUES

__all__ = [
    "PERMANENT_MEMBERS",
    "SEARCH_HITS",
    "SORTABLE",
    "VETOES",
    "counted_tallies",
    "list_roll_calls",
    "search",
    "text_matches",
    "veto_counts",
    "vetoes",
]

SORTABLE: tuple[str, ...] = (
    "date",
    "resolution",
    "title",
    "session",
    "total_yes",
    "total_no",
    "total_abstain",
    "status",
    "n_yes",
    "n_no",
    "n_abstain",
)
"""Columns :func:`list_roll_calls` sorts by."""

SEARCH_HITS: dict[str, pl.DataType] = {
    "kind": pl.String(),
    "id": pl.String(),
    "label": pl.String(),
    "detail": pl.String(),
    "rank": pl.Int64(),
}
"""The columns of :func:`search`: kind (state, group, series, rollcall), id, label, detail, rank (0 exact)."""

_TEXT_COLUMNS = ("resolution", "title", "agenda", "subjects")


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"\s+", text.strip().lower()) if w]


def text_matches(roll_calls: pl.DataFrame, text: str) -> pl.Expr:
    """True for roll calls whose symbol, title, agenda or subjects contain every word of ``text`` (any order, any case)."""
    haystack = pl.concat_str(
        [pl.col(c).fill_null("") for c in _TEXT_COLUMNS if c in roll_calls.columns], separator=" "
    ).str.to_lowercase()
    preds = [haystack.str.contains(w, literal=True) for w in _words(text)]
    return pl.all_horizontal(preds) if preds else pl.lit(True)


def counted_tallies(votes: pl.DataFrame) -> pl.DataFrame:
    """Each roll call's votes as stored: ``rollcall_id``, ``n_yes``, ``n_no``, ``n_abstain``, ``n_absent``."""
    return votes.group_by("rollcall_id").agg(
        n_yes=(pl.col("vote") == "Y").sum().cast(pl.Int32),
        n_no=(pl.col("vote") == "N").sum().cast(pl.Int32),
        n_abstain=(pl.col("vote") == "A").sum().cast(pl.Int32),
        n_absent=(pl.col("vote") == "X").sum().cast(pl.Int32),
    )


def list_roll_calls(
    roll_calls: pl.DataFrame,
    *,
    tallies: pl.DataFrame | None = None,
    body: str | None = None,
    session: str | None = None,
    start_year: int | None = None,
    end_year: int | None = None,
    issue: str | None = None,
    text: str | None = None,
    status: str | None = None,
    important: bool | None = None,
    kind: str | None = None,
    sort: str = "-date",
) -> pl.DataFrame:
    """The roll calls matching every given filter, sorted, each with its citation.

    Parameters
    ----------
    roll_calls
        ``Record.roll_calls(body=None)`` (ROLL_CALLS schema).
    tallies
        :func:`counted_tallies` of the votes: adds ``n_yes``, ``n_no``, ``n_abstain``, ``n_absent``
        (the votes stored, beside the source's recorded ``total_*``).
    body
        ``GA`` or ``SC`` (default both).
    session
        ``77``, ``ES-11``, ``S-10`` (case-insensitive).
    start_year, end_year
        Inclusive year range.
    issue
        One of Voeten's issue codes (``me``, ``nu``, ``di``, ``hr``, ``co``, ``ec``).
    text
        Words that must all occur in the symbol, title, agenda or subjects.
    status
        ``adopted``, ``not adopted``, ``vetoed`` or ``failed`` (:func:`~polycentric.record.cite.status_expr`).
    important
        Only roll calls coded important (the US State Department's "important votes"), or only the others.
    kind
        ``resolution``, ``amendment`` or ``paragraph``.
    sort
        A column of :data:`SORTABLE`; a leading ``-`` sorts descending (default newest first).
        Ties are broken by ``rollcall_id``.

    Returns
    -------
    polars.DataFrame
        The filtered roll calls with ``status``, ``link`` and ``citation`` columns.

    Raises
    ------
    MeasureError
        An unknown issue code, sort column or status.
    """
    preds: list[pl.Expr] = []
    if body:
        preds.append(pl.col("body") == body.strip().upper())
    if session:
        label = session.strip().upper()
        preds.append(pl.col("session") == (str(int(label)) if label.isdigit() else label))
    if start_year is not None:
        preds.append(pl.col("year") >= start_year)
    if end_year is not None:
        preds.append(pl.col("year") <= end_year)
    if issue:
        code = issue.strip().lower().removeprefix("issue_")
        if code not in ISSUES:
            raise MeasureError(f"unknown issue {issue!r}: expected one of {', '.join(ISSUES)}")
        preds.append(pl.col(f"issue_{code}").fill_null(False))
    if text and text.strip():
        preds.append(text_matches(roll_calls, text))
    if important is not None:
        preds.append(pl.col("important").fill_null(False) == important)
    if kind:
        preds.append(pl.col("kind") == kind.strip().lower())
    out = with_citation(roll_calls.filter(*preds) if preds else roll_calls)
    if tallies is not None:
        out = out.join(tallies, on="rollcall_id", how="left")
    if status:
        wanted = status.strip().lower()
        known = {"adopted", "not adopted", "vetoed", "failed"}
        if wanted not in known:
            raise MeasureError(f"unknown status {status!r}: expected one of {', '.join(sorted(known))}")
        out = out.filter(pl.col("status") == wanted)
    descending = sort.startswith("-")
    column = sort.lstrip("-+")
    if column not in SORTABLE or column not in out.columns:
        raise MeasureError(f"cannot sort roll calls by {column!r}: expected one of {', '.join(SORTABLE)}")
    return out.sort([column, "rollcall_id"], descending=[descending, descending], nulls_last=True)


def _state_hits(text: str, states: pl.DataFrame) -> pl.DataFrame:
    from polycentric.states import resolve_state

    try:
        exact: str | None = resolve_state(text)
    except UnknownStateError:
        exact = None
    is_exact = pl.col("state") == exact if exact is not None else pl.lit(False)
    words = _words(text)
    name = pl.col("name").str.to_lowercase()
    contains = pl.all_horizontal([name.str.contains(w, literal=True) for w in words]) if words else pl.lit(False)
    hits = states.filter(is_exact | contains)
    return hits.select(
        kind=pl.lit("state"),
        id=pl.col("state"),
        label=pl.format("{} ({})", pl.col("name"), pl.col("state")),
        detail=pl.format("state, UN {}", pl.col("un_status").fill_null("non-member"))
        if "un_status" in hits.columns
        else pl.lit("state"),
        rank=pl.when(is_exact).then(0).otherwise(1).cast(pl.Int64),
    ).sort("rank", "label")


def _group_hits(text: str, home: str | Path | None) -> pl.DataFrame:
    from polycentric.registry import groups as registry

    try:
        exact: str | None = registry.get_group(text, home=home).id
    except UnknownGroupError:
        exact = None
    table = registry.list_groups(home=home)
    is_exact = pl.col("id") == exact if exact is not None else pl.lit(False)
    blob = pl.concat_str(
        [pl.col("id"), pl.col("name"), pl.col("aliases").fill_null("")], separator=" "
    ).str.to_lowercase()
    words = _words(text)
    contains = pl.all_horizontal([blob.str.contains(w, literal=True) for w in words]) if words else pl.lit(False)
    return table.filter(is_exact | contains).select(
        kind=pl.lit("group"),
        id=pl.col("id"),
        label=pl.when(pl.col("name").str.contains(pl.format("({})", pl.col("id")), literal=True))
        .then(pl.col("name"))
        .otherwise(pl.format("{} ({})", pl.col("name"), pl.col("id"))),
        detail=pl.format("group: {} members", pl.col("n_members")),
        rank=pl.when(is_exact).then(0).otherwise(2).cast(pl.Int64),
    )


def _series_hits(text: str) -> pl.DataFrame:
    from polycentric.measures.series import KNOWN_SERIES

    words = _words(text)
    rows = []
    for slug, s in KNOWN_SERIES.items():
        blob = f"{slug} {s.label} {' '.join(s.searches)}".lower()
        if words and all(w in blob for w in words):
            rows.append(("series", slug, s.label, "resolution series", 0 if slug == text.strip().lower() else 2))
    return pl.DataFrame(rows, schema=SEARCH_HITS, orient="row")


def _roll_call_hits(text: str, roll_calls: pl.DataFrame) -> pl.DataFrame:
    from polycentric.symbols import normalise_symbol

    symbol = normalise_symbol(text)
    exact = pl.col("resolution") == symbol if symbol else pl.lit(False)
    hits = with_citation(roll_calls.filter(exact.fill_null(False) | text_matches(roll_calls, text)))
    hits = hits.sort(["date", "rollcall_id"], descending=True)
    return hits.select(
        kind=pl.lit("rollcall"),
        id=pl.col("rollcall_id").cast(pl.String),
        label=pl.format(
            "{} — {}",
            pl.coalesce(pl.col("resolution"), pl.lit("roll call")),
            pl.coalesce(
                pl.col("title").map_elements(display_title, return_dtype=pl.String), pl.lit("(no title in the record)")
            ),
        ),
        detail=pl.col("citation"),
        rank=pl.when(exact.fill_null(False))
        .then(0)
        .when(pl.col("title").map_elements(display_title, return_dtype=pl.String).str.to_lowercase() == text.lower())
        .then(1)  # the title is exactly what was typed
        .otherwise(3)
        .cast(pl.Int64),
    )


def search(
    text: str,
    roll_calls: pl.DataFrame,
    states: pl.DataFrame,
    *,
    kinds: Sequence[str] = ("state", "group", "series", "rollcall"),
    home: str | Path | None = None,
) -> pl.DataFrame:
    """Everything ``text`` names or describes: states, groups, resolution series and roll calls.

    Exact names come first (a state code or name, a group alias, a symbol in any spelling), then
    states, groups and series whose names contain every word, then roll calls whose symbol, title,
    agenda or subjects contain every word (newest first).

    Parameters
    ----------
    text
        What a person typed: ``"India"``, ``"SUN"``, ``"G-77"``, ``"R/68/262"``, ``"aggression against Ukraine"``.
    roll_calls, states
        ``Record.roll_calls(body=None)`` and ``Record.states()``.
    kinds
        Which kinds of thing to look for.

    Returns
    -------
    polars.DataFrame
        :data:`SEARCH_HITS` columns, best first.
    """
    text = text.strip()
    if not text:
        return pl.DataFrame(schema=SEARCH_HITS)
    frames = []
    if "state" in kinds:
        frames.append(_state_hits(text, states))
    if "group" in kinds:
        frames.append(_group_hits(text, home))
    if "series" in kinds:
        frames.append(_series_hits(text))
    if "rollcall" in kinds:
        frames.append(_roll_call_hits(text, roll_calls))
    hits = pl.concat([f.cast(SEARCH_HITS) for f in frames])  # type: ignore[arg-type]
    return hits.with_row_index("_order").sort("rank", "_order").drop("_order")
