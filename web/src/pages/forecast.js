// Forecast: a draft's title/text and the positions already announced in; each member's predicted vote,
// the tally with its interval and the adoption probability out (VoteForecaster, fitted once by the server).
import { apiUrl, getJson, postJson } from "../api.js";
import { Plot, figure, message } from "../charts.js";
import { VOTE_COLORS, VOTE_NAMES, drawMap } from "../map.js";
import { el, fmtNumber, routeHref, submitForm } from "../view.js";

export const title = "Forecast";
const ORDER = ["Y", "N", "A", "X"];
const P = { Y: "p_yes", N: "p_no", A: "p_abstain", X: "p_absent" };
const LONG_TEXT = 1500; // longer texts are POSTed and not kept in the URL
const EXAMPLES = [
  { title: "Necessity of ending the economic, commercial and financial embargo imposed by the United States of America against Cuba", known: "USA:N,ISR:N" },
  { title: "Situation of human rights in the Islamic Republic of Iran", known: "IRN:N" },
  { title: "Territorial integrity of Ukraine", known: "UKR:Y,RUS:N" },
];

function form(params, text) {
  return submitForm(
    { class: "forecast-form" },
    (f) => {
      const body = String(f.get("text") || "");
      if (body.length > LONG_TEXT) sessionStorage.setItem("forecast-text", body);
      else sessionStorage.removeItem("forecast-text");
      window.location.hash = routeHref("forecast", {
        title: f.get("title"),
        text: body.length > LONG_TEXT ? "" : body,
        long: body.length > LONG_TEXT ? "1" : "",
        like: f.get("like"),
        known: String(f.get("known") || "").replace(/\s+/g, "").toUpperCase(),
        majority: f.get("majority"),
      });
    },
    el("label", { class: "wide" }, "Draft title ", el("input", { name: "title", value: params.get("title") || "", size: 80, placeholder: "e.g. Nuclear disarmament" })),
    el("label", { class: "wide" }, "Text (optional) ", el("textarea", { name: "text", rows: 3, cols: 80, placeholder: "Preambular and operative paragraphs" }, text || "")),
    el(
      "div",
      { class: "controls" },
      el("label", {}, "Known positions ", el("input", { name: "known", value: params.get("known") || "", size: 28, placeholder: "USA:N, RUS:Y", title: "STATE:VOTE with Y, N, A or X" })),
      el("label", {}, "Like ", el("input", { name: "like", value: params.get("like") || "", size: 14, placeholder: "A/RES/77/7", title: "A past resolution the draft resembles (optional)" })),
      el(
        "select",
        { name: "majority" },
        el("option", { value: "simple" }, "simple majority"),
        el("option", { value: "two-thirds", selected: params.get("majority") === "two-thirds" ? true : undefined }, "two-thirds majority"),
      ),
      el("button", { type: "submit" }, "Forecast"),
    ),
  );
}

export async function render(params) {
  const text = params.get("long") ? sessionStorage.getItem("forecast-text") || "" : params.get("text") || "";
  const head = el(
    "header",
    { class: "page-head" },
    el("h1", {}, "Forecast a vote"),
    el("p", { class: "meta" }, "Enter what is known of a draft resolution and the positions already announced; the forecast is a mixture over the most similar past roll calls, updated by the announced votes."),
  );
  const page = el("section", { class: "forecast", "data-title": "Forecast" }, head, form(params, text));
  if (!params.get("title") && !text && !params.get("like")) {
    page.append(
      el("h2", {}, "Examples"),
      el("ul", { class: "examples" }, ...EXAMPLES.map((x) => el("li", {}, el("a", { href: routeHref("forecast", x) }, `${x.title} (known: ${x.known})`)))),
    );
    return page;
  }
  const known = {};
  for (const part of (params.get("known") || "").split(",")) {
    const [s, v] = part.split(/[:=]/);
    if (s && v) known[s.trim()] = v.trim();
  }
  const draft = { title: params.get("title") || null, text: text || null, like: params.get("like") || null, known, majority: params.get("majority") || "simple" };
  const query = { title: draft.title, text: text.length <= LONG_TEXT ? text : null, like: draft.like, known: params.get("known") || null, majority: draft.majority };
  const res = text.length > LONG_TEXT ? await postJson("/forecast", draft) : await getJson("/forecast", query);
  const s = res.summary;
  const tally = Object.fromEntries(res.tally.map((t) => [t.vote, t]));

  const headline = el(
    "div",
    { class: "tally forecast-tally", "data-p-adopt": s.p_adopt },
    el("div", { class: "tally-item adopt" }, el("span", { class: "n" }, `${Math.round(100 * s.p_adopt)}%`), el("span", { class: "label" }, `chance of adoption (${s.majority} majority)`)),
    ...ORDER.map((k) =>
      el(
        "div",
        { class: `tally-item vote-${k}`, "data-vote": k, "data-expected": tally[k].expected, "data-lower": tally[k].lower, "data-upper": tally[k].upper },
        el("span", { class: "n" }, fmtNumber(tally[k].expected, 0)),
        el("span", { class: "label" }, `${VOTE_NAMES[k]} (90%: ${tally[k].lower}–${tally[k].upper})`),
      ),
    ),
  );
  const slug = (draft.title || draft.like || "draft").replace(/[^A-Za-z0-9]+/g, "-").slice(0, 40);
  const csvHref = text.length > LONG_TEXT ? null : apiUrl("/forecast", { ...query, format: "csv" });
  const tallyFig = figure({
    id: `forecast-${slug}-tally`,
    title: "Expected tally with its 90% interval",
    csvHref,
    caption: `${s.n_members} members on ${s.date}. Votes are correlated through the unknown draft, so the interval comes from the mixture over the past roll calls, not from independent states.`,
    body: Plot.plot({
      height: 170,
      marginLeft: 80,
      x: { label: "states", grid: true, domain: [0, s.n_members] },
      y: { label: null, domain: ORDER.map((k) => VOTE_NAMES[k]) },
      marks: [
        Plot.barX(res.tally, { y: (d) => VOTE_NAMES[d.vote], x: "expected", fill: (d) => VOTE_COLORS[d.vote], title: (d) => `${VOTE_NAMES[d.vote]}: ${fmtNumber(d.expected, 1)} (${d.lower}–${d.upper})` }),
        Plot.ruleY(res.tally, { y: (d) => VOTE_NAMES[d.vote], x1: "lower", x2: "upper", stroke: "#222", strokeWidth: 2 }),
        Plot.tickX(res.tally, { y: (d) => VOTE_NAMES[d.vote], x: "lower", stroke: "#222" }),
        Plot.tickX(res.tally, { y: (d) => VOTE_NAMES[d.vote], x: "upper", stroke: "#222" }),
      ],
    }),
  });

  const byState = new Map(res.states.map((r) => [r.state, r]));
  const mapFig = figure({ id: `forecast-${slug}-map`, title: "Predicted vote of each member (outlined: announced)", csvHref });
  await drawMap(mapFig.querySelector(".chart-body"), new Map(res.states.map((r) => [r.state, r.predicted])), {
    title: "Predicted votes",
    label: (st, v) => {
      const r = byState.get(st.state);
      if (!r) return `${st.name} (${st.state}): not a member`;
      return `${st.name} (${st.state}): ${r.known ? "announced" : "predicted"} ${VOTE_NAMES[v]}; P(Y) ${fmtNumber(r.p_yes)}, P(N) ${fmtNumber(r.p_no)}, P(A) ${fmtNumber(r.p_abstain)}, P(X) ${fmtNumber(r.p_absent)}`;
    },
    legend: ORDER.map((k) => ({ label: `${VOTE_NAMES[k]} (${res.states.filter((r) => r.predicted === k).length})`, color: VOTE_COLORS[k] })),
  });
  for (const path of mapFig.querySelectorAll("svg.map [data-state]")) {
    if (byState.get(path.dataset.state)?.known) {
      path.setAttribute("stroke", "#000");
      path.setAttribute("stroke-width", "1.5");
    }
  }

  const stateRow = (r) =>
    el(
      "tr",
      { "data-state": r.state },
      el("td", {}, el("a", { href: routeHref("state", { id: r.state }) }, r.state_name || r.state)),
      el("td", { class: `vote-cell vote-${r.predicted}` }, `${VOTE_NAMES[r.predicted]}${r.known ? " (announced)" : ""}`),
      ...ORDER.map((k) => el("td", { class: "num" }, fmtNumber(r[P[k]]))),
      el("td", { class: "num" }, fmtNumber(r.swing)),
      el("td", { class: "num" }, fmtNumber(r.pivotality, 3)),
    );
  const headRow = el("tr", {}, ...["State", "Forecast", "P(Yes)", "P(No)", "P(Abstain)", "P(Not voting)", "Swing", "Pivotality"].map((h, i) => el("th", { class: i >= 2 ? "num" : undefined }, h)));
  const open = res.states.filter((r) => !r.known);
  const swing = [...open].sort((a, b) => b.swing - a.swing || b.entropy - a.entropy).slice(0, 10);
  const pivotal = [...open].sort((a, b) => b.pivotality - a.pivotality).slice(0, 10);
  const all = [...res.states].sort((a, b) => (a.state_name || a.state).localeCompare(b.state_name || b.state));

  const templates = el(
    "table",
    { class: "templates" },
    el("thead", {}, el("tr", {}, el("th", {}, "Past roll call"), el("th", {}, "Date"), el("th", { class: "num" }, "Similarity"), el("th", { class: "num" }, "Weight"), el("th", {}, "Text"))),
    el(
      "tbody",
      {},
      ...res.templates.slice(0, 12).map((t) =>
        el(
          "tr",
          {},
          el("td", {}, el("a", { href: routeHref("rollcall", t.resolution ? { symbol: t.resolution } : { id: t.rollcall_id }) }, t.resolution || `#${t.rollcall_id}`)),
          el("td", {}, t.date),
          el("td", { class: "num" }, fmtNumber(t.similarity)),
          el("td", { class: "num" }, fmtNumber(t.posterior_weight, 3)),
          el("td", {}, t.text),
        ),
      ),
    ),
  );
  page.append(
    headline,
    tallyFig,
    mapFig,
    el("h2", {}, "Swing states"),
    message("Swing: how much the member moves the tally, the standard deviation of its contribution to the margin (Yes +1, No −1, or −2 under a two-thirds majority): 0 for a certain vote, 1 for a coin flip between Yes and No."),
    el("table", { class: "swing" }, el("thead", {}, headRow.cloneNode(true)), el("tbody", {}, ...swing.map(stateRow))),
    el("h2", {}, "Most pivotal members"),
    message("Pivotality: the probability that the member switching between Yes and No changes the outcome, given the others' forecast."),
    (pivotal[0]?.pivotality ?? 0) < 0.001
      ? message("No member is pivotal: no single vote switching between Yes and No changes the outcome with a probability of 0.001 or more.")
      : el("table", { class: "pivotal" }, el("thead", {}, headRow.cloneNode(true)), el("tbody", {}, ...pivotal.map(stateRow))),
    el("h2", {}, "What the forecast is based on"),
    message("The past roll calls most similar to the draft (TF-IDF cosine over titles, agendas and subjects), weighted by similarity and recency, then by how well they explain the announced votes (posterior weight)."),
    templates,
    el("details", { class: "all-states" }, el("summary", {}, `All ${all.length} members`), el("table", { class: "forecast-states", "data-rows": all.length }, el("thead", {}, headRow.cloneNode(true)), el("tbody", {}, ...all.map(stateRow)))),
  );
  return page;
}
