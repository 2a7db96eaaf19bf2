"""A state at a glance and its voting practices: thin shells over :mod:`polycentric.measures.profile`.

Dependency rule: calls library functions only.
"""

from __future__ import annotations

import enum
from typing import Any, Optional

import polars as pl
from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from polycentric.api.backend import Backend, get_backend
from polycentric.api.params import StateCode
from polycentric.api.tables import (
    ERROR_RESPONSES,
    Format,
    json_response,
    row_model,
    table_response,
    table_responses,
    wanted_format,
)
from polycentric.measures.profile import (
    PRACTICES_GROUPS,
    PRACTICES_REFERENCES,
    cited_votes,
    neighbours,
    practices,
    vote_summary,
)

router = APIRouter(prefix="/api", tags=["states"])

Summary = row_model(
    "StateSummary",
    {
        "state": str, "n_rollcalls": int, "votes_cast": int, "yes": int, "no": int, "abstain": int, "absent": int,
        "share_yes": float, "share_no": float, "share_abstain": float, "share_absent": float,
        "first_year": int, "last_year": int,
    },
)  # fmt: skip
Neighbour = row_model(
    "Neighbour",
    {
        "side": str, "rank": int, "state": str, "name": str, "agreement": float, "n_shared": int,
        "agreement_before": float, "change": float, "year": int, "year_before": int,
    },
)  # fmt: skip
CitedVote = row_model(
    "CitedVote",
    {
        "resolution": str,
        "label": str,
        "date": str,
        "rollcall_id": int,
        "title": str,
        "status": str,
        "link": str,
        "vote": str,
    },
)

PracticesTable = enum.Enum(  # type: ignore[misc]
    "PracticesTable",
    {k: k for k in ("overall", "important", "by_issue", "important_votes", "groups", "sc_votes", "vetoes")},
    type=str,
)


def _sid(backend: Backend, state: str, year: int | None = None) -> str:
    from polycentric.registry.resolver import resolve

    return resolve(state, f"{year}-07-01" if year else None, kinds=("state",)).id


@router.get("/states/{state}/summary", responses=table_responses(Summary), summary="A state's key numbers")
def state_summary(
    state: StateCode,
    start: Optional[int] = Query(None, alias="from", ge=1945, le=2100, description="First year (inclusive)."),
    end: Optional[int] = Query(None, alias="to", ge=1945, le=2100, description="Last year (inclusive)."),
    fmt: Format = Depends(wanted_format),
    backend: Backend = Depends(get_backend),
) -> Response:
    """``measures.profile.vote_summary``: roll calls, votes cast, shares of Yes/No/Abstain, absence (GA)."""
    sid = _sid(backend, state)
    years = (start or 1945, end or 2100) if (start or end) else None
    return table_response(
        vote_summary(backend.ga_votes(), sid, years=years), fmt, filename=f"summary-{sid}"
    )


@router.get("/states/{state}/neighbours", responses=table_responses(Neighbour), summary="Closest and farthest states")
def state_neighbours(
    state: StateCode,
    year: int = Query(..., ge=1946, le=2100, description="The year."),
    n: int = Query(5, ge=1, le=50, description="States on each side."),
    before: int = Query(5, ge=1, le=50, description="Compare with this many years earlier."),
    min_shared: int = Query(10, ge=1, le=1000, description="Least shared roll calls."),
    fmt: Format = Depends(wanted_format),
    backend: Backend = Depends(get_backend),
) -> Response:
    """``measures.profile.neighbours``: the closest and farthest states in a year and the change since."""
    sid = _sid(backend, state, year)
    table = neighbours(backend.ga_votes(), sid, year, n=n, years_before=before, min_shared=min_shared)
    names = backend.record.states().select("state", "name")
    table = table.join(names, on="state", how="left").select(
        "side", "rank", "state", "name", "agreement", "n_shared", "agreement_before", "change", "year", "year_before"
    )
    return table_response(table, fmt, filename=f"neighbours-{sid}-{year}")


@router.get(
    "/states/{state}/cited", responses=table_responses(CitedVote), summary="Votes on the resolutions people cite"
)
def state_cited(
    state: StateCode, fmt: Format = Depends(wanted_format), backend: Backend = Depends(get_backend)
) -> Response:
    """``measures.profile.cited_votes``: the state's vote on each resolution of ``CITED_RESOLUTIONS`` the record holds."""
    sid = _sid(backend, state)
    table = cited_votes(backend.ga_votes(), backend.record.roll_calls(body="GA"), sid)
    return table_response(table, fmt, filename=f"cited-{sid}")


def _practices(backend: Backend, state: str, year: int, references: str | None) -> tuple[str, dict[str, pl.DataFrame]]:
    from polycentric.registry.resolver import resolve_reference

    sid = _sid(backend, state, year)
    refs = (
        [resolve_reference(r) for r in references.split(",") if r.strip()] if references else list(PRACTICES_REFERENCES)
    )
    tables = practices(
        backend.ga_votes(),
        backend.record.roll_calls(body="GA"),
        sid,
        year,
        references=refs,
        groups=PRACTICES_GROUPS,
        sc_votes=backend.record.votes(body="SC"),
        sc_roll_calls=backend.record.roll_calls(body="SC"),
    )
    return sid, tables


@router.get(
    "/practices/{state}",
    responses={"200": {"description": "Every table of the voting practices."}, **ERROR_RESPONSES},
    summary="Voting practices of a state in a year (every table)",
)
def practices_route(
    state: StateCode,
    year: int = Query(..., ge=1946, le=2100, description="The year."),
    references: Optional[str] = Query(None, max_length=300, description="Comma-separated states or group:ID."),
    backend: Backend = Depends(get_backend),
) -> Response:
    """``measures.profile.practices``: ``{state, year, tables: {overall, important, by_issue, important_votes, groups, sc_votes, vetoes}}``."""
    sid, tables = _practices(backend, state, year, references)

    def rows(df: pl.DataFrame) -> list[dict[str, Any]]:
        return df.to_dicts() if df.height else []

    from polycentric.states import state_name

    name = state_name(sid, f"{year}-07-01")
    return json_response({"state": sid, "name": name, "year": year, "tables": {k: rows(v) for k, v in tables.items()}})


@router.get(
    "/practices/{state}/{table}",
    responses=table_responses(row_model("PracticesRow", {})),
    summary="One table of the voting practices",
)
def practices_table_route(
    state: StateCode,
    table: PracticesTable,
    year: int = Query(..., ge=1946, le=2100, description="The year."),
    references: Optional[str] = Query(None, max_length=300, description="Comma-separated states or group:ID."),
    fmt: Format = Depends(wanted_format),
    backend: Backend = Depends(get_backend),
) -> Response:
    """One table of ``measures.profile.practices`` (JSON page or CSV, e.g. for a download)."""
    sid, tables = _practices(backend, state, year, references)
    name = table.value if isinstance(table, enum.Enum) else str(table)
    return table_response(tables[name], fmt, filename=f"practices-{sid}-{year}-{name}")
