"""CLI commands of the web area: ``polycentric serve`` and ``polycentric report ...``.

Dependency rule: a thin shell; logic lives in the library (``polycentric.api``,
``polycentric.report``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Optional

import typer

report_app = typer.Typer(help="Write a self-contained HTML brief (opens without a server).", no_args_is_help=True)

OutOption = Annotated[Optional[Path], typer.Option("--out", "-o", help="HTML file to write (default: a name in .).")]


def serve(
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = 8000,
) -> None:
    """Serve the HTTP API and the dashboard from the embedded record (open http://HOST:PORT/).

    The server answers at once; what ``polycentric build`` stored (the record's tables, models, pair counts) is
    loaded in the background as it starts, and the dashboard's default answers are read from disk. Bodies over
    1 MiB get 413, stalled bodies 408, answers slower than 60 s 503.
    """
    import uvicorn

    from polycentric.api import create_app

    typer.echo(f"polycentric: dashboard at http://{host}:{port}/  API docs at http://{host}:{port}/api/docs", err=True)
    uvicorn.run(
        create_app(warm=True),
        host=host,
        port=port,
        log_level="warning",
        timeout_keep_alive=5,  # idle keep-alive connections close after 5 s
        limit_concurrency=256,  # connections beyond get 503 at once instead of queueing without bound
        h11_max_incomplete_event_size=64 * 1024,  # request line and headers: 64 KiB at most
    )


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")


def _write(html: str, out: Path | None, default: str) -> None:
    from polycentric.report import write_brief

    path = write_brief(html, out if out is not None else Path(default))
    typer.echo(str(path))


@report_app.command("rollcall")
def report_rollcall(
    symbol: Annotated[str, typer.Argument(help="Resolution symbol, e.g. A/RES/ES-11/1 or R/68/262.")],
    out: OutOption = None,
) -> None:
    """A brief on the vote on one resolution: tally, states by vote, group breakdown."""
    import polycentric
    from polycentric.report import rollcall_brief

    _write(rollcall_brief(polycentric.open(), symbol), out, f"report-rollcall-{_slug(symbol)}.html")


@report_app.command("state")
def report_state(
    state: Annotated[str, typer.Argument(help="State code or name, e.g. RUS.")],
    years: Annotated[Optional[str], typer.Option("--years", help="Years, e.g. 2014-2023.")] = None,
    out: OutOption = None,
) -> None:
    """A brief on one state's votes (and alignment and ideal points where available)."""
    import polycentric
    from polycentric.report import state_brief
    from polycentric.symbols import parse_years

    span = parse_years(years) if years is not None else None
    suffix = f"-{span[0]}-{span[1]}" if span else ""
    _write(state_brief(polycentric.open(), state, years=span), out, f"report-state-{_slug(state)}{suffix}.html")


@report_app.command("group")
def report_group(
    group: Annotated[str, typer.Argument(help="Group id, alias or name, e.g. NAM.")],
    date: Annotated[Optional[str], typer.Option("--date", help="Day of the member list (YYYY-MM-DD).")] = None,
    out: OutOption = None,
) -> None:
    """A brief on one group: membership over time, members on a date, sources."""
    import polycentric
    from polycentric.report import group_brief
    from polycentric.symbols import as_date

    day = as_date(date) if date else None
    _write(group_brief(polycentric.open(), group, date=day), out, f"report-group-{_slug(group)}.html")


@report_app.command("practices")
def report_practices(
    state: Annotated[str, typer.Argument(help="State code or name, e.g. IND, India, SUN.")],
    year: Annotated[int, typer.Option("--year", help="The year of the votes.")],
    with_: Annotated[
        Optional[str],
        typer.Option("--with", help="Comma-separated references: states or group:ID (default USA,CHN,RUS,IND,BRA,ZAF,EU,NAM)."),
    ] = None,
    csv_dir: Annotated[
        Optional[Path], typer.Option("--csv-dir", help="Also write every table as CSV (with CSVW metadata) here.")
    ] = None,
    out: OutOption = None,
) -> None:
    """"Voting practices" of any state in a year: coincidence overall, on important votes, by issue; groups; SC."""
    import polycentric
    from polycentric.cli.progress import working
    from polycentric.report.practices import practices_brief, practices_tables

    record = polycentric.open()
    refs = [r.strip() for r in with_.split(",") if r.strip()] if with_ else None
    with working(f"voting practices of {state} in {year}"):
        html = practices_brief(record, state, year, references=refs)
    _write(html, out, f"report-practices-{_slug(state)}-{year}.html")
    if csv_dir is not None:
        from polycentric.cli.output import write_csv_with_metadata

        for name, table in practices_tables(record, state, year, references=refs).items():
            if table.height:
                path = write_csv_with_metadata(table, csv_dir / f"practices-{_slug(state)}-{year}-{name}.csv")
                typer.echo(str(path))


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command("serve")(serve)
    app.add_typer(report_app, name="report")
