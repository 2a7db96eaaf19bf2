"""Charts of the reports: matplotlib figures rendered to inline SVG text (no files, no fonts to fetch).

Output is deterministic for the same data (fixed SVG hash salt, no creation date).

Dependency rule: imports matplotlib, polars and ``record.cite`` (the vote colours) only.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

__all__ = ["VOTE_COLORS", "VOTE_NAMES", "bar_tally", "line_chart", "stacked_years", "svg_of"]

from polycentric.record.cite import VOTE_COLORS, VOTE_NAMES  # one colour per vote everywhere


def svg_of(fig: Figure) -> str:
    """The figure as an ``<svg>`` element (XML header dropped), then closed."""
    buf = io.StringIO()
    with plt.rc_context({"svg.hashsalt": "polycentric", "svg.fonttype": "none"}):
        fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": "polycentric"})
    plt.close(fig)
    text = buf.getvalue()
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.S)
    return text[text.index("<svg") :]


def bar_tally(tally: Mapping[str, int], title: str = "") -> str:
    """A horizontal stacked bar of Y/N/A/X counts."""
    fig, ax = plt.subplots(figsize=(7.5, 1.1))
    left = 0
    for code in ("Y", "N", "A", "X"):
        n = int(tally.get(code, 0))
        ax.barh([0], [n], left=left, color=VOTE_COLORS[code], label=f"{VOTE_NAMES[code]} {n}")
        if n >= 8:
            ax.text(left + n / 2, 0, str(n), ha="center", va="center", color="white", fontsize=9)
        left += n
    ax.set_yticks([])
    ax.set_xlim(0, max(left, 1))
    ax.spines[["top", "right", "left"]].set_visible(False)
    ax.legend(ncol=4, loc="upper center", bbox_to_anchor=(0.5, -0.45), frameon=False, fontsize=8)
    if title:
        ax.set_title(title, fontsize=10, loc="left")
    return svg_of(fig)


def stacked_years(years: Sequence[int], counts: Mapping[str, Sequence[int]], title: str) -> str:
    """Stacked bars of vote counts per year (keys of ``counts`` are vote codes)."""
    fig, ax = plt.subplots(figsize=(7.5, 2.6))
    bottom = [0] * len(years)
    for code in ("Y", "N", "A", "X"):
        values = list(counts.get(code, [0] * len(years)))
        ax.bar(years, values, bottom=bottom, color=VOTE_COLORS[code], label=VOTE_NAMES[code], width=0.8)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_title(title, fontsize=10, loc="left")
    ax.set_ylabel("roll calls")
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(ncol=4, fontsize=8, frameon=False, loc="upper left")
    return svg_of(fig)


def line_chart(
    series: Mapping[str, tuple[Sequence[float], Sequence[float | None]]],
    title: str,
    ylabel: str,
    *,
    bands: Mapping[str, tuple[Sequence[float], Sequence[float], Sequence[float]]] | None = None,
    ylim: tuple[float, float] | None = None,
) -> str:
    """Lines (label -> (x, y)), optional shaded intervals (label -> (x, lower, upper))."""
    fig, ax = plt.subplots(figsize=(7.5, 3.0))
    for label, (xs, lo, hi) in (bands or {}).items():
        ax.fill_between(xs, lo, hi, alpha=0.2, label=f"{label} interval")
    for label, (xs, ys) in series.items():
        ax.plot(
            xs, [float("nan") if y is None else y for y in ys], marker="o", markersize=2.5, linewidth=1.4, label=label
        )
    ax.set_title(title, fontsize=10, loc="left")
    ax.set_ylabel(ylabel)
    if ylim:
        ax.set_ylim(*ylim)
    ax.grid(alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    if len(series) > 1 or bands:
        ax.legend(fontsize=8, frameon=False, ncol=min(4, len(series) + len(bands or {})))
    return svg_of(fig)
