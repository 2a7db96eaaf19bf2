"""CLI commands: ``idealpoints fit``, ``idealpoints show`` and ``polarity``.

Dependency rule: a thin shell; logic lives in :mod:`polycentric.models.idealpoints`
and :mod:`polycentric.models.polarity`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from polycentric.cli.options import FormatOpt, OutOpt
from polycentric.cli.output import TableFormat, emit
from polycentric.errors import ConfigurationError, NotFittedError

if TYPE_CHECKING:
    import polars as pl

idealpoints_app = typer.Typer(
    help="Dynamic ordinal ideal points of states (Bailey, Strezhnev & Voeten 2017).", no_args_is_help=True
)


def _fit_folder(dims: int, issue: str | None) -> Path:
    from polycentric.models.saved import idealpoints_folder

    return idealpoints_folder(None, dims, issue)


def _record_frames() -> tuple[pl.DataFrame, pl.DataFrame]:
    from polycentric.cli.record import coverage_line
    from polycentric.measures.plots import CHART_COVERAGE
    from polycentric.record.store import open_record

    record = open_record()
    CHART_COVERAGE.set(coverage_line(record))
    return record.votes(body="GA"), record.roll_calls(body="GA")


def _fit(dims: int, issue: str | None, random_walk_sd: float | None, item_draws: int = 0) -> Path:
    from polycentric.cli.progress import working
    from polycentric.models.idealpoints import IdealPointModel

    with working("reading the record"):
        votes, roll_calls = _record_frames()
    model = IdealPointModel(
        dims=dims,  # type: ignore[arg-type]
        issue=issue,
        random_walk_sd=random_walk_sd,
        item_draws=item_draws,
        random_state=0,
    )
    with working(f"fitting {dims}-D ideal points on {votes.height:,} votes"):
        model.fit(votes, roll_calls)
        folder = model.save(_fit_folder(dims, issue))
    typer.echo(
        f"fitted {model.ideal_points_.height} state-sessions from {model.n_votes_} votes "
        f"in {model.fit_seconds_:.1f} s ({model.n_iter_} sweeps, converged={model.converged_}); saved to {folder}",
        err=True,
    )
    return folder


def _load_or_fit(dims: int, issue: str | None) -> tuple[pl.DataFrame, dict[str, Any]]:
    """The saved fit's ``(ideal_points, meta)`` (read with :func:`polycentric.models.saved.load_ideal_points`:
    the estimator is not imported), fitted and saved first when the home holds none."""
    from polycentric.models.saved import load_ideal_points

    try:
        return load_ideal_points(None, dims, issue)
    except NotFittedError:
        typer.echo("no saved fit: fitting now (polycentric idealpoints fit)", err=True)
        _fit(dims, issue, 0.35)
        return load_ideal_points(None, dims, issue)


@idealpoints_app.command("fit")
def fit_command(
    dims: Annotated[int, typer.Option("--dims", min=1, max=2, help="Number of dimensions (1 or 2).")] = 1,
    issue: Annotated[Optional[str], typer.Option("--issue", help="Issue code: me, nu, di, hr, co, ec.")] = None,
    random_walk_sd: Annotated[
        Optional[float], typer.Option("--random-walk-sd", help="Random-walk sd per session (default 0.35).")
    ] = 0.35,
    item_draws: Annotated[
        int,
        typer.Option(
            "--item-draws",
            min=0,
            help="Draws of the item parameters added to the intervals (0: Laplace given the items).",
        ),
    ] = 0,
) -> None:
    """Fit the dynamic ordinal model to the record and save it in the home folder."""
    _fit(dims, issue, random_walk_sd, item_draws)


@idealpoints_app.command("show")
def show_command(
    state: Annotated[
        Optional[str], typer.Option("--state", help="A state (ISO3 or name); all states when omitted.")
    ] = None,
    dims: Annotated[int, typer.Option("--dims", min=1, max=2)] = 1,
    issue: Annotated[Optional[str], typer.Option("--issue")] = None,
    years: Annotated[Optional[str], typer.Option("--years", help="YEAR or FROM-TO.")] = None,
    fmt: FormatOpt = TableFormat.table,
    out: OutOpt = None,
    plot: Annotated[
        Optional[Path], typer.Option("--plot", help="Also draw the series to FILE (png, svg, pdf).")
    ] = None,
) -> None:
    """Ideal points, one row per state and session: state, session, year, ideal_point, lower, upper."""
    import polars as pl

    from polycentric.symbols import parse_years
    ideal_points, _ = _load_or_fit(dims, issue)
    if state is not None:
        from polycentric.registry.resolver import resolve_states

        ideal_points = ideal_points.filter(pl.col("state") == resolve_states([state])[0])
    span = parse_years(years) if years is not None else None
    if span is not None:
        ideal_points = ideal_points.filter(pl.col("year").is_between(*span))
    cols = ["state", "session", "year"]
    for suffix in ("", "_2") if dims == 2 else ("",):
        cols += [f"ideal_point{suffix}", f"lower{suffix}", f"upper{suffix}"]
    shown = ideal_points.select(cols).sort("state", "session")
    emit(shown, fmt, out)
    if plot is not None:
        _plot_ideal_points(shown, plot)


@idealpoints_app.command("change")
def change_command(
    state: Annotated[str, typer.Option("--state", help="A state (ISO3 or name).")],
    from_session: Annotated[int, typer.Option("--from", help="First session (number).")],
    to_session: Annotated[int, typer.Option("--to", help="Second session (number).")],
    fmt: FormatOpt = TableFormat.table,
    out: OutOpt = None,
) -> None:
    """A state's change of ideal point between two sessions, with an interval from joint posterior draws."""
    import polars as pl

    from polycentric.models._change import state_change
    from polycentric.states import resolve_state

    ideal_points, meta = _load_or_fit(1, None)
    if "cov_prev" not in ideal_points.columns:
        typer.echo("the saved fit predates joint intervals: refitting (polycentric idealpoints fit)", err=True)
        _fit(1, None, 0.35)
        ideal_points, meta = _load_or_fit(1, None)
    result = state_change(
        ideal_points,
        resolve_state(state),
        from_session,
        to_session,
        random_walk_sd=float(meta["random_walk_sd_"]),
        interval=float(meta["params"]["interval"]),
    )
    emit(pl.DataFrame([result]), fmt, out)


def _plot_ideal_points(df: pl.DataFrame, path: Path) -> None:
    import matplotlib
    import polars as pl

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 5))
    states = df["state"].unique().sort().to_list()
    for st in states:
        s = df.filter(pl.col("state") == st).sort("year")
        x = s["year"].to_numpy()
        if len(states) <= 12:
            ax.fill_between(x, s["lower"].to_numpy(), s["upper"].to_numpy(), alpha=0.2)
            ax.plot(x, s["ideal_point"].to_numpy(), label=st)
        else:
            ax.plot(x, s["ideal_point"].to_numpy(), color="0.5", alpha=0.3, linewidth=0.7)
    if len(states) <= 12:
        ax.legend()
    ax.set_xlabel("year")
    ax.set_ylabel("ideal point (90% interval)")
    ax.set_title("UN General Assembly ideal points (Bailey, Strezhnev & Voeten 2017 model)")
    fig.tight_layout()
    from polycentric.measures.plots import publication_footer

    publication_footer(fig)
    fig.savefig(path)
    plt.close(fig)
    typer.echo(f"chart written to {path}", err=True)


def polarity_command(
    years: Annotated[Optional[str], typer.Option("--years", help="YEAR or FROM-TO (default: all).")] = None,
    method: Annotated[str, typer.Option("--method", help="ideal_points, network or both.")] = "both",
    alpha: Annotated[float, typer.Option("--alpha", help="Esteban–Ray alpha (0 to 1.6).")] = 1.6,
    poles: Annotated[bool, typer.Option("--poles", help="List the poles and their leading members instead.")] = False,
    fmt: FormatOpt = TableFormat.table,
    out: OutOpt = None,
    plot: Annotated[Optional[Path], typer.Option("--plot", help="Draw the series to FILE.")] = None,
    range_only: Annotated[
        bool,
        typer.Option(
            "--range-only",
            help="Compute the reading over the --years sessions alone (seconds to a minute) instead of showing "
            "the whole history's rows for them.",
        ),
    ] = False,
) -> None:
    """Poles, effective number of poles and Esteban–Ray polarization per session.

    With the default --alpha the reading stored by `polycentric build` is shown at once; --years keeps its
    rows of those years (the rows the HTTP API and the dashboard show). With --range-only (or another
    --alpha) the reading is computed over the --years sessions alone: the network reading gives the same
    rows (each session's network stands alone), the ideal-point reading may differ at the range's edges,
    because its pole counts draw on neighbouring and earlier sessions.
    """
    import polars as pl

    from polycentric.symbols import parse_years

    methods: tuple[str, ...] = ("ideal_points", "network") if method == "both" else (method,)
    if any(m not in ("ideal_points", "network") for m in methods):
        raise ConfigurationError(f"--method must be ideal_points, network or both, not {method!r}")
    if range_only and years is None:
        raise ConfigurationError("--range-only needs --years (the range to compute the reading over)")
    ideal_points, _ = _load_or_fit(1, None)
    span = parse_years(years) if years is not None else None
    sessions = None
    if span is not None:
        sessions = ideal_points.filter(pl.col("year").is_between(*span))["session"].unique().to_list()
        if not sessions:
            from polycentric.errors import InsufficientDataError

            raise InsufficientDataError(f"no session of the saved ideal points lies in {years}")
    from polycentric.cli.progress import working
    from polycentric.models.saved import load_polarity, slice_network_polarity

    def votes() -> pl.DataFrame:
        return _record_frames()[0]

    with working(f"polarity per session ({', '.join(methods)})") as say:
        if alpha == 1.6 and not range_only:  # the stored reading (the load-or-fit cache `build` fills), its rows
            series, pole_table, _ = load_polarity(None, methods, votes)
            if sessions is not None:
                keep = pl.col("session").is_in(sorted(sessions))
                series, pole_table = series.filter(keep), pole_table.filter(keep)
        else:
            series_parts, pole_parts = [], []
            rest = methods
            if alpha == 1.6 and "network" in methods and sessions is not None:
                stored_series, stored_poles, _ = load_polarity(None, ("network",), votes)
                part = slice_network_polarity(stored_series, stored_poles, sessions)
                series_parts.append(part[0])
                pole_parts.append(part[1])
                rest = tuple(m for m in methods if m != "network")
            if rest:
                from polycentric.models.polarity import polarity

                say(f"computing polarity per session ({', '.join(rest)})")
                result = polarity(
                    ideal_points, votes() if "network" in rest else None, methods=rest, sessions=sessions, alpha=alpha
                )
                series_parts.append(result.series)
                pole_parts.append(result.poles)
            series = pl.concat(series_parts, how="vertical_relaxed").sort("method", "session")
            pole_table = pl.concat(pole_parts, how="vertical_relaxed").sort("method", "session", "pole")
    from polycentric.cli.measures import _flag
    from polycentric.errors import RecordNotBuiltError

    try:  # the record's partial sessions (a home holding a saved fit but no record has no flags to give)
        series = _flag(series, "session")
    except RecordNotBuiltError:
        pass
    if poles:
        emit(pole_table.drop("members"), fmt, out)
    else:
        emit(series, fmt, out)
    if plot is not None:
        from polycentric.models.polarity import plot_polarity

        plot_polarity(series, plot)
        print(f"chart written to {plot}", file=sys.stderr)


def register(app: typer.Typer) -> None:
    """Add ``idealpoints`` and ``polarity`` to the root app."""
    app.add_typer(idealpoints_app, name="idealpoints")
    app.command("polarity")(polarity_command)
