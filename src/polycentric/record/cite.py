"""Roll calls as a person cites them: symbol, title, date, adoption status and a link to the UN document.

Every shell (CLI tables, CSV/JSON rows, the API, the dashboard, the reports) shows a roll call
through :func:`with_citation`, so a reader sees the same words everywhere:

- ``status``: the source's status where it gives one (the Security Council's ``adopted``,
  ``vetoed``, ``failed``); otherwise ``adopted`` for a roll call on an adopted symbol
  (``A/RES/...``, ``S/RES/...``: only adopted texts get one) and, for other roll calls
  (amendments, paragraphs, drafts), ``adopted``/``not adopted`` by the recorded or counted
  tally where the simple majority of Yes over No decides, and null where nothing says;
- ``link``: the UN Digital Library record (``https://digitallibrary.un.org/record/<undl_id>``)
  where the record knows its id, else the official document by symbol
  (``https://undocs.org/<symbol>``), null for a roll call with no symbol;
- ``citation``: ``A/RES/ES-11/1, "Aggression against Ukraine", General Assembly, 2 March 2022
  (adopted, 141-5-35)``.

Dependency rule: imports polars and ``record.schema`` only.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import polars as pl

__all__ = [
    "BODY_NAMES",
    "VOTE_COLORS",
    "VOTE_NAMES",
    "cite",
    "citation_expr",
    "display_title",
    "document_link",
    "record_id",
    "status_expr",
    "with_citation",
    "with_titles",
]

VOTE_COLORS: dict[str, str] = {"Y": "#0072B2", "N": "#D55E00", "A": "#E69F00", "X": "#999999"}
"""One colour per vote everywhere (CLI charts, reports, dashboard): Okabe & Ito's colour-blind-safe
palette: Yes blue, No vermillion, Abstain amber, not voting grey (distinct in lightness too)."""
VOTE_NAMES: dict[str, str] = {"Y": "Yes", "N": "No", "A": "Abstain", "X": "Not voting"}

BODY_NAMES = {"GA": "General Assembly", "SC": "Security Council"}
UNDL_RECORD = "https://digitallibrary.un.org/record/{}"
UNDOCS = "https://undocs.org/{}"


def document_link(symbol: str | None, undl_id: int | None = None) -> str | None:
    """The UN Digital Library record when its id is known, else the document by symbol, else None."""
    if undl_id is not None:
        return UNDL_RECORD.format(int(undl_id))
    if symbol:
        return UNDOCS.format(symbol)
    return None


def status_expr(columns: list[str] | tuple[str, ...]) -> pl.Expr:
    """The adoption status of each roll call (see the module docstring) as a polars expression."""
    adopted_symbol = pl.col("resolution").str.contains(r"^(A|S)/RES/") if "resolution" in columns else pl.lit(False)
    if "kind" in columns:  # an amendment or paragraph vote on an adopted resolution may itself have failed
        adopted_symbol = adopted_symbol & (pl.col("kind").is_null() | (pl.col("kind") == "resolution"))
    if "total_yes" in columns and "total_no" in columns:
        by_tally = (
            pl.when(pl.col("total_yes").is_null() | pl.col("total_no").is_null())
            .then(pl.lit(None, dtype=pl.String))
            .when(pl.col("total_yes") > pl.col("total_no"))
            .then(pl.lit("adopted"))
            .otherwise(pl.lit("not adopted"))
        )
    else:
        by_tally = pl.lit(None, dtype=pl.String)
    derived = pl.when(adopted_symbol.fill_null(False)).then(pl.lit("adopted")).otherwise(by_tally)
    if "status" in columns:
        return pl.coalesce(pl.col("status"), derived)
    return derived


def with_citation(roll_calls: pl.DataFrame, *, citation: bool = True) -> pl.DataFrame:
    """``roll_calls`` with ``status``, ``link`` and (unless ``citation=False``) ``citation`` columns."""
    cols = roll_calls.columns
    undl = pl.col("undl_id") if "undl_id" in cols else pl.lit(None, dtype=pl.Int64)
    symbol = pl.col("resolution") if "resolution" in cols else pl.lit(None, dtype=pl.String)
    link = (
        pl.when(undl.is_not_null())
        .then(pl.lit(UNDL_RECORD.split("{}")[0]) + undl.cast(pl.String))
        .when(symbol.is_not_null())
        .then(pl.lit(UNDOCS.split("{}")[0]) + symbol)
        .otherwise(pl.lit(None, dtype=pl.String))
    )
    out = roll_calls.with_columns(status_expr(cols).alias("status"), link.alias("link"))
    if not citation:
        return out
    return out.with_columns(citation_expr(out.columns).alias("citation"))


def citation_expr(columns: list[str] | tuple[str, ...]) -> pl.Expr:
    """:func:`cite` as one polars expression (the same text for every row, computed in bulk)."""

    def col(name: str, dtype: pl.DataType) -> pl.Expr:
        return pl.col(name) if name in columns else pl.lit(None, dtype=dtype)

    symbol = pl.coalesce(
        col("resolution", pl.String()),
        pl.lit("roll call ") + col("rollcall_id", pl.Int64()).cast(pl.String),
        pl.lit(""),
    )
    title = col("title", pl.String()).str.replace(_CATALOGUE_TAIL.pattern, "").str.strip_chars()
    title_part = (
        pl.when(title.is_not_null() & (title != "")).then(pl.lit(", “") + title + pl.lit("”")).otherwise(pl.lit(""))
    )
    body = col("body", pl.String())
    body_name = body.replace_strict(BODY_NAMES, default=body, return_dtype=pl.String)
    body_part = (
        pl.when(body_name.is_not_null() & (body_name != "")).then(pl.lit(", ") + body_name).otherwise(pl.lit(""))
    )
    date = col("date", pl.Date())
    day = pl.when(date.is_not_null()).then(date.dt.strftime("%-d %B %Y")).otherwise(pl.lit("undated"))
    kind = col("kind", pl.String())
    status = col("status", pl.String())
    totals = [col(c, pl.Int32()) for c in ("total_yes", "total_no", "total_abstain")]
    tally = pl.when(pl.all_horizontal([t.is_not_null() for t in totals])).then(
        pl.concat_str([t.cast(pl.String) for t in totals], separator="–")
    )
    notes = pl.concat_list(
        [
            pl.when(kind.is_not_null() & (kind != "resolution")).then(kind),
            status,
            tally,
        ]
    ).list.drop_nulls()
    notes_text = (
        pl.when(notes.list.len() > 0).then(pl.lit(" (") + notes.list.join(", ") + pl.lit(")")).otherwise(pl.lit(""))
    )
    return pl.concat_str([symbol, title_part, body_part, pl.lit(", "), day, notes_text])


_CATALOGUE_TAIL = re.compile(r"(?i)\s*:\s*(draft\s+)?resolution\s*/.*$")


def display_title(title: str | None) -> str:
    """A title as people cite it: the UN Digital Library's cataloguing tail dropped.

    >>> display_title("Aggression against Ukraine : resolution / adopted by the General Assembly")
    'Aggression against Ukraine'
    """
    if not title:
        return ""
    return _CATALOGUE_TAIL.sub("", title.strip()).strip()


def _day(value: Any) -> str:
    if isinstance(value, dt.date):
        return f"{value.day} {value.strftime('%B')} {value.year}"
    return str(value) if value is not None else "undated"


def cite(row: dict[str, Any]) -> str:
    """One roll call (a row of ``Record.roll_calls``) as a reference a person would write."""
    symbol = row.get("resolution") or (f"roll call {row['rollcall_id']}" if row.get("rollcall_id") is not None else "")
    parts = [symbol]
    title = display_title(row.get("title"))
    if title:
        parts.append(f"“{title}”")
    body = BODY_NAMES.get(row.get("body") or "", row.get("body") or "")
    if body:
        parts.append(body)
    parts.append(_day(row.get("date")))
    text = ", ".join(p for p in parts if p)
    status = row.get("status")
    tally = [row.get(k) for k in ("total_yes", "total_no", "total_abstain")]
    notes = [status] if status else []
    if all(t is not None for t in tally):
        notes.append("–".join(str(t) for t in tally))
    if row.get("kind") and row.get("kind") != "resolution":
        notes.insert(0, str(row["kind"]))
    return text + (f" ({', '.join(notes)})" if notes else "")


def with_titles(votes: pl.DataFrame, roll_calls: pl.DataFrame) -> pl.DataFrame:
    """``votes`` with each roll call's ``title``, ``status`` and ``link`` joined on ``rollcall_id``."""
    cited = with_citation(roll_calls.select([c for c in roll_calls.columns if c != "citation"]), citation=False)
    extra = cited.select("rollcall_id", "title", "status", "link")
    base = votes.drop([c for c in ("title", "status", "link") if c in votes.columns])
    return base.join(extra, on="rollcall_id", how="left", maintain_order="left")


def record_id(record: Any) -> str:
    """The one id of a record shown everywhere: ``Record.version`` (dashboard footer, reports, Python)."""
    version = getattr(record, "version", None)
    return version if isinstance(version, str) else "unknown"
