"""Routes over the measures: group cohesion per year, states' alignment with references per year.

Dependency rule: calls ``Record.votes`` and ``polycentric.measures`` only; the shell parses lists.
"""

from __future__ import annotations

import datetime as dt
import enum

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from polycentric.api.backend import Backend, get_backend
from polycentric.api.tables import Format, Paging, paging, row_model, table_response, table_responses, wanted_format
from polycentric.errors import ConfigurationError
from polycentric.measures import DEFAULT_REFERENCES, alignment, cohesion

router = APIRouter(prefix="/api", tags=["measures"])

CohesionRow = row_model(
    "Cohesion",
    {"group": str, "year": int, "index": str, "value": float, "n_rollcalls": int, "mean_size_present": float},
)
AlignmentRow = row_model(
    "Alignment",
    {"state": str, "reference": str, "reference_kind": str, "year": int, "index": str, "value": float, "n_shared": int},
)


class CohesionIndex(enum.StrEnum):
    """Rice (1925) or Hix-Noury-Roland (2005) agreement index."""

    rice = "rice"
    agreement = "agreement"


class AgreementIndex(enum.StrEnum):
    """Simple agreement, Lijphart's index, or the Signorino-Ritter S-score."""

    simple = "simple"
    lijphart = "lijphart"
    s = "s"


LIST = r"^[A-Za-z0-9:+\- ]{1,40}(,[A-Za-z0-9:+\- ]{1,40}){0,19}$"


def _items(text: str) -> list[str]:
    return [t.strip() for t in text.split(",") if t.strip()]


def _votes(backend: Backend, start: int, end: int):  # type: ignore[no-untyped-def]
    if end < start:
        raise ConfigurationError(f"years {start}-{end}: the end comes before the start")
    return backend.record.votes(start=dt.date(start, 1, 1), end=dt.date(end, 12, 31))


@router.get("/cohesion", responses=table_responses(CohesionRow), summary="Groups' cohesion per year")
def cohesion_route(
    groups: str = Query(..., pattern=LIST, description="Comma-separated group ids, e.g. NAM,EU."),
    start: int = Query(1946, ge=1946, le=2100, description="First year."),
    end: int = Query(2100, ge=1946, le=2100, description="Last year."),
    index: CohesionIndex = Query(CohesionIndex.rice),
    page: Paging = Depends(paging),
    fmt: Format = Depends(wanted_format),
    backend: Backend = Depends(get_backend),
) -> Response:
    """``measures.cohesion``: yearly Rice or agreement index of each group (members at each vote's date)."""
    df = cohesion(_votes(backend, start, end), _items(groups), years=(start, end), index=index.value)
    return table_response(df, fmt, page, filename="cohesion")


@router.get("/alignment", responses=table_responses(AlignmentRow), summary="States' alignment per year")
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
) -> Response:
    """``measures.alignment``: each state's agreement with each reference per year."""
    df = alignment(
        _votes(backend, start, end),
        _items(references),
        index=index.value,
        years=(start, end),
        states=[s.upper() for s in _items(states)],
    )
    return table_response(df, fmt, page, filename="alignment")
