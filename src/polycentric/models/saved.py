"""Where fitted models live in a home: reading them back, and the load-or-fit cache the CLI and the API share.

``polycentric idealpoints fit [--dims D] [--issue I]`` saves its fit with
:meth:`IdealPointModel.save` in ``HOME/models/idealpoints/<issue or all>_<D>d/``;
:func:`idealpoints_folder` names that folder and :func:`load_ideal_points` reads it,
raising :class:`NotFittedError` with the command to run when nothing is there. The HTTP API
and the reports serve these saved fits and never fit a model themselves.

The load-or-fit cache (:func:`load_forecaster`, :func:`load_polarity`) keeps what is derived from the
record and the saved fit under ``HOME/cache``, keyed to the record version (the forecaster) or to the
saved fit's files (polarity), in safe formats (Parquet; the forecaster's pickle is loaded only when its
digest matches the one written beside it and nobody else can write it). ``polycentric build`` fills it
(:mod:`polycentric.models.precompute`), so the CLI and the API start warm.

The stored views (:func:`stored_votes`, :func:`stored_periods`) keep what a command line process would
otherwise rebuild from the record's tables on every command, per record version, in ``HOME/cache/views``.

Dependency rule: imports ``polycentric.config``, ``polycentric.errors`` and, lazily, the models
(``idealpoints``, ``forecast``, ``polarity``) and, for the stamps of the stored views, ``polycentric.schema``,
``polycentric.states``, ``polycentric.record`` and ``polycentric.sources.official``; records are passed in.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import polars as pl

from polycentric.config import home_dir
from polycentric.errors import ModelError, NotFittedError
from polycentric.sources._files import sha256_file

__all__ = [
    "POLARITY_METHODS",
    "VIEW_BODIES",
    "cache_dir",
    "fit_command",
    "forecaster_path",
    "idealpoints_folder",
    "idealpoints_stamp",
    "load_forecaster",
    "load_ideal_points",
    "load_polarity",
    "save_forecaster",
    "slice_network_polarity",
    "stored_periods",
    "stored_votes",
    "votes_view_path",
]


def idealpoints_folder(home: str | Path | None = None, dims: int = 1, issue: str | None = None) -> Path:
    """The folder ``polycentric idealpoints fit`` saves a ``dims``-dimensional fit on ``issue`` (None: all) to."""
    return home_dir(home) / "models" / "idealpoints" / f"{issue or 'all'}_{dims}d"


def fit_command(home: str | Path | None = None, dims: int = 1, issue: str | None = None) -> str:
    """The command line that makes that fit."""
    where = f"--home {home} " if home is not None else ""
    flags = (f" --dims {dims}" if dims != 1 else "") + (f" --issue {issue}" if issue else "")
    return f"polycentric {where}idealpoints fit{flags}"


def load_ideal_points(
    home: str | Path | None = None, dims: int = 1, issue: str | None = None
) -> tuple[pl.DataFrame, dict[str, Any]]:
    """``(ideal_points, meta)`` of the saved fit: the ``ideal_points.parquet`` and ``model.json`` that
    :meth:`IdealPointModel.save` wrote (the items are not read; ``IdealPointModel.load_results`` reads all).

    Reads the files only: the estimator's module (and scipy) is not imported, so a command that shows a
    saved fit starts fast.

    Raises
    ------
    NotFittedError
        When the home holds no such fit; the message names the command that makes it.
    """
    folder = idealpoints_folder(home, dims, issue)
    points, model = folder / "ideal_points.parquet", folder / "model.json"
    try:
        meta = json.loads(model.read_text(encoding="utf-8"))
        ideal_points = pl.read_parquet(points)
    except FileNotFoundError:
        raise NotFittedError(
            f"no fitted ideal points ({dims}-D, issue {issue or 'all'}) in this home: run `"
            f"{fit_command(home, dims, issue)}` (under a minute)"
        ) from None
    return ideal_points, meta


# --- the load-or-fit cache: fitted models and derived results, keyed to the record version -------------------


def cache_dir(home: str | Path | None = None) -> Path:
    """``HOME/cache``: fitted forecasters and computed polarity (safe to delete; refitted on demand)."""
    return home_dir(home) / "cache"


def idealpoints_stamp(home: str | Path | None = None, dims: int = 1, issue: str | None = None) -> str:
    """A short hash that changes whenever the saved fit's files are rewritten (sizes and modification times).

    Raises
    ------
    NotFittedError
        When no such fit is saved (the message names the command that makes it).
    """
    folder = idealpoints_folder(home, dims, issue)
    parts = []
    for name in ("ideal_points.parquet", "model.json"):
        try:
            st = (folder / name).stat()
        except OSError:
            load_ideal_points(home, dims, issue)  # raises NotFittedError naming the command
            raise
        parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
    return hashlib.sha256(f"{folder}|{'|'.join(parts)}".encode()).hexdigest()[:16]


def _private(path: Path) -> bool:
    """The file belongs to this user and nobody else may write it (nor its folder)."""
    if not hasattr(os, "getuid"):  # pragma: no cover - Windows: no owner bits to check
        return True
    for p in (path, path.parent):
        st = p.stat()
        if st.st_uid != os.getuid() or st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            return False
    return True


def forecaster_path(record: Any, model: Any | None = None, home: str | Path | None = None) -> Path:
    """``HOME/cache/forecaster-<record version>-<hyper-parameters>-<code>.pkl``: where the default forecaster is kept
    (``<code>``: a hash of :mod:`polycentric.models.forecast`, so that an upgrade refits).

    ``home`` defaults to the record's own home.
    """
    if model is None:
        from polycentric.models.forecast import VoteForecaster

        model = VoteForecaster()
    from polycentric.models import _lean, forecast

    version = getattr(record, "version", None) or Path(record.path).name
    # a forecaster stored by other code (the model or its stored form) is refitted, not half-loaded
    code = _stamp_files([Path(forecast.__file__), Path(_lean.__file__)])
    return cache_dir(home if home is not None else record.home) / f"forecaster-{version}-{model.cache_key()}-{code}.pkl"


def save_forecaster(model: Any, path: Path, record_version: str | None = None) -> Path:
    """Write a fitted forecaster to ``path`` with its SHA-256 beside it (``<path>.sha256.json``), so that
    :func:`load_forecaster` trusts it."""
    model.save(path)
    sidecar = path.with_name(path.name + ".sha256.json")
    tmp = sidecar.with_name(f"{sidecar.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"sha256": sha256_file(path), "record_version": record_version}), encoding="utf-8")
    tmp.replace(sidecar)
    return path


def load_forecaster(record: Any, *, fit: bool = True, home: str | Path | None = None) -> Any:
    """The default :class:`~polycentric.models.forecast.VoteForecaster` of ``record``'s version: loaded, else fitted.

    The forecaster is written with :meth:`VoteForecaster.save`: what forecasting needs only (a few MB; no vote
    frames, no scikit-learn or scipy objects, so loading takes milliseconds and imports neither), as a pickle
    that :meth:`VoteForecaster.load` reads allowing only this package's, numpy's and the standard library's
    classes. It is loaded only when it can be trusted: it must belong to this user with no group or world write
    permission (file and folder), and its SHA-256 (checked on every load: a few milliseconds) must match the
    digest written beside it (``.sha256.json``) by :func:`save_forecaster`. Anything else (a file dropped in a
    shared folder, a damaged or stale file) is ignored and refitted.

    Parameters
    ----------
    record
        An opened record (``polycentric.open``).
    fit
        Fit and save when no trusted fit is stored (``False``: raise :class:`NotFittedError`).
    home
        The home whose cache is used (default the record's).

    Raises
    ------
    NotFittedError
        With ``fit=False`` when nothing trusted is stored.
    """
    from polycentric.models.forecast import VoteForecaster, regional_groups

    path = forecaster_path(record, home=home)
    sidecar = path.with_name(path.name + ".sha256.json")
    if path.is_file() and sidecar.is_file():
        try:
            expected = json.loads(sidecar.read_text(encoding="utf-8")).get("sha256")
            if _private(path) and _private(sidecar) and expected == sha256_file(path):
                return VoteForecaster.load(path)
        except (OSError, ValueError, ModelError, EOFError, AttributeError, ImportError):
            pass  # unreadable or stale: refitted below
    if not fit:
        raise NotFittedError(f"no forecaster fitted for record version {record.version}: run `polycentric build`")
    model = VoteForecaster().fit(record.votes(), record.roll_calls(), groups=regional_groups())
    try:
        save_forecaster(model, path, record.version)
    except OSError:  # a read-only home: the fit lives in memory only
        pass
    return model


POLARITY_METHODS: tuple[tuple[str, ...], ...] = (("ideal_points",), ("network",), ("ideal_points", "network"))
"""The readings the API and the dashboard show: each alone and both together."""


def _code_stamp(module_file: str) -> str:
    """A short hash of a module's source: a stored result is recomputed when the code that made it changes."""
    try:
        return hashlib.sha256(Path(module_file).read_bytes()).hexdigest()[:8]
    except OSError:
        return "unknown"


def _polarity_paths(home: str | Path | None, stamp: str, methods: tuple[str, ...]) -> tuple[Path, Path]:
    from importlib.util import find_spec

    spec = find_spec("polycentric.models.polarity")  # its source's hash, without importing it (and scipy)
    key = f"polarity-{stamp}-{_code_stamp(str(spec.origin if spec else ''))}-{'-'.join(methods)}"
    folder = cache_dir(home) / "api"
    return folder / f"{key}-series.parquet", folder / f"{key}-poles.parquet"


def load_polarity(
    home: str | Path | None,
    methods: tuple[str, ...],
    votes: Callable[[], pl.DataFrame] | None = None,
    *,
    compute: bool = True,
) -> tuple[pl.DataFrame, pl.DataFrame, str]:
    """``(series, poles, stamp)`` of :func:`polycentric.models.polarity.polarity` over the saved 1-D ideal points.

    Read from ``HOME/cache/api/polarity-<fit stamp>-<code>-<methods>-{series,poles}.parquet`` when present
    (the stamp changes with every refit, the code hash with :mod:`polycentric.models.polarity`), else computed over every session of the fit (``votes()`` gives the
    General Assembly votes, needed by the network reading) and written there.

    Raises
    ------
    NotFittedError
        When no 1-D fit is saved, or with ``compute=False`` when the result is not stored.
    """
    ideal_points, _meta = load_ideal_points(home, 1, None)
    stamp = idealpoints_stamp(home, 1, None)
    series_path, poles_path = _polarity_paths(home, stamp, methods)
    if series_path.is_file() and poles_path.is_file():
        try:
            return pl.read_parquet(series_path), pl.read_parquet(poles_path), stamp
        except (OSError, pl.exceptions.PolarsError):
            pass  # a damaged file is recomputed
    if not compute:
        raise NotFittedError(f"polarity ({', '.join(methods)}) is not computed: run `polycentric build`")
    if len(methods) > 1:
        # the readings are computed session by session, each independently of the other: both together are
        # the rows of each alone (each read from the cache when stored), in polarity()'s order
        parts = [load_polarity(home, (m,), votes) for m in methods]
        series = pl.concat([p[0] for p in parts], how="vertical_relaxed").sort("method", "session")
        poles = pl.concat([p[1] for p in parts], how="vertical_relaxed").sort("method", "session", "pole")
    else:
        from polycentric.models.polarity import polarity

        frame = votes() if votes is not None and "network" in methods else None
        sessions = ideal_points["session"].unique().sort().to_list()
        result = polarity(ideal_points, frame, methods=methods, sessions=sessions)
        series, poles = result.series, result.poles
    try:
        series_path.parent.mkdir(parents=True, exist_ok=True)
        for df, path in ((series, series_path), (poles, poles_path)):
            tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
            df.write_parquet(tmp)
            tmp.replace(path)
    except OSError:  # a read-only home: computed, not kept
        pass
    return series, poles, stamp


def slice_network_polarity(
    series: pl.DataFrame, poles: pl.DataFrame, sessions: list[int]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The rows of ``sessions`` of a stored ``network`` polarity reading, exactly as
    ``polarity(ideal_points, votes, methods=("network",), sessions=sessions)`` computes them.

    The network reading of a session uses that session's votes (and its states' ideal points) alone, so
    a reading over some sessions is the whole reading's rows of those sessions, except ``changed`` of
    the first one (it has no previous session in the range: False). The ``ideal_points`` reading cannot
    be sliced so: its pole counts average the bootstrap support over neighbouring sessions and carry over
    from earlier ones (``models._stable_poles``). ``tests/models/test_saved.py`` checks the equality.
    """
    keep = pl.col("session").is_in(sorted(sessions))
    mine = series.filter((pl.col("method") == "network") & keep).sort("session")
    if mine.height:
        first = pl.int_range(pl.len()) == 0
        mine = mine.with_columns(pl.when(first).then(False).otherwise(pl.col("changed")).alias("changed"))
    return mine, poles.filter((pl.col("method") == "network") & keep)


# --- stored views of the record: what a fresh process would rebuild on every command ---------------------------

VIEW_BODIES: tuple[str, ...] = ("GA",)
"""The bodies whose votes view is stored (the measures' default body)."""


def _stamp_files(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for path in paths:
        try:
            h.update(path.read_bytes())
        except OSError:
            h.update(b"-")
    return h.hexdigest()[:8]


def _view_stamp() -> str:
    """A hash of the code and curated data the votes view is made from (the join of :func:`votes_view` and
    the states' names at the time), so an upgrade that changes either rebuilds the stored view."""
    from polycentric import schema, states
    from polycentric.record import merge

    data = Path(states.__file__).parent / "registry" / "data"
    files = [Path(m.__file__ or "") for m in (schema, states, merge)]
    return _stamp_files(files + sorted(data.glob("*.csv")))


def _views_dir(record: Any, home: str | Path | None = None) -> Path:
    return cache_dir(home if home is not None else record.home) / "views"


def votes_view_path(record: Any, body: str = "GA", home: str | Path | None = None) -> Path:
    """``HOME/cache/views/votes-<body>-<record version>-<code>.parquet``: the stored votes view of ``body``
    (``home`` defaults to the record's own)."""
    return _views_dir(record, home) / f"votes-{body}-{record.version}-{_view_stamp()}.parquet"


def _write_frame(df: pl.DataFrame, path: Path, stale: str) -> None:
    """Write ``df`` to ``path`` atomically and delete the files matching ``stale`` (older versions); a read-only
    home keeps nothing."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        df.write_parquet(tmp, statistics=True, row_group_size=65_536)
        tmp.replace(path)
        for old in path.parent.glob(stale):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        pass


def _read_frame(path: Path, schema: Any, years: tuple[int, int] | None) -> pl.DataFrame | None:
    """The stored frame (rows of ``years`` only, read with predicate push-down), or None when it is missing,
    unreadable or not in ``schema`` (then it is rebuilt)."""
    if not path.is_file():
        return None
    try:
        lazy = pl.scan_parquet(path)
        if dict(lazy.collect_schema()) != dict(schema):
            return None
        if years is not None:
            lazy = lazy.filter(pl.col("year").is_between(*years))
        return lazy.collect()
    except (OSError, pl.exceptions.PolarsError):
        return None


def stored_votes(
    record: Any, body: str = "GA", years: tuple[int, int] | None = None, *, home: str | Path | None = None
) -> pl.DataFrame:
    """``record.votes(body=body)`` (the VOTES_VIEW schema, by roll call and state), read from the stored view.

    The view (each vote with its roll call's symbol, date, year and session and the state's name then) is
    built from the record's tables by :meth:`Record.votes` in about half a second; a command line process
    would build it on every command. Here it is stored once per record version in
    ``HOME/cache/views/`` (:func:`votes_view_path`; ``polycentric build`` writes it, else the first call)
    and read back in milliseconds, only the rows of ``years`` (first, last; inclusive) when given.

    The stored file is a copy of what ``record.votes(body=body)`` returns (``tests/models/test_saved.py``
    checks they are equal); a missing, damaged or outdated one is rebuilt.
    """
    from polycentric.schema import VOTES_VIEW

    version = record.version
    path = votes_view_path(record, body, home)
    frame = _read_frame(path, VOTES_VIEW, years)
    if frame is not None:
        return frame
    frame = cast(pl.DataFrame, record.votes(body=body))
    if record.version == version:  # not replaced meanwhile by another process's ingest
        _write_frame(frame, path, f"votes-{body}-*.parquet")
    if years is not None:
        frame = frame.filter(pl.col("year").is_between(*years))
    return frame


def _periods_stamp() -> str:
    """The official totals file :meth:`Record.periods` reads (path, size, time) and the code that reads it."""
    from polycentric.record import coverage
    from polycentric.sources import official

    found = official.find_official_totals()
    ident = "none"
    if found is not None:
        st = found.stat()
        ident = f"{found.resolve()}:{st.st_size}:{st.st_mtime_ns}"
    code = _stamp_files([Path(coverage.__file__ or ""), Path(official.__file__ or "")])
    return hashlib.sha256(f"{ident}|{code}".encode()).hexdigest()[:12]


def stored_periods(record: Any, by: str = "year", *, home: str | Path | None = None) -> pl.DataFrame:
    """``record.periods(by)`` (``n_rollcalls`` and the ``partial`` flag per year or session), stored per record
    version and official totals file in ``HOME/cache/views/`` (reading the official totals takes half a second).
    """
    path = _views_dir(record, home) / f"periods-{by}-{record.version}-{_periods_stamp()}.parquet"
    if path.is_file():
        try:
            return pl.read_parquet(path)
        except (OSError, pl.exceptions.PolarsError):
            pass
    version = record.version
    frame: pl.DataFrame = record.periods(by)
    if record.version == version:
        _write_frame(frame, path, f"periods-{by}-*.parquet")
    return frame
