"""Fixtures of the reliability suite (tests run real ``polycentric`` processes; see docs/reliability.md)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def unvotes(shared_data: Path) -> Path:
    """The full Voeten 2024 ``unvotes`` folder (6,464 roll calls, about a million votes)."""
    return shared_data / "unvotes_voeten_2024"
