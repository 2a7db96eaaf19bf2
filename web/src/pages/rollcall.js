// A roll call: the world map coloured by vote, the tally, the group breakdown, the votes.
import { csvUrl, getJson, getRows } from "../api.js";
import { Plot, figure, message } from "../charts.js";
import { VOTE_COLORS, VOTE_NAMES, drawMap } from "../map.js";
import { el, routeHref, setParams } from "../view.js";
import { citeBlock, displayTitle } from "../cite.js";
import { groupBreakdown } from "./rollcall_groups.js";

export const title = "Roll call";
const ORDER = ["Y", "N", "A", "X"];
const ISSUES = { me: "Middle East", nu: "Nuclear", di: "Arms control", hr: "Human rights", co: "Colonialism", ec: "Economic development" };

async function pickRollCall(params) {
  const id = params.get("id");
  if (id && /^\d+$/.test(id)) {
    const res = await getJson(`/rollcalls/${id}`);
    return { rc: res.data[0], siblings: [] };
  }
  const symbol = params.get("symbol") || "A/RES/ES-11/1";
  const rows = await getRows("/rollcalls", { resolution: symbol });
  if (!rows.length) {
    const err = new Error(`No recorded vote on ${symbol} in the record.`);
    err.status = 404;
    throw err;
  }
  const rc = rows.find((r) => r.kind === "resolution") || rows[0];
  return { rc, siblings: rows.filter((r) => r.rollcall_id !== rc.rollcall_id) };
}

export async function render(params) {
  const { rc, siblings } = await pickRollCall(params);
  const votes = await getRows(`/rollcalls/${rc.rollcall_id}/votes`);
  const byState = new Map(votes.map((v) => [v.state, v.vote]));
  const tally = Object.fromEntries(ORDER.map((k) => [k, votes.filter((v) => v.vote === k).length]));
  // Security Council: a draft known from the veto list alone has only the vetoing members' votes
  const known = rc.votes_complete !== false;
  const vetoers = (rc.vetoed_by || "").split("|").filter(Boolean).map((s) => votes.find((v) => v.state === s)?.state_name || s);
  const outcome =
    rc.body === "SC" && rc.status
      ? el(
          "p",
          { class: "outcome", "data-status": rc.status, "data-vetoed-by": rc.vetoed_by || "" },
          rc.status === "vetoed" ? `Vetoed by ${vetoers.join(" and ")}` : rc.status === "failed" ? "Not adopted (no veto)" : "Adopted",
          known ? "" : ". The other members' votes are unknown: the source lists only the vetoing members.",
        )
      : null;
  const symbol = rc.resolution || `roll call ${rc.rollcall_id}`;
  const slug = symbol.replace(/[^A-Za-z0-9]+/g, "-");
  const issues = Object.entries(ISSUES).filter(([k]) => rc[`issue_${k}`]).map(([, v]) => v);

  const head = el(
    "header",
    { class: "page-head" },
    el("h1", {}, symbol),
    el("p", { class: "title" }, displayTitle(rc.title) || "(no title in the record)"),
    el(
      "p",
      { class: "meta" },
      rc.body === "SC" ? `${rc.date ?? rc.year} · Security Council ${rc.session} · ${rc.kind}` : `${rc.date} · session ${rc.session} · ${rc.kind}`,
      issues.length ? ` · ${issues.join(", ")}` : "",
      rc.important ? " · important vote" : "",
    ),
    rc.agenda && rc.agenda !== rc.title ? el("p", { class: "agenda" }, rc.agenda) : null,
    await citeBlock(rc),
    outcome,
  );

  const tallyBox = el(
    "div",
    { class: "tally", "data-tally": known ? JSON.stringify(tally) : "unknown" },
    ...ORDER.map((k) =>
      el("div", { class: `tally-item vote-${k}`, "data-vote": k }, el("span", { class: "n" }, known ? String(tally[k]) : "unknown"), el("span", { class: "label" }, VOTE_NAMES[k])),
    ),
  );
  const recorded = ["total_yes", "total_no", "total_abstain", "total_non_voting"].map((k) => rc[k]);
  const recordedNote =
    recorded[0] !== null && recorded[0] !== undefined
      ? message(`Recorded totals in the source: ${recorded[0]} yes, ${recorded[1]} no, ${recorded[2]} abstentions, ${recorded[3] ?? "–"} not voting.`)
      : null;

  const tallyChart = figure({
    id: `${slug}-tally`,
    title: "Tally",
    csvHref: csvUrl(`/rollcalls/${rc.rollcall_id}/votes`),
    body: Plot.plot({
      height: 70,
      marginLeft: 10,
      x: { label: "states", grid: false },
      color: { domain: ORDER, range: ORDER.map((k) => VOTE_COLORS[k]), legend: false },
      marks: [
        Plot.barX(
          ORDER.map((k) => ({ vote: VOTE_NAMES[k], code: k, n: tally[k] })),
          Plot.stackX({ x: "n", fill: "code", title: (d) => `${d.vote}: ${d.n}` }),
        ),
        Plot.text(
          ORDER.filter((k) => tally[k] > 6).map((k) => ({ code: k, n: tally[k] })),
          Plot.stackX({ x: "n", text: (d) => String(d.n), fill: "white" }),
        ),
      ],
    }),
  });

  const mapFig = figure({ id: `${slug}-map`, title: "How each state voted", csvHref: csvUrl(`/rollcalls/${rc.rollcall_id}/votes`) });
  const mapBody = mapFig.querySelector(".chart-body");
  await drawMap(mapBody, byState, {
    title: `Votes on ${symbol}`,
    legend: ORDER.map((k) => ({ label: known ? `${VOTE_NAMES[k]} (${tally[k]})` : VOTE_NAMES[k], color: VOTE_COLORS[k] })),
  });

  const lists = el(
    "div",
    { class: "vote-lists" },
    ...ORDER.filter((k) => known || votes.some((v) => v.vote === k)).map((k) => {
      const states = votes.filter((v) => v.vote === k).sort((a, b) => (a.state_name || a.state).localeCompare(b.state_name || b.state));
      return el(
        "details",
        { class: `vote-list vote-${k}`, open: k !== "Y" && states.length < 60 ? true : undefined },
        el("summary", {}, known ? `${VOTE_NAMES[k]} (${states.length})` : VOTE_NAMES[k]),
        el("p", {}, ...states.flatMap((v, i) => [i ? ", " : "", el("a", { href: routeHref("state", { id: v.state }) }, v.state_name || v.state)])),
      );
    }),
  );

  const others = siblings.length
    ? el(
        "p",
        { class: "note" },
        "Other roll calls on this resolution: ",
        ...siblings.flatMap((s, i) => [i ? ", " : "", el("a", { href: routeHref("rollcall", { id: s.rollcall_id }) }, `${s.kind} (${s.date})`)]),
      )
    : null;

  const groupsSection = known ? await groupBreakdown(rc, slug) : null; // no group shares from a partial vote
  setParams({});
  return el("section", { class: "rollcall", "data-title": symbol }, head, tallyBox, recordedNote, known ? tallyChart : null, mapFig, groupsSection, el("h2", {}, "Votes"), lists, others);
}
