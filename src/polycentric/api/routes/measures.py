"""Routes over the measures: agreement, cohesion, voice, alignment, shifts, a roll call's groups.

Dependency rule: calls ``Record.votes``, ``polycentric.measures`` and the state and group
registries only; the shell parses lists and selects the years.
"""

from __future__ import annotations

import datetime as dt
import enum

import polars as pl
from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from polycentric.api.backend import Backend, get_backend, heavy
from polycentric.api.params import STATE_PATTERN, Body, StateCode
from polycentric.api.routes.record import RollCallId, rollcall_votes
from polycentric.api.tables import Format, Paging, paging, row_model, table_response, table_responses, wanted_format
from polycentric.errors import ConfigurationError, InsufficientDataError
from polycentric.measures import (
    DEFAULT_REFERENCES,
    agreement,
    agreement_matrix,
    alignment,
    cohesion,
    cohesion_rollcalls,
    shift_drivers,
    shifts,
    voice,
)
from polycentric.measures._common import annotate_periods
from polycentric.measures.agreement import PairCounts
from polycentric.registry import groups as registry
from polycentric.states import resolve_state

router = APIRouter(prefix="/api", tags=["measures"])

CohesionRow = row_model(
    "Cohesion",
    {"group": str, "year": int, "index": str, "value": float, "n_rollcalls": int, "mean_size_present": float,
     "partial": bool},
)  # fmt: skip
AlignmentRow = row_model(
    "Alignment",
    {"state": str, "reference": str, "reference_kind": str, "year": int, "index": str, "value": float, "n_shared": int,
     "partial": bool, "n_rollcalls": int},
)  # fmt: skip


class CohesionIndex(enum.StrEnum):
    """Rice (1925) or Hix-Noury-Roland (2005) agreement index."""

    rice = "rice"
    agreement = "agreement"


class AgreementIndex(enum.StrEnum):
    """Simple agreement, Lijphart's index, the Signorino-Ritter S-score (absolute or squared distance)."""

    simple = "simple"
    lijphart = "lijphart"
    s = "s"
    s_squared = "s_squared"


LIST = r"^[A-Za-z0-9:+_\- ]{1,40}(,[A-Za-z0-9:+_\- ]{1,40}){0,19}$"


def _items(text: str, field: str = "list") -> list[str]:
    """The comma-separated items of a required list parameter (422 when it names none)."""
    items = [t.strip() for t in text.split(",") if t.strip()]
    if not items:
        raise ConfigurationError(f"{field}: {text!r} names no item; give comma-separated ids")
    return items


BODY_QUERY = Query("GA", description="GA (default), SC or all: the roll calls of which body to measure.")


def _body_votes(backend: Backend, body: object = "GA") -> pl.DataFrame:
    """Every vote of one body (as the CLI's ``--body``): the shared GA frame, or the SC's or all, once per version."""
    name = str(getattr(body, "value", body))
    if name == "GA":
        ga: pl.DataFrame = backend.ga_votes()
        return ga
    rec = backend.record
    frame: pl.DataFrame = backend.memo(
        f"votes-{name}:{getattr(rec, 'version', '')}", lambda: rec.votes(body=None if name == "all" else name)
    )
    return frame


def _flag(backend: Backend, df: pl.DataFrame, by: str | None, body: object = "GA") -> pl.DataFrame:
    """The record's ``partial`` flag (and ``n_rollcalls`` where absent) per year or session (docs/measures.md).

    The flag is the General Assembly's (official counts exist for it only): measures of SC votes have none.
    """
    if by not in ("year", "session") or by not in df.columns or str(getattr(body, "value", body)) != "GA":
        return df
    return annotate_periods(df, backend.periods(by), by)


def _counts(backend: Backend, body: object = "GA") -> PairCounts | None:
    """The stored pair counts of the General Assembly (``None`` for another body: the measures read the votes)."""
    if str(getattr(body, "value", body)) != "GA":
        return None
    counts: PairCounts | None = backend.pair_counts()
    return counts


def _check_years(start: int, end: int) -> None:
    if end < start:
        raise ConfigurationError(f"years {start}-{end}: the end comes before the start")


def _votes(backend: Backend, start: int, end: int, body: object = "GA", *, counts: object = None) -> pl.DataFrame:
    """The votes of ``body`` (General Assembly by default) in the years ``start``-``end``.

    With ``counts`` (the measure reads the stored pair counts and selects the years itself) the shared
    frame of every vote is returned as it is: no copy of the years' votes is made per request.
    """
    _check_years(start, end)
    votes = _body_votes(backend, body)
    if counts is not None:
        return votes
    first, last = votes["year"].min(), votes["year"].max()
    if first is None or (start <= first and end >= last):  # type: ignore[operator]
        return votes
    return votes.filter(pl.col("year").is_between(start, end))


@router.get("/cohesion", responses=table_responses(CohesionRow), summary="Groups' cohesion per year")
@heavy
def cohesion_route(
    groups: str = Query(..., pattern=LIST, description="Comma-separated group ids, e.g. NAM,EU."),
    start: int = Query(1946, ge=1946, le=2100, description="First year."),
    end: int = Query(2100, ge=1946, le=2100, description="Last year."),
    index: CohesionIndex = Query(
        CohesionIndex.agreement, description="agreement (Hix–Noury–Roland, counts abstentions; default) or rice."
    ),
    page: Paging = Depends(paging),
    fmt: Format = Depends(wanted_format),
    backend: Backend = Depends(get_backend),
    body: Body = BODY_QUERY,
) -> Response:
    """``measures.cohesion``: yearly Rice or agreement index of each group (members at each vote's date)."""
    df = cohesion(_votes(backend, start, end, body), _items(groups, "groups"), years=(start, end), index=index.value)
    df = _flag(backend, df, "year", body)
    return table_response(df, fmt, page, filename="cohesion")


@router.get("/alignment", responses=table_responses(AlignmentRow), summary="States' alignment per year")
@heavy
def alignment_route(
    states: str = Query(..., pattern=LIST, description="Comma-separated state ids, e.g. IND,BRA."),
    references: str = Query(
        ",".join(DEFAULT_REFERENCES), pattern=LIST, description="States or group:ID majorities to compare with."
    ),
    start: int = Query(1946, ge=1946, le=2100, description="First year."),
    end: int = Query(2100, ge=1946, le=2100, description="Last year."),
    index: AgreementIndex = Query(AgreementIndex.simple),
    page: Paging = Depends(paging),
    fmt: Format = Depends(wanted_format),
    backend: Backend = Depends(get_backend),
    body: Body = BODY_QUERY,
) -> Response:
    """``measures.alignment``: each state's agreement with each reference per year."""
    counts = _counts(backend, body)
    df = alignment(
        _votes(backend, start, end, body, counts=counts),
        _items(references, "references"),
        index=index.value,
        years=(start, end),
        states=[s.upper() for s in _items(states, "states")],
        counts=counts,
    )
    df = _flag(backend, df, "year", body)
    return table_response(df, fmt, page, filename="alignment")


# --- agreement ---------------------------------------------------------------------------

AgreementRow = row_model(
    "Agreement",
    {"state_a": str, "state_b": str, "year": int, "session": str, "index": str, "value": float, "n_shared": int,
     "partial": bool, "n_rollcalls": int},
)  # fmt: skip
MatrixRow = row_model(
    "AgreementMatrixCell", {"state_a": str, "state_b": str, "index": str, "value": float, "n_shared": int}
)


class Period(enum.StrEnum):
    """Per year, per session, or pooled over the whole range."""

    year = "year"
    session = "session"
    pooled = "pooled"


STATES_LIST = r"^[A-Za-z0-9:+_\- ]{1,40}(,[A-Za-z0-9:+_\- ]{1,40}){0,59}$"
"""Up to 60 comma-separated state ids, names, or ``group:ID`` (the group's members)."""


def _state_id(code: str) -> str:
    return resolve_state(code.strip())


def _state_set(backend: Backend, text: str, on: dt.date) -> list[str]:
    """State ids of a list; ``group:ID`` stands for the group's members on ``on`` (``Group.states``)."""
    out: list[str] = []
    for item in _items(text):
        if item.lower().startswith("group:"):
            out += registry.get_group(item[len("group:") :], home=backend.home).states(on)
        else:
            out.append(_state_id(item))
    return list(dict.fromkeys(out))


def _last_day(end: int) -> dt.date:
    return min(dt.date(end, 12, 31), dt.date.today())


@router.get("/agreement", responses=table_responses(AgreementRow), summary="Agreement of two states over time")
@heavy
def agreement_route(
    a: str = Query(..., pattern=STATE_PATTERN, description="First state (id, code or name), e.g. USA."),
    b: str = Query(..., pattern=STATE_PATTERN, description="Second state, e.g. RUS."),
    start: int = Query(1946, ge=1946, le=2100, description="First year."),
    end: int = Query(2100, ge=1946, le=2100, description="Last year."),
    index: AgreementIndex = Query(AgreementIndex.simple),
    by: Period = Query(Period.year, description="year, session, or pooled (one row)."),
    fmt: Format = Depends(wanted_format),
    page: Paging = Depends(paging),
    backend: Backend = Depends(get_backend),
    body: Body = BODY_QUERY,
) -> Response:
    """``measures.agreement``: the two states' agreement per year (or session, or pooled) and shared votes."""
    counts = _counts(backend, body)
    df = agreement(
        _votes(backend, start, end, body, counts=counts),
        _state_id(a),
        _state_id(b),
        index.value,
        by=None if by == Period.pooled else by.value,
        years=(start, end),
        counts=counts,
    )
    df = _flag(backend, df, None if by == Period.pooled else by.value, body)
    return table_response(df, fmt, page, filename="agreement")


@router.get(
    "/agreement/matrix", responses=table_responses(MatrixRow), summary="Agreement of every pair of a set of states"
)
@heavy
def agreement_matrix_route(
    states: str = Query(
        ...,
        pattern=STATES_LIST,
        description="Comma-separated states, or group:ID for a group's members (P5: USA,RUS,CHN,GBR,FRA; group:BRICS).",
    ),
    start: int = Query(2014, ge=1946, le=2100, description="First year."),
    end: int = Query(2100, ge=1946, le=2100, description="Last year (group members are taken on its last day)."),
    index: AgreementIndex = Query(AgreementIndex.simple),
    page: Paging = Depends(paging),
    fmt: Format = Depends(wanted_format),
    backend: Backend = Depends(get_backend),
    body: Body = BODY_QUERY,
) -> Response:
    """``measures.agreement_matrix`` pooled over the years: one row per pair ``state_a <= state_b`` (with each
    state's own diagonal), in the order the states were given."""
    _check_years(start, end)
    ids = _state_set(backend, states, _last_day(end))
    counts = _counts(backend, body)
    if counts is not None:
        present = {s for s in ids if counts.has_votes(s, (start, end))}
    else:
        votes = _votes(backend, start, end, body)
        present = set(votes.filter(pl.col("state").is_in(ids))["state"].unique().to_list())
    missing = [s for s in ids if s not in present]
    if len(ids) - len(missing) < 2:
        raise InsufficientDataError(
            f"fewer than two of the states voted in {start}-{end}"
            + (f" (no votes: {', '.join(missing)})" if missing else "")
        )
    kept = [s for s in ids if s in present]
    if counts is not None:
        result = counts.matrix(index.value, years=(start, end), states=kept)
    else:
        result = agreement_matrix(votes, index.value, states=kept)
    df = result.to_frame(index.value, include_self=True)
    return table_response(df, fmt, page, filename="agreement-matrix")


# --- voice ---------------------------------------------------------------------------------

VoiceRow = row_model(
    "Voice",
    {
        "group": str, "year": int, "n_rollcalls": int, "n_positions": int, "match_rate": float,
        "vote_share": float, "n_decisive": int, "decisive_share": float, "partial": bool,
    },
)  # fmt: skip


class MajorityRule(enum.StrEnum):
    """Simple majority (Y > N) or two thirds of those present and voting."""

    simple = "simple"
    two_thirds = "two_thirds"


@router.get("/voice", responses=table_responses(VoiceRow), summary="Groups' voice per year")
@heavy
def voice_route(
    groups: str = Query(..., pattern=LIST, description="Comma-separated group ids, e.g. NAM,EU."),
    start: int = Query(1946, ge=1946, le=2100, description="First year."),
    end: int = Query(2100, ge=1946, le=2100, description="Last year."),
    rule: MajorityRule = Query(MajorityRule.simple, description="Rule deciding the outcome."),
    page: Paging = Depends(paging),
    fmt: Format = Depends(wanted_format),
    backend: Backend = Depends(get_backend),
    body: Body = BODY_QUERY,
) -> Response:
    """``measures.voice``: how often the group's majority matched the outcome, its share of the votes cast,
    and the roll calls its members decided, per year."""
    df = voice(_votes(backend, start, end, body), _items(groups, "groups"), years=(start, end), rule=rule.value)
    df = _flag(backend, df, "year", body)
    return table_response(df, fmt, page, filename="voice")


# --- shifts --------------------------------------------------------------------------------

ShiftRow = row_model(
    "Shift",
    {
        "state": str, "reference": str, "reference_kind": str, "index": str, "value_from": float, "n_from": int,
        "value_to": float, "n_to": int, "change": float, "drivers": str,
    },
)  # fmt: skip
DriverRow = row_model(
    "ShiftDriver",
    {
        "rollcall_id": int, "resolution": str, "date": dt.date, "year": int, "vote": str, "vote_ref": str,
        "score": float, "contribution": float,
    },
)  # fmt: skip

PERIOD = r"^([0-9]{4}(-[0-9]{4})?|[A-Za-z0-9/.\-]{3,40}(,[A-Za-z0-9/.\-]{3,40}){0,19})$"
PERIOD_HELP = "A year (2014), a year range (2010-2014) or resolution symbols (A/RES/68/262,A/RES/ES-11/1)."
REFERENCE = r"^(group:)?[A-Za-z0-9+_\- ]{1,40}$"


def _reference(text: str) -> str:
    return "group:" + text[len("group:") :] if text.lower().startswith("group:") else _state_id(text)


@router.get("/shifts", responses=table_responses(ShiftRow), summary="Largest changes in alignment between periods")
@heavy
def shifts_route(
    from_: str = Query("2014", alias="from", pattern=PERIOD, description="Earlier period. " + PERIOD_HELP),
    to: str = Query("2022", pattern=PERIOD, description="Later period. " + PERIOD_HELP),
    reference: str = Query("USA", pattern=REFERENCE, description="A state, or group:ID for a group's majority."),
    index: AgreementIndex = Query(AgreementIndex.simple),
    min_shared: int = Query(1, ge=1, le=10_000, description="Shared votes a state needs in both periods."),
    page: Paging = Depends(paging),
    fmt: Format = Depends(wanted_format),
    backend: Backend = Depends(get_backend),
    body: Body = BODY_QUERY,
) -> Response:
    """``measures.shifts``: states ranked by the change of their agreement with ``reference``, with the
    roll calls that drove it."""
    df = shifts(_body_votes(backend, body), from_, to, reference=_reference(reference), index=index.value,
                min_shared=min_shared)  # fmt: skip
    return table_response(df, fmt, page, filename="shifts")


@router.get(
    "/shifts/{state}/drivers", responses=table_responses(DriverRow), summary="The roll calls behind a state's shift"
)
@heavy
def shift_drivers_route(
    state: StateCode,
    from_: str = Query("2014", alias="from", pattern=PERIOD, description="Earlier period. " + PERIOD_HELP),
    to: str = Query("2022", pattern=PERIOD, description="Later period. " + PERIOD_HELP),
    reference: str = Query("USA", pattern=REFERENCE, description="A state, or group:ID for a group's majority."),
    index: AgreementIndex = Query(AgreementIndex.simple),
    page: Paging = Depends(paging),
    fmt: Format = Depends(wanted_format),
    backend: Backend = Depends(get_backend),
    body: Body = BODY_QUERY,
) -> Response:
    """``measures.shift_drivers``: the later period's roll calls with their contribution (they sum to the change)."""
    df = shift_drivers(_body_votes(backend, body), _state_id(state), from_, to, reference=_reference(reference),
                       index=index.value)  # fmt: skip
    return table_response(df, fmt, page, filename=f"shift-drivers-{state}")


# --- a roll call's group breakdown ---------------------------------------------------------

BREAKDOWN_GROUPS = ("NAM", "G77", "EU", "NATO", "AU", "OIC", "LAS", "ASEAN", "BRICS", "SCO")
"""The groups of the roll-call page's breakdown (``/api/rollcalls/{id}/groups`` without ``groups=``)."""

GroupVotesRow = row_model(
    "RollCallGroup",
    {
        "group": str, "rollcall_id": int, "date": dt.date, "year": int, "session": str, "n_members": int,
        "n_yes": int, "n_no": int, "n_abstain": int, "n_absent": int, "n_present": int, "rice": float,
        "agreement": float,
    },
)  # fmt: skip


@router.get(
    "/rollcalls/{rollcall_id}/groups",
    responses=table_responses(GroupVotesRow),
    summary="How the members of groups voted on one roll call",
)
def roll_call_groups(
    rollcall_id: RollCallId,
    groups: str = Query(",".join(BREAKDOWN_GROUPS), pattern=LIST, description="Comma-separated group ids."),
    fmt: Format = Depends(wanted_format),
    backend: Backend = Depends(get_backend),
) -> Response:
    """``measures.cohesion_rollcalls`` on this roll call, per group: members on the vote's date (with a vote
    row), their Y/N/A/X counts, the Rice and agreement indices. Groups with no member in the vote are left out."""
    votes = rollcall_votes(backend, rollcall_id)
    frames = [cohesion_rollcalls(votes, gid) for gid in _items(groups, "groups")]
    df = pl.concat([f for f in frames if f.height] or frames[:1])
    return table_response(df, fmt, filename=f"rollcall-{rollcall_id}-groups")
