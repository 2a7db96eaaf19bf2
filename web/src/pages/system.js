// The system: polarity and polarization of the Assembly per session, and the poles with their members.
import * as d3 from "d3";
import { ApiError, csvUrl, getJson, getRows } from "../api.js";
import { Plot, figure, message } from "../charts.js";
import { drawMap } from "../map.js";
import { el, fmtNumber, routeHref, setParams } from "../view.js";

export const title = "System";
const METHODS = {
  ideal_points: "poles of the ideal points (Gaussian mixture, number chosen by BIC)",
  network: "communities of the signed co-voting network (signed modularity)",
  both: "both readings",
};
const POLE_COLORS = d3.schemeTableau10;

export function notFitted(err) {
  return el(
    "section",
    { class: "not-fitted" },
    el("h2", {}, "Ideal points are not fitted yet"),
    el("p", {}, err.message),
    message("The server serves the fit saved in its home and never fits a model per request. Run the command above once (it takes under a minute), then reload this page."),
  );
}

/** A pole as people name it: the model's name when it gives one, else its leading members ("pole around USA, GBR, FRA"). */
export function poleName(p) {
  if (p.name) return p.name;
  if (p.label) return p.label;
  const lead = (p.leading_members || p.members || "").split(",").filter(Boolean).slice(0, 3);
  return lead.length ? `pole around ${lead.join(", ")}` : `pole ${p.pole}`;
}

export async function render(params) {
  const method = METHODS[params.get("method")] ? params.get("method") : "ideal_points";
  let series;
  try {
    series = await getRows("/polarity", { method });
  } catch (err) {
    if (err instanceof ApiError && err.status === 503) return el("section", { class: "system", "data-title": "System" }, el("h1", {}, "The system"), notFitted(err));
    throw err;
  }
  const fit = await getJson("/idealpoints/fit");
  const sessions = [...new Set(series.map((r) => r.session))].sort((a, b) => a - b);
  let session = Number.parseInt(params.get("session") || "", 10);
  if (!sessions.includes(session)) session = sessions[sessions.length - 1];

  const marker = series.filter((r) => r.session === session).slice(0, 1);
  const stroke = method === "both" ? "method" : "#1f4e79";
  const trendPlot = (y, label, height) =>
    Plot.plot({
      width: 1040,
      height,
      marginLeft: 40,
      x: { tickFormat: "d", label: null },
      y: { grid: true, label, zero: true },
      color: { legend: method === "both" },
      marks: [
        Plot.ruleX(marker, { x: "year", stroke: "#999", strokeDasharray: "3,3" }),
        Plot.line(series, { x: "year", y, stroke, z: "method" }),
        Plot.dot(series, { x: "year", y, r: 2, fill: stroke, title: (d) => `session ${d.session} (${d.year}), ${d.method}: ${fmtNumber(d[y])}; ${d.n_poles} poles; largest: ${d.leading}` }),
      ],
    });
  const trend = figure({
    id: `polarity-${method}`,
    title: "Effective number of poles per session",
    csvHref: csvUrl("/polarity", { method }),
    caption: "1 / Σ sₖ² over the poles' shares of states sₖ (Laakso & Taagepera 1979). Click a point to see that session's poles.",
    body: trendPlot("effective_poles", "effective poles", 240),
  });
  const polarization = figure({
    id: `polarization-${method}`,
    title: "Polarization per session (Esteban–Ray)",
    csvHref: csvUrl("/polarity", { method }),
    caption:
      "Σₖ Σₗ sₖ^(1+α) sₗ |yₖ − yₗ| over the poles, with shares sₖ, mean ideal points yₖ and α = 1.6 (Esteban & Ray 1994). Ideal points: Bailey, Strezhnev & Voeten (2017) dynamic ordinal model, one dimension.",
    body: trendPlot("polarization", "polarization", 200),
  });
  trend.dataset.points = String(series.length);
  polarization.dataset.points = String(series.length);
  for (const fig of [trend, polarization]) {
    fig.querySelectorAll("svg [aria-label=dot] circle").forEach((c, i) => {
      c.style.cursor = "pointer";
      c.addEventListener("click", () => {
        setParams({ session: series[i].session });
        window.dispatchEvent(new HashChangeEvent("hashchange"));
      });
    });
  }

  const poles = await getRows("/polarity/poles", { method, session });
  const members = await getRows("/polarity/members", { method, session });
  const nameOf = (m, pole) => {
    const p = poles.find((x) => x.method === m && x.pole === pole);
    return p ? poleName(p) : `pole ${pole}`;
  };
  const year = poles[0]?.year ?? series.find((r) => r.session === session)?.year;
  const mapMethod = method === "both" ? "ideal_points" : method;
  const mapValues = new Map(members.filter((m) => m.method === mapMethod).map((m) => [m.state, m.pole]));
  const nPoles = Math.max(0, ...mapValues.values());
  const mapFig = figure({ id: `poles-${mapMethod}-${session}`, title: `Poles in session ${session} (${year})`, csvHref: csvUrl("/polarity/members", { method, session }) });
  await drawMap(mapFig.querySelector(".chart-body"), mapValues, {
    title: `Poles of session ${session}`,
    color: (v) => POLE_COLORS[(v - 1) % POLE_COLORS.length],
    label: (s, v) => `${s.name} (${s.state}): ${v ? nameOf(mapMethod, v) : "no ideal point this session"}`,
    legend: Array.from({ length: nPoles }, (_, i) => {
      const p = poles.find((x) => x.method === mapMethod && x.pole === i + 1);
      return { label: p ? `${poleName(p)}: ${p.size} states, mean ${fmtNumber(p.mean_ideal_point)}` : nameOf(mapMethod, i + 1), color: POLE_COLORS[i % POLE_COLORS.length] };
    }),
  });
  mapFig.dataset.states = String(mapValues.size);

  const placed = members.filter((m) => m.ideal_point !== null).map((m) => ({ ...m, row: `${m.method === "network" ? "network" : "ideal points"} · ${nameOf(m.method, m.pole)}` }));
  const rowsOfStrip = [...new Set(placed.map((m) => m.row))];
  const strip = figure({
    id: `ideal-points-${session}`,
    title: `Ideal points in session ${session}, by pole`,
    csvHref: csvUrl("/idealpoints", { session }),
    body: Plot.plot({
      width: 1040,
      height: 30 + 70 * rowsOfStrip.length,
      marginLeft: 140,
      marginRight: 10,
      x: { label: "ideal point", grid: true },
      fy: { label: null, domain: rowsOfStrip, axis: "left" },
      color: { domain: d3.range(1, 11), range: POLE_COLORS },
      marks: [Plot.dot(placed, Plot.dodgeY("middle", { x: "ideal_point", fy: "row", fill: "pole", r: 3, title: (m) => `${m.state}: ${fmtNumber(m.ideal_point)} (${nameOf(m.method, m.pole)})` }))],
    }),
  });
  const slider = el("input", { type: "range", min: 0, max: sessions.length - 1, value: sessions.indexOf(session), class: "session-slider", "aria-label": "Session" });
  const sessionLabel = el("strong", { class: "session-label" }, `session ${session} (${year})`);
  slider.addEventListener("input", () => {
    sessionLabel.textContent = `session ${sessions[Number(slider.value)]}`;
  });
  slider.addEventListener("change", () => {
    setParams({ session: sessions[Number(slider.value)] });
    window.dispatchEvent(new HashChangeEvent("hashchange"));
  });

  const table = el(
    "table",
    { class: "poles", "data-rows": poles.length },
    el("thead", {}, el("tr", {}, ...["Reading", "Pole", "States", "Share", "Mean ideal point", "Members"].map((h, i) => el("th", { class: i >= 2 && i <= 4 ? "num" : undefined }, h)))),
    el(
      "tbody",
      {},
      ...poles.map((p) =>
        el(
          "tr",
          { "data-method": p.method, "data-pole": p.pole },
          el("td", {}, p.method.replace("_", " ")),
          el("td", { class: "pole-name" }, el("span", { class: "swatch", style: `background:${POLE_COLORS[(p.pole - 1) % POLE_COLORS.length]}` }), ` ${poleName(p)}`),
          el("td", { class: "num" }, String(p.size)),
          el("td", { class: "num" }, fmtNumber(p.share)),
          el("td", { class: "num" }, fmtNumber(p.mean_ideal_point)),
          el(
            "td",
            { class: "members", "data-members": p.members },
            ...p.members.split(",").flatMap((s, i) => [i ? ", " : "", el("a", { href: routeHref("state", { id: s }) }, s)]),
          ),
        ),
      ),
    ),
  );

  const form = el(
    "div",
    { class: "controls" },
    el(
      "label",
      {},
      "Poles from ",
      el(
        "select",
        {
          name: "method",
          onchange: (e) => {
            window.location.hash = routeHref("system", { method: e.target.value, session });
          },
        },
        ...Object.entries(METHODS).map(([k, v]) => el("option", { value: k, selected: k === method ? true : undefined }, v)),
      ),
    ),
    el("label", {}, " Session ", slider),
    sessionLabel,
  );
  setParams({ method, session });
  return el(
    "section",
    { class: "system", "data-title": "System", "data-session": session },
    el(
      "header",
      { class: "page-head" },
      el("h1", {}, "The system: poles and polarization"),
      el(
        "p",
        { class: "meta" },
        `${sessions.length} sessions · ideal points fitted on ${fit.n_votes_?.toLocaleString?.("en") ?? "?"} votes, sessions ${fit.sessions?.[0]}–${fit.sessions?.[1]} (${fit.converged_ ? "converged" : "not converged"}; fit ${fit.fit})`,
      ),
    ),
    form,
    trend,
    polarization,
    mapFig,
    strip,
    el("div", { class: "section-head" }, el("h2", {}, `Poles and their members, session ${session}`), el("a", { class: "button export-csv", href: csvUrl("/polarity/poles", { method, session }), download: `poles-${session}.csv` }, "CSV")),
    table,
  );
}
