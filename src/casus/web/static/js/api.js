// The JSON API under /api, as the pages use it (docs/reference/api.md is the contract).
// Every URL the UI calls is built here, so the rest of the modules never spell one.

export class ApiError extends Error {
  constructor(status, body) {
    super(describe(status, body));
    this.status = status;
    this.body = body;
  }
}

function describe(status, body) {
  if (body && typeof body === "object") {
    const err = body.error && typeof body.error === "object" ? body.error : body;
    const text = err.message || err.detail || err.title;
    if (typeof text === "string") return `${text} (HTTP ${status})`;
    if (Array.isArray(err.detail) && err.detail.length) {
      return `${err.detail.map((d) => d.msg || JSON.stringify(d)).join("; ")} (HTTP ${status})`;
    }
  }
  return `the server answered HTTP ${status}`;
}

async function request(method, path, { token, body, key } = {}) {
  const headers = { Accept: "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (key) headers["Idempotency-Key"] = key;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "same-origin",
    cache: "no-store",
  });
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = { message: text.slice(0, 200) };
    }
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

const enc = encodeURIComponent;

// --- cases, organizations (read-only) ---------------------------------------------------------

export const listCases = () => request("GET", "/api/cases");
export const getCase = (id) => request("GET", `/api/cases/${enc(id)}`);
export const getPictures = (id) => request("GET", `/api/cases/${enc(id)}/pictures`);
export const listDeployments = () => request("GET", "/api/cases/deployments");
export const DEPLOYMENTS_CSV = "/api/cases/deployments.csv";
export const listOrganizations = () => request("GET", "/api/organizations");
export const getMembers = (org, on) =>
  request("GET", `/api/organizations/${enc(org)}/members?on=${enc(on)}`);

// --- exercises (a bearer token; every change with an Idempotency-Key, so a retry records once) ---

const change = (path, token, body) => request("POST", path, { token, body, key: newKey() });
const ex = (id) => `/api/exercises/${enc(id)}`;

export const whoAmI = (token) => request("GET", "/api/me", { token });
export const listExercises = (token) => request("GET", "/api/exercises", { token });
export const getExercise = (id, token) => request("GET", ex(id), { token });
export const getReport = (id, token) => request("GET", `${ex(id)}/report`, { token });
export const createExercise = (token, body) => change("/api/exercises", token, body);
export const invite = (id, token, body) => change(`${ex(id)}/participants`, token, body);
export const advanceClock = (id, token, to) => change(`${ex(id)}/clock`, token, { to });
export const closeDecision = (id, token, rq) => change(`${ex(id)}/requests/${enc(rq)}/close`, token, undefined);
export const endExercise = (id, token) => change(`${ex(id)}/end`, token, undefined);
export const fileRequest = (id, token, body) => change(`${ex(id)}/requests`, token, body);
export const castPosition = (id, token, rq, body) => change(`${ex(id)}/requests/${enc(rq)}/positions`, token, body);
export const makePledge = (id, token, body) => change(`${ex(id)}/pledges`, token, body);

function newKey() {
  return crypto.randomUUID ? crypto.randomUUID() : `k-${Date.now()}-${Math.random().toString(16).slice(2)}`;
}

/**
 * The URL of an exercise's server-sent events, with a fresh stream ticket. An EventSource cannot
 * send the Authorization header, and a token never goes in a URL (URLs are logged): the ticket,
 * asked for with the header, is good once and for a few seconds, so every (re)connection asks
 * for a new one. `after`: the last event already seen (the stream resumes after it).
 */
export async function eventsUrl(id, token, after) {
  const { url } = await request("POST", `${ex(id)}/events/ticket`, { token });
  return after === null || after === undefined ? url : `${url}&after=${enc(after)}`;
}

// --- the visitor's own token, for this tab only ------------------------------------------------

const TOKEN_KEY = "casus.token";
export const savedToken = () => sessionStorage.getItem(TOKEN_KEY);
export const saveToken = (token) => sessionStorage.setItem(TOKEN_KEY, token);
export const forgetToken = () => sessionStorage.removeItem(TOKEN_KEY);
