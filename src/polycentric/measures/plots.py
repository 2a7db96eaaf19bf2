"""Charts of the measures: time series, agreement heatmaps, group comparisons, series histories.

Each function draws one chart from a measure's DataFrame and writes it to a
PNG, SVG or PDF file (the suffix decides) with matplotlib's object API (no
pyplot state, no display needed: the Agg renderer).

Dependency rule: imports numpy, polars, matplotlib and ``polycentric.errors``.
"""

from __future__ import annotations

import contextlib
import textwrap
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from polycentric.errors import ConfigurationError

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "CHART_COVERAGE",
    "SOURCE_LINE",
    "chart_coverage",
    "check_plot_path",
    "draw_time_series",
    "publication_footer",
    "plot_bars",
    "plot_heatmap",
    "plot_series_history",
    "plot_time_series",
]

_FORMATS = (".png", ".svg", ".pdf")


def _figure(width: float = 8.0, height: float = 4.5) -> tuple[Figure, Axes]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot()


def check_plot_path(path: str | Path) -> Path:
    """The chart's path, or :class:`ConfigurationError` when its suffix is not .png, .svg or .pdf."""
    path = Path(path)
    if path.suffix.lower() not in _FORMATS:
        raise ConfigurationError(f"cannot write a chart to {path.name}: use a .png, .svg or .pdf file name")
    return path


SOURCE_LINE = (
    "Source: polycentric, from the UN Digital Library voting data (digitallibrary.un.org/record/4060887) "
    "and Voeten, UNGA Voting Data (hdl:1902.1/12379)."
)
"""The source line every exported chart carries."""

CHART_COVERAGE: ContextVar[str] = ContextVar("chart_coverage", default="")
"""The record's coverage line printed above the source line (set by the shell that opened the record)."""


@contextlib.contextmanager
def chart_coverage(line: str) -> Iterator[None]:
    """Print ``Coverage: line`` on the charts saved inside the block."""
    token = CHART_COVERAGE.set(line)
    try:
        yield
    finally:
        CHART_COVERAGE.reset(token)


def publication_footer(fig: Figure) -> None:
    """Add the coverage and source lines under a figure (space is reserved below the axes)."""
    coverage = CHART_COVERAGE.get()
    lines = ([f"Coverage: {coverage}"] if coverage else []) + [SOURCE_LINE]
    text = "\n".join(textwrap.fill(line, 150) for line in lines)
    engine = fig.get_layout_engine()
    height = 0.035 * (text.count("\n") + 1) * 4.5 / fig.get_figheight()
    if engine is not None and hasattr(engine, "set"):
        try:
            engine.set(rect=(0.0, height + 0.01, 1.0, 1.0 - height - 0.01))  # type: ignore[call-arg]
        except TypeError:  # a layout engine without rect
            fig.subplots_adjust(bottom=height + 0.12)
    else:
        fig.subplots_adjust(bottom=height + 0.12)
    fig.text(0.01, 0.005, text, fontsize=6.5, color="#444444", ha="left", va="bottom")


def _save(fig: Figure, path: str | Path) -> Path:
    path = check_plot_path(path)
    publication_footer(fig)
    fig.savefig(path, dpi=150, metadata={"Software": "polycentric"} if path.suffix.lower() == ".png" else None)
    return path


def plot_time_series(
    df: pl.DataFrame,
    path: str | Path,
    *,
    x: str = "year",
    y: str = "value",
    hue: str | Sequence[str] = "group",
    title: str = "",
    ylabel: str = "",
    ylim: tuple[float, float] | None = None,
) -> Path:
    """One line per value of ``hue`` (a column or several, joined by " / "): ``y`` against ``x``.

    When ``df`` has a ``partial`` column (see :func:`polycentric.measures._common.annotate_periods`),
    partial periods are not drawn as ordinary points: their band is hatched grey and their
    points are hollow grey markers, and the line does not run through them.
    """
    hues = [hue] if isinstance(hue, str) else list(hue)
    fig, ax = _figure()
    draw_time_series(ax, df, x=x, y=y, hues=hues)
    ax.set_xlabel(x)
    ax.set_ylabel(ylabel or y)
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.set_title(textwrap.fill(title, 70), fontsize="medium")
    ax.grid(alpha=0.3)
    n_lines = df.select(pl.struct(hues).n_unique()).item() if df.height else 0
    ax.legend(fontsize="small", ncols=2 if n_lines > 6 else 1)
    return _save(fig, path)


def draw_time_series(ax: Axes, df: pl.DataFrame, *, x: str, y: str, hues: Sequence[str]) -> int:
    """Draw the lines of :func:`plot_time_series` on ``ax``; return the number of partial periods marked."""
    label = pl.concat_str([pl.col(h).cast(pl.String) for h in hues], separator=" / ").alias("_label")
    data = df.with_columns(label).sort(x)
    partial = (
        data["partial"].fill_null(False) if "partial" in data.columns else pl.repeat(False, data.height, eager=True)
    )
    data = data.with_columns(partial.alias("_partial"))
    numeric = data.schema[x].is_numeric()
    marked = data.filter(pl.col("_partial"))[x].unique().sort().to_list()
    if numeric:
        for i, v in enumerate(marked):
            ax.axvspan(
                float(v) - 0.5, float(v) + 0.5, facecolor="0.9", edgecolor="0.6", hatch="//", linewidth=0,
                zorder=0, label="partial period" if i == 0 else None,
            )  # fmt: skip
    for (name,), part in data.group_by("_label", maintain_order=True):
        whole = part.with_columns(pl.when(~pl.col("_partial")).then(pl.col(y)).alias("_y"))
        ax.plot(
            whole[x].to_numpy(), whole["_y"].cast(pl.Float64).to_numpy(),
            marker="o", markersize=2.5, linewidth=1.4, label=str(name),
        )  # fmt: skip
        part_rows = part.filter(pl.col("_partial"))
        if part_rows.height:
            ax.plot(
                part_rows[x].to_numpy(), part_rows[y].to_numpy(), linestyle="none", marker="o",
                markersize=4, markerfacecolor="none", markeredgecolor="0.5",
            )  # fmt: skip
    return len(marked)


def plot_heatmap(
    rows: Sequence[str],
    columns: Sequence[str],
    matrix: np.ndarray,
    path: str | Path,
    *,
    title: str = "",
    vmin: float | None = None,
    vmax: float | None = None,
    colorbar_label: str = "agreement",
) -> Path:
    """A heatmap of ``matrix`` (rows × columns), NaN cells left blank."""
    n_rows, n_cols = len(rows), len(columns)
    fig, ax = _figure(max(5.0, 0.28 * n_cols + 2.5), max(4.0, 0.22 * n_rows + 1.5))
    image = ax.imshow(np.ma.masked_invalid(matrix), aspect="auto", cmap="viridis", vmin=vmin, vmax=vmax)
    ax.set_xticks(range(n_cols), labels=list(columns), rotation=90, fontsize=7)
    ax.set_yticks(range(n_rows), labels=list(rows), fontsize=7)
    ax.set_title(textwrap.fill(title, 70), fontsize="medium")
    fig.colorbar(image, ax=ax, label=colorbar_label)
    return _save(fig, path)


def plot_bars(
    labels: Sequence[str], values: Sequence[float], path: str | Path, *, title: str = "", xlabel: str = ""
) -> Path:
    """Horizontal bars, one per label, in the order given (first at the top)."""
    fig, ax = _figure(7.0, max(3.0, 0.25 * len(labels) + 1.0))
    pos = np.arange(len(labels))[::-1]
    vals = np.asarray(values, dtype=float)
    ax.barh(pos, vals, color=np.where(vals >= 0, "#0072B2", "#D55E00"))
    ax.set_yticks(pos, labels=list(labels), fontsize=8)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel(xlabel)
    ax.set_title(textwrap.fill(title, 70), fontsize="medium")
    ax.grid(axis="x", alpha=0.3)
    return _save(fig, path)


def plot_series_history(history: pl.DataFrame, path: str | Path, *, title: str = "") -> Path:
    """Stacked yes / no / abstain bars per roll call of a resolution series (from ``series_history``)."""
    fig, ax = _figure(max(6.0, 0.3 * history.height + 2.0), 4.5)
    h = history.sort("date", "rollcall_id")
    labels = [f"{y} {r or ''}".strip() for y, r in zip(h["year"], h["resolution"], strict=True)]
    pos = np.arange(h.height)
    bottom = np.zeros(h.height)
    from polycentric.record.cite import VOTE_COLORS

    for col, color in (("yes", VOTE_COLORS["Y"]), ("no", VOTE_COLORS["N"]), ("abstain", VOTE_COLORS["A"])):
        vals = h[col].to_numpy().astype(float)
        ax.bar(pos, vals, bottom=bottom, color=color, label=col)
        bottom += vals
    ax.set_xticks(pos, labels=labels, rotation=90, fontsize=7)
    ax.set_ylabel("states")
    ax.set_title(textwrap.fill(title, 70), fontsize="medium")
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return _save(fig, path)
