// Support's tools on the ticket page: assignment (agent and group), the
// resolution code and underlying cause, time spent, related tickets and
// redacting sensitive text, and the resolve form with its codes. They are
// registered as panels of the shared ticket page for staff roles only, so
// customers never get them.

import { patch, post, ticketPath } from '../api.js';
import { h, icon } from '../dom.js';
import {
  formatNumber, has, t, timeElement,
} from '../i18n.js';
import {
  addActionRenderer, addTicketPanel, addTimelineRenderer, STAFF_ROLES,
} from '../registry.js';
import { ticketHref } from '../ticket-list.js';
import {
  busy, checkbox, clearErrors, field, focusField, formError, priorityLabel, sensitivePrompt, showApiError, showFieldErrors,
} from '../ui.js';
import {
  agents as loadAgents, CAUSES, codeLabel, GROUPS, RESOLUTION_CODES,
} from './agent-data.js';

const REF_RE = /^[A-Za-z][A-Za-z0-9]{0,15}-\d{1,10}$/;

function isClosed(ticket) {
  return ticket.status_category === 'closed';
}

function panel(id, title, ...content) {
  // data-panel lets the page put its messages here also when the panel
  // sits inside another (the tools under the comment box)
  return h('section', { class: 'card panel panel-support', 'aria-labelledby': `p-${id}`, 'data-panel': `agent-${id}` },
    h('h2', { id: `p-${id}` }, title, h('span', { class: 'badge badge-staff' }, t('agent.staff_only'))),
    ...content);
}

function codeSelect(kind, codes, current, { empty = true } = {}) {
  const list = current && !codes.includes(current) ? [current, ...codes] : codes;
  return h('select', {},
    empty ? h('option', { value: '', selected: !current }, t('agent.none')) : null,
    list.map((c) => h('option', { value: c, selected: c === current }, codeLabel(kind, c))));
}

// Sends a change and redraws the page with the answer, or shows the error
// in the form.
async function submit(form, ctx, panelId, request, okText) {
  await busy(form, async () => {
    try {
      const data = await request();
      ctx.reload(data.ticket, { panel: panelId, text: okText });
    } catch (err) {
      showApiError(form, err);
    }
  });
}

// ---- assignment ------------------------------------------------------------------

function assignmentPanel(ctx) {
  const { ticket, user } = ctx;
  const current = ticket.assignee_id || null;
  const who = h('select', { 'data-assign': 'agent' },
    h('option', { value: '', selected: !current }, t('agent.unassigned')),
    h('option', { value: String(user.id), selected: current === user.id }, t('agent.me', { name: user.name || user.email })));
  // the other agents arrive a moment later; the current assignee is kept
  if (current && current !== user.id) {
    who.append(h('option', { value: String(current), selected: true }, ticket.assignee ? ticket.assignee.name : `#${current}`));
  }
  loadAgents().then((list) => {
    for (const a of list) {
      if (a.id === user.id || a.id === current) continue;
      who.append(h('option', { value: String(a.id) }, a.name));
    }
  }).catch(() => {});
  const group = codeSelect('group', GROUPS, ticket.assignee_group || '');
  const closed = isClosed(ticket);
  const state = h('p', { class: 'assignee-now', 'data-assignee-now': current ? String(current) : '' },
    icon('user'), ' ', current ? (current === user.id ? t('agent.assigned_you') : t('agent.assigned_to', { name: ticket.assignee ? ticket.assignee.name : `#${current}` }))
      : t('agent.nobody'),
    ticket.assignee_group ? h('span', { class: 'muted' }, ` · ${codeLabel('group', ticket.assignee_group)}`) : null);
  if (closed) return panel('assign', t('agent.assignment'), state);

  const form = h('form', { class: 'form', novalidate: true, 'data-form': 'assign' },
    formError(),
    field({ label: t('agent.assignee'), control: who, name: 'assignee_id' }),
    field({ label: t('agent.group'), control: group, name: 'assignee_group' }),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'button button-secondary' }, t('agent.assign')),
      current !== user.id ? h('button', {
        type: 'button',
        class: 'button button-quiet',
        'data-action': 'assign-me',
        on: {
          click: () => submit(form, ctx, 'agent-assign', () => patch(ticketPath(ticket.ref), { assignee_id: user.id }), t('agent.assigned_ok')),
        },
      }, t('agent.assign_me')) : null));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const body = {};
    const id = who.value ? Number(who.value) : null;
    if (id !== current) body.assignee_id = id;
    const g = group.value || null;
    if (g !== (ticket.assignee_group || null)) body.assignee_group = g;
    if (!Object.keys(body).length) {
      showFieldErrors(form, [['assignee_id', t('agent.nothing_changed')]]);
      return;
    }
    submit(form, ctx, 'agent-assign', () => patch(ticketPath(ticket.ref), body), t('agent.assigned_ok'));
  });
  return panel('assign', t('agent.assignment'), state, form);
}

// ---- resolution code and cause -------------------------------------------------------

function resolutionPanel(ctx) {
  const { ticket } = ctx;
  const facts = h('dl', { class: 'facts' },
    h('div', { class: 'fact', 'data-fact': 'resolution_code' }, h('dt', {}, t('field.resolution_code')), h('dd', {}, codeLabel('resolution', ticket.resolution_code))),
    h('div', { class: 'fact', 'data-fact': 'cause' }, h('dt', {}, t('field.cause')), h('dd', {}, codeLabel('cause', ticket.cause))));
  if (isClosed(ticket)) return panel('resolution', t('agent.resolution'), facts);
  const code = codeSelect('resolution', RESOLUTION_CODES, ticket.resolution_code || '');
  const cause = codeSelect('cause', CAUSES, ticket.cause || '');
  const form = h('form', { class: 'form', novalidate: true, 'data-form': 'resolution' },
    formError(),
    field({ label: t('field.resolution_code'), control: code, name: 'resolution_code' }),
    field({ label: t('field.cause'), control: cause, name: 'cause' }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button button-secondary' }, t('agent.save'))));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const body = {};
    if (code.value && code.value !== ticket.resolution_code) body.resolution_code = code.value;
    if (cause.value && cause.value !== ticket.cause) body.cause = cause.value;
    if (!Object.keys(body).length) {
      showFieldErrors(form, [['resolution_code', t('agent.nothing_changed')]]);
      return;
    }
    submit(form, ctx, 'agent-resolution', () => patch(ticketPath(ticket.ref), body), t('agent.saved'));
  });
  return panel('resolution', t('agent.resolution'), facts, form);
}

// ---- time ------------------------------------------------------------------------------

function timePanel(ctx) {
  const { ticket } = ctx;
  const minutes = ticket.minutes || 0;
  const billable = ticket.billable_minutes || 0;
  const totals = h('p', { class: 'time-totals', 'data-minutes': String(minutes), 'data-billable': String(billable) },
    t('agent.time_total', { minutes: formatNumber(minutes), billable: formatNumber(billable) }));
  if (isClosed(ticket)) return panel('time', t('agent.time'), totals);
  const input = h('input', {
    type: 'number', min: '1', max: '1440', step: '1', inputmode: 'numeric',
  });
  const bill = checkbox({ label: t('agent.billable'), name: 'billable' });
  const note = h('input', { type: 'text', maxlength: '500' });
  const form = h('form', { class: 'form', novalidate: true, 'data-form': 'time' },
    formError(),
    field({
      label: t('agent.minutes'), control: input, name: 'minutes', required: true, hint: t('agent.minutes_hint'),
    }),
    bill.el,
    field({ label: t('agent.time_note'), control: note, name: 'note' }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button button-secondary' }, t('agent.log_time'))));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const n = Number(input.value);
    if (!input.value || !Number.isInteger(n) || n < 1 || n > 1440) {
      showFieldErrors(form, [['minutes', t('agent.minutes_invalid')]]);
      return;
    }
    const body = { minutes: n, billable: bill.input.checked };
    if (note.value.trim()) body.note = note.value.trim();
    submit(form, ctx, 'agent-time', () => post(ticketPath(ticket.ref, '/time'), body), t('agent.time_logged', { minutes: formatNumber(n) }));
  });
  return panel('time', t('agent.time'), totals, form);
}

// ---- related tickets -----------------------------------------------------------------

function linksPanel(ctx) {
  const { ticket } = ctx;
  const related = ticket.related || [];
  const list = related.length
    ? h('ul', { class: 'related' }, related.map((ref) => h('li', { 'data-related': ref }, h('a', { href: ticketHref(ref), class: 'ref-link' }, ref))))
    : h('p', { class: 'muted small' }, t('agent.no_related'));
  if (isClosed(ticket)) return panel('links', t('agent.related'), list);
  const input = h('input', {
    type: 'text', autocomplete: 'off', spellcheck: 'false', placeholder: 'HD-10001',
  });
  const form = h('form', { class: 'form form-inline', novalidate: true, 'data-form': 'link' },
    formError(),
    field({ label: t('agent.link_ref'), control: input, name: 'ref' }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button button-secondary' }, t('agent.link'))));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const ref = input.value.trim().toUpperCase();
    if (!REF_RE.test(ref)) {
      showFieldErrors(form, [['ref', t('agent.link_invalid')]]);
      return;
    }
    if (ref === ticket.ref) {
      showFieldErrors(form, [['ref', t('agent.link_self')]]);
      return;
    }
    submit(form, ctx, 'agent-links', () => post(ticketPath(ticket.ref, '/links'), { ref }), t('agent.linked', { ref }));
  });
  return panel('links', t('agent.related'), list, form);
}

// ---- redaction ---------------------------------------------------------------------------

function excerpt(text) {
  const s = String(text || '').replace(/\s+/g, ' ').trim();
  return s.length > 48 ? `${s.slice(0, 47)}…` : s;
}

function redactPanel(ctx) {
  const { ticket } = ctx;
  const comments = (ticket.timeline || []).filter((e) => e.kind === 'comment' && !e.redacted && e.body);
  const target = h('select', {},
    h('option', { value: '' }, t('form.choose')),
    h('option', { value: 'field:title' }, t('agent.redact_title')),
    h('option', { value: 'field:description' }, t('agent.redact_description')),
    comments.map((e) => h('option', { value: `seq:${e.seq}` },
      t('agent.redact_comment', { who: (e.actor && e.actor.name) || '', text: excerpt(e.body) }))));
  const form = h('form', { class: 'form', novalidate: true, 'data-form': 'redact' },
    formError(),
    h('p', { class: 'small muted' }, t('agent.redact_hint')),
    field({ label: t('agent.redact_what'), control: target, name: 'target' }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button button-danger' }, t('agent.redact'))));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const v = target.value;
    if (!v) {
      showFieldErrors(form, [['target', t('agent.redact_choose')]]);
      return;
    }
    const body = v.startsWith('seq:') ? { seq: Number(v.slice(4)) } : { field: v.slice(6) };
    submit(form, ctx, 'agent-redact', () => post(ticketPath(ticket.ref, '/redactions'), body), t('agent.redacted'));
  });
  return panel('redact', t('agent.redaction'), form);
}

// ---- time, links and redaction together, under the comment box ----------------------------

function toolsPanel(ctx) {
  return h('div', { class: 'support-tools' }, timePanel(ctx), linksPanel(ctx), redactPanel(ctx));
}

// ---- field changes with the codes' words ----------------------------------------------------

function initials(name) {
  const parts = String(name || '?').trim().split(/\s+/).filter(Boolean);
  return ((parts[0] ? parts[0][0] : '?') + (parts.length > 1 ? parts[parts.length - 1][0] : '')).toUpperCase();
}

const CODE_FIELDS = { resolution_code: 'resolution', cause: 'cause', assignee_group: 'group' };

// Field events as the shared timeline shows them, but the resolution code,
// cause and team in words instead of their codes.
function fieldEvent(e, ctx) {
  const kind = CODE_FIELDS[e.field];
  const fieldName = has(`field.${e.field}`) ? t(`field.${e.field}`) : e.field;
  let from = e.old;
  let to = e.new;
  if (kind) {
    from = codeLabel(kind, e.old);
    to = codeLabel(kind, e.new);
  } else if (e.field === 'priority') {
    from = e.old ? `${e.old} (${priorityLabel(e.old)})` : t('timeline.none');
    to = e.new ? `${e.new} (${priorityLabel(e.new)})` : t('timeline.none');
  } else if (e.field === 'type') {
    from = e.old ? ctx.labels.type(e.old) : t('timeline.none');
    to = e.new ? ctx.labels.type(e.new) : t('timeline.none');
  } else {
    from = from === null || from === undefined || from === '' ? t('timeline.none') : String(from);
    to = to === null || to === undefined || to === '' ? t('timeline.none') : String(to);
  }
  const support = e.from_support || (e.actor && e.actor.support);
  const who = e.actor && e.actor.id === ctx.user.id ? t('timeline.you') : ((e.actor && e.actor.name) || t('timeline.someone'));
  return [h('div', { class: 'event-head' },
    h('span', { class: `avatar ${support ? 'avatar-support' : ''}`.trim(), 'aria-hidden': 'true' }, initials(e.actor && e.actor.name)),
    h('span', { class: 'event-line' },
      h('strong', { class: 'event-actor' }, who),
      support ? h('span', { class: 'badge badge-support' }, t('timeline.support')) : null,
      e.internal ? h('span', { class: 'badge badge-internal' }, t('agent.internal_change')) : null,
      ' ', h('span', { class: 'event-what' }, t('timeline.field', { field: fieldName, from, to })), ' ',
      timeElement(e.time)))];
}

addTimelineRenderer('field', fieldEvent);

// ---- the resolve form ------------------------------------------------------------------------

function resolveForm(action, ctx, done, onClose) {
  const form = h('form', { class: 'form action-form', novalidate: true, 'data-action-form': 'resolve' });
  const statuses = action.statuses || [];
  const status = statuses.length > 1
    ? h('select', {}, statuses.map((s) => h('option', { value: s.name, selected: s.name === (action.default || 'resolved') }, s.label)))
    : null;
  const code = codeSelect('resolution', RESOLUTION_CODES, ctx.ticket.resolution_code || '');
  const cause = codeSelect('cause', CAUSES, ctx.ticket.cause || '');
  const comment = h('textarea', { rows: '3' });
  form.append(formError(),
    h('p', {}, t('agent.resolve_intro')),
    status ? field({ label: t('action.status'), control: status, name: 'status' }) : null,
    h('div', { class: 'field-row' },
      field({ label: t('field.resolution_code'), control: code, name: 'resolution_code' }),
      field({ label: t('field.cause'), control: cause, name: 'cause' })),
    field({
      label: t('agent.resolve_comment'), control: comment, name: 'comment', hint: t('agent.resolve_comment_hint'),
    }),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'button button-primary', 'data-confirm-action': 'resolve' }, t('action.resolve')),
      h('button', { type: 'button', class: 'button button-secondary', on: { click: onClose } }, t('action.back'))));
  form.addEventListener('keydown', (e) => { if (e.key === 'Escape') onClose(); });

  async function send(body) {
    await busy(form, async () => {
      try {
        const data = await post(ticketPath(ctx.ticket.ref, '/actions'), body);
        done(data.ticket, t('action.done.resolve'));
      } catch (err) {
        if (err.code === 'sensitive_data' && !body.confirm_sensitive) {
          clearErrors(form);
          const box = sensitivePrompt(err, {
            fieldNames: { comment: t('agent.resolve_comment') },
            onSend: () => send({ ...body, confirm_sensitive: true }),
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
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const body = { action: 'resolve' };
    if (status) body.status = status.value;
    if (code.value) body.resolution_code = code.value;
    if (cause.value) body.cause = cause.value;
    if (comment.value.trim()) body.comment = comment.value;
    send(body);
  });
  return form;
}

addActionRenderer('resolve', resolveForm);

addTicketPanel({
  id: 'agent-assign', place: 'aside', order: 12, roles: STAFF_ROLES, render: assignmentPanel,
});
addTicketPanel({
  id: 'agent-resolution', place: 'aside', order: 14, roles: STAFF_ROLES, render: resolutionPanel,
});
addTicketPanel({
  id: 'agent-tools', place: 'main', order: 60, roles: STAFF_ROLES, render: toolsPanel,
});
