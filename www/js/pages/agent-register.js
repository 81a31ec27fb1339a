// Support registers a ticket for a customer who called, wrote or came by:
// the customer's e-mail address, how the request came in, any ticket type
// (problems and change requests included), any priority, and optionally a
// service and sub-category. On success the new ticket opens.

import { post } from '../api.js';
import { filePicker, uploadFiles } from '../attachments.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { catalogue } from '../lookups.js';
import { setFlash } from '../session.js';
import { ticketHref } from '../ticket-list.js';
import {
  busy, clearErrors, EMAIL_RE, field, focusField, formError, sensitivePrompt, setFormError, showApiError, showFieldErrors,
} from '../ui.js';

const CHANNELS = ['phone', 'email', 'portal'];
const TYPES = ['incident', 'security_incident', 'question', 'service_request', 'task', 'problem', 'change_request'];
const PRIORITIES = ['P1', 'P2', 'P3', 'P4'];

function options(list, value) {
  return list.map(([v, label]) => h('option', { value: v, selected: v === value }, label));
}

export async function render(ctx) {
  ctx.setTitle(t('register.title'));
  const cat = await catalogue().catch(() => null);
  if (!ctx.isCurrent()) return;

  const types = cat && cat.ticket_types && cat.ticket_types.length
    ? cat.ticket_types.map((x) => [x.id, x.label || t(`type.${x.id}`)])
    : TYPES.map((x) => [x, t(`type.${x}`)]);
  const services = (cat && cat.services) || [];

  const requester = h('input', { type: 'email', autocomplete: 'off', inputmode: 'email', spellcheck: 'false' });
  const channel = h('select', {}, options(CHANNELS.map((c) => [c, t(`channel.${c}`)]), 'phone'));
  const type = h('select', {}, options(types, 'incident'));
  const priority = h('select', {}, options([
    ['', t('register.priority_auto')], ...PRIORITIES.map((p) => [p, `${p} – ${t(`priority.${p}`)}`]),
  ], ''));
  const service = h('select', {}, options([['', t('new.no_service')], ...services.map((s) => [s.id, s.label || s.id])], ''));
  const sub = h('select', {});
  const title = h('input', { type: 'text', maxlength: '200', autocomplete: 'off' });
  const description = h('textarea', { rows: '7' });
  // sent after the ticket exists, onto its creation, as on the customers' form
  const picker = filePicker({ name: 'register' });
  picker.dropOn(description);
  const subField = field({ label: t('register.subcategory'), control: sub, name: 'subcategory' });

  function fillSubs() {
    const s = services.find((x) => x.id === service.value);
    const subs = (s && s.subcategories) || [];
    sub.textContent = '';
    sub.append(...options([['', t('new.no_service')], ...subs.map((x) => [x.id, x.label || x.id])], ''));
    subField.hidden = !subs.length;
  }
  service.addEventListener('change', fillSubs);
  fillSubs();

  const confirmSlot = h('div', { class: 'confirm-slot' });
  const form = h('form', { class: 'form card request-form', novalidate: true, 'data-form': 'register' },
    formError(),
    h('div', { class: 'field-row' },
      field({ label: t('new.requester'), control: requester, name: 'requester', required: true, hint: t('new.requester_hint') }),
      field({ label: t('new.channel'), control: channel, name: 'channel' })),
    h('div', { class: 'field-row' },
      field({ label: t('field.type'), control: type, name: 'type' }),
      field({ label: t('field.priority'), control: priority, name: 'priority' })),
    h('div', { class: 'field-row' },
      field({ label: t('register.service'), control: service, name: 'service' }),
      subField),
    field({ label: t('new.field.title'), control: title, name: 'title', required: true }),
    field({ label: t('new.field.description'), control: description, name: 'description', required: true }),
    picker.el,
    confirmSlot,
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'button button-primary' }, t('register.submit')),
      h('a', { href: '#/queue', class: 'button button-secondary' }, t('common.cancel'))));

  function collect() {
    const errors = [];
    const body = {
      requester: requester.value.trim(),
      channel: channel.value,
      type: type.value,
      title: title.value.trim(),
      description: description.value,
    };
    if (!body.requester) errors.push(['requester', t('error.field.required')]);
    else if (!EMAIL_RE.test(body.requester)) errors.push(['requester', t('signin.email_invalid')]);
    if (!body.title) errors.push(['title', t('error.field.required')]);
    if (!body.description.trim()) errors.push(['description', t('error.field.required')]);
    if (priority.value) body.priority = priority.value;
    if (service.value) body.service = service.value;
    if (service.value && sub.value) body.subcategory = sub.value;
    return { body, errors };
  }

  async function send(body) {
    await busy(form, async () => {
      try {
        const data = await post('/tickets', body);
        const ref = data.ticket.ref;
        try {
          await uploadFiles(ref, 1, picker.files());
        } catch (err) {
          if (err.handled) return;
          setFlash('error', t('files.failed_new', { ref, message: err.message }), { href: ticketHref(ref), text: t('new.open_it', { ref }) });
        }
        ctx.navigate(ticketHref(ref));
      } catch (err) {
        if (err.code === 'sensitive_data') {
          clearErrors(form);
          const box = sensitivePrompt(err, {
            fieldNames: { title: t('new.field.title'), description: t('new.field.description') },
            onSend: () => send({ ...body, confirm_sensitive: true }),
            onEdit: (hits) => focusField(form, hits[0] && hits[0].field === 'title' ? 'title' : 'description'),
          });
          confirmSlot.textContent = '';
          confirmSlot.append(box);
          box.querySelector('button').focus();
          return;
        }
        showApiError(form, err);
      }
    });
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    confirmSlot.textContent = '';
    const { body, errors } = collect();
    if (errors.length) {
      showFieldErrors(form, errors);
      setFormError(form, h('p', {}, t('form.fix_errors', { count: errors.length })));
      focusField(form, errors[0][0]);
      return;
    }
    send(body);
  });

  ctx.main.append(
    h('div', { class: 'page-header' }, h('div', {},
      h('h1', {}, t('register.title')),
      h('p', { class: 'lead' }, t('register.lead')))),
    form);
  ctx.autofocus(requester);
}
