"""Regenerate the golden reference outputs in this folder (as linearmodels keeps its results).

Run from the checkout, with ../shared/data beside it::

    .venv/bin/python tests/golden/make_golden.py

Each ``*.csv`` here is written by the function of the same name below, from the
Voeten 2024 release (the ``unvotes_voeten_2024`` folder) over fixed periods
before 2023, so new sources do not change them. ``test_golden.py`` recomputes
every table and compares it with the file: a change of a measure's numbers
fails CI until this script is rerun on purpose and the diff reviewed.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import polars as pl

HERE = Path(__file__).resolve().parent
STATES = ("USA", "RUS", "CHN", "IND", "BRA", "ZAF", "GBR", "FRA", "TUR", "IDN")


def record_votes(data: Path, home: Path) -> pl.DataFrame:
    """GA votes of the Voeten 2024 release, read through the store."""
    from polycentric.record.store import ingest, open_record

    ingest([data / "unvotes_voeten_2024"], home=home)
    return open_record(home).votes()


def agreement_usa_rus_1990_2000(votes: pl.DataFrame) -> pl.DataFrame:
    from polycentric.measures import agreement

    return agreement(votes, "USA", "RUS", ["simple", "lijphart", "s"], years=(1990, 2000))


def cohesion_nam_eu_1991_2000(votes: pl.DataFrame) -> pl.DataFrame:
    from polycentric.measures import cohesion

    return cohesion(votes, ["NAM", "EU"], years=(1991, 2000), index=["rice", "agreement"])


def voice_p5_groups_2000_2005(votes: pl.DataFrame) -> pl.DataFrame:
    from polycentric.measures import voice

    return voice(votes, ["NAM", "EU", "OIC"], years=(2000, 2005))


def alignment_2010(votes: pl.DataFrame) -> pl.DataFrame:
    from polycentric.measures import alignment

    return alignment(votes, ["USA", "CHN", "RUS"], years=2010, states=list(STATES))


TABLES: dict[str, Callable[[pl.DataFrame], pl.DataFrame]] = {
    "agreement_usa_rus_1990_2000": agreement_usa_rus_1990_2000,
    "cohesion_nam_eu_1991_2000": cohesion_nam_eu_1991_2000,
    "voice_p5_groups_2000_2005": voice_p5_groups_2000_2005,
    "alignment_2010": alignment_2010,
}


def main() -> int:
    from polycentric.config import local_data_dir

    data = local_data_dir()
    with tempfile.TemporaryDirectory() as home:
        votes = record_votes(data, Path(home))
        for name, make in TABLES.items():
            frame = make(votes)
            frame.write_csv(HERE / f"{name}.csv", float_precision=12)
            print(f"{name}.csv: {frame.height} rows, columns {', '.join(frame.columns)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
