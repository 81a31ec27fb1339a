// The pages behind the links of account mail: #/activate/SECRET (a sign-up
// or an invitation: choose name and password, then signed in) and
// #/reset/SECRET (choose a new password, then sign in). The secret stays in
// the address's fragment, which browsers never send to a server.

import { post, setCsrf } from '../api.js';
import { h } from '../dom.js';
import { detect, setLanguage, t } from '../i18n.js';
import { setFlash, setUser } from '../session.js';
import {
  busy, clearErrors, field, formError, message, showApiError, showFieldErrors,
} from '../ui.js';

const MIN_PASSWORD = 8;

export async function render(ctx) {
  const activate = ctx.path.startsWith('/activate/');
  const token = ctx.params.token || '';
  const key = activate ? 'activate' : 'reset';
  ctx.setTitle(t(`${key}.title`));

  const name = h('input', { type: 'text', name: 'name', autocomplete: 'name', maxlength: '200' });
  const password = h('input', { type: 'password', name: 'password', autocomplete: 'new-password', maxlength: '1024' });
  const repeat = h('input', { type: 'password', name: 'repeat', autocomplete: 'new-password', maxlength: '1024' });
  const form = h('form', { class: 'form', novalidate: true, 'aria-labelledby': 'link-title', 'data-form': key },
    formError(),
    activate ? field({ label: t('activate.name'), control: name, name: 'name', required: true }) : null,
    field({
      label: t('account.password'), control: password, name: 'password', required: true, hint: t('account.password_hint'),
    }),
    field({ label: t('account.repeat'), control: repeat, name: 'repeat', required: true }),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'button button-primary button-wide' }, t(`${key}.submit`))));
  const result = h('div', { 'aria-live': 'polite' });

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const errors = [];
    if (activate && !name.value.trim()) errors.push(['name', t('error.field.required')]);
    if (!password.value) errors.push(['password', t('error.field.required')]);
    else if (new TextEncoder().encode(password.value).length < MIN_PASSWORD) {
      errors.push(['password', t('account.password_short')]);
    } else if (password.value !== repeat.value) errors.push(['repeat', t('account.mismatch')]);
    if (errors.length) {
      showFieldErrors(form, errors);
      return;
    }
    clearErrors(form);
    await busy(form, async () => {
      try {
        if (activate) {
          const data = await post('/signup/activate', { token, name: name.value.trim(), password: password.value },
            { noRedirect: true });
          if (data.csrf) {
            setCsrf(data.csrf);
            setUser(data.user);
            await setLanguage(detect(data.user.language), { remember: Boolean(data.user.language) });
            ctx.navigate('#/', { replace: true });
          } else {
            setFlash('success', t('activate.done_signin'));
            ctx.navigate('#/sign-in', { replace: true });
          }
          return;
        }
        await post('/password/reset', { token, password: password.value }, { noRedirect: true });
        setFlash('success', t('reset.done'));
        ctx.navigate('#/sign-in', { replace: true });
      } catch (err) {
        if (err.code === 'invalid_token' || err.code === 'account_exists') {
          form.remove();
          result.append(message('error', h('p', {}, t(`account.${err.code}`)),
            h('p', {}, h('a', { href: activate ? '#/sign-up' : '#/forgot' }, t(`${key}.again`)))));
          ctx.announce(result.textContent);
          return;
        }
        showApiError(form, err, { context: 'account' });
      }
    });
  });

  ctx.main.append(h('div', { class: 'auth-page' },
    h('section', { class: 'card auth-card' },
      h('h1', { id: 'link-title' }, t(`${key}.title`)),
      h('p', { class: 'lead' }, t(`${key}.intro`)),
      form,
      result)));
  ctx.autofocus(activate ? name : password);
}
