// Sections of the group page that read measures: cohesion and voice over time, compared with other groups.
import { csvUrl, getRows } from "../api.js";
import { Plot, entityScale, figure } from "../charts.js";
import { el, setParams, submitForm } from "../view.js";

export async function groupSections(g, params) {
  const compare = (params?.get("compare") || (g.id === "EU" ? "NAM,G77" : "EU,G77")).toUpperCase();
  // the Hix–Noury–Roland agreement index by default: it counts abstentions, the Assembly's main form of dissent
  const index = params?.get("index") === "rice" ? "rice" : "agreement";
  const groups = [g.id, ...compare.split(",").filter((x) => x && x !== g.id)].join(",");
  const query = { groups, index, start: 1946, end: new Date().getFullYear() };
  const rows = (await getRows("/cohesion", query)).filter((r) => r.value !== null);
  const fig = figure({
    id: `${g.id}-cohesion`,
    title: `Cohesion per year (${index === "rice" ? "Rice index" : "Hix–Noury–Roland agreement index"}), compared`,
    csvHref: csvUrl("/cohesion", query),
    caption:
      index === "rice"
        ? "Rice index |Y − N| / (Y + N) (Rice 1925): abstentions are not counted. Members at the date of each vote; yearly mean over roll calls with at least two members present."
        : "Hix–Noury–Roland agreement index (max − ½(total − max)) / total over Yes, No and Abstain (2005): abstentions count as dissent. Members at the date of each vote; yearly mean over roll calls with at least two members present; years with fewer than 10 roll calls are marked thin.",
    body: Plot.plot({
      height: 280,
      marginLeft: 40,
      y: { domain: [0, 1], grid: true, label: index },
      x: { tickFormat: "d", label: null },
      color: entityScale(rows.map((r) => r.group)),
      marks: [Plot.line(rows, { x: "year", y: "value", stroke: "group", title: (d) => `${d.group} ${d.year}: ${d.value.toFixed(2)} (${d.n_rollcalls} roll calls${d.thin ? ", thin" : ""})` })],
    }),
  });
  fig.dataset.series = String(new Set(rows.map((r) => r.group)).size);
  fig.dataset.points = String(rows.length);
  const form = submitForm(
    { class: "controls" },
    (f) => {
      setParams({ compare: f.get("compare"), index: f.get("index") });
      window.dispatchEvent(new HashChangeEvent("hashchange"));
    },
    el("label", {}, "Compare with ", el("input", { name: "compare", value: compare, size: 16 })),
    el(
      "select",
      { name: "index" },
      el("option", { value: "agreement", selected: index === "agreement" ? true : undefined }, "Agreement (HNR)"),
      el("option", { value: "rice", selected: index === "rice" ? true : undefined }, "Rice"),
    ),
    el("button", { type: "submit" }, "Apply"),
  );
  const voiceQuery = { groups, start: 1946, end: new Date().getFullYear() };
  const voiceRows = await getRows("/voice", voiceQuery);
  const long = voiceRows.flatMap((r) => [
    { group: r.group, year: r.year, measure: "majority won", value: r.match_rate, n: r.n_positions },
    { group: r.group, year: r.year, measure: "share of votes", value: r.vote_share, n: r.n_rollcalls },
  ]).filter((d) => d.value !== null);
  const voiceFig = figure({
    id: `${g.id}-voice`,
    title: "Voice per year: how often the group's majority won, and its share of the votes cast",
    csvHref: csvUrl("/voice", voiceQuery),
    caption: "Majority on the winning side: share of roll calls where the members' majority position (Y or N) matched the outcome (simple majority). Share of the votes cast: members' Y/N/A votes over all Y/N/A votes.",
    body: Plot.plot({
      height: 300,
      marginLeft: 40,
      marginRight: 100,
      y: { domain: [0, 1], grid: true, label: "share" },
      x: { tickFormat: "d", label: null },
      fy: { label: null },
      color: entityScale(long.map((r) => r.group)),
      marks: [Plot.line(long, { x: "year", y: "value", stroke: "group", fy: "measure", title: (d) => `${d.group} ${d.year}: ${d.value.toFixed(2)} (${d.n} roll calls)` })],
    }),
  });
  voiceFig.dataset.series = String(new Set(voiceRows.map((r) => r.group)).size);
  voiceFig.dataset.points = String(voiceRows.length);
  return [form, fig, voiceFig];
}
