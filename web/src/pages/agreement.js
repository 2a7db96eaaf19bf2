// Agreement: the matrix of a set of states (pooled over the years) and one pair over time.
import { csvUrl, getRows } from "../api.js";
import { Plot, figure } from "../charts.js";
import { el, fmtNumber, routeHref, setParams, submitForm } from "../view.js";

export const title = "Agreement";
const INDICES = {
  simple: "simple agreement (share of shared votes cast alike)",
  lijphart: "Lijphart's index (an abstention against a vote counts half)",
  s: "Signorino–Ritter S (Y = 1, A = ½, N = 0; absolute distance)",
  s_squared: "S with squared distances",
};

function yearOf(params, key, fallback) {
  const y = Number.parseInt(params.get(key) || "", 10);
  return Number.isFinite(y) ? y : fallback;
}

export async function render(params) {
  const thisYear = new Date().getFullYear();
  const states = (params.get("states") || "USA,RUS,CHN,GBR,FRA").toUpperCase().replace(/GROUP:/g, "group:");
  const from = yearOf(params, "from", 2014);
  const to = yearOf(params, "to", thisYear);
  const index = INDICES[params.get("index")] ? params.get("index") : "simple";
  const query = { states, start: from, end: to, index };
  const cells = await getRows("/agreement/matrix", query);
  const order = [];
  for (const c of cells) if (!order.includes(c.state_a)) order.push(c.state_a);
  const value = new Map();
  for (const c of cells) {
    value.set(`${c.state_a}|${c.state_b}`, c);
    value.set(`${c.state_b}|${c.state_a}`, c);
  }
  const a = (params.get("a") || order[0] || "").toUpperCase();
  const b = (params.get("b") || order.find((s) => s !== a) || "").toUpperCase();
  const square = order.flatMap((sa) => order.map((sb) => ({ a: sa, b: sb, ...(value.get(`${sa}|${sb}`) || {}) })));
  const signed = index === "s" || index === "s_squared";

  const form = submitForm(
    { class: "controls" },
    (f) => {
      window.location.hash = routeHref("agreement", { states: f.get("states"), from: f.get("from"), to: f.get("to"), index: f.get("index") });
    },
    el("label", {}, "States ", el("input", { name: "states", value: states, size: 34, title: "Comma-separated ids, or group:ID for a group's members" })),
    el("label", {}, "from ", el("input", { name: "from", type: "number", min: 1946, max: 2100, value: from })),
    el("label", {}, "to ", el("input", { name: "to", type: "number", min: 1946, max: 2100, value: to })),
    el("select", { name: "index" }, ...Object.keys(INDICES).map((k) => el("option", { value: k, selected: k === index ? true : undefined }, k))),
    el("button", { type: "submit" }, "Apply"),
  );

  const matrixFig = figure({
    id: `agreement-matrix-${from}-${to}`,
    title: `Agreement ${from}–${to}: ${INDICES[index]}`,
    csvHref: csvUrl("/agreement/matrix", query),
    caption: "Pooled over the roll calls both states voted on (Y, N or A; absences left out). Click a cell for that pair over time.",
    body: Plot.plot({
      width: Math.max(360, 60 + 46 * order.length),
      height: Math.max(300, 60 + 40 * order.length),
      marginLeft: 50,
      marginTop: 40,
      x: { domain: order, axis: "top", label: null },
      y: { domain: order, label: null },
      color: signed ? { type: "diverging", scheme: "rdbu", domain: [-1, 1], legend: true } : { scheme: "blues", domain: [0, 1], legend: true },
      marks: [
        Plot.cell(square, { x: "b", y: "a", fill: "value", inset: 0.5, title: (d) => `${d.a}–${d.b}: ${fmtNumber(d.value)} over ${d.n_shared ?? 0} shared votes` }),
        ...(order.length <= 16
          ? [
              Plot.text(square.filter((d) => Math.abs(d.value ?? 0) > 0.6), { x: "b", y: "a", text: (d) => fmtNumber(d.value), fill: "white" }),
              Plot.text(square.filter((d) => Math.abs(d.value ?? 0) <= 0.6), { x: "b", y: "a", text: (d) => fmtNumber(d.value), fill: "black" }),
            ]
          : []),
      ],
    }),
  });
  matrixFig.querySelectorAll("svg [aria-label=cell] rect").forEach((rect, i) => {
    const d = square[i];
    rect.style.cursor = "pointer";
    rect.addEventListener("click", () => {
      window.location.hash = routeHref("agreement", { states, from, to, index, a: d.a, b: d.b });
    });
  });

  const table = el(
    "table",
    { class: "agreement-matrix", "data-cells": cells.length },
    el("thead", {}, el("tr", {}, el("th", {}, ""), ...order.map((s) => el("th", { class: "num" }, el("a", { href: routeHref("state", { id: s }) }, s))))),
    el(
      "tbody",
      {},
      ...order.map((sa) =>
        el(
          "tr",
          {},
          el("th", {}, sa),
          ...order.map((sb) => {
            const c = value.get(`${sa}|${sb}`);
            return el("td", { class: "num", "data-a": sa, "data-b": sb, "data-n": c?.n_shared ?? 0, title: `${c?.n_shared ?? 0} shared votes` }, fmtNumber(c?.value));
          }),
        ),
      ),
    ),
  );

  const sections = [];
  if (a && b && a !== b) {
    const pairQuery = { a, b, start: 1946, end: thisYear, index };
    const pair = (await getRows("/agreement", pairQuery)).filter((r) => r.value !== null);
    const pairFig = figure({
      id: `agreement-${a}-${b}`,
      title: `${a} and ${b}, per year (${index})`,
      csvHref: csvUrl("/agreement", pairQuery),
      body: Plot.plot({
        height: 260,
        marginLeft: 40,
        y: { domain: signed ? [-1, 1] : [0, 1], grid: true, label: index },
        x: { tickFormat: "d", label: null },
        marks: [
          Plot.ruleX([from, to], { stroke: "#bbb", strokeDasharray: "3,3" }),
          Plot.line(pair, { x: "year", y: "value", stroke: "#1f4e79" }),
          Plot.dot(pair, { x: "year", y: "value", r: 2, fill: "#1f4e79", title: (d) => `${d.year}: ${d.value.toFixed(2)} (${d.n_shared} shared votes)` }),
        ],
      }),
    });
    pairFig.dataset.points = String(pair.length);
    sections.push(pairFig);
  }
  setParams({});
  return el(
    "section",
    { class: "agreement", "data-title": `Agreement ${states}` },
    el("header", { class: "page-head" }, el("h1", {}, "Agreement between states"), el("p", { class: "meta" }, `${order.length} states · ${from}–${to}`)),
    form,
    matrixFig,
    el("details", { class: "matrix-table", open: order.length <= 12 ? true : undefined }, el("summary", {}, "The matrix as a table"), table),
    ...sections,
  );
}
