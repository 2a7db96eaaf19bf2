// Thin client of the polycentric HTTP API (same origin). Every page reads data only from here.

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message || `HTTP ${status}`);
    this.status = status;
    this.type = body?.error?.type || "HTTPError";
  }
}

function query(params = {}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : "";
}

/** The URL of an API route with its query parameters. */
export function apiUrl(path, params = {}) {
  return `./api${path}${query(params)}`;
}

/** The URL of the same data as CSV (for "download data"). */
export function csvUrl(path, params = {}) {
  return apiUrl(path, { limit: 10000, ...params, format: "csv" });
}

/** GET a JSON route; throws ApiError with the API's message on 4xx/5xx. */
export async function getJson(path, params = {}) {
  const res = await fetch(apiUrl(path, params), { headers: { Accept: "application/json" } });
  let body = null;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  if (!res.ok) throw new ApiError(res.status, body);
  return body;
}

/** All rows of a table route (follows pagination). */
export async function getRows(path, params = {}) {
  const limit = 10000;
  let offset = 0;
  let rows = [];
  for (;;) {
    const page = await getJson(path, { ...params, limit, offset });
    rows = rows.concat(page.data);
    offset += page.count;
    if (offset >= page.total || page.count === 0) return rows;
  }
}

const memo = new Map();
/** Rows of a route, fetched once per page load (for small reference tables). */
export function getRowsOnce(path, params = {}) {
  const key = apiUrl(path, params);
  if (!memo.has(key)) memo.set(key, getRows(path, params));
  return memo.get(key);
}

/** POST a JSON body to a route; throws ApiError with the API's message on 4xx/5xx. */
export async function postJson(path, body, params = {}) {
  const res = await fetch(apiUrl(path, params), {
    method: "POST",
    headers: { Accept: "application/json", "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  let out = null;
  try {
    out = await res.json();
  } catch {
    out = null;
  }
  if (!res.ok) throw new ApiError(res.status, out);
  return out;
}
