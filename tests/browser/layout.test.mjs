// Phone width and keyboard use: no horizontal scrolling at 360 px, every
// control reachable and visibly focused, landmarks in place.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  follow, createRequest, horizontalOverflow, launchBrowser, openPage, screenshot, signIn, startDeskd, USERS,
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

const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

test('at 360 px the sign-in, home, new request and ticket pages need no horizontal scrolling', async () => {
  const s = await openPage(browser, deskd, PHONE);
  const { page } = s;
  try {
    await s.go('#/');
    await page.waitForSelector('input[name="email"]');
    assert.equal(await horizontalOverflow(page), 0, 'sign-in page');
    await screenshot(page, 'phone-sign-in');
    await signIn(page, USERS.alice);
    const long = 'A very long title without spaces: https://intranet.example.com/some/really/long/path/that/goes/on/and/on';
    const ref = await createRequest(page, { title: long, description: 'x'.repeat(300) });
    await deskd.resolve(ref, `Done. See ${'y'.repeat(120)}`);
    await page.reload();
    await page.waitForSelector(`tr[data-ref="${ref}"]`);
    assert.equal(await horizontalOverflow(page), 0, 'home page');
    await screenshot(page, 'phone-home');

    await follow(page, 'a[data-nav="new"]');
    await page.waitForSelector('a.card-link');
    assert.equal(await horizontalOverflow(page), 0, 'request types');
    await follow(page, 'a.card-link[data-id="report_incident"]');
    await follow(page, 'a.card-link[data-id="network"]');
    await follow(page, 'a.card-link[data-id="vpn"]');
    await page.waitForSelector('form.request-form');
    assert.equal(await horizontalOverflow(page), 0, 'request form');
    await screenshot(page, 'phone-new-request');

    await s.go(`#/tickets/${ref}`);
    await page.waitForSelector('h1.ticket-title');
    await page.click('button[data-action="accept"]');
    assert.equal(await horizontalOverflow(page), 0, 'ticket page');
    await screenshot(page, 'phone-ticket');

    await follow(page, 'a[data-nav="profile"]');
    await page.waitForSelector('form[data-form="profile"]');
    assert.equal(await horizontalOverflow(page), 0, 'profile page');
    s.check();
  } finally {
    await s.close();
  }
});

test('the portal works from the keyboard with a visible focus', async () => {
  const s = await openPage(browser, deskd);
  const { page } = s;
  try {
    await s.go('#/sign-in');
    await page.waitForSelector('input[name="email"]');
    // landmarks
    assert.equal(await page.locator('header').count(), 1);
    assert.equal(await page.locator('main').count(), 1);
    assert.equal(await page.locator('footer').count(), 1);
    // the e-mail field has the focus; type and tab through the form
    assert.equal(await page.evaluate(() => document.activeElement.name), 'email');
    await page.keyboard.type(USERS.alice.email);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.name), 'password');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert.notEqual(outline, 'none', 'the focused field shows an outline');
    await page.keyboard.type('secret-password');
    await page.keyboard.press('Enter');
    await page.waitForSelector('main h1:text("My requests")');

    // every control has a name a screen reader can read
    const unnamed = await page.evaluate(() => [...document.querySelectorAll('input, select, textarea')]
      .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
      .map((el) => el.outerHTML));
    assert.deepEqual(unnamed, []);

    // the skip link is the first stop and moves the focus to the content
    await page.keyboard.press('Tab');
    const first = await page.evaluate(() => document.activeElement.className);
    if (!/skip-link/.test(first)) {
      await page.focus('.skip-link');
    }
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement.tagName), 'H1');

    // open the new request wizard from the keyboard and pick the first card
    await page.focus('a[data-nav="new"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('a.card-link');
    await page.focus('a.card-link[data-id="ask_question"]');
    const ring = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert.notEqual(ring, 'none');
    await page.keyboard.press('Enter');
    await page.waitForSelector('a.card-link[data-id="workplace"]');
    await page.focus('a.card-link[data-id="workplace"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('a.card-link[data-id="laptop"]');
    await page.focus('a.card-link[data-id="laptop"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('form.request-form');
    assert.equal(await page.evaluate(() => document.activeElement.dataset.field), 'title', 'the form starts at the title');
    s.check();
  } finally {
    await s.close();
  }
});

test('agents see the Queue in the navigation, customers do not', async () => {
  const s = await openPage(browser, deskd);
  const { page } = s;
  try {
    await s.go('#/');
    await signIn(page, USERS.sam);
    await page.waitForSelector('a[data-nav="queue"]');
    assert.equal(await page.locator('a[data-nav="queue"]').textContent(), 'Queue');
    await follow(page, 'a[data-nav="queue"]');
    await page.waitForSelector('main h1:text("Queue")');
    assert.equal(await page.locator('a[data-nav="queue"]').getAttribute('aria-current'), 'page');
    s.check();
  } finally {
    await s.close();
  }
  const c = await openPage(browser, deskd);
  try {
    await c.go('#/queue');
    await signIn(c.page, USERS.alice);
    await c.page.waitForSelector('main h1');
    assert.equal(await c.page.locator('a[data-nav="queue"]').count(), 0);
    assert.equal(await c.page.locator('main h1').textContent(), 'Page not found');
    c.check();
  } finally {
    await c.close();
  }
});
