// Forgotten password (POST /api/v1/password/forgot): the same answer for
// every address, so the page always says the same.

import { post } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import {
  busy, clearErrors, EMAIL_RE, field, formError, message, showApiError, showFieldErrors,
} from '../ui.js';

export async function render(ctx) {
  ctx.setTitle(t('forgot.title'));
  const email = h('input', {
    type: 'email', name: 'email', autocomplete: 'username', inputmode: 'email', spellcheck: 'false', maxlength: '254',
  });
  const result = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'form', novalidate: true, 'aria-labelledby': 'forgot-title', 'data-form': 'forgot' },
    formError(),
    field({ label: t('signin.email'), control: email, name: 'email', required: true }),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'button button-primary button-wide' }, t('forgot.submit'))));

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
        await post('/password/forgot', { email: address }, { noRedirect: true });
        form.remove();
        result.append(message('success', h('p', {}, t('forgot.sent', { email: address }))));
        ctx.announce(result.textContent);
      } catch (err) {
        showApiError(form, err, { context: 'account' });
      }
    });
  });

  ctx.main.append(h('div', { class: 'auth-page' },
    h('section', { class: 'card auth-card' },
      h('h1', { id: 'forgot-title' }, t('forgot.title')),
      h('p', { class: 'lead' }, t('forgot.intro')),
      form,
      result,
      h('p', { class: 'muted small' }, h('a', { href: '#/sign-in' }, t('account.back_to_signin'))))));
  ctx.autofocus(email);
}
