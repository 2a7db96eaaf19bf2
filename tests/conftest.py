"""Shared fixtures: the real datasets in ../shared/data (never copied into the repo)."""

from __future__ import annotations

from pathlib import Path

import pytest

from _webfixtures import browser
from polycentric.config import find_local_data_dir

__all__ = ["browser"]  # one Playwright browser per test process: a second sync_playwright() in it fails


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder of real source files (../shared/data beside the checkout)."""
    path = find_local_data_dir()
    if path is None:
        pytest.fail("../shared/data not found: tests read the real datasets from there")
    return path


@pytest.fixture(scope="session")
def record(shared_data: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A record built once from the shared data: the General Assembly sources of ``polycentric build --offline``.

    The unvotes triple (1946-2023), the key-vote samples, the combined GA votes of
    sessions 78-80 and ES-10/ES-11 (``unga_unsc_votes_2023_2025_combined/ga_votes_long.csv.gz``)
    and the SC vetoes of 1946-2022 (the other SC files of the build are tested in ``tests/record/test_sc.py``).
    """
    from polycentric.record.store import ingest, open_record

    home = tmp_path_factory.mktemp("record_home")
    ingest(
        [
            shared_data / "unvotes_voeten_2024",
            shared_data / "unga_undl_keyvotes_sample",
            shared_data / "unga_unsc_votes_2023_2025_combined" / "ga_votes_long.csv.gz",
            shared_data / "unsc_vetoes" / "unsc_vetoes_1946_sept2022.csv",
        ],
        home=home,
    )
    return open_record(home)
