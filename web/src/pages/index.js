// The pages of the dashboard; each exports render(params) -> Promise<HTMLElement>.
import * as group from "./group.js";
import * as home from "./home.js";
import * as rollcall from "./rollcall.js";
import * as state from "./state.js";

export const PAGES = { home, rollcall, state, group };

// [page, label, default view parameters]
export const NAV = [
  ["rollcall", "Roll call", { symbol: "A/RES/ES-11/1" }],
  ["state", "State", { id: "UKR" }],
  ["group", "Group", { id: "NAM" }],
];
