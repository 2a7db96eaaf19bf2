"""`polycentric groups ...`: rendered output compared with the registry's values."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from polycentric.cli.main import main


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("POLYCENTRIC_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    rc = main(list(args))
    out, err = capsys.readouterr()
    return rc, out, err


def test_show_nam_on_2022_03_02_lists_members_and_observers(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(capsys, "groups", "show", "NAM", "--date", "2022-03-02", "--format", "csv")
    assert rc == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {"state", "state_name", "status", "joined", "left"} <= set(rows[0])
    members = [r for r in rows if r["status"] == "member"]
    observers = [r for r in rows if r["status"] == "observer"]
    assert len(members) == 120 and len(observers) == 15
    pse = next(r for r in members if r["state"] == "PSE")
    assert pse["state_name"] == "State of Palestine" and pse["left"] == ""
    ind = next(r for r in members if r["state"] == "IND")
    assert ind["joined"] == "1961-09-01"


def test_show_no_observers_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(capsys, "groups", "show", "nam", "--date", "2022-03-02", "--no-observers", "--format", "json")
    assert rc == 0
    rows = json.loads(out)
    assert len(rows) == 120 and {r["status"] for r in rows} == {"member"}


def test_show_table_render(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, err = run(capsys, "groups", "show", "EU", "--date", "2020-01-31")
    assert rc == 0
    assert "EU: European Union (on 2020-01-31): 28 member" in err
    lines = out.splitlines()
    assert lines[0].split() == ["state", "state_name", "status", "joined", "left", "uncertain"]
    gbr = next(line for line in lines if line.startswith("GBR"))
    cells = gbr.split()
    assert cells[-4:] == ["member", "1973-01-01", "2020-01-31", "False"]
    assert " ".join(cells[1:-4]).startswith("United Kingdom")
    assert len(lines) == 1 + 28


def test_show_history_and_out_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "brics.csv"
    rc, _, _ = run(capsys, "groups", "show", "BRICS", "--history", "--format", "csv", "--out", str(target))
    assert rc == 0
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    sau = [r for r in rows if r["state"] == "SAU"]
    assert [(r["status"], r["joined"]) for r in sau] == [("invited", "2023-08-24")]


def test_list(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(capsys, "groups", "list", "--date", "2024-01-01", "--format", "csv")
    assert rc == 0
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(out))}
    assert len(rows) == 26
    assert rows["BRICS"]["n_members"] == "9"
    assert rows["WEOG"]["n_observers"] == "1"
    rc, out, _ = run(capsys, "groups", "list", "--kind", "regional-group")
    assert rc == 0 and "GRULAC" in out and "NATO" not in out


def test_add_then_show_user_group(capsys: pytest.CaptureFixture[str], tmp_path: Path, home: Path) -> None:
    f = tmp_path / "quad.csv"
    f.write_text(
        "group,state,joined,name\nQUAD,USA,2007-05-25,Quad\nQUAD,JPN,2007-05-25,\nQUAD,IND,2007-05-25,\n"
        "QUAD,AUS,2007-05-25,\n",
        encoding="utf-8",
    )
    rc, out, _ = run(capsys, "groups", "add", str(f), "--format", "csv")
    assert rc == 0
    assert out.splitlines() == ["id,name,n_states,n_spells", "QUAD,Quad,4,4"]
    assert (home / "groups" / "QUAD.json").is_file()
    rc, out, _ = run(capsys, "groups", "show", "quad", "--date", "2020-01-01", "--format", "csv")
    assert [r["state"] for r in csv.DictReader(io.StringIO(out))] == ["AUS", "IND", "JPN", "USA"]
    rc, out, _ = run(capsys, "groups", "list", "--format", "csv")
    assert "QUAD,Quad,user,user" in out
    rc, out, _ = run(capsys, "groups", "remove", "QUAD")
    assert rc == 0 and not (home / "groups" / "QUAD.json").exists()


def test_errors_exit_codes(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rc, _, err = run(capsys, "groups", "show", "NAMM")
    assert rc == 2 and "did you mean NAM" in err
    bad = tmp_path / "bad.csv"
    bad.write_text("group,state\nX1,USA\nX1,ZZZ\n", encoding="utf-8")
    rc, _, err = run(capsys, "groups", "add", str(bad))
    assert rc == 2
    assert f"{bad}, line 3, field 'state'" in err
    rc, _, err = run(capsys, "groups", "show", "NAM", "--date", "2022-02-30")
    assert rc == 2 and "not a date" in err
