// Searching and filtering the ticket list: the filter panel narrows the
// list by priority and status, the address keeps the search across a
// reload and the back button, Clear resets it, the download carries it,
// and what deskd refuses is said next to the search box in the user's
// language. Searching by words runs once deskd knows the parameter q.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  horizontalOverflow, openPage, screenshot, settled, signIn, USERS, useDeskdAndBrowser,
} from './lib/harness.mjs';

const env = useDeskdAndBrowser();
const refs = {};
let cast = null;

// Bob's tickets: two P2 and two P3, one of each moved on to in progress.
async function setupCast() {
  if (cast) return cast;
  const { deskd } = env;
  const add = async (name, title, extra) => {
    refs[name] = await deskd.ticketFor(USERS.bob.email, title, extra);
  };
  await add('printer', 'Printer jam on floor two', { priority: 'P2' });
  await add('mail', 'Mail server down', { priority: 'P2' });
  await add('vpn', 'VPN slow in the morning', { priority: 'P3' });
  await add('transfer', 'Överföring misslyckades', { priority: 'P3', description: 'Bankens överföring gick inte igenom.' });
  refs.alice = await deskd.ticketFor(USERS.alice.email, 'Alice needs a new badge', { priority: 'P2' });
  for (const name of ['mail', 'transfer']) {
    await deskd.api('POST', `/api/v1/tickets/${refs[name]}/actions`, { action: 'set_status', status: 'in_progress' });
  }
  cast = refs;
  return cast;
}

// How deskd answers a list query as support: the status and the error code.
async function probe(query) {
  const res = await fetch(`${env.deskd.url}/api/v1/tickets?${query}`, {
    headers: { Authorization: `Bearer ${env.deskd.token}` },
  });
  const body = await res.json().catch(() => null);
  return { status: res.status, code: body && body.error ? body.error.code : null };
}

async function rowRefs(page) {
  return page.locator('table.tickets tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.ref).sort());
}

// Waits for the page the address names once it holds text.
async function waitForHash(page, text) {
  await page.waitForFunction((s) => location.hash.includes(s), text);
  await settled(page);
}

function sorted(...names) {
  return names.map((n) => refs[n]).sort();
}

async function openFilters(page) {
  const open = await page.locator('details.search-filters').getAttribute('open');
  if (open === null) await page.click('details.search-filters > summary');
}

test('the filter panel narrows the list by priority and status; reload, back and Clear', async (t) => {
  await setupCast();
  const s = await openPage(env.browser, env.deskd, { acceptDownloads: true });
  const { page } = s;
  try {
    await s.go('#/');
    await signIn(page, USERS.bob);
    await page.waitForSelector('table.tickets');
    assert.deepEqual(await rowRefs(page), sorted('printer', 'mail', 'vpn', 'transfer'));
    // a plain customer sees only their own requests: no requester filter
    assert.equal(await page.locator('#search-requester').count(), 0);

    await openFilters(page);
    await page.locator('fieldset[data-filter="priority"]').getByLabel(/^P2/).check();
    await page.locator('fieldset[data-filter="status"]').getByLabel('New', { exact: true }).check();
    await page.click('button[data-action="apply-filters"]');
    await waitForHash(page, 'priority=P2');
    assert.match(await page.evaluate(() => location.hash), /status=new(&|$)/);
    await page.waitForSelector('table.tickets');
    assert.deepEqual(await rowRefs(page), sorted('printer'), 'only the new P2 ticket');
    assert.match(await page.locator('.search-count').textContent(), /2 active/);
    await screenshot(page, 'search-filters');

    // the download exports the same list
    for (const format of ['csv', 'xlsx']) {
      const href = await page.locator(`a[data-download="${format}"]`).getAttribute('href');
      const q = new URLSearchParams(href.split('?')[1]);
      assert.equal(q.get('priority'), 'P2', href);
      assert.equal(q.get('status'), 'new', href);
      assert.equal(q.get('format'), format, href);
    }
    const [d] = await Promise.all([page.waitForEvent('download'), page.click('a[data-download="csv"]')]);
    const csv = readFileSync(await d.path()).subarray(3).toString('utf8').split('\r\n').filter(Boolean);
    assert.equal(csv.length, 2, `a heading and the one ticket: ${csv.join(' | ')}`);
    assert.ok(csv[1].startsWith(refs.printer), csv[1]);

    // a reload shows the same list, with the panel open and the boxes ticked
    await page.reload();
    await settled(page);
    await page.waitForSelector('table.tickets');
    assert.deepEqual(await rowRefs(page), sorted('printer'));
    assert.notEqual(await page.locator('details.search-filters').getAttribute('open'), null);
    assert.equal(await page.locator('fieldset[data-filter="priority"]').getByLabel(/^P2/).isChecked(), true);
    assert.equal(await page.locator('fieldset[data-filter="status"]').getByLabel('New', { exact: true }).isChecked(), true);

    // back: the list before the filters
    await page.goBack();
    await page.waitForFunction(() => !location.hash.includes('priority'));
    await settled(page);
    assert.deepEqual(await rowRefs(page), sorted('printer', 'mail', 'vpn', 'transfer'));
    await page.goForward();
    await waitForHash(page, 'priority=P2');
    assert.deepEqual(await rowRefs(page), sorted('printer'));

    // several statuses and priorities at once, when deskd takes sets
    if ((await probe('status=new,in_progress&priority=P2,P3')).status === 200) {
      await page.locator('fieldset[data-filter="status"]').getByLabel('New', { exact: true }).uncheck();
      await page.locator('fieldset[data-filter="status"]').getByLabel('In progress', { exact: true }).check();
      await page.locator('fieldset[data-filter="priority"]').getByLabel(/^P3/).check();
      await page.click('button[data-action="apply-filters"]');
      await waitForHash(page, 'priority=P2%2CP3');
      await page.waitForSelector('table.tickets');
      assert.deepEqual(await rowRefs(page), sorted('mail', 'transfer'), 'in progress, P2 or P3');
      const href = await page.locator('a[data-download="csv"]').getAttribute('href');
      assert.equal(new URLSearchParams(href.split('?')[1]).get('priority'), 'P2,P3');
    } else {
      t.diagnostic('deskd does not take sets of statuses and priorities yet: that part was left out');
    }

    // Clear resets the search and the filters
    await page.click('a[data-action="clear-search"]');
    await page.waitForFunction(() => location.hash === '#/');
    await settled(page);
    assert.deepEqual(await rowRefs(page), sorted('printer', 'mail', 'vpn', 'transfer'));
    assert.equal(await page.locator('a[data-action="clear-search"]').count(), 0);
    const href = await page.locator('a[data-download="csv"]').getAttribute('href');
    assert.doesNotMatch(href, /priority|status/);
    s.check();
  } finally {
    await s.close();
  }
});

test('on a phone the search box and the open filter panel fit the screen', async () => {
  await setupCast();
  const s = await openPage(env.browser, env.deskd, {
    viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2,
  });
  const { page } = s;
  try {
    await s.go('#/?priority=P3');
    await signIn(page, USERS.sam);
    await page.waitForSelector('table.tickets');
    // support may filter by requester
    assert.equal(await page.locator('#search-requester').count(), 1);
    assert.notEqual(await page.locator('details.search-filters').getAttribute('open'), null);
    assert.equal(await horizontalOverflow(page), 0);
    await screenshot(page, 'phone-search');
    // every control of the form has a name
    const unnamed = await page.evaluate(() => [...document.querySelectorAll('form.ticket-search input, form.ticket-search select')]
      .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
      .map((el) => el.outerHTML));
    assert.deepEqual(unnamed, []);
    s.check();
  } finally {
    await s.close();
  }
});

test('what deskd refuses is said next to the search box, in the user\'s language', async () => {
  await setupCast();
  const s = await openPage(env.browser, env.deskd, { locale: 'nl-NL' });
  const { page } = s;
  try {
    // answers as deskd gives them for a wildcard matching too many words
    // and for a search that is too long
    await page.route(/\/api\/v1\/tickets\?.*q=/, (route) => {
      const q = new URL(route.request().url()).searchParams.get('q');
      const tooBroad = q === 'b*';
      route.fulfill({
        status: tooBroad ? 422 : 400,
        contentType: 'application/json',
        body: JSON.stringify({
          error: tooBroad
            ? { code: 'search_too_broad', message: 'the wildcard matches too many words', field: 'q' }
            : { code: 'invalid_value', message: 'q has more than 8 words', field: 'q' },
        }),
      });
    });
    await s.go('#/');
    await signIn(page, USERS.bob);
    await page.waitForSelector('table.tickets');
    await page.getByLabel('Meldingen zoeken', { exact: true }).fill('b*');
    await page.keyboard.press('Enter');
    await waitForHash(page, 'q=b*');
    const error = page.locator('#search-error');
    await error.waitFor();
    assert.match(await error.textContent(), /past op te veel woorden/);
    assert.equal(await page.locator('#search-q').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator('#search-q').inputValue(), 'b*');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'search-q', 'the focus stays in the box');
    // the page is still the list page, not an error page
    assert.equal(await page.locator('main h1').textContent(), 'Mijn meldingen');
    assert.equal(await page.locator('.view-tabs').count(), 1);
    assert.equal(await page.locator('a[data-download]').count(), 0, 'nothing to download');
    await screenshot(page, 'search-refused');

    await page.locator('#search-q').fill('een twee drie vier vijf zes zeven acht negen');
    await page.keyboard.press('Enter');
    await waitForHash(page, 'negen');
    assert.match(await page.locator('#search-error').textContent(), /te lang/);
    s.check();
  } finally {
    await s.close();
  }
});

test('an org-customer filters by requester and by created day', async (t) => {
  await setupCast();
  if ((await probe('requester=me&created_to=2000-01-01')).status !== 200) {
    t.skip('deskd does not take requester and created_to yet');
    return;
  }
  const bob = (await env.deskd.api('GET', `/api/v1/tickets/${refs.printer}`)).ticket.requester_id;
  const s = await openPage(env.browser, env.deskd);
  const { page } = s;
  try {
    await s.go('#/?view=all');
    await signIn(page, USERS.olga);
    await page.waitForSelector('table.tickets');
    assert.deepEqual(await rowRefs(page), sorted('printer', 'mail', 'vpn', 'transfer', 'alice'));
    await openFilters(page);
    // the people whose tickets are listed are offered by name
    assert.equal(await page.locator(`#search-requester-list option[value="${bob}"]`).textContent(), USERS.bob.name);
    await page.getByLabel('Requester', { exact: true }).fill(String(bob));
    await page.getByLabel('Requester', { exact: true }).press('Enter');
    await waitForHash(page, `requester=${bob}`);
    assert.match(await page.evaluate(() => location.hash), /view=all/, 'the view stays');
    await page.waitForSelector('table.tickets');
    assert.deepEqual(await rowRefs(page), sorted('printer', 'mail', 'vpn', 'transfer'));

    // created on or before yesterday: none of them
    const yesterday = new Date(Date.now() - 86400000).toISOString().slice(0, 10);
    await page.locator('#search-created-to').fill(yesterday);
    await page.click('button[data-action="apply-filters"]');
    await waitForHash(page, `created_to=${yesterday}`);
    const empty = page.locator('.empty[data-empty="search"]');
    await empty.waitFor();
    assert.match(await empty.textContent(), /No tickets match these filters/);
    const href = await page.locator('a[data-download="csv"]').getAttribute('href');
    const q = new URLSearchParams(href.split('?')[1]);
    assert.equal(q.get('requester'), String(bob));
    assert.equal(q.get('created_to'), yesterday);
    assert.equal(q.get('view'), 'all');

    // a range the wrong way round is caught before it is sent
    await page.locator('#search-created-from').fill(new Date().toISOString().slice(0, 10));
    await page.click('button[data-action="apply-filters"]');
    assert.match(await page.locator('#search-error').textContent(), /comes after/);
    assert.equal(await page.locator('#search-created-from').getAttribute('aria-invalid'), 'true');
    assert.match(await page.evaluate(() => location.hash), /created_to=/);
    assert.doesNotMatch(await page.evaluate(() => location.hash), /created_from=/);
    s.check();
  } finally {
    await s.close();
  }
});

test('searching by words: wildcards, accents, nothing found, too broad', async (t) => {
  await setupCast();
  const known = await probe('q=x');
  if (known.status === 400 && known.code === 'unknown_parameter') {
    t.skip('deskd does not take q yet (400 unknown_parameter)');
    return;
  }
  const s = await openPage(env.browser, env.deskd);
  const { page } = s;
  try {
    await s.go('#/');
    await signIn(page, USERS.bob);
    await page.waitForSelector('table.tickets');
    const box = page.getByPlaceholder('Search tickets — use * as a wildcard');

    await box.fill('overfor*');
    await box.press('Enter');
    await waitForHash(page, 'q=overfor');
    await page.waitForSelector('table.tickets');
    assert.deepEqual(await rowRefs(page), sorted('transfer'));
    assert.match(await page.locator(`tr[data-ref="${refs.transfer}"]`).textContent(), /Överföring misslyckades/);
    assert.equal(await page.locator('#sort').inputValue(), 'relevance', 'best match first with words');
    const href = await page.locator('a[data-download="csv"]').getAttribute('href');
    assert.equal(new URLSearchParams(href.split('?')[1]).get('q'), 'overfor*');
    // the search survives a reload
    await page.reload();
    await settled(page);
    await page.waitForSelector('table.tickets');
    assert.deepEqual(await rowRefs(page), sorted('transfer'));
    assert.equal(await page.locator('#search-q').inputValue(), 'overfor*');

    await page.locator('#search-q').fill('zzzz');
    await page.click('#search-submit');
    await waitForHash(page, 'q=zzzz');
    const empty = page.locator('.empty[data-empty="search"]');
    await empty.waitFor();
    assert.match(await empty.textContent(), /No tickets match your search/);

    // a wildcard that stands for more words than deskd expands is refused:
    // a ticket with well over a thousand words starting with "a"
    const words = Array.from({ length: 1200 }, (_, i) => `a${i}`).join(' ');
    await env.deskd.ticketFor(USERS.bob.email, 'Inventory of asset tags', { description: words });
    await page.locator('#search-q').fill('a*');
    await page.keyboard.press('Enter');
    await waitForHash(page, 'q=a*');
    await page.locator('#search-error').waitFor();
    assert.match(await page.locator('#search-error').textContent(), /matches too many words/);
    s.check();
  } finally {
    await s.close();
  }
});
