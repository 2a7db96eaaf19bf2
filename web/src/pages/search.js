// Search results: states, groups, resolution series and roll calls matching the words (polycentric.search).
import { getJson } from "../api.js";
import { coverageNote } from "../cite.js";
import { el, routeHref, submitForm } from "../view.js";

export const title = "Search";
const KINDS = [
  ["state", "States"],
  ["group", "Groups"],
  ["series", "Resolution series"],
  ["rollcall", "Roll calls"],
];

export function hrefOf(item) {
  if (item.kind === "state") return routeHref("state", { id: item.id });
  if (item.kind === "group") return routeHref("group", { id: item.id });
  if (item.kind === "series") return routeHref("series", { q: item.id });
  return routeHref("rollcall", { id: item.id });
}

export async function render(params) {
  const q = (params.get("q") || "").trim();
  const form = submitForm(
    { class: "controls", role: "search" },
    (f) => {
      window.location.hash = routeHref("search", { q: f.get("q") });
    },
    el("input", { name: "q", type: "search", value: q, placeholder: "a state, group, symbol or words of a title", "aria-label": "Search", class: "wide-input" }),
    el("button", { type: "submit" }, "Search"),
  );
  const head = el("header", { class: "page-head" }, el("h1", {}, q ? `Results for “${q}”` : "Search"), form);
  if (!q) return el("section", { class: "search-page", "data-title": "Search" }, head);
  const res = await getJson("/search", { q, limit: 500 });
  const sections = KINDS.map(([kind, label]) => {
    const hits = res.data.filter((h) => h.kind === kind);
    if (!hits.length) return null;
    return el(
      "section",
      { class: `hits hits-${kind}`, "data-kind": kind, "data-count": hits.length },
      el("h2", {}, `${label} (${hits.length})`),
      el(
        "ol",
        { class: "hit-list" },
        ...hits.slice(0, 200).map((h) =>
          el("li", { "data-id": h.id, "data-rank": h.rank }, el("a", { href: hrefOf(h), "data-kind": h.kind }, h.label), h.detail && h.kind === "rollcall" ? el("div", { class: "meta" }, h.detail) : h.detail ? el("span", { class: "meta" }, ` · ${h.detail}`) : null),
        ),
      ),
      hits.length > 200 ? el("p", { class: "note" }, el("a", { href: routeHref("rollcalls", { q }) }, `All ${hits.length} roll calls in the list, with filters →`)) : null,
    );
  });
  return el(
    "section",
    { class: "search-page", "data-title": `Search: ${q}`, "data-total": res.total },
    head,
    res.total ? null : el("p", { class: "note" }, `Nothing matches “${q}”. Every word must occur in a title, symbol, name or subject.`),
    ...sections,
    el("p", { class: "note" }, el("a", { href: routeHref("rollcalls", { q }) }, "Browse the roll calls with these words →")),
    await coverageNote(),
  );
}
