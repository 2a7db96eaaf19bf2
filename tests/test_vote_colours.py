"""One colour per vote everywhere: the dashboard's map and styles, the reports and the CLI charts share the palette."""

from __future__ import annotations

import re
from pathlib import Path

from polycentric.record.cite import VOTE_COLORS
from polycentric.report.charts import VOTE_COLORS as REPORT_COLORS

ROOT = Path(__file__).resolve().parents[1]


def test_web_map_and_css_use_the_library_palette() -> None:
    js = (ROOT / "web" / "src" / "map.js").read_text(encoding="utf-8")
    found = dict(re.findall(r'([YNAX]): "(#[0-9A-Fa-f]{6})"', js.split("export const VOTE_COLORS", 1)[1].split(";")[0]))
    assert {k: v.lower() for k, v in found.items()} == {k: v.lower() for k, v in VOTE_COLORS.items()}
    css = (ROOT / "web" / "src" / "style.css").read_text(encoding="utf-8")
    for code, colour in VOTE_COLORS.items():
        assert re.search(rf"--{code}:\s*{colour}\s*;", css, re.I), code
    assert REPORT_COLORS is VOTE_COLORS


# Machado, Oliveira & Fernandes (2009) simulation matrices, severity 1.0
DEUTERANOPIA = ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413), (-0.011820, 0.042940, 0.968881))
PROTANOPIA = ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216), (-0.003882, -0.048116, 1.051998))


def _rgb(hex_colour: str) -> tuple[float, float, float]:
    r, g, b = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return r, g, b


def _simulate(matrix: tuple[tuple[float, ...], ...], rgb: tuple[float, float, float]) -> list[float]:
    return [min(1.0, max(0.0, sum(m * c for m, c in zip(row, rgb, strict=True)))) for row in matrix]


def test_abstain_is_amber_and_votes_stay_apart_for_colour_blind_readers() -> None:
    r, g, b = (int(VOTE_COLORS["A"][i : i + 2], 16) for i in (1, 3, 5))
    assert r > g > b and r > 200  # amber: red > green > blue, bright red channel
    codes = list(VOTE_COLORS)
    for matrix in (DEUTERANOPIA, PROTANOPIA):
        seen = {c: _simulate(matrix, _rgb(VOTE_COLORS[c])) for c in codes}
        for i, a in enumerate(codes):
            for other in codes[i + 1 :]:
                distance = sum((x - y) ** 2 for x, y in zip(seen[a], seen[other], strict=True)) ** 0.5
                assert distance > 0.25, (a, other, distance)


def test_cli_tables_colour_votes_with_the_palette() -> None:
    import polars as pl

    from polycentric.cli.output import render

    df = pl.DataFrame({"state": ["USA", "RUS", "IND", "AZE"], "vote": ["Y", "N", "A", "X"]})
    coloured = render(df, "table", color=True)
    for code, colour in VOTE_COLORS.items():
        r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
        assert f"38;2;{r};{g};{b}m" in coloured, code  # truecolor escape of that vote's colour
    plain = render(df, "table")
    assert "\x1b[" not in plain  # piped output stays plain text
