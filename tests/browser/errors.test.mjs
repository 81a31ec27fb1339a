// Bad input is shown next to the field it concerns, user text is shown as
// text (never markup), and a lost session goes to sign-in and back.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  follow, createRequest, launchBrowser, openPage, signIn, startDeskd, USERS,
} from './lib/harness.mjs';

let deskd;
let browser;

before(async () => {
  deskd = await startDeskd();
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (deskd) await deskd.close();
});

// The text of the error slot that belongs to a control (aria-describedby).
async function errorOf(page, control) {
  const ids = (await control.getAttribute('aria-describedby')).split(/\s+/);
  const id = ids.find((x) => x.endsWith('-error'));
  const slot = page.locator(`[id="${id}"]`);
  if (await slot.isHidden()) return null;
  return slot.textContent();
}

test('a wrong password is shown next to the password field', async () => {
  const s = await openPage(browser, deskd);
  const { page } = s;
  try {
    await s.go('#/sign-in');
    await page.waitForSelector('input[name="email"]');
    // empty form: both fields
    await page.click('form button[type="submit"]');
    const email = page.locator('input[name="email"]');
    const password = page.locator('input[name="password"]');
    await page.waitForSelector('.field-error:not([hidden])');
    assert.match(await errorOf(page, email), /fill in this field/);
    assert.match(await errorOf(page, password), /fill in this field/);
    assert.equal(await email.getAttribute('aria-invalid'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement.name), 'email', 'focus goes to the first field in error');

    await email.fill('alice@acme.test');
    await password.fill('not-the-password');
    await page.click('form button[type="submit"]');
    await page.waitForFunction(() => {
      const el = document.querySelector('input[name="password"]');
      return el && el.getAttribute('aria-invalid') === 'true';
    });
    assert.match(await errorOf(page, password), /e-mail address or password is not right/);
    assert.equal(await errorOf(page, email), null);
    assert.match(page.url(), /#\/sign-in/);
    s.check();
  } finally {
    await s.close();
  }
});

test('an empty title and description are shown next to their fields', async () => {
  const s = await openPage(browser, deskd);
  const { page } = s;
  try {
    await s.go('#/new?type=ask_question&service=workplace&sub=laptop');
    await signIn(page, USERS.alice);
    await page.waitForSelector('form.request-form');
    await page.click('form.request-form button[type="submit"]');
    await page.waitForSelector('.field-error:not([hidden])');
    const title = page.getByLabel(/^Title/);
    const description = page.getByLabel(/^Description/);
    assert.match(await errorOf(page, title), /fill in this field/);
    assert.match(await errorOf(page, description), /fill in this field/);
    assert.equal(await title.getAttribute('aria-invalid'), 'true');
    assert.match(await page.locator('.request-form [data-form-error]').textContent(), /correct the 2 fields/);
    // whitespace only counts as empty too
    await title.fill('   ');
    await description.fill('Where do I find the VPN settings?');
    await page.click('form.request-form button[type="submit"]');
    await page.waitForFunction(() => document.querySelectorAll('.field-error:not([hidden])').length === 1);
    assert.match(await errorOf(page, title), /fill in this field/);
    assert.equal(await errorOf(page, description), null);
    // a bad address to share with
    await title.fill('VPN settings');
    await page.getByLabel(/Share with named people/).fill('bob@acme.test, nobody');
    await page.click('form.request-form button[type="submit"]');
    await page.waitForSelector('[data-field="participants"][aria-invalid="true"]');
    assert.match(await errorOf(page, page.getByLabel(/Share with named people/)), /“nobody” is not an e-mail address/);
    s.check();
  } finally {
    await s.close();
  }
});

test('the server refusing a value shows it next to the field', async () => {
  const s = await openPage(browser, deskd);
  const { page } = s;
  try {
    await s.go('#/new?type=ask_question&service=workplace&sub=laptop');
    await signIn(page, USERS.alice);
    await page.waitForSelector('form.request-form');
    // 201 characters of title: the browser keeps 200 (maxlength), so send
    // one past the server's limit through a control character instead
    await page.getByLabel(/^Title/).fill('Tab\tin the title');
    await page.getByLabel(/^Description/).fill('Control characters are refused in a one-line title.');
    await page.click('form.request-form button[type="submit"]');
    const title = page.getByLabel(/^Title/);
    await page.waitForFunction(() => document.querySelector('[data-field="title"]').getAttribute('aria-invalid') === 'true');
    assert.match(await errorOf(page, title), /characters that are not allowed|not valid/);
    s.check();
  } finally {
    await s.close();
  }
});

test('sensitive data in a request is flagged and can be sent anyway', async () => {
  const s = await openPage(browser, deskd);
  const { page } = s;
  try {
    await s.go('#/new?type=ask_question&service=workplace&sub=phone');
    await signIn(page, USERS.alice);
    await page.waitForSelector('form.request-form');
    await page.getByLabel(/^Title/).fill('Refund to my card');
    await page.getByLabel(/^Description/).fill('Please refund to card 4111 1111 1111 1111.');
    await page.click('form.request-form button[type="submit"]');
    const prompt = page.locator('[data-confirm="sensitive"]');
    await prompt.waitFor();
    assert.match(await prompt.textContent(), /A payment card number in Description/);
    assert.doesNotMatch(await prompt.textContent(), /4111/, 'the prompt never repeats the number');
    await prompt.locator('button[data-action="send-anyway"]').click();
    const msg = page.locator('.notices .message-success');
    await msg.waitFor();
    assert.match(await msg.textContent(), /HD-\d+/);
    s.check();
  } finally {
    await s.close();
  }
});

test('markup in a title and a comment is shown as text and runs nothing', async () => {
  const s = await openPage(browser, deskd);
  const { page } = s;
  const evil = '<img src=x onerror=alert(1)>';
  try {
    await s.go('#/');
    await signIn(page, USERS.alice);
    await page.evaluate(() => { window.xssRan = false; });
    const ref = await createRequest(page, { title: evil, description: `${evil}\n<script>alert(2)</script>` });
    const row = page.locator(`tr[data-ref="${ref}"]`);
    assert.equal(await row.locator('.title-link').textContent(), evil);
    assert.equal(await row.locator('img').count(), 0);
    await follow(page, row.locator('a.title-link'));
    await page.waitForSelector('h1.ticket-title');
    assert.equal(await page.locator('h1.ticket-title').textContent(), evil);
    await page.getByLabel('Your comment').fill(`${evil} and <b>bold</b>`);
    await page.click('form[data-form="comment"] button[type="submit"]');
    await page.waitForSelector('[data-panel="comment"] .message-success');
    assert.match(await page.locator('ol.timeline').textContent(), /<img src=x onerror=alert\(1\)> and <b>bold<\/b>/);
    assert.equal(await page.locator('main img, main script, main b').count(), 0);
    assert.match(await page.title(), /<img src=x onerror=alert\(1\)>/);
    // a fresh load of the page with the stored text
    await page.reload();
    await page.waitForSelector('h1.ticket-title');
    assert.equal(await page.locator('main img').count(), 0);
    await page.waitForTimeout(300);
    assert.equal(s.dialogs.length, 0, `no dialog may open: ${s.dialogs.join(', ')}`);
    s.check();
  } finally {
    await s.close();
  }
});

test('an expired session goes to sign-in and, after signing in, back to the same page', async () => {
  const s = await openPage(browser, deskd);
  const { page } = s;
  try {
    await s.go('#/');
    await signIn(page, USERS.alice);
    const ref = await createRequest(page, { title: 'Mail does not sync', service: 'workplace', sub: 'laptop' });
    await follow(page, 'a.view-tab[data-view="all"]');
    await page.waitForSelector(`tr[data-ref="${ref}"]`);
    const target = `#/tickets/${ref}`;

    await s.context.clearCookies();
    await page.evaluate((hash) => { location.hash = hash; }, target);
    await page.waitForSelector('h1:text("Sign in")');
    assert.match(await page.locator('.auth-card .message-info').textContent(), /session has ended/);
    const url = new URL(page.url());
    assert.equal(new URLSearchParams(url.hash.split('?')[1]).get('next'), target);

    await signIn(page, USERS.alice);
    await page.waitForSelector('h1.ticket-title');
    assert.equal(new URL(page.url()).hash, target);
    assert.equal(await page.locator('h1.ticket-title').textContent(), 'Mail does not sync');
    // and a change works again (the new CSRF token is used)
    await page.getByLabel('Your comment').fill('Still not syncing.');
    await page.click('form[data-form="comment"] button[type="submit"]');
    await page.waitForSelector('[data-panel="comment"] .message-success');
    s.check();
  } finally {
    await s.close();
  }
});

test('a ticket that does not exist, or is someone else\'s, says so instead of a blank page', async () => {
  const s = await openPage(browser, deskd);
  const { page } = s;
  try {
    const bobs = await deskd.ticketFor(USERS.bob.email, 'Bob\'s private request');
    await s.go('#/tickets/HD-99999');
    await signIn(page, USERS.alice);
    await page.waitForSelector('h1:text("Request not found")');
    await s.go(`#/tickets/${bobs}`);
    await page.waitForSelector(`.message-info:has-text("There is no request ${bobs}")`);
    await s.go('#/no/such/page');
    await page.waitForSelector('h1:text("Page not found")');
    s.check();
  } finally {
    await s.close();
  }
});

test('signing out ends the session and the list then asks to sign in', async () => {
  const s = await openPage(browser, deskd);
  const { page } = s;
  try {
    await s.go('#/');
    await signIn(page, USERS.alice);
    await follow(page, 'button[data-action="sign-out"]');
    await page.waitForSelector('h1:text("Sign in")');
    assert.match(await page.locator('.auth-card .message-info').textContent(), /signed out/);
    await s.go('#/');
    await page.waitForSelector('h1:text("Sign in")');
    s.check();
  } finally {
    await s.close();
  }
});

test('remember me keeps the cookie past the browser session; a ticket opened in a new tab takes a comment', async () => {
  const s = await openPage(browser, deskd);
  const { page } = s;
  try {
    await s.go('#/');
    await signIn(page, USERS.bob);
    let cookie = (await s.context.cookies()).find((c) => c.name === 'deskd_session');
    assert.equal(cookie.expires, -1, 'without remember me: a session cookie');
    assert.equal(cookie.httpOnly, true);
    const ref = await createRequest(page, { title: 'Opened in a new tab', service: 'workplace', sub: 'printer' });

    // a second tab of the same browser
    const tab = await s.context.newPage();
    await tab.goto(`${deskd.url}/#/tickets/${ref}`);
    await tab.waitForSelector('h1.ticket-title');
    await tab.getByLabel('Your comment').fill('Written in the second tab.');
    await tab.click('form[data-form="comment"] button[type="submit"]');
    await tab.waitForSelector('[data-panel="comment"] .message-success');
    await tab.close();

    await follow(page, 'button[data-action="sign-out"]');
    await page.waitForSelector('input[name="email"]');
    await signIn(page, USERS.bob, { remember: true });
    cookie = (await s.context.cookies()).find((c) => c.name === 'deskd_session');
    assert.ok(cookie.expires > Date.now() / 1000 + 3600, 'with remember me: a persistent cookie');
    s.check();
  } finally {
    await s.close();
  }
});
