// The one way the portal talks to deskd: JSON in and out, the CSRF token of
// the sign-in on every state change, and a lost session sent to sign-in.
//
// The CSRF token comes with the answer to POST /api/v1/session and is kept
// in sessionStorage (this tab) and localStorage (the other tabs of this
// browser: a ticket opened in a new tab must be able to take a comment, and
// a remembered session outlives the browser). It proves that a request comes
// from a page of this origin; on its own it grants nothing, as the session
// itself is in an HttpOnly cookie. Signing out removes it from both.

import { lang } from './i18n.js';

const CSRF_KEY = 'deskd.csrf';
const BASE = '/api/v1';

export class ApiError extends Error {
  constructor(status, error, handled = false) {
    super((error && error.message) || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = (error && error.code) || (status ? `http_${status}` : 'network');
    this.field = (error && error.field) || null;
    this.details = error || {};
    // true when the portal already acted on it (sent the user to sign in)
    this.handled = handled;
  }
}

let unauthenticatedHandler = null;

// fn(code, hadSession) is called when a request finds no session (401) or
// the CSRF token no longer matching; hadSession tells whether this browser
// held a sign-in until then. The portal sends the user to sign in.
export function onUnauthenticated(fn) {
  unauthenticatedHandler = fn;
}

function storageGet(store) {
  try {
    return store.getItem(CSRF_KEY);
  } catch (e) {
    return null;
  }
}

function storageSet(store, value) {
  try {
    if (value === null) store.removeItem(CSRF_KEY);
    else store.setItem(CSRF_KEY, value);
  } catch (e) { /* storage disabled: the token lives for this page only */ }
}

let memoryToken = null;

// The newest sign-in of this browser wins: its cookie is the one sent.
export function csrfToken() {
  return storageGet(localStorage) || storageGet(sessionStorage) || memoryToken;
}

export function setCsrf(token) {
  memoryToken = token;
  storageSet(sessionStorage, token);
  storageSet(localStorage, token);
}

export function clearCsrf() {
  memoryToken = null;
  storageSet(sessionStorage, null);
  storageSet(localStorage, null);
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

// Sends a request to /api/v1 + path. Resolves with the parsed JSON (null
// for 204); rejects with an ApiError. Options: query (object of
// parameters; empty values are left out), noRedirect (a 401 is the
// caller's business, as on the sign-in form), raw (a Blob sent as the body
// as it is, with Content-Type rawType: a file upload).
export async function request(method, path, body, options = {}) {
  const headers = { Accept: 'application/json', 'Accept-Language': lang() };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (options.raw !== undefined) headers['Content-Type'] = options.rawType || 'application/octet-stream';
  if (WRITES.has(method)) {
    const token = csrfToken();
    if (token) headers['X-CSRF-Token'] = token;
  }
  let url = BASE + path;
  if (options.query) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(options.query)) {
      if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
    }
    const qs = q.toString();
    if (qs) url += `?${qs}`;
  }
  let res;
  try {
    res = await fetch(url, {
      method,
      headers,
      body: options.raw !== undefined ? options.raw : (body === undefined ? undefined : JSON.stringify(body)),
      credentials: 'same-origin',
      cache: 'no-store',
      signal: options.signal,
    });
  } catch (e) {
    if (e && e.name === 'AbortError') throw e;
    throw new ApiError(0, { code: 'network', message: String(e && e.message) });
  }
  let data = null;
  const type = res.headers.get('Content-Type') || '';
  if (res.status !== 204 && type.includes('application/json')) {
    try {
      data = await res.json();
    } catch (e) {
      data = null;
    }
  }
  if (res.ok) return data;

  const error = data && data.error ? data.error : null;
  const code = error && error.code;
  const sessionGone = (res.status === 401 && code !== 'invalid_credentials')
    || (res.status === 403 && code === 'csrf');
  if (sessionGone && !options.noRedirect && unauthenticatedHandler) {
    const hadSession = Boolean(csrfToken());
    clearCsrf();
    unauthenticatedHandler(code || 'unauthenticated', hadSession);
    throw new ApiError(res.status, error, true);
  }
  throw new ApiError(res.status, error);
}

export const get = (path, options) => request('GET', path, undefined, options);
export const post = (path, body, options) => request('POST', path, body, options);
export const patch = (path, body, options) => request('PATCH', path, body, options);
export const del = (path, options) => request('DELETE', path, undefined, options);

export function ticketPath(ref, rest = '') {
  return `/tickets/${encodeURIComponent(ref)}${rest}`;
}
