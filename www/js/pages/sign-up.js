// Sign up with an e-mail address (POST /api/v1/signup). The answer is the
// same whoever asks, so the page always says the same: look in your mail.

import { post } from '../api.js';
import { h } from '../dom.js';
import { lang, t } from '../i18n.js';
import { field, formError, mailLinkPage } from '../ui.js';

export async function render(ctx) {
  ctx.setTitle(t('signup.title'));
  const email = h('input', {
    type: 'email', name: 'email', autocomplete: 'email', inputmode: 'email', spellcheck: 'false', maxlength: '254',
  });
  const name = h('input', { type: 'text', name: 'name', autocomplete: 'name', maxlength: '200' });
  const submit = h('button', { type: 'submit', class: 'button button-primary button-wide' }, t('signup.submit'));
  const form = h('form', { class: 'form', novalidate: true, 'aria-labelledby': 'signup-title', 'data-form': 'signup' },
    formError(),
    field({ label: t('signup.email'), control: email, name: 'email', required: true, hint: t('signup.email_hint') }),
    field({ label: t('signup.name'), control: name, name: 'name' }),
    h('div', { class: 'form-actions' }, submit));

  mailLinkPage(ctx, {
    id: 'signup-title',
    title: t('signup.title'),
    intro: t('signup.intro'),
    form,
    email,
    send: async (address) => {
      await post('/signup', { email: address, name: name.value.trim() || null, language: lang() },
        { noRedirect: true });
      return [h('p', {}, t('signup.sent', { email: address })), h('p', {}, t('signup.sent_more'))];
    },
  });
}
