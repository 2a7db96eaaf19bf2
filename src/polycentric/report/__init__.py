"""Self-contained HTML reports (state, group, roll call).

>>> from polycentric.report import rollcall_brief, write_brief
>>> write_brief(rollcall_brief(polycentric.open(), "A/RES/ES-11/1"), "es11-1.html")  # doctest: +SKIP

Dependency rule: may import any library package; no shell imports it except cli/api.
"""

from __future__ import annotations

from polycentric.report.briefs import group_brief, rollcall_brief, state_brief, write_brief

__all__ = ["group_brief", "rollcall_brief", "state_brief", "write_brief"]
