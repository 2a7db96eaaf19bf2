"""The ``polycentric`` command: a thin shell over the library.

Each command group lives in its own module with a ``register(app)`` function;
this module only assembles them, sets the home directory and turns
:class:`~polycentric.errors.PolycentricError` into a one-line message and a
non-zero exit code (2 for bad input, 1 otherwise).

Start-up: a command imports only what it needs. :data:`COMMAND_MODULES` names the module
of each top-level command, so ``polycentric votes ...`` builds a command line holding that
module's commands only (typer inspects every registered function's signature when it builds
the command line; the full ``app``, with every module, is assembled for ``--help``, an unknown
command, shell completion, and on first access to :data:`app`). The modules import
polars, numpy and the library inside the commands, never at import time.

Dependency rule: cli modules may import anything in polycentric; nothing in
polycentric imports cli.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Optional

import typer

from polycentric.errors import PolycentricError, exit_code


def _new_app() -> typer.Typer:
    return typer.Typer(
        name="polycentric",
        help="The UN voting record as a measurable model of the international system.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=True,
    )


def _show_version(value: bool) -> None:
    if value:
        from polycentric import __version__

        typer.echo(f"polycentric {__version__}")
        raise typer.Exit(0)


def _root(
    ctx: typer.Context,
    home: Annotated[
        Optional[Path],
        typer.Option("--home", help="Folder of the record (default: $POLYCENTRIC_HOME or the user data dir)."),
    ] = None,
    data: Annotated[
        Optional[Path],
        typer.Option("--data", help="Folder of local source files (default: $POLYCENTRIC_DATA or ../shared/data)."),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_show_version, is_eager=True, help="Print polycentric's version and exit."),
    ] = False,
    raw: Annotated[
        bool,
        typer.Option(
            "--raw",
            help="Write CSV cells as stored: do not neutralise cells starting with = + - @, TAB or CR "
            "(by default they get a leading ' so a spreadsheet shows them as text).",
        ),
    ] = False,
) -> None:
    """polycentric: UN General Assembly votes, groups, measures, ideal points and forecasts."""
    # --home/--data apply to this invocation only: set for the commands, restored on exit
    # (so a program or test that calls the CLI twice does not inherit the first call's home)
    for name, value in (("POLYCENTRIC_HOME", home), ("POLYCENTRIC_DATA", data), ("POLYCENTRIC_CSV_RAW", raw or None)):
        if value is None:
            continue
        previous = os.environ.get(name)
        os.environ[name] = str(value)
        ctx.call_on_close(_restore_env(name, previous))


def _restore_env(name: str, previous: str | None) -> Callable[[], None]:
    def restore() -> None:
        if previous is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = previous

    return restore


MODULES: tuple[str, ...] = ("record", "sync", "groups", "measures", "idealpoints", "forecast", "web")
"""The modules of :mod:`polycentric.cli` holding commands, in the order ``--help`` lists them."""

COMMAND_MODULES: dict[str, str] = {
    **dict.fromkeys(("build", "ingest", "check", "coverage", "rollcalls", "votes", "state"), "record"),
    "sync": "sync",
    "groups": "groups",
    **dict.fromkeys(
        ("agreement", "agreement-matrix", "cohesion", "voice", "alignment", "neutrality", "shifts", "series"),
        "measures",
    ),
    "idealpoints": "idealpoints",
    "polarity": "idealpoints",
    "forecast": "forecast",
    "backtest": "forecast",
    "serve": "web",
    "report": "web",
}
"""Top-level command -> the module of :mod:`polycentric.cli` that registers it (``tests/cli`` checks it
against the full app)."""

_ROOT_VALUE_OPTIONS = ("--home", "--data")


def build_app(modules: tuple[str, ...] = MODULES) -> typer.Typer:
    """A ``polycentric`` command line with the root options and the commands of ``modules``."""
    import importlib

    new = _new_app()
    new.callback()(_root)
    for name in modules:
        importlib.import_module(f"polycentric.cli.{name}").register(new)
    return new


def __getattr__(name: str) -> typer.Typer:
    """``app``: the full command line (every module), assembled on first access."""
    if name == "app":
        full = build_app()
        globals()["app"] = full
        return full
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _command_of(argv: list[str]) -> str | None:
    """The top-level command named in ``argv`` (after the root options), or None."""
    skip = False
    for token in argv:
        if skip:
            skip = False
            continue
        if token in _ROOT_VALUE_OPTIONS:
            skip = True
            continue
        if token.startswith("-"):
            continue
        return token
    return None


def _app_for(argv: list[str]) -> typer.Typer:
    """The full ``app`` when it exists already (a caller registered or replaced commands), or is needed
    (``--help``, an unknown command, shell completion); else one holding only the named command's module."""
    full = globals().get("app")
    if full is not None:
        return full  # type: ignore[no-any-return]
    module = COMMAND_MODULES.get(_command_of(argv) or "")
    if module is None or "_POLYCENTRIC_COMPLETE" in os.environ:
        return __getattr__("app")
    return build_app((module,))


def _is_usage_error(exc: BaseException) -> bool:
    """True for click's own usage errors (missing argument, bad option), in either click copy."""
    classes: list[type] = []
    try:
        from typer._click.exceptions import ClickException as _TyperClickException  # typer >= 0.2x bundles click

        classes.append(_TyperClickException)
    except ImportError:  # pragma: no cover - older typer uses click itself
        pass
    import click

    classes.append(click.exceptions.ClickException)
    return isinstance(exc, tuple(classes))


def _show_notices() -> None:
    """Print the store's notices (a repaired pointer, a wait for the writer lock) as one ``note:`` line each."""
    import warnings

    from polycentric.record._versions import StoreNotice

    default = warnings.showwarning
    if getattr(default, "_polycentric", False):
        return

    def show(message, category, filename, lineno, file=None, line=None):  # type: ignore[no-untyped-def]
        if issubclass(category, StoreNotice):
            typer.echo(f"note: {message}", err=True)
        else:
            default(message, category, filename, lineno, file, line)

    show._polycentric = True  # type: ignore[attr-defined]
    warnings.showwarning = show
    warnings.simplefilter("always", StoreNotice)


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the CLI and map library errors to exit codes."""
    _show_notices()
    args = sys.argv[1:] if argv is None else argv
    try:
        # standalone_mode=False: click returns a command's exit code (typer.Exit) instead of exiting
        result = _app_for(args)(args=args, standalone_mode=False)
    except PolycentricError as exc:
        typer.echo(f"error: {exc}", err=True)
        return exit_code(exc)  # one table for every shell: polycentric.errors.ERROR_TABLE
    except typer.Exit as exc:
        return int(exc.exit_code or 0)
    except typer.Abort:
        typer.echo("aborted", err=True)
        return 1
    except Exception as exc:  # usage errors: typer bundles its own copy of click
        if _is_usage_error(exc):
            exc.show()  # type: ignore[attr-defined]
            return int(exc.exit_code)  # type: ignore[attr-defined]
        raise
    return result if isinstance(result, int) else 0


def run() -> None:  # console_scripts entry point
    sys.exit(main())
