// Home: the caller's tickets in four views (open by default, resolved and
// waiting for the customer's answer, closed, all), with counters, sort by
// created date and paging.

import { h, icon } from '../dom.js';
import { t } from '../i18n.js';
import { labels as loadLabels } from '../lookups.js';
import { isStaff } from '../registry.js';
import { takeFlash } from '../session.js';
import {
  counters, downloadLinks, fetchTickets, pager, sortIsSupported, ticketTable, trail,
} from '../ticket-list.js';
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

function href(view, sort, cursor) {
  const q = new URLSearchParams();
  if (view !== 'open') q.set('view', view);
  if (sort && sort !== 'newest') q.set('sort', sort);
  if (cursor) q.set('cursor', cursor);
  const s = q.toString();
  return s ? `#/?${s}` : '#/';
}

export async function render(ctx) {
  const { user } = ctx;
  const views = viewsFor(user);
  const view = views.includes(ctx.query.get('view')) ? ctx.query.get('view') : 'open';
  const sort = ctx.query.get('sort') === 'oldest' ? 'oldest' : 'newest';
  const cursor = ctx.query.get('cursor') || '';
  const key = `${view}|${sort}`;
  if (!cursor) trail(key).length = 0;
  ctx.setTitle(viewLabel(view, user));

  const flash = takeFlash();
  const [result, labels] = await Promise.all([
    fetchTickets({ view, cursor, sort }).catch((err) => ({ err })),
    loadLabels(),
  ]);
  if (!ctx.isCurrent()) return;
  if (result.err && result.err.handled) return;

  const tabs = h('nav', { class: 'view-tabs', 'aria-label': t('view.label') },
    h('ul', {}, views.map((v) => h('li', {},
      h('a', {
        href: href(v, sort, ''), class: 'view-tab', 'aria-current': v === view ? 'page' : null, 'data-view': v,
      }, viewLabel(v, user))))));

  const sortSelect = h('select', {
    id: 'sort',
    on: { change: (e) => ctx.navigate(href(view, e.target.value, '')) },
  },
  h('option', { value: 'newest', selected: sort === 'newest' }, t('list.sort.newest')),
  h('option', { value: 'oldest', selected: sort === 'oldest' }, t('list.sort.oldest')));
  const toolbar = h('div', { class: 'toolbar' },
    h('div', { class: 'toolbar-item' }, h('label', { for: 'sort' }, t('list.sort.label')), sortSelect),
    downloadLinks({ view, sort: sort === 'oldest' ? sort : '' }));

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
  if (result.err) {
    body = errorPanel(result.err, () => ctx.navigate(location.hash));
  } else {
    const { data, fellBack } = result;
    if (fellBack || (sort === 'oldest' && !sortIsSupported())) {
      notices.push(message('info', h('p', {}, t('list.sort.unavailable'))));
    }
    const table = data.tickets.length
      ? ticketTable(data.tickets, labels, {
        caption: viewLabel(view, user),
        showRequester: user.role === 'org-customer' || isStaff(user),
      })
      : h('div', { class: 'empty' },
        h('p', {}, t(`list.empty.${view}`)),
        view === 'open' ? h('p', {}, h('a', { href: '#/new' }, t('home.empty_new'))) : null);
    body = [
      counters(data.counts, labels),
      table,
      (cursor || data.next_cursor) ? pager({
        key, cursor, nextCursor: data.next_cursor, hrefFor: (c) => href(view, sort, c), navigate: ctx.navigate,
      }) : null,
    ];
  }

  ctx.main.append(header, h('div', { class: 'notices', 'aria-live': 'polite' }, notices), tabs,
    h('section', { class: 'card list-card', 'aria-label': viewLabel(view, user) }, toolbar, body));
}
