"""Fixtures of the measures tests: a stand-in group registry and the real record's frames."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import polars as pl
import pytest


class FakeGroup:
    def __init__(self, gid: str, frame: pl.DataFrame) -> None:
        self.id = gid
        self.name = gid
        self.membership = frame


@pytest.fixture
def fake_groups(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, pl.DataFrame]]:
    """Replace the registry's ``get_group`` by a stand-in whose groups are this dict's frames."""
    from polycentric.errors import UnknownGroupError
    from polycentric.registry import groups as registry_groups

    registry: dict[str, pl.DataFrame] = {}

    def get_group(gid: str, **_: Any) -> FakeGroup:
        if gid not in registry:
            raise UnknownGroupError(f"unknown group {gid!r}")
        return FakeGroup(gid, registry[gid])

    monkeypatch.setattr(registry_groups, "get_group", get_group)
    yield registry


@pytest.fixture(scope="session")
def real(record: Any) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``(votes, roll_calls)`` of the real record (the session-scoped ``record`` fixture), all GA roll calls."""
    return record.votes(), record.roll_calls()
