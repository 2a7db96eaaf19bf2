"""CLI commands for the measures: agreement, agreement-matrix, cohesion, voice, alignment, neutrality, shifts, series.

Each command reads the record, calls one library function of
:mod:`polycentric.measures`, prints the DataFrame with
:func:`polycentric.cli.output.emit` (``--format table|csv|json``, ``--out FILE``)
and can draw a chart with ``--plot FILE.png|.svg``.

Dependency rule: a thin shell; logic lives in the library.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from polycentric.cli.options import FormatOpt, OutOpt, register_commands
from polycentric.cli.output import TableFormat, emit
from polycentric.errors import ConfigurationError

if TYPE_CHECKING:
    import polars as pl

YEARS_HELP = "Years, inclusive: 2014 or 2000-2023 (default: all)."
BODY_OPT = typer.Option("--body", help="GA (default), SC or all: the roll calls of which body to measure.")
PLOT_OPT = typer.Option("--plot", help="Also draw a chart to FILE (.png, .svg or .pdf).")


def _check_plot(plot: Path | None) -> None:
    if plot is not None:
        from polycentric.measures.plots import check_plot_path

        check_plot_path(plot)
        _set_chart_coverage(_open_record())


_RECORDS: dict[str, Any] = {}


def _open_record() -> Any:
    """The record at the home chosen by ``--home`` / POLYCENTRIC_HOME (opened once per home and process: the
    record follows a newer version itself, and its tables are read once)."""
    import polycentric
    from polycentric.config import home_dir

    key = str(home_dir())
    record = _RECORDS.get(key)
    if record is None:
        record = _RECORDS[key] = polycentric.open()
    return record


def _stored(record: Any) -> bool:
    """Whether ``record`` is a store's record (its stored views can be used), not a stand-in."""
    from polycentric.record.store import Record

    return isinstance(record, Record)


def _votes(body: str = "GA", years: str | int | None = None) -> pl.DataFrame:
    """The votes of one body (``GA`` by default; ``SC``; ``all``): SC votes enter a measure only when asked.

    With ``years`` (as the measure takes them), only those years' rows: the measure keeps the same rows
    itself. The General Assembly's votes come from the stored view
    (:func:`polycentric.models.saved.stored_votes`), read with predicate push-down.
    """
    if body.upper() not in ("GA", "SC", "ALL"):
        raise ConfigurationError(f"--body {body!r}: expected GA, SC or all")
    from polycentric.cli.progress import working

    with working("reading the record"):
        record = _open_record()
        if body.upper() == "GA" and _stored(record):
            from polycentric.models.saved import stored_votes
            from polycentric.symbols import parse_years

            return stored_votes(record, "GA", parse_years(years) if years is not None else None)
        frame: pl.DataFrame = record.votes(body=None if body.upper() == "ALL" else body.upper())
    return frame


def _periods(by: str) -> pl.DataFrame:
    """The record's ``partial`` flags per year or session (stored per record version: see ``stored_periods``)."""
    record = _open_record()
    if _stored(record):
        from polycentric.models.saved import stored_periods

        return stored_periods(record, by)
    frame: pl.DataFrame = record.periods(by)
    return frame


def _counts(body: str = "GA") -> Any:
    """The pair counts ``polycentric build`` stored for the General Assembly (``None`` for another body or
    when none are stored): agreement and alignment then read their sums instead of the votes."""
    if body.upper() != "GA":
        return None
    from polycentric.models.precompute import load_pair_counts

    record = _open_record()
    if getattr(record, "home", None) is None or not isinstance(getattr(record, "version", None), str):
        return None  # a record without a home or versions: nothing stored for it
    return load_pair_counts(record)


def _set_chart_coverage(record: Any) -> None:
    """Charts drawn by this command print the record's coverage line above their source line."""
    from polycentric.cli.record import coverage_line
    from polycentric.measures.plots import CHART_COVERAGE

    CHART_COVERAGE.set(coverage_line(record))


def _roll_calls() -> pl.DataFrame:
    frame: pl.DataFrame = _open_record().roll_calls()
    return frame


def note_years_after_record(years: str | int | None, body: str = "GA") -> None:
    """Say on stderr which asked years lie after the record's last roll call (they have no row, not zeros)."""
    if years is None:
        return
    from polycentric.record.coverage import years_after_record
    from polycentric.symbols import parse_years

    first, last = parse_years(years)
    name = {"GA": "General Assembly", "SC": "Security Council"}.get(body.upper(), "")
    rec = _open_record()
    after = years_after_record(rec, first, last, body.upper()) if name else []
    if after:
        span = str(after[0]) if len(after) == 1 else f"{after[0]}-{after[-1]}"
        typer.echo(f"note: the record holds no {name} votes for {span} ({rec.coverage_line()})", err=True)


def _flag(df: pl.DataFrame, by: str | None, body: str = "GA", years: str | int | None = None) -> pl.DataFrame:
    """The measure with the record's ``partial`` flag per year or session (and ``n_rollcalls`` where absent).

    The flag is the General Assembly's (official counts exist for it only): measures of SC votes have none.
    Asked ``years`` after the record's end are named on stderr (:func:`note_years_after_record`).
    """
    note_years_after_record(years, body)
    if by not in ("year", "session") or by not in df.columns or body.upper() != "GA":
        return df
    from polycentric.measures._common import annotate_periods

    return annotate_periods(df, _periods(by), by)


def _note_partial_years(*periods: str) -> None:
    """Say on stderr which years of year-range periods (``2014``, ``2010-2014``) are partial in the record."""
    import re

    import polars as pl

    years: set[int] = set()
    for p in periods:
        m = re.fullmatch(r"\s*(\d{4})\s*(?:[-–]\s*(\d{4}))?\s*", p)
        if m:
            years.update(range(int(m.group(1)), int(m.group(2) or m.group(1)) + 1))
    if not years:
        return
    status = _periods("year")
    partial = status.filter(pl.col("year").is_in(sorted(years)) & pl.col("partial"))
    for year, reason in partial.select("year", "partial_reason").iter_rows():
        typer.echo(f"note: {year} is a partial period ({reason})", err=True)


def _split(text: str | None) -> list[str] | None:
    if text is None:
        return None
    items = [t.strip() for t in text.split(",") if t.strip()]
    return items or None


def _states(text: str | None) -> list[str] | None:
    """Comma-separated states by any code or name (``India,SUN,643``), resolved by the registry's resolver."""
    from polycentric.registry.resolver import resolve_states

    items = _split(text)
    return resolve_states(items) if items else None


def _state(text: str) -> str:
    from polycentric.registry.resolver import resolve_states

    return resolve_states([text])[0]


def _reference(text: str) -> str:
    """A state or group (``USA``, ``Russia``, ``EU``, ``group:NAM``) as the measures take it."""
    from polycentric.registry.resolver import resolve_reference

    return resolve_reference(text)


def _group_ids(groups: list[str]) -> list[str]:
    from polycentric.registry.resolver import resolve_group

    return [resolve_group(g) for g in groups]


def _by(by: str) -> str | None:
    if by not in ("year", "session", "none"):
        raise ConfigurationError(f"--by {by!r}: expected year, session or none")
    return None if by == "none" else by


def _years(years: str | None, year: int | None = None) -> str | int | None:
    if year is not None and years is not None:
        raise ConfigurationError("give --year or --years, not both")
    return year if year is not None else years


def agreement_cmd(
    state_a: Annotated[str, typer.Argument(help="First state: any code or name (USA, India, SUN).")],
    state_b: Annotated[str, typer.Argument(help="Second state: any code or name (ISR, Russia).")],
    years: Annotated[Optional[str], typer.Option("--years", help=YEARS_HELP)] = None,
    index: Annotated[
        str, typer.Option("--index", help="simple, lijphart, s (Signorino–Ritter) or s_squared.")
    ] = "simple",
    by: Annotated[str, typer.Option("--by", help="year, session or none (pooled).")] = "year",
    absent: Annotated[
        str, typer.Option("--absent", help="exclude (default) or abstain: how X votes count.")
    ] = "exclude",
    body: Annotated[str, BODY_OPT] = "GA",
    fmt: FormatOpt = TableFormat.table,
    out: OutOpt = None,
    plot: Annotated[Optional[Path], PLOT_OPT] = None,
) -> None:
    """Agreement between two states per year, with the number of shared votes."""
    import polars as pl
    _check_plot(plot)
    from polycentric.measures.agreement import agreement

    state_a, state_b = _state(state_a), _state(state_b)
    df = agreement(_votes(body, years), state_a, state_b, index, by=_by(by), years=years, absent=absent,  # type: ignore[arg-type]
                   counts=_counts(body))  # fmt: skip
    df = _flag(df, _by(by), body, years)
    emit(df, fmt, out)
    if plot is not None and by != "none":
        from polycentric.measures.plots import plot_time_series

        plot_time_series(
            df.with_columns(pl.concat_str([pl.col("state_a"), pl.lit("–"), pl.col("state_b")]).alias("pair")),
            plot,
            x=by,
            hue=["pair", "index"],
            title=f"Agreement {state_a.upper()}–{state_b.upper()} ({index})",
            ylabel="agreement",
        )


def _matrix_states(text: str | None) -> list[str] | None:
    """States of a matrix: codes or names, and ``group:ID`` for a group's members today."""
    from polycentric.registry.groups import get_group
    from polycentric.registry.resolver import resolve

    items = _split(text)
    if not items:
        return None
    out: list[str] = []
    for item in items:
        hit = resolve(item)
        for sid in get_group(hit.id).states() if hit.kind == "group" else [hit.id]:
            if sid not in out:
                out.append(sid)
    return out


def agreement_matrix_cmd(
    states: Annotated[Optional[str], typer.Option("--states", help="Comma-separated states (default: all).")] = None,
    years: Annotated[Optional[str], typer.Option("--years", help=YEARS_HELP)] = None,
    index: Annotated[str, typer.Option("--index", help="simple, lijphart, s or s_squared.")] = "simple",
    min_shared: Annotated[int, typer.Option("--min-shared", help="Leave out pairs with fewer shared votes.")] = 1,
    body: Annotated[str, BODY_OPT] = "GA",
    fmt: FormatOpt = TableFormat.table,
    out: OutOpt = None,
    plot: Annotated[Optional[Path], PLOT_OPT] = None,
) -> None:
    """Pooled agreement of every pair of states, in one pass (long format; --plot draws the heatmap)."""
    import numpy as np
    _check_plot(plot)
    from polycentric.measures._common import filter_years
    from polycentric.measures.agreement import agreement_matrix

    chosen = _matrix_states(states)
    result = agreement_matrix(
        filter_years(_votes(body, years), years),
        index,  # type: ignore[arg-type]
        states=chosen,
    )
    emit(result.to_frame(index, min_shared=min_shared), fmt, out)
    if plot is not None:
        from polycentric.measures.plots import plot_heatmap

        plot_heatmap(
            result.states,
            result.states,
            np.where(result.n_shared >= min_shared, result.matrix, np.nan),
            plot,
            title=f"Agreement ({index}){' ' + years if years else ''}",
            vmin=-1.0 if index in ("s", "s_squared") else 0.0,
            vmax=1.0,
        )


def cohesion_cmd(
    groups: Annotated[list[str], typer.Argument(help="Group ids, e.g. NAM EU.")],
    years: Annotated[Optional[str], typer.Option("--years", help=YEARS_HELP)] = None,
    index: Annotated[
        str, typer.Option("--index", help="agreement (Hix–Noury–Roland, counts abstentions; default) or rice.")
    ] = "agreement",
    by: Annotated[str, typer.Option("--by", help="year, session or none (pooled).")] = "year",
    min_present: Annotated[
        int, typer.Option("--min-present", help="Least members voting for a roll call to count.")
    ] = 2,
    observers: Annotated[bool, typer.Option("--observers", help="Count observers as members.")] = False,
    body: Annotated[str, BODY_OPT] = "GA",
    fmt: FormatOpt = TableFormat.table,
    out: OutOpt = None,
    plot: Annotated[Optional[Path], PLOT_OPT] = None,
) -> None:
    """Cohesion of groups per year: the Hix–Noury–Roland agreement index (default) or the Rice index."""
    _check_plot(plot)
    from polycentric.measures.cohesion import cohesion

    df = cohesion(
        _votes(body, years),
        _group_ids(groups),
        years=years,
        index=index,  # type: ignore[arg-type]
        by=_by(by),
        min_present=min_present,
        include_observers=observers,
    )
    df = _flag(df, _by(by), body, years)
    emit(df, fmt, out)
    if plot is not None and by != "none":
        from polycentric.measures.plots import plot_time_series

        plot_time_series(df, plot, x=by, hue="group", title=f"Cohesion ({index})", ylabel=index, ylim=(0.0, 1.02))


def voice_cmd(
    groups: Annotated[list[str], typer.Argument(help="Group ids, e.g. NAM EU.")],
    years: Annotated[Optional[str], typer.Option("--years", help=YEARS_HELP)] = None,
    rule: Annotated[str, typer.Option("--rule", help="simple (Y > N) or two_thirds (Y >= 2/3 of Y + N).")] = "simple",
    by: Annotated[str, typer.Option("--by", help="year, session or none (pooled).")] = "year",
    body: Annotated[str, BODY_OPT] = "GA",
    fmt: FormatOpt = TableFormat.table,
    out: OutOpt = None,
    plot: Annotated[Optional[Path], PLOT_OPT] = None,
) -> None:
    """A group's voice: majority matched the outcome, share of votes cast, decisive roll calls."""
    _check_plot(plot)
    from polycentric.measures.voice import voice

    df = voice(_votes(body, years), _group_ids(groups), years=years, rule=rule, by=_by(by))  # type: ignore[arg-type]
    df = _flag(df, _by(by), body, years)
    emit(df, fmt, out)
    if plot is not None and by != "none":
        from polycentric.measures.plots import plot_time_series

        plot_time_series(
            df.rename({"match_rate": "value"}),
            plot,
            x=by,
            hue="group",
            title="Voice: majority on the winning side",
            ylabel="match rate",
            ylim=(0.0, 1.02),
        )


def alignment_cmd(
    with_: Annotated[
        Optional[str],
        typer.Option(
            "--with",
            help="Comma-separated references: states or group:ID (default USA,CHN,RUS,IND,BRA,group:EU,group:NAM).",
        ),
    ] = None,
    year: Annotated[Optional[int], typer.Option("--year", help="One year.")] = None,
    years: Annotated[Optional[str], typer.Option("--years", help=YEARS_HELP)] = None,
    states: Annotated[
        Optional[str], typer.Option("--states", help="Comma-separated states to list (default: all).")
    ] = None,
    index: Annotated[str, typer.Option("--index", help="simple, lijphart, s or s_squared.")] = "simple",
    sort: Annotated[
        Optional[str],
        typer.Option(
            "--sort",
            help="Sort by a column: value, n_shared, state, reference or year; '-value' sorts descending "
            "(default with --top: -value).",
        ),
    ] = None,
    top: Annotated[int, typer.Option("--top", help="Keep the first N rows after sorting (0: all).")] = 0,
    min_shared: Annotated[
        int, typer.Option("--min-shared", help="Leave out rows with fewer shared votes than this.")
    ] = 1,
    body: Annotated[str, BODY_OPT] = "GA",
    fmt: FormatOpt = TableFormat.table,
    out: OutOpt = None,
    plot: Annotated[Optional[Path], PLOT_OPT] = None,
) -> None:
    """Each state's agreement with reference states and group majorities, per year."""
    import polars as pl
    _check_plot(plot)
    from polycentric.measures.alignment import DEFAULT_REFERENCES, alignment, rank_alignment

    refs = [_reference(r) for r in _split(with_) or list(DEFAULT_REFERENCES)]
    chosen = _states(states)
    df = alignment(
        _votes(body, _years(years, year)),
        refs,
        index=index,  # type: ignore[arg-type]
        years=_years(years, year),
        states=chosen,
        counts=_counts(body),
    )
    df = _flag(df, "year", body, _years(years, year))
    df = rank_alignment(df, sort=sort if sort is not None else ("-value" if top else None), top=top, min_shared=min_shared)
    emit(df, fmt, out)
    if plot is not None:
        from polycentric.measures.plots import plot_heatmap, plot_time_series

        if chosen and df["year"].n_unique() > 1:
            plot_time_series(df, plot, hue=["state", "reference"], title=f"Alignment ({index})", ylabel="agreement")
        else:
            pooled = (
                df.group_by("state", "reference")
                .agg(pl.col("value").mean())
                .pivot("reference", index="state", values="value")
                .sort("state")
            )
            labels = [r.split(":", 1)[-1] for r in refs]
            cols = [c for c in labels if c in pooled.columns]
            plot_heatmap(
                pooled["state"].to_list(),
                cols,
                pooled.select(cols).to_numpy().astype(float),
                plot,
                title=f"Alignment ({index})",
                vmin=-1.0 if index in ("s", "s_squared") else 0.0,
                vmax=1.0,
            )


def neutrality_cmd(
    years: Annotated[Optional[str], typer.Option("--years", help=YEARS_HELP)] = None,
    states: Annotated[Optional[str], typer.Option("--states", help="Comma-separated states (default: all).")] = None,
    by: Annotated[str, typer.Option("--by", help="year, session or none (pooled).")] = "year",
    body: Annotated[str, BODY_OPT] = "GA",
    fmt: FormatOpt = TableFormat.table,
    out: OutOpt = None,
    plot: Annotated[Optional[Path], PLOT_OPT] = None,
) -> None:
    """Abstention and non-voting rates per state and year."""
    _check_plot(plot)
    from polycentric.measures.neutrality import neutrality

    chosen = _states(states)
    df = neutrality(_votes(body, years), by=_by(by), years=years, states=chosen)
    df = _flag(df, _by(by), body, years)
    emit(df, fmt, out)
    if plot is not None and by != "none":
        from polycentric.measures.plots import plot_time_series

        plot_time_series(
            df.rename({"abstention_rate": "value"}),
            plot,
            x=by,
            hue="state",
            title="Abstention rate",
            ylabel="abstentions / votes cast",
            ylim=(0.0, 1.0),
        )


def shifts_cmd(
    start: Annotated[
        str, typer.Option("--from", help="Earlier period: 2014, 2010-2014 or resolution symbols (A/RES/68/262).")
    ],
    end: Annotated[str, typer.Option("--to", help="Later period, same forms.")],
    reference: Annotated[str, typer.Option("--reference", help="Reference state or group:ID.")] = "USA",
    index: Annotated[str, typer.Option("--index", help="simple, lijphart, s or s_squared.")] = "simple",
    top: Annotated[int, typer.Option("--top", help="Show the N largest shifts (0: all).")] = 30,
    min_shared: Annotated[
        int,
        typer.Option(
            "--min-shared", help="Least shared votes in each period (e.g. 10 leaves out states seldom present)."
        ),
    ] = 1,
    body: Annotated[str, BODY_OPT] = "GA",
    fmt: FormatOpt = TableFormat.table,
    out: OutOpt = None,
    plot: Annotated[Optional[Path], PLOT_OPT] = None,
) -> None:
    """States whose alignment with a reference changed most between two periods, with the driving roll calls."""
    _check_plot(plot)
    from polycentric.measures.shifts import shifts

    reference = _reference(reference)
    df = shifts(_votes(body), start, end, reference=reference, index=index, min_shared=min_shared)  # type: ignore[arg-type]
    if top > 0:
        df = df.head(top)
    emit(df, fmt, out)
    _note_partial_years(start, end)
    if plot is not None:
        from polycentric.measures.plots import plot_bars

        plot_bars(
            df["state"].to_list(),
            df["change"].to_list(),
            plot,
            title=f"Change in agreement with {reference}: {start} → {end}",
            xlabel=f"change ({index})",
        )


def series_cmd(
    search: Annotated[
        Optional[str], typer.Argument(help="Words of the title, or a known series slug (see --list).")
    ] = None,
    switchers: Annotated[bool, typer.Option("--switchers", help="List the states that switched instead.")] = False,
    threshold: Annotated[
        float, typer.Option("--threshold", help="Share of the search's words a title must contain.")
    ] = 0.85,
    list_: Annotated[bool, typer.Option("--list", help="List the known series slugs and exit.")] = False,
    fmt: FormatOpt = TableFormat.table,
    out: OutOpt = None,
    plot: Annotated[Optional[Path], PLOT_OPT] = None,
) -> None:
    """A recurring resolution's vote history per year (or its switchers)."""
    import polars as pl
    _check_plot(plot)
    from polycentric.measures.series import KNOWN_SERIES, series_switchers, series_table

    if list_:
        emit(pl.DataFrame({"slug": list(KNOWN_SERIES), "label": [s.label for s in KNOWN_SERIES.values()]}), fmt, out)
        return
    if search is None or not search.strip():
        raise ConfigurationError("give words of a title or a known series slug (polycentric series --list)")
    votes, roll_calls = _votes(), _roll_calls()
    if switchers:
        df = series_switchers(roll_calls, votes, search, threshold=threshold)
    else:
        df = series_table(roll_calls, votes, search, threshold=threshold)
    emit(df, fmt, out)
    if plot is not None:
        from polycentric.measures.plots import plot_series_history
        from polycentric.measures.series import series_history

        hist = series_history(roll_calls, votes, search, threshold=threshold)
        label = KNOWN_SERIES[search].label if search in KNOWN_SERIES else search
        plot_series_history(hist, plot, title=label)


COMMANDS: dict[str, Callable[..., Any]] = {
    "agreement": agreement_cmd,
    "agreement-matrix": agreement_matrix_cmd,
    "cohesion": cohesion_cmd,
    "voice": voice_cmd,
    "alignment": alignment_cmd,
    "neutrality": neutrality_cmd,
    "shifts": shifts_cmd,
    "series": series_cmd,
}
"""This module's commands, by name."""


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    register_commands(app, COMMANDS)
