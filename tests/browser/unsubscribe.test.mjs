// The page behind the "stop e-mail" link of a notification: no sign-in,
// nothing changes until the button is pressed, the answer in the reader's
// language, and a link that is not valid says so.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { openPage, useDeskdAndBrowser, USERS } from './lib/harness.mjs';

const env = useDeskdAndBrowser();

// The stop token of the first message to address in the data directory's
// maildir (deskd has no SMTP server here), waiting for it to arrive.
async function tokenFor(address, ref) {
  const dir = path.join(env.deskd.data, 'maildir', 'new');
  for (let i = 0; i < 200; i++) {
    let names = [];
    try {
      names = readdirSync(dir);
    } catch (e) { /* not made yet */ }
    for (const name of names) {
      const text = readFileSync(path.join(dir, name), 'utf8');
      if (!text.includes(address) || !text.includes(`[${ref}]`)) continue;
      const m = /List-Unsubscribe: <[^>]*\/api\/v1\/unsubscribe\/([A-Za-z0-9_-]{64})>/.exec(text);
      if (m) return m[1];
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no message to ${address} about ${ref}`);
}

test('the link stops the mail after a click, in the reader\'s language', async () => {
  const ref = await env.deskd.ticketFor(USERS.bob.email, 'Monitor flickers');
  const token = await tokenFor(USERS.bob.email, ref);
  const before = (await env.deskd.api('GET', `/api/v1/tickets/${ref}`)).ticket.timeline.length;
  const s = await openPage(env.browser, env.deskd, { locale: 'nl-NL', extraHTTPHeaders: { 'Accept-Language': 'nl-NL,nl;q=0.9' } });
  const { page } = s;
  try {
    await s.go(`#/unsubscribe/${token}`);
    await page.waitForSelector('h1#unsubscribe-title');
    assert.equal(await page.textContent('h1'), 'Geen e-mail meer over een melding');
    // opening the page changed nothing
    assert.equal((await env.deskd.api('GET', `/api/v1/tickets/${ref}`)).ticket.timeline.length, before);
    await page.click('form button[type="submit"]');
    await page.waitForSelector('.message-success');
    assert.equal((await page.textContent('.message-success p')).trim(), `U ontvangt geen e-mail meer over ${ref}.`);
    const t = (await env.deskd.api('GET', `/api/v1/tickets/${ref}`)).ticket;
    assert.equal(t.timeline.at(-1).kind, 'unfollow');
    s.check();
  } finally {
    await s.close();
  }
});

test('a link that is not valid says so and changes nothing', async () => {
  const ref = await env.deskd.ticketFor(USERS.alice.email, 'Keyboard sticks');
  const token = await tokenFor(USERS.alice.email, ref);
  const forged = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
  const before = (await env.deskd.api('GET', `/api/v1/tickets/${ref}`)).ticket.timeline.length;
  const s = await openPage(env.browser, env.deskd);
  const { page } = s;
  try {
    await s.go(`#/unsubscribe/${forged}`);
    await page.click('form button[type="submit"]');
    await page.waitForSelector('.message-error');
    assert.match(await page.textContent('.message-error'), /This link is not valid/);
    assert.equal((await env.deskd.api('GET', `/api/v1/tickets/${ref}`)).ticket.timeline.length, before);
    s.check();
  } finally {
    await s.close();
  }
});
