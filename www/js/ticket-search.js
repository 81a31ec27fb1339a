// The search box and filter panel above a ticket list: words to look for
// (q, with * as a wildcard), sets of statuses and priorities, the type,
// the service, the requester and ranges of created and closed days. The
// state lives in the page's address, so a reload, the back button or a
// shared link shows the same list; the API gets the same parameters
// (comma-separated sets, YYYY-MM-DD days), and so does the download.

import { h, icon } from './dom.js';
import { t } from './i18n.js';

export const PRIORITIES = ['P1', 'P2', 'P3', 'P4'];
const DATES = ['created_from', 'created_to', 'closed_from', 'closed_to'];
// Every filter the panel sets, in the order the address carries them.
export const FILTERS = ['status', 'priority', 'type', 'service', 'requester', ...DATES];
// deskd takes at most 200 bytes of search words.
const Q_MAX = 200;

const NAME = /^[a-z0-9_-]{1,64}$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const REQUESTER = /^(me|\d{1,10})$/;

function setOf(value, ok) {
  const seen = [];
  for (const v of String(value || '').split(',')) {
    const x = v.trim();
    if (x && ok(x) && !seen.includes(x)) seen.push(x);
  }
  return seen;
}

// The search from the page's address, each value checked; what does not
// fit is left out rather than sent on. allowRequester: the caller may
// filter by requester (org-customers, agents and admins).
export function readSearch(query, { allowRequester = false } = {}) {
  const get = (k) => query.get(k) || '';
  const s = {
    q: get('q').trim().slice(0, Q_MAX),
    status: setOf(get('status'), (x) => NAME.test(x)),
    priority: setOf(get('priority'), (x) => PRIORITIES.includes(x)).sort(),
    type: NAME.test(get('type')) ? get('type') : '',
    service: NAME.test(get('service')) ? get('service') : '',
    requester: allowRequester && REQUESTER.test(get('requester')) ? get('requester') : '',
  };
  for (const d of DATES) s[d] = DAY.test(get(d)) ? get(d) : '';
  return s;
}

export function emptySearch() {
  const s = {
    q: '', status: [], priority: [], type: '', service: '', requester: '',
  };
  for (const d of DATES) s[d] = '';
  return s;
}

// The parameters for GET /api/v1/tickets (and its export) and for the
// page's address: only what is set, sets joined by commas.
export function searchParams(s) {
  const p = {};
  if (s.q) p.q = s.q;
  for (const f of FILTERS) {
    const v = Array.isArray(s[f]) ? s[f].join(',') : s[f];
    if (v) p[f] = v;
  }
  return p;
}

export function activeFilters(s) {
  return FILTERS.filter((f) => (Array.isArray(s[f]) ? s[f].length : s[f])).length;
}

export function isSearching(s) {
  return Boolean(s.q) || activeFilters(s) > 0;
}

// The label of a parameter, for messages that name it.
function fieldLabel(field) {
  switch (field) {
    case 'q': return t('search.label');
    case 'status': return t('search.filter.status');
    case 'priority': return t('search.filter.priority');
    case 'type': return t('search.filter.type');
    case 'service': return t('search.filter.service');
    case 'requester': return t('search.filter.requester');
    case 'created_from': return `${t('search.filter.created')} (${t('search.filter.from')})`;
    case 'created_to': return `${t('search.filter.created')} (${t('search.filter.to')})`;
    case 'closed_from': return `${t('search.filter.closed')} (${t('search.filter.from')})`;
    case 'closed_to': return `${t('search.filter.closed')} (${t('search.filter.to')})`;
    case 'sort': return t('search.sort.label');
    default: return field;
  }
}

// Whether err is deskd refusing the search or a filter (and so belongs
// next to the search box rather than in place of the page).
export function isSearchError(err) {
  if (!err || !err.status) return false;
  if (err.status === 422 && err.code === 'search_too_broad') return true;
  return err.status === 400 && (err.field === 'q' || err.field === 'sort' || FILTERS.includes(err.field));
}

// The sentence for such an error, in the user's language.
export function searchErrorText(err, s) {
  if (err.code === 'search_too_broad') return t('search.error.too_broad', { q: s.q });
  if (err.field === 'q') {
    return t(err.code === 'unknown_parameter' ? 'search.error.q_unavailable' : 'search.error.q_invalid');
  }
  if (err.code === 'unknown_parameter') return t('search.error.filter_unavailable', { filter: fieldLabel(err.field) });
  return t('search.error.invalid', { filter: fieldLabel(err.field) });
}

function checkboxes(name, legend, options, chosen) {
  return h('fieldset', { class: 'search-set', 'data-filter': name },
    h('legend', {}, legend),
    h('div', { class: 'search-set-items' },
      options.map(([value, label]) => {
        const id = `search-${name}-${value}`;
        return h('div', { class: 'check' },
          h('input', {
            type: 'checkbox', id, name, value, checked: chosen.includes(value),
          }),
          h('label', { for: id }, label));
      })));
}

function selectField(name, label, options, value) {
  const id = `search-${name}`;
  // a value from the address the list does not offer stays selectable
  const opts = value && !options.some(([v]) => v === value) ? [...options, [value, value]] : options;
  return h('div', { class: 'search-field' },
    h('label', { for: id }, label),
    h('select', { id, name, 'data-filter': name },
      h('option', { value: '' }, t('search.any')),
      opts.map(([v, l]) => h('option', { value: v, selected: v === value }, l))));
}

function dateRange(name, legend, from, to) {
  const input = (which, value) => {
    const id = `search-${name}-${which}`;
    return h('div', { class: 'search-date' },
      h('label', { for: id }, t(`search.filter.${which}`)),
      h('input', {
        type: 'date', id, name: `${name}_${which}`, value, 'data-filter': `${name}_${which}`,
      }));
  };
  return h('fieldset', { class: 'search-range' },
    h('legend', {}, legend),
    h('div', { class: 'search-range-items' }, input('from', from), input('to', to)));
}

// The search form. Options:
//   state       the search now shown (readSearch)
//   statuses    [{name, label}] of the workflow
//   types       [{id, label}], services [{id, label}] of the catalogue
//   requesters  [{id, name}] the page knows (suggestions), or null when the
//               caller may not filter by requester
//   error       an ApiError the list answered with, or null
//   onSearch(state)  the user asked for a search
//   clearHref   the address of the list without search or filters
export function searchForm({
  state, statuses, types, services, requesters, error, onSearch, clearHref,
}) {
  const qInput = h('input', {
    type: 'search',
    id: 'search-q',
    name: 'q',
    value: state.q,
    maxlength: String(Q_MAX),
    placeholder: t('search.placeholder'),
    autocomplete: 'off',
    enterkeyhint: 'search',
    'aria-describedby': 'search-error',
    'aria-invalid': error && error.field === 'q' ? 'true' : null,
  });
  const errorText = h('p', {
    class: 'field-error search-error', id: 'search-error', role: 'alert', hidden: !error,
  }, error ? [icon('alert', 'field-error-icon'), h('span', {}, searchErrorText(error, state))] : null);

  const showError = (text, field) => {
    errorText.replaceChildren(icon('alert', 'field-error-icon'), h('span', {}, text));
    errorText.hidden = false;
    const el = form.querySelector(`[data-filter="${field}"]`);
    if (el) {
      el.setAttribute('aria-invalid', 'true');
      el.focus();
    }
  };

  const requesterField = requesters ? h('div', { class: 'search-field' },
    h('label', { for: 'search-requester' }, t('search.filter.requester')),
    h('input', {
      type: 'text',
      id: 'search-requester',
      name: 'requester',
      value: state.requester,
      list: 'search-requester-list',
      autocomplete: 'off',
      'data-filter': 'requester',
      'aria-describedby': 'search-requester-hint',
    }),
    h('datalist', { id: 'search-requester-list' },
      h('option', { value: 'me' }, t('search.requester_me')),
      requesters.map((p) => h('option', { value: String(p.id) }, p.name))),
    h('p', { class: 'field-hint', id: 'search-requester-hint' }, t('search.requester_hint'))) : null;

  const active = activeFilters(state);
  const panel = h('details', { class: 'search-filters', open: active > 0 || (error && error.field && error.field !== 'q') },
    h('summary', { 'data-action': 'toggle-filters' }, t('search.filters'),
      active ? h('span', { class: 'badge search-count', 'data-active': String(active) },
        t('search.active', { count: active, n: active })) : null),
    h('div', { class: 'search-grid' },
      checkboxes('status', t('search.filter.status'), statuses.map((x) => [x.name, x.label]), state.status),
      checkboxes('priority', t('search.filter.priority'), PRIORITIES.map((p) => [p, `${p} – ${t(`priority.${p}`)}`]), state.priority),
      h('div', { class: 'search-fields' },
        selectField('type', t('search.filter.type'), types.map((x) => [x.id, x.label]), state.type),
        selectField('service', t('search.filter.service'), services.map((x) => [x.id, x.label]), state.service),
        requesterField),
      h('div', { class: 'search-fields' },
        dateRange('created', t('search.filter.created'), state.created_from, state.created_to),
        dateRange('closed', t('search.filter.closed'), state.closed_from, state.closed_to))),
    h('div', { class: 'search-actions' },
      h('button', { type: 'submit', class: 'button button-primary button-small', 'data-action': 'apply-filters' }, t('search.apply'))));

  // What the form holds, as a search state; null (and the reason shown)
  // when something in it cannot be sent.
  const read = () => {
    const data = new FormData(form);
    const s = emptySearch();
    s.q = String(data.get('q') || '').trim();
    s.status = data.getAll('status').map(String);
    s.priority = data.getAll('priority').map(String);
    s.type = String(data.get('type') || '');
    s.service = String(data.get('service') || '');
    s.requester = String(data.get('requester') || '').trim().toLowerCase();
    for (const d of DATES) s[d] = String(data.get(d) || '');
    if (s.requester && !REQUESTER.test(s.requester)) {
      showError(t('search.error.requester'), 'requester');
      return null;
    }
    for (const [from, to, label] of [['created_from', 'created_to', 'search.filter.created'], ['closed_from', 'closed_to', 'search.filter.closed']]) {
      if (s[from] && s[to] && s[from] > s[to]) {
        showError(t('search.error.range', { filter: t(label) }), from);
        return null;
      }
    }
    return s;
  };

  const form = h('form', {
    class: 'ticket-search',
    role: 'search',
    novalidate: true,
    on: {
      submit: (e) => {
        e.preventDefault();
        const s = read();
        if (s) onSearch(s);
      },
    },
  },
  h('div', { class: 'search-row' },
    h('label', { for: 'search-q', class: 'search-label' }, t('search.label')),
    h('div', { class: 'search-box' },
      qInput,
      h('button', { type: 'submit', id: 'search-submit', class: 'button button-primary', 'data-action': 'search' }, t('search.submit')),
      isSearching(state) ? h('a', {
        href: clearHref, class: 'button button-quiet', 'data-action': 'clear-search',
      }, t('search.clear')) : null),
    errorText),
  panel);
  // the control deskd refused is marked as well as named
  const refused = error && error.field && error.field !== 'q'
    ? form.querySelector(`input[data-filter="${error.field}"], select[data-filter="${error.field}"], [data-filter="${error.field}"] input`) : null;
  if (refused) refused.setAttribute('aria-invalid', 'true');
  return form;
}
