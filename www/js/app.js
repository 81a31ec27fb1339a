// The portal's shell and hash router.
//
// Addresses are "#/path?query". A page is an ES module registered in
// routes.js that exports render(ctx); ctx holds:
//   main       the <main> element to fill (already emptied)
//   params     path parameters (:ref -> params.ref)
//   query      URLSearchParams of the part after "?"
//   user       the signed-in user (GET /api/v1/me), null on public pages
//   navigate(hash, {replace})   go to another page
//   setTitle(text)              the document title and nothing else
//   announce(text)              a polite screen-reader announcement
//   autofocus(el)               focus el instead of the page heading
//   isCurrent()                 false once the user has moved on
//   refreshShell()              redraw header and navigation
// render may return a function that is called when the page is left.

import { onUnauthenticated, del, clearCsrf } from './api.js';
import { h, icon, replace } from './dom.js';
import { detect, LANGUAGES, lang, setLanguage, t } from './i18n.js';
import { matchRoute, navItemsFor } from './registry.js';
import {
  currentUser, loadUser, markSignedOut, setFlash, setUser,
} from './session.js';
import { errorPanel, loading, message } from './ui.js';
import './routes.js';

const header = document.getElementById('site-header');
const main = document.getElementById('main');
const footer = document.getElementById('site-footer');
const announcer = document.getElementById('announcer');

let navToken = 0;
let cleanup = null;
let lastHash = null;
let lastPath = null;

// A selector for the focused control, so that a change of the same page
// (sort, next page, language) leaves the focus where the user was.
function focusKey() {
  const el = document.activeElement;
  if (!el || el === document.body || !(el instanceof HTMLElement)) return null;
  if (el.id && !/^[fcrg]-\d+$/.test(el.id)) return `#${CSS.escape(el.id)}`;
  for (const attr of ['page', 'view', 'nav', 'action']) {
    if (el.dataset[attr]) return `[data-${attr}="${CSS.escape(el.dataset[attr])}"]`;
  }
  return null;
}

export function parseHash(hash = location.hash) {
  let s = hash.startsWith('#') ? hash.slice(1) : hash;
  if (!s.startsWith('/')) s = `/${s}`;
  const q = s.indexOf('?');
  const path = q >= 0 ? s.slice(0, q) : s;
  const query = new URLSearchParams(q >= 0 ? s.slice(q + 1) : '');
  return { path: path.replace(/\/+$/, '') || '/', query };
}

export function navigate(hash, { replace: replaceEntry = false } = {}) {
  if (replaceEntry) {
    history.replaceState(null, '', hash);
    route();
  } else if (location.hash === hash) {
    route();
  } else {
    location.hash = hash;
  }
}

export function announce(text) {
  // cleared first so that the same sentence twice is read twice
  announcer.textContent = '';
  window.setTimeout(() => { announcer.textContent = text; }, 50);
}

function currentHashForReturn() {
  const { path } = parseHash();
  if (path === '/sign-in') return null;
  return location.hash || '#/';
}

// A request found no session: sign in and come back here. When this page
// had a session, say that it ended; a first visit just shows the form.
function toSignIn(hadSession) {
  const wasSignedIn = hadSession || Boolean(currentUser());
  setUser(null);
  markSignedOut();
  const back = currentHashForReturn();
  const q = new URLSearchParams();
  if (back && back !== '#/') q.set('next', back);
  if (wasSignedIn) q.set('reason', 'expired');
  navigate(`#/sign-in${q.toString() ? `?${q}` : ''}`, { replace: true });
}

onUnauthenticated((code, hadSession) => toSignIn(hadSession));

export async function signOut() {
  try {
    await del('/session', { noRedirect: true });
  } catch (e) {
    // the session may be gone already; the user is signed out either way
  }
  clearCsrf();
  setUser(null);
  markSignedOut();
  setFlash('info', t('signin.signed_out'));
  navigate('#/sign-in');
}

// ---- shell ---------------------------------------------------------------------

function renderHeader(path) {
  const user = currentUser();
  const brand = h('a', { class: 'brand', href: user ? '#/' : '#/sign-in' },
    h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, 'd'),
    h('span', { class: 'brand-name' }, t('app.name')));
  const skip = h('a', {
    class: 'skip-link',
    href: '#/',
    on: {
      click: (e) => {
        e.preventDefault();
        const target = main.querySelector('h1') || main;
        if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
        target.focus();
      },
    },
  }, t('app.skip'));
  if (!user) {
    replace(header, skip, h('div', { class: 'header-inner' }, brand));
    return;
  }
  const items = navItemsFor(user).map((item) => {
    const current = item.match ? item.match(path) : parseHash(item.href).path === path;
    const label = typeof item.label === 'function' ? item.label(user) : item.label;
    return h('li', {},
      h('a', { href: item.href, class: 'nav-link', 'aria-current': current ? 'page' : null, 'data-nav': item.id },
        item.icon ? icon(item.icon) : null, t(label)));
  });
  const nav = h('nav', { class: 'main-nav', 'aria-label': t('nav.label') }, h('ul', {}, items));
  const account = h('div', { class: 'account' },
    h('a', {
      href: '#/profile',
      class: 'account-link',
      'aria-current': path === '/profile' ? 'page' : null,
      'data-nav': 'profile',
    }, icon('user'),
    h('span', { class: 'account-name' }, user.name || user.email),
    h('span', { class: 'sr-only' }, ` (${t('nav.profile')})`)),
    h('button', { type: 'button', class: 'button button-quiet', 'data-action': 'sign-out', on: { click: signOut } }, t('nav.sign_out')));
  replace(header, skip, h('div', { class: 'header-inner' }, brand, nav, account));
}

function renderFooter() {
  const user = currentUser();
  let picker = null;
  if (!user) {
    // Before signing in the language can be chosen here; afterwards in the profile.
    const select = h('select', {
      id: 'footer-language',
      on: { change: (e) => changeLanguage(e.target.value) },
    }, LANGUAGES.map((l) => h('option', { value: l.code, selected: l.code === lang(), lang: l.code }, l.name)));
    picker = h('div', { class: 'footer-language' }, h('label', { for: 'footer-language' }, t('profile.language')), select);
  }
  replace(footer, h('div', { class: 'footer-inner' },
    h('p', {}, t('app.footer')), picker));
}

export function refreshShell() {
  const { path } = parseHash();
  renderHeader(path);
  renderFooter();
}

// ---- routing ---------------------------------------------------------------------

// The page for hash is drawn: <main> is no longer busy and says which
// address it shows (data-rendered), for scripts that wait for a page.
function pageShown(hash) {
  main.removeAttribute('aria-busy');
  main.dataset.rendered = hash;
}

async function route() {
  const hash = location.hash;
  if (hash && !hash.startsWith('#/')) return; // an in-page anchor, not a page
  lastHash = hash;
  const token = ++navToken;
  const isCurrent = () => token === navToken;
  const { path, query } = parseHash();
  const samePage = path === lastPath;
  const keepFocus = samePage ? focusKey() : null;
  lastPath = path;
  if (cleanup) {
    try { cleanup(); } catch (e) { /* the old page is gone anyway */ }
    cleanup = null;
  }
  main.setAttribute('aria-busy', 'true');

  const found = matchRoute(path);
  let user = currentUser();
  if (found && !found.route.public && !user) {
    replace(main, loading());
    try {
      user = await loadUser();
    } catch (err) {
      if (!isCurrent() || err.handled) return;
      refreshShell();
      replace(main, h('h1', { tabindex: '-1' }, t('error.title')), errorPanel(err, () => route()));
      pageShown(hash);
      return;
    }
    if (!isCurrent()) return;
    await setLanguage(detect(user.language), { remember: Boolean(user.language) });
    if (!isCurrent()) return;
  }
  refreshShell();

  let mod;
  let params = {};
  try {
    if (!found || (!found.route.public && !found.route.roles.includes(user.role))) {
      mod = await import('./pages/not-found.js');
    } else {
      params = found.params;
      mod = await found.route.load();
    }
  } catch (err) {
    if (!isCurrent()) return;
    replace(main, h('h1', { tabindex: '-1' }, t('error.title')), message('error', h('p', {}, t('error.page_load'))));
    pageShown(hash);
    return;
  }
  if (!isCurrent()) return;

  let focusTarget = null;
  // The page is built in a container of its own and shown when render
  // resolves, so "Loading…" stays until there is something to see.
  const container = document.createElement('div');
  container.className = 'page';
  const ctx = {
    main: container,
    params,
    query,
    path,
    user: found && found.route.public ? currentUser() : user,
    navigate,
    announce,
    refreshShell,
    isCurrent,
    setTitle: (title) => { document.title = title ? `${title} · ${t('app.name')}` : t('app.name'); },
    autofocus: (el) => { focusTarget = el; },
  };
  // "Loading…" only when the page takes a moment; until then the old one stays.
  const slow = window.setTimeout(() => { if (isCurrent()) replace(main, loading()); }, 200);
  try {
    const result = await mod.render(ctx);
    if (!isCurrent()) return;
    if (typeof result === 'function') cleanup = result;
    replace(main, container);
  } catch (err) {
    if (!isCurrent() || (err && err.handled)) return;
    replace(main, h('h1', { tabindex: '-1' }, t('error.title')), errorPanel(err, () => route()));
  } finally {
    window.clearTimeout(slow);
  }
  pageShown(hash);
  const kept = keepFocus ? document.querySelector(keepFocus) : null;
  if (kept && !kept.disabled) {
    kept.focus();
  } else if (focusTarget) {
    focusTarget.focus();
  } else if (!firstRender) {
    const h1 = main.querySelector('h1');
    if (h1) {
      if (!h1.hasAttribute('tabindex')) h1.setAttribute('tabindex', '-1');
      h1.focus();
    }
  }
  firstRender = false;
}

let firstRender = true;

window.addEventListener('hashchange', () => {
  if (location.hash !== lastHash) route();
});

// Re-renders the current page.
export function reload() {
  return route();
}

// Switches the interface language and redraws the page in it.
export async function changeLanguage(code, { remember = true } = {}) {
  await setLanguage(code, { remember });
  return route();
}

async function start() {
  try {
    await setLanguage(detect(null));
  } catch (e) {
    // without translations the keys show; still better than nothing
  }
  if (!location.hash || location.hash === '#') history.replaceState(null, '', '#/');
  await route();
}

start();
