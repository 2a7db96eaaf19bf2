// World map of states (d3-geo + world-atlas 50m, bundled: no network). Features are matched to
// state ids through the API's /states/map-ids (ISO3 <-> M49 = world-atlas feature id).
import * as d3 from "d3";
import { feature } from "topojson-client";
import worldUrl from "world-atlas/countries-50m.json?url";
import { getRowsOnce } from "./api.js";

let worldPromise = null;
function world() {
  if (!worldPromise) {
    worldPromise = fetch(worldUrl)
      .then((r) => r.json())
      .then((topo) => feature(topo, topo.objects.countries).features);
  }
  return worldPromise;
}

// UN members that world-atlas 50m has no shape for: drawn as a dot at this [lon, lat].
const NO_SHAPE = { TUV: [179.2, -8.5] };
// Shapes smaller than this (steradians) also get a dot, so small island states stay visible.
const SMALL = 2e-5;

export const VOTE_COLORS = { Y: "#0072B2", N: "#D55E00", A: "#E69F00", X: "#999999" }; // = polycentric.record.cite.VOTE_COLORS (Okabe–Ito)
export const VOTE_NAMES = { Y: "Yes", N: "No", A: "Abstain", X: "Not voting" };

/**
 * Draw a world map into `container`.
 * @param values Map state id -> category (e.g. "Y") or number
 * @param opts.color (value) -> CSS colour; opts.label (state, value) -> tooltip text;
 *             opts.legend [{label, color}]; opts.category name of the data attribute.
 */
export async function drawMap(container, values, opts = {}) {
  const [features, ids] = await Promise.all([world(), getRowsOnce("/states/map-ids")]);
  const byAtlas = new Map(ids.map((r) => [r.world_atlas_id, r]));
  const width = 960;
  const height = 480;
  const projection = d3.geoEqualEarth().fitExtent(
    [
      [4, 4],
      [width - 4, height - 4],
    ],
    { type: "Sphere" },
  );
  const path = d3.geoPath(projection);
  const color = opts.color || ((v) => VOTE_COLORS[v] || "#e0e0e0");
  const label = opts.label || ((s, v) => `${s.name} (${s.state}): ${VOTE_NAMES[v] || v || "no data"}`);

  const svg = d3
    .create("svg")
    .attr("xmlns", "http://www.w3.org/2000/svg")
    .attr("viewBox", `0 0 ${width} ${height}`)
    .attr("class", "map")
    .attr("role", "img")
    .attr("aria-label", opts.title || "World map")
    .attr("font-family", "system-ui, sans-serif");
  svg.append("path").attr("d", path({ type: "Sphere" })).attr("fill", "#f4f8fb").attr("stroke", "#c9d6e0");
  const drawn = new Set();
  const g = svg.append("g").attr("class", "states");
  for (const f of features) {
    const s = byAtlas.get(f.id);
    const v = s ? values.get(s.state) : undefined;
    const p = g
      .append("path")
      .attr("d", path(f))
      .attr("fill", v === undefined ? "#e6e6e6" : color(v))
      .attr("stroke", "#ffffff")
      .attr("stroke-width", 0.4);
    if (s) {
      p.attr("data-state", s.state);
      if (v !== undefined) {
        p.attr("data-value", v);
        drawn.add(s.state);
      }
      p.append("title").text(label(s, v));
    } else {
      p.append("title").text(f.properties?.name || "");
    }
    if (s && v !== undefined && d3.geoArea(f) < SMALL) {
      const [x, y] = projection(d3.geoCentroid(f));
      g.append("circle")
        .attr("cx", x)
        .attr("cy", y)
        .attr("r", 2.6)
        .attr("fill", color(v))
        .attr("stroke", "#333")
        .attr("stroke-width", 0.4)
        .attr("class", "small-state")
        .append("title")
        .text(label(s, v));
    }
  }
  const names = new Map(ids.map((r) => [r.state, r]));
  const unmapped = [];
  for (const [state, v] of values) {
    if (drawn.has(state)) continue;
    const at = NO_SHAPE[state];
    const s = names.get(state) || { state, name: state };
    if (at) {
      const [x, y] = projection(at);
      g.append("circle")
        .attr("cx", x)
        .attr("cy", y)
        .attr("r", 2.6)
        .attr("fill", color(v))
        .attr("stroke", "#333")
        .attr("stroke-width", 0.4)
        .attr("data-state", state)
        .attr("data-value", v)
        .append("title")
        .text(label(s, v));
      drawn.add(state);
    } else {
      unmapped.push(s);
    }
  }
  if (opts.legend) {
    const lg = svg.append("g").attr("class", "legend").attr("transform", `translate(16, ${height - 20 * opts.legend.length - 8})`);
    opts.legend.forEach((item, i) => {
      const row = lg.append("g").attr("transform", `translate(0, ${i * 20})`);
      row.append("rect").attr("width", 14).attr("height", 14).attr("fill", item.color).attr("stroke", "#555").attr("stroke-width", 0.5);
      row.append("text").attr("x", 20).attr("y", 11).attr("font-size", 12).text(item.label);
    });
  }
  container.replaceChildren(svg.node());
  if (unmapped.length) {
    const note = document.createElement("p");
    note.className = "note unmapped";
    note.textContent = `Not on the map (no shape for today's borders): ${unmapped
      .map((s) => `${s.name === s.state ? s.state : `${s.name} (${s.state})`}: ${VOTE_NAMES[values.get(s.state)] || values.get(s.state)}`)
      .join(", ")}.`;
    container.append(note);
  }
  return { drawn, unmapped };
}
