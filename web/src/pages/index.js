// The pages of the dashboard; each exports render(params) -> Promise<HTMLElement>.
import * as agreement from "./agreement.js";
import * as forecast from "./forecast.js";
import * as group from "./group.js";
import * as home from "./home.js";
import * as practices from "./practices.js";
import * as rollcall from "./rollcall.js";
import * as rollcalls from "./rollcalls.js";
import * as search from "./search.js";
import * as vetoes from "./vetoes.js";
import * as series from "./series.js";
import * as shifts from "./shifts.js";
import * as state from "./state.js";
import * as system from "./system.js";

export const PAGES = { home, practices, rollcall, rollcalls, search, vetoes, state, group, agreement, shifts, series, system, forecast };

// [page, label, default view parameters]
export const NAV = [
  ["rollcalls", "Roll calls", {}],
  ["rollcall", "Roll call", { symbol: "A/RES/ES-11/1" }],
  ["state", "State", { id: "UKR" }],
  ["practices", "Practices", { state: "IND", year: 2015 }],
  ["group", "Group", { id: "NAM" }],
  ["agreement", "Agreement", { states: "USA,RUS,CHN,GBR,FRA" }],
  ["shifts", "Shifts", { from: "2014", to: "2022", reference: "USA" }],
  ["series", "Series", { q: "cuba-embargo" }],
  ["system", "System", {}],
  ["vetoes", "SC vetoes", {}],
  ["forecast", "Forecast", {}],
];
