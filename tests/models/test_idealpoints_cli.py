"""CLI: idealpoints fit / show and polarity, run against the shared record."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from polycentric.cli.main import main


@pytest.mark.slow
def test_idealpoints_cli(
    record, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    home = str(record.home)
    monkeypatch.setenv("POLYCENTRIC_HOME", home)
    assert main(["idealpoints", "fit", "--item-draws", "2"]) == 0
    err = capsys.readouterr().err
    assert "converged=True" in err
    assert main(["idealpoints", "show", "--state", "IND", "--years", "2020-2022", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0] == "state,session,year,ideal_point,lower,upper"
    assert [line.split(",")[:3] for line in lines[1:]] == [
        ["IND", "75", "2020"],
        ["IND", "76", "2021"],
        ["IND", "77", "2022"],
    ]
    for line in lines[1:]:
        _, _, _, point, lower, upper = line.split(",")
        assert float(lower) < float(point) < float(upper)
    chart = tmp_path / "usa.png"
    assert main(["idealpoints", "show", "--state", "USA", "--format", "json", "--plot", str(chart)]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["state"] for r in rows} == {"USA"}
    assert all(r["ideal_point"] > 0 for r in rows)
    assert chart.stat().st_size > 1000
    assert main(["polarity", "--years", "2000-2002", "--format", "csv", "--method", "ideal_points"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert out[0].startswith("session,year,method,n_states,n_poles,n_poles_session,support,changed,effective_poles")
    assert out[0].endswith(",poles,n_rollcalls,thin,partial")
    assert len(out) == 4 and all(line.endswith(",false") for line in out[1:])  # sessions 55-57: whole in the record
    assert all("pole around " in line for line in out[1:])
    # a state's change between two sessions, with an interval from joint draws
    assert main(["idealpoints", "change", "--state", "USA", "--from", "70", "--to", "76", "--format", "json"]) == 0
    change = json.loads(capsys.readouterr().out)[0]
    assert change["state"] == "USA" and change["from_session"] == 70 and change["to_session"] == 76
    assert change["lower"] < change["change"] < change["upper"]
    assert change["exceeds_uncertainty"] == (change["lower"] > 0 or change["upper"] < 0)
    assert 0 < change["correlation"] < 1
    # a session after the record: the random walk's prediction, wider than the observed change
    assert main(["idealpoints", "change", "--state", "USA", "--from", "70", "--to", "200", "--format", "json"]) == 0
    ahead = json.loads(capsys.readouterr().out)[0]
    assert ahead["observed_to"] is False and ahead["se"] > change["se"]
    assert main(["idealpoints", "change", "--state", "Atlantis", "--from", "70", "--to", "76"]) == 2
    assert main(["polarity", "--years", "2000", "--method", "nonsense"]) == 2
