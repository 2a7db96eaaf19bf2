"""Executable conventions: the public API, the CLI's documentation and the estimators' contract."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import polycentric

ROOT = Path(__file__).resolve().parents[1]


def test_all_equals_the_documented_public_names() -> None:
    documented = set(re.findall(r"^\| `([A-Za-z_][A-Za-z0-9_]*)` \|", (ROOT / "docs" / "api.md").read_text(), re.M))
    public = set(polycentric.__all__) - {"__version__"}
    assert public - documented == set(), "public names missing from docs/api.md (run scripts/make_api_docs.py)"
    assert documented - public == set(), "docs/api.md names that are not public"


def test_every_public_name_resolves() -> None:
    for name in polycentric.__all__:
        assert getattr(polycentric, name) is not None, name


def test_every_cli_command_and_option_is_documented() -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from make_cli_docs import commands
    finally:
        sys.path.pop(0)
    page = (ROOT / "docs" / "cli.md").read_text()
    for name, cmd in commands():
        assert f"## `{name}`" in page, f"{name} is not in docs/cli.md (run scripts/make_cli_docs.py)"
        section = page.split(f"## `{name}`", 1)[1].split("\n## ", 1)[0]
        for p in cmd.params:
            if p.param_type_name == "option" and not getattr(p, "hidden", False):
                assert f"`{p.opts[0]}`" in section, f"{name} {p.opts[0]} is not in docs/cli.md"


def test_cli_docs_generator_check_mode_runs() -> None:
    out = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_cli_docs.py"), "--check"], capture_output=True, text=True
    )
    assert out.returncode in (0, 1), out.stderr


def test_init_type_checking_block_matches_the_exports() -> None:
    out = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_init_types.py"), "--check"], capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr


def test_public_api_is_typed_for_users(tmp_path: Path) -> None:
    """``reveal_type(pc.open(...).votes())`` is a Polars DataFrame, not Any."""
    from mypy import api

    snippet = tmp_path / "user.py"
    snippet.write_text("import polycentric as pc\nreveal_type(pc.open().votes())\nreveal_type(pc.cohesion)\n")
    stdout, _, _ = api.run([str(snippet), "--no-incremental", "--follow-imports=silent"])
    assert 'Revealed type is "polars.dataframe.frame.DataFrame"' in stdout, stdout
    assert "def (votes: polars.dataframe.frame.DataFrame" in stdout, stdout
