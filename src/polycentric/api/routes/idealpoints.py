"""Routes over the fitted ideal points and the polarity of the Assembly built on them.

Nothing is fitted here: the routes serve the fit that ``polycentric idealpoints fit`` saved in
the home (``HOME/models/idealpoints/<issue or all>_<dims>d/``, read with
``IdealPointModel.load_results``), loaded once per app and reloaded when the saved files change.
Without a saved fit they answer 503 with the command to run. The polarity of each session
(``models.polarity.polarity``) is read from the load-or-fit cache ``models.saved.load_polarity``
(``HOME/cache/api/``, keyed by the fit's files; ``polycentric build`` fills it), so a fresh server
does not recompute it.

Dependency rule: calls ``polycentric.models.idealpoints``, ``polycentric.models.polarity``,
``Record.votes`` and the state registry only.
"""

from __future__ import annotations

import enum
from typing import Any, Optional

import polars as pl
from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from polycentric.api.backend import Backend, get_backend, heavy
from polycentric.api.params import StateCode
from polycentric.api.tables import (
    ERROR_RESPONSES,
    Format,
    Paging,
    json_response,
    paging,
    row_model,
    table_response,
    table_responses,
    wanted_format,
)
from polycentric.errors import NotFittedError
from polycentric.measures._common import annotate_periods
from polycentric.models.saved import (
    fit_command,
    idealpoints_folder,
    idealpoints_stamp,
    load_ideal_points,
    load_polarity,
)
from polycentric.schema import ISSUES
from polycentric.states import resolve_state

router = APIRouter(prefix="/api", tags=["ideal points and polarity"])

IdealPointRow = row_model(
    "IdealPoint",
    {
        "state": str, "session": int, "year": int, "ideal_point": float, "lower": float, "upper": float,
        "se": float, "cov_prev": float, "n_votes": int, "n_rollcalls": int, "thin": bool,
    },
)  # fmt: skip
ChangeRow = row_model(
    "IdealPointChange",
    {
        "state": str, "from_session": int, "to_session": int, "from_ideal_point": float, "to_ideal_point": float,
        "change": float, "se": float, "lower": float, "upper": float, "correlation": float, "p_increase": float,
        "exceeds_uncertainty": bool, "observed_from": bool, "observed_to": bool, "interval": float,
        "n_draws": int, "n_rollcalls_from": int, "n_rollcalls_to": int, "thin": bool,
    },
)  # fmt: skip
PolarityRow = row_model(
    "Polarity",
    {
        "session": int, "year": int, "method": str, "n_states": int, "n_poles": int, "n_poles_session": int,
        "support": float, "changed": bool, "effective_poles": float, "polarization": float, "modularity": float,
        "leading": str, "poles": str, "n_rollcalls": int, "thin": bool, "partial": bool,
    },
)  # fmt: skip
PoleRow = row_model(
    "Pole",
    {
        "session": int, "year": int, "method": str, "pole": int, "size": int, "share": float,
        "mean_ideal_point": float, "name": str, "leading_members": str, "members": str,
    },
)  # fmt: skip
PoleMemberRow = row_model(
    "PoleMember",
    {"session": int, "year": int, "method": str, "pole": int, "state": str, "ideal_point": float},
)  # fmt: skip

IssueFit = enum.Enum("IssueFit", {"all": "all", **{k: k for k in ISSUES}}, type=str)  # type: ignore[misc]


class Dims(enum.IntEnum):
    """One or two dimensions."""

    one = 1
    two = 2


class PolarityMethod(enum.StrEnum):
    """Poles from a mixture of the ideal points, from the signed co-voting network, or both."""

    ideal_points = "ideal_points"
    network = "network"
    both = "both"


def saved_fit(backend: Backend, dims: int = 1, issue: str | None = None) -> tuple[pl.DataFrame, dict[str, Any], str]:
    """``(ideal_points, meta, stamp)`` of the saved fit (``models.saved.load_ideal_points``), loaded once per
    version of its files.

    Raises :class:`NotFittedError` (503) naming the command that makes the fit.
    """
    stamp = idealpoints_stamp(backend.home, dims, issue)  # raises NotFittedError; never remembered
    folder = idealpoints_folder(backend.home, dims, issue)

    def load() -> tuple[pl.DataFrame, dict[str, Any], str]:
        ideal_points, meta = load_ideal_points(backend.home, dims, issue)
        return ideal_points, meta, stamp

    result: tuple[pl.DataFrame, dict[str, Any], str] = backend.memo(f"idealpoints:{folder}:{stamp}", load)
    return result


def _issue(issue: Any) -> str | None:
    """The issue code of the ``issue`` parameter (None for all roll calls)."""
    code = str(getattr(issue, "value", issue))
    return None if code == "all" else code


def _years(df: pl.DataFrame, start: int | None, end: int | None) -> pl.DataFrame:
    if start is not None:
        df = df.filter(pl.col("year") >= start)
    if end is not None:
        df = df.filter(pl.col("year") <= end)
    return df


STATES_LIST = r"^[A-Za-z0-9\- ]{1,40}(,[A-Za-z0-9\- ]{1,40}){0,59}$"


@router.get("/idealpoints", responses=table_responses(IdealPointRow), summary="Ideal points per state and session")
def ideal_points_route(
    states: Optional[str] = Query(None, pattern=STATES_LIST, description="Comma-separated states (default all)."),
    session: Optional[int] = Query(None, ge=1, le=200, description="Only this session (number)."),
    start: Optional[int] = Query(None, ge=1946, le=2100, description="First year."),
    end: Optional[int] = Query(None, ge=1946, le=2100, description="Last year."),
    dims: Dims = Query(Dims.one, description="The fit's dimensions (1 or 2)."),
    issue: IssueFit = Query("all", description="The fit's issue (all, or an issue code)."),
    page: Paging = Depends(paging),
    fmt: Format = Depends(wanted_format),
    backend: Backend = Depends(get_backend),
) -> Response:
    """The saved ``IdealPointModel`` fit: ideal point, its interval (``lower``, ``upper``: the fit's level,
    90% by default, Laplace approximation) and standard error, per state and session."""
    df, _meta, _ = saved_fit(backend, dims.value, _issue(issue))
    if states:
        ids = [resolve_state(s.strip()) for s in states.split(",") if s.strip()]
        df = df.filter(pl.col("state").is_in(ids))
    if session is not None:
        df = df.filter(pl.col("session") == session)
    df = _years(df, start, end).sort("state", "session")
    return table_response(df, fmt, page, filename="idealpoints")


@router.get(
    "/states/{state}/idealpoints", responses=table_responses(IdealPointRow), summary="A state's ideal-point trajectory"
)
def state_ideal_points(
    state: StateCode,
    dims: Dims = Query(Dims.one, description="The fit's dimensions (1 or 2)."),
    issue: IssueFit = Query("all", description="The fit's issue (all, or an issue code)."),
    fmt: Format = Depends(wanted_format),
    backend: Backend = Depends(get_backend),
) -> Response:
    """One state's ideal point in every session it voted in, with its interval."""
    sid = resolve_state(state)
    df, _meta, _ = saved_fit(backend, dims.value, _issue(issue))
    return table_response(df.filter(pl.col("state") == sid).sort("session"), fmt, filename=f"idealpoints-{sid}")


@router.get(
    "/states/{state}/idealpoints/changes",
    responses=table_responses(ChangeRow),
    summary="A state's moves between sessions, each with its uncertainty",
)
def state_ideal_point_changes(
    state: StateCode,
    from_session: Optional[int] = Query(None, alias="from", ge=1, le=200, description="First session."),
    to_session: Optional[int] = Query(None, alias="to", ge=1, le=200, description="Second session."),
    fmt: Format = Depends(wanted_format),
    backend: Backend = Depends(get_backend),
) -> Response:
    """``IdealPointModel.change`` over the saved 1-D fit: the change of the state's ideal point with an interval
    from joint posterior draws (``exceeds_uncertainty``: the interval excludes 0). With ``from`` and ``to``, one
    row; without, one row per pair of consecutive sessions in which the state voted (for the state page)."""
    from polycentric.models._change import state_change, state_changes

    sid = resolve_state(state)
    df, meta, stamp = saved_fit(backend, 1, None)
    if "cov_prev" not in df.columns:
        raise NotFittedError(f"the saved fit predates joint intervals: run `{fit_command(backend.home)}` again")
    rw = float(meta["random_walk_sd_"])
    level = float(meta["params"]["interval"])
    if from_session is not None and to_session is not None:
        out = pl.DataFrame([state_change(df, sid, from_session, to_session, random_walk_sd=rw, interval=level)])
    else:
        out = backend.memo(
            f"idealpoint-changes:{stamp}:{sid}",
            lambda: state_changes(df, sid, random_walk_sd=rw, interval=level, n_draws=2000),
        )
    return table_response(out, fmt, filename=f"idealpoint-changes-{sid}")


@router.get("/idealpoints/fit", responses=dict(ERROR_RESPONSES), summary="How the saved ideal points were fitted")
def ideal_points_fit(
    dims: Dims = Query(Dims.one, description="The fit's dimensions (1 or 2)."),
    issue: IssueFit = Query("all", description="The fit's issue (all, or an issue code)."),
    backend: Backend = Depends(get_backend),
) -> Response:
    """The saved fit's parameters and diagnostics (``model.json``): dims, random-walk sd, interval level,
    iterations, convergence, votes used, and its size (states, sessions)."""
    df, meta, stamp = saved_fit(backend, dims.value, _issue(issue))
    return json_response(
        {
            **meta,
            "fit": stamp,
            "n_state_sessions": df.height,
            "n_states": df["state"].n_unique(),
            "sessions": [int(df["session"].min() or 0), int(df["session"].max() or 0)],  # type: ignore[arg-type]
            "years": [int(df["year"].min() or 0), int(df["year"].max() or 0)],  # type: ignore[arg-type]
            "method": "Bailey, Strezhnev & Voeten (2017) dynamic ordinal IRT, posterior mode with Laplace intervals",
        }
    )


# --- polarity ------------------------------------------------------------------------------


def _polarity(backend: Backend, method: str, *, compute: bool = True) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``(series, poles)`` of ``models.polarity.polarity`` over the saved 1-D fit (``models.saved.load_polarity``:
    stored by ``polycentric build``, else computed once per fit and method, single-flight)."""
    _ideal_points, _meta, stamp = saved_fit(backend, 1, None)
    methods = ("ideal_points", "network") if method == "both" else (method,)

    def make() -> tuple[pl.DataFrame, pl.DataFrame]:
        series, poles, _ = load_polarity(backend.home, methods, backend.ga_votes, compute=compute)
        return series, poles

    result: tuple[pl.DataFrame, pl.DataFrame] = backend.memo(
        f"polarity-{stamp}-{'-'.join(methods)}", make, model=f"polarity ({method})" if compute else None
    )
    return result


METHOD = Query(
    PolarityMethod.ideal_points,
    description="ideal_points (Gaussian mixture of the ideal points, BIC), network (signed co-voting "
    "communities) or both. The first request for a method computes it (a minute at most); later ones are instant.",
)


@router.get("/polarity", responses=table_responses(PolarityRow), summary="Polarity and polarization per session")
@heavy
def polarity_route(
    method: PolarityMethod = METHOD,
    start: Optional[int] = Query(None, ge=1946, le=2100, description="First year."),
    end: Optional[int] = Query(None, ge=1946, le=2100, description="Last year."),
    page: Paging = Depends(paging),
    fmt: Format = Depends(wanted_format),
    backend: Backend = Depends(get_backend),
) -> Response:
    """``models.polarity.polarity`` over the saved 1-D ideal points: per session the number of poles, the
    Laakso–Taagepera effective number of poles, the Esteban–Ray polarization (alpha 1.6) and, for the network
    reading, the signed modularity; ``partial`` marks a session the record holds in part (in progress, or
    clearly fewer roll calls than the official count)."""
    series, _poles = _polarity(backend, method.value)
    series = annotate_periods(series, backend.periods("session"), "session")  # the record's partial sessions
    return table_response(_years(series, start, end), fmt, page, filename="polarity")


def _poles_of(backend: Backend, method: str, session: int | None, start: int | None, end: int | None) -> pl.DataFrame:
    _series, poles = _polarity(backend, method)
    if session is not None:
        poles = poles.filter(pl.col("session") == session)
    return _years(poles, start, end)


@router.get("/polarity/poles", responses=table_responses(PoleRow), summary="The poles of each session")
@heavy
def poles_route(
    method: PolarityMethod = METHOD,
    session: Optional[int] = Query(None, ge=1, le=200, description="Only this session (number)."),
    start: Optional[int] = Query(None, ge=1946, le=2100, description="First year."),
    end: Optional[int] = Query(None, ge=1946, le=2100, description="Last year."),
    page: Paging = Depends(paging),
    fmt: Format = Depends(wanted_format),
    backend: Backend = Depends(get_backend),
) -> Response:
    """Each pole: size, share of the states, mean ideal point, leading members and all members
    (comma-separated)."""
    poles = _poles_of(backend, method.value, session, start, end)
    poles = poles.with_columns(pl.col("members").list.join(","))
    return table_response(poles, fmt, page, filename="poles")


@router.get("/polarity/members", responses=table_responses(PoleMemberRow), summary="Each state's pole in a session")
@heavy
def pole_members_route(
    session: int = Query(..., ge=1, le=200, description="The session (number)."),
    method: PolarityMethod = METHOD,
    page: Paging = Depends(paging),
    fmt: Format = Depends(wanted_format),
    backend: Backend = Depends(get_backend),
) -> Response:
    """One row per state and reading: its pole in ``session`` and its ideal point then (for maps and strip plots)."""
    poles = _poles_of(backend, method.value, session, None, None)
    ideal_points, _meta, _ = saved_fit(backend, 1, None)
    df = (
        poles.select("session", "year", "method", "pole", pl.col("members").alias("state"))
        .explode("state")
        .join(ideal_points.select("state", "session", "ideal_point"), on=["state", "session"], how="left")
        .sort("method", "pole", "ideal_point", "state")
    )
    return table_response(df, fmt, page, filename=f"poles-{session}")


def warm(backend: Backend, *, stored_only: bool = False) -> None:
    """Load the saved fit and the polarity of every reading: the stored ones only, or (``stored_only=False``)
    computing the default reading when it is not stored (``polycentric serve`` runs this at start-up)."""
    for method in PolarityMethod:
        if not stored_only and method != PolarityMethod.ideal_points:
            continue
        try:
            _polarity(backend, method.value, compute=not stored_only)
        except Exception:  # warming is best effort: the requests report their own errors
            pass


__all__ = ["router", "saved_fit", "warm"]
