// Files: attached on the new-request form and to a comment (by the file
// input and by dropping them on the comment box), listed under their
// timeline entry, downloaded with the same bytes; a file over deskd's limit
// is refused in the browser before anything is sent.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  createRequest, openPage, settled, signIn, useDeskdAndBrowser, USERS,
} from './lib/harness.mjs';

const env = useDeskdAndBrowser();

// A 1x1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

// Drops files built in the page (name, text, size in bytes of filler)
// onto selector, as a drag from the desktop would.
function drop(page, selector, files) {
  return page.evaluate(({ selector: sel, files: list }) => {
    const dt = new DataTransfer();
    for (const f of list) {
      const body = f.size ? new Uint8Array(f.size) : f.text;
      dt.items.add(new File([body], f.name, { type: 'text/plain' }));
    }
    const el = document.querySelector(sel);
    el.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    el.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, { selector, files });
}

test('files on a new request and on a comment: input, drop, limit, list and download', async () => {
  const s = await openPage(env.browser, env.deskd, { acceptDownloads: true });
  const { page } = s;
  const uploads = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && r.url().includes('/attachments')) uploads.push(r.url());
  });
  try {
    await s.go('#/');
    await signIn(page, USERS.alice);
    const ref = await createRequest(page, {
      title: 'Screen flickers',
      fill: async (p) => {
        await p.setInputFiles('input[data-files="new"]', { name: 'screen.png', mimeType: 'image/png', buffer: PNG });
        await p.waitForSelector('[data-file-list="new"] .file-item');
      },
    });
    assert.equal(uploads.length, 1);
    await s.go(`#/tickets/${ref}`);
    const created = page.locator('li.event[data-kind="created"] .attachment');
    await created.waitFor();
    assert.equal(await created.locator('a.attachment-link').textContent(), 'screen.png');
    // a safe image shows as a thumbnail, loaded under the page's CSP
    const thumb = created.locator('img.attachment-thumb');
    await page.waitForFunction((img) => img.complete && img.naturalWidth === 1, await thumb.elementHandle());

    // one by the file input, one dropped on the comment box, one too big
    const box = 'form[data-form="comment"] textarea';
    await page.fill(box, 'Here are the logs.');
    const log = Buffer.from('line 1\nline 2 ünïcode\n');
    await page.setInputFiles('input[data-files="comment"]', { name: 'app.log', mimeType: 'text/plain', buffer: log });
    await drop(page, box, [{ name: 'dropped "notes".txt', text: 'dropped bytes' }]);
    await page.waitForFunction(() => document.querySelectorAll('[data-file-list="comment"] .file-item').length === 2);
    const max = await page.evaluate(async () => (await (await fetch('/api/v1/me')).json()).limits.max_attachment_bytes);
    await drop(page, box, [{ name: 'huge.bin', size: max + 1 }]);
    await page.locator('.file-refused').waitFor();
    assert.match(await page.locator('.file-refused').textContent(), /huge\.bin/);
    assert.equal(await page.locator('[data-file-list="comment"] .file-item').count(), 2);
    const before = uploads.length;
    await page.click('form[data-form="comment"] button[type="submit"]');
    const entry = page.locator('li.event[data-kind="comment"]').last();
    await entry.locator('.attachment').nth(1).waitFor();
    await settled(page);
    assert.equal(uploads.length, before + 2, 'the file over the limit was never sent');
    const names = await entry.locator('a.attachment-link').allTextContents();
    assert.deepEqual(names, ['app.log', 'dropped "notes".txt']);

    // download: the same bytes under the same name
    for (const [name, bytes] of [['app.log', log], ['dropped "notes".txt', Buffer.from('dropped bytes')]]) {
      const [d] = await Promise.all([
        page.waitForEvent('download'),
        entry.locator('a.attachment-link', { hasText: name }).click(),
      ]);
      assert.equal(d.suggestedFilename().replace(/_/g, '"'), name.replace(/_/g, '"'));
      assert.deepEqual(readFileSync(await d.path()), bytes);
    }
    s.check();
  } finally {
    await s.close();
  }
});
