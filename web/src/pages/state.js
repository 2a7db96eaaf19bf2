// A state: its groups, ideal-point trajectory, alignment with the major powers, its votes.
import { csvUrl, getJson, getRows } from "../api.js";
import { message } from "../charts.js";
import { VOTE_NAMES } from "../map.js";
import { el, routeHref, setParams } from "../view.js";
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

  const rangeForm = el(
    "form",
    {
      class: "range",
      onsubmit: (e) => {
        e.preventDefault();
        const f = new FormData(e.target);
        window.location.hash = routeHref("state", { id, from: f.get("from"), to: f.get("to") });
      },
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
  );

  const sections = await stateSections(st, { from, to });
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
  const shown = votes.slice(0, 200);
  const table = el(
    "table",
    { class: "votes", "data-rows": votes.length },
    el("thead", {}, el("tr", {}, el("th", {}, "Date"), el("th", {}, "Resolution"), el("th", {}, "Session"), el("th", {}, "Vote"))),
    el(
      "tbody",
      {},
      ...shown.map((v) =>
        el(
          "tr",
          {},
          el("td", {}, v.date),
          el("td", {}, el("a", { href: routeHref("rollcall", v.resolution ? { symbol: v.resolution } : { id: v.rollcall_id }) }, v.resolution || `#${v.rollcall_id}`)),
          el("td", {}, v.session),
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
    el(
      "div",
      { class: "section-head" },
      el("h2", {}, "Groups"),
      el("a", { class: "button export-csv", href: csvUrl(`/states/${encodeURIComponent(st.state)}/groups`), download: `${st.state}-groups.csv` }, "CSV"),
    ),
    el("p", { class: "meta" }, current.length ? `Today: ${current.map((g) => `${g.group}${g.status === "member" ? "" : ` (${g.status})`}`).join(", ")}.` : "In none of the registry's groups today."),
    el("details", { class: "groups" }, el("summary", {}, `${spells.length} membership spells in the registry's groups`), groupsTable),
    ...sections,
    el("div", { class: "section-head" }, el("h2", {}, "Votes"), el("a", { class: "button export-csv", href: csvUrl(`/states/${id}/votes`, filters), download: `${id}-votes.csv` }, "CSV")),
    votes.length > shown.length ? message(`Latest ${shown.length} of ${votes.length} votes shown; the CSV has them all.`) : null,
    table,
  );
}
