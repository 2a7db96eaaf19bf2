"""Fixtures of the reliability suite (tests run real ``polycentric`` processes; see docs/reliability.md)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def unvotes(shared_data: Path) -> Path:
    """The full Voeten 2024 ``unvotes`` folder (6,464 roll calls, about a million votes)."""
    return shared_data / "unvotes_voeten_2024"


_HERE = Path(__file__).resolve().parent


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in tests/reliability is marked ``reliability`` and, unless it names one, in its module's group.

    ``pytest -m reliability`` runs the suite alone; with ``--dist loadgroup`` the tests of a module
    run in one worker, one after another (they start real processes; two heavy ones at once on a
    2-core machine would only slow both).
    """
    for item in items:
        if _HERE not in Path(str(item.fspath)).resolve().parents:
            continue
        if item.get_closest_marker("reliability") is None:
            item.add_marker(pytest.mark.reliability)
        if item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group(f"reliability-{Path(str(item.fspath)).stem}"))
