"""Issue 12: one resolver for states and groups in every command, --version, non-zero exits, years, alignment ranking.

Each test renders the command's output to text (``main(argv)`` with captured stdout/stderr)
and compares it with the library's values on the record built from ../shared/data.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from polycentric.cli.main import main


@pytest.fixture
def home(record: Any, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("POLYCENTRIC_HOME", str(record.home))
    return Path(record.home)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    rc = main(list(args))
    out, err = capsys.readouterr()
    return rc, out, err


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_version_comes_from_the_installed_metadata(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib.metadata import version

    import polycentric

    rc, out, _ = run(capsys, "--version")
    assert rc == 0
    assert out.strip() == f"polycentric {version('polycentric')}" == f"polycentric {polycentric.__version__}"


def test_completion_is_offered(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(capsys, "--help")
    assert rc == 0 and "--install-completion" in out and "--show-completion" in out


@pytest.mark.parametrize(("a", "b"), [("India", "Russia"), ("IND", "RUS"), ("356", "643")])
def test_agreement_takes_names_codes_and_numbers(
    home: Path, record: Any, capsys: pytest.CaptureFixture[str], a: str, b: str
) -> None:
    from polycentric.measures.agreement import agreement

    rc, out, _ = run(capsys, "agreement", a, b, "--years", "2020-2022", "--format", "csv")
    assert rc == 0, out
    got = rows(out)
    expected = agreement(record.votes(), "IND", "RUS", "simple", by="year", years="2020-2022")
    assert [r["year"] for r in got] == ["2020", "2021", "2022"]
    assert [float(r["value"]) for r in got] == pytest.approx(expected["value"].to_list())
    assert {r["state_a"] for r in got} == {"IND"} and {r["state_b"] for r in got} == {"RUS"}


def test_agreement_takes_old_codes(home: Path, record: Any, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(capsys, "agreement", "SUN", "USA", "--years", "1980", "--format", "csv")
    assert rc == 0
    (row,) = rows(out)
    assert row["state_a"] == "RUS" and row["year"] == "1980" and int(row["n_shared"]) > 50


def test_misspelt_state_gets_a_suggestion_and_exit_2(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, err = run(capsys, "agreement", "Rusia", "USA")
    assert rc == 2 and out == ""
    assert "no state is known by 'Rusia'" in err and "Russian Federation (RUS)" in err


def test_misspelt_group_gets_a_suggestion(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, _, err = run(capsys, "cohesion", "NAMM", "--years", "2020")
    assert rc == 2 and "did you mean NAM" in err


def test_alignment_references_by_name_and_group(home: Path, record: Any, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(
        capsys, "alignment", "--with", "United States,EU", "--states", "India,Brazil", "--year", "2022", "-f", "csv"
    )
    assert rc == 0
    got = rows(out)
    assert {r["reference"] for r in got} == {"USA", "EU"} and {r["state"] for r in got} == {"IND", "BRA"}


def test_alignment_sort_top_min_shared(home: Path, record: Any, capsys: pytest.CaptureFixture[str]) -> None:
    from polycentric.measures.alignment import alignment

    rc, out, _ = run(
        capsys, "alignment", "--with", "USA", "--year", "2022", "--sort", "-value", "--top", "5",
        "--min-shared", "60", "-f", "csv",
    )  # fmt: skip
    assert rc == 0
    got = rows(out)
    table = alignment(record.votes(), ["USA"], years=2022).filter(pl.col("n_shared") >= 60)
    table = table.filter(pl.col("state") != "USA")  # a ranking leaves out the reference's row with itself
    best = table.sort(["value", "state"], descending=[True, False]).head(5)
    assert [r["state"] for r in got] == best["state"].to_list()
    assert all(int(r["n_shared"]) >= 60 for r in got) and "USA" not in [r["state"] for r in got]
    values = [float(r["value"]) for r in got]
    assert values == sorted(values, reverse=True)
    rc, _, err = run(capsys, "alignment", "--with", "USA", "--year", "2022", "--sort", "colour")
    assert rc == 2 and "cannot sort by 'colour'" in err


def test_unknown_symbol_exits_non_zero_with_suggestion(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, err = run(capsys, "votes", "--resolution", "A/RES/ES-11/99")
    assert rc != 0 and out == ""
    assert "no roll call has the symbol A/RES/ES-11/99" in err and "A/RES/ES-11/9 'Return of Ukrainian children" in err


def test_votes_years_range_and_title_column(home: Path, record: Any, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(capsys, "votes", "--state", "India", "--years", "2021-2022", "-f", "csv")
    assert rc == 0
    got = rows(out)
    expected = record.votes(state="IND").filter(pl.col("year").is_between(2021, 2022))
    assert len(got) == expected.height and {r["year"] for r in got} == {"2021", "2022"}
    assert "title" in got[0]
    titles = dict(record.roll_calls().select("rollcall_id", "title").iter_rows())
    assert all(r["title"] == (titles[int(r["rollcall_id"])] or "") for r in got)


def test_votes_table_cites_the_roll_call(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(capsys, "votes", "--resolution", "R/68/262")
    assert rc == 0
    assert "A/RES/68/262, “Territorial integrity of Ukraine”" in out
    assert "General Assembly, 27 March 2014 (adopted" in out and "https://undocs.org/A/RES/68/262" in out
    assert "Coverage:" in out and "Y: 100  N: 11  A: 58" in out


def test_votes_map_is_titled_and_sourced(home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    svg = tmp_path / "map.svg"
    rc, _, err = run(capsys, "votes", "--resolution", "A/RES/68/262", "--map", str(svg), "-f", "csv")
    assert rc == 0 and "map written" in err
    text = svg.read_text(encoding="utf-8")
    assert "A/RES/68/262: Territorial integrity of Ukraine" in text
    assert "Y 100, N 11, A 58" in text and "Source: polycentric from the UN Digital Library" in text
    assert "Coverage:" in text
    from polycentric.record.cite import VOTE_COLORS

    # the four vote colours are the ones the dashboard uses (amber abstentions)
    assert all(VOTE_COLORS[c].lower() in text.lower() for c in "YNAX")
    rc, _, err = run(capsys, "votes", "--year", "2014", "--map", str(svg))
    assert rc == 2 and "--map draws one roll call" in err


def test_state_resolver_in_forecast_known(home: Path) -> None:
    from polycentric.cli.forecast import _parse_known

    assert _parse_known("United States=n, Russia=Y, SUN=a") == {"USA": "N", "RUS": "A"}


def test_resolver_symbol_suggestion(record: Any) -> None:
    from polycentric.errors import UnknownResolutionError
    from polycentric.registry.resolver import resolve_symbol

    assert resolve_symbol("R/68/262", record.roll_calls(body=None)) == "A/RES/68/262"
    with pytest.raises(UnknownResolutionError, match=r"did you mean A/RES/ES-11/1\b"):
        resolve_symbol("A/RES/ES-11/11", record.roll_calls(body=None))


def test_every_command_suggests_on_typos(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for argv, hint in (
        (["state", "Indai"], "India (IND)"),
        (["groups", "show", "NAMM"], "did you mean NAM"),
        (["votes", "--state", "Brazl", "--year", "2020"], "Brazil (BRA)"),
        (["shifts", "--from", "2014", "--to", "2022", "--reference", "Untied States"], "United States of America (USA)"),
        (["rollcalls", "--state", "Frnace", "--year", "2020"], "France (FRA)"),
    ):
        rc, _out, err = run(capsys, *argv)
        assert rc == 2 and hint in err, (argv, rc, err)


def test_rollcalls_table_is_cited(home: Path, record: Any, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(capsys, "rollcalls", "--session", "ES-11")
    assert rc == 0
    line = next(x for x in out.splitlines() if "A/RES/ES-11/1 " in x)
    assert "adopted" in line and "Aggression against Ukraine" in line and ": resolution /" not in line
    assert "Coverage:" in out
    rc, out, _ = run(capsys, "rollcalls", "--session", "ES-11", "-f", "csv")
    rows = {r["resolution"]: r for r in csv.DictReader(io.StringIO(out))}
    es = rows["A/RES/ES-11/1"]
    assert es["status"] == "adopted" and es["link"].startswith("https://digitallibrary.un.org/record/")
    assert es["citation"].startswith("A/RES/ES-11/1, “Aggression against Ukraine”, General Assembly, 2 March 2022")
