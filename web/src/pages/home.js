import { el, routeHref } from "../view.js";

export const title = "polycentric";

export async function render() {
  const examples = [
    ["rollcall", { symbol: "A/RES/ES-11/1" }, "A/RES/ES-11/1 — aggression against Ukraine (2 March 2022)"],
    ["rollcall", { symbol: "A/RES/68/262" }, "A/RES/68/262 — territorial integrity of Ukraine (27 March 2014)"],
    ["state", { id: "RUS", from: 2014, to: 2023 }, "Russian Federation, 2014–2023"],
    ["state", { id: "IND" }, "India"],
    ["group", { id: "NAM", year: 2022 }, "Non-Aligned Movement, 2022"],
    ["group", { id: "BRICS" }, "BRICS and its enlargements"],
    ["agreement", { states: "USA,RUS,CHN,GBR,FRA", from: 2014, to: 2023 }, "The five permanent members' agreement, 2014–2023"],
    ["shifts", { from: "2014", to: "2022", reference: "USA" }, "Whose agreement with the United States changed most, 2014 → 2022"],
    ["series", { q: "cuba-embargo" }, "The Cuba embargo resolution since 1992, and who switched"],
    ["system", {}, "The system: poles and polarization of the Assembly since 1946"],
    ["forecast", { title: "Necessity of ending the economic, commercial and financial embargo imposed by the United States of America against Cuba", known: "USA:N,ISR:N" }, "Forecast a draft: the Cuba embargo resolution, with the United States and Israel announced against"],
  ];
  return el(
    "section",
    { class: "home", "data-title": "polycentric" },
    el("h1", {}, "The UN General Assembly's votes, measured"),
    el(
      "p",
      { class: "lede" },
      "Every recorded General Assembly roll call since 1946: how each state voted, who votes with whom, and how the system is arranged. Search a state, a group, a resolution symbol or a title above (press / to focus).",
    ),
    el("h2", {}, "Start here"),
    el("ul", { class: "examples" }, ...examples.map(([p, q, label]) => el("li", {}, el("a", { href: routeHref(p, q) }, label)))),
  );
}
