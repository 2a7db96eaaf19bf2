// How the dashboard shows a roll call: as a person cites it (symbol, title, date, status, UN link),
// with the record's coverage line. The API computes the citation (polycentric.record.cite).
import { getJson } from "./api.js";
import { el, routeHref } from "./view.js";

let metaPromise = null;
/** /api/meta once per page load: record id, coverage line, citation of the data. */
export function meta() {
  if (!metaPromise) metaPromise = getJson("/meta").catch(() => ({}));
  return metaPromise;
}

/** A title without the UN Digital Library's cataloguing tail (" : resolution / adopted by ..."). */
export function displayTitle(title) {
  return (title || "").replace(/\s*:\s*(draft\s+)?resolution\s*\/.*$/i, "").trim();
}

export function rollcallHref(rc) {
  return routeHref("rollcall", rc.rollcall_id !== undefined && rc.rollcall_id !== null ? { id: rc.rollcall_id } : { symbol: rc.resolution });
}

/** "adopted" / "vetoed" / ... as a small badge (null status: "status not recorded"). */
export function statusBadge(status) {
  return el("span", { class: `status status-${(status || "unknown").replace(/\s+/g, "-")}` }, status || "status not recorded");
}

/** The UN document link of a roll call (Digital Library record or document by symbol), or null. */
export function docLink(rc, text = "UN document") {
  return rc.link ? el("a", { class: "doc-link", href: rc.link, rel: "noopener", target: "_blank" }, text) : null;
}

/** The citation block of a roll call page: title, date, body, status, link, and the coverage line. */
export async function citeBlock(rc) {
  const m = await meta();
  return el(
    "div",
    { class: "citation-block", "data-status": rc.status || "" },
    el("p", { class: "cite" }, rc.citation || ""),
    el("p", { class: "cite-links" }, statusBadge(rc.status), " ", docLink(rc, rc.link && rc.link.includes("digitallibrary") ? "UN Digital Library record" : "UN document")),
    m.coverage ? el("p", { class: "coverage" }, `Coverage: ${m.coverage}`) : null,
  );
}

/** The coverage line alone (for list pages and footers). */
export async function coverageNote() {
  const m = await meta();
  return m.coverage ? el("p", { class: "coverage" }, `Coverage: ${m.coverage}`) : null;
}
