"""Fixtures of the sources tests: a local stand-in for the UN Digital Library."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from undl_server import FakeLibrary, LibraryServer


@pytest.fixture
def library() -> Iterator[FakeLibrary]:
    """A running local library serving nothing yet; tests ``put`` files into it."""
    with LibraryServer(FakeLibrary()) as lib:
        yield lib
