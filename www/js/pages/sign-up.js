// Sign up with an e-mail address (POST /api/v1/signup). The answer is the
// same whoever asks, so the page always says the same: look in your mail.

import { post } from '../api.js';
import { h } from '../dom.js';
import { lang, t } from '../i18n.js';
import {
  busy, clearErrors, EMAIL_RE, field, formError, message, showApiError, showFieldErrors,
} from '../ui.js';

export async function render(ctx) {
  ctx.setTitle(t('signup.title'));
  const email = h('input', {
    type: 'email', name: 'email', autocomplete: 'email', inputmode: 'email', spellcheck: 'false', maxlength: '254',
  });
  const name = h('input', { type: 'text', name: 'name', autocomplete: 'name', maxlength: '200' });
  const submit = h('button', { type: 'submit', class: 'button button-primary button-wide' }, t('signup.submit'));
  const result = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'form', novalidate: true, 'aria-labelledby': 'signup-title', 'data-form': 'signup' },
    formError(),
    field({ label: t('signup.email'), control: email, name: 'email', required: true, hint: t('signup.email_hint') }),
    field({ label: t('signup.name'), control: name, name: 'name' }),
    h('div', { class: 'form-actions' }, submit));

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const address = email.value.trim();
    if (!address || !EMAIL_RE.test(address)) {
      showFieldErrors(form, [['email', address ? t('signin.email_invalid') : t('error.field.required')]]);
      return;
    }
    clearErrors(form);
    await busy(form, async () => {
      try {
        await post('/signup', { email: address, name: name.value.trim() || null, language: lang() },
          { noRedirect: true });
        form.remove();
        result.append(message('success', h('p', {}, t('signup.sent', { email: address })),
          h('p', {}, t('signup.sent_more'))));
        ctx.announce(result.textContent);
      } catch (err) {
        showApiError(form, err, { context: 'account' });
      }
    });
  });

  ctx.main.append(h('div', { class: 'auth-page' },
    h('section', { class: 'card auth-card' },
      h('h1', { id: 'signup-title' }, t('signup.title')),
      h('p', { class: 'lead' }, t('signup.intro')),
      form,
      result,
      h('p', { class: 'muted small' }, h('a', { href: '#/sign-in' }, t('account.back_to_signin'))))));
  ctx.autofocus(email);
}
