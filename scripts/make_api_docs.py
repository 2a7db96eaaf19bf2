"""Write docs/api.md: the curated public names of ``polycentric`` (``__all__``), grouped by module.

    .venv/bin/python scripts/make_api_docs.py

The first line of each object's docstring is its description. ``tests/test_conventions.py``
checks that the page and ``polycentric.__all__`` name the same things.
"""

from __future__ import annotations

import sys
from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs" / "api.md"


def main() -> int:
    import polycentric

    groups: dict[str, list[str]] = {}
    for name in polycentric.__all__:
        if name == "__version__":
            continue
        groups.setdefault(polycentric._EXPORTS[name].split(":")[0], []).append(name)
    out = [
        "# Python API",
        "",
        "`import polycentric as pc`: the curated public names (`pc.__all__`). Everything else is internal",
        "and may change without notice. `tests/test_conventions.py` checks that this page and `__all__` agree.",
        "Written by `scripts/make_api_docs.py`.",
        "",
    ]
    for module in sorted(groups):
        out += [f"## `{module}`", "", "| name | what |", "|---|---|"]
        for name in sorted(groups[module], key=str.lower):
            obj = getattr(polycentric, name)
            doc = "" if isinstance(obj, dict | tuple | list | str) else (obj.__doc__ or "").strip().split("\n")[0]
            out.append(f"| `{name}` | {doc.replace('|', '/')} |")
        out.append("")
    DOC.write_text("\n".join(out), encoding="utf-8")
    print(f"wrote {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
