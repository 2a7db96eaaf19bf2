"""Where polycentric keeps its record and where it looks for local source files.

Home directory (the embedded store), first that applies:

1. the ``home`` argument (``--home DIR`` on the command line);
2. the ``POLYCENTRIC_HOME`` environment variable;
3. the user's data directory (``platformdirs.user_data_dir("polycentric")``).

Local source files (used offline, and by tests and benchmarks), first that applies:

1. the ``data`` argument (``--data DIR``);
2. the ``POLYCENTRIC_DATA`` environment variable;
3. a ``shared/data`` folder beside the current directory or beside the checkout
   (``../shared/data``), as laid out in this project's workspace.

The layout of a home folder is owned by :class:`Home`; every layer asks it for
its paths instead of joining names itself.

Dependency rule: imports only ``polycentric.errors`` and the standard library
(plus platformdirs).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from polycentric.errors import ConfigurationError

__all__ = ["Home", "find_local_data_dir", "home_dir", "local_data_dir"]

_CHECKOUT = Path(__file__).resolve().parents[2]


def home_dir(home: str | Path | None = None) -> Path:
    """Resolve the home directory of the record (it is not created here)."""
    if home is not None:
        return Path(home).expanduser()
    env = os.environ.get("POLYCENTRIC_HOME")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("polycentric", appauthor=False))


def find_local_data_dir(data: str | Path | None = None) -> Path | None:
    """The folder of local source files, or None when none is found."""
    if data is not None:
        p = Path(data).expanduser()
        if not p.is_dir():
            raise ConfigurationError(f"data folder {p} does not exist")
        return p
    env = os.environ.get("POLYCENTRIC_DATA")
    if env:
        p = Path(env).expanduser()
        if not p.is_dir():
            raise ConfigurationError(f"POLYCENTRIC_DATA={env} is not a folder")
        return p
    for base in (Path.cwd(), Path.cwd().parent, _CHECKOUT, _CHECKOUT.parent):
        for cand in (base / "shared" / "data",):
            if cand.is_dir():
                return cand
    return None


def local_data_dir(data: str | Path | None = None) -> Path:
    """Like :func:`find_local_data_dir` but raise when no folder is found."""
    p = find_local_data_dir(data)
    if p is None:
        raise ConfigurationError(
            "no local data folder found: pass --data DIR or set POLYCENTRIC_DATA "
            "(a folder laid out like ../shared/data)"
        )
    return p


@dataclass(frozen=True)
class Home:
    """The layout of a record's home folder (nothing is created here).

    ::

        HOME/
          CURRENT          the name of the version in use (one line; replaced atomically)
          v-*/             complete versions of the record (Parquet files and manifest.json)
          .tmp-*/          a version being written (removed when its writer is gone)
          .writer.lock     held by the one writer at a time
          downloads/       files fetched by ``sync`` and their manifest (``.sync.lock``)
          groups/          user-defined groups
          models/          fitted models, keyed to the record version
          cache/           precomputed answers of the API and the dashboard

    >>> Home.at("/tmp/pc").models
    PosixPath('/tmp/pc/models')
    """

    root: Path
    current_pointer: Path
    writer_lock: Path
    downloads: Path
    groups: Path
    models: Path
    cache: Path

    @classmethod
    def at(cls, home: str | Path | None = None) -> Home:
        """The layout of the home resolved as :func:`home_dir` resolves it."""
        root = home_dir(home)
        names = ("CURRENT", ".writer.lock", "downloads", "groups", "models", "cache")
        return cls(root, *(root / name for name in names))

    def versions(self) -> list[Path]:
        """The complete-or-not version folders ``v-*``, oldest name first."""
        return sorted(p for p in self.root.glob("v-*") if p.is_dir())
