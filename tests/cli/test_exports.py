"""Exports for researchers: a labelled .dta read back (variable and value labels), CSVW beside CSV, CITATION.cff."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import polars as pl
import pytest

from polycentric.cli.main import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def home(record: Any, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("POLYCENTRIC_HOME", str(record.home))
    return Path(record.home)


def test_dta_round_trip_keeps_labels(home: Path, record: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "es11.dta"
    assert main(["votes", "--resolution", "A/RES/ES-11/1", "--format", "dta", "--out", str(out)]) == 0
    with pd.io.stata.StataReader(out) as reader:
        variable_labels = reader.variable_labels()
        value_labels = reader.value_labels()
        data_label = reader.data_label
    assert variable_labels["vote"].startswith("Vote: Yes, No, Abstain")
    assert variable_labels["title"] == "Title of the resolution or draft"
    assert data_label.startswith("polycentric")
    (vote_labels,) = [v for k, v in value_labels.items()]
    assert vote_labels == {1: "Yes", 2: "No", 3: "Abstain", 4: "Not voting"}
    frame = pd.read_stata(out)  # labels applied: the categories read back as words
    counts = frame["vote"].value_counts().to_dict()
    assert counts == {"Yes": 141, "Abstain": 35, "Not voting": 12, "No": 5}
    assert set(frame["title"]) == {"Aggression against Ukraine : resolution / adopted by the General Assembly"}
    capsys.readouterr()


def test_dta_carries_issue_codes(home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "rc.dta"
    assert main(["rollcalls", "--year", "2015", "--issue", "hr", "--format", "dta", "--out", str(out)]) == 0
    with pd.io.stata.StataReader(out) as reader:
        labels = reader.variable_labels()
    frame = pd.read_stata(out, convert_categoricals=False)
    assert labels["issue_hr"] == "Issue: Human rights" and set(frame["issue_hr"]) == {1}
    assert {"title", "important", "issue_me", "issue_ec"} <= set(frame.columns)
    capsys.readouterr()


def test_csv_out_gets_csvw_metadata(home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "votes.csv"
    assert main(["votes", "--resolution", "A/RES/68/262", "--format", "csv", "--out", str(out)]) == 0
    meta = json.loads((tmp_path / "votes.csv-metadata.json").read_text(encoding="utf-8"))
    assert meta["@context"] == "http://www.w3.org/ns/csvw" and meta["url"] == "votes.csv"
    header = out.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert [c["name"] for c in meta["tableSchema"]["columns"]] == header
    by_name = {c["name"]: c for c in meta["tableSchema"]["columns"]}
    assert by_name["date"]["datatype"] == "date" and by_name["rollcall_id"]["datatype"] == "integer"
    assert by_name["title"]["dc:description"] == "Title of the resolution or draft"
    capsys.readouterr()


def test_citation_cff_is_valid_and_matches_the_package() -> None:
    import yaml  # type: ignore[import-untyped]

    from polycentric import __version__

    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0" and cff["title"].startswith("polycentric")
    assert cff["version"] == __version__
    refs = {r["title"] for r in cff["references"]}
    assert "United Nations General Assembly Voting Data" in refs


def test_stata_writer_on_a_hand_made_frame(tmp_path: Path) -> None:
    from polycentric.record.export import write_stata

    df = pl.DataFrame({"state": ["USA", "RUS", "IND", "FRA"], "vote": ["Y", "N", "A", "X"], "important": [True, None, False, True]})
    write_stata(df, tmp_path / "t.dta", label="test")
    back = pd.read_stata(tmp_path / "t.dta")
    assert back["vote"].tolist() == ["Yes", "No", "Abstain", "Not voting"]
    assert back["important"].tolist()[0] == 1
