// The lists: views, counters, paging with next and previous, sort by
// created date, organisation cases for org-customers.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  follow, launchBrowser, openPage, settled, signIn, startDeskd, USERS,
} from './lib/harness.mjs';

let deskd;
let browser;
const refs = [];

before(async () => {
  deskd = await startDeskd();
  browser = await launchBrowser();
  // 27 tickets for Bob, registered by support: one page of 25 and a second of 2
  for (let i = 1; i <= 27; i++) {
    refs.push(await deskd.ticketFor(USERS.bob.email, `Request number ${i}`, i % 3 === 0 ? { priority: 'P2' } : {}));
  }
  refs.push(await deskd.ticketFor(USERS.alice.email, 'Alice has one too'));
});

after(async () => {
  if (browser) await browser.close();
  if (deskd) await deskd.close();
});

async function rowRefs(page) {
  return page.locator('table.tickets tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.ref));
}

test('the list pages forward and back with next and previous', async () => {
  const s = await openPage(browser, deskd);
  const { page } = s;
  try {
    await s.go('#/');
    await signIn(page, USERS.bob);
    await page.waitForSelector('table.tickets');
    const first = await rowRefs(page);
    assert.equal(first.length, 25);
    assert.equal(first[0], refs[26], 'newest first');
    assert.equal(await page.locator('[data-total]').getAttribute('data-total'), '27');
    assert.equal(await page.locator('.counter-p2 .counter-value').textContent(), '9');
    assert.equal(await page.locator('button[data-page="previous"]').isDisabled(), true);
    assert.match(await page.locator('.pager-page').textContent(), /Page 1/);

    await follow(page, 'button[data-page="next"]');
    await page.waitForSelector('.pager-page:text("Page 2")');
    const second = await rowRefs(page);
    assert.deepEqual(second, [refs[1], refs[0]]);
    assert.equal(await page.locator('button[data-page="next"]').isDisabled(), true);
    // the counters are for the whole view, not the page
    assert.equal(await page.locator('[data-total]').getAttribute('data-total'), '27');

    await follow(page, 'button[data-page="previous"]');
    await page.waitForSelector('.pager-page:text("Page 1")');
    assert.deepEqual(await rowRefs(page), first);
    s.check();
  } finally {
    await s.close();
  }
});

test('sorting by created date: oldest first, or a notice when deskd cannot', async () => {
  const s = await openPage(browser, deskd);
  const { page } = s;
  try {
    await s.go('#/');
    await signIn(page, USERS.bob);
    await page.waitForSelector('table.tickets');
    await page.getByLabel('Sort by created date').selectOption('oldest');
    await page.waitForFunction(() => location.hash.includes('sort=oldest'));
    await settled(page);
    const rows = await rowRefs(page);
    const notice = await page.locator('.notices .message-info').count();
    if (notice) {
      // deskd without sort: newest first, and the user is told so
      assert.equal(rows[0], refs[26]);
      assert.match(await page.locator('.notices .message-info').textContent(), /not available/);
    } else {
      assert.equal(rows[0], refs[0]);
      await follow(page, 'button[data-page="next"]');
      await page.waitForSelector('.pager-page:text("Page 2")');
      assert.deepEqual(await rowRefs(page), [refs[25], refs[26]]);
    }
    assert.equal(await page.getByLabel('Sort by created date').inputValue(), 'oldest');
    s.check();
  } finally {
    await s.close();
  }
});

test('a deskd that does not know sort answers 400: the list falls back to newest first and says so', async () => {
  const s = await openPage(browser, deskd);
  const { page } = s;
  try {
    // play an older deskd: refuse the sort parameter as it did
    await page.route(/\/api\/v1\/tickets\?.*sort=/, (route) => route.fulfill({
      status: 400,
      contentType: 'application/json',
      body: JSON.stringify({ error: { code: 'unknown_parameter', message: 'unknown query parameter "sort"', field: 'sort' } }),
    }));
    await s.go('#/?sort=oldest');
    await signIn(page, USERS.bob);
    await page.waitForSelector('table.tickets');
    assert.match(await page.locator('.notices .message-info').textContent(), /Sorting oldest first is not available/);
    assert.equal((await rowRefs(page))[0], refs[26]);
    s.check();
  } finally {
    await s.close();
  }
});

test('an org-customer sees the organisation\'s cases with their requesters', async () => {
  const s = await openPage(browser, deskd);
  const { page } = s;
  try {
    await s.go('#/?view=all');
    await signIn(page, USERS.olga);
    await page.waitForSelector('table.tickets');
    assert.equal(await page.locator('a.view-tab[aria-current="page"]').textContent(), 'Organisation cases');
    assert.equal(await page.locator('a.view-tab[data-view="open"]').textContent(), 'Open cases');
    assert.equal(await page.locator('[data-total]').getAttribute('data-total'), '28');
    assert.equal(await page.locator('table.tickets thead th:text("Requester")').count(), 1);
    assert.match(await page.locator(`tr[data-ref="${refs[27]}"]`).textContent(), /Alice Andersson/);
    await follow(page, `tr[data-ref="${refs[27]}"] a.title-link`);
    await page.waitForSelector('h1.ticket-title:text("Alice has one too")');
    assert.match(await page.locator('ol.timeline').textContent(), /registered this request by phone/);
    s.check();
  } finally {
    await s.close();
  }
});

test('a customer\'s resolved and closed views hold only their own tickets', async () => {
  const s = await openPage(browser, deskd);
  const { page } = s;
  try {
    await deskd.resolve(refs[27], 'Solved for Alice.');
    await s.go('#/?view=resolved');
    await signIn(page, USERS.alice);
    await page.waitForSelector('table.tickets');
    assert.deepEqual(await rowRefs(page), [refs[27]]);
    assert.match(await page.locator('.counters').textContent(), /Resolved\s*1/);
    await follow(page, 'a.view-tab[data-view="closed"]');
    await page.waitForSelector('.empty');
    assert.match(await page.locator('.empty').textContent(), /no closed requests/);
    s.check();
  } finally {
    await s.close();
  }
});
