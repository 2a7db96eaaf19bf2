"""polycentric: the UN voting record as a live, measurable model of the international system.

The public API is curated here; submodules are imported lazily so that
``import polycentric`` stays fast.

>>> import polycentric
>>> record = polycentric.open()                                  # doctest: +SKIP
>>> record.votes(resolution="A/RES/ES-11/1")                     # doctest: +SKIP

Package layout and dependency rules (each package states its own rule):

- ``errors``: the exception tree; imports nothing.
- ``config``: home and data folders.
- ``sources``: readers and the downloader (files -> tables), no statistics.
- ``record``: the embedded store (Parquet, atomic versions).
- ``registry``: states and groups, curated data files.
- ``measures``: agreement, cohesion, alignment, shifts, series; pure functions.
- ``models``: ideal points, polarity, forecasting; estimators.
- ``cli``, ``api``, ``web``, ``report``: shells over the library.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# public name -> "module:attribute"
_EXPORTS: dict[str, str] = {
    # errors
    "PolycentricError": "polycentric.errors:PolycentricError",
    # the record
    "open": "polycentric.record.store:open_record",
    "Record": "polycentric.record.store:Record",
    "ingest": "polycentric.record.ingest:ingest",
    "build_record": "polycentric.record.build:build_record",
    "read_source": "polycentric.sources.detect:read_source",
    "normalise_symbol": "polycentric.symbols:normalise_symbol",
    "sync_all": "polycentric.record.build:sync_record",
    "sync_source": "polycentric.sources.download:sync_source",
    "SyncReport": "polycentric.record.build:SyncReport",
    "read_sc_votes": "polycentric.sources.undl_sc:read_sc_votes",
    "read_member_state_authorities": "polycentric.sources.undl_authorities:read_member_state_authorities",
    "classify_issues": "polycentric.record.issues:classify_issues",
    "explain_issues": "polycentric.record.issues:explain_issues",
    # states
    "resolve_state": "polycentric.states:resolve_state",
    "states_table": "polycentric.states:states_table",
    "is_member": "polycentric.states:is_member",
    "member_states": "polycentric.states:member_states",
    "state_name": "polycentric.states:state_name",
    "resolve": "polycentric.registry.resolver:resolve",
    "resolve_symbol": "polycentric.registry.resolver:resolve_symbol",
    # browse, search and cite
    "search": "polycentric.browse:search",
    "list_roll_calls": "polycentric.browse:list_roll_calls",
    "vetoes": "polycentric.browse:vetoes",
    "with_citation": "polycentric.record.cite:with_citation",
    # groups
    "Group": "polycentric.registry.groups:Group",
    "get_group": "polycentric.registry.groups:get_group",
    "list_groups": "polycentric.registry.groups:list_groups",
    "define_group": "polycentric.registry.groups:define_group",
    "load_groups_file": "polycentric.registry.groups:load_groups_file",
    "membership_mask": "polycentric.registry.groups:membership_mask",
    "members_on": "polycentric.registry.groups:members_on",
    "memberships_of": "polycentric.registry.groups:memberships_of",
    # measures
    "agreement": "polycentric.measures:agreement",
    "agreement_matrix": "polycentric.measures:agreement_matrix",
    "agreement_pairs": "polycentric.measures:agreement_pairs",
    "AgreementMatrix": "polycentric.measures:AgreementMatrix",
    "cohesion": "polycentric.measures:cohesion",
    "cohesion_rollcalls": "polycentric.measures:cohesion_rollcalls",
    "voice": "polycentric.measures:voice",
    "voice_rollcalls": "polycentric.measures:voice_rollcalls",
    "alignment": "polycentric.measures:alignment",
    "neutrality": "polycentric.measures:neutrality",
    "shifts": "polycentric.measures:shifts",
    "shift_drivers": "polycentric.measures:shift_drivers",
    "tally": "polycentric.measures:tally",
    "find_series": "polycentric.measures:find_series",
    "series_history": "polycentric.measures:series_history",
    "series_switchers": "polycentric.measures:series_switchers",
    "series_table": "polycentric.measures:series_table",
    "KNOWN_SERIES": "polycentric.measures:KNOWN_SERIES",
    # models
    "IdealPointModel": "polycentric.models.idealpoints:IdealPointModel",
    "find_bridges": "polycentric.models.idealpoints:find_bridges",
    "polarity": "polycentric.models.polarity:polarity",
    "Polarity": "polycentric.models.polarity:Polarity",
    "esteban_ray": "polycentric.models.polarity:esteban_ray",
    "effective_number_of_poles": "polycentric.models.polarity:effective_number_of_poles",
    "plot_polarity": "polycentric.models.polarity:plot_polarity",
    "VoteForecaster": "polycentric.models.forecast:VoteForecaster",
    "Forecast": "polycentric.models.forecast:Forecast",
    "backtest": "polycentric.models.backtest:backtest",
    "read_bsv_ideal_points": "polycentric.models.validation:read_bsv_ideal_points",
    "compare_ideal_points": "polycentric.models.validation:compare_ideal_points",
    "IntervalCalibration": "polycentric.models.forecast:IntervalCalibration",
    # shells
    "create_app": "polycentric.api:create_app",
    "rollcall_brief": "polycentric.report:rollcall_brief",
    "state_brief": "polycentric.report:state_brief",
    "group_brief": "polycentric.report:group_brief",
    "write_brief": "polycentric.report:write_brief",
}

if TYPE_CHECKING:
    __version__: str

if TYPE_CHECKING:  # generated by scripts/make_init_types.py from _EXPORTS; do not edit
    # isort: off
    from polycentric.api import create_app as create_app
    from polycentric.browse import list_roll_calls as list_roll_calls
    from polycentric.browse import search as search
    from polycentric.browse import vetoes as vetoes
    from polycentric.errors import PolycentricError as PolycentricError
    from polycentric.measures import AgreementMatrix as AgreementMatrix
    from polycentric.measures import KNOWN_SERIES as KNOWN_SERIES
    from polycentric.measures import agreement as agreement
    from polycentric.measures import agreement_matrix as agreement_matrix
    from polycentric.measures import agreement_pairs as agreement_pairs
    from polycentric.measures import alignment as alignment
    from polycentric.measures import cohesion as cohesion
    from polycentric.measures import cohesion_rollcalls as cohesion_rollcalls
    from polycentric.measures import find_series as find_series
    from polycentric.measures import neutrality as neutrality
    from polycentric.measures import series_history as series_history
    from polycentric.measures import series_switchers as series_switchers
    from polycentric.measures import series_table as series_table
    from polycentric.measures import shift_drivers as shift_drivers
    from polycentric.measures import shifts as shifts
    from polycentric.measures import tally as tally
    from polycentric.measures import voice as voice
    from polycentric.measures import voice_rollcalls as voice_rollcalls
    from polycentric.models.backtest import backtest as backtest
    from polycentric.models.forecast import Forecast as Forecast
    from polycentric.models.forecast import IntervalCalibration as IntervalCalibration
    from polycentric.models.forecast import VoteForecaster as VoteForecaster
    from polycentric.models.idealpoints import IdealPointModel as IdealPointModel
    from polycentric.models.idealpoints import find_bridges as find_bridges
    from polycentric.models.polarity import Polarity as Polarity
    from polycentric.models.polarity import effective_number_of_poles as effective_number_of_poles
    from polycentric.models.polarity import esteban_ray as esteban_ray
    from polycentric.models.polarity import plot_polarity as plot_polarity
    from polycentric.models.polarity import polarity as polarity
    from polycentric.models.validation import compare_ideal_points as compare_ideal_points
    from polycentric.models.validation import read_bsv_ideal_points as read_bsv_ideal_points
    from polycentric.record.build import SyncReport as SyncReport
    from polycentric.record.build import build_record as build_record
    from polycentric.record.build import sync_record as sync_all
    from polycentric.record.cite import with_citation as with_citation
    from polycentric.record.ingest import ingest as ingest
    from polycentric.record.issues import classify_issues as classify_issues
    from polycentric.record.issues import explain_issues as explain_issues
    from polycentric.record.store import Record as Record
    from polycentric.record.store import open_record as open
    from polycentric.registry.groups import Group as Group
    from polycentric.registry.groups import define_group as define_group
    from polycentric.registry.groups import get_group as get_group
    from polycentric.registry.groups import list_groups as list_groups
    from polycentric.registry.groups import load_groups_file as load_groups_file
    from polycentric.registry.groups import members_on as members_on
    from polycentric.registry.groups import membership_mask as membership_mask
    from polycentric.registry.groups import memberships_of as memberships_of
    from polycentric.registry.resolver import resolve as resolve
    from polycentric.registry.resolver import resolve_symbol as resolve_symbol
    from polycentric.report import group_brief as group_brief
    from polycentric.report import rollcall_brief as rollcall_brief
    from polycentric.report import state_brief as state_brief
    from polycentric.report import write_brief as write_brief
    from polycentric.sources.detect import read_source as read_source
    from polycentric.sources.download import sync_source as sync_source
    from polycentric.sources.undl_authorities import read_member_state_authorities as read_member_state_authorities
    from polycentric.sources.undl_sc import read_sc_votes as read_sc_votes
    from polycentric.states import is_member as is_member
    from polycentric.states import member_states as member_states
    from polycentric.states import resolve_state as resolve_state
    from polycentric.states import state_name as state_name
    from polycentric.states import states_table as states_table
    from polycentric.symbols import normalise_symbol as normalise_symbol
    # isort: on
# end of the generated TYPE_CHECKING block

__all__ = [
    "AgreementMatrix",
    "Forecast",
    "Group",
    "IdealPointModel",
    "IntervalCalibration",
    "KNOWN_SERIES",
    "Polarity",
    "PolycentricError",
    "Record",
    "SyncReport",
    "VoteForecaster",
    "__version__",
    "agreement",
    "agreement_matrix",
    "agreement_pairs",
    "alignment",
    "backtest",
    "build_record",
    "classify_issues",
    "cohesion",
    "cohesion_rollcalls",
    "compare_ideal_points",
    "create_app",
    "define_group",
    "effective_number_of_poles",
    "esteban_ray",
    "explain_issues",
    "find_bridges",
    "find_series",
    "get_group",
    "group_brief",
    "ingest",
    "is_member",
    "list_groups",
    "list_roll_calls",
    "load_groups_file",
    "member_states",
    "members_on",
    "membership_mask",
    "memberships_of",
    "neutrality",
    "normalise_symbol",
    "open",
    "plot_polarity",
    "polarity",
    "read_bsv_ideal_points",
    "read_member_state_authorities",
    "read_sc_votes",
    "read_source",
    "resolve",
    "resolve_state",
    "resolve_symbol",
    "rollcall_brief",
    "search",
    "series_history",
    "series_switchers",
    "series_table",
    "shift_drivers",
    "shifts",
    "state_brief",
    "state_name",
    "states_table",
    "sync_all",
    "sync_source",
    "tally",
    "vetoes",
    "voice",
    "voice_rollcalls",
    "with_citation",
    "write_brief",
]


def _read_version() -> str:
    """One version source: pyproject.toml, read from the installed metadata (on first use: the read costs ~40 ms)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("polycentric")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree that was never installed
        return "0+unknown"


def __getattr__(name: str) -> Any:
    if name == "__version__":
        value = globals()["__version__"] = _read_version()
        return value
    target = _EXPORTS.get(name)
    if target is None:
        raise AttributeError(f"module 'polycentric' has no attribute {name!r}")
    module_name, attr = target.split(":")
    value = getattr(importlib.import_module(module_name), attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
