// A group: its membership on a map over time, its members, its spells; cohesion when measures exist.
import { csvUrl, getJson, getRows } from "../api.js";
import { Plot, figure } from "../charts.js";
import { drawMap } from "../map.js";
import { el, routeHref, setParams } from "../view.js";
import { groupSections } from "./group_sections.js";

export const title = "Group";
const STATUS_COLORS = { member: "#1f77b4", observer: "#9ecae1" };

export async function render(params) {
  const id = params.get("id") || "NAM";
  const thisYear = new Date().getFullYear();
  const g = (await getJson(`/groups/${encodeURIComponent(id)}`)).data[0];
  const byYear = await getRows(`/groups/${encodeURIComponent(g.id)}/members-by-year`, { start: 1946, end: thisYear });
  const firstYear = byYear.length ? Number(byYear[0].date.slice(0, 4)) : 1946;
  let year = Number.parseInt(params.get("year") || "", 10);
  if (!Number.isFinite(year) || year < firstYear || year > thisYear) year = thisYear;

  const years = new Map();
  for (const r of byYear) {
    const y = Number(r.date.slice(0, 4));
    if (!years.has(y)) years.set(y, new Map());
    years.get(y).set(r.state, r.status);
  }
  const counts = [];
  for (let y = firstYear; y <= thisYear; y++) {
    const m = years.get(y) || new Map();
    counts.push({ year: y, status: "member", n: [...m.values()].filter((s) => s === "member").length });
    counts.push({ year: y, status: "observer", n: [...m.values()].filter((s) => s === "observer").length });
  }

  const mapFig = figure({
    id: `${g.id}-membership-map`,
    title: "Membership",
    csvHref: csvUrl(`/groups/${encodeURIComponent(g.id)}/members-by-year`, { start: firstYear, end: thisYear }),
  });
  const yearLabel = el("strong", { class: "year-label" }, String(year));
  const slider = el("input", { type: "range", min: firstYear, max: thisYear, value: year, "aria-label": "Year", class: "year-slider" });
  const sizeFig = figure({ id: `${g.id}-size`, title: "Members over time (1 July of each year)" });

  async function show(y) {
    year = y;
    yearLabel.textContent = String(y);
    const values = years.get(y) || new Map();
    await drawMap(mapFig.querySelector(".chart-body"), values, {
      title: `${g.name} in ${y}`,
      color: (v) => STATUS_COLORS[v] || "#e0e0e0",
      label: (s, v) => `${s.name} (${s.state}): ${v || "not in the group"}`,
      legend: [
        { label: `member (${[...values.values()].filter((v) => v === "member").length})`, color: STATUS_COLORS.member },
        { label: `observer (${[...values.values()].filter((v) => v === "observer").length})`, color: STATUS_COLORS.observer },
      ],
    });
    mapFig.dataset.year = String(y);
    sizeFig.querySelector(".chart-body").replaceChildren(
      Plot.plot({
        height: 220,
        marginLeft: 40,
        y: { label: "states", grid: true },
        x: { label: null, tickFormat: "d" },
        color: { domain: ["member", "observer"], range: [STATUS_COLORS.member, STATUS_COLORS.observer], legend: true },
        marks: [
          Plot.areaY(counts, { x: "year", y: "n", fill: "status", curve: "step-after" }),
          Plot.ruleX([y], { stroke: "#333", strokeDasharray: "3,3" }),
          Plot.ruleY([0]),
        ],
      }),
    );
    setParams({ year: y });
  }
  slider.addEventListener("input", () => show(Number(slider.value)));
  await show(year);

  const members = await getRows(`/groups/${encodeURIComponent(g.id)}/history`);
  const table = el(
    "table",
    { class: "members", "data-rows": members.length },
    el("thead", {}, el("tr", {}, ...["State", "Status", "Joined", "Left", "Source", "Note"].map((h) => el("th", {}, h)))),
    el(
      "tbody",
      {},
      ...members.map((m) =>
        el(
          "tr",
          {},
          el("td", {}, el("a", { href: routeHref("state", { id: m.state }) }, m.state_name || m.state)),
          el("td", {}, m.status + (m.uncertain ? " (uncertain)" : "")),
          el("td", {}, m.joined || "–"),
          el("td", {}, m.left || "–"),
          el("td", {}, m.source || ""),
          el("td", {}, m.note || ""),
        ),
      ),
    ),
  );
  const sections = await groupSections(g, params);
  return el(
    "section",
    { class: "group", "data-title": g.name, "data-group": g.id },
    el(
      "header",
      { class: "page-head" },
      el("h1", {}, `${g.name} (${g.id})`),
      el("p", { class: "meta" }, `${g.kind} · ${g.n_members} members, ${g.n_observers} observers today · sources: ${g.sources || "–"}`),
      g.description ? el("p", {}, g.description) : null,
    ),
    el("div", { class: "controls" }, el("label", {}, "Year ", slider), yearLabel),
    mapFig,
    sizeFig,
    ...sections,
    el("div", { class: "section-head" }, el("h2", {}, "Membership spells"), el("a", { class: "button export-csv", href: csvUrl(`/groups/${encodeURIComponent(g.id)}/history`), download: `${g.id}-history.csv` }, "CSV")),
    el("details", { class: "spells" }, el("summary", {}, `${members.length} spells (joined, left, source)`), table),
  );
}
