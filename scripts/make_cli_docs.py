"""Write docs/cli.md: every ``polycentric`` command with its options, from the CLI itself.

    .venv/bin/python scripts/make_cli_docs.py            # rewrite docs/cli.md
    .venv/bin/python scripts/make_cli_docs.py --check    # exit 1 when docs/cli.md is out of date

``tests/test_conventions.py`` runs the check, so a command added without its
page fails CI.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer

DOC = Path(__file__).resolve().parents[1] / "docs" / "cli.md"


def commands() -> Iterator[tuple[str, Any]]:
    """``("polycentric votes", command)`` for every command and sub-command, in help order."""
    from polycentric.cli.main import app

    root = typer.main.get_command(app)

    # typer bundles its own copy of click: duck-type groups, options and arguments
    def walk(prefix: str, cmd: Any) -> Iterator[tuple[str, Any]]:
        if hasattr(cmd, "list_commands"):
            ctx = cmd.context_class(cmd)
            for name in cmd.list_commands(ctx):
                sub = cmd.get_command(ctx, name)
                if sub is None or getattr(sub, "hidden", False):
                    continue
                yield from walk(f"{prefix} {name}", sub)
        else:
            yield prefix, cmd

    yield from walk("polycentric", root)


def render() -> str:
    lines = [
        "# Command line",
        "",
        "Every `polycentric` command, written by `scripts/make_cli_docs.py` from the CLI itself",
        "(`polycentric COMMAND --help` shows the same). Global options: `--home DIR` (the record),",
        "`--data DIR` (local source files), `--version`.",
        "",
        "Exit codes: 0 success; 1 a named thing was not found or there is too little data;",
        "2 bad input (a malformed file or option); see `polycentric.errors`.",
        "",
    ]
    for name, cmd in commands():
        help_text = " ".join((cmd.help or "").split("\n\n")[0].split())
        lines += [f"## `{name}`", "", help_text, ""]
        opts = []
        for p in cmd.params:
            if p.param_type_name == "option" and not getattr(p, "hidden", False):
                flags = ", ".join(f"`{o}`" for o in p.opts)
                opts.append(f"- {flags}: {' '.join((p.help or '').split())}")
            elif p.param_type_name == "argument":
                opts.append(
                    f"- `{(p.name or '').upper()}` (argument): {' '.join((getattr(p, 'help', None) or '').split())}"
                )
        if opts:
            lines += [*opts, ""]
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        if not DOC.is_file() or DOC.read_text(encoding="utf-8") != text:
            print(f"{DOC} is out of date: run .venv/bin/python scripts/make_cli_docs.py", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(text, encoding="utf-8")
    print(f"wrote {DOC} ({text.count('## ')} commands)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
