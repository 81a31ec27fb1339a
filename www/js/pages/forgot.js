// Forgotten password (POST /api/v1/password/forgot): the same answer for
// every address, so the page always says the same.

import { post } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { field, formError, mailLinkPage } from '../ui.js';

export async function render(ctx) {
  ctx.setTitle(t('forgot.title'));
  const email = h('input', {
    type: 'email', name: 'email', autocomplete: 'username', inputmode: 'email', spellcheck: 'false', maxlength: '254',
  });
  const form = h('form', { class: 'form', novalidate: true, 'aria-labelledby': 'forgot-title', 'data-form': 'forgot' },
    formError(),
    field({ label: t('signin.email'), control: email, name: 'email', required: true }),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'button button-primary button-wide' }, t('forgot.submit'))));

  mailLinkPage(ctx, {
    id: 'forgot-title',
    title: t('forgot.title'),
    intro: t('forgot.intro'),
    form,
    email,
    send: async (address) => {
      await post('/password/forgot', { email: address }, { noRedirect: true });
      return [h('p', {}, t('forgot.sent', { email: address }))];
    },
  });
}
