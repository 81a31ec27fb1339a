// What the caller may do to a ticket now, as its `actions` list says:
// cancel, close, accept with a rating, reopen with a comment, approve or
// reject; any other action (support's status changes) gets a generic form
// unless a page registered its own with registry.addActionRenderer.

import { post, ticketPath } from './api.js';
import { h, icon, uid } from './dom.js';
import { t } from './i18n.js';
import { actionRenderer, isStaff } from './registry.js';
import {
  busy, clearErrors, field, fieldGroup, focusField, formError, radio, sensitivePrompt, showApiError, showFieldErrors,
} from './ui.js';

const KNOWN = ['accept', 'reopen', 'close', 'cancel', 'approve', 'reject'];
const ORDER = ['accept', 'reopen', 'approve', 'reject', 'resolve', 'set_status', 'close', 'cancel'];

function actionLabel(name) {
  return KNOWN.includes(name) || name === 'resolve' || name === 'set_status' ? t(`action.${name}`) : name;
}

// Sends the action; on a sensitive-data refusal asks once and sends again
// with confirm_sensitive.
async function send(form, ctx, body, done) {
  await busy(form, async () => {
    try {
      const data = await post(ticketPath(ctx.ticket.ref, '/actions'), body);
      done(data.ticket, t(`action.done.${body.action}`, { ref: ctx.ticket.ref }));
    } catch (err) {
      if (err.code === 'sensitive_data' && !body.confirm_sensitive) {
        clearErrors(form);
        const box = sensitivePrompt(err, {
          fieldNames: { comment: t('action.comment') },
          onSend: () => send(form, ctx, { ...body, confirm_sensitive: true }, done),
          onEdit: () => focusField(form, 'comment'),
        });
        form.querySelector('.form-actions').before(box);
        box.querySelector('button').focus();
        return;
      }
      showApiError(form, err);
    }
  });
}

function ratingGroup() {
  const labels = [1, 2, 3, 4, 5].map((n) => radio({ label: t(`rating.${n}`), name: 'rating', value: String(n) }));
  const group = fieldGroup({
    legend: t('action.rating'), name: 'rating', required: true, className: 'rating-group', children: labels.map((r) => r.el),
  });
  return { group, value: () => { const c = labels.find((r) => r.input.checked); return c ? Number(c.input.value) : 0; } };
}

// The form of one action. onDone(ticketJson, messageText); onClose().
function actionForm(action, ctx, onDone, onClose) {
  const name = action.action;
  const form = h('form', { class: 'form action-form', novalidate: true, 'data-action-form': name });
  const parts = [formError()];
  const intro = t(`action.intro.${name}`);
  if (intro !== `action.intro.${name}`) parts.push(h('p', {}, intro));

  let rating = null;
  if (action.needs_rating || name === 'accept') {
    rating = ratingGroup();
    parts.push(rating.group);
  }
  let statusSelect = null;
  if (action.statuses && action.statuses.length) {
    statusSelect = h('select', {}, action.statuses.map((s) => h('option', { value: s.name, selected: s.name === action.default }, s.label)));
    parts.push(field({ label: t('action.status'), control: statusSelect, name: 'status', required: true }));
  }
  const comment = h('textarea', { rows: '3' });
  const commentRequired = Boolean(action.needs_comment);
  const commentLabel = name === 'accept' ? t('action.comment_satisfaction')
    : commentRequired ? t('action.comment_required') : t('action.comment_optional');
  parts.push(field({ label: commentLabel, control: comment, name: 'comment', required: commentRequired }));

  const confirm = h('button', { type: 'submit', class: `button ${name === 'cancel' || name === 'reject' ? 'button-danger' : 'button-primary'}`, 'data-confirm-action': name },
    t(`action.confirm.${name}`) !== `action.confirm.${name}` ? t(`action.confirm.${name}`) : actionLabel(name));
  const back = h('button', { type: 'button', class: 'button button-secondary', on: { click: onClose } }, t('action.back'));
  parts.push(h('div', { class: 'form-actions' }, confirm, back));
  form.append(...parts);

  form.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') onClose();
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const errors = [];
    const body = { action: name };
    const text = comment.value.trim();
    if (commentRequired && !text) errors.push(['comment', t(name === 'reopen' ? 'action.reopen_needs_comment' : 'error.field.required')]);
    if (text) body.comment = comment.value;
    if (rating) {
      const r = rating.value();
      if (!r) errors.push(['rating', t('action.rating_needed')]);
      else body.rating = r;
    }
    if (statusSelect) body.status = statusSelect.value;
    if (errors.length) {
      showFieldErrors(form, errors);
      return;
    }
    send(form, ctx, body, onDone);
  });
  return form;
}

// The actions panel: a button per action, the chosen action's form below.
export function actionsPanel(ctx) {
  const actions = (ctx.ticket.actions || []).filter((a) => a.action !== 'comment');
  if (!actions.length) return null;
  actions.sort((a, b) => ORDER.indexOf(a.action) - ORDER.indexOf(b.action));
  const slot = h('div', { class: 'action-slot' });
  const buttons = [];
  const close = (btn) => {
    slot.textContent = '';
    buttons.forEach((b) => b.setAttribute('aria-expanded', 'false'));
    if (btn) btn.focus();
  };
  for (const action of actions) {
    const formId = uid('action');
    const primary = action.action === 'accept' || action.action === 'approve';
    const btn = h('button', {
      type: 'button',
      class: `button ${primary ? 'button-primary' : 'button-secondary'}`,
      'aria-expanded': 'false',
      'aria-controls': formId,
      'data-action': action.action,
    }, actionLabel(action.action));
    btn.addEventListener('click', () => {
      const open = btn.getAttribute('aria-expanded') === 'true';
      close(null);
      if (open) return;
      btn.setAttribute('aria-expanded', 'true');
      const custom = actionRenderer(action.action);
      const done = (ticket, text) => ctx.reload(ticket, { panel: 'actions', text });
      const form = custom ? custom(action, ctx, done, () => close(btn)) : actionForm(action, ctx, done, () => close(btn));
      form.id = formId;
      slot.append(form);
      const first = form.querySelector('input, select, textarea');
      if (first) first.focus();
    });
    buttons.push(btn);
  }
  const cat = ctx.ticket.status_category;
  let hint = null;
  // the accept-or-reopen hint speaks to the customer, not to support
  if (cat === 'resolved' && !isStaff(ctx.user)) hint = h('p', { class: 'panel-hint' }, icon('info'), t('ticket.resolved_hint'));
  else if (ctx.ticket.status === 'waiting_for_approval') hint = h('p', { class: 'panel-hint' }, icon('info'), t('ticket.approval_hint'));
  return [hint, h('div', { class: 'action-buttons' }, buttons), slot];
}
