"""Fixtures of the API tests: an app over the record, and an in-process client."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from polycentric.api import create_app


@pytest.fixture(scope="session")
def served_record(request: pytest.FixtureRequest, shared_data: Any) -> Any:
    """The record the web tests serve: the suite's ``record`` fixture once it exists."""
    try:
        return request.getfixturevalue("record")
    except pytest.FixtureLookupError:  # until the record layer lands on main
        import sys
        from pathlib import Path

        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
        from _devrecord import DevRecord

        return DevRecord(shared_data)


@pytest.fixture(scope="session")
def app(served_record: Any) -> Any:
    return create_app(record=served_record)


@pytest.fixture(scope="session")
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c
