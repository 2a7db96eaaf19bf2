"""The measures commands: rendered output compared with the library's DataFrames; charts written."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from typer.testing import CliRunner

from polycentric.cli import measures as cli_measures
from polycentric.cli.main import app, main
from polycentric.cli.output import render
from polycentric.measures._common import annotate_periods
from polycentric.measures.agreement import agreement
from polycentric.measures.cohesion import cohesion

from ._helpers import EU15, membership


class _Record:
    def __init__(self, votes: pl.DataFrame, roll_calls: pl.DataFrame, record: Any) -> None:
        self._votes, self._roll_calls, self._record = votes, roll_calls, record

    def periods(self, by: str) -> pl.DataFrame:
        """The real record's partial flags (each measure table carries them)."""
        return self._record.periods(by)  # type: ignore[no-any-return]

    def votes(self, **_: Any) -> pl.DataFrame:
        return self._votes

    def roll_calls(self, **_: Any) -> pl.DataFrame:
        return self._roll_calls


@pytest.fixture
def cli_record(
    monkeypatch: pytest.MonkeyPatch,
    real: tuple[pl.DataFrame, pl.DataFrame],
    fake_groups: dict[str, pl.DataFrame],
    record: Any,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    votes = real[0].filter(pl.col("year").is_between(1991, 2022))
    roll_calls = real[1]
    monkeypatch.setattr(cli_measures, "_open_record", lambda: _Record(votes, roll_calls, record))
    fake_groups["EU"] = membership(EU15)
    fake_groups["RIC"] = membership([("RUS", None, None), ("IND", None, None), ("CHN", None, None)])
    return votes, roll_calls


runner = CliRunner()


def test_cohesion_two_groups_yearly_reproducible(cli_record: tuple[pl.DataFrame, pl.DataFrame], record: Any) -> None:
    first = runner.invoke(app, ["cohesion", "RIC", "EU", "--years", "1991-2022", "--format", "csv"])
    assert first.exit_code == 0, first.output
    again = runner.invoke(app, ["cohesion", "RIC", "EU", "--years", "1991-2022", "--format", "csv"])
    assert again.output == first.output
    df = pl.read_csv(io.StringIO(first.output))
    assert df.columns == ["group", "year", "index", "value", "n_rollcalls", "mean_size_present", "thin", "partial"]
    assert df["index"].unique().to_list() == ["agreement"]  # the default index counts abstentions
    # sessions 61 (89 of the UN's 99 roll calls) and 73 (95 of 110) are clearly short: the years they overlap
    # are partial; the other years are whole
    assert df.filter(pl.col("partial"))["year"].unique().sort().to_list() == [2006, 2007, 2018, 2019]
    assert df["group"].unique(maintain_order=True).to_list() == ["RIC", "EU"]
    assert df.filter(pl.col("group") == "EU")["year"].to_list() == list(range(1991, 2023))
    expected = cohesion(cli_record[0], ["RIC", "EU"], years="1991-2022", index="agreement")
    assert first.output == annotate_periods(expected, record.periods("year"), "year").write_csv()


def test_agreement_table_text(cli_record: tuple[pl.DataFrame, pl.DataFrame], record: Any) -> None:
    result = runner.invoke(app, ["agreement", "usa", "ISR", "--years", "2019-2021", "--index", "lijphart"])
    assert result.exit_code == 0, result.output
    expected = agreement(cli_record[0], "USA", "ISR", "lijphart", years="2019-2021")
    expected = annotate_periods(expected, record.periods("year"), "year")
    assert expected["partial"].to_list() == [True, False, False]  # 2019: session 73 clearly short
    assert result.output == render(expected, "table", max_rows=200)
    assert "2019" in result.output and "lijphart" in result.output


def test_json_out_and_plots(cli_record: tuple[pl.DataFrame, pl.DataFrame], tmp_path: Path) -> None:
    out = tmp_path / "al.json"
    png = tmp_path / "al.png"
    code = main(
        [
            "alignment",
            "--with",
            "USA,CHN,group:RIC",
            "--year",
            "2020",
            "--states",
            "IND,BRA",
            "--format",
            "json",
            "--out",
            str(out),
            "--plot",
            str(png),
        ]
    )
    assert code == 0
    rows = json.loads(out.read_text())
    assert {(r["state"], r["reference"]) for r in rows} == {
        (s, r) for s in ("BRA", "IND") for r in ("USA", "CHN", "RIC")
    }
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = tmp_path / "c.svg"
    assert main(["cohesion", "EU", "--years", "2000-2005", "--plot", str(svg), "--out", str(tmp_path / "c.txt")]) == 0
    assert svg.read_text().lstrip().startswith("<?xml")
    heat = tmp_path / "m.png"
    assert (
        main(
            [
                "agreement-matrix",
                "--states",
                "USA,CHN,RUS,IND",
                "--years",
                "2020",
                "--plot",
                str(heat),
                "--out",
                str(tmp_path / "m.csv"),
                "--format",
                "csv",
            ]
        )
        == 0
    )
    m = pl.read_csv(tmp_path / "m.csv")
    assert m.height == 6 and heat.stat().st_size > 1000


def test_shifts_series_neutrality_voice(cli_record: tuple[pl.DataFrame, pl.DataFrame], tmp_path: Path) -> None:
    bars = tmp_path / "shifts.png"
    r = runner.invoke(
        app, ["shifts", "--from", "2014", "--to", "2022", "--top", "5", "--format", "csv", "--plot", str(bars)]
    )
    assert r.exit_code == 0, r.output
    df = pl.read_csv(io.StringIO(r.output))
    assert df.height == 5 and (df["change"].abs().diff().drop_nulls() <= 1e-12).all()
    assert bars.read_bytes()[:4] == b"\x89PNG"
    r = runner.invoke(app, ["series", "cuba-embargo", "--format", "csv", "--plot", str(tmp_path / "s.png")])
    assert r.exit_code == 0, r.output
    s = pl.read_csv(io.StringIO(r.output))
    assert s["year"].min() == 1992 and (tmp_path / "s.png").exists()
    r = runner.invoke(app, ["series", "--list"])  # no search needed to list the slugs
    assert r.exit_code == 0 and "cuba-embargo" in r.output
    r = runner.invoke(app, ["neutrality", "--states", "IND", "--years", "2020-2022", "--format", "csv"])
    assert pl.read_csv(io.StringIO(r.output))["year"].to_list() == [2020, 2021, 2022]
    r = runner.invoke(app, ["voice", "EU", "--years", "2020", "--rule", "two_thirds", "--format", "csv"])
    assert r.exit_code == 0, r.output
    assert pl.read_csv(io.StringIO(r.output))["n_rollcalls"].item() > 50


def test_errors_are_one_line(cli_record: tuple[pl.DataFrame, pl.DataFrame], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["agreement", "USA", "ISR", "--index", "kappa"]) == 2
    assert "unknown agreement index 'kappa'" in capsys.readouterr().err
    assert main(["cohesion", "EU", "--years", "20x0"]) == 2
    assert "cannot read years" in capsys.readouterr().err
    assert main(["cohesion", "EU", "--plot", "chart.gif"]) == 2
    assert "use a .png, .svg or .pdf" in capsys.readouterr().err
    assert main(["agreement", "USA", "XXX", "--years", "2020"]) == 2
    assert capsys.readouterr().err == "error: no state is known by 'XXX'\n"  # the one resolver of every command
    assert main(["series"]) == 2
    assert "known series slug" in capsys.readouterr().err


def test_cohesion_nam_eu_with_the_registry(
    monkeypatch: pytest.MonkeyPatch, real: tuple[pl.DataFrame, pl.DataFrame], record: Any
) -> None:
    """The issue's example: `polycentric cohesion NAM EU --years 1991-2022`, both groups, every year, twice the same."""
    monkeypatch.setattr(cli_measures, "_open_record", lambda: _Record(*real, record))
    first = runner.invoke(app, ["cohesion", "NAM", "EU", "--years", "1991-2022"])
    assert first.exit_code == 0, first.output
    assert runner.invoke(app, ["cohesion", "NAM", "EU", "--years", "1991-2022"]).output == first.output
    expected = annotate_periods(cohesion(real[0], ["NAM", "EU"], years=(1991, 2022)), record.periods("year"), "year")
    assert first.output == render(expected, "table", max_rows=200)
    assert expected.group_by("group").agg(pl.col("year").n_unique()).sort("group").rows() == [("EU", 32), ("NAM", 32)]


def test_cohesion_nam_eu_through_2025_whole_years(
    monkeypatch: pytest.MonkeyPatch, real: tuple[pl.DataFrame, pl.DataFrame], record: Any
) -> None:
    """`polycentric cohesion NAM EU --years 2020-2025`: every year, and 2023, 2024, 2025 whole (not partial)."""
    monkeypatch.setattr(cli_measures, "_open_record", lambda: _Record(*real, record))
    r = runner.invoke(app, ["cohesion", "NAM", "EU", "--years", "2020-2025", "--format", "csv"])
    assert r.exit_code == 0, r.output
    df = pl.read_csv(io.StringIO(r.output))
    assert df.group_by("group").agg(pl.col("year").sort()).sort("group").rows() == [
        ("EU", list(range(2020, 2026))),
        ("NAM", list(range(2020, 2026))),
    ]
    recent = df.filter(pl.col("year") >= 2023)
    assert recent.height == 6 and not recent["partial"].any()
    # each recent year holds its full record: 2025 = 79's second half, 80's first half and ES-11/7-9
    assert df.filter(pl.col("group") == "NAM", pl.col("year") == 2025)["n_rollcalls"].item() == 192
