// The Security Council's vetoes: per year and permanent member, and each veto with the draft it blocked.
import { csvUrl, getRows } from "../api.js";
import { Plot, figure } from "../charts.js";
import { coverageNote, displayTitle } from "../cite.js";
import { el, routeHref, submitForm } from "../view.js";

export const title = "Security Council vetoes";
const MEMBERS = ["CHN", "FRA", "GBR", "RUS", "USA"];
const MEMBER_NAMES = { CHN: "China", FRA: "France", GBR: "United Kingdom", RUS: "Russian Federation (USSR to 1991)", USA: "United States" };
// Okabe–Ito, one colour per member (distinct from the vote colours' meaning)
const MEMBER_COLORS = { CHN: "#CC79A7", FRA: "#56B4E9", GBR: "#009E73", RUS: "#D55E00", USA: "#0072B2" };

export async function render(params) {
  const from = params.get("from") || "";
  const to = params.get("to") || "";
  const member = (params.get("member") || "").toUpperCase();
  const filters = { from: from || null, to: to || null };
  const [all, counts] = await Promise.all([getRows("/vetoes", { ...filters, member: member || null }), getRows("/vetoes/counts", filters)]);
  const totals = Object.fromEntries(MEMBERS.map((m) => [m, counts.filter((c) => c.member === m).reduce((a, c) => a + c.vetoes, 0)]));

  const form = submitForm(
    { class: "controls" },
    (f) => {
      window.location.hash = routeHref("vetoes", { from: f.get("from"), to: f.get("to"), member: f.get("member") });
    },
    el("label", {}, "Years ", el("input", { name: "from", type: "number", min: 1946, max: 2100, value: from, placeholder: "1946", class: "year" })),
    el("label", {}, "– ", el("input", { name: "to", type: "number", min: 1946, max: 2100, value: to, placeholder: "now", class: "year" })),
    el("label", {}, "Member ", el("select", { name: "member" }, el("option", { value: "" }, "all"), ...MEMBERS.map((m) => el("option", { value: m, selected: m === member ? true : undefined }, MEMBER_NAMES[m])))),
    el("button", { type: "submit" }, "Apply"),
  );

  const chart = figure({
    id: "vetoes-by-year",
    title: "Vetoes per year, by permanent member",
    csvHref: csvUrl("/vetoes/counts", filters),
    caption: "One veto = one permanent member's negative vote on a draft that failed for it; a draft vetoed by two members counts twice.",
    body: Plot.plot({
      height: 260,
      marginLeft: 36,
      x: { label: null, tickFormat: "d", interval: 1 },
      y: { label: "vetoes", grid: true },
      color: { domain: MEMBERS, range: MEMBERS.map((m) => MEMBER_COLORS[m]), legend: true },
      marks: [Plot.rectY(counts, { x: "year", y: "vetoes", fill: "member", interval: 1, title: (d) => `${d.member} ${d.year}: ${d.vetoes}` }), Plot.ruleY([0])],
    }),
  });

  const totalsTable = el(
    "table",
    { class: "veto-totals" },
    el("thead", {}, el("tr", {}, el("th", {}, "Member"), el("th", { class: "num" }, "Vetoes"))),
    el(
      "tbody",
      {},
      ...MEMBERS.map((m) =>
        el("tr", { "data-member": m }, el("td", {}, el("a", { href: routeHref("vetoes", { ...filters, member: m }) }, MEMBER_NAMES[m])), el("td", { class: "num" }, String(totals[m]))),
      ),
    ),
  );

  const list = el(
    "table",
    { class: "veto-list", "data-rows": all.length },
    el("thead", {}, el("tr", {}, ...["Date", "Member", "Draft", "Subject", "Vetoed by"].map((h) => el("th", {}, h)))),
    el(
      "tbody",
      {},
      ...all.map((v) =>
        el(
          "tr",
          { "data-id": v.rollcall_id, "data-member": v.member },
          el("td", { class: "nowrap" }, v.date),
          el("td", {}, v.member),
          el("td", { class: "nowrap" }, v.link ? el("a", { class: "draft-link", href: v.link, rel: "noopener", target: "_blank" }, v.draft || "draft") : v.draft || "–"),
          el("td", { class: "title-cell" }, el("a", { href: routeHref("rollcall", { id: v.rollcall_id }) }, displayTitle(v.title) || "(no title)")),
          el("td", {}, (v.vetoed_by || "").split("|").join(", ")),
        ),
      ),
    ),
  );

  return el(
    "section",
    { class: "vetoes", "data-title": "Security Council vetoes", "data-total": all.length },
    el("header", { class: "page-head" }, el("h1", {}, "Security Council vetoes"), el("p", { class: "meta" }, `${all.length} vetoes${member ? ` by ${MEMBER_NAMES[member] || member}` : ""}${from || to ? ` in ${from || "1946"}–${to || "now"}` : ""}; each links to the draft it blocked.`), form),
    chart,
    el("div", { class: "grid2" }, totalsTable, el("div", {})),
    el("div", { class: "section-head" }, el("h2", {}, "Every veto"), el("a", { class: "button export-csv", href: csvUrl("/vetoes", { ...filters, member: member || null }), download: "vetoes.csv" }, "CSV")),
    el("div", { class: "table-scroll" }, list),
    await coverageNote(),
  );
}
