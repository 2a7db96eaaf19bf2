"""The README's Python example runs as written against a built record."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_opens_with_the_two_commands():
    text = README.read_text(encoding="utf-8")
    first_block = re.search(r"```bash\n(.*?)```", text, re.S)
    assert first_block is not None
    lines = [ln.split("#")[0].strip() for ln in first_block.group(1).strip().splitlines()]
    assert lines == ["bash scripts/setup.sh && .venv/bin/polycentric build", "bash scripts/test.sh"]
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "bash scripts/test.sh" in ci


@pytest.mark.slow
def test_readme_python_example_runs(record, monkeypatch):  # type: ignore[no-untyped-def]
    text = README.read_text(encoding="utf-8")
    block = re.search(r"```python\n(.*?)```", text, re.S)
    assert block is not None
    code = block.group(1).replace("pc.open()", "pc.open(home=HOME)")
    namespace: dict[str, object] = {"HOME": record.home}
    exec(compile(code, str(README), "exec"), namespace)
    votes = namespace["votes"]
    assert isinstance(votes, pl.DataFrame)
    assert votes.filter(pl.col("vote") == "Y").height == 141
    nam_eu = namespace["nam_eu"]
    assert isinstance(nam_eu, pl.DataFrame)
    assert set(nam_eu["group"].unique()) == {"NAM", "EU"}
    ideal = namespace["model"].ideal_points_  # type: ignore[attr-defined]
    assert {"state", "session", "year", "ideal_point", "lower", "upper"} <= set(ideal.columns)
