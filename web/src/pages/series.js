// A resolution series: a recurring resolution's vote history, session by session, with the states that switched.
import { csvUrl, getRows, getRowsOnce } from "../api.js";
import { Plot, figure, message } from "../charts.js";
import { VOTE_COLORS, VOTE_NAMES } from "../map.js";
import { el, routeHref, setParams, submitForm } from "../view.js";

export const title = "Series";
const ORDER = ["Y", "N", "A", "X"];
const COLUMN = { Y: "yes", N: "no", A: "abstain", X: "absent" };

export async function render(params) {
  const known = await getRowsOnce("/series");
  const q = params.get("q") || "cuba-embargo";
  const threshold = params.get("threshold") || undefined;
  const all = await getRows("/series/history", { q, threshold });
  const families = [...new Map(all.map((r) => [r.family, r.family_title])).entries()];
  let family = Number.parseInt(params.get("family") || "", 10);
  if (!families.some(([f]) => f === family)) family = families[0][0];
  const history = all.filter((r) => r.family === family);
  const query = { q, family, threshold };
  const switchers = await getRows("/series/switchers", query);
  const label = known.find((k) => k.slug === q)?.label || q;

  const form = submitForm(
    { class: "controls" },
    (f) => {
      const text = (f.get("text") || "").trim();
      window.location.hash = routeHref("series", { q: text || f.get("known") });
    },
    el("label", {}, "Series ", el("select", { name: "known" }, ...known.map((k) => el("option", { value: k.slug, selected: k.slug === q ? true : undefined }, k.label)))),
    el("label", {}, " or title words ", el("input", { name: "text", size: 30, value: known.some((k) => k.slug === q) ? "" : q, placeholder: "e.g. right to food" })),
    el("button", { type: "submit" }, "Show"),
  );
  const familyPicker =
    families.length > 1
      ? el(
          "p",
          { class: "note families" },
          `${families.length} families of titles match: `,
          ...families.flatMap(([f, t], i) => [
            i ? " · " : "",
            f === family ? el("strong", {}, t) : el("a", { href: routeHref("series", { q, family: f, threshold }) }, t),
            ` (${all.filter((r) => r.family === f).length})`,
          ]),
        )
      : null;

  const long = history.flatMap((r) => ORDER.map((k) => ({ resolution: r.resolution || `#${r.rollcall_id}`, year: r.year, date: r.date, vote: k, n: r[COLUMN[k]] })));
  const slug = q.replace(/[^A-Za-z0-9]+/g, "-");
  const chart = figure({
    id: `series-${slug}-${family}`,
    title: "Votes at each roll call",
    csvHref: csvUrl("/series/history", query),
    body: Plot.plot({
      width: Math.min(1040, Math.max(480, 120 + 30 * history.length)),
      height: 300,
      marginLeft: 40,
      marginBottom: 60,
      x: { label: null, domain: history.map((r) => r.resolution || `#${r.rollcall_id}`), tickRotate: -45 },
      y: { label: "states", grid: true },
      color: { domain: ORDER, range: ORDER.map((k) => VOTE_COLORS[k]), legend: true, tickFormat: (k) => VOTE_NAMES[k] },
      marks: [Plot.barY(long, Plot.stackY({ x: "resolution", y: "n", fill: "vote", order: ORDER, title: (d) => `${d.resolution} (${d.date}) ${VOTE_NAMES[d.vote]}: ${d.n}` })), Plot.ruleY([0])],
    }),
  });
  chart.dataset.points = String(history.length);

  const byTo = new Map();
  for (const s of switchers) {
    if (!byTo.has(s.rollcall_id_to)) byTo.set(s.rollcall_id_to, []);
    byTo.get(s.rollcall_id_to).push(s);
  }
  const table = el(
    "table",
    { class: "series-history", "data-rows": history.length },
    el("thead", {}, el("tr", {}, ...["Year", "Resolution", "Yes", "No", "Abstain", "Not voting", "Switched since the previous vote"].map((h, i) => el("th", { class: i >= 2 && i <= 5 ? "num" : undefined }, h)))),
    el(
      "tbody",
      {},
      ...history.map((r) => {
        const moved = (byTo.get(r.rollcall_id) || []).sort((a, b) => a.state.localeCompare(b.state));
        return el(
          "tr",
          { "data-rollcall": r.rollcall_id },
          el("td", {}, String(r.year)),
          el("td", {}, el("a", { href: routeHref("rollcall", r.resolution ? { symbol: r.resolution } : { id: r.rollcall_id }) }, r.resolution || `#${r.rollcall_id}`)),
          ...ORDER.map((k) => el("td", { class: "num", "data-vote": k }, String(r[COLUMN[k]]))),
          el(
            "td",
            { class: "switchers", "data-switchers": moved.length },
            ...moved.flatMap((s, i) => [i ? ", " : "", el("a", { href: routeHref("state", { id: s.state }), title: `${VOTE_NAMES[s.vote_from]} → ${VOTE_NAMES[s.vote_to]}` }, s.state), ` ${s.vote_from}→${s.vote_to}`]),
          ),
        );
      }),
    ),
  );
  setParams({});
  return el(
    "section",
    { class: "series", "data-title": label, "data-family": family },
    el(
      "header",
      { class: "page-head" },
      el("h1", {}, label),
      el("p", { class: "meta" }, `${history.length} roll calls, ${history[0]?.year ?? ""}–${history[history.length - 1]?.year ?? ""} · ${switchers.length} switches`),
      (() => {
        const familyTitle = families.find(([f]) => f === family)?.[1] || "";
        return familyTitle && familyTitle !== label ? el("p", { class: "title" }, familyTitle) : null;
      })(),
    ),
    form,
    familyPicker,
    chart,
    message("A switch is a state whose vote (Yes, No or Abstain; absences are not switches) differs from its vote at the previous roll call of the same family."),
    el("div", { class: "section-head" }, el("h2", {}, "History and switchers"), el("a", { class: "button export-csv", href: csvUrl("/series/switchers", query), download: `series-${slug}-switchers.csv` }, "Switchers CSV")),
    table,
  );
}
