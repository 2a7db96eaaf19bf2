// The dashboard's shell: hash router, navigation, search everywhere, footer with the citation.
import "./style.css";
import { getJson } from "./api.js";
import { meta as getMeta } from "./cite.js";
import { currentRoute, el, routeHref } from "./view.js";
import { PAGES, NAV } from "./pages/index.js";
import { hrefOf } from "./pages/search.js";

const app = document.getElementById("app");

async function render() {
  const { page, params } = currentRoute();
  const def = PAGES[page] || PAGES.home;
  document.querySelectorAll("#nav a").forEach((a) => a.classList.toggle("active", a.dataset.page === page));
  app.replaceChildren(el("p", { class: "loading" }, "Loading…"));
  app.dataset.page = page;
  app.dataset.ready = "false";
  try {
    const node = await def.render(params);
    app.replaceChildren(node);
    document.title = `${node.dataset.title || def.title} · polycentric`;
  } catch (err) {
    app.replaceChildren(
      el("section", { class: "error" }, el("h2", {}, err.status === 404 ? "Not found" : "Something went wrong"), el("p", {}, err.message)),
    );
  }
  app.dataset.ready = "true";
}

function buildNav() {
  const nav = document.getElementById("nav");
  nav.replaceChildren(...NAV.map(([page, label, params]) => el("a", { href: routeHref(page, params), "data-page": page }, label)));
}

// --- search everywhere -------------------------------------------------------------------
const input = document.getElementById("search-input");
const list = document.getElementById("search-results");
let timer = null;
let seq = 0;


async function search(q) {
  const mine = ++seq;
  if (q.trim().length < 2) {
    list.hidden = true;
    return;
  }
  let res;
  try {
    res = await getJson("/search", { q, limit: 8 });
  } catch {
    return;
  }
  if (mine !== seq) return;
  list.replaceChildren(
    ...res.data.map((item) =>
      el(
        "li",
        {},
        el("a", { href: hrefOf(item), "data-kind": item.kind }, el("span", { class: `tag tag-${item.kind}` }, item.kind), " ", item.label),
      ),
    ),
  );
  if (!res.data.length) list.replaceChildren(el("li", { class: "none" }, "No match"));
  list.append(el("li", { class: "all" }, el("a", { href: routeHref("search", { q: q.trim() }), class: "all-results" }, `All results for “${q.trim()}” (${res.total}) →`)));
  list.hidden = false;
}

input.addEventListener("input", () => {
  clearTimeout(timer);
  timer = setTimeout(() => search(input.value), 150);
});
document.getElementById("search").addEventListener("submit", (e) => {
  e.preventDefault();
  const first = list.querySelector("a[data-kind]");
  if (first) {
    window.location.hash = first.getAttribute("href");
    list.hidden = true;
  } else if (input.value.trim()) {
    window.location.hash = routeHref("search", { q: input.value.trim() });
    list.hidden = true;
  }
});
list.addEventListener("click", () => {
  list.hidden = true;
  input.value = "";
});
document.addEventListener("keydown", (e) => {
  if (e.key === "/" && document.activeElement !== input && !(document.activeElement instanceof HTMLInputElement)) {
    e.preventDefault();
    input.focus();
  }
  if (e.key === "Escape") list.hidden = true;
});

async function footer() {
  try {
    const meta = await getMeta();
    document.getElementById("foot").replaceChildren(
      el("span", { class: "record-id", "data-record": meta.record_version }, `polycentric ${meta.polycentric_version} · record ${meta.record_version} · `),
      meta.coverage ? el("span", { class: "coverage" }, `${meta.coverage} · `) : null,
      el("span", { class: "citation" }, `Data: ${meta.citation}`),
      " · ",
      el("a", { href: "./api/docs" }, "API"),
    );
  } catch {
    /* footer is optional */
  }
}

buildNav();
window.addEventListener("hashchange", render);
render();
footer();
