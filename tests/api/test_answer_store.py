"""The answer store of :class:`polycentric.api.caching.ResponseCache`: what ``polycentric build`` computes ahead
for the dashboard's default pages, keyed by ETag (the record's version, the saved fit and the code)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from polycentric.api.caching import ResponseCache


def _counting_app(calls: list[str]) -> FastAPI:
    inner = FastAPI()

    @inner.get("/api/answer")
    def answer(q: str = "") -> dict[str, object]:
        calls.append(q)
        return {"q": q, "computed": len(calls)}

    return inner


def _client(calls: list[str], folder: Path, version: str, *, persist: bool) -> TestClient:
    app = ResponseCache(_counting_app(calls), lambda: version, store=lambda: folder / version, persist=persist)
    return TestClient(app)  # type: ignore[arg-type]


def test_a_build_keeps_the_answers_of_the_same_version(tmp_path: Path) -> None:
    calls: list[str] = []
    first = _client(calls, tmp_path, "v1", persist=True).get("/api/answer", params={"q": "a"})
    assert first.json() == {"q": "a", "computed": 1} and len(list((tmp_path / "v1").iterdir())) == 1
    # a second build of the same version reads the stored answer instead of computing it again
    again = _client(calls, tmp_path, "v1", persist=True).get("/api/answer", params={"q": "a"})
    assert again.json() == {"q": "a", "computed": 1} and calls == ["a"]
    assert again.headers["etag"] == first.headers["etag"]
    # a server (not persisting) reads it too
    served = _client(calls, tmp_path, "v1", persist=False).get("/api/answer", params={"q": "a"})
    assert served.json() == {"q": "a", "computed": 1} and calls == ["a"]


def test_a_new_version_computes_afresh(tmp_path: Path) -> None:
    calls: list[str] = []
    _client(calls, tmp_path, "v1", persist=True).get("/api/answer", params={"q": "a"})
    fresh = _client(calls, tmp_path, "v2", persist=True).get("/api/answer", params={"q": "a"})
    assert fresh.json() == {"q": "a", "computed": 2} and calls == ["a", "a"]
    assert (tmp_path / "v2").is_dir()


def test_a_damaged_stored_answer_is_computed_again(tmp_path: Path) -> None:
    calls: list[str] = []
    _client(calls, tmp_path, "v1", persist=True).get("/api/answer", params={"q": "a"})
    (stored,) = (tmp_path / "v1").iterdir()
    stored.write_bytes(b"not json\n{}")
    redone = _client(calls, tmp_path, "v1", persist=True).get("/api/answer", params={"q": "a"})
    assert redone.json() == {"q": "a", "computed": 2}
    assert b'"computed":2' in stored.read_bytes()  # and stored again
