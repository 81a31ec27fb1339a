// Files on comments and new tickets: choosing them (a file input, or a drop
// onto the comment box), refusing one over deskd's limit before anything
// is sent, uploading them one request each onto the comment or ticket they
// belong to, and listing them under their timeline entry.

import { get, request, ticketPath } from './api.js';
import { h, icon } from './dom.js';
import { formatNumber, t } from './i18n.js';

let limitPromise = null;

// deskd's limit for one file (GET /api/v1/me .limits), asked once.
export function maxBytes() {
  if (!limitPromise) {
    limitPromise = get('/me')
      .then((data) => (data && data.limits && data.limits.max_attachment_bytes) || 0)
      .catch(() => { limitPromise = null; return 0; });
  }
  return limitPromise;
}

function sizeText(n) {
  if (n >= 1000 * 1000) return t('files.size_mb', { n: formatNumber(Math.round(n / 100000) / 10) });
  if (n >= 1000) return t('files.size_kb', { n: formatNumber(Math.round(n / 100) / 10) });
  return t('files.size_b', { n: formatNumber(n) });
}

// A file picker: {el, files(), clear(), dropOn(element)}. Chosen files are
// listed with a remove button; one over the limit is not taken, and says so.
export function filePicker({ name = 'files' } = {}) {
  const chosen = [];
  const id = `files-${Math.random().toString(36).slice(2, 9)}`;
  const input = h('input', { type: 'file', multiple: true, id, 'data-files': name, class: 'file-input' });
  const list = h('ul', { class: 'file-list', 'data-file-list': name });
  const note = h('div', { class: 'file-note', role: 'status', 'aria-live': 'polite' });
  const el = h('div', { class: 'file-picker', 'data-picker': name },
    h('label', { for: id, class: 'file-label' }, t('files.attach')), input,
    h('p', { class: 'hint file-hint' }, t('files.hint')), list, note);

  maxBytes().then((max) => {
    if (max) el.querySelector('.file-hint').textContent = t('files.hint_limit', { size: sizeText(max) });
  });

  function redraw() {
    list.replaceChildren(...chosen.map((f, i) => h('li', { class: 'file-item' },
      h('span', { class: 'file-name' }, f.name), ' ',
      h('span', { class: 'muted file-size' }, sizeText(f.size)), ' ',
      h('button', {
        type: 'button',
        class: 'button button-link file-remove',
        'aria-label': t('files.remove', { name: f.name }),
        on: { click: () => { chosen.splice(i, 1); redraw(); } },
      }, icon('x')))));
  }

  async function add(files) {
    const max = await maxBytes();
    const refused = [];
    for (const f of files) {
      if (max && f.size > max) refused.push(f.name);
      else chosen.push(f);
    }
    note.replaceChildren(...refused.map((n) => h('p', { class: 'field-error file-refused' },
      t('files.too_large', { name: n, size: sizeText(max) }))));
    redraw();
  }

  input.addEventListener('change', () => {
    add(Array.from(input.files || []));
    input.value = '';
  });

  function dropOn(target) {
    target.addEventListener('dragover', (e) => {
      if (e.dataTransfer && Array.from(e.dataTransfer.types || []).includes('Files')) {
        e.preventDefault();
        target.classList.add('drop-target');
      }
    });
    target.addEventListener('dragleave', () => target.classList.remove('drop-target'));
    target.addEventListener('drop', (e) => {
      target.classList.remove('drop-target');
      if (!e.dataTransfer || !e.dataTransfer.files || !e.dataTransfer.files.length) return;
      e.preventDefault();
      add(Array.from(e.dataTransfer.files));
    });
  }

  return {
    el,
    files: () => chosen.slice(),
    clear: () => { chosen.length = 0; note.replaceChildren(); redraw(); },
    dropOn,
  };
}

// Uploads files onto event seq of ticket ref, one request each, in order.
// Rejects with the first ApiError (the files before it are stored).
export async function uploadFiles(ref, seq, files) {
  for (const f of files) {
    await request('POST', ticketPath(ref, '/attachments'), undefined, {
      query: { filename: f.name, event: seq },
      raw: f,
      rawType: f.type || 'application/octet-stream',
    });
  }
}

// The files of a timeline event: download links, with a thumbnail for
// images deskd judged safe to show.
export function attachmentList(e) {
  const files = (e && e.attachments) || [];
  if (!files.length) return null;
  return h('ul', { class: 'attachments', 'aria-label': t('files.list') }, files.map((a) => h('li', {
    class: 'attachment', 'data-attachment': String(a.id),
  },
  a.image ? h('img', { src: `${a.url}?inline=1`, alt: '', class: 'attachment-thumb', loading: 'lazy' }) : null,
  h('a', { href: a.url, download: a.name, class: 'attachment-link' }, a.name),
  ' ', h('span', { class: 'muted attachment-size' }, sizeText(a.size)))));
}
