// Chart frames with export: every chart can be saved as SVG or PNG, and its data as CSV.
import * as Plot from "@observablehq/plot";
import { meta } from "./cite.js";
import { el } from "./view.js";

export { Plot };

function download(name, blob) {
  const a = el("a", { href: URL.createObjectURL(blob), download: name });
  document.body.append(a);
  a.click();
  setTimeout(() => {
    URL.revokeObjectURL(a.href);
    a.remove();
  }, 1000);
}

function svgText(svg) {
  const clone = svg.cloneNode(true);
  clone.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  if (!clone.getAttribute("width")) {
    const vb = (svg.getAttribute("viewBox") || "").split(/\s+/).map(Number);
    if (vb.length === 4) {
      clone.setAttribute("width", vb[2]);
      clone.setAttribute("height", vb[3]);
    }
  }
  // inline Plot's class-based styles so the file renders the same outside the page
  const style = document.createElementNS("http://www.w3.org/2000/svg", "style");
  style.textContent = "text{font-family:system-ui,sans-serif;font-size:10px}";
  clone.prepend(style);
  return new XMLSerializer().serializeToString(clone);
}

const SOURCE = "Source: polycentric, from the UN Digital Library voting data (digitallibrary.un.org/record/4060887) and Voeten, UNGA Voting Data (hdl:1902.1/12379).";

function escapeXml(text) {
  return String(text).replace(/[<>&"']/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c]);
}

/** The chart as a file ready to publish: its title above, the record's coverage and the source below. */
export async function publishableSvg(svg, title) {
  const m = await meta();
  const chart = new DOMParser().parseFromString(svgText(svg), "image/svg+xml").documentElement;
  const w = Math.max(Number.parseFloat(chart.getAttribute("width")) || svg.clientWidth || 800, 480);
  const h = Number.parseFloat(chart.getAttribute("height")) || svg.clientHeight || 400;
  const top = 34;
  const lines = [m.coverage ? `Coverage: ${m.coverage}` : null, m.record_version ? `Record ${m.record_version}` : null, SOURCE].filter(Boolean);
  const bottom = 12 + 14 * lines.length;
  chart.setAttribute("x", "0");
  chart.setAttribute("y", String(top));
  const inner = new XMLSerializer().serializeToString(chart);
  const foot = lines.map((t, i) => `<text x="8" y="${top + h + 16 + 14 * i}" font-size="10" fill="#444">${escapeXml(t)}</text>`).join("");
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${top + h + bottom}" viewBox="0 0 ${w} ${top + h + bottom}" font-family="system-ui, sans-serif">` +
    `<rect width="100%" height="100%" fill="#ffffff"/>` +
    `<text class="chart-title" x="8" y="22" font-size="15" font-weight="bold" fill="#1d2731">${escapeXml(title || "")}</text>` +
    inner +
    foot +
    "</svg>"
  );
}

export async function exportSvg(svg, name, title) {
  download(`${name}.svg`, new Blob([await publishableSvg(svg, title)], { type: "image/svg+xml" }));
}

export async function exportPng(svg, name, title, scale = 2) {
  const text = await publishableSvg(svg, title);
  const img = new Image();
  const url = URL.createObjectURL(new Blob([text], { type: "image/svg+xml" }));
  img.onload = () => {
    const w = img.width || svg.clientWidth || 800;
    const h = img.height || svg.clientHeight || 400;
    const canvas = el("canvas", { width: w * scale, height: h * scale });
    const ctx = canvas.getContext("2d");
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.scale(scale, scale);
    ctx.drawImage(img, 0, 0, w, h);
    URL.revokeObjectURL(url);
    canvas.toBlob((blob) => download(`${name}.png`, blob), "image/png");
  };
  img.src = url;
}

/** The chart's own SVG (not a legend swatch): the largest one in the figure. */
function mainSvg(chart) {
  const area = (e) => (Number.parseFloat(e.getAttribute("width")) || e.clientWidth || 0) * (Number.parseFloat(e.getAttribute("height")) || e.clientHeight || 0);
  return [...chart.querySelectorAll("svg")].sort((a, b) => area(b) - area(a))[0];
}

/**
 * A titled figure: the chart node plus "SVG", "PNG" and (when csvHref is given) "CSV" buttons.
 * `id` names the figure (data-chart attribute, file names).
 */
export function figure({ id, title, caption, csvHref, body }) {
  const chart = el("div", { class: "chart-body" });
  const toolbar = el(
    "div",
    { class: "toolbar" },
    el("button", { type: "button", class: "export-svg", onclick: () => exportSvg(mainSvg(chart), id, title) }, "SVG"),
    el("button", { type: "button", class: "export-png", onclick: () => exportPng(mainSvg(chart), id, title) }, "PNG"),
    csvHref ? el("a", { class: "button export-csv", href: csvHref, download: `${id}.csv` }, "CSV") : null,
    csvHref ? el("a", { class: "button export-csvw", href: csvHref.replace("format=csv", "format=csvw"), download: `${id}.csv-metadata.json`, title: "CSV on the Web metadata: what each column means" }, "CSVW") : null,
  );
  const fig = el("figure", { class: "chart", "data-chart": id }, el("div", { class: "chart-head" }, el("h3", {}, title), toolbar), chart);
  if (caption) fig.append(el("figcaption", {}, caption));
  if (body) setChart(fig, body);
  return fig;
}

/** Put a rendered chart (an SVG or a Plot figure) into a figure made by `figure`. */
export function setChart(fig, node) {
  const chart = fig.querySelector(".chart-body");
  chart.replaceChildren(node);
  const svg = chart.querySelector("svg");
  if (svg) svg.setAttribute("xmlns", "http://www.w3.org/2000/svg");
}

export function message(text, cls = "note") {
  return el("p", { class: cls }, text);
}

// One colour per state or group in every chart (the same state keeps its colour from chart to chart).
const FIXED = { USA: "#0072B2", CHN: "#D55E00", RUS: "#CC79A7", IND: "#E69F00", BRA: "#009E73", EU: "#56B4E9", NAM: "#8C564B", GBR: "#332288", FRA: "#117733", G77: "#999933" };
const SPARE = ["#44AA99", "#882255", "#AA4499", "#DDCC77", "#88CCEE", "#661100", "#6699CC", "#888888"];
const assigned = new Map();
/** The colour of a state or group id ("group:EU" and "EU" are one). */
export function entityColor(id) {
  const key = String(id).replace(/^group:/, "");
  if (FIXED[key]) return FIXED[key];
  if (!assigned.has(key)) assigned.set(key, SPARE[assigned.size % SPARE.length]);
  return assigned.get(key);
}
/** A Plot color scale for a set of states or groups, each in its own colour. */
export function entityScale(ids, extra = {}) {
  const domain = [...new Set(ids)];
  return { domain, range: domain.map(entityColor), legend: true, ...extra };
}
