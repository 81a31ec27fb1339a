// Shared pieces of the pages: form fields with their error slots, messages,
// badges, and turning an API error into words next to the right field.

import { h, icon, replace, show, uid } from './dom.js';
import { has, t } from './i18n.js';

// ---- messages ------------------------------------------------------------------

// A message box. kind: success | info | warning | error. Errors are
// announced at once (role=alert), the others politely (role=status).
export function message(kind, ...content) {
  const name = { success: 'check', error: 'alert', warning: 'alert' }[kind] || 'info';
  return h('div', { class: `message message-${kind}`, role: kind === 'error' ? 'alert' : 'status' },
    icon(name, 'message-icon'), h('div', { class: 'message-body' }, ...content));
}

export function loading() {
  return h('p', { class: 'loading', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), t('common.loading'));
}

// The words for an API error: a translation of its code where the portal
// has one, else the server's own sentence, else a general text.
export function errorText(err, context) {
  if (!err) return t('error.generic');
  const code = err.code || 'generic';
  if (context && has(`error.${context}.${code}`)) return t(`error.${context}.${code}`);
  if (code === 'network') return t('error.network');
  if (has(`error.${code}`)) return t(`error.${code}`);
  if (err.status >= 500) return t('error.server');
  return err.message || t('error.generic');
}

// A page-level error in place of a page: never a blank screen.
export function errorPanel(err, retry) {
  return message('error',
    h('p', {}, errorText(err)),
    retry ? h('p', {}, h('button', { type: 'button', class: 'button button-secondary', on: { click: retry } }, t('common.retry'))) : null);
}

// ---- form fields ------------------------------------------------------------------

// A labelled control with a hint and an error slot. The control gets an id,
// aria-describedby pointing at hint and error, aria-required, and
// data-field = name so errors from the API (error.field) find it.
export function field({ label, control, name, required = false, hint = null, className = '' }) {
  const id = control.id || uid('f');
  control.id = id;
  if (name) control.dataset.field = name;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, errorId].filter(Boolean).join(' ');
  control.setAttribute('aria-describedby', describedBy);
  if (required) {
    control.setAttribute('aria-required', 'true');
  }
  return h('div', { class: `field ${className}`.trim() },
    h('label', { for: id, class: 'field-label' }, label,
      required ? h('span', { class: 'required-mark', 'aria-hidden': 'true' }, ' *') : null,
      required ? h('span', { class: 'sr-only' }, ` (${t('form.required')})`) : null),
    hint ? h('p', { class: 'field-hint', id: hintId }, hint) : null,
    control,
    h('p', { class: 'field-error', id: errorId, hidden: true }));
}

// A group of checkboxes or radios in a fieldset with a legend, with an
// error slot for the group; name goes to data-field of the fieldset.
export function fieldGroup({ legend, name, children, hint = null, required = false, className = '' }) {
  const id = uid('g');
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const fs = h('fieldset', {
    class: `field-group ${className}`.trim(),
    'aria-describedby': [hint ? hintId : null, errorId].filter(Boolean).join(' '),
  },
  h('legend', { class: 'field-label' }, legend,
    required ? h('span', { class: 'required-mark', 'aria-hidden': 'true' }, ' *') : null,
    required ? h('span', { class: 'sr-only' }, ` (${t('form.required')})`) : null),
  hint ? h('p', { class: 'field-hint', id: hintId }, hint) : null,
  h('div', { class: 'field-group-items' }, children),
  h('p', { class: 'field-error', id: errorId, hidden: true }));
  if (name) fs.dataset.field = name;
  return fs;
}

export function checkbox({ label, name, checked = false, value = null }) {
  const id = uid('c');
  const input = h('input', { type: 'checkbox', id, name, value, checked });
  return { input, el: h('div', { class: 'check' }, input, h('label', { for: id }, label)) };
}

export function radio({ label, name, value, checked = false }) {
  const id = uid('r');
  const input = h('input', { type: 'radio', id, name, value, checked });
  return { input, el: h('div', { class: 'check' }, input, h('label', { for: id }, label)) };
}

// The slot at the top of a form for errors that concern no single field.
export function formError() {
  return h('div', { class: 'form-error', 'data-form-error': '' });
}

function errorSlotFor(control) {
  const ids = (control.getAttribute('aria-describedby') || '').split(/\s+/);
  const errorId = ids.find((x) => x.endsWith('-error'));
  return errorId ? document.getElementById(errorId) : null;
}

export function setFieldError(form, name, text) {
  const control = form.querySelector(`[data-field="${CSS.escape(name)}"]`);
  if (!control) return false;
  const slot = errorSlotFor(control);
  if (!slot) return false;
  replace(slot, icon('alert', 'field-error-icon'), text);
  show(slot, true);
  control.setAttribute('aria-invalid', 'true');
  control.closest('.field, .field-group')?.classList.add('has-error');
  return true;
}

export function clearErrors(form) {
  for (const el of form.querySelectorAll('[aria-invalid="true"]')) el.removeAttribute('aria-invalid');
  for (const el of form.querySelectorAll('.has-error')) el.classList.remove('has-error');
  for (const slot of form.querySelectorAll('.field-error')) {
    replace(slot);
    show(slot, false);
  }
  for (const slot of form.querySelectorAll('[data-form-error]')) replace(slot);
}

export function setFormError(form, ...content) {
  const slot = form.querySelector('[data-form-error]');
  if (slot) replace(slot, message('error', ...content));
  return slot;
}

// Shows an API error on a form: next to the field it names when the form
// has that field (aliases maps API field names to form names), else at the
// top of the form. Focuses the field (or the message) so keyboard and
// screen-reader users land on it.
export function showApiError(form, err, { aliases = {}, context = null } = {}) {
  if (err && err.handled) return;
  clearErrors(form);
  const text = errorText(err, context);
  let name = err && err.field;
  if (name && aliases[name]) name = aliases[name];
  if (name && setFieldError(form, name, fieldErrorText(err, context))) {
    focusField(form, name);
    return;
  }
  setFormError(form, h('p', {}, text));
  const slot = form.querySelector('[data-form-error] .message');
  if (slot) {
    slot.setAttribute('tabindex', '-1');
    slot.focus();
  }
}

function fieldErrorText(err, context) {
  const code = err.code || 'generic';
  if (context && has(`error.${context}.${code}`)) return t(`error.${context}.${code}`);
  if (has(`error.field.${code}`)) return t(`error.field.${code}`);
  return errorText(err, context);
}

export function focusField(form, name) {
  const el = form.querySelector(`[data-field="${CSS.escape(name)}"]`);
  if (!el) return;
  const target = el.matches('fieldset') ? el.querySelector('input, select, textarea, button') : el;
  if (target) target.focus();
}

// Shows client-side check results: errors is [[name, text], ...].
export function showFieldErrors(form, errors) {
  clearErrors(form);
  for (const [name, text] of errors) setFieldError(form, name, text);
  if (errors.length) focusField(form, errors[0][0]);
}

// Disables a form's buttons while a request runs and marks it busy.
export async function busy(form, fn) {
  const buttons = [...form.querySelectorAll('button')];
  const was = buttons.map((b) => b.disabled);
  buttons.forEach((b) => { b.disabled = true; });
  form.setAttribute('aria-busy', 'true');
  try {
    return await fn();
  } finally {
    buttons.forEach((b, i) => { b.disabled = was[i]; });
    form.removeAttribute('aria-busy');
  }
}

// ---- badges ------------------------------------------------------------------------

export function priorityLabel(p) {
  return p ? t(`priority.${p}`) : '';
}

export function priorityBadge(p) {
  if (!p) return null;
  return h('span', { class: `badge priority priority-${String(p).toLowerCase()}`, title: priorityLabel(p), 'data-priority': p },
    p, h('span', { class: 'sr-only' }, ` (${priorityLabel(p)})`));
}

export function statusBadge(label, category) {
  return h('span', { class: `badge status status-${category || 'open'}` }, label);
}

export const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

// What is wrong with an e-mail address a form is about to send: the words
// for its field, or null when it looks right.
export function emailError(address) {
  if (!address) return t('error.field.required');
  return EMAIL_RE.test(address) ? null : t('signin.email_invalid');
}

// The address in a form's e-mail field (named "email"), or null once what
// is wrong with it is shown next to the field.
export function checkedEmail(form, email) {
  const address = email.value.trim();
  const bad = emailError(address);
  if (bad) {
    showFieldErrors(form, [['email', bad]]);
    return null;
  }
  return address;
}

// The pages that mail a link (sign-up, forgotten password): a card with
// the form and a way back to sign-in. On submit the address is checked,
// send(address) posts it and returns what to say, and that takes the
// form's place.
export function mailLinkPage(ctx, { id, title, intro, form, email, send }) {
  const result = h('div', { 'aria-live': 'polite' });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const address = checkedEmail(form, email);
    if (!address) return;
    clearErrors(form);
    await busy(form, async () => {
      try {
        const said = await send(address);
        form.remove();
        result.append(message('success', ...said));
        ctx.announce(result.textContent);
      } catch (err) {
        showApiError(form, err, { context: 'account' });
      }
    });
  });

  ctx.main.append(h('div', { class: 'auth-page' },
    h('section', { class: 'card auth-card' },
      h('h1', { id }, title),
      h('p', { class: 'lead' }, intro),
      form,
      result,
      h('p', { class: 'muted small' }, h('a', { href: '#/sign-in' }, t('account.back_to_signin'))))));
  ctx.autofocus(email);
}

// The answer to a 422 sensitive_data: what was found where (never the text
// itself) and the choice to send anyway or edit. fieldNames maps the API's
// field names to the labels the user saw.
export function sensitivePrompt(err, { onSend, onEdit, fieldNames = {} }) {
  const hits = (err.details && err.details.hits) || [];
  const id = uid('sensitive');
  const items = hits.map((hit) => h('li', {}, t('sensitive.hit', {
    kind: t(`sensitive.kind.${hit.kind}`),
    field: fieldNames[hit.field] || hit.field || '',
  })));
  const box = h('div', {
    class: 'message message-warning confirm', role: 'alertdialog', 'aria-labelledby': id, 'data-confirm': 'sensitive',
  },
  icon('alert', 'message-icon'),
  h('div', { class: 'message-body' },
    h('p', { id }, h('strong', {}, t('sensitive.found_title'))),
    h('p', {}, t('sensitive.found')),
    items.length ? h('ul', {}, items) : null,
    h('div', { class: 'form-actions' },
      h('button', {
        type: 'button', class: 'button button-primary', 'data-action': 'send-anyway', on: { click: () => { box.remove(); onSend(); } },
      }, t('sensitive.send_anyway')),
      h('button', {
        type: 'button', class: 'button button-secondary', 'data-action': 'edit', on: { click: () => { box.remove(); onEdit(hits); } },
      }, t('sensitive.edit')))));
  return box;
}
