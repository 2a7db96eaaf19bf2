// A state: its groups, ideal-point trajectory, alignment with the major powers, its votes.
import { csvUrl, getJson, getRows } from "../api.js";
import { message } from "../charts.js";
import { VOTE_NAMES } from "../map.js";
import { displayTitle, docLink, statusBadge } from "../cite.js";
import { el, fmtNumber, routeHref, setParams, submitForm } from "../view.js";
import { stateSections } from "./state_sections.js";

export const title = "State";

function yearRange(params) {
  const from = Number.parseInt(params.get("from") || "", 10);
  const to = Number.parseInt(params.get("to") || "", 10);
  return { from: Number.isFinite(from) ? from : null, to: Number.isFinite(to) ? to : null };
}

export async function render(params) {
  const id = (params.get("id") || "UKR").toUpperCase();
  const { from, to } = yearRange(params);
  const st = (await getJson(`/states/${encodeURIComponent(id)}`)).data[0];
  const filters = { start: from ? `${from}-01-01` : null, end: to ? `${to}-12-31` : null };
  const votes = await getRows(`/states/${id}/votes`, filters);
  votes.sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : b.rollcall_id - a.rollcall_id));

  const rangeForm = submitForm(
    { class: "range" },
    (f) => {
      window.location.hash = routeHref("state", { id, from: f.get("from"), to: f.get("to") });
    },
    el("label", {}, "From ", el("input", { name: "from", type: "number", min: 1946, max: 2100, value: from ?? "", placeholder: "1946" })),
    el("label", {}, " to ", el("input", { name: "to", type: "number", min: 1946, max: 2100, value: to ?? "", placeholder: "now" })),
    el("button", { type: "submit" }, "Apply"),
  );

  const head = el(
    "header",
    { class: "page-head" },
    el("h1", {}, `${st.name} (${st.state})`),
    el(
      "p",
      { class: "meta" },
      st.un_joined ? `UN member since ${st.un_joined}` : "",
      st.un_left ? ` until ${st.un_left}` : "",
      ` · ${votes.length} recorded votes${from || to ? ` in ${from ?? "…"}–${to ?? "…"}` : ""}`,
    ),
    rangeForm,
    votes.length ? el("p", { class: "meta" }, el("a", { class: "practices-link", href: routeHref("practices", { state: st.state, year: to || votes[0].year }) }, `Voting practices of ${st.name} in ${to || votes[0].year} →`)) : null,
  );

  const vpage = Math.max(1, Number.parseInt(params.get("vpage") || "1", 10) || 1);
  const [sections, summary, near, cited] = await Promise.all([
    stateSections(st, { from, to }),
    getJson(`/states/${encodeURIComponent(st.state)}/summary`, { from, to }).then((r) => r.data[0]),
    neighbourSection(st, to || (votes.length ? Number(votes[0].year) : null)),
    getRows(`/states/${encodeURIComponent(st.state)}/cited`),
  ]);
  const spells = await getRows(`/states/${encodeURIComponent(st.state)}/groups`);
  const groupsTable = el(
    "table",
    { class: "state-groups", "data-rows": spells.length },
    el("thead", {}, el("tr", {}, ...["Group", "Kind", "Status", "Joined", "Left", "Source"].map((h) => el("th", {}, h)))),
    el(
      "tbody",
      {},
      ...spells.map((g) =>
        el(
          "tr",
          { "data-group": g.group, class: g.left ? "past" : "current" },
          el("td", {}, el("a", { href: routeHref("group", { id: g.group }) }, `${g.group_name} (${g.group})`)),
          el("td", {}, g.kind),
          el("td", {}, g.status + (g.uncertain ? " (uncertain)" : "")),
          el("td", {}, g.joined || "–"),
          el("td", {}, g.left || "–"),
          el("td", {}, g.source || ""),
        ),
      ),
    ),
  );
  const current = spells.filter((g) => !g.left);
  const PAGE = 50;
  const pages = Math.max(1, Math.ceil(votes.length / PAGE));
  const shown = votes.slice((vpage - 1) * PAGE, vpage * PAGE);
  const table = el(
    "table",
    { class: "votes", "data-rows": votes.length },
    el("thead", {}, el("tr", {}, el("th", {}, "Date"), el("th", {}, "Resolution"), el("th", {}, "Title"), el("th", {}, "Vote"))),
    el(
      "tbody",
      {},
      ...shown.map((v) =>
        el(
          "tr",
          {},
          el("td", {}, v.date),
          el("td", {}, el("a", { href: routeHref("rollcall", v.resolution ? { symbol: v.resolution } : { id: v.rollcall_id }) }, v.resolution || `#${v.rollcall_id}`)),
          el("td", { class: "title-cell" }, displayTitle(v.title) || "–", " ", docLink(v, "↗")),
          el("td", { class: `vote-cell vote-${v.vote}` }, VOTE_NAMES[v.vote] || v.vote),
        ),
      ),
    ),
  );
  setParams({});
  return el(
    "section",
    { class: "state", "data-title": st.name, "data-state": st.state },
    head,
    summaryCards(summary, { from, to }),
    ...sections.ideal,
    near,
    el(
      "div",
      { class: "section-head" },
      el("h2", {}, "Groups"),
      el("a", { class: "button export-csv", href: csvUrl(`/states/${encodeURIComponent(st.state)}/groups`), download: `${st.state}-groups.csv` }, "CSV"),
    ),
    el("p", { class: "meta" }, current.length ? `Today: ${current.map((g) => `${g.group}${g.status === "member" ? "" : ` (${g.status})`}`).join(", ")}.` : "In none of the registry's groups today."),
    el("details", { class: "groups" }, el("summary", {}, `${spells.length} membership spells in the registry's groups`), groupsTable),
    citedSection(cited),
    ...sections.alignment,
    el("div", { class: "section-head" }, el("h2", {}, "Every vote"), el("a", { class: "button export-csv", href: csvUrl(`/states/${id}/votes`, filters), download: `${id}-votes.csv` }, "CSV")),
    pager(id, from, to, vpage, pages, votes.length, PAGE),
    el("div", { class: "table-scroll" }, table),
  );
}


function pct(x) {
  return x === null || x === undefined ? "–" : `${(100 * x).toFixed(1)}%`;
}

/** Key numbers: votes cast, shares of Yes / No / Abstain among them, absence. */
function summaryCards(s, { from, to }) {
  if (!s || !s.n_rollcalls) return message("No recorded General Assembly votes in this period.");
  const span = from || to ? `${from ?? s.first_year}–${to ?? s.last_year}` : `${s.first_year}–${s.last_year}`;
  const card = (cls, n, label, key) => el("div", { class: `card ${cls}`, "data-key": key }, el("span", { class: "n" }, n), el("span", { class: "label" }, label));
  return el(
    "section",
    { class: "state-summary", "data-cast": s.votes_cast, "data-rollcalls": s.n_rollcalls },
    el("h2", {}, `Key numbers, ${span}`),
    el(
      "div",
      { class: "summary-cards" },
      card("", s.votes_cast.toLocaleString("en"), `votes cast of ${s.n_rollcalls.toLocaleString("en")} roll calls`, "cast"),
      card("vote-Y", pct(s.share_yes), `Yes (${s.yes})`, "yes"),
      card("vote-N", pct(s.share_no), `No (${s.no})`, "no"),
      card("vote-A", pct(s.share_abstain), `Abstain (${s.abstain})`, "abstain"),
      card("vote-X", pct(s.share_absent), `absent (${s.absent})`, "absent"),
    ),
    el("p", { class: "note" }, "Shares of Yes, No and Abstain are of the votes cast; absence is of the roll calls the state could vote in (General Assembly)."),
  );
}

async function neighbourSection(st, year) {
  if (!year) return null;
  let rows;
  try {
    rows = await getRows(`/states/${encodeURIComponent(st.state)}/neighbours`, { year });
  } catch (err) {
    return message(`Closest and farthest states in ${year}: ${err.message}`);
  }
  const before = rows[0]?.year_before;
  const table = (side, label) =>
    el(
      "table",
      { class: `neighbours neighbours-${side}`, "data-side": side },
      el("caption", {}, label),
      el("thead", {}, el("tr", {}, el("th", {}, "State"), el("th", { class: "num" }, `${year}`), el("th", { class: "num" }, `since ${before}`))),
      el(
        "tbody",
        {},
        ...rows
          .filter((r) => r.side === side)
          .map((r) =>
            el(
              "tr",
              { "data-state": r.state },
              el("td", {}, el("a", { href: routeHref("state", { id: r.state }) }, r.name || r.state)),
              el("td", { class: "num" }, fmtNumber(r.agreement)),
              el("td", { class: `num ${r.change > 0 ? "change-up" : r.change < 0 ? "change-down" : ""}` }, r.change === null ? "–" : `${r.change > 0 ? "+" : ""}${fmtNumber(r.change)}`),
            ),
          ),
      ),
    );
  return el(
    "section",
    { class: "state-neighbours", "data-year": year },
    el("div", { class: "section-head" }, el("h2", {}, `Closest and farthest states, ${year}`), el("a", { class: "button export-csv", href: csvUrl(`/states/${encodeURIComponent(st.state)}/neighbours`, { year }), download: `${st.state}-neighbours-${year}.csv` }, "CSV")),
    el("div", { class: "grid2" }, table("closest", "Closest (share of identical votes)"), table("farthest", "Farthest")),
    el("p", { class: "note" }, `Agreement: share of the roll calls both voted in (Yes, No or Abstain) where they voted alike; change since ${before}.`),
  );
}

function citedSection(rows) {
  if (!rows.length) return null;
  return el(
    "section",
    { class: "state-cited" },
    el("h2", {}, "Votes on resolutions people cite"),
    el("div", { class: "table-scroll" }, el(
      "table",
      { class: "cited", "data-rows": rows.length },
      el("thead", {}, el("tr", {}, el("th", {}, "Resolution"), el("th", {}, "Date"), el("th", {}, "Vote"))),
      el(
        "tbody",
        {},
        ...rows.map((r) =>
          el(
            "tr",
            { "data-symbol": r.resolution, "data-vote": r.vote || "" },
            el("td", { class: "title-cell" }, el("a", { href: routeHref("rollcall", { id: r.rollcall_id }) }, r.resolution), ` ${r.label} `, statusBadge(r.status), " ", docLink(r, "↗")),
            el("td", { class: "nowrap" }, r.date),
            el("td", { class: `vote-cell vote-${r.vote || "none"}` }, r.vote ? VOTE_NAMES[r.vote] : "not a member"),
          ),
        ),
      ),
    )),
  );
}

function pager(id, from, to, vpage, pages, total, size) {
  const href = (p) => routeHref("state", { id, from, to, vpage: p > 1 ? p : null });
  const first = total ? (vpage - 1) * size + 1 : 0;
  return el(
    "nav",
    { class: "pager votes-pager", "data-page": vpage, "data-pages": pages },
    vpage > 1 ? el("a", { class: "button prev", href: href(vpage - 1) }, "← Newer") : null,
    el("span", { class: "count" }, `${first}–${Math.min(total, vpage * size)} of ${total.toLocaleString("en")} votes, newest first`),
    vpage < pages ? el("a", { class: "button next", href: href(vpage + 1) }, "Older →") : null,
  );
}
