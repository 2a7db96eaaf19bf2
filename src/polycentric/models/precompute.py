"""Fit and store, after a build, every model the dashboard and the CLI use by default: nothing is left cold.

:func:`precompute_models` is what ``polycentric build`` (and ``polycentric sync``) runs once the record is
written. Each stage is keyed to what it is computed from, so a rebuild refits only what changed:

=========================  ==========================================  =====================================
stage                      stored in                                   refitted when
=========================  ==========================================  =====================================
ideal points (1-D, all)    ``HOME/models/idealpoints/all_1d/``         the General Assembly's votes or roll
                                                                       calls changed (their digest, kept in
                                                                       ``record.json`` beside the fit)
polarity, three readings   ``HOME/cache/api/polarity-<fit>-*.parquet`` the ideal points were refitted
forecaster                 ``HOME/cache/forecaster-<version>-*.pkl``   the General Assembly's votes or roll
                                                                       calls changed (otherwise the stored fit
                                                                       is carried over to the new version)
pair counts                ``HOME/cache/pairs/<version>/``             a new record version (about 1 s)
record views               ``HOME/cache/views/``: the General          the record version, or the code that
                           Assembly's votes view and the partial       makes them, changed
                           flags per year and session
=========================  ==========================================  =====================================

The pair counts (:class:`polycentric.measures.agreement.PairCounts`, read with :func:`load_pair_counts`) are
the General Assembly's per-(year, session) sums of shared, identical and opposite votes of every pair of
states and of the majorities of :data:`PAIR_GROUPS`: agreement and alignment over any years read them.

The ideal points are fitted as ``polycentric idealpoints fit`` fits them (``random_walk_sd=0.35``,
``random_state=0``). Everything goes through :mod:`polycentric.models.saved`, the load-or-fit cache the
CLI and the HTTP API read.

Dependency rule: imports ``polycentric.models.saved``, the models and ``polycentric.measures.agreement`` (lazily), ``polycentric.config`` and
``polycentric.errors``; records are passed in or opened with ``polycentric.record.store.open_record``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from polycentric.models.saved import (
    POLARITY_METHODS,
    forecaster_path,
    idealpoints_folder,
    load_forecaster,
    load_polarity,
)

__all__ = ["PAIR_GROUPS", "STAGES", "PrecomputeReport", "ga_digest", "load_pair_counts", "precompute_models"]

STAGES: tuple[str, ...] = (
    "ideal points",
    "polarity (ideal points)",
    "polarity (network)",
    "polarity (both)",
    "forecaster",
    "pair counts",
    "record views",
)
"""The stages of :func:`precompute_models`, in order (for progress bars: one step each)."""

IDEALPOINT_PARAMS: dict[str, Any] = {"random_walk_sd": 0.35, "random_state": 0}
"""The default fit's parameters (those of ``polycentric idealpoints fit``)."""


@dataclass
class PrecomputeReport:
    """What :func:`precompute_models` did: per stage, ``"fitted"`` or ``"kept"`` (or the error), and seconds."""

    stages: list[tuple[str, str, float]] = field(default_factory=list)

    def summary(self) -> str:
        """One line per stage."""
        return "\n".join(f"{name}: {what} ({seconds:.1f} s)" for name, what, seconds in self.stages)


def ga_digest(votes: pl.DataFrame, roll_calls: pl.DataFrame) -> str:
    """A digest of the General Assembly's votes and roll calls: the models' input (changes when they do)."""
    h = hashlib.sha256()
    for df in (votes, roll_calls):
        h.update(str(df.shape).encode())
        h.update(df.hash_rows(seed=0).to_numpy().tobytes())
    return h.hexdigest()[:24]


PAIR_GROUPS: tuple[str, ...] = ("EU", "NAM", "G77", "NATO", "AU", "OIC", "LAS", "ASEAN", "BRICS", "SCO")
"""Groups whose majorities the pair counts keep (the dashboard's alignment references and roll-call breakdown)."""


def pair_counts_folder(record: Any, home: str | Path | None = None) -> Path:
    """``HOME/cache/pairs/<record version>/``: where the General Assembly's pair counts of a version are kept."""
    from polycentric.models.saved import cache_dir

    return cache_dir(home if home is not None else record.home) / "pairs" / str(record.version)


def load_pair_counts(
    record: Any, home: str | Path | None = None, *, compute: bool = False, votes: Any = None
) -> Any:
    """The General Assembly's :class:`~polycentric.measures.agreement.PairCounts` of ``record``'s version.

    Read memory-mapped from what ``polycentric build`` stored; when nothing is stored, ``None`` (or, with
    ``compute``, counted now from the record's votes, about a second, and stored). Pass the result as
    ``counts=`` to :func:`~polycentric.measures.agreement.agreement` and
    :func:`~polycentric.measures.alignment.alignment`. ``votes``: ``record.votes(body="GA")`` when the caller
    already holds it (counted from it instead of building it again).
    """
    from polycentric.errors import MeasureError
    from polycentric.measures.agreement import PairCounts

    folder = pair_counts_folder(record, home)
    try:
        return PairCounts.load(folder)
    except MeasureError:
        if not compute:
            return None
    ga_votes = record.votes(body="GA") if votes is None else votes
    counts = PairCounts.from_votes(ga_votes, source=str(record.version), groups=PAIR_GROUPS)
    tmp = folder.with_name(f"{folder.name}.{os.getpid()}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    counts.save(tmp)
    try:
        tmp.replace(folder)
    except OSError:  # another process stored them first
        shutil.rmtree(tmp, ignore_errors=True)
    for old in folder.parent.iterdir():  # the counts of older versions
        if old != folder and old.is_dir() and not old.name.endswith(".tmp"):
            shutil.rmtree(old, ignore_errors=True)
    return counts


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _write_json(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=1), encoding="utf-8")
    tmp.replace(path)


def precompute_models(
    home: str | Path | None = None,
    *,
    record: Any = None,
    progress: Callable[[str], None] | None = None,
) -> PrecomputeReport:
    """Fit and store the default models of the record at ``home``, refitting only what changed.

    Parameters
    ----------
    home
        The record's home (default ``$POLYCENTRIC_HOME`` or the user data dir).
    record
        The opened record (default ``open_record(home)``).
    progress
        Called with each stage's name as it starts.

    Returns
    -------
    PrecomputeReport
        Per stage: fitted or kept, and the seconds it took. A stage that fails is reported with its
        error and does not stop the others (the server then answers that route with a 503 and the reason).
    """
    from polycentric.errors import PolycentricError

    if record is None:
        from polycentric.record.store import open_record

        record = open_record(home)
    home = record.home if home is None else home
    say = progress or (lambda _msg: None)
    report = PrecomputeReport()
    votes = record.votes(body="GA")
    roll_calls = record.roll_calls(body="GA")
    digest = ga_digest(votes, roll_calls)

    def stage(name: str, work: Callable[[], str]) -> None:
        say(name)
        t0 = time.perf_counter()
        try:
            what = work()
        except (PolycentricError, ValueError, ArithmeticError, MemoryError) as exc:
            what = f"failed: {type(exc).__name__}: {exc}"
        report.stages.append((name, what, time.perf_counter() - t0))

    def ideal_points() -> str:
        folder = idealpoints_folder(home, 1, None)
        stamp = folder / "record.json"
        if (folder / "ideal_points.parquet").is_file() and _read_json(stamp).get("ga_digest") == digest:
            return "kept"
        from polycentric.models.idealpoints import IdealPointModel

        IdealPointModel(**IDEALPOINT_PARAMS).fit(votes, roll_calls).save(folder)
        _write_json(stamp, {"ga_digest": digest, "record_version": record.version})
        return "fitted"

    stage(STAGES[0], ideal_points)
    for name, methods in zip(STAGES[1:4], POLARITY_METHODS, strict=True):

        def polarity(methods: tuple[str, ...] = methods) -> str:
            try:
                load_polarity(home, methods, compute=False)
                return "kept"
            except PolycentricError:
                load_polarity(home, methods, lambda: votes)
                return "fitted"

        stage(name, polarity)

    def forecaster() -> str:
        path = forecaster_path(record, home=home)
        sidecar = path.with_name(path.name + ".sha256.json")
        manifest_path = Path(path.parent) / "forecaster.json"
        manifest = _read_json(manifest_path)
        if path.is_file() and sidecar.is_file():
            load_forecaster(record, fit=False, home=home)  # verified
            return "kept"
        previous = Path(str(manifest.get("path", "")))
        same_model = previous.name.endswith(path.name.split(record.version, 1)[-1])  # hyper-parameters and code
        if manifest.get("ga_digest") == digest and same_model and previous.is_file() and previous != path:
            # same General Assembly votes and roll calls under a new version: carry the fit over
            old_sidecar = previous.with_name(previous.name + ".sha256.json")
            if old_sidecar.is_file():
                shutil.copyfile(previous, path)
                shutil.copyfile(old_sidecar, sidecar)
                try:
                    load_forecaster(record, fit=False, home=home)
                    _write_json(manifest_path, {"ga_digest": digest, "path": str(path)})
                    return "kept (carried over from the previous version)"
                except PolycentricError:
                    pass
        load_forecaster(record, home=home)
        _write_json(manifest_path, {"ga_digest": digest, "path": str(path)})
        return "fitted"

    stage(STAGES[4], forecaster)

    def pairs() -> str:
        if load_pair_counts(record, home) is not None:
            return "kept"
        load_pair_counts(record, home, compute=True, votes=votes)
        return "counted"

    stage(STAGES[5], pairs)
    _prune_forecasters(forecaster_path(record, home=home), record.version)

    def views() -> str:
        from polycentric.models.saved import VIEW_BODIES, stored_periods, stored_votes, votes_view_path

        fresh = all(votes_view_path(record, body, home).is_file() for body in VIEW_BODIES)
        for body in VIEW_BODIES:
            stored_votes(record, body, home=home)
        for by in ("year", "session"):
            stored_periods(record, by, home=home)
        return "kept" if fresh else "stored"

    stage(STAGES[6], views)
    return report


def _prune_forecasters(keep: Path, version: str) -> None:
    """Delete the stored forecasters of older record versions or older code, keeping this one and this version's
    cut-off fits (``forecaster-<version>-...-before-<date>.pkl``, the CLI's ``--at`` cache)."""
    for old in keep.parent.glob("forecaster-*.pkl*"):
        if old.name.startswith(keep.name) or (version in old.name and "-before-" in old.name):
            continue
        try:
            old.unlink()
        except OSError:
            pass
