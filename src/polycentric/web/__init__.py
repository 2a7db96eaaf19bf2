"""The web dashboard: prebuilt front-end assets served by the API app.

The sources live in ``web/`` at the top of the checkout and are built with npm/Vite
(``scripts/build-web.sh``) into ``static/`` here, which ships in the Python package.

Dependency rule: static assets plus a small module locating them.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["static_dir"]


def static_dir() -> Path:
    """The folder of the built dashboard (``index.html`` and ``assets/``); it may not exist yet."""
    return Path(__file__).resolve().parent / "static"
