// A new request in steps: what it is about (request-type cards), the
// service and its sub-category when the contract offers services, then the
// form of that request type. The step is in the address (#/new?type=...&
// service=...&sub=...), so Back works and every step can be bookmarked.

import { post } from '../api.js';
import { filePicker, uploadFiles } from '../attachments.js';
import { h, icon } from '../dom.js';
import { t } from '../i18n.js';
import { catalogue } from '../lookups.js';
import { isStaff } from '../registry.js';
import { setFlash } from '../session.js';
import { ticketHref } from '../ticket-list.js';
import {
  busy, checkbox, clearErrors, EMAIL_RE, errorPanel, field, fieldGroup, focusField, formError, message,
  priorityLabel, sensitivePrompt, setFormError, showApiError, showFieldErrors,
} from '../ui.js';

function stepHref(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const s = q.toString();
  return s ? `#/new?${s}` : '#/new';
}

function cards(items, hrefFor, { className = '' } = {}) {
  return h('ul', { class: `cards ${className}`.trim() }, items.map((item) => h('li', {},
    h('a', { class: 'card-link', href: hrefFor(item), 'data-id': item.id },
      h('span', { class: 'card-title' }, item.label),
      item.description ? h('span', { class: 'card-text' }, item.description) : null,
      icon('next', 'card-arrow')))));
}

function steps(current, withService) {
  const names = withService ? ['type', 'service', 'details'] : ['type', 'details'];
  const idx = names.indexOf(current);
  return h('ol', { class: 'steps', 'aria-label': t('new.steps') }, names.map((n, i) => h('li', {
    class: i < idx ? 'done' : i === idx ? 'current' : '',
    'aria-current': i === idx ? 'step' : null,
  }, h('span', { class: 'step-no', 'aria-hidden': 'true' }, String(i + 1)), t(`new.step.${n}`))));
}

function summary(rt, service, sub, cat) {
  const items = [h('li', {}, h('span', { class: 'muted' }, `${t('new.summary.type')}: `), rt.label, ' ',
    h('a', { href: '#/new', class: 'small' }, t('new.change'), h('span', { class: 'sr-only' }, ` ${t('new.summary.type')}`)))];
  if (service) {
    items.push(h('li', {}, h('span', { class: 'muted' }, `${t('new.summary.service')}: `),
      service.label, sub ? ` › ${sub.label}` : '', ' ',
      h('a', { href: stepHref({ type: rt.id }), class: 'small' }, t('new.change'),
        h('span', { class: 'sr-only' }, ` ${t('new.summary.service')}`))));
  } else if ((cat.services || []).length) {
    items.push(h('li', {}, h('span', { class: 'muted' }, `${t('new.summary.service')}: `), t('new.no_service')));
  }
  return h('ul', { class: 'summary' }, items);
}

export async function render(ctx) {
  const { user } = ctx;
  ctx.setTitle(t('new.title'));
  let cat;
  try {
    cat = await catalogue();
  } catch (err) {
    if (err.handled || !ctx.isCurrent()) return;
    ctx.main.append(h('h1', {}, t('new.title')), errorPanel(err, () => ctx.navigate(location.hash)));
    return;
  }
  if (!ctx.isCurrent()) return;

  const services = cat.services || [];
  const withService = services.length > 0;
  const rt = cat.request_types.find((x) => x.id === ctx.query.get('type'));
  const service = services.find((x) => x.id === ctx.query.get('service'));
  const noService = ctx.query.get('service') === '-' && !cat.service_required;
  const subs = service ? service.subcategories || [] : [];
  const sub = subs.find((x) => x.id === ctx.query.get('sub'));

  const head = (step, title, lead) => [
    h('div', { class: 'page-header' }, h('div', {},
      h('h1', {}, t('new.title')),
      h('p', { class: 'lead' }, lead))),
    steps(step, withService),
    h('h2', { class: 'step-title' }, title),
  ];

  if (!rt) {
    ctx.main.append(...head('type', t('new.choose_type'), t('new.lead')),
      cards(cat.request_types, (x) => stepHref({ type: x.id }), { className: 'cards-types' }));
    return;
  }
  if (withService && !service && !noService) {
    const list = cards(services, (x) => stepHref({ type: rt.id, service: x.id }));
    ctx.main.append(...head('service', t('new.choose_service'), t('new.lead_service')),
      summary(rt, null, null, { services: [] }), list,
      cat.service_required ? null : h('p', {}, h('a', { href: stepHref({ type: rt.id, service: '-' }) }, t('new.skip_service'))));
    return;
  }
  if (service && subs.length && !sub) {
    ctx.main.append(...head('service', t('new.choose_sub', { service: service.label }), t('new.lead_service')),
      summary(rt, service, null, cat),
      cards(subs, (x) => stepHref({ type: rt.id, service: service.id, sub: x.id })));
    return;
  }

  ctx.main.append(...head('details', rt.label, rt.description || ''), summary(rt, service, sub, cat),
    requestForm(ctx, { cat, rt, service, sub, user }));
}

// ---- the form ----------------------------------------------------------------------

function controlFor(f) {
  if (f.kind === 'choice') {
    return h('select', {}, h('option', { value: '' }, t('form.choose')),
      (f.choices || []).map((c) => h('option', { value: String(c.id) }, c.label)));
  }
  if (f.kind === 'boolean') {
    return h('select', {}, h('option', { value: '' }, t('form.choose')),
      h('option', { value: 'true' }, t('common.yes')), h('option', { value: 'false' }, t('common.no')));
  }
  if (f.kind === 'number') {
    return h('input', { type: 'number', step: 'any', min: f.min ?? null, max: f.max ?? null, inputmode: 'decimal' });
  }
  if (f.kind === 'date') return h('input', { type: 'date' });
  if (f.custom && (f.max_length || 1000) > 200) {
    return h('textarea', { rows: '3', maxlength: f.max_length || 1000 });
  }
  return h('input', { type: 'text', maxlength: f.max_length || 200 });
}

// The value to send for a field, undefined when not given, or an Error
// whose message says what is wrong.
function readControl(f, el) {
  const raw = el.value.trim();
  if (raw === '') return undefined;
  if (f.kind === 'choice') {
    const c = (f.choices || []).find((x) => String(x.id) === raw);
    return c ? c.id : raw;
  }
  if (f.kind === 'boolean') return raw === 'true';
  if (f.kind === 'number') {
    const n = Number(raw);
    if (!Number.isFinite(n)) return new Error(t('error.field.invalid_type'));
    if (f.min !== undefined && f.min !== null && n < f.min) return new Error(t('new.number_min', { min: f.min }));
    if (f.max !== undefined && f.max !== null && n > f.max) return new Error(t('new.number_max', { max: f.max }));
    return n;
  }
  return raw;
}

function requestForm(ctx, { cat, rt, service, sub, user }) {
  const staff = isStaff(user);
  const controls = new Map();
  const form = h('form', { class: 'form card request-form', novalidate: true, 'data-request-type': rt.id });

  const title = h('input', { type: 'text', maxlength: '200', autocomplete: 'off' });
  const description = h('textarea', { rows: '7' });
  // sent after the ticket exists, onto its creation (docs/API.md, Attachments)
  const picker = filePicker({ name: 'new' });
  picker.dropOn(description);
  const parts = [formError()];

  if (staff) {
    const requester = h('input', { type: 'email', autocomplete: 'off', inputmode: 'email' });
    const channel = h('select', {},
      ['phone', 'email', 'portal'].map((c) => h('option', { value: c }, t(`channel.${c}`))));
    controls.set('requester', requester);
    controls.set('channel', channel);
    parts.push(h('div', { class: 'field-row' },
      field({ label: t('new.requester'), control: requester, name: 'requester', required: true, hint: t('new.requester_hint') }),
      field({ label: t('new.channel'), control: channel, name: 'channel' })));
  }

  parts.push(
    field({ label: t('new.field.title'), control: title, name: 'title', required: true, hint: t('new.title_hint') }),
    field({ label: t('new.field.description'), control: description, name: 'description', required: true, hint: t('new.description_hint') }),
    picker.el,
  );

  // the request type's own fields, impact and urgency among them
  const typeFields = rt.fields || [];
  const fieldEls = [];
  for (const f of typeFields) {
    const el = controlFor(f);
    const name = f.custom ? `fields.${f.id}` : f.id;
    controls.set(name, el);
    fieldEls.push(field({ label: f.label, control: el, name, required: f.required }));
  }
  if (fieldEls.length) {
    parts.push(h('fieldset', { class: 'subsection' },
      h('legend', {}, t('new.details')),
      h('div', { class: 'field-grid' }, fieldEls)));
  }

  // priority, as the contract says
  const prio = cat.priority || { mode: 'none' };
  let prioritySelect = null;
  const preview = h('output', { class: 'priority-preview', 'aria-live': 'polite' });
  const updatePreview = () => {
    const imp = controls.get('impact');
    const urg = controls.get('urgency');
    const i = imp && imp.value ? Number(imp.value) : 3;
    const u = urg && urg.value ? Number(urg.value) : 3;
    const chosen = prioritySelect && prioritySelect.value;
    let p;
    if (chosen) p = chosen;
    else if (prio.mode === 'none') p = 'P4';
    else if (prio.matrix && prio.matrix[i - 1]) p = `P${prio.matrix[i - 1][u - 1]}`;
    preview.textContent = p ? t('new.priority_result', { priority: p, label: priorityLabel(p) }) : '';
    preview.dataset.priority = p || '';
  };
  const prioParts = [];
  if (prio.mode === 'direct' && prio.priorities) {
    prioritySelect = h('select', {}, h('option', { value: '' }, t('new.priority_auto')),
      prio.priorities.map((p) => h('option', { value: p.id }, `${p.id} – ${p.label}`)));
    controls.set('priority', prioritySelect);
    prioParts.push(field({ label: t('new.priority'), control: prioritySelect, name: 'priority', hint: t('new.priority_direct_hint') }));
  } else if (prio.mode === 'matrix') {
    prioParts.push(h('p', { class: 'field-hint' }, t('new.priority_matrix_hint')));
  } else {
    prioParts.push(h('p', { class: 'field-hint' }, t('new.priority_none_hint')));
  }
  prioParts.push(preview);
  parts.push(h('fieldset', { class: 'subsection' }, h('legend', {}, t('new.priority_section')), prioParts));
  for (const name of ['impact', 'urgency', 'priority']) {
    const el = controls.get(name);
    if (el) el.addEventListener('change', updatePreview);
  }
  updatePreview();

  // who may see it
  const orgName = user.org_name || t('new.your_org');
  const share = checkbox({ label: t('new.share_org', { org: orgName }), name: 'shared_with_org', checked: Boolean(cat.share_by_default) });
  share.input.dataset.field = 'shared_with_org';
  const people = h('input', { type: 'text', autocomplete: 'off', inputmode: 'email', spellcheck: 'false' });
  controls.set('participants', people);
  parts.push(h('fieldset', { class: 'subsection' },
    h('legend', {}, t('new.share_section')),
    share.el,
    field({ label: t('new.share_people'), control: people, name: 'participants', hint: t('new.share_people_hint') })));

  // no sensitive data
  parts.push(message('warning',
    h('p', {}, h('strong', {}, t('sensitive.notice_title')), ' ', t('sensitive.notice'))));

  const confirmSlot = h('div', { class: 'confirm-slot' });
  const submit = h('button', { type: 'submit', class: 'button button-primary' }, t('new.submit'));
  parts.push(confirmSlot, h('div', { class: 'form-actions' },
    submit, h('a', { href: '#/', class: 'button button-secondary' }, t('common.cancel'))));
  form.append(...parts);

  function collect() {
    const errors = [];
    const body = {
      title: title.value.trim(),
      description: description.value,
      request_type: rt.id,
    };
    if (!body.title) errors.push(['title', t('error.field.required')]);
    if (!description.value.trim()) errors.push(['description', t('error.field.required')]);
    if (service) body.service = service.id;
    if (sub) body.subcategory = sub.id;
    const custom = {};
    for (const f of typeFields) {
      const name = f.custom ? `fields.${f.id}` : f.id;
      const value = readControl(f, controls.get(name));
      if (value instanceof Error) {
        errors.push([name, value.message]);
      } else if (value === undefined) {
        if (f.required) errors.push([name, t('error.field.required')]);
      } else if (f.custom) {
        custom[f.id] = value;
      } else {
        body[f.id] = value;
      }
    }
    if (Object.keys(custom).length) body.fields = custom;
    if (prioritySelect && prioritySelect.value) body.priority = prioritySelect.value;
    body.shared_with_org = share.input.checked;
    const addresses = people.value.split(/[\s,;]+/).map((x) => x.trim()).filter(Boolean);
    const bad = addresses.find((a) => !EMAIL_RE.test(a));
    if (bad) errors.push(['participants', t('new.share_people_invalid', { address: bad })]);
    if (addresses.length) body.participants = addresses;
    if (staff) {
      const requester = controls.get('requester').value.trim();
      if (!requester) errors.push(['requester', t('error.field.required')]);
      else if (!EMAIL_RE.test(requester)) errors.push(['requester', t('signin.email_invalid')]);
      body.requester = requester;
      body.channel = controls.get('channel').value;
    }
    return { body, errors };
  }

  async function send(body) {
    await busy(form, async () => {
      try {
        const data = await post('/tickets', body);
        const ref = data.ticket.ref;
        try {
          await uploadFiles(ref, 1, picker.files());
          setFlash('success', t('new.created', { ref }), { href: ticketHref(ref), text: t('new.open_it', { ref }) });
        } catch (err) {
          if (err.handled) return;
          setFlash('error', t('files.failed_new', { ref, message: err.message }), { href: ticketHref(ref), text: t('new.open_it', { ref }) });
        }
        ctx.navigate('#/');
      } catch (err) {
        if (err.code === 'sensitive_data') {
          askSensitive(body, err);
          return;
        }
        showApiError(form, err);
      }
    });
  }

  function askSensitive(body, err) {
    clearErrors(form);
    const box = sensitivePrompt(err, {
      fieldNames: { title: t('new.field.title'), description: t('new.field.description') },
      onSend: () => send({ ...body, confirm_sensitive: true }),
      onEdit: (hits) => focusField(form, hits[0] && hits[0].field === 'title' ? 'title' : 'description'),
    });
    confirmSlot.textContent = '';
    confirmSlot.append(box);
    box.querySelector('button').focus();
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

  ctx.autofocus(staff ? controls.get('requester') : title);
  return form;
}
