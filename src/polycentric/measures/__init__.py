"""Agreement, cohesion, voice, alignment, neutrality, shifts and resolution series.

Pure functions over DataFrames in the record's schema
(:data:`polycentric.schema.VOTES_VIEW`) returning Polars DataFrames; every
docstring gives the formula and its source paper (overview: ``docs/measures.md``).

- :mod:`~polycentric.measures.agreement`: simple, Lijphart, Signorino–Ritter S; one-pass matrix.
- :mod:`~polycentric.measures.cohesion`: Rice index, Hix–Noury–Roland agreement index.
- :mod:`~polycentric.measures.voice`: majority on the winning side, vote share, decisiveness.
- :mod:`~polycentric.measures.alignment`: agreement with reference states and group majorities.
- :mod:`~polycentric.measures.neutrality`: abstention and non-voting rates.
- :mod:`~polycentric.measures.shifts`: largest changes in alignment and the roll calls behind them.
- :mod:`~polycentric.measures.tally`: Yes/No/Abstain/non-voting counts per roll call or any grouping.
- :mod:`~polycentric.measures.series`: recurring resolutions, their tallies and switchers.
- :mod:`~polycentric.measures.plots`: charts of the above (matplotlib, imported only there).

Dependency rule (enforced by the import-linter contract): imports the registry (groups, for
membership at each vote's date) and the layers below it; never the models or the shells.
"""

from __future__ import annotations

from polycentric.measures.agreement import INDICES, AgreementMatrix, agreement, agreement_matrix, agreement_pairs
from polycentric.measures.alignment import DEFAULT_REFERENCES, alignment
from polycentric.measures.cohesion import cohesion, cohesion_rollcalls
from polycentric.measures.neutrality import neutrality
from polycentric.measures.series import KNOWN_SERIES, find_series, series_history, series_switchers, series_table
from polycentric.measures.shifts import shift_drivers, shifts
from polycentric.measures.tally import tally
from polycentric.measures.voice import voice, voice_rollcalls

__all__ = [
    "DEFAULT_REFERENCES",
    "INDICES",
    "KNOWN_SERIES",
    "AgreementMatrix",
    "agreement",
    "agreement_matrix",
    "agreement_pairs",
    "alignment",
    "cohesion",
    "cohesion_rollcalls",
    "find_series",
    "neutrality",
    "series_history",
    "series_switchers",
    "series_table",
    "shift_drivers",
    "shifts",
    "tally",
    "voice",
    "voice_rollcalls",
]
