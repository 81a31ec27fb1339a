// Access for colleagues. A customer with organisation visibility asks for
// an account for a colleague and sees their organisation's requests;
// support sees the requests of every organisation and approves (the
// colleague is invited by e-mail) or refuses them.

import { get, post } from '../api.js';
import { append, h, replace } from '../dom.js';
import { t, timeElement } from '../i18n.js';
import { isStaff } from '../registry.js';
import {
  busy, clearErrors, emailError, errorPanel, field, formError, loading, message, showApiError, showFieldErrors,
} from '../ui.js';

const STATES = ['pending', 'approved', 'refused', 'all'];

function askForm(ctx, onDone) {
  const name = h('input', { type: 'text', autocomplete: 'off', maxlength: '200' });
  const email = h('input', { type: 'email', autocomplete: 'off', maxlength: '254', spellcheck: 'false' });
  const phone = h('input', { type: 'tel', autocomplete: 'off', maxlength: '40' });
  const fn = h('input', { type: 'text', autocomplete: 'off', maxlength: '200' });
  const form = h('form', { class: 'form', novalidate: true, 'data-form': 'access-request' },
    formError(),
    field({ label: t('access.name'), control: name, name: 'name', required: true }),
    field({ label: t('access.email'), control: email, name: 'email', required: true }),
    field({ label: t('access.phone'), control: phone, name: 'phone' }),
    field({ label: t('access.function'), control: fn, name: 'function' }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button button-primary' }, t('access.submit'))));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const errors = [];
    if (!name.value.trim()) errors.push(['name', t('error.field.required')]);
    const address = email.value.trim();
    const bad = emailError(address);
    if (bad) errors.push(['email', bad]);
    if (errors.length) {
      showFieldErrors(form, errors);
      return;
    }
    clearErrors(form);
    await busy(form, async () => {
      try {
        await post('/access-requests', {
          name: name.value.trim(), email: address, phone: phone.value.trim() || null, function: fn.value.trim() || null,
        });
        for (const el of [name, email, phone, fn]) el.value = '';
        onDone(t('access.sent', { name: address }));
      } catch (err) {
        showApiError(form, err, { context: 'account' });
      }
    });
  });
  return form;
}

function requestRow(ctx, a, staff, reload) {
  const who = h('div', { class: 'access-who' },
    h('strong', {}, a.name), ' ', h('span', { class: 'muted' }, `<${a.email}>`));
  const details = h('p', { class: 'muted small' },
    [a.function, a.phone, a.org_name, a.requester_name ? t('access.asked_by', { name: a.requester_name }) : null]
      .filter(Boolean).join(' · '), ' · ', timeElement(a.created));
  const state = h('span', { class: `badge badge-${a.state}` }, t(`access.state.${a.state}`));
  const parts = [who, details, h('p', {}, state, a.reason ? ` ${a.reason}` : '')];
  if (staff && a.state === 'pending') {
    const reason = h('input', { type: 'text', maxlength: '2000', 'aria-label': t('access.reason') });
    const form = h('form', { class: 'form form-inline', novalidate: true, 'data-request': String(a.id) },
      formError(),
      h('button', { type: 'button', class: 'button button-primary', 'data-action': 'approve' }, t('access.approve')),
      field({ label: t('access.reason'), control: reason, name: 'reason' }),
      h('button', { type: 'submit', class: 'button button-secondary', 'data-action': 'refuse' }, t('access.refuse')));
    const decide = (path, body) => busy(form, async () => {
      try {
        await post(`/access-requests/${a.id}/${path}`, body);
        reload(t(path === 'approve' ? 'access.approved_done' : 'access.refused_done', { name: a.name }));
      } catch (err) {
        showApiError(form, err, { context: 'account' });
      }
    });
    form.querySelector('[data-action="approve"]').addEventListener('click', () => decide('approve'));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      decide('refuse', { reason: reason.value.trim() || null });
    });
    parts.push(form);
  }
  return h('li', { class: 'card access-request', 'data-id': String(a.id) }, ...parts);
}

export async function render(ctx) {
  const staff = isStaff(ctx.user);
  ctx.setTitle(t(staff ? 'access.title_staff' : 'access.title'));
  const state = ctx.query.get('state') && STATES.includes(ctx.query.get('state')) ? ctx.query.get('state')
    : (staff ? 'pending' : 'all');
  const notice = h('div', { 'aria-live': 'polite' });
  const list = h('div', {}, loading());
  let cursor = null;

  const load = async (flash) => {
    if (flash) replace(notice, message('success', h('p', {}, flash)));
    try {
      const data = await get('/access-requests', { query: { state, limit: 50 } });
      cursor = data.next_cursor;
      if (!data.access_requests.length) {
        replace(list, h('p', { class: 'muted' }, t('access.empty')));
        return;
      }
      replace(list, h('ul', { class: 'access-list' },
        data.access_requests.map((a) => requestRow(ctx, a, staff, load))),
      cursor ? h('p', { class: 'muted small' }, t('access.more')) : null);
    } catch (err) {
      replace(list, errorPanel(err, () => load()));
    }
  };

  const filters = h('nav', { class: 'view-tabs', 'aria-label': t('access.filter') },
    h('ul', {}, STATES.map((s) => h('li', {}, h('a', {
      href: `#/access-requests?state=${s}`, class: 'view-tab', 'aria-current': s === state ? 'page' : null,
    }, t(`access.state.${s}`))))));

  append(ctx.main, [h('h1', { tabindex: '-1' }, t(staff ? 'access.title_staff' : 'access.title')),
    h('p', { class: 'lead' }, t(staff ? 'access.intro_staff' : 'access.intro')),
    notice,
    staff ? null : h('section', { class: 'card' }, h('h2', {}, t('access.ask')),
      askForm(ctx, (text) => load(text))),
    h('section', {}, h('h2', {}, t('access.list')), filters, list)]);
  await load();
}
