"""Shared fixtures: the real datasets in ../shared/data (never copied into the repo)."""

from __future__ import annotations

from pathlib import Path

import pytest

from polycentric.config import find_local_data_dir


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder of real source files (../shared/data beside the checkout)."""
    path = find_local_data_dir()
    if path is None:
        pytest.fail("../shared/data not found: tests read the real datasets from there")
    return path
