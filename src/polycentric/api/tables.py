"""Turn library DataFrames into HTTP responses: JSON pages, CSV, pagination, OpenAPI models.

Every table route returns :func:`table_response`; the JSON body is a page envelope
``{"total", "limit", "offset", "count", "data": [...]}`` and the CSV body is the same
page's rows with the total in the ``X-Total-Count`` header. The format is chosen by
``?format=json|csv`` or, when absent, by an ``Accept: text/csv`` header.

Dependency rule: imports polars, pydantic, starlette/fastapi, ``polycentric.export`` and ``record.export`` (CSVW) only.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
from typing import Any, Optional, cast

import polars as pl
from fastapi import Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, create_model

from polycentric.export import to_csv

__all__ = [
    "MAX_LIMIT",
    "ErrorBody",
    "Format",
    "Page",
    "Paging",
    "json_response",
    "page_model",
    "paging",
    "row_model",
    "table_response",
    "table_responses",
    "wanted_format",
]

MAX_LIMIT = 10_000
"""The largest page a client may ask for; larger tables are read in pages."""


class Format(enum.StrEnum):
    """Response formats of table routes (``csv_raw``: CSV with cells as stored, asked for by ``?raw=true``;
    ``csvw``: the CSV's W3C CSV-on-the-Web metadata)."""

    json = "json"
    csv = "csv"
    csv_raw = "csv-raw"
    csvw = "csvw"

    @property
    def is_csv(self) -> bool:
        """True for CSV, neutralised or raw."""
        return self in (Format.csv, Format.csv_raw)


class _FormatParam(enum.StrEnum):
    """Values of ``?format=``."""

    json = "json"
    csv = "csv"
    csvw = "csvw"


class Paging(BaseModel):
    """Validated pagination parameters."""

    limit: int
    offset: int


def paging(
    limit: int = Query(100, ge=1, le=MAX_LIMIT, description=f"Rows per page (1-{MAX_LIMIT})."),
    offset: int = Query(0, ge=0, le=10_000_000, description="Rows to skip."),
) -> Paging:
    """FastAPI dependency: ``limit`` and ``offset`` query parameters."""
    return Paging(limit=limit, offset=offset)


def wanted_format(
    request: Request,
    format: Optional[_FormatParam] = Query(
        None,
        description="json (default), csv, or csvw (the CSV's CSV-on-the-Web metadata); "
        "`Accept: text/csv` also selects CSV.",
    ),
    raw: bool = Query(
        False,
        description="CSV only: write cells as stored. By default a text cell starting with = + - @, TAB or CR "
        "gets a leading ' so a spreadsheet shows it as text instead of running it (OWASP CSV injection).",
    ),
) -> Format:
    """FastAPI dependency: the response format from ``?format=`` or the ``Accept`` header (and ``?raw=``)."""
    csv = Format.csv_raw if raw else Format.csv
    if format is not None:
        if format == _FormatParam.csvw:
            return Format.csvw
        return csv if format == _FormatParam.csv else Format.json
    accept = request.headers.get("accept", "")
    if "text/csv" in accept and "application/json" not in accept:
        return csv
    return Format.json


_PY_TYPES: dict[type[pl.DataType], Any] = {
    pl.String: str,
    pl.Int8: int,
    pl.Int16: int,
    pl.Int32: int,
    pl.Int64: int,
    pl.UInt8: int,
    pl.UInt16: int,
    pl.UInt32: int,
    pl.UInt64: int,
    pl.Float32: float,
    pl.Float64: float,
    pl.Boolean: bool,
    pl.Date: dt.date,
    pl.Datetime: dt.datetime,
}

_MODELS: dict[str, type[BaseModel]] = {}


def row_model(name: str, schema: dict[str, pl.DataType] | dict[str, Any]) -> type[BaseModel]:
    """A pydantic model (for the OpenAPI schema) of one row of a table with a Polars ``schema``.

    Every field is nullable, as every column of the canonical tables may hold nulls.
    ``schema`` values may also be Python types (``str``, ``float``...).
    """
    if name in _MODELS:
        return _MODELS[name]
    fields: dict[str, Any] = {}
    for col, dtype in schema.items():
        if isinstance(dtype, type) and not issubclass(dtype, pl.DataType):
            py: Any = dtype
        else:
            py = _PY_TYPES.get(type(dtype) if not isinstance(dtype, type) else dtype, str)
        fields[col] = (Optional[py], None)
    model = create_model(name, __config__=ConfigDict(extra="allow"), **fields)
    _MODELS[name] = model
    return cast("type[BaseModel]", model)


class Page(BaseModel):
    """The JSON envelope of every table route."""

    total: int = Field(description="Rows matching the query before pagination.")
    limit: int
    offset: int
    count: int = Field(description="Rows in this page.")
    data: list[dict[str, Any]]


def page_model(row: type[BaseModel]) -> type[BaseModel]:
    """The page envelope with ``data`` typed as a list of ``row``."""
    name = f"{row.__name__}Page"
    if name in _MODELS:
        return _MODELS[name]
    model = create_model(
        name,
        total=(int, ...),
        limit=(int, ...),
        offset=(int, ...),
        count=(int, ...),
        data=(list[row], ...),  # type: ignore[valid-type]
    )
    _MODELS[name] = model
    return model


class ErrorDetail(BaseModel):
    """What went wrong, in words."""

    type: str = Field(description="The error's class, e.g. UnknownStateError, ValidationError.")
    message: str
    details: Optional[list[dict[str, Any]]] = None


class ErrorBody(BaseModel):
    """The JSON body of every 4xx/5xx response."""

    error: ErrorDetail


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    "404": {"model": ErrorBody, "description": "Unknown state, group, roll call or route."},
    "422": {"model": ErrorBody, "description": "Invalid parameters (the message names them)."},
    "503": {"model": ErrorBody, "description": "No record built yet at this home, or a model is not available."},
}


def table_responses(row: type[BaseModel]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` of a table route: a JSON page or CSV, 304, and the JSON errors."""
    return {
        "200": {
            "model": page_model(row),
            "description": "A page of rows (JSON) or the rows as CSV.",
            "content": {"text/csv": {"schema": {"type": "string"}}, "application/csvw+json": {"schema": {"type": "object"}}},
        },
        "304": {"description": "Not modified: the ETag in If-None-Match still matches."},
        **ERROR_RESPONSES,
    }


def _json_ready(df: pl.DataFrame) -> pl.DataFrame:
    """Floats' NaN and infinities become null (JSON has neither)."""
    exprs = [
        pl.when(pl.col(c).is_finite()).then(pl.col(c)).otherwise(None).alias(c)
        for c, t in df.schema.items()
        if t.is_float()
    ]
    return df.with_columns(exprs) if exprs else df


def table_response(
    df: pl.DataFrame, fmt: Format, page: Paging | None = None, *, filename: str = "data", total: int | None = None
) -> Response:
    """One page of ``df`` as JSON (envelope) or CSV.

    With ``page=None`` the whole table is returned (used for small fixed tables). With ``total``, ``df``
    is already the page (built by the library for just those rows) and ``total`` the rows matching.
    """
    if total is None:
        total = df.height
        if page is not None:
            df = df.slice(page.offset, page.limit)
    if page is not None:
        limit, offset = page.limit, page.offset
    else:
        limit, offset = max(total, 1), 0
    headers = {"X-Total-Count": str(total), "X-Limit": str(limit), "X-Offset": str(offset)}
    if fmt.is_csv:
        headers["Content-Disposition"] = f'inline; filename="{filename}.csv"'
        # CSVW (W3C): the metadata is the same request with format=csvw
        headers["Link"] = '<?format=csvw>; rel="describedby"; type="application/csvw+json"'
        body = to_csv(df, raw=fmt == Format.csv_raw)
        return Response(body, media_type="text/csv; charset=utf-8", headers=headers)
    if fmt == Format.csvw:
        from polycentric.record.export import csvw_metadata

        headers["Content-Disposition"] = f'inline; filename="{filename}.csv-metadata.json"'
        meta = csvw_metadata(df, f"{filename}.csv", title=filename)
        return Response(json.dumps(meta, ensure_ascii=False), media_type="application/csvw+json", headers=headers)
    body = (
        f'{{"total":{total},"limit":{limit},"offset":{offset},"count":{df.height},"data":'
        + (_json_ready(df).write_json() if df.height else "[]")
        + "}"
    )
    return Response(body, media_type="application/json", headers=headers)


def json_response(obj: Any) -> Response:
    """A JSON object response (dates as ISO strings, NaN as null)."""

    def default(o: Any) -> Any:
        if isinstance(o, (dt.date, dt.datetime)):
            return o.isoformat()
        return str(o)

    def clean(o: Any) -> Any:
        if isinstance(o, float) and (o != o or o in (float("inf"), float("-inf"))):
            return None
        if isinstance(o, dict):
            return {k: clean(v) for k, v in o.items()}
        if isinstance(o, (list, tuple)):
            return [clean(v) for v in o]
        return o

    return Response(
        json.dumps(clean(obj), default=default, ensure_ascii=False, separators=(",", ":")),
        media_type="application/json",
    )
