"""Polarity: hand-computed indices, mixture poles, signed-network communities, the series."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polycentric.models.polarity import (
    effective_number_of_poles,
    esteban_ray,
    ideal_point_poles,
    network_poles,
    plot_polarity,
    polarity,
    signed_covoting,
    signed_modularity,
)


def test_effective_number_hand_cases() -> None:
    assert effective_number_of_poles([0.5, 0.5]) == pytest.approx(2.0)
    assert effective_number_of_poles([1, 1, 1, 1]) == pytest.approx(4.0)
    # 0.6, 0.3, 0.1 -> 1 / (0.36 + 0.09 + 0.01)
    assert effective_number_of_poles([6, 3, 1]) == pytest.approx(1 / 0.46)


def test_esteban_ray_hand_case() -> None:
    # two poles of 1/2 at distance 2: 2 * (1/2)^(1+a) * (1/2) * 2
    for a in (0.0, 1.0, 1.6):
        assert esteban_ray([0.5, 0.5], [-1.0, 1.0], alpha=a) == pytest.approx(2 * 0.5 ** (1 + a) * 0.5 * 2)
    # one pole: no polarization; 2-D positions use Euclidean distance
    assert esteban_ray([1.0], [0.3]) == 0.0
    assert esteban_ray([0.5, 0.5], [[0, 0], [3, 4]], alpha=0.0) == pytest.approx(2 * 0.25 * 5)


@settings(max_examples=40, deadline=None)
@given(
    shares=st.lists(st.floats(0.01, 1.0), min_size=2, max_size=5),
    shift=st.floats(-5, 5),
    scale=st.floats(0.1, 10),
)
def test_esteban_ray_properties(shares: list[float], shift: float, scale: float) -> None:
    pos = np.linspace(-1, 1, len(shares))
    base = esteban_ray(shares, pos)
    assert base >= 0
    assert esteban_ray(shares, pos + shift) == pytest.approx(base, abs=1e-9)  # translation invariant
    assert esteban_ray(shares, pos * scale) == pytest.approx(base * scale, rel=1e-9)  # homogeneous of degree 1
    n = effective_number_of_poles(shares)
    assert 1.0 <= n <= len(shares) + 1e-9


def test_mixture_finds_two_separated_poles_whatever_the_seed() -> None:
    rng = np.random.default_rng(0)
    pts = np.concatenate([rng.normal(-2, 0.3, 60), rng.normal(1.5, 0.3, 40)])
    results = [ideal_point_poles(pts, random_state=s, n_init=3)[0] for s in (0, 1, 2, 3)]
    for labels in results:
        assert np.bincount(labels).tolist() == [60, 40]
        assert np.array_equal(labels, results[0])
    one, bics = ideal_point_poles(rng.normal(0, 1, 80))
    assert np.unique(one).size == 1
    assert int(np.argmin(bics)) == 0


def _two_bloc_votes(seed: int = 0) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for rc in range(30):
        bloc_a = "Y" if rng.random() < 0.5 else "N"
        bloc_b = "N" if bloc_a == "Y" else "Y"
        for i in range(12):
            v = bloc_a if i < 7 else bloc_b
            if rng.random() < 0.1:
                v = "A"
            rows.append((rc, f"S{i:02d}", v, 1, 1946))
    return pl.DataFrame(rows, schema=["rollcall_id", "state", "vote", "session_number", "year"], orient="row")


def test_signed_network_splits_two_blocs() -> None:
    states, w = signed_covoting(_two_bloc_votes())
    assert states[0] == "S00"
    assert w[0, 1] > 0 and w[0, 10] < 0
    assert np.allclose(w, w.T)
    labels = network_poles(w)
    assert len(set(labels[:7])) == 1 and len(set(labels[7:])) == 1 and labels[0] != labels[11]
    q = signed_modularity(w, labels)
    assert q > signed_modularity(w, np.zeros(12, dtype=np.intp))
    assert q > 0.3


def test_signed_modularity_hand_case() -> None:
    # two positive pairs linked negatively: the 2-2 split is the best partition
    w = np.array([[0, 1, -1, -1], [1, 0, -1, -1], [-1, -1, 0, 1], [-1, -1, 1, 0]], dtype=float)
    # w+ degrees 1 each (total 4), w- degrees 2 each (total 8); Q = sum_same B / 12
    # B_ii terms: -1/4 + 4/8 = 0.25 each (4); B_01 etc.: 1 - 1/4 + 0 ... within pairs 1 - 0.25 + 0.5 = 1.25 (x4)
    assert signed_modularity(w, np.array([0, 0, 1, 1])) == pytest.approx((4 * 0.25 + 4 * 1.25) / 12)
    assert network_poles(w).tolist() in ([0, 0, 1, 1], [1, 1, 0, 0])


def test_polarity_series_and_poles(tmp_path: Path) -> None:
    votes = _two_bloc_votes()
    ip = pl.DataFrame(
        {
            "state": [f"S{i:02d}" for i in range(12)],
            "session": [1] * 12,
            "year": [1946] * 12,
            "ideal_point": [-2.0 + 0.05 * i for i in range(7)] + [1.5 + 0.05 * i for i in range(5)],
        }
    )
    result = polarity(ip, votes, max_poles=3)
    s = result.series
    assert s["method"].to_list() == ["ideal_points", "network"]
    assert s["n_poles"].to_list() == [2, 2]
    expected_eff = 1 / ((7 / 12) ** 2 + (5 / 12) ** 2)
    assert s["effective_poles"].to_list() == pytest.approx([expected_eff, expected_eff])
    gap = (1.5 + 0.1) - (-2.0 + 0.15)
    expected_er = (7 / 12) ** 2.6 * (5 / 12) * gap + (5 / 12) ** 2.6 * (7 / 12) * gap
    assert s["polarization"][0] == pytest.approx(expected_er)
    poles = result.poles.filter(pl.col("method") == "ideal_points")
    assert poles["size"].to_list() == [7, 5]
    assert poles["leading_members"][0].split(", ")[0] == "S03"  # the most central member leads
    out = plot_polarity(s, tmp_path / "polarity.png")
    assert out.stat().st_size > 1000


@pytest.mark.slow
def test_polarity_on_the_record_is_stable_across_seeds(record) -> None:  # type: ignore[no-untyped-def]
    from polycentric.models.idealpoints import IdealPointModel

    rc = record.roll_calls(body="GA")
    votes = record.votes(body="GA").filter(pl.col("session_number").is_in([20, 21, 22, 40, 41, 60, 61, 76, 77]))
    ip = IdealPointModel().fit(votes, rc).ideal_points_
    a = polarity(ip, votes, sessions=[20, 40, 60, 77], random_state=0)
    b = polarity(ip, votes, sessions=[20, 40, 60, 77], random_state=7, methods=("ideal_points",))
    left = a.series.filter(pl.col("method") == "ideal_points")
    assert left["n_poles"].to_list() == b.series["n_poles"].to_list()
    assert left["effective_poles"].to_list() == pytest.approx(b.series["effective_poles"].to_list(), rel=1e-6)
    net = a.series.filter(pl.col("method") == "network")
    assert (net["n_poles"] >= 2).all()
    assert (net["modularity"] > 0).all()


def test_ideal_point_poles_are_intervals_on_the_line() -> None:
    # the shape of recent sessions: a large centre, a Western bloc, and a few states at
    # each extreme. A mixture with a free variance per component gathers both extremes
    # into one broad component (seen on the record); poles must be contiguous intervals.
    for seed in range(4):
        rng = np.random.default_rng(seed)
        points = np.concatenate(
            [rng.normal(-0.3, 0.25, 130), rng.normal(1.2, 0.2, 50), rng.normal(-2.0, 0.15, 5), rng.normal(2.8, 0.1, 3)]
        )
        labels, _ = ideal_point_poles(points)
        sorted_labels = labels[np.argsort(points)]
        changes = np.flatnonzero(np.diff(sorted_labels) != 0)
        assert len(changes) == len(np.unique(labels)) - 1, seed
        assert set(labels[points < -1.6].tolist()).isdisjoint(labels[points > 2.4].tolist()), seed
