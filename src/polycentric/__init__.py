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
from typing import Any

try:  # one version source: pyproject.toml, read from the installed metadata
    from importlib.metadata import PackageNotFoundError as _NotFound
    from importlib.metadata import version as _version

    __version__: str = _version("polycentric")
except _NotFound:  # pragma: no cover - running from a source tree that was never installed
    __version__ = "0+unknown"

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

__all__ = sorted([*_EXPORTS, "__version__"])


def __getattr__(name: str) -> Any:
    target = _EXPORTS.get(name)
    if target is None:
        raise AttributeError(f"module 'polycentric' has no attribute {name!r}")
    module_name, attr = target.split(":")
    value = getattr(importlib.import_module(module_name), attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
