"""Every job over a second shows a Rich progress display (on a terminal), and nothing on stdout."""

from __future__ import annotations

import io

from rich.console import Console

from polycentric.cli import progress


def test_working_draws_a_spinner_with_the_description(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    buf = io.StringIO()
    real = progress.progress_bar

    def on_a_terminal(*, steps: bool = True):  # type: ignore[no-untyped-def]
        return real(steps=steps, console=Console(file=buf, force_terminal=True, width=100))

    monkeypatch.setattr(progress, "progress_bar", on_a_terminal)
    monkeypatch.setattr(progress, "_plain_stderr", lambda: False)  # as on a terminal
    with progress.working("fitting ideal points") as say:
        say("fitting session 77")
    text = buf.getvalue()
    assert "fitting" in text and "0:00:0" in text  # description and elapsed time were drawn


def test_nothing_is_drawn_on_a_non_terminal() -> None:
    """Pipes, CI and tests get no progress output at all (Rich would otherwise leave a blank line)."""
    buf = io.StringIO()
    with progress.progress_bar(steps=False, console=Console(file=buf, force_terminal=False)) as bar:
        bar.add_task("fitting", total=None)
    assert buf.getvalue() == ""


def test_polarity_shows_progress_and_keeps_stdout_clean(
    models_home, monkeypatch, capsys  # type: ignore[no-untyped-def]
) -> None:
    import contextlib

    from polycentric.cli.main import main

    seen: list[str] = []

    @contextlib.contextmanager
    def recording(description: str):  # type: ignore[no-untyped-def]
        seen.append(description)
        yield lambda message: seen.append(message)

    monkeypatch.setattr(progress, "working", recording)
    rc = main(["--home", str(models_home), "polarity", "--years", "2019-2020", "--method", "ideal_points", "--format", "csv"])
    captured = capsys.readouterr()
    out = captured.out
    assert rc == 0, captured.err
    assert out.splitlines()[0].startswith("session,")
    assert any(d.startswith("polarity per session") for d in seen)


def test_on_a_non_terminal_working_does_not_load_rich() -> None:
    """A piped command (scripts, the benchmarks) skips Rich altogether: nothing would be drawn."""
    import subprocess
    import sys

    code = (
        "import sys\nfrom polycentric.cli import progress\n"
        "with progress.working('reading') as say:\n    say('still reading')\n"
        "print('rich.progress' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
    assert done.stderr == ""
