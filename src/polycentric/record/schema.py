"""Moved: the canonical schema is :mod:`polycentric.schema` (the ground floor). Kept one release for imports.

Dependency rule: imports only ``polycentric.schema``.
"""

from __future__ import annotations

from polycentric.schema import *  # noqa: F403
