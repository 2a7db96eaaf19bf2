// Sections of the state page that read measures: alignment with the major powers over time.
import { csvUrl, getRows } from "../api.js";
import { Plot, figure } from "../charts.js";

const REFERENCES = "USA,CHN,RUS,IND,BRA,group:EU,group:NAM";

export async function stateSections(st, { from, to }) {
  const params = { states: st.state, references: REFERENCES, start: from ?? 1946, end: to ?? new Date().getFullYear() };
  const rows = (await getRows("/alignment", params)).filter((r) => r.reference !== st.state && r.value !== null);
  if (!rows.length) return [];
  const fig = figure({
    id: `${st.state}-alignment`,
    title: "Agreement with the major powers and the EU and NAM majorities (share of shared votes, per year)",
    csvHref: csvUrl("/alignment", params),
    body: Plot.plot({
      height: 300,
      marginLeft: 40,
      y: { domain: [0, 1], grid: true, label: "agreement" },
      x: { tickFormat: "d", label: null },
      color: { legend: true },
      marks: [
        Plot.line(rows, { x: "year", y: "value", stroke: "reference", marker: "circle-stroke", title: (d) => `${d.reference} ${d.year}: ${d.value.toFixed(2)} (${d.n_shared} votes)` }),
        Plot.ruleY([0]),
      ],
    }),
  });
  fig.dataset.series = String(new Set(rows.map((r) => r.reference)).size);
  fig.dataset.points = String(rows.length);
  return [fig];
}
