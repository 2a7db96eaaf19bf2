"""Exports for researchers: CSV with a CSVW metadata file, and Stata ``.dta`` with labels.

- :func:`csvw_metadata` describes a table in the W3C *CSV on the Web* vocabulary
  (``https://www.w3.org/ns/csvw``): the file, its title, the record it came from and each
  column's name, title, description and datatype. :func:`write_csv_with_metadata` writes
  ``NAME.csv`` and ``NAME.csv-metadata.json`` beside it (the CSVW convention for locating metadata).
- :func:`write_stata` writes a ``.dta`` (version 118, UTF-8) with a variable label on every
  column (:data:`COLUMN_LABELS`), value labels on the vote (Y/N/A/X stored as 1-4 with the labels
  Yes, No, Abstain, Not voting) and the dataset label; titles and issue codes travel as columns.

Dependency rule: imports polars, pandas and ``record.schema``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import polars as pl

from polycentric.schema import ISSUES

__all__ = ["COLUMN_LABELS", "VOTE_VALUE_LABELS", "csvw_metadata", "write_csv_with_metadata", "write_stata"]

VOTE_VALUE_LABELS: dict[int, str] = {1: "Yes", 2: "No", 3: "Abstain", 4: "Not voting"}
"""Stata value labels of the vote: Y=1, N=2, A=3, X=4."""
_VOTE_CODES = {"Y": 1, "N": 2, "A": 3, "X": 4}

COLUMN_LABELS: dict[str, str] = {
    "rollcall_id": "Roll call id in the polycentric record",
    "state": "State id (ISO 3166-1 alpha-3 of the continuing state)",
    "state_name": "Name of the state on the date of the vote",
    "vote": "Vote: Yes, No, Abstain, Not voting (member absent)",
    "resolution": "Resolution symbol (A/RES/..., S/RES/...) or draft symbol",
    "title": "Title of the resolution or draft",
    "status": "Adoption status: adopted, not adopted, vetoed, failed",
    "link": "UN Digital Library record or UN document",
    "citation": "How to cite the roll call",
    "date": "Date of the vote",
    "year": "Year of the vote",
    "session": "General Assembly session (77, ES-11, S-10) or SC year",
    "session_number": "Regular GA session in progress on the date",
    "body": "Organ: GA (General Assembly) or SC (Security Council)",
    "kind": "What was voted: resolution, amendment or paragraph",
    "important": "Important vote (US State Department list, from Voeten)",
    "agenda": "Agenda item",
    "subjects": "UNBIS subjects, |-separated",
    "total_yes": "Recorded Yes votes (source total)",
    "total_no": "Recorded No votes (source total)",
    "total_abstain": "Recorded abstentions (source total)",
    "total_non_voting": "Recorded non-voting members (source total)",
    "undl_id": "UN Digital Library record id",
    "sources": "Sources of the roll call in the record",
    "issues_source": "Who coded the issues: voeten or classifier",
    "value": "Measure value",
    "n_shared": "Roll calls both voted in",
    "reference": "Reference state or group",
    "coincidence": "Voting coincidence: identical / (identical + opposite) Yes-No votes",
    **{f"issue_{k}": f"Issue: {v}"[:80] for k, v in ISSUES.items()},
}
"""Variable labels (Stata allows 80 characters) and CSVW column descriptions of the usual columns."""

_XSD = {
    pl.Boolean: "boolean",
    pl.Date: "date",
    pl.Datetime: "datetime",
    pl.String: "string",
}


def _datatype(dtype: pl.DataType) -> str:
    if dtype.is_integer():
        return "integer"
    if dtype.is_float():
        return "double"
    for cls, name in _XSD.items():
        if isinstance(dtype, cls):
            return name
    return "string"


def csvw_metadata(
    df: pl.DataFrame,
    url: str,
    *,
    title: str | None = None,
    record_id: str | None = None,
    source: str | None = None,
    descriptions: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The CSVW (W3C *Metadata Vocabulary for Tabular Data*) description of ``df`` saved at ``url``."""
    labels = {**COLUMN_LABELS, **(descriptions or {})}
    columns = []
    for name, dtype in df.schema.items():
        col: dict[str, Any] = {"name": name, "titles": name, "datatype": _datatype(dtype)}
        if name in labels:
            col["dc:description"] = labels[name]
        columns.append(col)
    meta: dict[str, Any] = {
        "@context": "http://www.w3.org/ns/csvw",
        "url": url,
        "dc:title": title or Path(url).stem,
        "dc:publisher": "polycentric",
        "dc:source": source
        or "United Nations Digital Library voting data (digitallibrary.un.org/record/4060887); "
        "Voeten, United Nations General Assembly Voting Data (hdl:1902.1/12379)",
        "tableSchema": {"columns": columns},
    }
    if record_id:
        meta["dc:identifier"] = f"polycentric record {record_id}"
    return meta


def write_csv_with_metadata(
    df: pl.DataFrame, path: str | Path, *, title: str | None = None, record_id: str | None = None
) -> Path:
    """Write ``path`` (CSV) and ``path`` + ``-metadata.json`` (CSVW); returns the CSV path."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    df.write_csv(out)
    meta = csvw_metadata(df, out.name, title=title, record_id=record_id)
    out.with_name(out.name + "-metadata.json").write_text(json.dumps(meta, indent=1, ensure_ascii=False), encoding="utf-8")
    return out


def write_stata(df: pl.DataFrame, out: str | Path, *, label: str | None = None) -> None:
    """Write ``df`` as a labelled Stata ``.dta`` (version 118, UTF-8).

    Booleans become 0/1 bytes, dates Stata daily dates (``%td``), integer columns with missing
    values doubles (Stata's ``.``), strings keep nulls as empty strings. ``vote`` is stored as
    1-4 with value labels (:data:`VOTE_VALUE_LABELS`); every column gets a variable label
    (:data:`COLUMN_LABELS`, else its name) and the file the dataset label ``label``.
    """
    casts = []
    value_labels: dict[str, dict[float, str]] = {}
    for name, dtype in df.schema.items():
        if name == "vote" and dtype == pl.String:
            casts.append(pl.col(name).replace_strict(_VOTE_CODES, default=None, return_dtype=pl.Int8))
            value_labels[name] = {float(k): v for k, v in VOTE_VALUE_LABELS.items()}
        elif dtype == pl.Boolean:
            casts.append(pl.col(name).cast(pl.Int8))
        elif dtype.is_integer() and df[name].null_count():
            casts.append(pl.col(name).cast(pl.Float64))
        elif dtype == pl.String:
            casts.append(pl.col(name).fill_null(""))
    frame = df.with_columns(casts).to_pandas()
    dates = {name: "td" for name, dtype in df.schema.items() if dtype == pl.Date}
    for name in dates:
        frame[name] = frame[name].astype("datetime64[ns]")
    variable_labels = {name: COLUMN_LABELS.get(name, name)[:80] for name in df.columns}
    frame.to_stata(
        out,
        write_index=False,
        convert_dates=dates,  # type: ignore[arg-type]
        version=118,
        variable_labels=variable_labels,
        value_labels=value_labels or None,
        data_label=(label or "polycentric export")[:80],
    )
