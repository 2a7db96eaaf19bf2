"""Issue 14: the stored forecaster is small, loads without scikit-learn or scipy, and forecasts exactly as the
fitted one; only its own classes may be unpickled, and a damaged file is refused (refitted by the cache).
"""

from __future__ import annotations

import datetime as dt
import json
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from polycentric.errors import ModelError
from polycentric.models.forecast import VoteForecaster, regional_groups

CASES: list[dict[str, Any]] = [
    {"title": "Necessity of ending the economic, commercial and financial embargo against Cuba", "known": {"USA": "N"}},
    {"title": "Situation of human rights in the Islamic Republic of Iran"},
    {"title": "Towards a nuclear-weapon-free world", "sponsors": ["BRA", "MEX"], "date": dt.date(2025, 12, 1)},
    {"like": "A/RES/77/7", "known": {"ISR": "N"}},
    {"title": "zzzz qqqq"},  # no word in the vocabulary: the most recent roll calls are the templates
]


@pytest.fixture(scope="module")
def fitted(record: Any) -> VoteForecaster:
    """A forecaster with its calibration (the logistic stackers) and the window IRT, on the sessions since 2016."""
    since = dt.date(2016, 1, 1)
    votes, roll_calls = record.votes(start=since, body="GA"), record.roll_calls(start=since, body="GA")
    return VoteForecaster(calibration_sessions=2).fit(votes, roll_calls, groups=regional_groups())


@pytest.fixture(scope="module")
def stored(fitted: VoteForecaster, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return fitted.save(tmp_path_factory.mktemp("forecaster") / "forecaster.pkl")


def test_the_stored_forecaster_forecasts_exactly_as_the_fitted_one(fitted: VoteForecaster, stored: Path) -> None:
    from polycentric.models._lean import LeanIRT, LeanLogistic, LeanTfidf

    loaded = VoteForecaster.load(stored)
    assert isinstance(loaded.state_.vectorizer, LeanTfidf)
    assert isinstance(loaded.state_.irt, LeanIRT)
    assert all(isinstance(s.model, LeanLogistic) for s in loaded.calibration_.values())
    assert loaded.corpus_.votes is None and loaded.corpus_.roll_calls is None  # the frames are not stored
    assert fitted.corpus_.votes is not None  # the fitted model itself is unchanged
    for case in CASES:
        a, b = fitted.forecast(**case), loaded.forecast(**case)
        assert np.array_equal(a.probabilities, b.probabilities), case
        assert np.array_equal(a.components, b.components), case
        assert a.neighbours.equals(b.neighbours), case
        assert a.tally().equals(b.tally()), case
        assert a.summary() == b.summary(), case
        assert a.to_frame().equals(b.to_frame()), case


def test_the_lean_text_similarities_are_scikit_learns(fitted: VoteForecaster) -> None:
    from polycentric.models._lean import LeanMatrix, LeanTfidf
    from polycentric.models.forecast import _similarities

    state = fitted.state_
    vec = LeanTfidf.from_vectorizer(state.vectorizer)
    assert vec is not None
    texts = [fitted.corpus_.item_text[i] for i in (0, 5, 50, state.cutoff - 1)] + ["", "The the of and", "Cuba"]
    for text in texts:
        idx, data = vec.transform_one(text)
        row = state.vectorizer.transform([text])
        assert np.array_equal(idx, row.indices) and np.array_equal(data, row.data), text
    lean = vec.similarities(texts, LeanMatrix.from_sparse(state.text_matrix))
    assert np.array_equal(lean, _similarities(state, texts))


def test_the_stored_file_is_small_and_loads_without_scikit_learn(stored: Path) -> None:
    assert stored.stat().st_size < 20_000_000  # the vote frames (over 100 MB for the whole record) are left out
    code = (
        "import sys\nfrom polycentric.models.forecast import VoteForecaster\n"
        f"m = VoteForecaster.load({str(stored)!r})\nm.forecast('Nuclear disarmament', known={{'USA': 'N'}})\n"
        "print(sorted(k for k in ('sklearn', 'scipy', 'pandas') if k in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


class _Evil:
    def __reduce__(self) -> tuple[Any, ...]:
        import os

        return (os.system, ("echo unsafe",))


def test_only_the_models_classes_may_be_unpickled(tmp_path: Path) -> None:
    bad = tmp_path / "evil.pkl"
    bad.write_bytes(pickle.dumps(_Evil()))
    with pytest.raises(ModelError, match=r"may not refer to (posix|os)\.system"):
        VoteForecaster.load(bad)
    # a class in an allowed package that touches files, a function of the models, a builtin function
    for module, name in (("numpy", "memmap"), ("polycentric.models.forecast", "retro_forecast"), ("builtins", "eval")):
        crafted = tmp_path / f"{name}.pkl"
        crafted.write_bytes(b"\x80\x04c" + f"{module}\n{name}\n".encode() + b"N\x85R.")
        with pytest.raises(ModelError, match="may not refer to"):
            VoteForecaster.load(crafted)
    cut = tmp_path / "cut.pkl"
    cut.write_bytes(b"\x80\x05garbage")
    with pytest.raises(ModelError, match="readable forecaster"):
        VoteForecaster.load(cut)


def test_a_damaged_stored_forecaster_is_refitted_not_loaded(
    fitted: VoteForecaster, record: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The digest beside the file is checked on every load: one changed byte and the cache refits."""
    from polycentric.models import saved

    path = saved.forecaster_path(record, home=tmp_path)
    saved.save_forecaster(fitted, path, record.version)
    assert json.loads(path.with_name(path.name + ".sha256.json").read_text())["sha256"]
    assert saved.load_forecaster(record, fit=False, home=tmp_path).n_roll_calls_ == fitted.n_roll_calls_
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(Exception, match="no forecaster fitted"):
        saved.load_forecaster(record, fit=False, home=tmp_path)
