"""Routes over the record: roll calls, votes, states (``polycentric.open()``'s methods).

Every roll call carries how to cite it (``status``, ``link``, ``citation``: ``record.cite.with_citation``)
and every vote its roll call's ``title``, ``status`` and ``link`` (``record.cite.with_titles``).

Dependency rule: calls ``Record`` methods only; the shell selects and paginates.
"""

from __future__ import annotations

from typing import Annotated, cast

import polars as pl
from fastapi import APIRouter, Depends, Path
from fastapi.responses import Response

from polycentric.api.backend import Backend, get_backend
from polycentric.api.params import RecordFilters, StateCode, record_filters
from polycentric.api.tables import (
    Format,
    Paging,
    paging,
    row_model,
    table_response,
    table_responses,
    wanted_format,
)
from polycentric.errors import RecordError, UnknownStateError
from polycentric.record.cite import with_citation, with_titles
from polycentric.record.coverage import COVERAGE
from polycentric.schema import ROLL_CALLS, STATES, VOTES_VIEW
from polycentric.states import resolve_state

router = APIRouter(prefix="/api", tags=["record"])

RollCall = row_model("RollCall", {**ROLL_CALLS, "status": pl.String(), "link": pl.String(), "citation": pl.String()})
Vote = row_model("Vote", {**VOTES_VIEW, "title": pl.String(), "status": pl.String(), "link": pl.String()})
State = row_model("State", STATES)
StateMap = row_model("StateMapId", {"state": str, "name": str, "m49": int, "world_atlas_id": str})

RollCallId = Annotated[int, Path(ge=0, le=2**62, description="The roll call's id in the record.")]


def _roll_call(backend: Backend, rollcall_id: int) -> pl.DataFrame:
    rc = backend.record.roll_calls(body=None)
    row = rc.filter(pl.col("rollcall_id") == rollcall_id)
    if row.height == 0:
        raise NotFound(f"no roll call with id {rollcall_id}")
    return cast("pl.DataFrame", row)


def rollcall_votes(backend: Backend, rollcall_id: int) -> pl.DataFrame:
    """The votes (VOTES_VIEW) of one roll call; 404 when the record has no such roll call."""
    rc = _roll_call(backend, rollcall_id)
    symbol, date = rc["resolution"][0], rc["date"][0]
    votes = (
        backend.record.votes(resolution=symbol, body=None)
        if symbol
        else backend.record.votes(start=date, end=date, body=None)
    )
    return cast("pl.DataFrame", votes.filter(pl.col("rollcall_id") == rollcall_id))


def _named(backend: Backend, filters: RecordFilters, df: pl.DataFrame) -> pl.DataFrame:
    """``df``, unless it is empty because the symbol or UN DL id names no roll call: then ``Record.find``'s 404."""
    if df.height == 0 and (filters.resolution is not None or filters.undl_id is not None):
        backend.record.find(resolution=filters.resolution, undl_id=filters.undl_id)  # raises UnknownResolutionError
    return df


class NotFound(RecordError, LookupError):
    """What was asked for (a roll call, a series) is not in the record (mapped to 404)."""


@router.get("/rollcalls", responses=table_responses(RollCall), summary="Roll calls matching the filters")
def roll_calls(
    filters: RecordFilters = Depends(record_filters),
    page: Paging = Depends(paging),
    fmt: Format = Depends(wanted_format),
    backend: Backend = Depends(get_backend),
) -> Response:
    """Roll calls (``Record.roll_calls``), oldest first, each cited (``status``, ``link``, ``citation``);
    404 with the reason when the symbol or id names none."""
    df = _named(backend, filters, backend.record.roll_calls(**filters.kwargs()))
    return table_response(with_citation(df), fmt, page, filename="rollcalls")


@router.get("/rollcalls/{rollcall_id}", responses=table_responses(RollCall), summary="One roll call")
def roll_call(
    rollcall_id: RollCallId, fmt: Format = Depends(wanted_format), backend: Backend = Depends(get_backend)
) -> Response:
    """One roll call by id (404 when absent)."""
    return table_response(with_citation(_roll_call(backend, rollcall_id)), fmt, filename=f"rollcall-{rollcall_id}")


@router.get("/rollcalls/{rollcall_id}/votes", responses=table_responses(Vote), summary="Votes of one roll call")
def roll_call_votes(
    rollcall_id: RollCallId,
    page: Paging = Depends(paging),
    fmt: Format = Depends(wanted_format),
    backend: Backend = Depends(get_backend),
) -> Response:
    """Every state's vote (Y/N/A/X) on one roll call."""
    table = with_titles(rollcall_votes(backend, rollcall_id), _roll_call(backend, rollcall_id))
    return table_response(table, fmt, page, filename=f"votes-{rollcall_id}")


@router.get("/votes", responses=table_responses(Vote), summary="Votes matching the filters")
def votes(
    filters: RecordFilters = Depends(record_filters),
    page: Paging = Depends(paging),
    fmt: Format = Depends(wanted_format),
    backend: Backend = Depends(get_backend),
) -> Response:
    """Votes (``Record.votes``): one row per state and roll call, with its roll call's title, status and link.
    Only the page asked for is built (``Record.votes_page``), so a request's memory follows its ``limit``, not
    the record. 404 with ``Record.find``'s reason when the symbol or UN DL id names no roll call."""
    total, df = backend.record.votes_page(page.offset, page.limit, **filters.kwargs())
    if total == 0:
        _named(backend, filters, df)
    table = with_titles(df, backend.record.roll_calls(body=None))
    return table_response(table, fmt, page, filename="votes", total=total)


@router.get("/states", responses=table_responses(State), summary="All states")
def states(
    page: Paging = Depends(paging), fmt: Format = Depends(wanted_format), backend: Backend = Depends(get_backend)
) -> Response:
    """The state registry (``Record.states``): ids, names, ISO2/ISO3/M49/COW codes, UN membership."""
    return table_response(backend.record.states(), fmt, page, filename="states")


@router.get("/states/map-ids", responses=table_responses(StateMap), summary="State id to world-atlas feature id")
def state_map_ids(fmt: Format = Depends(wanted_format), backend: Backend = Depends(get_backend)) -> Response:
    """ISO3 state id ↔ M49 code ↔ ``world-atlas`` feature id (M49 as a zero-padded 3-digit string).

    States without an M49 code (some that ended) are left out of the map, not of the record.
    """
    df = backend.record.states().filter(pl.col("m49").is_not_null())
    df = df.select("state", "name", "m49", world_atlas_id=pl.col("m49").cast(pl.String).str.zfill(3))
    return table_response(df, fmt, filename="state-map-ids")


def _state(backend: Backend, state: str) -> pl.DataFrame:
    """The registry row of the state a code or name resolves to (``resolve_state``)."""
    sid = resolve_state(state)
    row = backend.record.states().filter(pl.col("state") == sid)
    if row.height == 0:
        raise UnknownStateError(f"unknown state {state!r}: see /api/states for the ids")
    return cast("pl.DataFrame", row)


@router.get("/states/{state}", responses=table_responses(State), summary="One state")
def state(state: StateCode, fmt: Format = Depends(wanted_format), backend: Backend = Depends(get_backend)) -> Response:
    """One state of the registry (404 when unknown)."""
    row = _state(backend, state)
    return table_response(row, fmt, filename=f"state-{row['state'][0]}")


@router.get("/states/{state}/votes", responses=table_responses(Vote), summary="A state's votes")
def state_votes(
    state: StateCode,
    filters: RecordFilters = Depends(record_filters),
    page: Paging = Depends(paging),
    fmt: Format = Depends(wanted_format),
    backend: Backend = Depends(get_backend),
) -> Response:
    """A state's votes (``Record.votes(state=...)``), with the record filters."""
    sid = _state(backend, state)["state"][0]
    total, df = backend.record.votes_page(page.offset, page.limit, state=sid, **filters.kwargs())
    df = with_titles(df, backend.record.roll_calls(body=None))
    return table_response(df, fmt, page, filename=f"votes-{sid}", total=total)


Coverage = row_model("Coverage", COVERAGE)


@router.get("/coverage", responses=table_responses(Coverage), summary="What the record covers, per body and session")
def coverage(
    page: Paging = Depends(paging), fmt: Format = Depends(wanted_format), backend: Backend = Depends(get_backend)
) -> Response:
    """Per body and session (``Record.coverage``): first and last date, roll calls, the official count where
    known, ``complete`` yes/no/unknown, in progress and partial. The header ``X-Coverage`` carries the one-line
    summary (``General Assembly votes through DATE; Security Council through DATE``)."""
    response = table_response(backend.record.coverage(), fmt, page, filename="coverage")
    response.headers["X-Coverage"] = backend.record.coverage_line()
    return response
