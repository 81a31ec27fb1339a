// Support's queue: every ticket of a view (open by default), filtered by
// status, priority, organisation and assignee (mine, unassigned or a named
// agent), newest or oldest first or due soonest, with the counters and
// paging. The filters live in the address, so a reload or a shared link
// shows the same list.

import { h } from '../dom.js';
import { formatNumber, t, timeElement } from '../i18n.js';
import { labels as loadLabels, workflow } from '../lookups.js';
import {
  counters, downloadLinks, fetchTickets, pager, sortIsSupported, ticketTable, trail,
} from '../ticket-list.js';
import { errorPanel, message } from '../ui.js';
import { agents as loadAgents, orgs as loadOrgs } from './agent-data.js';

const VIEWS = ['open', 'resolved', 'closed', 'all'];
const PRIORITIES = ['P1', 'P2', 'P3', 'P4'];
const FILTERS = ['status', 'priority', 'org', 'assignee'];
const SORTS = ['newest', 'oldest', 'due'];
// Resolved and closed tickets have no running clock: no due order there.
const DUE_VIEWS = ['open', 'all'];

// The queue's state from the address, each value checked.
function readState(query) {
  const view = VIEWS.includes(query.get('view')) ? query.get('view') : 'open';
  let sort = SORTS.includes(query.get('sort')) ? query.get('sort') : 'newest';
  if (sort === 'due' && !DUE_VIEWS.includes(view)) sort = 'newest';
  const status = /^[a-z0-9_]{1,64}$/.test(query.get('status') || '') ? query.get('status') : '';
  const priority = PRIORITIES.includes(query.get('priority')) ? query.get('priority') : '';
  const org = /^\d{1,10}$/.test(query.get('org') || '') ? query.get('org') : '';
  const a = query.get('assignee') || '';
  const assignee = a === 'me' || a === 'none' || /^\d{1,10}$/.test(a) ? a : '';
  return {
    view, sort, status, priority, org, assignee, cursor: query.get('cursor') || '',
  };
}

function href(state, changes = {}) {
  const s = { ...state, cursor: '', ...changes };
  if (s.sort === 'due' && !DUE_VIEWS.includes(s.view)) s.sort = 'newest';
  const q = new URLSearchParams();
  if (s.view !== 'open') q.set('view', s.view);
  for (const f of FILTERS) if (s[f]) q.set(f, s[f]);
  if (s.sort !== 'newest') q.set('sort', s.sort);
  if (s.cursor) q.set('cursor', s.cursor);
  const qs = q.toString();
  return qs ? `#/queue?${qs}` : '#/queue';
}

function viewLabel(view) {
  return t(`queue.view.${view}`);
}

// When the running target falls due (overdue marked): the response while
// it is unanswered, else the resolution, as the due order has it.
function dueCell(tk) {
  const running = ['response', 'resolution']
    .map((k) => tk.sla && tk.sla[k])
    .filter((c) => c && c.state === 'running' && c.due)
    .sort((a, b) => (a.due < b.due ? -1 : 1))[0];
  if (!running) return '';
  return h('span', { class: running.breached ? 'due overdue' : 'due', 'data-due': running.due },
    timeElement(running.due), running.breached ? ` (${t('queue.overdue')})` : null);
}

function select(id, value, options, onChange) {
  return h('select', { id, 'data-filter': id.replace(/^q-/, ''), on: { change: (e) => onChange(e.target.value) } },
    options.map(([v, label]) => h('option', { value: v, selected: v === value }, label)));
}

export async function render(ctx) {
  const state = readState(ctx.query);
  const key = `queue|${href(state)}`;
  if (!state.cursor) trail(key).length = 0;
  ctx.setTitle(t('nav.queue'));

  const extra = {};
  for (const f of FILTERS) if (state[f]) extra[f] = state[f];
  const [result, labels, wf, agentList, orgList] = await Promise.all([
    fetchTickets({
      view: state.view, cursor: state.cursor, sort: state.sort, extra,
    }).catch((err) => ({ err })),
    loadLabels(),
    workflow().catch(() => null),
    loadAgents().catch(() => []),
    loadOrgs().catch(() => []),
  ]);
  if (!ctx.isCurrent() || (result.err && result.err.handled)) return;

  const go = (changes) => ctx.navigate(href(state, changes));
  const orgName = new Map(orgList.map((o) => [o.id, o.name]));
  const agentName = new Map(agentList.map((a) => [a.id, a.name]));

  const statuses = wf ? wf.statuses : [];
  const filters = h('form', { class: 'queue-filters', 'aria-label': t('queue.filters'), on: { submit: (e) => e.preventDefault() } },
    h('div', { class: 'toolbar-item' }, h('label', { for: 'q-status' }, t('queue.filter.status')),
      select('q-status', state.status, [['', t('queue.any')], ...statuses.map((s) => [s.name, s.label])], (v) => go({ status: v }))),
    h('div', { class: 'toolbar-item' }, h('label', { for: 'q-priority' }, t('queue.filter.priority')),
      select('q-priority', state.priority, [['', t('queue.any')], ...PRIORITIES.map((p) => [p, `${p} – ${t(`priority.${p}`)}`])], (v) => go({ priority: v }))),
    h('div', { class: 'toolbar-item' }, h('label', { for: 'q-org' }, t('queue.filter.org')),
      select('q-org', state.org, [['', t('queue.any_org')], ...orgList.map((o) => [String(o.id), o.name])], (v) => go({ org: v }))),
    h('div', { class: 'toolbar-item' }, h('label', { for: 'q-assignee' }, t('queue.filter.assignee')),
      select('q-assignee', state.assignee, [
        ['', t('queue.anyone')], ['me', t('queue.mine')], ['none', t('queue.unassigned')],
        ...agentList.filter((a) => a.id !== ctx.user.id).map((a) => [String(a.id), a.name]),
      ], (v) => go({ assignee: v }))),
    h('div', { class: 'toolbar-item' }, h('label', { for: 'q-sort' }, t('queue.sort.label')),
      select('q-sort', state.sort, [
        ['newest', t('list.sort.newest')], ['oldest', t('list.sort.oldest')],
        ...(DUE_VIEWS.includes(state.view) ? [['due', t('queue.sort.due')]] : []),
      ], (v) => go({ sort: v }))),
    FILTERS.some((f) => state[f])
      ? h('div', { class: 'toolbar-item' }, h('a', {
        href: href(state, {
          status: '', priority: '', org: '', assignee: '',
        }),
        class: 'button button-quiet button-small',
        'data-action': 'clear-filters',
      }, t('queue.clear'))) : null,
    downloadLinks({ view: state.view, sort: state.sort === 'newest' ? '' : state.sort, ...extra }));

  const tabs = h('nav', { class: 'view-tabs', 'aria-label': t('queue.view.label') },
    h('ul', {}, VIEWS.map((v) => h('li', {},
      h('a', {
        href: href(state, { view: v }), class: 'view-tab', 'aria-current': v === state.view ? 'page' : null, 'data-view': v,
      }, viewLabel(v))))));

  const header = h('div', { class: 'page-header' }, h('div', {},
    h('h1', {}, t('nav.queue')),
    h('p', { class: 'lead' }, t('queue.intro'))));

  let body;
  const notices = [];
  if (result.err) {
    body = errorPanel(result.err, () => ctx.navigate(location.hash));
  } else {
    const { data, fellBack } = result;
    if (fellBack || (state.sort !== 'newest' && !sortIsSupported())) {
      notices.push(message('info', h('p', {}, t(state.sort === 'due' ? 'queue.sort.due_unavailable' : 'list.sort.unavailable'))));
    }
    const filtered = FILTERS.some((f) => state[f]);
    const summary = filtered
      ? h('p', { class: 'queue-matched', 'data-matched': data.matched === null || data.matched === undefined ? '' : String(data.matched) },
        data.matched === null || data.matched === undefined ? t('queue.filtered')
          : t('queue.matched', { count: data.matched, n: formatNumber(data.matched) }))
      : null;
    const columns = [
      { label: t('queue.col.org'), cell: (tk) => orgName.get(tk.org_id) || '' },
      {
        label: t('queue.col.assignee'),
        cell: (tk) => {
          if (!tk.assignee_id) return h('span', { class: 'muted', 'data-assignee': '' }, t('queue.unassigned'));
          const name = tk.assignee_id === ctx.user.id ? t('queue.you') : (agentName.get(tk.assignee_id) || `#${tk.assignee_id}`);
          return h('span', { 'data-assignee': String(tk.assignee_id) }, name);
        },
      },
    ];
    if (state.sort === 'due' && !fellBack) columns.push({ label: t('queue.col.due'), cell: dueCell });
    body = [
      counters(data.counts, labels),
      summary,
      data.tickets.length
        ? ticketTable(data.tickets, labels, { caption: viewLabel(state.view), showRequester: true, extraColumns: columns })
        : h('div', { class: 'empty' }, h('p', {}, t(filtered ? 'queue.empty_filtered' : `queue.empty.${state.view}`))),
      (state.cursor || data.next_cursor) ? pager({
        key, cursor: state.cursor, nextCursor: data.next_cursor, hrefFor: (c) => href(state, { cursor: c }), navigate: ctx.navigate,
      }) : null,
    ];
  }

  ctx.main.append(header, h('div', { class: 'notices', 'aria-live': 'polite' }, notices), tabs,
    h('section', { class: 'card list-card queue', 'aria-label': viewLabel(state.view) }, filters, body));
}
