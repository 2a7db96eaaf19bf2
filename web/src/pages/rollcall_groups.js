// The group breakdown of a roll call: how the members of major groups (on the vote's date) voted,
// as counted by the API (/rollcalls/{id}/groups, measures.cohesion_rollcalls).
import { csvUrl, getRows } from "../api.js";
import { Plot, figure } from "../charts.js";
import { VOTE_COLORS, VOTE_NAMES } from "../map.js";
import { el, fmtNumber, routeHref } from "../view.js";

const ORDER = ["Y", "N", "A", "X"];
const COLUMN = { Y: "n_yes", N: "n_no", A: "n_abstain", X: "n_absent" };

export async function groupBreakdown(rc, slug) {
  const rows = await getRows(`/rollcalls/${rc.rollcall_id}/groups`);
  if (!rows.length) return null;
  const long = rows.flatMap((r) => ORDER.map((k) => ({ group: r.group, vote: k, n: r[COLUMN[k]] })));
  const fig = figure({
    id: `${slug}-groups`,
    title: "By group (members on the day of the vote)",
    csvHref: csvUrl(`/rollcalls/${rc.rollcall_id}/groups`),
    caption: "Agreement: Hix–Noury–Roland index (max − ½(total − max)) / total over Yes, No and Abstain (2005), which counts abstentions; Rice index |Y − N| / (Y + N) (Rice 1925), which ignores them; Not voting: members with no vote recorded on the roll call.",
    body: Plot.plot({
      height: 40 + 26 * rows.length,
      marginLeft: 60,
      x: { label: "member states", grid: true },
      y: { label: null, domain: rows.map((r) => r.group) },
      color: { domain: ORDER, range: ORDER.map((k) => VOTE_COLORS[k]), legend: true, tickFormat: (k) => VOTE_NAMES[k] },
      marks: [Plot.barX(long, Plot.stackX({ y: "group", x: "n", fill: "vote", order: ORDER, title: (d) => `${d.group} ${VOTE_NAMES[d.vote]}: ${d.n}` }))],
    }),
  });
  const table = el(
    "table",
    { class: "group-breakdown" },
    el(
      "thead",
      {},
      el("tr", {}, el("th", {}, "Group"), el("th", { class: "num" }, "Members"), ...ORDER.map((k) => el("th", { class: "num" }, VOTE_NAMES[k])), el("th", { class: "num" }, "Agreement"), el("th", { class: "num" }, "Rice")),
    ),
    el(
      "tbody",
      {},
      ...rows.map((r) =>
        el(
          "tr",
          { "data-group": r.group },
          el("td", {}, el("a", { href: routeHref("group", { id: r.group, year: rc.date.slice(0, 4) }) }, r.group)),
          el("td", { class: "num" }, String(r.n_members)),
          ...ORDER.map((k) => el("td", { class: "num", "data-vote": k }, String(r[COLUMN[k]]))),
          el("td", { class: "num" }, fmtNumber(r.agreement)),
          el("td", { class: "num" }, fmtNumber(r.rice)),
        ),
      ),
    ),
  );
  return el("div", { class: "groups-section" }, fig, table);
}
