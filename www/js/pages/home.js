// Home: the caller's tickets in four views (open by default, resolved and
// waiting for the customer's answer, closed, all), with counters, a search
// box and filters (ticket-search.js), sort by created date or, with search
// words, by relevance, and paging.

import { h, icon } from '../dom.js';
import { formatNumber, t } from '../i18n.js';
import { catalogue as loadCatalogue, labels as loadLabels, workflow } from '../lookups.js';
import { isStaff } from '../registry.js';
import { takeFlash } from '../session.js';
import {
  counters, downloadLinks, fetchTickets, pager, sortIsSupported, ticketTable, trail,
} from '../ticket-list.js';
import {
  emptySearch, isSearchError, isSearching, readSearch, searchForm, searchParams,
} from '../ticket-search.js';
import { errorPanel, message } from '../ui.js';

const VIEWS = ['open', 'resolved', 'closed', 'all'];

// Approvers also get the requests of their organisation awaiting a decision.
function viewsFor(user) {
  return user.approver ? [...VIEWS, 'approvals'] : VIEWS;
}

function viewLabel(view, user) {
  const org = user.role === 'org-customer';
  const staff = isStaff(user);
  if (view === 'all') return t(org ? 'view.all_org' : staff ? 'view.all_staff' : 'view.all');
  if (view === 'open') return t(org || staff ? 'view.open_org' : 'view.open');
  return t(`view.${view}`);
}

// Who may filter by requester: those who see other people's tickets.
function seesOthers(user) {
  return user.role === 'org-customer' || isStaff(user);
}

// Search words are sorted by relevance unless the user picks a date order.
function defaultSort(search) {
  return search.q ? 'relevance' : 'newest';
}

function readState(query, user) {
  const views = viewsFor(user);
  const view = views.includes(query.get('view')) ? query.get('view') : 'open';
  const search = readSearch(query, { allowRequester: seesOthers(user) });
  const sorts = search.q ? ['relevance', 'newest', 'oldest'] : ['newest', 'oldest'];
  const sort = sorts.includes(query.get('sort')) ? query.get('sort') : defaultSort(search);
  return {
    view, sort, search, cursor: query.get('cursor') || '',
  };
}

function href(state, changes = {}) {
  const s = { ...state, cursor: '', ...changes };
  const q = new URLSearchParams();
  if (s.view !== 'open') q.set('view', s.view);
  for (const [k, v] of Object.entries(searchParams(s.search))) q.set(k, v);
  if (s.sort && s.sort !== defaultSort(s.search)) q.set('sort', s.sort);
  if (s.cursor) q.set('cursor', s.cursor);
  const qs = q.toString();
  return qs ? `#/?${qs}` : '#/';
}

// The people the requester filter suggests: those whose tickets are shown.
function requestersOf(tickets) {
  const seen = new Map();
  for (const tk of tickets) {
    if (tk.requester_id && tk.requester && tk.requester.name) seen.set(tk.requester_id, tk.requester.name);
  }
  return [...seen].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name));
}

export async function render(ctx) {
  const { user } = ctx;
  const views = viewsFor(user);
  const state = readState(ctx.query, user);
  const { view, sort, search, cursor } = state;
  const searching = isSearching(search);
  const key = `home|${href(state)}`;
  if (!cursor) trail(key).length = 0;
  ctx.setTitle(search.q ? t('search.title', { q: search.q }) : viewLabel(view, user));

  const flash = takeFlash();
  const [result, labels, wf, cat] = await Promise.all([
    fetchTickets({
      view, cursor, sort, extra: searchParams(search),
    }).catch((err) => ({ err })),
    loadLabels(),
    workflow().catch(() => null),
    loadCatalogue().catch(() => null),
  ]);
  if (!ctx.isCurrent()) return;
  if (result.err && result.err.handled) return;
  // deskd refused the search or a filter: said next to the box, the page stays
  const searchError = result.err && isSearchError(result.err) ? result.err : null;
  const tickets = result.data ? result.data.tickets : [];

  const tabs = h('nav', { class: 'view-tabs', 'aria-label': t('view.label') },
    h('ul', {}, views.map((v) => h('li', {},
      h('a', {
        href: href(state, { view: v }), class: 'view-tab', 'aria-current': v === view ? 'page' : null, 'data-view': v,
      }, viewLabel(v, user))))));

  const form = searchForm({
    state: search,
    statuses: wf ? wf.statuses : [],
    types: cat ? (cat.ticket_types || []).map((x) => ({ id: x.id, label: labels.type(x.id) })) : [],
    services: cat ? (cat.services || []).map((x) => ({ id: x.id, label: x.label })) : [],
    requesters: seesOthers(user) ? requestersOf(tickets) : null,
    error: searchError,
    clearHref: href(state, { search: emptySearch(), sort: '' }),
    onSearch: (next) => {
      // new words start in relevance order; a date order chosen stays
      const keep = sort === 'relevance' || (!search.q && next.q) ? '' : sort;
      ctx.navigate(href(state, { search: next, sort: keep }));
    },
  });
  if (searchError) ctx.autofocus(form.querySelector('#search-q'));

  const sorts = search.q ? ['relevance', 'newest', 'oldest'] : ['newest', 'oldest'];
  const sortSelect = h('select', {
    id: 'sort',
    on: { change: (e) => ctx.navigate(href(state, { sort: e.target.value })) },
  }, sorts.map((v) => h('option', { value: v, selected: sort === v }, t(`list.sort.${v}`))));
  const apiSort = sort === 'relevance' ? '' : (sort === 'oldest' || search.q ? sort : '');
  const toolbar = h('div', { class: 'toolbar' },
    h('div', { class: 'toolbar-item' }, h('label', { for: 'sort' }, t(search.q ? 'search.sort.label' : 'list.sort.label')), sortSelect),
    // a search deskd refused has no list to download
    searchError ? null : downloadLinks({ view, sort: apiSort, ...searchParams(search) }));

  const header = h('div', { class: 'page-header' },
    h('div', {},
      h('h1', {}, t('home.title')),
      h('p', { class: 'lead' }, user.org_name ? t('home.lead_org', { org: user.org_name }) : t('home.lead'))),
    h('a', { href: '#/new', class: 'button button-primary', 'data-action': 'new-request' }, icon('plus'), t('nav.new')));

  const notices = [];
  if (flash) {
    ctx.announce(flash.text);
    notices.push(message(flash.kind, h('p', {}, flash.text,
      flash.link ? [' ', h('a', { href: flash.link.href }, flash.link.text)] : null)));
  }

  let body;
  if (searchError) {
    body = h('div', { class: 'empty', 'data-empty': 'refused' }, h('p', {}, t('search.refused')));
  } else if (result.err) {
    body = errorPanel(result.err, () => ctx.navigate(location.hash));
  } else {
    const { data, fellBack } = result;
    if (fellBack || (sort === 'oldest' && !sortIsSupported())) {
      notices.push(message('info', h('p', {}, t('list.sort.unavailable'))));
    }
    const known = data.matched !== null && data.matched !== undefined;
    const summary = searching
      ? h('p', { class: 'search-matched', 'aria-live': 'polite', 'data-matched': known ? String(data.matched) : '' },
        known ? t('search.matched', { count: data.matched, n: formatNumber(data.matched) }) : t('search.filtered'))
      : null;
    let table;
    if (data.tickets.length) {
      table = ticketTable(data.tickets, labels, {
        caption: viewLabel(view, user),
        showRequester: seesOthers(user),
      });
    } else if (searching) {
      // the search looks in the view shown: offer the whole list too
      const wider = view !== 'all' ? h('a', { href: href(state, { view: 'all' }), 'data-action': 'search-all' },
        t('search.in_view', { view: viewLabel('all', user) })) : null;
      table = h('div', { class: 'empty', 'data-empty': 'search' },
        h('p', {}, t(search.q ? 'search.empty' : 'search.empty_filters')),
        h('p', { class: 'empty-actions' }, wider, wider ? ' · ' : null,
          h('a', { href: href(state, { search: emptySearch(), sort: '' }) }, t('search.clear_all'))));
    } else {
      table = h('div', { class: 'empty' },
        h('p', {}, t(`list.empty.${view}`)),
        view === 'open' ? h('p', {}, h('a', { href: '#/new' }, t('home.empty_new'))) : null);
    }
    body = [
      counters(data.counts, labels),
      summary,
      table,
      (cursor || data.next_cursor) ? pager({
        key, cursor, nextCursor: data.next_cursor, hrefFor: (c) => href(state, { cursor: c }), navigate: ctx.navigate,
      }) : null,
    ];
  }

  ctx.main.append(header, h('div', { class: 'notices', 'aria-live': 'polite' }, notices), form, tabs,
    h('section', { class: 'card list-card', 'aria-label': viewLabel(view, user) }, toolbar, body));
}
