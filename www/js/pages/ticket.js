// One ticket: its facts, the people involved, the public log, a comment
// box and the actions the workflow allows the caller now.
//
// The page is a set of panels (registry.addTicketPanel) in two columns,
// 'main' and 'aside'. Support's pages add their panels (internal notes,
// assignment, resolution) or replace a built-in one by registering the same
// id. Every panel gets the same ticket context:
//   ticket   GET /api/v1/tickets/{ref} .ticket
//   user     the signed-in user
//   labels   lookups.Labels (status, type, service names)
//   reload(ticketJson?, note?)  redraw with a new ticket (the answer of a
//            change) or fetch it again; note {panel, text} is shown and
//            announced in that panel
//   announce(text), navigate(hash)

import { del, get, patch, post, ticketPath } from '../api.js';
import { filePicker, uploadFiles } from '../attachments.js';
import { h, icon } from '../dom.js';
import { t, timeElement } from '../i18n.js';
import { catalogue, labels as loadLabels } from '../lookups.js';
import { addTicketPanel, isStaff, ticketPanelsFor } from '../registry.js';
import { actionsPanel } from '../ticket-actions.js';
import { timeline } from '../timeline.js';
import {
  busy, checkedEmail, checkbox, clearErrors, errorPanel, field, focusField, formError, message, priorityBadge,
  priorityLabel, sensitivePrompt, showApiError, showFieldErrors, statusBadge,
} from '../ui.js';

const CUSTOMER_TYPES = ['incident', 'security_incident', 'question', 'task', 'service_request'];

function isClosed(ticket) {
  return ticket.status_category === 'closed';
}

// ---- built-in panels -------------------------------------------------------------

function descriptionPanel(ctx) {
  const { ticket } = ctx;
  return h('section', { class: 'card panel', 'aria-labelledby': 'p-description' },
    h('h2', { id: 'p-description' }, t('ticket.description')),
    ticket.description ? h('div', { class: 'prose' }, ticket.description) : h('p', { class: 'muted' }, t('ticket.no_description')));
}

function actionPanel(ctx) {
  const content = actionsPanel(ctx);
  if (!content) return null;
  return h('section', { class: 'card panel panel-actions', 'aria-labelledby': 'p-actions' },
    h('h2', { id: 'p-actions' }, t('ticket.actions')), content);
}

function timelinePanel(ctx) {
  return h('section', { class: 'card panel', 'aria-labelledby': 'p-timeline' },
    h('h2', { id: 'p-timeline' }, t('ticket.timeline')), timeline(ctx.ticket, ctx));
}

function commentPanel(ctx) {
  const { ticket, user } = ctx;
  if (isClosed(ticket)) {
    return h('section', { class: 'card panel', 'aria-labelledby': 'p-comment' },
      h('h2', { id: 'p-comment' }, t('ticket.comment')),
      h('p', { class: 'muted' }, t('ticket.closed_no_comment')));
  }
  const text = h('textarea', { rows: '4' });
  const staff = isStaff(user);
  const internal = staff ? checkbox({ label: t('ticket.internal_note'), name: 'internal' }) : null;
  // files go on the comment once it exists (docs/API.md, Attachments)
  const picker = filePicker({ name: 'comment' });
  const form = h('form', { class: 'form', novalidate: true, 'data-form': 'comment' },
    formError(),
    field({
      label: t('ticket.comment_label'),
      control: text,
      name: 'body',
      hint: ticket.status_category === 'resolved' || ticket.status === 'waiting_for_customer'
        ? t('ticket.comment_hint_reopens') : t('ticket.comment_hint'),
    }),
    picker.el,
    internal ? internal.el : null,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button button-primary' }, t('ticket.comment_submit'))));
  picker.dropOn(text);

  async function send(body) {
    await busy(form, async () => {
      try {
        const data = await post(ticketPath(ticket.ref, '/comments'), body);
        const files = picker.files();
        if (!files.length) {
          ctx.reload(data.ticket, { panel: 'comment', text: t('ticket.comment_added') });
          return;
        }
        const mine = (data.ticket.timeline || []).filter((e) => e.kind === 'comment' && e.actor_id === user.id);
        const seq = mine.length ? mine[mine.length - 1].seq : 0;
        let failed = null;
        try {
          await uploadFiles(ticket.ref, seq, files);
        } catch (err) {
          if (err.handled) return;
          failed = err;
        }
        await ctx.reload(undefined, failed ? null : { panel: 'comment', text: t('ticket.comment_added') });
        if (failed) ctx.panelMessage('comment', 'error', t('files.failed', { message: failed.message }));
      } catch (err) {
        if (err.code === 'sensitive_data' && !body.confirm_sensitive) {
          clearErrors(form);
          const box = sensitivePrompt(err, {
            fieldNames: { body: t('ticket.comment_label') },
            onSend: () => send({ ...body, confirm_sensitive: true }),
            onEdit: () => text.focus(),
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
    if (!text.value.trim()) {
      showFieldErrors(form, [['body', t('ticket.comment_empty')]]);
      return;
    }
    const body = { body: text.value };
    if (internal && internal.input.checked) body.internal = true;
    send(body);
  });
  return h('section', { class: 'card panel', 'aria-labelledby': 'p-comment' },
    h('h2', { id: 'p-comment' }, t('ticket.comment')), form);
}

function detailsPanel(ctx) {
  const { ticket, labels } = ctx;
  const rows = [];
  const row = (label, value, key) => {
    if (value === null || value === undefined || value === '') return;
    rows.push(h('div', { class: 'fact', 'data-fact': key || null }, h('dt', {}, label), h('dd', {}, value)));
  };
  row(t('ticket.ref'), ticket.ref, 'ref');
  row(t('ticket.status'), statusBadge(ticket.status_label || labels.status(ticket.status), ticket.status_category), 'status');
  row(t('ticket.priority'), [priorityBadge(ticket.priority), ' ', priorityLabel(ticket.priority)], 'priority');
  row(t('ticket.type'), labels.type(ticket.type), 'type');
  if (ticket.request_type) row(t('ticket.request_type'), labels.requestType(ticket.request_type), 'request_type');
  if (ticket.service) row(t('ticket.service'), labels.service(ticket.service), 'service');
  if (ticket.subcategory) row(t('ticket.subcategory'), labels.subcategory(ticket.service, ticket.subcategory), 'subcategory');
  row(t('ticket.created'), timeElement(ticket.created), 'created');
  row(t('ticket.updated'), timeElement(ticket.updated), 'updated');
  if (ticket.resolved) row(t('ticket.resolved'), timeElement(ticket.resolved), 'resolved');
  if (ticket.closed) row(t('ticket.closed'), timeElement(ticket.closed), 'closed');
  row(t('ticket.requester'), ticket.requester ? ticket.requester.name : '', 'requester');
  if (ticket.assignee) row(t('ticket.assignee'), ticket.assignee.name, 'assignee');
  const fields = ticket.fields || {};
  for (const [id, value] of Object.entries(fields)) {
    row(labels.fieldLabel(id, ticket.request_type), labels.fieldValue(id, value, ticket.request_type), `field-${id}`);
  }
  if (ticket.rating) {
    row(t('ticket.rating'), t('timeline.rating', { rating: ticket.rating }), 'rating');
    if (ticket.rating_comment) row(t('ticket.rating_comment'), ticket.rating_comment, 'rating_comment');
  }
  return h('section', { class: 'card panel', 'aria-labelledby': 'p-details' },
    h('h2', { id: 'p-details' }, t('ticket.details')), h('dl', { class: 'facts' }, rows));
}

function changePanel(ctx) {
  const { ticket, user, catalogueView } = ctx;
  if (isClosed(ticket) || !catalogueView) return null;
  const staff = isStaff(user);
  let types = (catalogueView.ticket_types || []).map((x) => x.id);
  if (!staff) types = types.filter((x) => CUSTOMER_TYPES.includes(x));
  if (!types.includes(ticket.type)) types.unshift(ticket.type);
  const priorities = catalogueView.priority && catalogueView.priority.priorities;
  if (types.length < 2 && !priorities) return null;

  const typeSelect = h('select', {}, types.map((id) => h('option', { value: id, selected: id === ticket.type }, ctx.labels.type(id))));
  const prioSelect = priorities
    ? h('select', {}, priorities.map((p) => h('option', { value: p.id, selected: p.id === ticket.priority }, `${p.id} – ${p.label}`)))
    : null;
  const form = h('form', { class: 'form', novalidate: true, 'data-form': 'change' },
    formError(),
    field({ label: t('ticket.type'), control: typeSelect, name: 'type' }),
    prioSelect ? field({ label: t('ticket.priority'), control: prioSelect, name: 'priority' })
      : h('p', { class: 'field-hint' }, t('ticket.priority_fixed')),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button button-secondary' }, t('ticket.update'))));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = {};
    if (typeSelect.value !== ticket.type) body.type = typeSelect.value;
    if (prioSelect && prioSelect.value !== ticket.priority) body.priority = prioSelect.value;
    if (!Object.keys(body).length) {
      showFieldErrors(form, [['type', t('ticket.nothing_changed')]]);
      return;
    }
    await busy(form, async () => {
      try {
        const data = await patch(ticketPath(ticket.ref), body);
        ctx.reload(data.ticket, { panel: 'change', text: t('ticket.updated_ok') });
      } catch (err) {
        showApiError(form, err);
      }
    });
  });
  return h('section', { class: 'card panel', 'aria-labelledby': 'p-change' },
    h('h2', { id: 'p-change' }, t('ticket.change')), form);
}

function peoplePanel(ctx) {
  const { ticket, user } = ctx;
  const closed = isClosed(ticket);
  const items = [];
  if (ticket.requester) {
    items.push(h('li', { class: 'person' }, icon('user'), h('span', {}, ticket.requester.name),
      h('span', { class: 'muted small' }, ` · ${t('ticket.role_requester')}`)));
  }
  // a button that stops sharing with an address (colleague or outside)
  const removeButton = (email, name) => (closed || !email ? null : h('button', {
    type: 'button',
    class: 'button button-quiet button-small',
    'data-remove': email,
    on: {
      click: async (e) => {
        const btn = e.currentTarget;
        btn.disabled = true;
        try {
          const data = await del(ticketPath(ticket.ref, `/participants/${encodeURIComponent(email)}`));
          ctx.reload(data.ticket, { panel: 'people', text: t('ticket.share_removed', { email }) });
        } catch (err) {
          btn.disabled = false;
          if (!err.handled) ctx.panelMessage('people', 'error', t('ticket.share_remove_failed', { email }));
        }
      },
    },
  }, icon('x'), h('span', { class: 'sr-only' }, t('ticket.share_remove', { email: name || email }))));
  for (const p of ticket.people || []) {
    items.push(h('li', { class: 'person', 'data-person': String(p.id), 'data-email': p.email || null }, icon('user'), h('span', {}, p.name),
      h('span', { class: 'muted small' }, ` · ${t('ticket.role_participant')}`), removeButton(p.email, p.name)));
  }
  for (const email of ticket.external_emails || []) {
    items.push(h('li', { class: 'person person-external', 'data-email': email }, icon('bell'), h('span', { class: 'person-email' }, email),
      h('span', { class: 'muted small' }, ` · ${t('ticket.role_external')}`), removeButton(email)));
  }

  const parts = [h('ul', { class: 'people' }, items)];
  if (ticket.shared_with_org) parts.push(h('p', { class: 'small muted' }, t('ticket.shared_org', { org: user.org_name || t('new.your_org') })));

  if (!closed) {
    const email = h('input', { type: 'email', autocomplete: 'off', inputmode: 'email', spellcheck: 'false' });
    const form = h('form', { class: 'form form-inline', novalidate: true, 'data-form': 'share' },
      formError(),
      field({ label: t('ticket.share_label'), control: email, name: 'email', hint: t('ticket.share_hint') }),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button button-secondary' }, t('ticket.share_add'))));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const address = checkedEmail(form, email);
      if (!address) return;
      await busy(form, async () => {
        try {
          const data = await post(ticketPath(ticket.ref, '/participants'), { email: address });
          ctx.reload(data.ticket, { panel: 'people', text: t('ticket.share_added', { email: address }) });
        } catch (err) {
          showApiError(form, err);
        }
      });
    });
    parts.push(form);
  }

  const following = Boolean(ticket.following);
  const followBtn = h('button', {
    type: 'button',
    class: 'button button-secondary',
    'aria-pressed': following ? 'true' : 'false',
    'data-action': 'follow',
    on: {
      click: async () => {
        followBtn.disabled = true;
        try {
          const path = ticketPath(ticket.ref, '/follow');
          const data = following ? await del(path) : await post(path);
          ctx.reload(data.ticket, { panel: 'people', text: t(following ? 'ticket.unfollowed' : 'ticket.followed') });
        } catch (err) {
          followBtn.disabled = false;
          if (!err.handled) ctx.panelMessage('people', 'error', t('error.generic'));
        }
      },
    },
  }, icon('bell'), t(following ? 'ticket.unfollow' : 'ticket.follow'));
  parts.push(h('div', { class: 'follow' }, followBtn,
    h('p', { class: 'small muted' }, t(following ? 'ticket.following_hint' : 'ticket.not_following_hint'))));

  return h('section', { class: 'card panel', 'aria-labelledby': 'p-people' },
    h('h2', { id: 'p-people' }, t('ticket.people')), parts);
}

addTicketPanel({ id: 'description', place: 'main', order: 10, render: descriptionPanel });
addTicketPanel({ id: 'actions', place: 'main', order: 20, render: actionPanel });
addTicketPanel({ id: 'timeline', place: 'main', order: 40, render: timelinePanel });
addTicketPanel({ id: 'comment', place: 'main', order: 50, render: commentPanel });
addTicketPanel({ id: 'details', place: 'aside', order: 10, render: detailsPanel });
addTicketPanel({ id: 'people', place: 'aside', order: 20, render: peoplePanel });
addTicketPanel({ id: 'change', place: 'aside', order: 30, render: changePanel });

// ---- the page ----------------------------------------------------------------------

function notFound(ctx) {
  ctx.setTitle(t('ticket.not_found_title'));
  ctx.main.append(h('h1', {}, t('ticket.not_found_title')),
    message('info', h('p', {}, t('ticket.not_found', { ref: ctx.params.ref })),
      h('p', {}, h('a', { href: '#/' }, t('common.back_home')))));
}

export async function render(ctx) {
  const ref = ctx.params.ref;
  let ticket;
  let labels;
  let catalogueView = null;
  try {
    const [data, l, cat] = await Promise.all([
      get(ticketPath(ref)),
      loadLabels(),
      catalogue().catch(() => null),
    ]);
    ticket = data.ticket;
    labels = l;
    catalogueView = cat;
  } catch (err) {
    if (err.handled || !ctx.isCurrent()) return;
    if (err.status === 404) {
      notFound(ctx);
      return;
    }
    ctx.setTitle(ref);
    ctx.main.append(h('h1', {}, ref), errorPanel(err, () => ctx.navigate(location.hash)));
    return;
  }
  if (!ctx.isCurrent()) return;

  const root = h('div', { class: 'ticket-page' });
  const tctx = {
    ticket,
    user: ctx.user,
    labels,
    catalogueView,
    navigate: ctx.navigate,
    announce: ctx.announce,
    reload: null,
    panelMessage: null,
  };

  // A message where the change was made, or under the page heading when
  // that panel is gone (an accepted ticket has no actions left).
  function panelMessage(panelId, kind, text) {
    for (const old of root.querySelectorAll('.panel-note')) old.remove();
    const note = h('div', { class: 'panel-note', tabindex: '-1' }, message(kind, h('p', {}, text)));
    const section = root.querySelector(`[data-panel="${panelId}"]`);
    if (section) {
      const target = section.querySelector('.panel') || section;
      const heading = target.querySelector('h2');
      if (heading) heading.after(note);
      else target.prepend(note);
    } else {
      root.querySelector('[data-notices]').append(note);
    }
    note.focus();
    if (kind !== 'error') ctx.announce(text);
  }

  function draw() {
    const tk = tctx.ticket;
    ctx.setTitle(`${tk.ref} ${tk.title}`);
    const closedNote = isClosed(tk) ? message('info', h('p', {}, t('ticket.closed_note'))) : null;
    const header = h('div', { class: 'page-header ticket-header' },
      h('div', {},
        h('p', { class: 'breadcrumb' },
          isStaff(ctx.user) ? h('a', { href: '#/queue' }, t('nav.queue')) : h('a', { href: '#/' }, t('home.title')),
          ' › ', h('span', { class: 'ticket-ref' }, tk.ref)),
        h('h1', { class: 'ticket-title' }, tk.title),
        h('p', { class: 'ticket-meta' },
          statusBadge(tk.status_label || labels.status(tk.status), tk.status_category), ' ',
          priorityBadge(tk.priority), ' ',
          h('span', { class: 'muted' }, t('ticket.opened_by', { name: tk.requester ? tk.requester.name : '' }), ' ', timeElement(tk.created)))));
    const column = (place) => ticketPanelsFor(ctx.user, place).map((p) => {
      const node = p.render(tctx);
      return node ? h('div', { 'data-panel': p.id }, node) : null;
    });
    root.textContent = '';
    root.append(header, h('div', { class: 'notices', 'data-notices': '' }), ...(closedNote ? [closedNote] : []),
      h('div', { class: 'ticket-grid' },
        h('div', { class: 'ticket-main' }, column('main')),
        h('aside', { class: 'ticket-aside', 'aria-label': t('ticket.aside') }, column('aside'))));
  }

  tctx.panelMessage = panelMessage;
  tctx.reload = async (newTicket, note) => {
    if (!newTicket) {
      try {
        newTicket = (await get(ticketPath(ticket.ref))).ticket;
      } catch (err) {
        if (!err.handled) panelMessage('timeline', 'error', t('error.generic'));
        return;
      }
    }
    tctx.ticket = newTicket;
    draw();
    if (note && note.text) panelMessage(note.panel, 'success', note.text);
  };

  draw();
  ctx.main.append(root);
}
