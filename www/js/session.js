// Who is signed in, as far as this page knows, and one-shot messages that
// survive a change of page ("Your request HD-10001 was submitted").

import { get } from './api.js';

let user = null;
let flashMessage = null;
// true after deskd said there is no session, until the next sign-in
let signedOut = false;

export function currentUser() {
  return user;
}

export function setUser(u) {
  user = u || null;
  if (user) signedOut = false;
}

export function markSignedOut() {
  signedOut = true;
}

export function knownSignedOut() {
  return signedOut;
}

// Asks deskd who is signed in (GET /api/v1/me). A 401 rejects with an
// ApiError that api.js has already acted on.
export async function loadUser(options) {
  const data = await get('/me', options);
  user = data.user;
  return user;
}

// kind: 'success' | 'info' | 'error'; text: already translated; link:
// optional {href, text}.
export function setFlash(kind, text, link) {
  flashMessage = { kind, text, link };
}

export function takeFlash() {
  const m = flashMessage;
  flashMessage = null;
  return m;
}
