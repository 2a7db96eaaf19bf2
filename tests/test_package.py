import subprocess
import sys

import polycentric
from polycentric import errors


def test_version_and_all():
    import tomllib
    from pathlib import Path

    pyproject = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    assert polycentric.__version__ == pyproject["project"]["version"]  # one version source
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


def test_usage_error_is_one_message_not_a_traceback(capsys):
    from polycentric.cli.main import main

    rc = main(["agreement"])
    err = capsys.readouterr().err
    assert rc == 2
    assert "Missing" in err and "Traceback" not in err


def test_unknown_state_exits_2_with_message(capsys, tmp_path, monkeypatch):
    from polycentric.cli.main import main

    monkeypatch.setenv("POLYCENTRIC_HOME", str(tmp_path))
    rc = main(["state", "NOT-A-STATE"])
    err = capsys.readouterr().err
    assert rc == 2
    assert err.startswith("error: ") and "NOT-A-STATE" in err


def test_home_option_does_not_leak_into_the_environment(tmp_path, monkeypatch, capsys):
    import os

    from polycentric.cli.main import main

    monkeypatch.delenv("POLYCENTRIC_HOME", raising=False)
    main(["--home", str(tmp_path), "groups", "list", "--format", "csv"])
    capsys.readouterr()
    assert "POLYCENTRIC_HOME" not in os.environ
    monkeypatch.setenv("POLYCENTRIC_HOME", "/somewhere/else")
    main(["--home", str(tmp_path), "groups", "list", "--format", "csv"])
    assert os.environ["POLYCENTRIC_HOME"] == "/somewhere/else"
