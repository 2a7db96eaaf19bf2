"""World maps of a roll call for print: every state coloured by its vote, with title, coverage and source.

The geometry is the dashboard's own bundled ``world-atlas`` 2.0.2 ``countries-50m.json``
(TopoJSON, built into ``polycentric/web/static/assets`` by ``scripts/build-web.sh``): nothing is
downloaded. States are matched by M49 code (the registry's ``m49``); states the atlas cannot
place (states that ended, micro-states without a shape) are listed under the map, so no vote
is lost silently. Projection: equirectangular (longitude, latitude), Antarctica left out.

Dependency rule: imports matplotlib, polars, the registry and ``record.cite`` (colours).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from polycentric.errors import ConfigurationError
from polycentric.record.cite import VOTE_COLORS, VOTE_NAMES

__all__ = ["draw_vote_map", "world_shapes"]

SOURCE_LINE = (
    "Source: polycentric from the UN Digital Library voting data (digitallibrary.un.org/record/4060887) "
    "and Voeten, UNGA Voting Data (hdl:1902.1/12379)."
)


def _atlas_path() -> Path:
    root = resources.files("polycentric").joinpath("web", "static", "assets")
    hits = sorted(Path(str(root)).glob("countries-50m-*.json")) if Path(str(root)).is_dir() else []
    if not hits:
        repo = Path(__file__).resolve().parents[3] / "web" / "node_modules" / "world-atlas" / "countries-50m.json"
        if repo.is_file():
            return repo
        raise ConfigurationError(
            "the world map geometry is not built: run `bash scripts/build-web.sh` (it bundles world-atlas)"
        )
    return hits[0]


@cache
def world_shapes() -> dict[str, list[np.ndarray]]:
    """M49 code (zero-padded, as in world-atlas) -> the rings of its polygons as (n, 2) lon/lat arrays."""
    topo = json.loads(_atlas_path().read_text(encoding="utf-8"))
    scale = np.array(topo["transform"]["scale"])
    translate = np.array(topo["transform"]["translate"])
    arcs = [np.cumsum(np.array(a, dtype=float), axis=0) * scale + translate for a in topo["arcs"]]

    def ring(indexes: list[int]) -> np.ndarray:
        parts = []
        for k, i in enumerate(indexes):
            pts = arcs[i] if i >= 0 else arcs[~i][::-1]
            parts.append(pts if k == 0 else pts[1:])
        return np.concatenate(parts)

    shapes: dict[str, list[np.ndarray]] = {}
    for geom in topo["objects"]["countries"]["geometries"]:
        gid = geom.get("id")
        if gid is None or gid == "010":  # no id; Antarctica
            continue
        polys = geom["arcs"] if geom["type"] == "MultiPolygon" else [geom["arcs"]] if geom["type"] == "Polygon" else []
        shapes.setdefault(str(gid), []).extend(ring(r) for poly in polys for r in poly)
    return shapes


def _m49_of_states() -> dict[str, str]:
    from polycentric.states import states_table

    table = states_table()
    return {s: f"{int(m):03d}" for s, m in zip(table["state"], table["m49"], strict=True) if m is not None}


def _rings(shapes: dict[str, list[np.ndarray]], code: str) -> Iterator[np.ndarray]:
    """The rings of a shape, those crossing the antimeridian unwrapped and drawn on both sides."""
    for ring in shapes.get(code, []):
        jumps = np.diff(ring[:, 0])
        if np.abs(jumps).max(initial=0.0) <= 180:
            yield ring
            continue
        offset = np.concatenate([[0.0], np.cumsum(np.where(jumps > 180, -360.0, np.where(jumps < -180, 360.0, 0.0)))])
        unwrapped = ring.copy()
        unwrapped[:, 0] += offset
        yield unwrapped
        shift = -360.0 if unwrapped[:, 0].mean() > 0 else 360.0
        yield unwrapped + np.array([shift, 0.0])


def draw_vote_map(
    votes: Mapping[str, str],
    path: str | Path,
    *,
    title: str,
    subtitle: str = "",
    coverage: str = "",
    names: Mapping[str, str] | None = None,
) -> Path:
    """Draw ``votes`` (state id -> Y/N/A/X) on a world map and write it to ``path`` (.png or .svg).

    Parameters
    ----------
    votes
        Each state's vote.
    title, subtitle
        The chart's title (the symbol and title of the roll call) and a second line (date, status, tally).
    coverage
        The record's coverage line, printed above the source line.
    names
        State names for the "not on the map" note (default: the ids).

    Returns
    -------
    Path
        ``path``.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.collections import PolyCollection
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    path = Path(path)
    if path.suffix.lower() not in (".png", ".svg"):
        raise ConfigurationError(f"cannot write a map to {path.name}: use a .png or .svg file name")
    shapes = world_shapes()
    m49 = _m49_of_states()
    fig = Figure(figsize=(11, 6.6))
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.01, 0.12, 0.98, 0.74))
    placed_codes = {m49[s] for s in votes if s in m49 and m49[s] in shapes}
    background = [r for code in shapes if code not in placed_codes for r in _rings(shapes, code)]
    ax.add_collection(PolyCollection(background, facecolors="#eeeeee", edgecolors="#ffffff", linewidths=0.2))
    missing: list[str] = []
    for code in ("Y", "N", "A", "X"):
        rings: list[np.ndarray] = []
        for state, vote in votes.items():
            if vote != code:
                continue
            shape_code = m49.get(state)
            if shape_code is None or shape_code not in shapes:
                missing.append(state)
                continue
            rings.extend(_rings(shapes, shape_code))
        if rings:
            ax.add_collection(PolyCollection(rings, facecolors=VOTE_COLORS[code], edgecolors="#ffffff", linewidths=0.2))
    ax.set_xlim(-180, 180)
    ax.set_ylim(-58, 84)
    ax.set_aspect(1.0)
    ax.axis("off")
    counts = {c: sum(1 for v in votes.values() if v == c) for c in ("Y", "N", "A", "X")}
    ax.legend(
        handles=[Patch(color=VOTE_COLORS[c], label=f"{VOTE_NAMES[c]} ({counts[c]})") for c in ("Y", "N", "A", "X")],
        loc="lower left",
        frameon=False,
        fontsize=9,
    )
    fig.text(0.01, 0.965, title, fontsize=13, weight="bold", va="top")
    if subtitle:
        fig.text(0.01, 0.915, subtitle, fontsize=10, va="top", color="#333333")
    notes = []
    if missing:
        label = names or {}
        notes.append("Not on the map: " + ", ".join(f"{label.get(s, s)} ({votes[s]})" for s in sorted(missing)) + ".")
    if coverage:
        notes.append(f"Coverage: {coverage}")
    notes.append(SOURCE_LINE)
    fig.text(0.01, 0.01, "\n".join(notes), fontsize=7.5, va="bottom", color="#444444", wrap=True)
    meta: dict[str, Any] = {"Software": "polycentric"} if path.suffix.lower() == ".png" else {"Date": None}
    fig.savefig(path, dpi=150, metadata=meta)
    return path
