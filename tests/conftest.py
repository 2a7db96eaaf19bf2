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


@pytest.fixture(scope="session")
def record(shared_data: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A record built once from the shared data (unvotes triple, key-vote samples, SC vetoes)."""
    from polycentric.record.store import ingest, open_record

    home = tmp_path_factory.mktemp("record_home")
    ingest(
        [
            shared_data / "unvotes_voeten_2024",
            shared_data / "unga_undl_keyvotes_sample",
            shared_data / "unsc_vetoes" / "unsc_vetoes_1946_sept2022.csv",
        ],
        home=home,
    )
    return open_record(home)
