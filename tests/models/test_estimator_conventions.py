"""Every estimator follows the scikit-learn convention (``polycentric.models._base``).

``fit`` returns ``self``; fitted attributes end in ``_`` and exist only after
``fit``; ``__init__`` stores its parameters unchanged (no work, no validation);
``get_params``/``set_params`` round-trip; parameters are checked in ``fit``.
"""

from __future__ import annotations

import inspect
from typing import Any

import pytest
from idealpoint_simulation import simulate_votes

from polycentric.models._base import Estimator
from polycentric.models.forecast import VoteForecaster
from polycentric.models.idealpoints import IdealPointModel

ESTIMATORS: list[type[Any]] = [IdealPointModel, VoteForecaster]


def _fitted_attributes(obj: object) -> set[str]:
    return {k for k in vars(obj) if k.endswith("_") and not k.startswith("_")}


@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda c: c.__name__)
def test_init_stores_parameters_unchanged(cls: type[Any]) -> None:
    assert issubclass(cls, Estimator)
    sig = inspect.signature(cls.__init__)
    defaults = {p.name: p.default for p in sig.parameters.values() if p.name != "self"}
    model = cls()
    assert model.get_params() == defaults
    assert _fitted_attributes(model) == set(), "fitted attributes before fit()"
    # every parameter is stored under its own name, and nothing else is set by __init__
    assert set(vars(model)) == set(defaults)


@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda c: c.__name__)
def test_set_params_round_trip(cls: type[Any]) -> None:
    model = cls()
    params = model.get_params()
    name = next(iter(params))
    assert model.set_params(**{name: params[name]}) is model
    with pytest.raises(ValueError, match="no parameter"):
        model.set_params(not_a_parameter=1)
    clone = cls(**model.get_params())
    assert clone.get_params() == model.get_params()


def test_ideal_point_fit_returns_self_and_sets_fitted_attributes() -> None:
    votes, _ = simulate_votes(n_states=25, n_sessions=3, n_items=30, seed=5)
    model = IdealPointModel(reference="S00")
    assert model.fit(votes) is model
    fitted = _fitted_attributes(model)
    assert {"ideal_points_", "items_", "n_iter_", "converged_"} <= fitted
    assert model.get_params() == IdealPointModel(reference="S00").get_params()  # fit leaves parameters alone


def test_forecaster_fit_returns_self_and_sets_fitted_attributes() -> None:
    from _simulate import simulate

    votes, roll_calls, _ = simulate(seed=2)
    model = VoteForecaster()
    assert model.fit(votes, roll_calls) is model
    assert _fitted_attributes(model), "no fitted attributes after fit()"
    assert model.get_params() == VoteForecaster().get_params()
