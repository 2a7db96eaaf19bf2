"""Groups (dated memberships) and the lookups shells need (the resolver of states, groups and symbols).

Curated, sourced data files live in ``registry/data`` (the state files there are read by
:mod:`polycentric.states`, which is on the ground floor so that readers can map codes).

Dependency rule (enforced by the import-linter contract): imports the record, sources and the
ground floor (``schema``, ``symbols``, ``states``), ``errors`` and ``config``; never measures,
models or shells.
"""

# ``groups`` first: it completes itself with its private ``_group_files`` module, which builds on it.
from polycentric.registry import groups as groups
