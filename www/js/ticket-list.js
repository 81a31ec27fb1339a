// A list of tickets as GET /api/v1/tickets gives it: the counters per
// priority and status, the table, and paging by cursor. Used by the home
// page and by support's pages.

import { get } from './api.js';
import { h } from './dom.js';
import { formatNumber, t, timeElement } from './i18n.js';
import { priorityBadge, statusBadge } from './ui.js';

// Cursors of the pages before the current one, per list (view and sort),
// so "Previous" can go back; a fresh load starts again at page one.
const trails = new Map();

export function trail(key) {
  if (!trails.has(key)) trails.set(key, []);
  return trails.get(key);
}

let sortSupported = true;

// Fetches one page. sort 'oldest' is sent only when asked for: deskd lists
// newest first by default, and one that does not know sort yet answers
// 400; then the list comes newest first and fellBack is true. With search
// words (extra.q) deskd sorts by relevance unless told otherwise, so
// 'newest' is sent then and 'relevance' is not.
export async function fetchTickets({ view, cursor, sort, limit = 25, extra = {} }) {
  const query = { view, limit, cursor, ...extra };
  if (sort && sort !== 'relevance' && (sort !== 'newest' || extra.q) && sortSupported) query.sort = sort;
  try {
    const data = await get('/tickets', { query });
    return { data, fellBack: false };
  } catch (err) {
    // only the date and due orders fall back; a refused search or filter
    // is the caller's to show
    const fallsBack = (query.sort === 'oldest' || query.sort === 'due') && !query.q;
    if (fallsBack && err.status === 400 && (err.field === 'sort' || (err.code === 'unknown_parameter' && !err.field))) {
      sortSupported = false;
      delete query.sort;
      const data = await get('/tickets', { query });
      return { data, fellBack: true };
    }
    throw err;
  }
}

export function sortIsSupported() {
  return sortSupported;
}

// "P1 0 P2 1 P3 0 P4 2 | New 0 In progress 2 ... | Total 3"
export function counters(counts, labels) {
  const prio = counts && counts.priority ? counts.priority : {};
  const status = counts && counts.status ? counts.status : {};
  const total = Object.values(prio).reduce((a, b) => a + b, 0);
  const item = (label, value, cls, title) => h('li', { class: `counter ${cls || ''}`.trim(), title: title || null },
    h('span', { class: 'counter-label' }, label),
    h('span', { class: 'counter-value' }, formatNumber(value)));
  const statuses = Object.keys(status)
    .sort((a, b) => labels.statusOrder(a) - labels.statusOrder(b));
  return h('div', { class: 'counters', role: 'group', 'aria-label': t('list.counters') },
    h('div', { class: 'counter-group' },
      h('h2', { class: 'counter-heading', id: 'counter-prio' }, t('list.by_priority')),
      h('ul', { 'aria-labelledby': 'counter-prio' },
        ['P1', 'P2', 'P3', 'P4'].map((p) => item(p, prio[p] || 0, `counter-${p.toLowerCase()}`, t(`priority.${p}`))))),
    h('div', { class: 'counter-group' },
      h('h2', { class: 'counter-heading', id: 'counter-status' }, t('list.by_status')),
      statuses.length
        ? h('ul', { 'aria-labelledby': 'counter-status' }, statuses.map((s) => item(labels.status(s), status[s])))
        : h('p', { class: 'muted small' }, t('list.no_status'))),
    h('div', { class: 'counter-group counter-total' },
      h('h2', { class: 'counter-heading', id: 'counter-total' }, t('list.total')),
      h('p', { class: 'counter-value', 'aria-labelledby': 'counter-total', 'data-total': String(total) }, formatNumber(total))));
}

export function ticketHref(ref) {
  return `#/tickets/${encodeURIComponent(ref)}`;
}

// The table of tickets; columns: reference, title, status, priority,
// (requester), created, updated.
export function ticketTable(tickets, labels, { caption, showRequester = false, extraColumns = [] } = {}) {
  const head = [
    t('list.col.ref'), t('list.col.title'), t('list.col.status'), t('list.col.priority'),
    showRequester ? t('list.col.requester') : null,
    ...extraColumns.map((c) => c.label),
    t('list.col.created'), t('list.col.updated'),
  ].filter((x) => x !== null);
  const rows = tickets.map((tk) => {
    const cells = [
      h('td', { 'data-label': t('list.col.ref'), class: 'cell-ref' },
        h('a', { href: ticketHref(tk.ref), class: 'ref-link' }, tk.ref)),
      h('th', { scope: 'row', 'data-label': t('list.col.title'), class: 'cell-title' },
        h('a', { href: ticketHref(tk.ref), class: 'title-link' }, tk.title)),
      h('td', { 'data-label': t('list.col.status') }, statusBadge(labels.status(tk.status), tk.status_category)),
      h('td', { 'data-label': t('list.col.priority') }, priorityBadge(tk.priority)),
      showRequester ? h('td', { 'data-label': t('list.col.requester') }, tk.requester ? tk.requester.name : '') : null,
      ...extraColumns.map((c) => h('td', { 'data-label': c.label }, c.cell(tk))),
      h('td', { 'data-label': t('list.col.created') }, timeElement(tk.created)),
      h('td', { 'data-label': t('list.col.updated') }, timeElement(tk.updated)),
    ];
    return h('tr', { 'data-ref': tk.ref }, cells);
  });
  return h('div', { class: 'table-wrap' },
    h('table', { class: 'tickets' },
      caption ? h('caption', { class: 'sr-only' }, caption) : null,
      h('thead', {}, h('tr', {}, head.map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, rows)));
}

// Previous / next by cursor. hrefFor(cursor) gives the address of a page.
export function pager({ key, cursor, nextCursor, hrefFor, navigate }) {
  const stack = trail(key);
  const page = stack.length + 1;
  const prev = h('button', {
    type: 'button',
    class: 'button button-secondary',
    'data-page': 'previous',
    disabled: !cursor,
    on: {
      click: () => {
        const before = stack.pop();
        navigate(hrefFor(before || ''));
      },
    },
  }, t('list.previous'));
  const next = h('button', {
    type: 'button',
    class: 'button button-secondary',
    'data-page': 'next',
    disabled: !nextCursor,
    on: {
      click: () => {
        stack.push(cursor || '');
        navigate(hrefFor(nextCursor));
      },
    },
  }, t('list.next'));
  return h('nav', { class: 'pager', 'aria-label': t('list.pages') },
    prev, h('span', { class: 'pager-page', 'aria-live': 'polite' }, t('list.page', { page })), next);
}

// Links that download the list on screen, every page of it, as CSV or
// Excel: the same view, filters and sort (GET /api/v1/tickets/export). The
// session cookie goes with a plain link; the answer is an attachment, so
// the page stays.
export function downloadLinks(query) {
  const link = (format, label) => {
    const q = new URLSearchParams({ format });
    for (const [k, v] of Object.entries(query)) if (v) q.set(k, v);
    return h('a', {
      href: `/api/v1/tickets/export?${q}`, class: 'button button-secondary button-small', download: true, 'data-download': format,
    }, label);
  };
  return h('div', { class: 'toolbar-item download-links', role: 'group', 'aria-label': t('list.download.label') },
    h('span', { class: 'toolbar-label' }, t('list.download.label')),
    h('span', { class: 'download-buttons' }, link('csv', t('list.download.csv')), link('xlsx', t('list.download.xlsx'))));
}
