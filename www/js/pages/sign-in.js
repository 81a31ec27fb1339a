// Sign in: e-mail, password, "keep me signed in"; afterwards back to the
// page that asked for it (next=#/...).

import { post, setCsrf } from '../api.js';
import { h } from '../dom.js';
import { detect, setLanguage, t } from '../i18n.js';
import {
  currentUser, knownSignedOut, loadUser, setUser, takeFlash,
} from '../session.js';
import {
  busy, checkbox, clearErrors, emailError, field, formError, message, showApiError, showFieldErrors,
} from '../ui.js';

function safeNext(value) {
  if (!value || !value.startsWith('#/') || value.startsWith('#/sign-in')) return '#/';
  return value;
}

export async function render(ctx) {
  const next = safeNext(ctx.query.get('next'));
  ctx.setTitle(t('signin.title'));

  // Still signed in (a reload of this page, a second tab): go on.
  if (!currentUser() && !knownSignedOut()) {
    try {
      await loadUser({ noRedirect: true });
    } catch (e) {
      setUser(null);
    }
  }
  if (!ctx.isCurrent()) return;
  if (currentUser() && ctx.query.get('reason') !== 'expired') {
    ctx.navigate(next, { replace: true });
    return;
  }
  setUser(null);
  ctx.refreshShell();

  const email = h('input', {
    type: 'email', name: 'email', autocomplete: 'username', inputmode: 'email', spellcheck: 'false',
  });
  const password = h('input', { type: 'password', name: 'password', autocomplete: 'current-password' });
  const remember = checkbox({ label: t('signin.remember'), name: 'remember' });
  const submit = h('button', { type: 'submit', class: 'button button-primary button-wide' }, t('signin.submit'));
  const form = h('form', { class: 'form', novalidate: true, 'aria-labelledby': 'signin-title' },
    formError(),
    field({ label: t('signin.email'), control: email, name: 'email', required: true }),
    field({ label: t('signin.password'), control: password, name: 'password', required: true }),
    remember.el,
    h('div', { class: 'form-actions' }, submit));

  const notices = [];
  const flash = takeFlash();
  if (flash) notices.push(message(flash.kind, h('p', {}, flash.text)));
  if (ctx.query.get('reason') === 'expired') {
    notices.push(message('info', h('p', {}, t('signin.expired'))));
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const errors = [];
    const address = email.value.trim();
    const bad = emailError(address);
    if (bad) errors.push(['email', bad]);
    if (!password.value) errors.push(['password', t('error.field.required')]);
    if (errors.length) {
      showFieldErrors(form, errors);
      return;
    }
    clearErrors(form);
    await busy(form, async () => {
      try {
        const data = await post('/session', {
          email: address, password: password.value, remember: remember.input.checked,
        }, { noRedirect: true });
        setCsrf(data.csrf);
        setUser(data.user);
        await setLanguage(detect(data.user.language), { remember: Boolean(data.user.language) });
        ctx.navigate(next, { replace: true });
      } catch (err) {
        if (err.code === 'invalid_credentials') {
          password.value = '';
          showFieldErrors(form, [['password', t('signin.wrong')]]);
        } else {
          showApiError(form, err, { context: 'signin' });
        }
      }
    });
  });

  ctx.main.append(h('div', { class: 'auth-page' },
    h('section', { class: 'card auth-card' },
      h('h1', { id: 'signin-title' }, t('signin.title')),
      h('p', { class: 'lead' }, t('signin.intro')),
      notices,
      form,
      h('p', { class: 'auth-links' },
        h('a', { href: '#/forgot' }, t('signin.forgot')), ' · ',
        h('a', { href: '#/sign-up' }, t('signin.sign_up'))),
      h('p', { class: 'muted small' }, t('signin.no_account'))),
    h('aside', { class: 'auth-aside', 'aria-label': t('signin.aside_label') },
      h('h2', {}, t('signin.aside_title')),
      h('ul', { class: 'ticks' },
        h('li', {}, t('signin.aside_1')),
        h('li', {}, t('signin.aside_2')),
        h('li', {}, t('signin.aside_3'))))));
  ctx.autofocus(email);
}
