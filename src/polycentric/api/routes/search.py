"""Search everywhere: states, groups, resolution series and roll calls matching a text, for the dashboard's search box.

Each kind of thing is found by the library's own lookup (``Record.states``,
``Record.roll_calls(search=...)``, the group registry); this route only puts the hits
in one list: exact id matches first, then states, groups, roll calls (newest first).

Dependency rule: calls library functions only.
"""

from __future__ import annotations

import polars as pl
from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from polycentric.api.backend import Backend, get_backend
from polycentric.api.tables import Format, Paging, paging, row_model, table_response, table_responses, wanted_format
from polycentric.errors import UnknownGroupError, UnknownStateError
from polycentric.registry import groups as groups_registry
from polycentric.registry.states import resolve_state
from polycentric.sources.common import normalise_symbol

router = APIRouter(prefix="/api", tags=["search"])

Hit = row_model("SearchHit", {"kind": str, "id": str, "label": str, "rank": int})

_HITS = {"kind": pl.String(), "id": pl.String(), "label": pl.String(), "rank": pl.Int64()}


def _states(backend: Backend, q: str) -> pl.DataFrame:
    """The state ``q`` resolves to (any code or name, ``resolve_state``), then states whose name contains it."""
    try:
        exact = resolve_state(q)
    except UnknownStateError:
        exact = None
    states = backend.record.states()
    is_exact = pl.col("state") == exact if exact is not None else pl.lit(False)
    hits = states.filter(is_exact | pl.col("name").str.to_lowercase().str.contains(q.lower(), literal=True))
    return hits.select(
        kind=pl.lit("state"),
        id=pl.col("state"),
        label=pl.format("{} ({})", pl.col("name"), pl.col("state")),
        rank=pl.when(is_exact).then(0).otherwise(1).cast(pl.Int64),
    ).sort("rank", "label")


def _roll_calls(backend: Backend, q: str) -> pl.DataFrame:
    """Roll calls on the resolution ``q`` names (any spelling), then those whose text contains ``q``."""
    exact = backend.record.roll_calls(resolution=q, body=None)
    text = backend.record.roll_calls(search=q, body=None).sort(["date", "rollcall_id"], descending=True)
    rc = pl.concat([exact, text]).unique("rollcall_id", keep="first", maintain_order=True)
    symbol = normalise_symbol(q)
    return rc.select(
        kind=pl.lit("rollcall"),
        id=pl.col("rollcall_id").cast(pl.String),
        label=pl.format(
            "{} — {} ({})",
            pl.coalesce(pl.col("resolution"), pl.lit("roll call")),
            pl.coalesce(pl.col("title"), pl.lit("")).str.slice(0, 90),
            pl.col("date").cast(pl.String),
        ),
        rank=pl.when(pl.col("resolution") == symbol).then(0).otherwise(3).cast(pl.Int64),
    )


def _groups(backend: Backend, q: str) -> pl.DataFrame:
    """The group ``q`` names (id, alias or name, ``get_group``), then groups whose name or aliases contain it."""
    try:
        exact: str | None = groups_registry.get_group(q, home=backend.home).id
    except UnknownGroupError:
        exact = None
    table = groups_registry.list_groups(home=backend.home)
    is_exact = pl.col("id") == exact if exact is not None else pl.lit(False)
    text = pl.concat_str([pl.col("id"), pl.col("name"), pl.col("aliases").fill_null("")], separator=" ")
    hits = table.filter(is_exact | text.str.to_lowercase().str.contains(q.lower(), literal=True))
    return hits.select(
        kind=pl.lit("group"),
        id=pl.col("id"),
        label=pl.format("{} ({})", pl.col("name"), pl.col("id")),
        rank=pl.when(is_exact).then(0).otherwise(2).cast(pl.Int64),
    )


def _series(backend: Backend, q: str) -> pl.DataFrame:
    """Known resolution series (``KNOWN_SERIES``) whose slug or label contains ``q``."""
    from polycentric.api.routes.series import known_series

    table = known_series()
    text = pl.concat_str([pl.col("slug"), pl.col("label"), pl.col("searches")], separator=" ").str.to_lowercase()
    hits = table.filter(text.str.contains(q.lower(), literal=True))
    return hits.select(
        kind=pl.lit("series"),
        id=pl.col("slug"),
        label=pl.format("{} (series)", pl.col("label")),
        rank=pl.when(pl.col("slug") == q.lower()).then(0).otherwise(2).cast(pl.Int64),
    )


SEARCHERS = [_states, _groups, _series, _roll_calls]
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
    """Things whose id or name matches ``q``: ``kind`` (state, group, series, rollcall), ``id``, ``label``."""
    q = q.strip()
    if not q:
        return table_response(pl.DataFrame(schema=_HITS), fmt, page, filename="search")
    frames = [searcher(backend, q).cast(_HITS) for searcher in SEARCHERS]  # type: ignore[arg-type]
    hits = pl.concat(frames).with_row_index("order").sort(["rank", "order"]).drop("order")
    return table_response(hits, fmt, page, filename="search")
