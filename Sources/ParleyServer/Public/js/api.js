// Talks to Parley's API with the session cookie; every change carries the session's CSRF token.
let csrfToken = null;
export function setCSRF(token) { csrfToken = token; }

export class APIError extends Error {
  constructor(status, body) {
    super(body?.description || body?.error || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
  get details() {
    const details = this.body?.details || {};
    return Object.values(details).flat().map((d) => d.description || String(d));
  }
}

export async function api(method, path, body, { raw = false, headers = {} } = {}) {
  const options = { method, headers: { ...headers }, credentials: "same-origin" };
  if (method !== "GET" && csrfToken) options.headers["X-CSRF-Token"] = csrfToken;
  if (body !== undefined) {
    if (raw) options.body = body;
    else { options.headers["Content-Type"] = "application/json"; options.body = JSON.stringify(body); }
  }
  const response = await fetch(path, options);
  if (response.status === 204) return null;
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) throw new APIError(response.status, data);
  return data;
}

export const get = (path) => api("GET", path);
export const post = (path, body) => api("POST", path, body);
export const put = (path, body) => api("PUT", path, body);
export const del = (path) => api("DELETE", path);
