"""States (codes, successions, UN membership periods) and groups (dated memberships).

Curated, sourced data files live in ``registry/data``.

Dependency rule: imports ``polycentric.errors`` and ``polycentric.schema`` only
(``groups`` also reads ``polycentric.config`` for the home folder of user-defined groups).
"""

# ``groups`` first: it completes itself with its private ``_group_files`` module, which builds on it.
from polycentric.registry import groups as groups
