"""Search everywhere: states, groups, resolution series and roll calls matching a text, for the dashboard's search box.

The hits come from :func:`polycentric.browse.search` (states by any code or name, groups,
resolution series, roll calls by symbol or by every word of the query); this route only
pages them.

Dependency rule: calls library functions only.
"""

from __future__ import annotations

import polars as pl
from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from polycentric.api.backend import Backend, get_backend
from polycentric.api.tables import Format, Paging, paging, row_model, table_response, table_responses, wanted_format
from polycentric.browse import SEARCH_HITS
from polycentric.browse import search as search_record

router = APIRouter(prefix="/api", tags=["search"])

Hit = row_model("SearchHit", {"kind": str, "id": str, "label": str, "detail": str, "rank": int})

_HITS = SEARCH_HITS


def _library_search(backend: Backend, q: str) -> pl.DataFrame:
    """``polycentric.search``: states, groups, series and roll calls (every word in the text) matching ``q``."""
    return search_record(q, backend.record.roll_calls(body=None), backend.record.states(), home=backend.home)


SEARCHERS = [_library_search]
"""Functions (backend, q) -> hits; each area adds its own."""


@router.get("/search", responses=table_responses(Hit), summary="Search states, groups and roll calls")
def search(
    q: str = Query(
        ..., min_length=1, max_length=200, description="Text: a state code or name, a group, a symbol, a title."
    ),
    page: Paging = Depends(paging),
    fmt: Format = Depends(wanted_format),
    backend: Backend = Depends(get_backend),
) -> Response:
    """Things whose id or name matches ``q``: ``kind`` (state, group, series, rollcall), ``id``, ``label``, ``detail``.

    Roll calls match when every word of ``q`` occurs in their symbol, title, agenda or subjects
    (``detail`` is the citation); exact matches (rank 0) come first.
    """
    q = q.strip()
    if not q:
        return table_response(pl.DataFrame(schema=_HITS), fmt, page, filename="search")
    frames = [searcher(backend, q).cast(_HITS) for searcher in SEARCHERS]  # type: ignore[arg-type]
    hits = pl.concat(frames).with_row_index("order").sort(["rank", "order"]).drop("order")
    return table_response(hits, fmt, page, filename="search")
