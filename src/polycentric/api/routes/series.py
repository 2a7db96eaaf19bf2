"""Routes over resolution series: the known series, a series' vote history and its switchers.

Dependency rule: calls ``Record.roll_calls``, ``Record.votes`` and ``polycentric.measures.series`` only.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from polycentric.api.backend import Backend, get_backend, heavy
from polycentric.api.routes.record import NotFound
from polycentric.api.tables import Format, Paging, paging, row_model, table_response, table_responses, wanted_format
from polycentric.errors import InsufficientDataError
from polycentric.measures.series import KNOWN_SERIES, series_history, series_switchers

router = APIRouter(prefix="/api", tags=["series"])

SeriesRow = row_model("Series", {"slug": str, "label": str, "searches": str})
HistoryRow = row_model(
    "SeriesHistory",
    {
        "family": int, "family_title": str, "year": int, "session": str, "date": dt.date, "resolution": str,
        "rollcall_id": int, "yes": int, "no": int, "abstain": int, "absent": int, "title": str,
    },
)  # fmt: skip
SwitcherRow = row_model(
    "SeriesSwitcher",
    {
        "family": int, "state": str, "year_from": int, "year_to": int, "resolution_from": str,
        "resolution_to": str, "vote_from": str, "vote_to": str, "rollcall_id_from": int, "rollcall_id_to": int,
    },
)  # fmt: skip

SEARCH = Query(
    ...,
    min_length=3,
    max_length=300,
    description="A known series' slug (see /api/series, e.g. cuba-embargo) or words of the resolutions' title.",
)
THRESHOLD = Query(0.85, ge=0.5, le=1.0, description="Share of the search's words a title must contain.")


def known_series() -> pl.DataFrame:
    """:data:`KNOWN_SERIES` as a table: slug, label, searches (``|``-separated)."""
    return pl.DataFrame(
        {
            "slug": list(KNOWN_SERIES),
            "label": [s.label for s in KNOWN_SERIES.values()],
            "searches": [" | ".join(s.searches) for s in KNOWN_SERIES.values()],
        },
        schema={"slug": pl.String, "label": pl.String, "searches": pl.String},
    )


@router.get("/series", responses=table_responses(SeriesRow), summary="The known resolution series")
def series_list(fmt: Format = Depends(wanted_format)) -> Response:
    """``measures.series.KNOWN_SERIES``: recurring resolutions documented in docs/series.md."""
    return table_response(known_series(), fmt, filename="series")


def _family(df: pl.DataFrame, family: int | None) -> pl.DataFrame:
    return df if family is None else df.filter(pl.col("family") == family)


@router.get("/series/history", responses=table_responses(HistoryRow), summary="A series' vote history")
@heavy
def series_history_route(
    q: str = SEARCH,
    family: int | None = Query(None, ge=1, le=1000, description="Only this family (1 = the largest)."),
    threshold: float = THRESHOLD,
    page: Paging = Depends(paging),
    fmt: Format = Depends(wanted_format),
    backend: Backend = Depends(get_backend),
) -> Response:
    """``measures.series_history``: one row per roll call of the series with its tally (404 when nothing matches)."""
    try:
        df = series_history(backend.record.roll_calls(), backend.ga_votes(), q, threshold=threshold)
    except InsufficientDataError as exc:
        raise NotFound(str(exc)) from exc
    return table_response(_family(df, family), fmt, page, filename="series-history")


@router.get("/series/switchers", responses=table_responses(SwitcherRow), summary="States that changed their vote")
@heavy
def series_switchers_route(
    q: str = SEARCH,
    family: int | None = Query(None, ge=1, le=1000, description="Only this family (1 = the largest)."),
    threshold: float = THRESHOLD,
    page: Paging = Depends(paging),
    fmt: Format = Depends(wanted_format),
    backend: Backend = Depends(get_backend),
) -> Response:
    """``measures.series_switchers``: states whose Y/N/A vote changed between consecutive roll calls of a family."""
    try:
        df = series_switchers(backend.record.roll_calls(), backend.ga_votes(), q, threshold=threshold)
    except InsufficientDataError as exc:
        raise NotFound(str(exc)) from exc
    return table_response(_family(df, family), fmt, page, filename="series-switchers")
