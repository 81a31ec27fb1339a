// The user's own profile (PATCH /api/v1/me: name, phone, language, contact
// channels) and the password change (POST /api/v1/me/password, asking for
// the current password).

import { patch, post } from '../api.js';
import { changeLanguage } from '../app.js';
import { h } from '../dom.js';
import {
  detect, forgetLanguage, lang, LANGUAGES, t, timeElement,
} from '../i18n.js';
import { loadUser, setUser } from '../session.js';
import {
  busy, checkbox, clearErrors, errorPanel, field, fieldGroup, formError, message, showApiError, showFieldErrors,
} from '../ui.js';

const CHANNELS = ['email', 'phone', 'fax', 'mail'];

function profileForm(ctx, user) {
  const name = h('input', { type: 'text', autocomplete: 'name', maxlength: '200', value: user.name || '' });
  const email = h('input', { type: 'email', value: user.email || '', readonly: true, autocomplete: 'email' });
  const phone = h('input', { type: 'tel', autocomplete: 'tel', maxlength: '40', value: user.phone || '' });
  const language = h('select', {},
    h('option', { value: '', selected: !user.language }, t('profile.language_auto')),
    LANGUAGES.map((l) => h('option', { value: l.code, lang: l.code, selected: user.language === l.code }, l.name)));
  const channels = CHANNELS.map((c) => checkbox({
    label: t(`contact.${c}`), name: 'contact', value: c, checked: (user.contact || []).includes(c),
  }));

  const form = h('form', { class: 'form', novalidate: true, 'data-form': 'profile' },
    formError(),
    field({ label: t('profile.name'), control: name, name: 'name', required: true }),
    field({ label: t('profile.email'), control: email, name: 'email', hint: t('profile.email_hint') }),
    field({ label: t('profile.phone'), control: phone, name: 'phone', hint: t('profile.phone_hint') }),
    field({ label: t('profile.language'), control: language, name: 'language', hint: t('profile.language_hint') }),
    fieldGroup({
      legend: t('profile.contact'), name: 'contact', hint: t('profile.contact_hint'), children: channels.map((c) => c.el),
    }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button button-primary' }, t('profile.save'))));

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!name.value.trim()) {
      showFieldErrors(form, [['name', t('error.field.required')]]);
      return;
    }
    const body = {
      name: name.value.trim(),
      phone: phone.value.trim() || null,
      language: language.value || null,
      contact: channels.filter((c) => c.input.checked).map((c) => c.input.value),
    };
    clearErrors(form);
    await busy(form, async () => {
      try {
        const data = await patch('/me', body);
        const saved = data && data.user ? data.user : await loadUser();
        setUser(saved);
        if (!saved.language) forgetLanguage();
        const next = detect(saved.language);
        if (next !== lang()) await changeLanguage(next, { remember: Boolean(saved.language) });
        else ctx.refreshShell();
        // after a change of language the page was drawn again: find the slot anew
        const note = document.querySelector('[data-note="profile"]');
        if (note) note.replaceChildren(message('success', h('p', {}, t('profile.saved'))));
        ctx.announce(t('profile.saved'));
      } catch (err) {
        showApiError(form, err, { context: 'profile' });
      }
    });
  });
  return form;
}

function passwordForm(ctx) {
  const old = h('input', { type: 'password', autocomplete: 'current-password' });
  const fresh = h('input', { type: 'password', autocomplete: 'new-password', minlength: '8' });
  const again = h('input', { type: 'password', autocomplete: 'new-password' });
  const note = h('div', { 'data-note': 'password' });
  const form = h('form', { class: 'form', novalidate: true, 'data-form': 'password' },
    formError(),
    field({ label: t('password.old'), control: old, name: 'old_password', required: true }),
    field({ label: t('password.new'), control: fresh, name: 'new_password', required: true, hint: t('password.new_hint') }),
    field({ label: t('password.again'), control: again, name: 'new_password_again', required: true }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button button-primary' }, t('password.submit'))));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    note.replaceChildren();
    const errors = [];
    if (!old.value) errors.push(['old_password', t('error.field.required')]);
    if (!fresh.value) errors.push(['new_password', t('error.field.required')]);
    else if (fresh.value.length < 8) errors.push(['new_password', t('password.too_short')]);
    if (fresh.value && again.value !== fresh.value) errors.push(['new_password_again', t('password.mismatch')]);
    if (errors.length) {
      showFieldErrors(form, errors);
      return;
    }
    clearErrors(form);
    await busy(form, async () => {
      try {
        await post('/me/password', { old_password: old.value, new_password: fresh.value });
        old.value = '';
        fresh.value = '';
        again.value = '';
        note.replaceChildren(message('success', h('p', {}, t('password.changed'))));
        ctx.announce(t('password.changed'));
      } catch (err) {
        if (err.field === 'old_password' && err.code === 'invalid_value') {
          showFieldErrors(form, [['old_password', t('password.old_wrong')]]);
          return;
        }
        showApiError(form, err, { context: 'password' });
      }
    });
  });
  return h('div', {}, note, form);
}

export async function render(ctx) {
  ctx.setTitle(t('profile.title'));
  let user;
  try {
    user = await loadUser();
  } catch (err) {
    if (err.handled || !ctx.isCurrent()) return;
    ctx.main.append(h('h1', {}, t('profile.title')), errorPanel(err, () => ctx.navigate(location.hash)));
    return;
  }
  if (!ctx.isCurrent()) return;
  const roleText = t(`role.${user.role}`);
  ctx.main.append(
    h('div', { class: 'page-header' }, h('div', {},
      h('h1', {}, t('profile.title')),
      h('p', { class: 'lead' }, user.org_name ? t('profile.lead_org', { role: roleText, org: user.org_name }) : roleText,
        user.created ? [' · ', t('profile.since'), ' ', timeElement(user.created, false)] : null))),
    h('div', { class: 'profile-grid' },
      h('section', { class: 'card panel', 'aria-labelledby': 'p-profile' },
        h('h2', { id: 'p-profile' }, t('profile.details')),
        h('div', { 'data-note': 'profile' }),
        profileForm(ctx, user)),
      h('section', { class: 'card panel', 'aria-labelledby': 'p-password' },
        h('h2', { id: 'p-password' }, t('password.title')),
        h('p', { class: 'field-hint' }, t('password.lead')),
        passwordForm(ctx))));
}
