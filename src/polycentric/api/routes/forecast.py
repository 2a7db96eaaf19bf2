"""Route over the vote forecaster: a draft's title/text and known positions in, every member's forecast out.

The :class:`~polycentric.models.forecast.VoteForecaster` is fitted on the record once per record
version and shared by all requests: ``polycentric build`` fits and stores it, and the route reads it with
:func:`polycentric.models.saved.load_forecaster` (the cache ``polycentric forecast`` uses too), fitting it
on the first request only when nothing is stored (single-flight; a failed fit is a 503 with the reason).
A forecast itself takes milliseconds.

Dependency rule: calls ``polycentric.models.forecast``, ``Record`` and the state registry only.
"""

from __future__ import annotations

import datetime as dt
import enum
from pathlib import Path
from typing import Any, Optional

import polars as pl
from fastapi import APIRouter, Body, Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from polycentric.api.backend import Backend, get_backend
from polycentric.api.params import IsoDate
from polycentric.api.tables import (
    ERROR_RESPONSES,
    ErrorBody,
    Format,
    json_response,
    row_model,
    table_response,
    wanted_format,
)
from polycentric.errors import InputFormatError, ModelError, PolycentricError
from polycentric.states import resolve_state

router = APIRouter(prefix="/api", tags=["forecast"])

StateForecast = row_model(
    "StateForecast",
    {
        "state": str, "state_name": str, "p_yes": float, "p_abstain": float, "p_no": float, "p_absent": float,
        "predicted": str, "known": bool, "group": str, "entropy": float, "swing": float, "pivotality": float,
        "p_break_group": float, "previous": str,
    },
)  # fmt: skip
TallyRow = row_model("ForecastTally", {"vote": str, "expected": float, "lower": int, "upper": int})
TemplateRow = row_model(
    "ForecastTemplate",
    {
        "rollcall_id": int, "resolution": str, "date": dt.date, "similarity": float, "prior_weight": float,
        "posterior_weight": float, "text": str,
    },
)  # fmt: skip


class ForecastBody(BaseModel):
    """The forecast's answer: summary (adoption probability, expected tally with its 90% interval), the tally,
    each member's probabilities, and the past roll calls the forecast is a mixture of."""

    summary: dict[str, Any]
    tally: list[TallyRow]  # type: ignore[valid-type]
    states: list[StateForecast]  # type: ignore[valid-type]
    templates: list[TemplateRow]  # type: ignore[valid-type]
    model: dict[str, Any]


class Majority(enum.StrEnum):
    """Adoption rule: simple majority (Y > N) or two thirds of those present and voting (Y >= 2N)."""

    simple = "simple"
    two_thirds = "two-thirds"


class Draft(BaseModel):
    """A draft resolution: what is known of it (a title, a text, an agenda item, a similar past resolution)."""

    title: Optional[str] = Field(None, max_length=1_000, description="The draft's title.")
    text: Optional[str] = Field(None, max_length=200_000, description="The draft's text (operative paragraphs...).")
    agenda: Optional[str] = Field(None, max_length=1_000, description="Its agenda item.")
    like: Optional[str] = Field(
        None, pattern=r"^[A-Za-z0-9/.\-() ]{1,60}$", description="A past resolution it resembles (A/RES/77/7)."
    )
    known: dict[str, str] = Field(
        default_factory=dict, max_length=200, description='Announced positions: {"USA": "N", "RUS": "Y"}.'
    )
    sponsors: list[str] = Field(default_factory=list, max_length=200, description="Sponsoring states (vote Y).")
    date: Optional[dt.date] = Field(None, description="Forecast date (membership on that day).")
    majority: Majority = Majority.simple


def cache_path(backend: Backend, model: Any = None) -> Path:
    """Where the default forecaster of the record's version is kept (``models.saved.forecaster_path``)."""
    from polycentric.models.saved import forecaster_path

    return forecaster_path(backend.record, model, home=backend.home)


def forecaster(backend: Backend, *, fit: bool = True) -> Any:
    """The app's fitted :class:`VoteForecaster` for the record's current version (``models.saved.load_forecaster``:
    loaded from ``polycentric build``'s cache, else fitted once: concurrent requests wait for the one fit, and a
    fit that fails is a 503 naming the reason, remembered for a while instead of re-run by every request)."""
    from polycentric.models.saved import load_forecaster

    record = backend.record
    path = cache_path(backend)
    if not fit:  # only what is stored: a miss is not remembered
        return backend.memo(f"forecaster:{path.name}", lambda: load_forecaster(record, fit=False, home=backend.home))
    return backend.memo(
        f"forecaster:{path.name}", lambda: load_forecaster(record, home=backend.home), model="vote forecaster"
    )


def _state_id(code: str) -> str:
    return resolve_state(code.strip())


def parse_known(text: str | None) -> dict[str, str]:
    """``"USA:N,RUS=Y"`` -> ``{"USA": "N", "RUS": "Y"}`` (state codes or names resolved)."""
    out: dict[str, str] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        sep = ":" if ":" in part else "="
        if sep not in part:
            raise InputFormatError(f"known position {part!r}: expected STATE:VOTE, e.g. USA:N", field="known")
        state, vote = part.split(sep, 1)
        out[_state_id(state)] = vote.strip().upper()
    return out


FIRST_DAY = dt.date(1945, 10, 24)
"""The UN Charter's entry into force: no forecast date before it."""

HORIZON_YEARS = 10
"""A forecast date may lie at most this many years ahead (membership is today's)."""


def _check_date(day: dt.date | None) -> None:
    """422 for a forecast date before the UN or too far ahead to name a membership."""
    if day is None:
        return
    last = dt.date.today().replace(year=dt.date.today().year + HORIZON_YEARS, day=1)
    if not FIRST_DAY <= day <= last:
        raise InputFormatError(
            f"{day.isoformat()} is outside {FIRST_DAY.isoformat()} ... {last.isoformat()}", field="date"
        )


def _answer(backend: Backend, draft: Draft, fmt: Format) -> Response:
    _check_date(draft.date)
    known = {_state_id(s): v.strip().upper() for s, v in draft.known.items()}
    sponsors = [_state_id(s) for s in draft.sponsors]
    model = forecaster(backend)
    try:
        result = model.forecast(
            draft.title or None,
            text=draft.text or None,
            agenda=draft.agenda or None,
            like=draft.like or None,
            known=known,
            sponsors=sponsors,
            date=draft.date,
            majority=draft.majority.value,
        )
    except PolycentricError:
        raise
    except (ValueError, ArithmeticError, IndexError, KeyError, AttributeError, TypeError) as exc:
        # a model defect: say so, never a bare 500
        raise ModelError(f"the forecaster could not answer this draft: {type(exc).__name__}: {exc}") from exc
    states = result.to_frame()
    if fmt != Format.json:  # csv (neutralised or raw), or its CSVW metadata
        return table_response(states, fmt, filename="forecast")
    templates = result.neighbours if result.neighbours is not None else pl.DataFrame()
    if templates.height:
        templates = templates.filter(pl.col("posterior_weight") >= 1e-4).with_columns(pl.col("text").str.slice(0, 200))

    def rows(df: pl.DataFrame) -> list[dict[str, Any]]:
        return [{k: (None if isinstance(v, float) and v != v else v) for k, v in r.items()} for r in df.to_dicts()]

    return json_response(
        {
            "summary": result.summary(),
            "tally": rows(result.tally()),
            "states": rows(states),
            "templates": rows(templates),
            "model": {
                "record_version": getattr(backend.record, "version", None),
                "fit": cache_path(backend, model).name,
            },
        }
    )


RESPONSES: dict[int | str, dict[str, Any]] = {
    "200": {
        "model": ForecastBody,
        "description": "The forecast (JSON), or each member's forecast as CSV (or that CSV's CSVW metadata).",
        "content": {"text/csv": {"schema": {"type": "string"}}, "application/csvw+json": {"schema": {"type": "object"}}},
    },
    "400": {"model": ErrorBody, "description": "The body is not JSON."},
    **ERROR_RESPONSES,
}


@router.get("/forecast", responses=RESPONSES, summary="Forecast every member's vote on a draft")
def forecast_get(
    title: Optional[str] = Query(None, min_length=1, max_length=1_000, description="The draft's title."),
    text: Optional[str] = Query(None, max_length=4_000, description="Its text (long texts: POST)."),
    agenda: Optional[str] = Query(None, max_length=1_000, description="Its agenda item."),
    like: Optional[str] = Query(None, pattern=r"^[A-Za-z0-9/.\-() ]{1,60}$", description="A similar past resolution."),
    known: Optional[str] = Query(
        None,
        pattern=r"^[A-Za-z0-9 .'()\-]{1,60}[:=][YNAXynax](,[A-Za-z0-9 .'()\-]{1,60}[:=][YNAXynax]){0,199}$",
        description="Announced positions, STATE:VOTE comma-separated: USA:N,RUS:Y.",
    ),
    sponsors: Optional[str] = Query(
        None, pattern=r"^[A-Za-z0-9 .'()\-]{1,60}(,[A-Za-z0-9 .'()\-]{1,60}){0,199}$", description="Sponsors: CUB,MEX."
    ),
    date: Optional[IsoDate] = Query(None, description="Forecast date (membership on that day)."),
    majority: Majority = Query(Majority.simple, description="simple or two-thirds."),
    fmt: Format = Depends(wanted_format),
    backend: Backend = Depends(get_backend),
) -> Response:
    """``VoteForecaster.forecast`` with the app's fitted forecaster: per member P(Y/A/N/X), the predicted vote,
    swing and pivotality scores; the expected tally with its 90% interval; the adoption probability.
    A shareable URL: the dashboard's forecast page links to it."""
    draft = Draft(
        title=title,
        text=text,
        agenda=agenda,
        like=like,
        known=parse_known(known),
        sponsors=[s for s in (sponsors or "").split(",") if s.strip()],
        date=date,
        majority=majority,
    )
    return _answer(backend, draft, fmt)


@router.post("/forecast", responses=RESPONSES, summary="Forecast every member's vote on a draft (long texts)")
def forecast_post(
    draft: Draft = Body(...),
    fmt: Format = Depends(wanted_format),
    backend: Backend = Depends(get_backend),
) -> Response:
    """The same as ``GET /api/forecast`` with the draft in a JSON body (for texts longer than a URL)."""
    return _answer(backend, draft, fmt)


def warm(backend: Backend, *, stored_only: bool = False) -> None:
    """Load the stored forecaster, or (``stored_only=False``) fit it (``polycentric serve`` runs this at start-up)."""
    try:
        forecaster(backend, fit=not stored_only)
    except Exception:  # warming is best effort: the requests report their own errors
        pass
