"""The load-or-fit cache (``models.saved``): polarity stored and composed exactly, the forecaster loaded only
when trusted, and ``precompute_models`` refitting only what changed."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from _webfixtures import models_home, served_record
from polycentric.errors import NotFittedError
from polycentric.models.saved import (
    forecaster_path,
    idealpoints_folder,
    load_forecaster,
    load_ideal_points,
    load_polarity,
    save_forecaster,
)

__all__ = ["models_home", "served_record"]


@pytest.fixture(scope="module")
def home(models_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the test home (a 1-D fit since 2018 and a forecaster), so the cache files are this module's."""
    out = tmp_path_factory.mktemp("saved_home")
    shutil.copytree(models_home, out, dirs_exist_ok=True)
    shutil.rmtree(out / "cache" / "api", ignore_errors=True)
    return out


def test_polarity_is_stored_and_both_readings_are_exactly_each_alone(home: Path, served_record: Any) -> None:
    from polycentric.models.polarity import polarity

    votes = served_record.votes(start="2018-01-01")
    with pytest.raises(NotFittedError, match="polycentric build"):
        load_polarity(home, ("ideal_points",), compute=False)
    series, poles, stamp = load_polarity(home, ("ideal_points", "network"), lambda: votes)
    ideal_points, _ = load_ideal_points(home)
    direct = polarity(
        ideal_points, votes, methods=("ideal_points", "network"), sessions=sorted(set(ideal_points["session"]))
    )
    assert series.equals(direct.series)
    assert poles.equals(direct.poles)
    assert set(series["method"]) == {"ideal_points", "network"}
    # each reading and both are now stored: read back without votes and without computing
    for methods in (("ideal_points",), ("network",), ("ideal_points", "network")):
        again, again_poles, again_stamp = load_polarity(home, methods, compute=False)
        assert again_stamp == stamp
        assert again.equals(series.filter(pl.col("method").is_in(list(methods))))
        assert again_poles.height == poles.filter(pl.col("method").is_in(list(methods))).height


def test_the_forecaster_is_loaded_only_when_its_digest_matches(home: Path, served_record: Any) -> None:
    path = forecaster_path(served_record, home=home)
    sidecar = path.with_name(path.name + ".sha256.json")
    model = load_forecaster(served_record, fit=False, home=home)  # the fixture's, written by save_forecaster
    assert sidecar.is_file() and json.loads(sidecar.read_text())["sha256"]
    save_forecaster(model, path, served_record.version)
    stamp = path.stat().st_mtime_ns
    # a file swapped in behind the cache's back (same name, other bytes) is not loaded
    path.write_bytes(path.read_bytes() + b"tampered")
    with pytest.raises(NotFittedError):
        load_forecaster(served_record, fit=False, home=home)
    # nor one that others may write
    save_forecaster(model, path, served_record.version)
    os.chmod(path, 0o666)
    with pytest.raises(NotFittedError):
        load_forecaster(served_record, fit=False, home=home)
    os.chmod(path, 0o644)
    assert load_forecaster(served_record, fit=False, home=home).cache_key() == model.cache_key()
    assert path.stat().st_mtime_ns >= stamp


def test_ga_digest_follows_the_votes(served_record: Any) -> None:
    from polycentric.models.precompute import ga_digest

    votes = served_record.votes(start="2020-01-01")
    rc = served_record.roll_calls(start="2020-01-01")
    assert ga_digest(votes, rc) == ga_digest(votes.clone(), rc.clone())
    flipped = votes.with_columns(
        pl.when(pl.int_range(pl.len()) == 0).then(pl.lit("A")).otherwise(pl.col("vote")).alias("vote")
    )
    assert votes["vote"][0] != "A"
    assert ga_digest(flipped, rc) != ga_digest(votes, rc)
    assert ga_digest(votes.head(-1), rc) != ga_digest(votes, rc)


def test_precompute_keeps_what_did_not_change(home: Path, served_record: Any) -> None:
    """With the fit's digest stamped and every result stored, a rerun fits nothing and says so."""
    from polycentric.models.precompute import STAGES, ga_digest, precompute_models

    folder = idealpoints_folder(home)
    votes, rc = served_record.votes(body="GA"), served_record.roll_calls(body="GA")
    (folder / "record.json").write_text(json.dumps({"ga_digest": ga_digest(votes, rc)}))
    before = (folder / "ideal_points.parquet").stat().st_mtime_ns
    report = precompute_models(home, record=served_record)
    assert [name for name, _what, _s in report.stages] == list(STAGES)
    done = {name: what for name, what, _s in report.stages}
    assert done["ideal points"] == "kept"
    assert (folder / "ideal_points.parquet").stat().st_mtime_ns == before
    assert done["forecaster"] == "kept"
    assert all(done[s] in ("kept", "fitted") for s in STAGES[1:4]), done
    again = {name: what for name, what, _s in precompute_models(home, record=served_record).stages}
    assert again == dict.fromkeys(STAGES, "kept")


def test_the_stored_votes_view_is_the_records_view(record: Any) -> None:
    """``stored_votes`` is ``record.votes(body="GA")``: written on first use, read back equal, by years too."""
    from polycentric.models.saved import stored_votes, votes_view_path

    path = votes_view_path(record, "GA")
    path.unlink(missing_ok=True)
    expected = record.votes(body="GA")
    first = stored_votes(record)
    assert path.is_file()
    assert first.equals(expected)
    again = stored_votes(record)  # read from the file
    assert again.equals(expected)
    assert again.schema == expected.schema
    some = stored_votes(record, "GA", (1991, 2022))
    assert some.equals(expected.filter(pl.col("year").is_between(1991, 2022)))
    assert set(some["year"].unique()) == set(range(1991, 2023))
    # a damaged file is not trusted: rebuilt and rewritten
    path.write_bytes(b"PAR1 not a parquet file")
    assert stored_votes(record).equals(expected)
    assert pl.read_parquet(path).equals(expected)


def test_the_stored_periods_are_the_records_periods(record: Any) -> None:
    from polycentric.models.saved import stored_periods

    for by in ("year", "session"):
        expected = record.periods(by)
        assert stored_periods(record, by).equals(expected)
        assert stored_periods(record, by).equals(expected)  # read back
    files = list((Path(record.home) / "cache" / "views").glob("periods-year-*.parquet"))
    assert len(files) == 1


def test_a_range_of_the_stored_network_reading_is_the_reading_over_that_range(home: Path, served_record: Any) -> None:
    """``polarity --years A-B --method network`` is served from the stored reading: prove it is what a fit over
    those sessions gives, row for row and pole for pole."""
    from polycentric.models.polarity import polarity
    from polycentric.models.saved import slice_network_polarity

    votes = served_record.votes(start="2018-01-01", body="GA")
    series, poles, _ = load_polarity(home, ("network",), lambda: votes)
    ideal_points, _ = load_ideal_points(home)
    all_sessions = sorted(set(ideal_points["session"]))
    assert len(all_sessions) >= 5
    for sessions in (all_sessions[1:4], all_sessions[-2:], all_sessions[:1]):
        direct = polarity(ideal_points, votes, methods=("network",), sessions=sessions)
        got_series, got_poles = slice_network_polarity(series, poles, sessions)
        assert got_series.equals(direct.series), sessions
        assert got_poles.equals(direct.poles), sessions
        assert got_series["session"].to_list() == sessions
