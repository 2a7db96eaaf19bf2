"""Validated query parameters shared by the routes (so bad input is a clear 422, not a 500).

Dependency rule: imports fastapi, pydantic and ``polycentric.schema`` only.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from typing import Annotated, Any, Optional

from fastapi import Path, Query
from pydantic import BaseModel, BeforeValidator

from polycentric.schema import BODIES, ISSUES, KINDS

__all__ = [
    "Body",
    "IsoDate",
    "Issue",
    "Kind",
    "RecordFilters",
    "StateCode",
    "record_filters",
]

def _iso_date(value: Any) -> Any:
    """Only ``YYYY-MM-DD`` is a date here (pydantic alone would read ``0.0`` as a Unix time)."""
    if isinstance(value, str) and not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value.strip()):
        raise ValueError("expected a date YYYY-MM-DD")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
"""A date query parameter: ``YYYY-MM-DD`` only."""

Issue = enum.Enum("Issue", {k: k for k in ISSUES}, type=str)  # type: ignore[misc]
Issue.__doc__ = "Voeten's six issue codes: " + ", ".join(f"{k} ({v})" for k, v in ISSUES.items())
Kind = enum.Enum("Kind", {k: k for k in KINDS}, type=str)  # type: ignore[misc]
Body = enum.Enum("Body", {**{k: k for k in BODIES}, "all": "all"}, type=str)  # type: ignore[misc]

STATE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9 .,'()\-]{0,59}$"
SESSION_PATTERN = r"^((ES|S)-)?[0-9]{1,3}$|^(19|20)[0-9]{2}$"  # GA sessions; a Security Council "session" is a year
SYMBOL_PATTERN = r"^[A-Za-z0-9/.\-() ]{1,60}$"

StateCode = Annotated[
    str,
    Path(
        pattern=STATE_PATTERN,
        description="State id (ISO3-like: RUS, USA; DDR, YUG for states that ended), or any code or name "
        "the state registry resolves (SUN, 643, Russia).",
    ),
]


class RecordFilters(BaseModel):
    """The record's filters, as keyword arguments for ``Record.roll_calls`` / ``Record.votes``."""

    session: Optional[str] = None
    year: Optional[int] = None
    start: Optional[dt.date] = None
    end: Optional[dt.date] = None
    issue: Optional[str] = None
    resolution: Optional[str] = None
    search: Optional[str] = None
    kind: Optional[str] = None
    body: Optional[str] = "GA"
    undl_id: Optional[int] = None

    def kwargs(self) -> dict[str, Any]:
        """Only the filters that were given (``body`` always: ``"all"`` is ``None``, every body)."""
        out = {k: v for k, v in self.model_dump().items() if v is not None}
        out.setdefault("body", "GA")
        if str(out["body"]).lower() == "all":
            out["body"] = None
        return out


def record_filters(
    session: Optional[str] = Query(
        None,
        pattern=SESSION_PATTERN,
        description='Session: "77", "S-10", "ES-11"; for the Security Council the year ("2023").',
    ),
    year: Optional[int] = Query(None, ge=1945, le=2100, description="Calendar year of the vote."),
    start: Optional[IsoDate] = Query(None, description="First date (inclusive), YYYY-MM-DD."),
    end: Optional[IsoDate] = Query(None, description="Last date (inclusive), YYYY-MM-DD."),
    issue: Optional[Issue] = Query(None, description="Issue code."),
    resolution: Optional[str] = Query(
        None,
        pattern=SYMBOL_PATTERN,
        description="Resolution symbol (A/RES/68/262 or R/68/262; S/RES/2720 (2023), S/RES/2720, draft S/2022/720).",
    ),
    search: Optional[str] = Query(None, min_length=1, max_length=200, description="Text in the title or symbol."),
    kind: Optional[Kind] = Query(None, description="resolution, amendment, paragraph or procedural."),
    body: Body = Query(
        "GA", description="GA (default), SC or all. A resolution symbol selects its own body (S/... is SC)."
    ),
    undl_id: Optional[int] = Query(None, ge=1, le=2**40, description="UN Digital Library record id (4067944)."),
) -> RecordFilters:
    """FastAPI dependency: the record filters."""
    return RecordFilters(
        session=session,
        year=year,
        start=start,
        end=end,
        issue=issue.value if issue is not None else None,
        resolution=resolution,
        search=search,
        kind=kind.value if kind is not None else None,
        body=body.value if isinstance(body, enum.Enum) else body,
        undl_id=undl_id,
    )
