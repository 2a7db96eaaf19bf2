"""Routes over resolution series: the known series, a series' vote history and its switchers.

Dependency rule: calls ``Record.roll_calls``, ``Record.votes`` and ``polycentric.measures.series`` only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

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


FAMILY = Query(None, ge=1, le=1000, description="Only this family (1 = the largest).")


def _series_answer(
    measure: Callable[..., pl.DataFrame], backend: Backend, q: str, family: int | None, threshold: float
) -> pl.DataFrame:
    """``measure(roll_calls, votes, q)`` of one family (404 when nothing matches)."""
    try:
        return _family(measure(backend.record.roll_calls(), backend.ga_votes(), q, threshold=threshold), family)
    except InsufficientDataError as exc:
        raise NotFound(str(exc)) from exc


def _series_route(path: str, rows: Any, summary: str, measure: Callable[..., pl.DataFrame], doc: str) -> None:
    """Register ``GET path``: ``measure`` of the series ``q``, one family or all, as a paged table."""
    filename = path.strip("/").replace("/", "-")

    @router.get(path, responses=table_responses(rows), summary=summary, description=doc, name=filename)
    @heavy
    def route(
        q: str = SEARCH,
        family: int | None = FAMILY,
        threshold: float = THRESHOLD,
        page: Paging = Depends(paging),
        fmt: Format = Depends(wanted_format),
        backend: Backend = Depends(get_backend),
    ) -> Response:
        return table_response(_series_answer(measure, backend, q, family, threshold), fmt, page, filename=filename)

    route.__doc__ = doc  # FastAPI read ``description`` above; this is for help() and the reader


_series_route(
    "/series/history",
    HistoryRow,
    "A series' vote history",
    series_history,
    "``measures.series_history``: one row per roll call of the series with its tally (404 when nothing matches).",
)
_series_route(
    "/series/switchers",
    SwitcherRow,
    "States that changed their vote",
    series_switchers,
    "``measures.series_switchers``: states whose Y/N/A vote changed between consecutive roll calls of a family.",
)
