import subprocess
import sys

import polycentric
from polycentric import errors


def test_version_and_all():
    assert polycentric.__version__ == "0.1.0"
    assert "open" in polycentric.__all__


def test_input_format_error_names_file_line_field():
    exc = errors.InputFormatError("unknown vote code 'Q'", path="votes.csv", line=7, field="ms_vote")
    assert str(exc) == "votes.csv, line 7, field 'ms_vote': unknown vote code 'Q'"
    assert isinstance(exc, errors.SourceError) and isinstance(exc, errors.PolycentricError)


def test_cli_help_runs():
    out = subprocess.run([sys.executable, "-m", "polycentric", "--help"], capture_output=True, text=True)
    assert out.returncode == 0
    assert "polycentric" in out.stdout


def test_main_returns_exit_code_of_typer_exit():
    import typer

    from polycentric.cli.main import app, main

    @app.command("_exit-probe", hidden=True)
    def _probe() -> None:
        raise typer.Exit(3)

    assert main(["_exit-probe"]) == 3


def test_every_public_name_resolves():
    for name in polycentric.__all__:
        assert getattr(polycentric, name) is not None, name
