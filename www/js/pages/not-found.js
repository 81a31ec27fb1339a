// An address the portal has no page for (or one the user's role may not open).

import { h } from '../dom.js';
import { t } from '../i18n.js';
import { message } from '../ui.js';

export async function render(ctx) {
  ctx.setTitle(t('notfound.title'));
  ctx.main.append(h('h1', {}, t('notfound.title')),
    message('info', h('p', {}, t('notfound.text')), h('p', {}, h('a', { href: '#/' }, t('common.back_home')))));
}
