"""CLI commands: ``polycentric groups list | show | add | remove``.

Dependency rule: a thin shell; logic lives in :mod:`polycentric.registry.groups`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from polycentric.cli.options import FormatOpt, OutOpt
from polycentric.cli.output import TableFormat, emit

groups_app = typer.Typer(
    name="groups",
    help="Groups of states with dated memberships (NAM, G77, EU, UN regional groups, your own...).",
    no_args_is_help=True,
)



@groups_app.command("list")
def list_cmd(
    kind: Annotated[
        Optional[str],
        typer.Option(
            "--kind", help="Only this kind: organisation, negotiating-group, regional-group, format, initiative, user."
        ),
    ] = None,
    date: Annotated[
        Optional[str], typer.Option("--date", help="Count members on this day (YYYY-MM-DD; default today).")
    ] = None,
    fmt: FormatOpt = TableFormat.table,
    out: OutOpt = None,
) -> None:
    """List every group (built-in and your own) with its size."""
    from polycentric.registry.groups import list_groups

    df = list_groups(kind, date=date)
    if getattr(fmt, "value", fmt) == "table":
        df = df.select("id", "name", "kind", "origin", "n_members", "n_observers", "since")
    emit(df, fmt, out)


@groups_app.command("show")
def show_cmd(
    group: Annotated[str, typer.Argument(help="Group id or alias (NAM, G-77, EU, WEOG, ...).")],
    date: Annotated[
        Optional[str], typer.Option("--date", help="Membership on this day (YYYY-MM-DD; default today).")
    ] = None,
    observers: Annotated[
        bool, typer.Option("--observers/--no-observers", help="Also list observers (and other non-member statuses).")
    ] = True,
    history: Annotated[bool, typer.Option("--history", help="Every spell of the group, ignoring --date.")] = False,
    fmt: FormatOpt = TableFormat.table,
    out: OutOpt = None,
) -> None:
    """The states in a group on a date: state, state_name, status, joined, left."""
    from polycentric.registry.groups import get_group

    g = get_group(group)
    if history:
        df = g.history()
    else:
        df = g.members(date, statuses=None if observers else ("member",))
    if getattr(fmt, "value", fmt) == "table":
        df = df.select("state", "state_name", "status", "joined", "left", "uncertain")
        when = "all dates" if history else (f"on {date}" if date else "today")
        counts = df["status"].value_counts(sort=True)
        summary = ", ".join(f"{n} {s}" for s, n in counts.iter_rows())
        typer.echo(f"{g.id}: {g.name} ({when}): {summary or 'no states'}", err=out is None)
    emit(df, fmt, out, max_rows=None)


@groups_app.command("add")
def add_cmd(
    file: Annotated[Path, typer.Argument(help="CSV (group,state[,status,joined,left,...]) or JSON file of groups.")],
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace user groups with the same ids.")] = False,
    fmt: FormatOpt = TableFormat.table,
    out: OutOpt = None,
) -> None:
    """Add your own groups from a file; they are stored in the home folder and listed with the built-ins."""
    import polars as pl

    from polycentric.registry.groups import load_groups_file

    added = load_groups_file(file, overwrite=overwrite)
    df = pl.DataFrame(
        {
            "id": [g.id for g in added],
            "name": [g.name for g in added],
            "n_states": [g.membership["state"].n_unique() for g in added],
            "n_spells": [g.membership.height for g in added],
        },
        schema={"id": pl.String, "name": pl.String, "n_states": pl.Int64, "n_spells": pl.Int64},
    )
    emit(df, fmt, out)


@groups_app.command("remove")
def remove_cmd(group: Annotated[str, typer.Argument(help="Id of a user-defined group.")]) -> None:
    """Delete one of your own groups."""
    from polycentric.registry.groups import remove_group

    remove_group(group)
    typer.echo(f"removed {group}")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.add_typer(groups_app, name="groups")
