"""The HTTP API (FastAPI): read-only routes over the library functions, no logic of its own.

>>> from polycentric.api import create_app
>>> app = create_app()          # doctest: +SKIP  (record opened on the first request)

Dependency rule: may import any library package; imports no other shell.
"""

from __future__ import annotations

from polycentric.api.app import create_app

__all__ = ["create_app"]
