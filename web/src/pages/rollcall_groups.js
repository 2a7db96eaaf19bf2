// The group breakdown of a roll call: how the members of major groups (on the vote's date) voted.
import { getRows } from "../api.js";
import { Plot, figure } from "../charts.js";
import { VOTE_COLORS, VOTE_NAMES } from "../map.js";
import { el, routeHref } from "../view.js";

export const BREAKDOWN_GROUPS = ["NAM", "G77", "EU", "NATO", "AU", "OIC", "LAS", "ASEAN", "BRICS", "SCO"];
const ORDER = ["Y", "N", "A", "X"];

export async function groupBreakdown(rc, byState, slug) {
  const lists = await Promise.all(
    BREAKDOWN_GROUPS.map((gid) => getRows(`/groups/${gid}/members`, { date: rc.date, status: "member" }).catch(() => [])),
  );
  const rows = [];
  for (const [i, gid] of BREAKDOWN_GROUPS.entries()) {
    const members = lists[i];
    if (!members.length) continue;
    const counts = Object.fromEntries(ORDER.map((k) => [k, 0]));
    for (const m of members) {
      const v = byState.get(m.state);
      if (v) counts[v] += 1;
    }
    rows.push({ group: gid, members: members.length, ...counts });
  }
  if (!rows.length) return null;
  const long = rows.flatMap((r) => ORDER.map((k) => ({ group: r.group, vote: k, n: r[k] })));
  const fig = figure({
    id: `${slug}-groups`,
    title: "By group (members on the day of the vote)",
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
    el("thead", {}, el("tr", {}, el("th", {}, "Group"), el("th", { class: "num" }, "Members"), ...ORDER.map((k) => el("th", { class: "num" }, VOTE_NAMES[k])))),
    el(
      "tbody",
      {},
      ...rows.map((r) =>
        el(
          "tr",
          { "data-group": r.group },
          el("td", {}, el("a", { href: routeHref("group", { id: r.group, year: rc.date.slice(0, 4) }) }, r.group)),
          el("td", { class: "num" }, String(r.members)),
          ...ORDER.map((k) => el("td", { class: "num", "data-vote": k }, String(r[k]))),
        ),
      ),
    ),
  );
  return el("div", { class: "groups-section" }, fig, table);
}
