// Accounts by e-mail in the browser: the forgotten password from the
// sign-in page to the reset link read from the mail and a sign-in with the
// new password; sign-up and activation; an access request asked by an
// org-customer and approved by support, which mails an invitation.

import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  Deskd, follow, launchBrowser, openPage, screenshot, settled, signIn, USERS,
} from './lib/harness.mjs';

let deskd;
let browser;

before(async () => {
  deskd = new Deskd();
  appendFileSync(deskd.config, '\n[accounts]\nsignup = yes\n');
  deskd.setup();
  deskd.ctl(['org', 'set', 'Acme', '--domains', 'acme.test']);
  await deskd.start();
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (deskd) await deskd.close();
});

// The messages deskd wrote to its maildir (no SMTP server configured) for
// rcpt, as text with quoted-printable soft line breaks undone.
function mailsTo(rcpt) {
  const dir = path.join(deskd.data, 'maildir', 'new');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).sort().map((f) => readFileSync(path.join(dir, f), 'utf8').replace(/=\r?\n/g, ''))
    .filter((m) => new RegExp(`^To: .*${rcpt.replace(/[.]/g, '\\.')}`, 'mi').test(m));
}

async function linkFor(rcpt, page, n = 1) {
  const deadline = Date.now() + 15000;
  for (;;) {
    const mails = mailsTo(rcpt);
    if (mails.length >= n) {
      const m = /#\/(reset|activate)\/([A-Za-z0-9_-]{43})/.exec(mails[n - 1]);
      assert.ok(m, mails[n - 1]);
      return { kind: m[1], hash: `#/${m[1]}/${m[2]}` };
    }
    assert.ok(Date.now() < deadline, `no mail to ${rcpt}`);
    await new Promise((r) => { setTimeout(r, 100); });
  }
}

test('forgotten password: from the sign-in page to the link in the mail, then signed in with the new password', async () => {
  const s = await openPage(browser, deskd);
  const { page } = s;
  try {
    await s.go('#/sign-in');
    await follow(page, 'a[href="#/forgot"]');
    await page.waitForSelector('h1:text("Forgot your password?")');
    await page.fill('input[name="email"]', 'not-an-address');
    await page.click('form button[type="submit"]');
    await page.waitForSelector('.has-error');
    await page.fill('input[name="email"]', USERS.bob.email);
    await page.click('form button[type="submit"]');
    await page.waitForSelector('.message-success');
    assert.match(await page.locator('.message-success').textContent(), /bob@acme\.test/);
    await screenshot(page, 'forgot-sent');

    const link = await linkFor(USERS.bob.email);
    assert.equal(link.kind, 'reset');
    await s.go(link.hash);
    await page.waitForSelector('h1:text("Choose a new password")');
    await page.getByLabel(/^New password/).fill('brand-new-pass');
    await page.getByLabel(/^Repeat the password/).fill('brand-new-typo');
    await page.click('form button[type="submit"]');
    await page.waitForSelector('.has-error');
    assert.match(await page.locator('.has-error').textContent(), /not the same/);
    await page.getByLabel(/^Repeat the password/).fill('brand-new-pass');
    await screenshot(page, 'reset-form');
    await page.click('form button[type="submit"]');
    await page.waitForFunction(() => location.hash.startsWith('#/sign-in'));
    await settled(page);
    assert.match(await page.locator('.message-success').textContent(), /password has been changed/);
    await signIn(page, USERS.bob, { password: 'brand-new-pass' });
    assert.equal(new URL(page.url()).hash, '#/');

    // the link is used up
    const again = await openPage(browser, deskd);
    try {
      await again.go(link.hash);
      await again.page.getByLabel(/^New password/).fill('another-pass-1');
      await again.page.getByLabel(/^Repeat the password/).fill('another-pass-1');
      await again.page.click('form button[type="submit"]');
      await again.page.waitForSelector('.message-error');
      assert.match(await again.page.locator('.message-error').textContent(), /no longer works/);
      again.check();
    } finally {
      await again.close();
    }
    s.check();
  } finally {
    await s.close();
  }
});

test('sign-up: the activation link from the mail sets name and password and signs in', async () => {
  const s = await openPage(browser, deskd);
  const { page } = s;
  try {
    await s.go('#/sign-in');
    await follow(page, 'a[href="#/sign-up"]');
    await page.getByLabel(/^Work e-mail address/).fill('nora@acme.test');
    await page.click('form button[type="submit"]');
    await page.waitForSelector('.message-success');
    await screenshot(page, 'sign-up-sent');
    const link = await linkFor('nora@acme.test');
    assert.equal(link.kind, 'activate');
    await s.go(link.hash);
    await page.waitForSelector('h1:text("Set up your account")');
    await page.getByLabel(/^Your name/).fill('Nora <b>Nilsson</b>');
    await page.getByLabel(/^New password/).fill('nora-password');
    await page.getByLabel(/^Repeat the password/).fill('nora-password');
    await page.click('form button[type="submit"]');
    await page.waitForFunction(() => location.hash === '#/');
    await settled(page);
    // signed in: the navigation is there, the name shown as text
    assert.ok(await page.locator('a[data-nav="new"]').count());
    const me = await page.evaluate(async () => (await fetch('/api/v1/me')).json());
    assert.equal(me.user.name, 'Nora <b>Nilsson</b>');
    assert.equal(me.user.org_name, 'Acme');
    s.check();
  } finally {
    await s.close();
  }
});

test('an access request asked by an org-customer and approved by support invites the colleague', async () => {
  const s = await openPage(browser, deskd);
  const { page } = s;
  try {
    await s.go('#/');
    await signIn(page, USERS.olga);
    await follow(page, 'a[data-nav="access"]');
    await page.waitForSelector('h1:text("Access for colleagues")');
    await page.getByLabel(/^Colleague's name/).fill('Carla Colleague');
    await page.getByLabel(/^Colleague's e-mail address/).fill('carla@acme.test');
    await page.getByLabel(/^Phone/).fill('+31 20 555 0101');
    await page.getByLabel(/^Function/).fill('Controller');
    await page.click('form[data-form="access-request"] button[type="submit"]');
    await page.waitForSelector('.message-success');
    await page.waitForSelector('li.access-request:has-text("Carla Colleague")');
    assert.match(await page.locator('li.access-request').first().textContent(), /Waiting/);
    await screenshot(page, 'access-request');
    s.check();
  } finally {
    await s.close();
  }

  const a = await openPage(browser, deskd);
  try {
    await a.go('#/');
    await signIn(a.page, USERS.sam);
    await follow(a.page, 'a[data-nav="access"]');
    await a.page.waitForSelector('h1:text("Access requests")');
    const row = a.page.locator('li.access-request:has-text("Carla Colleague")');
    await row.waitFor();
    assert.match(await row.textContent(), /asked by Olga Organisation/);
    await screenshot(a.page, 'access-requests-staff');
    await row.locator('button[data-action="approve"]').click();
    await a.page.waitForSelector('.message-success:has-text("invited")');
    // the pending list is read again after the answer: it empties
    await a.page.waitForFunction(() => document.querySelectorAll('li.access-request').length === 0);
    a.check();
  } finally {
    await a.close();
  }
  const link = await linkFor('carla@acme.test');
  assert.equal(link.kind, 'activate');
});
