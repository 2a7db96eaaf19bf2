// "Voting practices" of any state in a year: coincidence with reference states and groups (overall, on
// important votes, by issue), the important votes, the group tables, the Security Council's votes and vetoes.
import { csvUrl, getJson } from "../api.js";
import { Plot, figure, message } from "../charts.js";
import { coverageNote, displayTitle, docLink, statusBadge } from "../cite.js";
import { VOTE_COLORS, VOTE_NAMES } from "../map.js";
import { el, routeHref, setParams, submitForm } from "../view.js";

export const title = "Voting practices";
const ISSUE_NAMES = { me: "Middle East", nu: "Nuclear weapons", di: "Arms control", hr: "Human rights", co: "Colonialism", ec: "Economic development" };
const GROUPS = ["NAM", "EU", "G77", "OIC", "AU"];

function pct(x) {
  return x === null || x === undefined ? "–" : `${(100 * x).toFixed(1)}%`;
}

function coincidenceTable(rows, cls, first = "reference") {
  return el(
    "table",
    { class: `coincidence ${cls}`, "data-rows": rows.length },
    el("thead", {}, el("tr", {}, el("th", {}, first === "member" ? "Member" : "Compared with"), el("th", { class: "num" }, "Identical"), el("th", { class: "num" }, "Opposite"), el("th", { class: "num" }, "Coincidence"))),
    el(
      "tbody",
      {},
      ...rows.map((r) =>
        el(
          "tr",
          { "data-ref": r[first] },
          el("td", {}, r.kind === "group" ? el("a", { href: routeHref("group", { id: r[first] }) }, r[first]) : el("a", { href: routeHref("state", { id: r[first] }) }, r[first])),
          el("td", { class: "num" }, String(r.identical)),
          el("td", { class: "num" }, String(r.opposite)),
          el("td", { class: "num", "data-value": r.coincidence ?? "" }, pct(r.coincidence)),
        ),
      ),
    ),
  );
}

function csvLink(state, table, year, refs) {
  return el("a", { class: "button export-csv", href: csvUrl(`/practices/${state}/${table}`, { year, references: refs || null }), download: `practices-${state}-${year}-${table}.csv` }, "CSV");
}

export async function render(params) {
  const stateParam = params.get("state") || "USA";
  const year = Number.parseInt(params.get("year") || "2015", 10);
  const refs = params.get("with") || "";
  const res = await getJson(`/practices/${encodeURIComponent(stateParam)}`, { year, references: refs || null });
  const state = res.state;
  const name = res.name || state;
  const t = res.tables;
  const form = submitForm(
    { class: "controls" },
    (f) => {
      window.location.hash = routeHref("practices", { state: f.get("state"), year: f.get("year"), with: f.get("with") });
    },
    el("label", {}, "State ", el("input", { name: "state", value: stateParam, size: 10 })),
    el("label", {}, "Year ", el("input", { name: "year", type: "number", min: 1946, max: 2100, value: year, class: "year" })),
    el("label", { class: "wide" }, "Compared with ", el("input", { name: "with", value: refs, placeholder: "USA,CHN,RUS,IND,BRA,ZAF,group:EU,group:NAM" })),
    el("button", { type: "submit" }, "Show"),
  );
  const chartRows = t.overall.filter((r) => r.coincidence !== null);
  const chart = figure({
    id: `practices-${state}-${year}`,
    title: `Voting coincidence of ${name} with other states and groups, ${year}`,
    csvHref: csvUrl(`/practices/${state}/overall`, { year, references: refs || null }),
    caption: "Identical votes / (identical + opposite) over the roll calls where both voted Yes or No (the US State Department's measure).",
    body: Plot.plot({
      height: 40 + 26 * chartRows.length,
      marginLeft: 60,
      x: { domain: [0, 100], label: "coincidence, %", grid: true },
      y: { label: null, domain: chartRows.map((r) => r.reference) },
      marks: [Plot.barX(chartRows, { y: "reference", x: (d) => 100 * d.coincidence, fill: VOTE_COLORS.Y, title: (d) => `${d.reference}: ${pct(d.coincidence)} of ${d.n}` }), Plot.ruleX([0])],
    }),
  });
  const issues = Object.keys(ISSUE_NAMES).filter((k) => t.by_issue.some((r) => r.issue === k));
  const refsList = t.overall.map((r) => r.reference);
  const issueTable = el(
    "table",
    { class: "by-issue" },
    el("thead", {}, el("tr", {}, el("th", {}, "Issue"), ...refsList.map((r) => el("th", { class: "num" }, r)))),
    el(
      "tbody",
      {},
      ...issues.map((k) =>
        el("tr", { "data-issue": k }, el("td", {}, ISSUE_NAMES[k]), ...refsList.map((r) => el("td", { class: "num" }, pct(t.by_issue.find((x) => x.issue === k && x.reference === r)?.coincidence)))),
      ),
    ),
  );
  const voteCell = (v) => el("td", { class: `vote-cell vote-${v || "none"}` }, v ? VOTE_NAMES[v] : "–");
  const impTable = el(
    "table",
    { class: "important-votes", "data-rows": t.important_votes.length },
    el("thead", {}, el("tr", {}, el("th", {}, "Resolution"), el("th", {}, "Date"), el("th", {}, state), ...refsList.map((r) => el("th", {}, r)))),
    el(
      "tbody",
      {},
      ...t.important_votes.map((r) =>
        el(
          "tr",
          { "data-id": r.rollcall_id },
          el("td", { class: "title-cell" }, el("a", { href: routeHref("rollcall", { id: r.rollcall_id }) }, r.resolution || `roll call ${r.rollcall_id}`), ` ${displayTitle(r.title)} `, statusBadge(r.status), " ", docLink(r, "↗")),
          el("td", { class: "nowrap" }, r.date),
          voteCell(r[state]),
          ...refsList.map((ref) => voteCell(r[ref])),
        ),
      ),
    ),
  );
  const groupBlocks = GROUPS.map((g) => {
    const rows = t.groups.filter((r) => r.group === g).sort((a, b) => (b.coincidence ?? -1) - (a.coincidence ?? -1));
    if (!rows.length) return null;
    return el(
      "details",
      { class: "group-table", "data-group": g },
      el("summary", {}, `${g}: ${rows.length} members — coincidence of each with ${state}`),
      el("div", { class: "section-head" }, el("span", {}), csvLink(state, "groups", year, refs)),
      el("div", { class: "table-scroll" }, coincidenceTable(rows.map((r) => ({ ...r, kind: "state" })), `group-${g}`, "member")),
    );
  });
  const sc = t.sc_votes.length
    ? el(
        "table",
        { class: "sc-votes", "data-rows": t.sc_votes.length },
        el("thead", {}, el("tr", {}, el("th", {}, "Draft or resolution"), el("th", {}, "Date"), el("th", {}, "Status"), el("th", {}, state))),
        el("tbody", {}, ...t.sc_votes.map((r) => el("tr", { "data-id": r.rollcall_id }, el("td", { class: "title-cell" }, el("a", { href: routeHref("rollcall", { id: r.rollcall_id }) }, r.resolution), ` ${displayTitle(r.title)} `, docLink(r, "↗")), el("td", { class: "nowrap" }, r.date), el("td", {}, statusBadge(r.status)), voteCell(r.vote)))),
      )
    : message(`No Security Council roll calls of ${year} in the record.`);
  const vetoes = t.vetoes.length
    ? el("ul", { class: "vetoes-of-year", "data-rows": t.vetoes.length }, ...t.vetoes.map((v) => el("li", {}, `${v.date}: ${v.member} vetoed `, v.link ? el("a", { href: v.link, rel: "noopener", target: "_blank" }, v.draft) : v.draft, ` — ${displayTitle(v.title)}`)))
    : message(`No vetoes in ${year} in the record.`);
  setParams({ state: stateParam, year });
  return el(
    "section",
    { class: "practices", "data-title": `Voting practices: ${name} ${year}`, "data-state": state, "data-year": year },
    el("header", { class: "page-head" }, el("h1", {}, `Voting practices of ${name} (${state}), ${year}`), el("p", { class: "meta" }, "As the US State Department reports for the United States, for any state: how often it voted with others in the General Assembly, and the Security Council's votes of the year."), form),
    chart,
    el("div", { class: "section-head" }, el("h2", {}, "All recorded votes"), csvLink(state, "overall", year, refs)),
    el("div", { class: "table-scroll" }, coincidenceTable(t.overall, "overall")),
    el("div", { class: "section-head" }, el("h2", {}, "Important votes"), csvLink(state, "important", year, refs)),
    t.important_votes.length ? el("div", { class: "table-scroll" }, coincidenceTable(t.important, "important")) : message(`The record codes no important votes in ${year}.`),
    el("div", { class: "section-head" }, el("h2", {}, "By issue"), csvLink(state, "by_issue", year, refs)),
    issues.length ? el("div", { class: "table-scroll" }, issueTable) : message(`No issue codes for ${year} in the record.`),
    el("div", { class: "section-head" }, el("h2", {}, "The important votes"), csvLink(state, "important_votes", year, refs)),
    t.important_votes.length ? el("div", { class: "table-scroll" }, impTable) : null,
    el("h2", {}, "Groups"),
    ...groupBlocks,
    el("div", { class: "section-head" }, el("h2", {}, `Security Council, ${year}`), csvLink(state, "sc_votes", year, refs)),
    el("div", { class: "table-scroll" }, sc),
    el("h3", {}, "Vetoes"),
    vetoes,
    el("p", { class: "note" }, "Self-contained report with the same tables: ", el("code", {}, `polycentric report practices ${state} --year ${year}`)),
    await coverageNote(),
  );
}
