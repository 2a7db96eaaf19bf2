"""Helpers of the measures tests: build small VOTES_VIEW frames and membership frames by hand."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import polars as pl

from polycentric.schema import VOTES_VIEW, conform


def make_votes(table: Mapping[int, Mapping[str, str]], dates: Mapping[int, str] | None = None) -> pl.DataFrame:
    """A VOTES_VIEW frame from ``{rollcall_id: {state: vote}}``; dates default to 2000-01-0<rollcall_id>."""
    rows = []
    for rc, votes in table.items():
        date = dt.date.fromisoformat(dates[rc]) if dates else dt.date(2000, 1, 1) + dt.timedelta(days=rc)
        for state, vote in votes.items():
            rows.append(
                {
                    "rollcall_id": rc,
                    "state": state,
                    "state_name": state,
                    "vote": vote,
                    "resolution": f"A/RES/99/{rc}",
                    "date": date,
                    "year": date.year,
                    "session": str(date.year - 1945),
                    "session_number": date.year - 1945,
                }
            )
    return conform(pl.DataFrame(rows), VOTES_VIEW)


def membership(
    rows: list[tuple[str, str | None, str | None]] | list[tuple[str, str | None, str | None, str]],
) -> pl.DataFrame:
    """A membership frame from ``(state, joined, left[, status])`` tuples (ISO dates or None)."""
    out = []
    for r in rows:
        state, joined, left = r[0], r[1], r[2]
        status = r[3] if len(r) > 3 else "member"  # type: ignore[misc]
        out.append(
            {
                "group": "G",
                "state": state,
                "status": status,
                "joined": dt.date.fromisoformat(joined) if joined else None,
                "left": dt.date.fromisoformat(left) if left else None,
                "source": "test",
                "uncertain": False,
                "note": None,
            }
        )
    return pl.DataFrame(out, schema_overrides={"joined": pl.Date, "left": pl.Date})


# EU-15 accession dates (Treaty of Rome in force 1958-01-01; 1973, 1981, 1986, 1995 enlargements)
EU15: list[tuple[str, str | None, str | None]] = [
    *[(s, "1958-01-01", None) for s in ("BEL", "DEU", "FRA", "ITA", "LUX", "NLD")],
    *[(s, "1973-01-01", None) for s in ("DNK", "IRL")],
    ("GBR", "1973-01-01", "2020-01-31"),
    ("GRC", "1981-01-01", None),
    *[(s, "1986-01-01", None) for s in ("ESP", "PRT")],
    *[(s, "1995-01-01", None) for s in ("AUT", "FIN", "SWE")],
]
