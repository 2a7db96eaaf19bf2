"""Title keys, previous instances, absence features, change scores and the four-class calibration, by hand."""

from __future__ import annotations

import numpy as np
import pytest

from polycentric.models._features import absence_features, modal_votes, previous_instances, streak_mask
from polycentric.models._metrics import change_scores
from polycentric.models._stacker import Stacker, macro_f1_all, stack_features
from polycentric.models._titles import title_key


def test_title_key_folds_the_formats_of_voeten_and_the_digital_library():
    key = "occupied syrian golan"
    assert title_key("The occupied Syrian Golan : resolution / adopted by the General Assembly") == key
    assert title_key("The occupied Syrian Golan ") == key  # sessions 74-77: a trailing space
    assert title_key("THE OCCUPIED SYRIAN GOLAN") == key
    # session 72: the agenda line in the title, the title in the agenda column
    assert title_key("A/72/251 55 - Report of the Special Committee. - ISRAEL", "The occupied Syrian Golan") == key
    # wording drift: United States of America / United States, & / and, accents
    assert title_key(
        "Necessity of ending the economic, commercial and financial embargo imposed by the United States of America "
        "against Cuba : resolution / adopted by the General Assembly"
    ) == title_key(
        "Necessity of ending the economic, commercial & financial embargo imposed by the United States against Cuba"
    )
    assert title_key("Coopération entre l'ONU") == "cooperation entre l onu"
    # a colon inside the title is kept; the session's number is not part of the key
    assert title_key("Territorial integrity of Ukraine : defending the principles of the Charter") == (
        "territorial integrity of ukraine defending the principles of the charter"
    )
    assert title_key("Credentials of representatives to the 66th session") == title_key(
        "Credentials of representatives to the 67th session : decision / adopted by the General Assembly"
    )
    assert title_key("Report of the UN Special Committee") == "report of the united nations special committee"
    # a title cut at 120 characters keys like the full one
    long = "Permanent sovereignty of the Palestinian people in the Occupied Palestinian Territory, including East J"
    assert title_key(long[:100]) == title_key(long)
    assert title_key(None) == "" and title_key("  ") == ""


def test_previous_instances_take_the_most_recent_earlier_one():
    keys = ["a", "b", "a", "", "c", "a"]
    pool = np.array([0, 1, 2, 3, 4])  # row 5 is after the cut-off
    assert previous_instances(keys, pool, ["a", "b", "c", "d", ""]).tolist() == [2, 1, 4, -1, -1]


def test_absence_features_by_hand():
    # 12 roll calls (sessions 1 then 2), three states: A always X in session 2, B votes, C joins late
    codes = np.full((12, 3), -1, dtype=np.int8)
    codes[:, 0] = [0] * 2 + [3] * 10
    codes[:, 1] = [0, 1, 2, 3] * 3
    codes[10:, 2] = [3, 0]
    sessions = np.array([1] * 2 + [2] * 10)
    feats = absence_features(codes, sessions)
    # last session: A 10/10 X, B 2/10 (rows 3 and 7 of session 2: codes [2,3,0,1,2,3,0,1,2,3][...]), C 1/2
    b_last = int((codes[2:, 1] == 3).sum())
    assert feats[:, 0] == pytest.approx([1.0, b_last / 10, 0.5])
    # recent share over the last 20 as a member: A 10/12, B 3/12, C 1/2
    assert feats[:, 1] == pytest.approx([10 / 12, 3 / 12, 0.5])
    # a streak needs ten X in a row as a member: A only
    assert streak_mask(feats).tolist() == [True, False, False]
    assert modal_votes(codes, sessions).tolist()[0] == 3


def test_change_scores_by_hand():
    y = np.array([0, 2, 2, 1, 0, 3])
    previous = np.array([0, 0, 0, 1, -1, 0])
    pred = np.array([0, 2, 0, 2, 0, 0])
    # changes (y != prev, prev known): cells 1, 2, 5; forecast right at cell 1 only
    # forecast changes (pred != prev): cells 1, 3; right at cell 1 only
    assert change_scores(y, pred, previous) == (pytest.approx(1 / 3), pytest.approx(1 / 2), 3)
    recall, precision, n = change_scores(y, previous, previous)  # predicting the previous vote finds no change
    assert recall == 0.0 and np.isnan(precision) and n == 3


def test_stacker_calibrates_and_reweights_rare_classes():
    rng = np.random.default_rng(0)
    n = 6000
    # true probabilities; the raw forecast is over-confident (squared then renormalised)
    logits = rng.normal(size=(n, 4)) * 1.2 + np.array([2.0, 0.0, 0.0, -0.5])
    p_true = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    y = np.array([rng.choice(4, p=p) for p in p_true])
    raw = p_true**2 / (p_true**2).sum(1, keepdims=True)
    prev = np.full(n, -1)
    feats = stack_features(raw[:, None, :], prev[:, None], np.zeros((1, 3)))[:, 0]
    stacker = Stacker().fit(feats[:4000], y[:4000])
    cal = stacker.predict_proba(feats[4000:])
    nll = lambda p: -np.log(p[np.arange(p.shape[0]), y[4000:]]).mean()  # noqa: E731
    assert nll(cal) < nll(raw[4000:]) - 0.05
    assert nll(cal) == pytest.approx(nll(p_true[4000:]), abs=0.03)
    # the decision weights raise the macro-F1 over the arg-max
    assert macro_f1_all(y[4000:], stacker.decide(cal)) > macro_f1_all(y[4000:], cal.argmax(1))
    # too few cells: the identity
    identity = Stacker().fit(feats[:50], y[:50])
    assert identity.model is None and identity.predict_proba(feats[:5]) == pytest.approx(
        np.clip(raw[:5], 1e-4, 1) / np.clip(raw[:5], 1e-4, 1).sum(1, keepdims=True)
    )
