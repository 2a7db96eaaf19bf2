// Browse roll calls: filters (body, session, years, issue, words, status, important), sortable columns,
// pages; every choice is in the URL, so a link reproduces the list.
import { csvUrl, getJson } from "../api.js";
import { coverageNote, displayTitle, docLink, rollcallHref, statusBadge } from "../cite.js";
import { el, routeHref, submitForm } from "../view.js";

export const title = "Roll calls";
const ISSUES = { me: "Middle East", nu: "Nuclear weapons", di: "Arms control", hr: "Human rights", co: "Colonialism", ec: "Economic development" };
const STATUSES = ["adopted", "not adopted", "vetoed", "failed"];
const PAGE = 50;
const FILTERS = ["body", "session", "from", "to", "issue", "q", "status", "important"];
const COLUMNS = [
  ["date", "Date"],
  ["resolution", "Symbol"],
  ["title", "Title"],
  ["status", "Status"],
  ["n_yes", "Yes"],
  ["n_no", "No"],
  ["n_abstain", "Abstain"],
];

function current(params) {
  const v = Object.fromEntries(FILTERS.map((k) => [k, params.get(k) || ""]));
  v.sort = params.get("sort") || "-date";
  v.page = Math.max(1, Number.parseInt(params.get("page") || "1", 10) || 1);
  return v;
}

function go(v) {
  window.location.hash = routeHref("rollcalls", { ...v, page: v.page > 1 ? v.page : null, sort: v.sort === "-date" ? null : v.sort });
}

function select(name, value, options) {
  return el("select", { name }, ...options.map(([k, label]) => el("option", { value: k, selected: k === value ? true : undefined }, label)));
}

export async function render(params) {
  const v = current(params);
  const query = {
    body: v.body || null,
    session: v.session || null,
    from: v.from || null,
    to: v.to || null,
    issue: v.issue || null,
    q: v.q || null,
    status: v.status || null,
    important: v.important === "1" ? "true" : null,
    sort: v.sort,
  };
  const res = await getJson("/browse/rollcalls", { ...query, limit: PAGE, offset: (v.page - 1) * PAGE });

  const form = submitForm(
    { class: "controls filters" },
    (f) => {
      go({ ...Object.fromEntries(FILTERS.map((k) => [k, (f.get(k) || "").toString().trim()])), important: f.get("important") ? "1" : "", sort: v.sort, page: 1 });
    },
    el("label", {}, "Body ", select("body", v.body, [["", "both"], ["GA", "General Assembly"], ["SC", "Security Council"]])),
    el("label", {}, "Session ", el("input", { name: "session", value: v.session, size: 5, placeholder: "77, ES-11" })),
    el("label", {}, "Years ", el("input", { name: "from", type: "number", min: 1946, max: 2100, value: v.from, placeholder: "1946", class: "year" })),
    el("label", {}, "– ", el("input", { name: "to", type: "number", min: 1946, max: 2100, value: v.to, placeholder: "now", class: "year" })),
    el("label", {}, "Issue ", select("issue", v.issue, [["", "any"], ...Object.entries(ISSUES)])),
    el("label", {}, "Status ", select("status", v.status, [["", "any"], ...STATUSES.map((s) => [s, s])])),
    el("label", {}, el("input", { name: "important", type: "checkbox", checked: v.important === "1" ? true : undefined }), " important votes only"),
    el("label", { class: "wide" }, "Words ", el("input", { name: "q", type: "search", value: v.q, placeholder: "aggression against Ukraine" })),
    el("button", { type: "submit" }, "Apply"),
    el("a", { class: "button", href: routeHref("rollcalls", {}) }, "Clear"),
  );

  const sortHeader = ([key, label]) => {
    const active = v.sort.replace(/^-/, "") === key;
    const desc = v.sort.startsWith("-");
    const next = active && desc ? key : `-${key}`;
    return el(
      "th",
      { class: ["sortable", active ? "sorted" : "", key.startsWith("n_") ? "num" : ""].join(" "), "data-sort": key, "aria-sort": active ? (desc ? "descending" : "ascending") : "none" },
      el("a", { href: routeHref("rollcalls", { ...query, important: v.important || null, sort: next === "-date" ? null : next }) }, label, active ? (desc ? " ▼" : " ▲") : ""),
    );
  };

  const table = el(
    "table",
    { class: "rollcall-list", "data-total": res.total, "data-rows": res.count },
    el("thead", {}, el("tr", {}, ...COLUMNS.map(sortHeader))),
    el(
      "tbody",
      {},
      ...res.data.map((rc) =>
        el(
          "tr",
          { "data-id": rc.rollcall_id, "data-symbol": rc.resolution || "" },
          el("td", { class: "nowrap" }, rc.date),
          el("td", { class: "nowrap" }, el("a", { href: rollcallHref(rc) }, rc.resolution || `roll call ${rc.rollcall_id}`), rc.kind !== "resolution" ? el("span", { class: "tag" }, rc.kind) : null),
          el("td", { class: "title-cell" }, displayTitle(rc.title) || "–", " ", docLink(rc, "↗")),
          el("td", {}, statusBadge(rc.status), rc.important ? el("span", { class: "tag important" }, "important") : null),
          el("td", { class: "num vote-Y-text", title: rc.total_yes !== null && rc.total_yes !== rc.n_yes ? `source records ${rc.total_yes}` : null }, rc.votes_complete === false ? "?" : rc.n_yes ?? "–"),
          el("td", { class: "num vote-N-text" }, rc.votes_complete === false ? "?" : rc.n_no ?? "–"),
          el("td", { class: "num vote-A-text" }, rc.votes_complete === false ? "?" : rc.n_abstain ?? "–"),
        ),
      ),
    ),
  );

  const pages = Math.max(1, Math.ceil(res.total / PAGE));
  const first = res.total ? (v.page - 1) * PAGE + 1 : 0;
  const pager = el(
    "nav",
    { class: "pager", "data-page": v.page, "data-pages": pages },
    v.page > 1 ? el("a", { class: "button prev", href: routeHref("rollcalls", { ...query, important: v.important || null, sort: v.sort === "-date" ? null : v.sort, page: v.page - 1 > 1 ? v.page - 1 : null }) }, "← Previous") : null,
    el("span", { class: "count" }, `${first}–${first ? first + res.count - 1 : 0} of ${res.total.toLocaleString("en")} roll calls`),
    v.page < pages ? el("a", { class: "button next", href: routeHref("rollcalls", { ...query, important: v.important || null, sort: v.sort === "-date" ? null : v.sort, page: v.page + 1 }) }, "Next →") : null,
  );

  return el(
    "section",
    { class: "rollcalls", "data-title": "Roll calls" },
    el("header", { class: "page-head" }, el("h1", {}, "Roll calls"), el("p", { class: "meta" }, "Every recorded vote, as you would cite it. Filter, sort by a column, share the link.")),
    form,
    el("div", { class: "section-head" }, pager, el("a", { class: "button export-csv", href: csvUrl("/browse/rollcalls", query), download: "rollcalls.csv" }, "CSV")),
    el("div", { class: "table-scroll" }, table),
    res.total ? null : el("p", { class: "note" }, "No roll call matches these filters."),
    await coverageNote(),
  );
}
