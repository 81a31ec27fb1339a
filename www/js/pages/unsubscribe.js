// Stop e-mail about one request: the page behind the link at the foot of
// every notification. The token in the address names the person and the
// request; no sign-in is needed. Nothing changes until the button is
// pressed, so a mail scanner that opens the link stops nothing.

import { post } from '../api.js';
import { h, replace } from '../dom.js';
import { t } from '../i18n.js';
import { busy, message } from '../ui.js';

export async function render(ctx) {
  ctx.setTitle(t('unsubscribe.title'));
  const token = ctx.params.token || '';
  const result = h('div', { class: 'unsubscribe-result', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'button button-primary' }, t('unsubscribe.submit'));
  const form = h('form', { class: 'form', novalidate: true, 'aria-labelledby': 'unsubscribe-title' },
    h('p', {}, t('unsubscribe.intro')),
    h('div', { class: 'form-actions' }, submit));

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    await busy(form, async () => {
      try {
        const data = await post('/unsubscribe', { token }, { noRedirect: true });
        form.remove();
        replace(result, message('success',
          h('p', {}, t('unsubscribe.done', { ref: data.ticket })),
          h('p', {}, t('unsubscribe.again'))));
      } catch (err) {
        const key = err.code === 'invalid_token' ? 'unsubscribe.invalid'
          : err.code === 'not_found' ? 'unsubscribe.gone' : null;
        replace(result, message('error', h('p', {}, key ? t(key) : (err.message || t('error.generic')))));
      }
    });
    ctx.announce(result.textContent);
  });

  ctx.main.append(h('h1', { id: 'unsubscribe-title', tabindex: '-1' }, t('unsubscribe.title')), form, result);
}
