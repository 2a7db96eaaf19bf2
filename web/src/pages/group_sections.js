// Sections of the group page that read measures: cohesion over time, compared with other groups.
import { csvUrl, getRows } from "../api.js";
import { Plot, figure } from "../charts.js";
import { el, setParams } from "../view.js";

export async function groupSections(g, params) {
  const compare = (params?.get("compare") || (g.id === "EU" ? "NAM,G77" : "EU,G77")).toUpperCase();
  const index = params?.get("index") === "agreement" ? "agreement" : "rice";
  const groups = [g.id, ...compare.split(",").filter((x) => x && x !== g.id)].join(",");
  const query = { groups, index, start: 1946, end: new Date().getFullYear() };
  const rows = (await getRows("/cohesion", query)).filter((r) => r.value !== null);
  const fig = figure({
    id: `${g.id}-cohesion`,
    title: `Cohesion per year (${index === "rice" ? "Rice index" : "Hix–Noury–Roland agreement index"}), compared`,
    csvHref: csvUrl("/cohesion", query),
    caption: "Members at the date of each vote; yearly mean over roll calls with at least two members present.",
    body: Plot.plot({
      height: 280,
      marginLeft: 40,
      y: { domain: [0, 1], grid: true, label: index },
      x: { tickFormat: "d", label: null },
      color: { legend: true },
      marks: [Plot.line(rows, { x: "year", y: "value", stroke: "group", title: (d) => `${d.group} ${d.year}: ${d.value.toFixed(2)} (${d.n_rollcalls} roll calls)` })],
    }),
  });
  fig.dataset.series = String(new Set(rows.map((r) => r.group)).size);
  fig.dataset.points = String(rows.length);
  const form = el(
    "form",
    {
      class: "controls",
      onsubmit: (e) => {
        e.preventDefault();
        const f = new FormData(e.target);
        setParams({ compare: f.get("compare"), index: f.get("index") });
        window.dispatchEvent(new HashChangeEvent("hashchange"));
      },
    },
    el("label", {}, "Compare with ", el("input", { name: "compare", value: compare, size: 16 })),
    el(
      "select",
      { name: "index" },
      el("option", { value: "rice", selected: index === "rice" ? true : undefined }, "Rice"),
      el("option", { value: "agreement", selected: index === "agreement" ? true : undefined }, "Agreement (HNR)"),
    ),
    el("button", { type: "submit" }, "Apply"),
  );
  return [form, fig];
}
