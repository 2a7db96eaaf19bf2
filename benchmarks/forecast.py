"""Benchmark: forecasting a new draft once the model is fitted, beside the nearest-neighbour baseline.

Fits :class:`polycentric.models.forecast.VoteForecaster` on the whole record once,
then times, for the same drafts in the same run,

* ``model``: ``VoteForecaster.forecast(title)`` followed by ``.to_frame()`` and
  ``.tally()`` (per-member probabilities, pivotality, group breaks, tally
  interval, adoption probability) — what ``polycentric forecast`` prints;
* ``model + known``: the same with the P5 revealed;
* ``baseline``: the nearest-resolution baseline of the backtest (TF-IDF query,
  the most similar past whole resolution, each member's vote on it).

It reports medians over ``--repeat`` rounds of all drafts, the ratio model /
baseline, the one-off fit time, and the peak resident memory of the process.

Usage::

    .venv/bin/python benchmarks/forecast.py --data ../shared/data --repeat 5   # or --home A_BUILT_RECORD
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time

import numpy as np

DRAFTS = [
    "The occupied Syrian Golan",
    "Situation of human rights in the Islamic Republic of Iran",
    "Nuclear disarmament",
    "Necessity of ending the economic, commercial and financial embargo imposed by the United States against Cuba",
    "Towards a nuclear-weapon-free world: accelerating the implementation of nuclear disarmament commitments",
    "Assistance to Palestine refugees",
    "Use of mercenaries as a means of violating human rights",
    "Promotion of a democratic and equitable international order",
    "Problem of the militarization of the Autonomous Republic of Crimea and the city of Sevastopol, Ukraine",
    "Question of Western Sahara",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=None, help="folder laid out like ../shared/data")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--home", default=None, help="a built record (default: build one from --data in a temp dir)")
    args = parser.parse_args()

    import tempfile
    from pathlib import Path

    from polycentric.config import local_data_dir
    from polycentric.models.forecast import VoteForecaster, regional_groups
    from polycentric.record.store import ingest, open_record

    if args.home is None:
        data = Path(local_data_dir(args.data))
        home = tempfile.mkdtemp(prefix="polycentric_bench_")
        ingest([data / "unvotes_voeten_2024", data / "unga_undl_keyvotes_sample"], home=home)
    else:
        home = args.home
    record = open_record(home)
    votes, roll_calls = record.votes(), record.roll_calls()
    groups = regional_groups()

    t0, c0 = time.perf_counter(), time.process_time()
    model = VoteForecaster().fit(votes, roll_calls, groups=groups)
    fit_s, fit_cpu = time.perf_counter() - t0, time.process_time() - c0

    corpus, state = model.corpus_, model.state_
    members = corpus.members_at(float(corpus.item_time[-1]))
    whole = np.flatnonzero(corpus.item_is_resolution[: state.cutoff])

    def baseline(title: str) -> np.ndarray:
        q = state.vectorizer.transform([title])
        sims = np.asarray((q @ state.text_matrix[whole].T).todense()).ravel()
        score = sims + 1e-6 * (corpus.item_time[whole] - corpus.item_time[whole].max())
        order = whole[np.argsort(-score)[:60]]
        cand = corpus.codes[order][:, members]
        cast = (cand >= 0) & (cand <= 2)
        first = cast.argmax(0)
        return np.where(cast.any(0), cand[first, np.arange(cand.shape[1])], 0)

    def run_model(title: str, known: dict[str, str] | None = None) -> None:
        fc = model.forecast(title, known=known)
        fc.to_frame()
        fc.tally()
        _ = fc.p_adopt

    # the stored forecaster (what `polycentric build` writes and the CLI and the server load): models._lean
    stored_path = Path(tempfile.mkdtemp(prefix="polycentric_fc_")) / "forecaster.pkl"
    model.save(stored_path)
    t0 = time.perf_counter()
    stored = VoteForecaster.load(stored_path)
    load_s = time.perf_counter() - t0
    same = all(
        np.array_equal(model.forecast(t).probabilities, stored.forecast(t).probabilities) for t in DRAFTS
    )

    def run_stored(title: str) -> None:
        fc = stored.forecast(title)
        fc.to_frame()
        fc.tally()
        _ = fc.p_adopt

    p5 = {"USA": "Y", "GBR": "Y", "FRA": "Y", "RUS": "N", "CHN": "A"}
    timings: dict[str, list[float]] = {"model": [], "model + known": [], "stored model": [], "baseline": []}
    for _ in range(args.repeat):
        for name, fn in (
            ("model", lambda t: run_model(t)),
            ("model + known", lambda t: run_model(t, p5)),
            ("stored model", run_stored),
            ("baseline", baseline),
        ):
            for title in DRAFTS:
                t0 = time.perf_counter()
                fn(title)
                timings[name].append(time.perf_counter() - t0)

    med = {k: statistics.median(v) for k, v in timings.items()}
    worst = {k: max(v) for k, v in timings.items()}
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"fit on {state.cutoff} roll calls x {corpus.states.size} states: {fit_s:.2f} s wall, "
        f"{fit_cpu:.2f} s CPU (once; includes the 3 out-of-sample calibration fits)"
    )
    for k in timings:
        print(f"{k:>14}: median {med[k] * 1000:8.1f} ms   max {worst[k] * 1000:8.1f} ms   ({len(timings[k])} drafts)")
    print(f"ratio model / baseline: {med['model'] / med['baseline']:.1f}")
    print(
        f"stored model: {stored_path.stat().st_size / 1e6:.1f} MB, loaded in {load_s * 1000:.0f} ms; "
        f"its forecasts equal the fitted model's: {same}"
    )
    print(f"target: a forecast under 2 s once fitted -> worst {max(worst['model'], worst['model + known']):.3f} s")
    print(f"peak RSS of the process (data loaded, model fitted): {peak_mib:.0f} MiB")


if __name__ == "__main__":
    main()
