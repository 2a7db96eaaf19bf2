"""``polycentric polarity --years``: the stored reading's rows of those years (as the API and dashboard show
them), and ``--range-only`` for a reading computed over the range alone."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from polycentric.cli.main import main


def _csv(home: Path, capsys: pytest.CaptureFixture[str], *args: str) -> pl.DataFrame:
    rc = main(["--home", str(home), "polarity", *args, "--format", "csv"])
    captured = capsys.readouterr()
    assert rc == 0, captured.err
    return pl.read_csv(io.StringIO(captured.out))


def test_years_are_the_stored_readings_rows(models_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    whole = _csv(models_home, capsys)
    ranged = _csv(models_home, capsys, "--years", "2019-2020")
    expected = whole.filter(pl.col("year").is_between(2019, 2020))
    assert ranged.height > 0 and set(ranged["method"]) == {"ideal_points", "network"}
    assert ranged.sort("method", "session").equals(expected.sort("method", "session"))
    assert ranged.height < whole.height


def test_range_only_network_matches_the_rows_but_starts_fresh(
    models_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stored = _csv(models_home, capsys, "--years", "2019-2020", "--method", "network").sort("session")
    alone = _csv(models_home, capsys, "--years", "2019-2020", "--method", "network", "--range-only").sort("session")
    assert alone.drop("changed").equals(stored.drop("changed"))
    assert alone["changed"][0] is False  # no previous session inside the range
    assert alone["changed"][1:].equals(stored["changed"][1:])


def test_range_only_needs_years(models_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["--home", str(models_home), "polarity", "--range-only"])
    captured = capsys.readouterr()
    assert rc == 2 and "--range-only needs --years" in captured.err



def test_sessions_carry_the_records_partial_flag(
    models_home: Path, served_record: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import polycentric.cli.measures as cli_measures

    # the test home holds a saved fit, not a record: the record's periods come from the suite's record
    monkeypatch.setattr(cli_measures, "_periods", lambda by: served_record.periods(by))
    rows = _csv(models_home, capsys, "--years", "2023-2025")
    periods = served_record.periods("session")
    expected = {int(s): p for s, p in zip(periods["session"], periods["partial"], strict=True) if s.isdigit()}
    assert rows.height > 0 and rows["partial"].dtype == pl.Boolean
    assert dict(zip(rows["session"], rows["partial"], strict=True)) == {s: expected[s] for s in rows["session"]}
    assert rows.filter(pl.col("session") == 80)["partial"].to_list() == [True, True]  # in progress, both readings
    assert not any(rows.filter(pl.col("session") == 79)["partial"])

