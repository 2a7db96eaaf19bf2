// View state lives in the URL hash: "#/page?key=value&...". Shareable, and back/forward work.

export function currentRoute() {
  const hash = window.location.hash.replace(/^#/, "") || "/";
  const [path, qs = ""] = hash.split("?");
  return { page: path.replace(/^\//, "").split("/")[0] || "home", params: new URLSearchParams(qs) };
}

export function routeHref(page, params = {}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  }
  const s = q.toString();
  return `#/${page}${s ? `?${s}` : ""}`;
}

/** Update some view parameters without reloading the page (replaces the history entry). */
export function setParams(updates) {
  const { page, params } = currentRoute();
  for (const [k, v] of Object.entries(updates)) {
    if (v === undefined || v === null || v === "") params.delete(k);
    else params.set(k, String(v));
  }
  const s = params.toString();
  history.replaceState(null, "", `#/${page}${s ? `?${s}` : ""}`);
}

/** Tiny DOM helper: el("div", {class: "x"}, child, "text"). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") node.addEventListener(k.slice(2), v);
    else if (k === "html") node.innerHTML = v;
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

/** A form whose submit is handled here: the page is not reloaded, and ``submit`` gets the form's FormData. */
export function submitForm(attrs, submit, ...children) {
  const onsubmit = (e) => {
    e.preventDefault();
    submit(new FormData(e.target));
  };
  return el("form", { ...attrs, onsubmit }, ...children);
}

export function fmtNumber(x, digits = 2) {
  return x === null || x === undefined || Number.isNaN(x) ? "–" : Number(x).toFixed(digits);
}
