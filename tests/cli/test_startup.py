"""Issue 14 (point 5): a command imports only what it needs, and the command line it builds is the full one's.

No timings here (benchmarks/cli.py measures them): these tests check the import discipline that makes
start-up fast, in fresh interpreters, and that the per-command command line equals the full one.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import typer

from polycentric.cli import main as cli_main


def _modules_after(code: str) -> set[str]:
    """The modules a fresh interpreter holds after running ``code``."""
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_help_imports_no_data_library() -> None:
    loaded = _modules_after("from polycentric.cli.main import main\nassert main(['--help']) == 0")
    for heavy in ("polars", "numpy", "scipy", "sklearn", "matplotlib", "fastapi", "pyarrow", "pandas"):
        assert heavy not in loaded, heavy
    assert {f"polycentric.cli.{m}" for m in cli_main.MODULES} <= loaded  # --help lists every module's commands


def test_a_command_imports_only_its_module() -> None:
    loaded = _modules_after(
        "from polycentric.cli.main import main\nassert main(['groups', 'list', '--format', 'csv']) == 0"
    )
    assert "polycentric.cli.groups" in loaded
    others = {f"polycentric.cli.{m}" for m in cli_main.MODULES} - {"polycentric.cli.groups"}
    assert not others & loaded
    for heavy in ("scipy", "sklearn", "matplotlib", "fastapi", "pandas"):
        assert heavy not in loaded, heavy


def test_import_polycentric_is_light() -> None:
    loaded = _modules_after("import polycentric")
    assert "polars" not in loaded and "importlib.metadata" not in loaded


def _names(app: typer.Typer) -> dict[str, str]:
    """Top-level command -> the module of its function (groups: of their commands)."""
    out = {c.name or "": c.callback.__module__ for c in app.registered_commands if c.callback is not None}
    for group in app.registered_groups:
        commands = group.typer_instance.registered_commands if group.typer_instance else []
        out[group.name or ""] = next(c.callback.__module__ for c in commands if c.callback is not None)
    return out


def test_the_command_table_names_every_command_of_the_full_app() -> None:
    full = _names(cli_main.build_app())
    assert {name: f"polycentric.cli.{m}" for name, m in cli_main.COMMAND_MODULES.items()} == full


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        (["votes", "--year", "2022"], "votes"),
        (["--home", "/tmp/h", "--raw", "cohesion", "NAM"], "cohesion"),
        (["--data", "d", "idealpoints", "show"], "idealpoints"),
        (["--help"], None),
        ([], None),
    ],
)
def test_the_command_is_found_after_the_root_options(argv: list[str], command: str | None) -> None:
    assert cli_main._command_of(argv) == command


def test_one_module_app_has_that_modules_commands_and_the_same_help() -> None:
    import typer.main

    part = typer.main.get_command(cli_main.build_app(("measures",)))
    full = typer.main.get_command(cli_main.build_app())
    assert set(part.commands) == {n for n, m in cli_main.COMMAND_MODULES.items() if m == "measures"}  # type: ignore[attr-defined]
    for name in part.commands:  # type: ignore[attr-defined]
        a, b = part.commands[name], full.commands[name]  # type: ignore[attr-defined]
        assert a.help == b.help
        assert [p.name for p in a.params] == [p.name for p in b.params]
    assert [p.name for p in part.params] == [p.name for p in full.params]  # the root options (--home, ...)
