// Sections of the state page that read measures and models: alignment with the major powers over time,
// and the state's ideal-point trajectory with its interval.
import { ApiError, csvUrl, getRows } from "../api.js";
import { Plot, entityColor, entityScale, figure, message } from "../charts.js";

/** x-axis ticks on whole years only (short spans otherwise get fractional ticks printed twice). */
function yearTicks(rows) {
  const years = [...new Set(rows.map((r) => r.year))].sort((a, b) => a - b);
  return years.length <= 15 ? years : undefined;
}

const REFERENCES = "USA,CHN,RUS,IND,BRA,group:EU,group:NAM";
const IDEAL_REFERENCES = ["USA", "RUS", "CHN"];

async function alignmentSection(st, { from, to }) {
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
      x: { tickFormat: "d", label: null, ticks: yearTicks(rows) },
      color: entityScale(rows.map((r) => r.reference)),
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

async function idealPointSection(st, { from, to }) {
  const others = IDEAL_REFERENCES.filter((s) => s !== st.state);
  const params = { states: [st.state, ...others].join(","), start: from, end: to };
  let rows;
  try {
    rows = await getRows("/idealpoints", params);
  } catch (err) {
    if (err instanceof ApiError && err.status === 503) return [message(`Ideal-point trajectory: ${err.message}`, "note not-fitted")];
    throw err;
  }
  const own = rows.filter((r) => r.state === st.state);
  if (!own.length) return [];
  const refs = rows.filter((r) => r.state !== st.state);
  // each move from the previous session, with its interval from joint posterior draws (absent on older fits)
  let moves = [];
  try {
    moves = await getRows(`/states/${encodeURIComponent(st.state)}/idealpoints/changes`, {});
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
  }
  const moveTo = new Map(moves.map((m) => [m.to_session, m]));
  const moveText = (d) => {
    const m = moveTo.get(d.session);
    if (!m) return "";
    const sign = m.change >= 0 ? "+" : "";
    const verdict = m.exceeds_uncertainty ? "larger than its uncertainty" : "within its uncertainty";
    return `; move from session ${m.from_session}: ${sign}${m.change.toFixed(2)} [${m.lower.toFixed(2)}, ${m.upper.toFixed(2)}], ${verdict}`;
  };
  const marked = own.filter((d) => moveTo.get(d.session)?.exceeds_uncertainty);
  const fig = figure({
    id: `${st.state}-idealpoints`,
    title: `Ideal point per session with its 90% interval (${st.state}; ${others.join(", ")} for comparison)`,
    csvHref: csvUrl("/idealpoints", params),
    caption: "Dynamic ordinal ideal points (Bailey, Strezhnev & Voeten 2017): one dimension, higher is closer to the United States' positions; the band is the Laplace-approximation interval. A ringed point marks a move from the previous session larger than its 90% interval (joint posterior draws of the two sessions); sessions resting on fewer than 10 roll calls are marked thin in the point's label.",
    body: Plot.plot({
      height: 300,
      marginLeft: 40,
      y: { grid: true, label: "ideal point" },
      x: { tickFormat: "d", label: null, ticks: yearTicks(rows) },
      color: entityScale([st.state, ...others]),
      marks: [
        Plot.areaY(own, { x: "year", y1: "lower", y2: "upper", fill: entityColor(st.state), fillOpacity: 0.2 }),
        Plot.line(refs, { x: "year", y: "ideal_point", stroke: "state", strokeWidth: 1, strokeDasharray: "4,3" }),
        Plot.line(own, { x: "year", y: "ideal_point", stroke: "state", strokeWidth: 2 }),
        Plot.dot(marked, { x: "year", y: "ideal_point", r: 5, stroke: "#b22222", strokeWidth: 1.5 }),
        Plot.dot(own, { x: "year", y: "ideal_point", r: 2, fill: "state", title: (d) => `${d.state} session ${d.session} (${d.year}): ${d.ideal_point.toFixed(2)} [${d.lower.toFixed(2)}, ${d.upper.toFixed(2)}], ${d.n_votes} votes${d.thin ? " (thin session)" : ""}${moveText(d)}` }),
      ],
    }),
  });
  fig.dataset.points = String(own.length);
  fig.dataset.moves = String(marked.length);
  return [fig];
}

export async function stateSections(st, range) {
  const [alignment, ideal] = await Promise.all([alignmentSection(st, range), idealPointSection(st, range)]);
  return { ideal, alignment };
}
