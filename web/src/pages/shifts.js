// Shifts: which states' agreement with a reference changed most between two periods, and the roll calls behind it.
import * as d3 from "d3";
import { csvUrl, getRows } from "../api.js";
import { Plot, figure, message } from "../charts.js";
import { drawMap, VOTE_NAMES } from "../map.js";
import { el, fmtNumber, routeHref, setParams, submitForm } from "../view.js";

export const title = "Shifts";
const INDICES = ["simple", "lijphart", "s", "s_squared"];

export async function render(params) {
  const from = params.get("from") || "2014";
  const to = params.get("to") || "2022";
  const reference = params.get("reference") || "USA";
  const index = INDICES.includes(params.get("index")) ? params.get("index") : "simple";
  const minShared = Number.parseInt(params.get("min") || "", 10) || 10;
  const query = { from, to, reference, index, min_shared: minShared };
  const rows = await getRows("/shifts", query);
  const byState = new Map(rows.map((r) => [r.state, r]));
  const chosen = (params.get("state") || "").toUpperCase();

  const form = submitForm(
    { class: "controls" },
    (f) => {
      window.location.hash = routeHref("shifts", { from: f.get("from"), to: f.get("to"), reference: f.get("reference"), index: f.get("index"), min: f.get("min") });
    },
    el("label", {}, "Agreement with ", el("input", { name: "reference", value: reference, size: 10, title: "A state, or group:ID for a group's majority" })),
    el("label", {}, "from ", el("input", { name: "from", value: from, size: 14, title: "A year, a range (2010-2014) or resolution symbols" })),
    el("label", {}, "to ", el("input", { name: "to", value: to, size: 14 })),
    el("select", { name: "index" }, ...INDICES.map((k) => el("option", { value: k, selected: k === index ? true : undefined }, k))),
    el("label", {}, "min. shared votes ", el("input", { name: "min", type: "number", min: 1, max: 10000, value: minShared })),
    el("button", { type: "submit" }, "Apply"),
  );

  // colour scale: symmetric, saturating at the 95th percentile of |change| so one outlier does not wash out the rest
  const extent = d3.quantile(rows.map((r) => Math.abs(r.change)).sort(d3.ascending), 0.95) || 1;
  const color = d3.scaleDiverging([-extent, 0, extent], d3.interpolateRdBu).clamp(true);
  const REF = "reference";
  const mapValues = new Map(rows.map((r) => [r.state, r.state === reference ? REF : r.change]));
  const mapFig = figure({ id: `shifts-${reference}-map`, title: `Change in agreement with ${reference}, ${from} → ${to}`, csvHref: csvUrl("/shifts", query) });
  await drawMap(mapFig.querySelector(".chart-body"), mapValues, {
    title: `Change in agreement with ${reference}`,
    color: (v) => (v === REF ? "#444" : color(v)),
    label: (s, v) =>
      v === undefined ? `${s.name} (${s.state}): not compared` : v === REF ? `${s.name} (${s.state}): the reference` : `${s.name} (${s.state}): ${v > 0 ? "+" : ""}${fmtNumber(v, 3)}`,
    legend: [
      { label: `closer (+${fmtNumber(extent)} or more)`, color: color(extent) },
      { label: "no change", color: color(0) },
      { label: `further apart (−${fmtNumber(extent)} or more)`, color: color(-extent) },
      ...(mapValues.get(reference) === REF ? [{ label: `${reference} (the reference)`, color: "#444" }] : []),
    ],
  });

  const top = [...rows.filter((r) => r.change > 0).slice(0, 12), ...rows.filter((r) => r.change < 0).slice(0, 12)].sort((p, q) => q.change - p.change);
  const barFig = figure({
    id: `shifts-${reference}-largest`,
    title: "Largest changes (agreement in the later period minus the earlier; click a bar for its roll calls)",
    csvHref: csvUrl("/shifts", query),
    body: Plot.plot({
      height: 40 + 16 * top.length,
      marginLeft: 50,
      x: { label: "change", grid: true },
      y: { domain: top.map((r) => r.state), label: null },
      color: { type: "diverging", scheme: "rdbu", domain: [-extent, extent] },
      marks: [
        Plot.barX(top, { y: "state", x: "change", fill: "change", title: (d) => `${d.state}: ${fmtNumber(d.value_from)} → ${fmtNumber(d.value_to)} (${d.n_from} and ${d.n_to} shared votes)` }),
        Plot.ruleX([0]),
      ],
    }),
  });
  barFig.dataset.points = String(top.length);
  barFig.querySelectorAll("svg [aria-label=bar] rect").forEach((rect, i) => {
    rect.style.cursor = "pointer";
    rect.addEventListener("click", () => {
      window.location.hash = routeHref("shifts", { from, to, reference, index, min: minShared, state: top[i].state });
    });
  });

  const table = el(
    "table",
    { class: "shifts", "data-rows": rows.length },
    el("thead", {}, el("tr", {}, ...["State", "Before", "Votes", "After", "Votes", "Change", "Driving roll calls"].map((h, i) => el("th", { class: i && i < 6 ? "num" : undefined }, h)))),
    el(
      "tbody",
      {},
      ...rows.map((r) =>
        el(
          "tr",
          { "data-state": r.state },
          el("td", {}, el("a", { href: routeHref("shifts", { from, to, reference, index, min: minShared, state: r.state }) }, r.state)),
          el("td", { class: "num" }, fmtNumber(r.value_from)),
          el("td", { class: "num" }, String(r.n_from)),
          el("td", { class: "num" }, fmtNumber(r.value_to)),
          el("td", { class: "num" }, String(r.n_to)),
          el("td", { class: "num", "data-change": r.change }, `${r.change > 0 ? "+" : ""}${fmtNumber(r.change, 3)}`),
          el("td", {}, ...(r.drivers || "").split(";").filter(Boolean).flatMap((sym, i) => [i ? ", " : "", el("a", { href: routeHref("rollcall", /^\d+$/.test(sym) ? { id: sym } : { symbol: sym }) }, sym)])),
        ),
      ),
    ),
  );

  const sections = [];
  if (chosen && byState.has(chosen)) {
    const dq = { from, to, reference, index };
    const drivers = await getRows(`/shifts/${chosen}/drivers`, dq);
    const s = byState.get(chosen);
    sections.push(
      el("h2", { id: "drivers" }, `${chosen}: ${fmtNumber(s.value_from)} → ${fmtNumber(s.value_to)} (${s.change > 0 ? "+" : ""}${fmtNumber(s.change, 3)})`),
      message("Each roll call of the later period moved the state's agreement by (its score − the earlier agreement) / the number of later votes; the contributions sum to the change."),
      el(
        "table",
        { class: "drivers", "data-rows": drivers.length },
        el("thead", {}, el("tr", {}, ...["Date", "Roll call", `${chosen}`, reference, "Contribution"].map((h) => el("th", {}, h)))),
        el(
          "tbody",
          {},
          ...drivers.slice(0, 40).map((d) =>
            el(
              "tr",
              {},
              el("td", {}, d.date),
              el("td", {}, el("a", { href: routeHref("rollcall", d.resolution ? { symbol: d.resolution } : { id: d.rollcall_id }) }, d.resolution || `#${d.rollcall_id}`)),
              el("td", { class: `vote-cell vote-${d.vote}` }, VOTE_NAMES[d.vote] || d.vote),
              el("td", { class: `vote-cell vote-${d.vote_ref}` }, VOTE_NAMES[d.vote_ref] || d.vote_ref),
              el("td", { class: "num" }, fmtNumber(d.contribution, 4)),
            ),
          ),
        ),
      ),
    );
  }
  setParams({});
  return el(
    "section",
    { class: "shifts", "data-title": `Shifts ${from}→${to} vs ${reference}` },
    el(
      "header",
      { class: "page-head" },
      el("h1", {}, `Who moved, relative to ${reference}`),
      el("p", { class: "meta" }, `${rows.length} states with at least ${minShared} shared votes in both periods · index: ${index}`),
    ),
    form,
    mapFig,
    barFig,
    ...sections,
    el("details", { class: "all-shifts" }, el("summary", {}, `All ${rows.length} states, ranked by the size of the change (a state's link lists the roll calls behind its shift)`), table),
  );
}
