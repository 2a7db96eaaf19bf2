"""Browse roll calls (filters, sort, pages, each one cited) and the Security Council's vetoes.

Thin shells over :func:`polycentric.browse.list_roll_calls`, :func:`polycentric.browse.vetoes`
and :func:`polycentric.browse.veto_counts`.

Dependency rule: calls library functions only.
"""

from __future__ import annotations

import enum
from typing import Optional

import polars as pl
from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from polycentric.api.backend import Backend, get_backend
from polycentric.api.params import SESSION_PATTERN, Body, Issue, Kind
from polycentric.api.tables import Format, Paging, paging, row_model, table_response, table_responses, wanted_format
from polycentric.browse import SORTABLE, VETOES, counted_tallies, list_roll_calls, veto_counts, vetoes
from polycentric.schema import ROLL_CALLS

router = APIRouter(prefix="/api", tags=["browse"])

CitedRollCall = row_model(
    "CitedRollCall",
    {
        **ROLL_CALLS, "status": pl.String(), "link": pl.String(), "citation": pl.String(),
        "n_yes": pl.Int32(), "n_no": pl.Int32(), "n_abstain": pl.Int32(), "n_absent": pl.Int32(),
    },
)  # fmt: skip
Veto = row_model("Veto", VETOES)
VetoCount = row_model("VetoCount", {"year": int, "member": str, "vetoes": int})

Sort = enum.Enum("Sort", {f"{d}{c}": f"{d}{c}" for c in SORTABLE for d in ("", "-")}, type=str)  # type: ignore[misc]
Status = enum.Enum("Status", {s.replace(" ", "_"): s for s in ("adopted", "not adopted", "vetoed", "failed")}, type=str)  # type: ignore[misc]


@router.get(
    "/browse/rollcalls", responses=table_responses(CitedRollCall), summary="Roll calls to browse, filtered and sorted"
)
def browse_roll_calls(
    body: Optional[Body] = Query(None, description="GA or SC (default both)."),
    session: Optional[str] = Query(None, pattern=SESSION_PATTERN, description='Session: "77", "ES-11".'),
    start: Optional[int] = Query(None, alias="from", ge=1945, le=2100, description="First year (inclusive)."),
    end: Optional[int] = Query(None, alias="to", ge=1945, le=2100, description="Last year (inclusive)."),
    issue: Optional[Issue] = Query(None, description="Issue code."),
    q: Optional[str] = Query(None, max_length=200, description="Words that must all occur in the symbol or text."),
    status: Optional[Status] = Query(None, description="adopted, not adopted, vetoed or failed."),
    important: Optional[bool] = Query(None, description="Only important votes (true) or only the others (false)."),
    kind: Optional[Kind] = Query(None, description="resolution, amendment or paragraph."),
    sort: Sort = Query("-date", description="Column to sort by; a leading - sorts descending."),
    page: Paging = Depends(paging),
    fmt: Format = Depends(wanted_format),
    backend: Backend = Depends(get_backend),
) -> Response:
    """``browse.list_roll_calls``: every roll call matching the filters, with ``status``, ``link`` and ``citation``."""
    table = list_roll_calls(
        backend.record.roll_calls(body=None),
        tallies=_tallies(backend),
        body=body.value if body is not None else None,
        session=session,
        start_year=start,
        end_year=end,
        issue=issue.value if issue is not None else None,
        text=q,
        status=status.value if status is not None else None,
        important=important,
        kind=kind.value if kind is not None else None,
        sort=sort.value if isinstance(sort, enum.Enum) else str(sort),
    )
    return table_response(table, fmt, page, filename="rollcalls")


_TALLIES: dict[str, pl.DataFrame] = {}


def _tallies(backend: Backend) -> pl.DataFrame:
    """``browse.counted_tallies`` of the record, computed once per record version (the last one kept)."""
    version = backend.version()
    if version not in _TALLIES:
        _TALLIES.clear()
        _TALLIES[version] = counted_tallies(backend.record.votes(body=None))
    return _TALLIES[version]


def _vetoes(backend: Backend, start: int | None, end: int | None, member: str | None) -> pl.DataFrame:
    from polycentric.registry.resolver import resolve_states

    table = vetoes(backend.record.roll_calls(body="SC"), backend.record.votes(body="SC"))
    if start is not None:
        table = table.filter(pl.col("year") >= start)
    if end is not None:
        table = table.filter(pl.col("year") <= end)
    if member:
        table = table.filter(pl.col("member") == resolve_states([member])[0])
    return table


@router.get("/vetoes", responses=table_responses(Veto), summary="Security Council vetoes, one row per member and draft")
def veto_list(
    start: Optional[int] = Query(None, alias="from", ge=1945, le=2100, description="First year (inclusive)."),
    end: Optional[int] = Query(None, alias="to", ge=1945, le=2100, description="Last year (inclusive)."),
    member: Optional[str] = Query(None, max_length=60, description="Only this member's vetoes (any code or name)."),
    page: Paging = Depends(paging),
    fmt: Format = Depends(wanted_format),
    backend: Backend = Depends(get_backend),
) -> Response:
    """``browse.vetoes``: each veto with the draft it blocked (symbol, title, link), newest first."""
    return table_response(_vetoes(backend, start, end, member), fmt, page, filename="vetoes")


@router.get("/vetoes/counts", responses=table_responses(VetoCount), summary="Vetoes per year and member")
def veto_count_list(
    start: Optional[int] = Query(None, alias="from", ge=1945, le=2100, description="First year (inclusive)."),
    end: Optional[int] = Query(None, alias="to", ge=1945, le=2100, description="Last year (inclusive)."),
    page: Paging = Depends(paging),
    fmt: Format = Depends(wanted_format),
    backend: Backend = Depends(get_backend),
) -> Response:
    """``browse.veto_counts``: the number of vetoes each permanent member cast each year."""
    return table_response(veto_counts(_vetoes(backend, start, end, None)), fmt, page, filename="veto-counts")
